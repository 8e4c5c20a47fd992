"""Which way a log writes its numeric dates: day first (Indonesian) or month first.

03/04/2023 is 3 April in Indonesia and 4 March in an American Excel. Each source (a CSV or
JSONL file, an xlsx sheet) is read day first unless its own dates prove otherwise, over its
`mulai` and `selesai` together (one person writes both, and a row read one way at the start
and the other at the end would give nonsense durations):

- a date whose first part is over 12 (18/10/2023) can only be day first;
- a date whose second part is over 12 (10/23/2023) can only be month first;
- a date with both parts 12 or less and different (03/04/2023) is ambiguous.

A source with month-first dates and no day-first one is read month first; with both, day
first (the month-first ones are invalid rows). Only numeric dates (`/`, `-` or `.`) count:
ISO, month names and Excel date cells say which part is which. The report says once which
reading it used wherever it had to choose (`date_notes`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

DAY_FIRST, MONTH_FIRST = "day_first", "month_first"
# The parts of a numeric date at the start of a time text: day-or-month, month-or-day.
_NUMERIC = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](?:\d{4}|\d{2})(?:$|[\sT,])"
# A date only month first reads (10/23/2023), and how an example is shown.
_MONTH_FIRST = r"^(?:0?[1-9]|1[0-2])[/.\-](?:1[3-9]|2\d|3[01])[/.\-](?:\d{4}|\d{2})(?:$|[\sT,])"
_TEXT = pl.col("v").str.extract(_NUMERIC, 0).str.strip_chars_end(" T,")
HEAD = 20_000  # rows searched in full before the rest is searched only for what can still change

Example = tuple[str, int]  # (the date as written, its row)


@dataclass(frozen=True)
class DateEvidence:
    """The first example of each kind of numeric date a source holds (None: none)."""

    day_first: Example | None = None  # first part over 12
    month_first: Example | None = None  # second part over 12
    ambiguous: Example | None = None  # both parts 12 or less, and different

    def merge(self, other: DateEvidence | None) -> DateEvidence:
        """Both sources' evidence: this one's examples first."""
        if other is None:
            return self
        return DateEvidence(self.day_first or other.day_first, self.month_first or other.month_first, self.ambiguous or other.ambiguous)

    @property
    def order(self) -> str:
        return MONTH_FIRST if self.month_first and not self.day_first else DAY_FIRST


@dataclass(frozen=True)
class DateReading:
    """How one source's numeric dates were read, when the report has to say it."""

    file: str
    sheet: str | None
    order: str  # DAY_FIRST or MONTH_FIRST
    evidence: DateEvidence

    @property
    def reason(self) -> str:
        """ambiguous (nothing proves an order: day first), month_first (proven), mixed (both
        orders written: day first)."""
        e = self.evidence
        if e.month_first and e.day_first:
            return "mixed"
        return "month_first" if e.month_first else "ambiguous"

    def as_dict(self) -> dict[str, object]:
        """JSON `summary.date_readings` entry: file, sheet, order, reason and the first
        example ({text, row} or null) of each kind of date."""
        e = self.evidence
        shown = lambda x: {"text": x[0], "row": x[1]} if x else None  # noqa: E731
        return {
            "file": self.file,
            "sheet": self.sheet,
            "order": self.order,
            "reason": self.reason,
            "day_first": shown(e.day_first),
            "month_first": shown(e.month_first),
            "ambiguous": shown(e.ambiguous),
        }


def date_notes(readings: list[dict]) -> list[str]:
    """What the reports say, once, about the reading of numeric dates (entries of
    `DateReading.as_dict`): one line for all sources read day first by default, one per
    source read month first or written both ways."""
    notes = []
    unsure = [r for r in readings if r["reason"] == "ambiguous"]
    if unsure:
        first = unsure[0]["ambiguous"]
        place = f"baris {first['row']}" if len(unsure) == 1 else f"{_source(unsure[0])} baris {first['row']}"
        notes.append(
            f"{', '.join(_source(r) for r in unsure)}: tanggal yang bisa dibaca dua arah dibaca hari dulu (dd/mm/yyyy, cara "
            f"Indonesia), mis. {first['text']} ({place}) = {_long(first['text'], False)}; tidak ada tanggal yang hanya "
            "terbaca bulan dulu"
        )
    for r in readings:
        mf, df, amb = r["month_first"], r["day_first"], r["ambiguous"]
        if r["reason"] == "month_first":
            also = f"; {amb['text']} (baris {amb['row']}) di sini = {_long(amb['text'], True)}" if amb else ""
            notes.append(
                f"{_source(r)}: tanggal dibaca bulan dulu (mm/dd/yyyy) karena {mf['text']} (baris {mf['row']}) hanya terbaca "
                f"begitu dan tidak ada tanggal yang hanya terbaca hari dulu{also}"
            )
        elif r["reason"] == "mixed":
            notes.append(
                f"{_source(r)}: tanggal ditulis dengan dua urutan, {df['text']} (baris {df['row']}) hari dulu dan "
                f"{mf['text']} (baris {mf['row']}) bulan dulu; dibaca hari dulu, dan tanggal yang hanya terbaca bulan dulu "
                "membuat barisnya tidak sah"
            )
    return notes


