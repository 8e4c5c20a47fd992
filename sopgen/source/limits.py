"""How much of anything sopgen accepts: every file it reads is untrusted.

The defaults are far above what an office writes (the longest real SOP text is a few hundred
characters; real logs have a dozen columns), so only a broken or hostile file meets them. An
office that truly needs more raises one in `[batas]` of `sopgen.toml`; the hard caps keep even
that bounded. Limits the drawing imposes (word length, actors for the paper) are not settable:
the page cannot hold more.
"""

from __future__ import annotations

from dataclasses import dataclass

# The longest word a table cell of the sheet can hold without breaking it apart; a longer one
# (a pasted hash, a run of dashes) would also make the text measuring slow. Web addresses may
# be longer: they break at their slashes.
MAX_WORD = 60
MAX_URL = 300
# A step's waktu: at least a minute, at most a working year (52 weeks of 5 working days; a
# `hari` is one working day of the project calendar, so the cap is in the SOP's own units).
# Decision branches (other than the flow to the next step) the flowchart can bring into one step:
# each arrives by its own track or connector beside that step's row.
MAX_BRANCHES_INTO = 8
MIN_WAKTU = 1.0
MAX_WAKTU_DAYS = 260


@dataclass(frozen=True)
class Limits:
    """`[batas]` of sopgen.toml; the schema (config.schema.json) holds each hard cap."""

    teks: int = 2_000  # characters in one SOP text (an aktivitas, a dasar hukum)
    nama_pelaksana: int = 150  # characters in an actor's name (a lane header)
    langkah: int = 100  # steps in one SOP
    log_mb: int = 2_048  # size of one log file, MB
    kolom: int = 100  # columns in a log row
    sel_kb: int = 64  # one log cell, KB
    baris: int = 5_000_000  # rows in one xlsx sheet or CSV file
    kedalaman: int = 32  # nesting depth of a JSONL value or of sopgen.toml


DEFAULT = Limits()

# The hard caps of a log file's rows and size (config.schema.json's maxima for `baris` and
# `log_mb`): out of core the whole file is bounded by these, not by `[batas]`, which bounds
# what one frame holds (`sopgen.conformance.outofcore`).
MAX_BARIS = 1_000_000_000
MAX_LOG_MB = 1_000_000
