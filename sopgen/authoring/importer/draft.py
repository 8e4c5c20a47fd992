"""The SOP being rebuilt from a document: plain values in file order, and what was guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Words kept lower case inside a title (Indonesian function words).
_SMALL = {
    "dan", "di", "ke", "dari", "yang", "untuk", "pada", "dengan", "atau", "tentang", "oleh", "serta",
    "dalam", "bagi", "kepada", "terhadap", "sebagai", "atas", "per", "se",
}
_ACRONYM = re.compile(r"^(?:[A-Z]{2,6}|[IVXLC]+|[A-Z]+\d+|\d.*)$")


@dataclass
class Draft:
    data: dict = field(default_factory=dict)
    notes: dict[tuple, list[str]] = field(default_factory=dict)

    def note(self, path: tuple, text: str) -> None:
        self.notes.setdefault(tuple(path), []).append(text)


def is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def title_case(text: str, known: frozenset[str] = frozenset()) -> str:
    """'SUB BAGIAN PENYUSUNAN PROGRAM DAN KEUANGAN' -> 'Sub Bagian Penyusunan Program dan Keuangan'.
    Short words without vowels and roman numerals stay capitals (SKPD, II)."""
    out = []
    for i, word in enumerate(text.split(" ")):
        core = word.strip(".,;:()\"'")
        lower = word.lower()
        if core in known or (_ACRONYM.match(core) and not re.search(r"[AEIOU]", core[1:] if core[:1] in "AEIOU" else core)):
            out.append(word)
        elif i and lower.strip(",.") in _SMALL:
            out.append(lower)
        else:
            out.append("-".join(part[:1].upper() + part[1:] for part in lower.split("-")))
    return " ".join(out)
