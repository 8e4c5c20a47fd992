"""Logs bigger than memory: streamed into partitions of whole cases on disk, checked one by one.

When the logs would need more memory than the budget (`--memori`, by default half of the
machine's memory), `sopgen check` does not hold them in one frame: each file is read a piece
at a time (CSV and JSON Lines cut at record boundaries, Parquet by rows; an xlsx sheet is at
most a million rows and is read whole), each piece's rows go to their partition
(`partition.partition_of`) as a Parquet file in a temporary folder, and then each partition
is read back and checked alone (`engine.check_partition`) and the results merged: the same
report as the one-frame check. The rows' files go once their partition is checked; the
findings' files (`spill`) when the result is closed, after the report is written. The folder
goes also on Ctrl-C and SIGTERM (the CLI turns SIGTERM into the same unwinding).

What stays in memory: one piece or one partition at a time, the refused rows, and the small
tallies the summary is made from. Each partition's findings go to disk, sorted, and the
reports read them merged in order (`spill.SpilledFindings`), a batch of each at a time.
"""

from __future__ import annotations

import errno
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from sopgen.conformance.engine import CheckError, CheckPlan, CheckResult, FileError, check_partition
from sopgen.conformance.engine.intake import files_without_sop, reject_files
from sopgen.conformance.engine.read import LogInput, fold_people, people_note, shown_path
from sopgen.conformance.budget import needed
from sopgen.conformance.partition import partition_of

MIN_PIECE = 1 << 20  # bytes of a file read at once, at least
PIECES_PER_BUDGET = 16  # a piece is a sixteenth of the budget (see check_out_of_core)
# Partitions of one check, at most. Each costs a fixed price whatever its size: a file per piece
# read (pieces x partitions files in the temporary folder), a check of its own (reading its
# files, the engine's setup: about 11 ms of CPU all told for a nearly empty one), its tallies
# until the merge, and a batch of at least spill.MIN_BATCH findings (about 200 KB) held at once
# while the report merges them, so 1,024 partitions may hold 200 MB there. Beyond this,
# partitions would cost more than they save; a log that would need more for its budget gets
# bigger partitions (the 100M-event bench log needs 22 at 4 GB; 1,024 are reached by a log of
# 128 times the budget: 51 GB at 400 MB, 512 GB at 4 GB).
MAX_PARTITIONS = 1024


def effective_budget(budget: int) -> int:
    """The budget the check plans with: at least the one whose pieces are MIN_PIECE. Below it
    the pieces stay MIN_PIECE anyway, and a smaller budget would only make more, smaller
    partitions (`--memori 1KB` made 10,000 for a log of 1.3 MB: 115 CPU-seconds instead of 1)."""
    return max(budget, PIECES_PER_BUDGET * MIN_PIECE)


