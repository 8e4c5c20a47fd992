"""JSON Lines logs: one object per line, keys as headers.

Read line by line, so memory follows the rows kept, not the file. A line that is not an
object, is too long, nests too deep or holds a number of hundreds of digits is an invalid row
(`bounds`), never an exception.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sopgen.conformance.readers.bounds import MAX_DIGITS, Bounds, json_depth_ok, json_nesting, number, raise_hint
from sopgen.conformance.readers.columns import _RAW_COLUMNS, _map_header, _missing_message
from sopgen.conformance.readers.filecheck import _check_text, _utf8_error
from sopgen.conformance.readers.model import LogFileError, RowProblem, _FileResult
from sopgen.conformance.readers.dateorder import readings
from sopgen.conformance.readers.validate import _raw_frame, _Source, _validate
from sopgen.conformance.readers.values import _cell_text

_EXAMPLE = '{"kasus": "Oktober 2023", ...}'


class _BadValue(ValueError):
    """A JSON value the reader refuses; the message is the row's problem."""


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _BadValue(f"baris ini memuat angka {len(text.lstrip('-'))} digit; angka di log paling banyak {MAX_DIGITS} digit")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_DIGITS * 2:
        raise _BadValue(f"baris ini memuat angka {len(text)} karakter; angka di log paling banyak {MAX_DIGITS} digit")
    return float(text)


def _too_long(size: int, bounds: Bounds) -> str:
    return (
        f"baris ini lebih panjang dari {number(size / 1024)} KB ({bounds.columns} kolom × batas sel {bounds.limits.sel_kb} KB) "
        f"dan tidak dibaca; periksa baris ini, atau {raise_hint('sel_kb')}"
    )


def _parse(line: str | None, bounds: Bounds) -> tuple[dict[str, Any] | None, str | None]:
    """(object, None) or (None, the problem); line None: longer than a row may be."""
    if line is None:
        return None, _too_long(bounds.cell_bytes * bounds.columns, bounds)
    if json_nesting(line, bounds.depth):
        return None, f"baris ini bersarang lebih dari {bounds.depth} tingkat; tulis satu objek JSON datar per baris, atau {raise_hint('kedalaman')}"
    try:
        obj = json.loads(line, parse_int=_int, parse_float=_float)
    except _BadValue as err:
        return None, str(err)
    except json.JSONDecodeError as err:
        return None, f"baris ini bukan JSON yang sah ({err.msg}, kolom {err.colno}); tulis satu objek JSON per baris, mis. {_EXAMPLE}"
    except (ValueError, RecursionError) as err:
        return None, f"baris ini bukan JSON yang sah ({type(err).__name__}); tulis satu objek JSON per baris, mis. {_EXAMPLE}"
    if not isinstance(obj, dict):
        return None, f"baris ini bukan objek JSON; tulis satu objek per baris, mis. {_EXAMPLE}"
    if not json_depth_ok(obj, bounds.depth):
        return None, f"baris ini bersarang lebih dari {bounds.depth} tingkat; {raise_hint('kedalaman')}"
    if len(obj) > bounds.columns:
        return None, bounds.ragged_message(len(obj))
    return obj, None


def _lines(file: str, path: Path, cap: int) -> Iterator[tuple[int, str | None]]:
    """(line number, text) of every line, decoded one at a time (bad UTF-8 named); text None
    for a line longer than `cap` bytes, which is skipped in chunks, never held whole."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
        _check_text(file, head)
        fh.seek(len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0)
        offset = fh.tell()
        n = 0
        while raw := fh.readline(cap + 1):
            n += 1
            if len(raw) > cap:
                while raw and not raw.endswith(b"\n"):
                    offset += len(raw)
                    raw = fh.readline(1 << 20)
                offset += len(raw)
                yield n, None
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise _utf8_error(file, raw, err, offset, n - 1) from None
            offset += len(raw)
            yield n, text.rstrip("\n").rstrip("\r") if text.endswith("\n") else text


def file_keys(file: str, path: Path, bounds: Bounds) -> tuple[str, ...]:
    """Every key of a JSON Lines file, in the order first seen: the header of the whole file,
    which its pieces are read by out of core (`outofcore`); more keys than a row may have
    columns is a file error, as when the file is read whole."""
    seen: dict[str, None] = {}
    for _, line in _lines(file, path, bounds.cell_bytes * bounds.columns):
        obj = _parse(line, bounds)[0] if line is not None and line.strip() else None
        if obj:
            seen.update((str(k), None) for k in obj)
            if len(seen) > bounds.columns:
                bounds.check_columns(file, len(seen), "kunci objek JSON di semua baris")
    return tuple(seen)


def _read_jsonl(file: str, path: Path, timezone: str, bounds: Bounds | None = None, keys: Sequence[str] | None = None) -> _FileResult:
    """One JSON object per line; keys are headers: every key of the file, in the order first
    seen. keys: the file is a piece of a bigger one (`outofcore`), read by those keys first,
    and may hold no object at all. A line that is not an object is a problem."""
    bounds = bounds or Bounds.of(None)
    records: list[tuple[int, dict[str, Any]]] = []
    broken: list[RowProblem] = []
    blank = 0
    seen: dict[str, None] = dict.fromkeys(keys or ())
    for n, line in _lines(file, path, bounds.cell_bytes * bounds.columns):
        if line is not None and not line.strip():
            blank += 1
            continue
        obj, problem = _parse(line, bounds)
        if obj is None:
            broken.append(RowProblem(file, n, None, problem or ""))
            continue
        for k in obj:
            seen.setdefault(str(k), None)
        records.append((n, obj))
        bounds.check_rows(file, len(records) + len(broken))
    if not records and not broken and keys is None:
        raise LogFileError(file, f"berkas log '{file}' kosong: tidak ada satu pun objek JSON")
    names = list(seen)
    bounds.check_columns(file, len(names), "kunci objek JSON di semua baris")
    header = _map_header(names)
    if header.missing and records:
        raise LogFileError(file, _missing_message(file, header))
    values: dict[str, list[str | None]] = {c: [] for c in _RAW_COLUMNS}
    joined: list[str | None] = []
    rows: list[int] = []
    key_of = {c: names[i] for c, i in header.index.items()}
    for n, obj in records:
        texts = {k: _cell_text(v) for k, v in obj.items()}
        big = next((k for k, t in texts.items() if t is not None and bounds.cell_too_big(t)), None)
        if big is not None:
            broken.append(RowProblem(file, n, None, bounds.cell_message(f"'{big}'"[:80], texts[big] or "")))
            continue
        rows.append(n)
        joined.append("".join(t for t in texts.values() if t is not None))
        for c in _RAW_COLUMNS:
            values[c].append(texts.get(key_of[c]) if c in key_of else None)
    raw = _raw_frame(rows, joined, [len(names)] * len(rows), values)
    frame, problems, blank_objects, merged, dates = _validate(raw, _Source(file, None, header), timezone)
    problems = sorted(problems + broken, key=lambda p: p.row)
    ignored = {file: list(header.ignored)} if header.ignored else {}
    return _FileResult(frame, problems, blank + blank_objects, ignored, merged=merged, dates=readings(file, None, dates), evidence=dates)