def _source(r: dict) -> str:
    return f"{r['file']} › {r['sheet']}" if r["sheet"] else str(r["file"])


def _long(text: str, month_first: bool) -> str:
    """'03/04/2023' as the report reads it: '3 April 2023'."""
    from sopgen.conformance.dates import parse_time_text
    from sopgen.render.html import tanggal_id

    stamp = parse_time_text(text, month_first)[0]
    return tanggal_id(stamp.date()) if stamp else text


def evidence_of_texts(frame: pl.DataFrame, columns: tuple[str, ...] = ("mulai", "selesai")) -> DateEvidence:
    """The evidence in time texts (frame: `row` and the stripped text columns)."""
    found = DateEvidence()
    for col in columns:
        if col in frame.columns and frame.height:
            found = found.merge(_soon(frame.select("row", pl.col(col).alias("v")), _text_examples, _MONTH_FIRST))
    return found


def evidence_of_times(frame: pl.DataFrame, columns: tuple[tuple[str, str], ...]) -> DateEvidence:
    """The evidence in times already read day first from numeric dates (frame: `row` and the
    time columns; columns: (time column, the strptime pattern it was read with)). Only what
    day first could read is here: day-first and ambiguous examples."""
    found = DateEvidence()
    for col, pattern in columns:
        sep = _numeric_separator(pattern)
        if sep is not None and frame.height:
            found = found.merge(_soon(frame.select("row", pl.col(col).alias("v")), lambda f, sep=sep: _time_examples(f, sep), None))
    return found


def _soon(frame: pl.DataFrame, examples: Callable[[pl.DataFrame], DateEvidence], month_first: str | None) -> DateEvidence:
    """examples of the first HEAD rows, and of the rest only as far as they can still change
    the answer: a log shows its day-first and ambiguous dates early, so on a big file the
    rest is searched for a month-first date alone (one regex), or not at all for times."""
    head = examples(frame.head(HEAD))
    if frame.height <= HEAD:
        return head
    rest = frame.slice(HEAD)
    if not (head.day_first and head.ambiguous):
        return head.merge(examples(rest))
    if month_first is None or head.month_first:
        return head
    hit = rest.filter(pl.col("v").str.contains(month_first)).head(1)
    return head.merge(DateEvidence(month_first=(hit.select(_TEXT).item(), int(hit["row"][0]))) if hit.height else None)


def _text_examples(frame: pl.DataFrame) -> DateEvidence:
    parts = frame.select("row", "v", pl.col("v").str.extract_groups(_NUMERIC).alias("p"))
    parts = parts.select("row", "v", pl.col("p").struct.field("1").cast(pl.Int32).alias("a"), pl.col("p").struct.field("2").cast(pl.Int32).alias("b"))
    return _first_examples(parts, _TEXT)


def _time_examples(frame: pl.DataFrame, sep: str) -> DateEvidence:
    t = pl.col("v")
    parts = frame.select("row", "v", t.dt.day().cast(pl.Int32).alias("a"), t.dt.month().cast(pl.Int32).alias("b"))
    return _first_examples(parts, t.dt.strftime(f"%d{sep}%m{sep}%Y"))


def _numeric_separator(pattern: str) -> str | None:
    """'/' for a day-first pattern like '%d/%m/%Y %H:%M'; None for ISO and the others."""
    for sep in "/-.":
        if pattern.startswith(f"%d{sep}%m{sep}"):
            return sep
    return None


def _first_examples(parts: pl.DataFrame, text: pl.Expr) -> DateEvidence:
    """The first row of each kind (parts: row, v, a = first part, b = second part, null when
    not a numeric date); text: how the example is shown, computed for those rows only."""
    a, b = pl.col("a"), pl.col("b")
    found: list[Example | None] = []
    for cond in ((a > 12) & (b <= 12), (b > 12) & (a <= 12), (a <= 12) & (b <= 12) & (a != b)):
        hit = parts.filter(cond).head(1)
        found.append((hit.select(text).item(), int(hit["row"][0])) if hit.height else None)
    return DateEvidence(*found)


def month_first_pattern(pattern: str) -> str:
    """The month-first form of a day-first strptime pattern ('%d/%m/%Y' -> '%m/%d/%Y')."""
    sep = _numeric_separator(pattern)
    return pattern.replace(f"%d{sep}%m{sep}", f"%m{sep}%d{sep}", 1) if sep else pattern


def readings(file: str, sheet: str | None, evidence: DateEvidence) -> list[DateReading]:
    """What a report says of a source: nothing when its dates leave no choice."""
    if evidence.month_first or (evidence.ambiguous and not evidence.day_first):
        return [DateReading(file, sheet, evidence.order, evidence)]
    return []
