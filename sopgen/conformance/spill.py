"""Findings kept on disk, one sorted file per partition, merged in order as a report reads them.

A log of a hundred million events has about eleven million findings (2 GB in memory): the
out-of-core check (`outofcore`) writes each partition's findings, already in the report's
order, to a Parquet file of small row groups, and keeps only their count. A report then
reads them through `SpilledFindings.chunks`, a k-way merge that holds a batch of each file:

- every partition's findings are sorted by (file, sheet, row, ROW_ORDER of the kind, step),
  and all the findings of one row come from the partition that holds the row; so a merge
  round may hand out every finding of a row before the smallest row still to come in any
  file (the "frontier": the least of the last rows of the files' batches);
- what a round hands out is sorted again with `findings.merge_sorted`, sources in the order
  `merge` concatenates them (the refused rows' findings, then partition 0, 1, ...), which is
  the order the one-frame check gives to the byte (the refused rows' findings alone are
  taken as they are, as `merge` takes a single frame).

The files live in the check's temporary folder (`tempfile.TemporaryDirectory`): removed by
`close`, when the result is collected, at the end of the program, and so on Ctrl-C and
SIGTERM (the CLI turns SIGTERM into the same unwinding).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from sopgen.conformance.engine import FINDINGS_SCHEMA
from sopgen.conformance.engine.findings import merge_sorted, sorted_findings
from sopgen.conformance.engine.model import FindingsStore

BATCH = 50_000  # findings of one file held at a time while merging (about 9 MB), at most
MIN_BATCH = 1_000  # and at least (a row has at most a dozen findings)


class SpilledFindings(FindingsStore):
    """The findings of a check out of core: the refused rows' in memory, the partitions' on
    disk (`add`, in partition order), merged when read."""

    def __init__(self, folder: tempfile.TemporaryDirectory, batch: int = BATCH) -> None:
        super().__init__(pl.DataFrame(schema=FINDINGS_SCHEMA))
        self.folder = folder
        self.root = Path(folder.name) / "temuan"
        self.root.mkdir(exist_ok=True)
        self.files: list[Path] = []
        self.sizes: list[int] = []
        self.batch = max(MIN_BATCH, batch)
        # The refused rows' findings, per file index: a piece's at a time, sorted (a log
        # whose every row is refused must not hold them all until the report).
        self.refused_files: dict[int, list[tuple[Path, int]]] = {}

    def add_refused(self, fi: int, findings: pl.DataFrame) -> None:
        """The findings of a piece's refused rows (of file fi) to disk, sorted as reported."""
        if findings.height == 0:
            return
        from sopgen.conformance.outofcore import spill_write

        kept = self.refused_files.setdefault(fi, [])
        path = self.root / f"tolak-{fi:06d}-{len(kept):06d}.parquet"
        frame = sorted_findings(findings)
        spill_write(Path(self.folder.name), lambda: frame.write_parquet(path, compression="lz4", row_group_size=self.batch))
        kept.append((path, frame.height))

    def drop_refused(self, fi: int) -> None:
        """Forget file fi's refused rows (a file read again, or not checked after all)."""
        for path, _ in self.refused_files.pop(fi, []):
            path.unlink(missing_ok=True)

    def add(self, findings: pl.DataFrame) -> None:
        """A partition's findings (sorted as reported) to disk."""
        if findings.height == 0:
            return
        from sopgen.conformance.outofcore import spill_write

        path = self.root / f"{len(self.files):06d}.parquet"
        spill_write(Path(self.folder.name), lambda: findings.write_parquet(path, compression="lz4", row_group_size=self.batch))
        self.files.append(path)
        self.sizes.append(findings.height)

    def result(self, parts: list, plan: Any, data: Any) -> Any:
        """`engine.merge` of partial results whose findings are here already (taken from
        them): the `CheckResult`, its findings read from disk as the reports ask."""
        from sopgen.conformance.engine import merge

        for fi in [fi for fi in self.refused_files if fi not in data.refused]:
            self.drop_refused(fi)  # a file that names no SOP (`reject_files`)
        result = merge(parts, plan, data)  # the findings of the refused rows only
        self.refused(result.findings_frame)
        result.store = self
        return result

    def refused(self, findings: pl.DataFrame) -> None:
        """The findings `merge` made for the rows the readers refused (sorted as reported)."""
        self._frame = findings

    @property
    def height(self) -> int:
        return self._frame.height + sum(self.sizes) + sum(n for kept in self.refused_files.values() for _, n in kept)

    def frame(self) -> pl.DataFrame:
        parts = list(self.chunks(self.batch))
        return pl.concat(parts) if parts else pl.DataFrame(schema=FINDINGS_SCHEMA)

    def head(self, n: int) -> pl.DataFrame:
        taken: list[pl.DataFrame] = []
        left = n
        for chunk in self.chunks(max(n, 1)):
            if left <= 0:
                break
            taken.append(chunk.head(left))
            left -= taken[-1].height
        return pl.concat(taken) if taken else pl.DataFrame(schema=FINDINGS_SCHEMA)

    def chunks(self, size: int) -> Iterator[pl.DataFrame]:
        """The findings in the report's order, a merge round at a time (each at most about
        `size`, or the files' batches together when they hold more)."""
        # Refused rows' findings, file by file and piece by piece, are in order as they come:
        # one source (a log whose every row is refused may have thousands of pieces).
        refused = [item for _, kept in sorted(self.refused_files.items()) for item in kept]
        if not self.files and not refused:  # as `merge` gives the refused rows' findings alone
            yield from super().chunks(size)
            return
        sources = [_Cursor.of_frame(sorted_findings(self._frame))] if self._frame.height else []
        sources += [_Cursor(refused, self.batch)] if refused else []
        sources += [_Cursor([(path, total)], self.batch) for path, total in zip(self.files, self.sizes)]
        while sources:
            for s in sources:
                s.fill()
            open_ = [s for s in sources if not s.done]
            frontier = min((s.last_row() for s in open_), default=None)
            taken = [s.take_before(frontier) for s in sources]
            frames = [t for t in taken if t.height]
            sources = [s for s in sources if not (s.done and s.buffer.height == 0)]
            if not frames:
                for s in open_:  # a batch of one row only: read more of its file
                    s.want *= 2
                continue
            merged = frames[0] if len(frames) == 1 else merge_sorted(frames)
            for offset in range(0, merged.height, max(size, 1)):
                yield merged.slice(offset, size)

    def close(self) -> None:
        self.folder.cleanup()


