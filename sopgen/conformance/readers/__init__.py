"""Reading activity logs (xlsx, csv, jsonl) into checked rows.

Every data row is accounted for: it is either a row or a RowProblem that names its line and
says what to fix; blank rows are only counted.

Two readers share one validator (`validate`). The exact reader walks records in Python
(`jsonl`, `xlsx` and awkward CSV in `csvfile`); the columnar reader (`columnar`) parses CSV
with polars in a streaming query and hands only the rows it flags to the same validator,
so both give the same rows and problems. Numbers in messages and in `row` are the 1-based
physical line where the record starts (header = line 1; a quoted field spanning lines does
not shift later rows off by record count) or the sheet row in xlsx.

An XES event log with one `time:timestamp` per event and a `lifecycle:transition` column
(`start` and `complete` events, as pm4py or ProM export it) is read by the exact reader and
each start is paired with its complete into one row (`lifecycle`); the events merged that
way are counted (`merged_rows`), so the accounting still covers every line.
"""

from __future__ import annotations

from sopgen.conformance.readers.columns import ALIASES, CANONICAL, REQUIRED
from sopgen.conformance.readers.csvfile import read_csv_frame
from sopgen.conformance.readers.logs import EXTENSIONS, read_frames, read_logs
from sopgen.conformance.readers.model import FrameResult, LogFileError, LogRow, ReadResult, RowProblem

__all__ = [
    "ALIASES",
    "CANONICAL",
    "EXTENSIONS",
    "REQUIRED",
    "FrameResult",
    "LogFileError",
    "LogRow",
    "ReadResult",
    "RowProblem",
    "read_csv_frame",
    "read_frames",
    "read_logs",
]
