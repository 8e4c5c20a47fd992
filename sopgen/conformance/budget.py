"""The memory a check may use (`--memori`) and what the one-frame check of some logs would
need: the command line decides with these before anything heavy is imported (they choose
whether the logs are read in one frame or through partitions on disk: `outofcore`)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

# Peak memory of the one-frame check, per what a log holds (measured with /usr/bin/time on
# bench_check's log: the slope between 200,000 and 1,000,000 rows, or 10M for CSV), rounded up.
PEAK_PER_INPUT_BYTE = 2.0  # CSV: 10M events, 1.1 GB of CSV, 1.7 GB peak
PEAK_PER_JSONL_BYTE = 12.0  # JSON Lines: 11 (1.8 KB a row): each object is a dict while read
PEAK_PER_PARQUET_ROW = 640  # Parquet: 584 bytes a row; its bytes on disk (8 a row) say nothing
PEAK_PER_XLSX_XML_BYTE = 5.0  # xlsx: 4.3 per byte of its sheets' XML (2.2 KB a row), 58 per file byte
_UNITS = {"": 1, "B": 1, "K": 1024, "KB": 1024, "M": 1024**2, "MB": 1024**2, "G": 1024**3, "GB": 1024**3, "T": 1024**4, "TB": 1024**4}


class BudgetError(ValueError):
    """A --memori value that is not a size; the message is Indonesian."""


def parse_budget(text: str) -> int:
    """'4GB', '512 MB', '1.5G', '2000000000' as bytes."""
    m = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*([KMGT]?B?)\s*", text.upper())
    if not m or float(m.group(1).replace(",", ".")) <= 0:
        raise BudgetError(f"--memori '{text}' bukan ukuran memori; tulis mis. 4GB, 512MB atau 1,5GB")
    return int(float(m.group(1).replace(",", ".")) * _UNITS[m.group(2)])


def default_budget() -> int:
    """Half of the machine's memory (the rest for the system and the report)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2
    except (ValueError, OSError, AttributeError):
        return 4 * 1024**3


def needed(paths: Sequence[str | Path]) -> int:
    """The memory the one-frame check of these files would need, estimated from what they
    hold: bytes of text, rows of a Parquet file, the XML of an xlsx workbook's sheets. The
    two last are the files' own claims, which is enough to choose between one frame and
    partitions (each reader holds a file to what it really holds); a file that cannot be
    opened counts by its bytes, and its reader says what is wrong with it."""
    total = 0.0
    for p in paths:
        try:
            size = os.stat(p).st_size
        except OSError:
            continue
        suffix = Path(p).suffix.lower()
        if suffix in (".jsonl", ".ndjson"):
            total += size * PEAK_PER_JSONL_BYTE
        elif suffix == ".parquet" and (rows := _parquet_rows(Path(p))) is not None:
            total += rows * PEAK_PER_PARQUET_ROW
        elif suffix in (".xlsx", ".xlsm") and (xml := _sheet_bytes(Path(p))) is not None:
            total += xml * PEAK_PER_XLSX_XML_BYTE
        else:
            total += size * PEAK_PER_INPUT_BYTE
    return int(total)


def _parquet_rows(path: Path) -> int | None:
    """The row count in a Parquet file's footer (nothing else is read)."""
    import polars as pl

    try:
        return int(pl.scan_parquet(path, glob=False).select(pl.len()).collect().item())
    except (pl.exceptions.PolarsError, OSError, ValueError):
        return None


def _sheet_bytes(path: Path) -> int | None:
    """The unpacked size of an xlsx archive's sheets and shared strings, as its directory
    says."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return sum(i.file_size for i in archive.infolist() if i.filename.startswith(("xl/worksheets/", "xl/sharedStrings")))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