class _Cursor:
    """A sorted source of findings read a batch at a time: Parquet files one after the other
    (each sorted, and each one's findings after the one before's), or a frame."""

    def __init__(self, files: list[tuple[Path, int]], batch: int) -> None:
        self.files = files  # (path, findings in it)
        self.want = batch
        self.read = 0
        self.total = sum(n for _, n in files)
        self.at, self.start = 0, 0  # the first file not read to its end, and the findings before it
        self.buffer = pl.DataFrame(schema=FINDINGS_SCHEMA)

    @classmethod
    def of_frame(cls, frame: pl.DataFrame) -> _Cursor:
        cursor = cls([], frame.height)
        cursor.buffer = frame
        return cursor

    @property
    def done(self) -> bool:
        return self.read >= self.total

    def fill(self) -> None:
        """At least `want` findings in the buffer, or the rest of the file."""
        if self.done or self.buffer.height >= self.want:
            return
        n = self.want - self.buffer.height
        got = []
        while n > 0 and self.at < len(self.files):  # from the file the last read stopped in
            path, count = self.files[self.at]
            offset = self.read - self.start
            part = pl.scan_parquet(path).slice(offset, min(n, count - offset)).collect()
            if part.height == 0:  # shorter than written: something changed the folder meanwhile
                from sopgen.conformance.engine import CheckError

                raise CheckError(f"berkas sementara '{path}' berubah selama pemeriksaan; jalankan lagi")
            got.append(part)
            self.read += part.height
            n -= part.height
            if self.read >= self.start + count:
                self.at, self.start = self.at + 1, self.start + count
        more = pl.concat(got) if len(got) > 1 else got[0]
        # One new chunk: what was taken from the old buffer is freed, not kept by a slice.
        self.buffer = pl.concat([self.buffer, more], rechunk=True) if self.buffer.height else more

    def last_row(self) -> tuple:
        """The (file, sheet, row) of the last finding in the buffer, as a sort key."""
        fi, sheet, row = self.buffer.select("fi", "sheet", "row").row(-1)
        return _key(fi, sheet, row)

    def take_before(self, frontier: tuple | None) -> pl.DataFrame:
        """The findings of the buffer on rows before the frontier (all: None), taken out."""
        if frontier is None:
            n = self.buffer.height
        else:
            n = self.buffer.select(_before(frontier).sum()).item()
        taken, self.buffer = self.buffer.head(n), self.buffer.slice(n)
        return taken


def _key(fi: int, sheet: str | None, row: int) -> tuple:
    """(file, sheet, row) ordered as polars sorts them: a missing sheet first, text by code point."""
    return (fi, (0, "") if sheet is None else (1, sheet), row)


def _before(frontier: tuple) -> pl.Expr:
    """Whether a finding's (file, sheet, row) comes before the frontier's."""
    fi, (has_sheet, sheet), row = frontier
    f, s, r = pl.col("fi"), pl.col("sheet"), pl.col("row")
    if has_sheet:
        sheet_before = s.is_null() | (s < sheet).fill_null(False)
        same_sheet = (s == sheet).fill_null(False)
    else:
        sheet_before = pl.lit(False)
        same_sheet = s.is_null()
    return (f < fi) | ((f == fi) & (sheet_before | (same_sheet & (r < row))))
