"""Per-line suppression: `# sopgen: abaikan SOP402` in an SOP file.

A faithful transcription keeps the slips of the printed document; the author says so where
the slip is, and `--strict` then passes knowingly. The comment at the end of a line silences
those codes on that line; a comment alone on its line silences them on the next line. A
suppression that silences nothing is itself a warning (the slip was fixed, the comment stays).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sopgen.source.diagnostics import ERROR, RULES, Diagnostic, diag

# A YAML comment starts at '#' at the start of a line or after a space.
_COMMENT = re.compile(r"(?:^|\s)#\s*sopgen\s*:\s*abaikan\b(?P<codes>[^#\n]*)", re.IGNORECASE)
_CODE = re.compile(r"\bSOP\d{3}\b", re.IGNORECASE)
MAX_SUPPRESSIONS = 1000  # a real SOP needs a handful; more is a file written to flood


@dataclass(frozen=True)
class Suppression:
    line: int  # the line whose diagnostics it silences
    code: str
    at: tuple[int, int]  # where the comment's code is written, for messages


def find(text: str, file: str) -> tuple[list[Suppression], list[Diagnostic]]:
    """The suppressions a file's text declares, and problems with them (unknown codes)."""
    found: list[Suppression] = []
    problems: list[Diagnostic] = []
    if "abaikan" not in text.lower():
        return found, problems
    for n, line in enumerate(text.splitlines(), 1):
        m = _COMMENT.search(line)
        if m is None:
            continue
        alone = not line[: m.start()].strip()
        target = n + 1 if alone else n
        codes = list(_CODE.finditer(m.group("codes")))
        if not codes:
            problems.append(diag(file, n, m.start() + 1 + (line[m.start()] != "#"), "SOP802", "komentar 'sopgen: abaikan' tanpa kode aturan; tulis kodenya, mis. '# sopgen: abaikan SOP402'"))
        for c in codes:
            code = c.group().upper()
            col = m.start("codes") + c.start() + 1
            if code not in RULES:
                problems.append(diag(file, n, col, "SOP802", f"kode '{code}' pada komentar abaikan tidak dikenal; lihat daftar kode dengan: sopgen rules"))
            elif RULES[code].severity == ERROR:
                problems.append(diag(file, n, col, "SOP802", f"{code} adalah galat dan tidak dapat diabaikan; hanya peringatan yang boleh diabaikan"))
            elif len(found) < MAX_SUPPRESSIONS:
                found.append(Suppression(target, code, (n, col)))
    return found, problems


def apply(diagnostics: list[Diagnostic], suppressions: list[Suppression], file: str) -> list[Diagnostic]:
    """The diagnostics of `file` minus the silenced ones, plus a warning per unused suppression."""
    silenced = {(s.line, s.code) for s in suppressions}
    used: set[tuple[int, str]] = set()
    kept = []
    for d in diagnostics:
        key = (d.line, d.code)
        if d.file == file and key in silenced:
            used.add(key)
        else:
            kept.append(d)
    for s in suppressions:
        if (s.line, s.code) not in used:
            kept.append(diag(file, *s.at, "SOP801", f"komentar abaikan {s.code} tidak mengabaikan apa pun di baris {s.line}; hapus komentarnya"))
    return kept
