"""How much of a log the readers accept: the `[batas]` limits of sopgen.toml as the readers
use them, and the messages that say which limit a file or a cell passed.

A log is untrusted: a tiny file may claim a huge sheet, one cell may hold a gigabyte, a JSON
line may nest thousands of levels. Every limit is checked on what the file really holds,
before the costly step where that is possible (the size before reading, the xlsx archive
before calamine), so the cost follows the real content. A row that passes a limit is an
invalid row; a file that does is a file error. Each message names the `[batas]` key that
raises the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sopgen.conformance.readers.model import LogFileError
from sopgen.source.limits import DEFAULT, Limits

# Digits of an integer a JSON log may hold: Python refuses to convert more than 4300, and no
# step number, serial date or duration needs more than a handful.
MAX_DIGITS = 40


def number(n: float) -> str:
    """A count the Indonesian way: 5.000.000."""
    return f"{n:,.0f}".replace(",", ".")


def raise_hint(key: str) -> str:
    return f"naikkan `{key}` di bagian [batas] sopgen.toml bila memang perlu"


@dataclass(frozen=True)
class Bounds:
    """The readers' view of `Limits`: sizes in bytes."""

    file_bytes: int
    columns: int
    cell_bytes: int
    rows: int
    depth: int
    limits: Limits = DEFAULT

    @classmethod
    def of(cls, limits: Limits | None) -> Bounds:
        lim = limits or DEFAULT
        return cls(lim.log_mb * 1024 * 1024, lim.kolom, lim.sel_kb * 1024, lim.baris, lim.kedalaman, lim)

    def check_file_size(self, file: str, path: Path) -> None:
        self.check_size(file, path.stat().st_size)

    def check_size(self, file: str, size: int) -> None:
        """A file of `size` bytes (e.g. as a Spark cluster lists it) within `log_mb`."""
        if size > self.file_bytes:
            raise LogFileError(
                file,
                f"berkas log '{file}' berukuran {number(size / 2**20)} MB, lebih dari batas {number(self.limits.log_mb)} MB; "
                f"pecah log per bulan, atau {raise_hint('log_mb')}",
            )

    def check_columns(self, file: str, count: int, where: str = "kepala tabel") -> None:
        if count > self.columns:
            raise LogFileError(
                file,
                f"berkas log '{file}': {where} berisi {count} kolom, lebih dari batas {self.columns} kolom; "
                f"hapus kolom yang tidak dipakai, atau {raise_hint('kolom')}",
            )

    def check_rows(self, file: str, count: int, where: str = "") -> None:
        if count > self.rows:
            raise LogFileError(
                file,
                f"berkas log '{file}'{where} berisi lebih dari {number(self.rows)} baris data; "
                f"pecah log per bulan, atau {raise_hint('baris')}",
            )

    def cell_too_big(self, text: str) -> bool:
        """Whether a cell's UTF-8 text passes `sel_kb` (characters counted first: cheap)."""
        n = len(text)
        if n * 4 <= self.cell_bytes:
            return False
        return n > self.cell_bytes or len(text.encode("utf-8", "surrogatepass")) > self.cell_bytes

    def cell_message(self, column: str, text: str) -> str:
        kb = len(text.encode("utf-8", "surrogatepass")) / 1024
        return (
            f"sel kolom {column} berisi {number(kb)} KB teks, lebih dari batas {number(self.limits.sel_kb)} KB; "
            f"pindahkan teks panjang ke dokumen lain, atau {raise_hint('sel_kb')}"
        )

    def ragged_message(self, count: int) -> str:
        return (
            f"baris ini berisi {count} kolom, lebih dari batas {self.columns} kolom; "
            f"periksa pemisah dan tanda kutip di baris ini, atau {raise_hint('kolom')}"
        )


def json_depth_ok(value: object, limit: int) -> bool:
    """Whether a parsed JSON value nests at most `limit` levels (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            if d > limit:
                return False
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            if d > limit:
                return False
            stack.extend((x, d + 1) for x in v)
    return True


def json_nesting(line: str, limit: int) -> bool:
    """Whether the brackets of a JSON text (outside strings) nest deeper than `limit`: checked
    before parsing, so a line of ten thousand '[' never reaches the recursive parser."""
    depth = 0
    if line.count("[") + line.count("{") <= limit:
        return False
    in_string = escaped = False
    for ch in line:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False