def partition_count(need: int, budget: int) -> int:
    """Partitions of a check needing `need` bytes in one frame: a quarter of the budget for
    checking one, at least 2, at most MAX_PARTITIONS."""
    return min(MAX_PARTITIONS, max(2, math.ceil(need / max(effective_budget(budget) // 4, 1))))


@dataclass
class _Pieces:
    """What reading the files piece by piece gathered besides the rows (now on disk)."""

    data: LogInput
    sopless: dict[int, bool]
    partitions: int


def check_out_of_core(plan: CheckPlan, paths: Sequence[str | Path], budget: int, timezone: str, limits: Any = None) -> CheckResult:
    """Check the logs within about `budget` bytes of memory, through partitions on disk.

    The result's findings stay on disk (`spill.SpilledFindings`) until it is closed
    (`CheckResult.close`, or when it is collected or the program ends)."""
    from sopgen.conformance.spill import SpilledFindings

    budget = effective_budget(budget)
    partitions = partition_count(needed(paths), budget)
    # A piece of a text file costs about four times its bytes while it is read and split
    # (the bytes, the reader's frames): a sixteenth of the budget keeps that within a quarter.
    piece_bytes = budget // PIECES_PER_BUDGET
    folder = tempfile.TemporaryDirectory(prefix="sopgen-partisi-")
    try:
        root = Path(folder.name)
        # Merging the findings holds a batch of each partition's: an eighth of the budget
        # (about 200 bytes a finding).
        found = SpilledFindings(folder, budget // 8 // (partitions * 200))
        read = _spill(plan, paths, root, partitions, piece_bytes, timezone, limits, found)
        data = read.data
        plan.files = list(data.files)
        bad = sorted(fi for fi, none in read.sopless.items() if none)
        if bad:
            reject_files(data, bad, len(plan.tables.sops))
            plan.rejected = bad
        parts = []
        for k in range(partitions):
            pieces = sorted((root / str(k)).glob("*.parquet"))
            frame = pl.read_parquet(pieces) if pieces else None
            if frame is not None:
                part = check_partition(frame, plan)
                del frame
                for f in pieces:
                    f.unlink()
                found.add(part.findings)
                part.findings = part.findings.clear()
                parts.append(part)
        return found.result(parts, plan, data)
    except BaseException:
        folder.cleanup()
        raise


def _spill(plan: CheckPlan, paths: Sequence[str | Path], root: Path, partitions: int, piece_bytes: int, timezone: str, limits: Any, found: Any) -> _Pieces:
    """Every file read piece by piece, each piece's rows written to its partitions' folders
    and its refused rows' findings to `found` (spill.SpilledFindings); a file that turns out
    unreadable halfway is an error of that file: its pieces go."""
    from sopgen.conformance.readers import LogFileError

    data = LogInput(None, [], [], [], [], [], {}, [])
    sopless: dict[int, bool] = {}
    for k in range(partitions):
        (root / str(k)).mkdir()
    for p in paths:
        file = shown_path(str(p))
        fi = len(data.files)
        try:
            got = _spill_file(plan, file, fi, root, partitions, piece_bytes, timezone, limits, sopless, found)
            if got is None:  # its pieces read the dates in different orders: the whole file, once
                got = _spill_file(plan, file, fi, root, partitions, 0, timezone, limits, sopless, found)
        except (LogFileError, OSError) as err:
            _forget(root, fi, found, sopless)
            if isinstance(err, LogFileError):
                data.file_errors.append(FileError(file, err.message))
            else:
                data.file_errors.append(FileError(file, f"berkas log '{file}' tidak bisa dibuka ({err.strerror or err})"))
            continue
        data.add_file(file, got.problems, got.notes, got.ignored_columns, got.blank_rows, got.merged_rows, got.dates)
        if got.refused:
            data.refused[fi], data.refused_sums[fi] = got.refused, got.refused_sums
    return _Pieces(data, sopless, partitions)


def _forget(root: Path, fi: int, found: Any, sopless: dict[int, bool]) -> None:
    """Whatever a file's pieces left in the partitions and the refused findings."""
    for f in root.glob(f"*/{fi:06d}-*.parquet"):
        f.unlink()
    found.drop_refused(fi)
    sopless.pop(fi, None)


def _spill_file(
    plan: CheckPlan, file: str, fi: int, root: Path, partitions: int, piece_bytes: int, timezone: str, limits: Any, sopless: dict[int, bool], found: Any
) -> _Piece | None:
    """One file's rows into the partitions and its refused rows' findings into found
    (piece_bytes 0: read whole); None when its pieces would read its numeric dates in
    different orders (the file's order is decided over all of it: `readers.dateorder`), and
    nothing of it is kept."""
    from sopgen.conformance.engine.findings import Findings
    from sopgen.conformance.engine.intake import refused_rows
    from sopgen.conformance.engine.tally import added_sums, finding_sums
    from sopgen.conformance.readers.dateorder import readings

    got = _Piece([], [], {}, 0, 0)
    evidence: list[Any] = []
    unknown_people: list[pl.DataFrame] = []
    count = 0
    for taken in _pieces(file, Path(file), root, piece_bytes, timezone, limits):
        frame, piece = taken.pop()
        if frame.get_column("person").null_count() < frame.height:
            frame, others = fold_people(frame, plan.tables.people)
            unknown_people.append(others)
        frame = frame.select(pl.lit(fi, dtype=pl.Int32).alias("fi"), *_frame_cols(frame))
        for none in files_without_sop(frame, plan.tables, plan.all_sops).values():
            sopless[fi] = sopless.get(fi, True) and none
        part = partition_of(frame, plan, partitions)
        groups = frame.with_columns(part).partition_by("part", as_dict=True, include_key=False)
        del frame, part
        while groups:
            (k,), group = groups.popitem()
            target = root / str(k) / f"{fi:06d}-{count:08d}.parquet"
            spill_write(root, lambda: group.write_parquet(target, compression="lz4"))
            del group
        count += 1
        if piece.problems:  # to disk at once: only the count and the sums stay
            refused = Findings(plan.tables)
            refused_rows(piece.problems, [fi] * len(piece.problems), refused)
            found.add_refused(fi, refused.parts[0])
            got.refused += len(piece.problems)
            got.refused_sums = added_sums(got.refused_sums, finding_sums(refused.parts[0]))
            piece.problems = []
            del refused
        got.add(piece)
        evidence.append(piece.evidence)
    if len(evidence) > 1 and all(e is not None for e in evidence):
        total = evidence[0]
        for e in evidence[1:]:
            total = total.merge(e)
        if any(e.order != total.order for e in evidence):
            _forget(root, fi, found, sopless)
            return None
        got.dates = readings(file, None, total)
    note = people_note(file, pl.concat(unknown_people)) if unknown_people else None
    if note:  # before the file's other notes, as `read.read_input` says them
        got.notes.insert(0, note)
    return got


_COLS = ("sheet", "row", "sop", "case", "step", "actor", "start", "end", "output", "timeless")


def _frame_cols(frame: pl.DataFrame) -> list[pl.Expr]:
    return [pl.col(c).cast(pl.Int32) if c == "step" else pl.col(c).cast(pl.String) if c == "sheet" else pl.col(c) for c in _COLS]


@dataclass
class _Piece:
    """What reading a piece of a file gave besides its rows."""

    problems: list[Any]
    notes: list[str]
    ignored_columns: dict[str, list[str]]
    blank_rows: int
    merged_rows: int
    dates: list[Any] = field(default_factory=list)  # readers.dateorder.DateReading of a whole file
    evidence: Any = None  # readers.dateorder.DateEvidence of a piece, rows as in the file
    refused: int = 0  # refused rows whose findings are on disk (`spill.SpilledFindings.add_refused`)
    refused_sums: dict[str, pl.DataFrame] | None = None  # their `tally.finding_sums`

    def add(self, other: _Piece) -> None:
        self.problems.extend(other.problems)
        self.notes.extend(n for n in other.notes if n not in self.notes)
        self.ignored_columns.update(other.ignored_columns)
        self.blank_rows += other.blank_rows
        self.merged_rows += other.merged_rows
        self.dates.extend(other.dates)


def _pieces(file: str, path: Path, root: Path, piece_bytes: int, timezone: str, limits: Any) -> Iterator[list[tuple[pl.DataFrame, _Piece]]]:
    """The rows of one file a piece at a time, as `readers.read_frames` gives them (rows
    numbered as in the whole file, problems and notes naming the file); piece_bytes 0: whole.
    A JSON Lines file's pieces are read by the keys of the whole file (its header).

    Each piece comes in a one-item list for the caller to take, and nothing here keeps it
    while the next piece is read: a categorical column alive across pieces would keep polars'
    global categories (every case, actor and output text seen since) from being dropped, and
    memory would grow with the file (measured: 45 MB a piece of 256 MB, 1.5 GB after 22)."""
    from sopgen.conformance.readers import LogFileError, read_frames
    from sopgen.conformance.readers.bounds import Bounds
    from sopgen.conformance.readers.controls import refuse_controls
    from sopgen.conformance.readers.filecheck import _require_file
    from sopgen.conformance.readers.jsonl import file_keys
    from sopgen.conformance.readers.logs import _read_one

    bounds = Bounds.of(piece_limits(limits))
    _require_file(file, path)
    suffix = path.suffix.lower()
    size = path.stat().st_size
    whole = suffix not in (".csv", ".jsonl", ".ndjson", ".parquet") or size <= piece_bytes or not piece_bytes
    keys = file_keys(file, path, bounds) if not whole and suffix in (".jsonl", ".ndjson") else None
    # XES events pair across the file; a JSON Lines file without one object is read whole to
    # say so (or word its lines)
    whole = whole or keys == () or _xes_events(file, path, suffix, keys)
    if suffix == ".parquet" and not whole:
        yield from _parquet_pieces(file, path, piece_bytes, timezone, bounds)
        return
    if whole:
        result = read_frames([path], timezone, categorical=True, limits=limits)
        yield [(result.frame, _Piece(result.problems, result.notes, result.ignored_columns, result.blank_rows, result.merged_rows, result.dates))]
        return
    bounds.check_file_size(file, path)
    piece = root / f"potongan{path.suffix}"
    rows = 0
    for head, first_line, offset, taken in record_pieces(path, piece_bytes, csv=suffix == ".csv"):
        body = taken.pop()
        spill_write(root, lambda: _write_piece(piece, head, body))
        del body
        shift = first_line - (head.count(b"\n") + 1)
        try:
            result = _read_one(file, piece, timezone, True, bounds, keys)
            refuse_controls(file, result)
        except LogFileError as err:
            raise LogFileError(file, _relocated(err.message, str(piece), file, offset - len(head), shift)) from None
        finally:
            piece.unlink()
        rows += result.frame.height + len(result.problems)
        bounds.check_rows(file, rows)
        problems = [type(p)(file, p.row + shift, p.sheet, p.message) for p in result.problems]
        notes = [n.replace(str(piece), file) for n in result.notes]
        frame = result.frame.with_columns(pl.col("row") + shift, pl.lit(None, dtype=pl.String).alias("sheet"))
        piece_result = _Piece(problems, notes, result.ignored, result.blank, result.merged, evidence=_shifted(result.evidence, shift))
        del result
        yield [(frame, piece_result)]
        del frame  # before the next piece is read: see _pieces


def _write_piece(piece: Path, head: bytes, body: bytes) -> None:
    with open(piece, "wb") as fh:
        fh.write(head)
        fh.write(body)


def spill_write(root: Path, write: Callable[[], Any]) -> None:
    """A write into the temporary folder. Its failure (most often a full disk) ends the check
    in one sentence naming the folder: it is no fault of an input file, and a check that went
    on without the rows not written would report less than the logs hold."""
    try:
        write()
    except (OSError, pl.exceptions.PolarsError) as err:
        full = getattr(err, "errno", None) in (errno.ENOSPC, errno.EDQUOT) or "os error 28" in str(err) or "os error 122" in str(err)
        where = root.parent
        if full:
            raise CheckError(f"disk folder sementara '{where}' penuh saat log dipilah per partisi; kosongkan ruang di disk itu atau arahkan TMPDIR ke folder di disk yang lebih lega, lalu ulangi") from None
        text = str(err).strip()
        why = getattr(err, "strerror", None) or (text.splitlines()[0][:200] if text else type(err).__name__)
        raise CheckError(f"folder sementara '{where}' tidak bisa ditulisi ({why}); arahkan TMPDIR ke folder yang bisa ditulisi, lalu ulangi") from None


def _shifted(evidence: Any, shift: int) -> Any:
    """Date evidence of a piece with its examples' rows as in the whole file."""
    if evidence is None or not shift:
        return evidence
    from dataclasses import replace

    moved = {k: (v[0], v[1] + shift) if v else v for k, v in vars(evidence).items()}
    return replace(evidence, **moved)


def _relocated(message: str, piece: str, file: str, byte_shift: int, line_shift: int) -> str:
    """A reader's message about a piece as it is about the whole file."""
    message = message.replace(piece, file)
    message = re.sub(r"posisi byte (\d+)", lambda m: f"posisi byte {int(m.group(1)) + byte_shift}", message)
    return re.sub(r"\bbaris (\d+)", lambda m: f"baris {int(m.group(1)) + line_shift}", message)


def piece_limits(limits: Any) -> Any:
    """`[batas]` for a file read in pieces: `baris` and `log_mb` bound the memory of one
    frame (the one-frame check holds a file at once), and out of core a piece's memory is
    bounded by the budget instead, so the file's rows and size are held only to the hard caps
    (docs/decisions.md). A file read whole (xlsx, small, XES) keeps `[batas]`."""
    from dataclasses import replace

    from sopgen.source.limits import DEFAULT, MAX_BARIS, MAX_LOG_MB

    return replace(limits or DEFAULT, baris=MAX_BARIS, log_mb=MAX_LOG_MB)


def _xes_events(file: str, path: Path, suffix: str, keys: tuple[str, ...] | None) -> bool:
    """Whether a log may hold XES lifecycle events (`readers.lifecycle`), whose start and
    complete events pair over the whole file: a CSV by its first line, a JSON Lines file by
    the keys of all its objects, a Parquet log by its columns."""
    from sopgen.conformance.readers.columns import _map_header

    if keys is not None:
        return "lifecycle" in _map_header(keys).index
    if suffix != ".parquet":
        return b"lifecycle" in _head(path).lower()
    from sopgen.conformance.readers.parquetfile import parquet_shape

    return "lifecycle" in _map_header(list(parquet_shape(file, path)[0].names())).index


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.readline(1 << 16)


def _parquet_pieces(file: str, path: Path, piece_bytes: int, timezone: str, bounds: Any) -> Iterator[list[tuple[pl.DataFrame, _Piece]]]:
    """A Parquet log by ranges of rows, as `read_frames` gives a file."""
    from sopgen.conformance.readers.controls import refuse_controls
    from sopgen.conformance.readers.model import _as_categorical
    from sopgen.conformance.readers.parquetfile import parquet_shape, read_parquet

    _, total = parquet_shape(file, path)
    bounds.check_rows(file, total)
    step = max(1, int(total * piece_bytes / max(path.stat().st_size, 1)))
    for offset in range(0, total, step):
        result = read_parquet(file, path, timezone, bounds, offset=offset, length=step)
        refuse_controls(file, result)
        frame = _as_categorical(result.frame).with_columns(pl.lit(None, dtype=pl.String).alias("sheet"))
        piece_result = _Piece(result.problems, result.notes, result.ignored, result.blank, result.merged, evidence=result.evidence)
        del result
        yield [(frame, piece_result)]
        del frame


def record_pieces(path: Path, size: int, *, csv: bool) -> Iterator[tuple[bytes, int, int, list[bytes]]]:
    """(head, first line, byte offset, [body]): a text log cut into bodies of about `size`
    bytes that end at a record's end (CSV: a line break outside quotes, by the parity of the
    quotes before it), each with the file's header lines (CSV: an Excel 'sep=' line and the
    header; JSON Lines: none), the physical line and the byte its body starts at. The body
    comes in a one-item list for the caller to take, so no copy stays here while the caller
    reads it. A CSV whose quotes never close within four pieces is cut at a line break anyway
    (its rows are malformed either way)."""
    with open(path, "rb") as fh:
        head = b""
        if csv:
            head = fh.readline()
            if re.fullmatch(rb"(\xef\xbb\xbf)?sep=.\r?\n?", head):
                head += fh.readline()
        line = head.count(b"\n") + 1
        offset = len(head)
        rest = b""
        while True:
            block = fh.read(size)
            buf = rest + block if rest else block
            del rest
            if not block:
                if buf:
                    yield head, line, offset, [buf]
                return
            del block
            cut = _cut(buf, csv, force=len(buf) > 4 * size)
            if cut is None:
                rest = buf
                continue
            rest = buf[cut:]
            lines = buf.count(b"\n", 0, cut)
            body = [buf[:cut] if cut < len(buf) else buf]
            del buf
            yield head, line, offset, body
            del body
            line += lines
            offset += cut


def _cut(buf: bytes, csv: bool, force: bool) -> int | None:
    """The end of the last whole record in buf (after its line break), or None."""
    nl = buf.rfind(b"\n")
    if nl < 0 or not csv or force:
        return None if nl < 0 else nl + 1
    odd = buf.count(b'"', 0, nl) % 2
    while odd:
        before = buf.rfind(b"\n", 0, nl)
        if before < 0:
            return None
        odd ^= buf.count(b'"', before, nl) % 2
        nl = before
    return nl + 1
