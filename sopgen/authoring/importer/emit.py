"""The draft as an SOP file: the layout of the reference SOP, a `# periksa:` comment on every
line whose value was guessed, and the list of those lines for the summary."""

from __future__ import annotations

import json
import re

from sopgen.authoring.importer.draft import Draft
from sopgen.authoring.sopfile import clean
from sopgen.textsafe import one_line

_DATE = re.compile(r"^\d{4}(?:-\d{2}){0,2}$")
_WORD = re.compile(r"^[a-z][a-z0-9-]*$")
_BARE_KEYS = ("id", "pelaksana", "jenis", "ya", "tidak")  # ids and keywords, written unquoted
_SUPPRESSION = re.compile(r"#\s*sopgen", re.I)
_RESERVED = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}


def _scalar(value, bare_date: bool = False, bare_word: bool = False) -> str:
    if bare_word and isinstance(value, str) and _WORD.match(value) and value not in _RESERVED:
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if bare_date and _DATE.match(value):
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    # A document's text must not read as a suppression comment (`# sopgen: abaikan ...`).
    return _SUPPRESSION.sub(lambda m: m.group().replace("#", "\\x23"), quoted)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.at: dict[tuple, int] = {}

    def put(self, text: str, path: tuple) -> None:
        self.at.setdefault(path, len(self.lines))
        self.lines.append(text)

    def mapping(self, data: dict, path: tuple, indent: int, first: str = "") -> None:
        pad = " " * indent
        for n, (key, value) in enumerate(data.items()):
            lead = first if n == 0 and first else pad
            here = (*path, key)
            if isinstance(value, dict):
                self.put(f"{lead}{key}:", here)
                self.mapping(value, here, indent + 2)
            elif isinstance(value, list) and key in ("alias", "pelaksana") and all(isinstance(v, str) for v in value):
                self.put(f"{lead}{key}: [{', '.join(_scalar(v, bare_word=key == 'pelaksana') for v in value)}]", here)
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                self.put(f"{lead}{key}:", here)
                for i, item in enumerate(value):
                    self.mapping(item, (*here, i), indent + 4, first=f"{pad}  - ")
            elif isinstance(value, list):
                if not value:
                    self.put(f"{lead}{key}: []", here)
                    continue
                self.put(f"{lead}{key}:", here)
                for i, item in enumerate(value):
                    self.put(f"{pad}  - {_scalar(item)}", (*here, i))
            else:
                self.put(f"{lead}{key}: {_scalar(value, bare_date=path == ('tanggal',), bare_word=key in _BARE_KEYS)}", here)


def sop_yaml(draft: Draft, source: str) -> tuple[str, list[tuple[int, str]]]:
    """The file's text and [(line number, note)] for every `# periksa:` comment in it."""
    w = _Writer()
    head = [
        "# yaml-language-server: $schema=../schemas/sop.schema.json",
        f"# Diimpor oleh 'sopgen import' dari {json.dumps(source, ensure_ascii=False)[1:-1]}.",
        "# Komentar 'periksa' menandai tebakan: cocokkan dengan dokumen asli, lalu hapus tandanya.",
    ]
    w.mapping(draft.data, (), 0)
    notes: dict[int, list[str]] = {}
    for path, texts in draft.notes.items():
        p = path
        while p and p not in w.at:
            p = p[:-1]
        line = w.at.get(p, 0)
        notes.setdefault(line, []).extend(texts)
    listed = []
    for line, texts in sorted(notes.items()):
        # Notes quote the document: shown escaped (a bidirectional override would reorder the
        # comment in an editor and the summary line in a terminal), without '#'.
        text = "; ".join(one_line(clean(t)).replace("#", "") for t in texts)
        w.lines[line] += f"  # periksa: {text}"
        listed.append((line + 1 + len(head), text))
    return "\n".join([*head, *w.lines]) + "\n", listed
