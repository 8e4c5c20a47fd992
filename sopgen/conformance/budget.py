"""The memory a check may use (`--memori`) and what the one-frame check of some logs would
need: the command line decides with these before anything heavy is imported (they choose
whether the logs are read in one frame or through partitions on disk: `outofcore`)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

# Peak memory of the one-frame check per byte of CSV input (measured: bench/bench_check.py,
# 10M events, 1.1 GB of CSV, 1.7 GB peak), rounded up.
PEAK_PER_INPUT_BYTE = 2.0
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
    """The memory the one-frame check of these files would need, estimated from their size."""
    total = 0
    for p in paths:
        try:
            total += os.stat(p).st_size
        except OSError:
            continue
    return int(total * PEAK_PER_INPUT_BYTE)
