"""JSON Lines logs: one object per line, keys as headers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sopgen.conformance.readers.columns import _RAW_COLUMNS, _map_header, _missing_message
from sopgen.conformance.readers.filecheck import _check_text, _utf8_error
from sopgen.conformance.readers.model import LogFileError, RowProblem, _FileResult
from sopgen.conformance.readers.validate import _raw_frame, _Source, _validate
from sopgen.conformance.readers.values import _cell_text


def _read_jsonl(file: str, path: Path, timezone: str) -> _FileResult:
    """One JSON object per line; keys are headers. A line that is not an object is a problem."""
    data = path.read_bytes()
    _check_text(file, data[:4096])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _utf8_error(file, data, err) from None
    records: list[tuple[int, dict[str, Any]]] = []
    broken: list[RowProblem] = []
    blank = 0
    keys: dict[str, None] = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line does not start another
    for n, line in enumerate(lines, 1):
        if not line.strip():
            blank += 1
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            broken.append(RowProblem(file, n, None, f"baris ini bukan JSON yang sah ({err.msg}, kolom {err.colno}); tulis satu objek JSON per baris, mis. {{\"kasus\": \"Oktober 2023\", ...}}"))
            continue
        if not isinstance(obj, dict):
            broken.append(RowProblem(file, n, None, "baris ini bukan objek JSON; tulis satu objek per baris, mis. {\"kasus\": \"Oktober 2023\", ...}"))
            continue
        for k in obj:
            keys.setdefault(str(k), None)
        records.append((n, obj))
    if not records and not broken:
        raise LogFileError(file, f"berkas log '{file}' kosong: tidak ada satu pun objek JSON")
    names = list(keys)
    header = _map_header(names)
    if header.missing and records:
        raise LogFileError(file, _missing_message(file, header))
    values: dict[str, list[str | None]] = {c: [] for c in _RAW_COLUMNS}
    joined: list[str | None] = []
    key_of = {c: names[i] for c, i in header.index.items()}
    for _n, obj in records:
        texts = [_cell_text(v) for v in obj.values()]
        joined.append("".join(t for t in texts if t is not None))
        for c in _RAW_COLUMNS:
            values[c].append(_cell_text(obj.get(key_of[c])) if c in key_of else None)
    raw = _raw_frame([n for n, _ in records], joined, [len(names)] * len(records), values)
    frame, problems, blank_objects, merged = _validate(raw, _Source(file, None, header), timezone)
    problems = sorted(problems + broken, key=lambda p: p.row)
    return _FileResult(frame, problems, blank + blank_objects, {file: list(header.ignored)} if header.ignored else {}, merged=merged)
