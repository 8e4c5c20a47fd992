"""How the engine compares what people typed: actor names, SOP numbers and outputs.

A log is typed by hand, so case, accents, spacing and punctuation must not make a finding."""

from __future__ import annotations

import re
import unicodedata


def norm_name(text: str) -> str:
    """How actors and people are compared: case, accents and spacing ignored, and the dots
    and commas of titles and abbreviations ('Drs. H. Ahmad, M.Si' is 'Drs H Ahmad MSi',
    'Kasubag P.K.' is 'Kasubag PK')."""
    text = unicodedata.normalize("NFKC", text).replace(".", "").replace(",", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def norm_nomor(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def output_words(text: str) -> tuple[str, ...]:
    """The words of an output, without case and punctuation."""
    return tuple(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def output_matches(recorded: str, standard: str) -> bool:
    """A recorded output matches the standard when it holds every word of the standard."""
    want = set(output_words(standard))
    return want <= set(output_words(recorded))
