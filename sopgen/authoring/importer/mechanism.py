"""The Mekanisme table: actors from the headers under "Pelaksana", one step per row.

Each step's lane is the actor cell its flowchart symbol is anchored in; failing that, a
marked cell ("X", "√", "v", or shading). A decision's branches come from connectors glued to
its diamond, labelled Ya/Tidak by their own text or the label nearest to where they leave.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sopgen.authoring.importer import shapes as kinds
from sopgen.authoring.importer.grid import CONNECTOR, DECISION, LABEL, SYMBOLS, TERMINATOR, Cell, Grid, ImportProblem, Shape

_MARK = re.compile(r"^\s*(?:x|v|√|✓|✔|☑|●|•|\*|ok)\s*$", re.I)
_HEAD = {
    "no": r"no\.?|nomor",
    "aktivitas": r"(?:uraian\s*)?(?:kegiatan|aktivitas|aktifitas|prosedur)",
    "keterangan": r"ket(?:erangan|\.)?",
}
_SUB = {"kelengkapan": r"kelengkapan|persyaratan|syarat", "waktu": r"waktu", "output": r"output|keluaran|hasil"}


@dataclass
class Columns:
    header_rows: int
    actors: list[tuple[int, Cell]]  # (first grid column, header cell)
    named: dict[str, int] = field(default_factory=dict)  # no, aktivitas, keterangan, kelengkapan, waktu, output
    unit: str = "menit"  # what a bare number under Waktu means
    unit_written: bool = True
    skipped: list[str] = field(default_factory=list)  # rows holding only a step number: where they are


@dataclass
class Row:
    cells: dict[str, str]
    lanes: list[int]
    how: str  # "bentuk", "tanda", ""
    symbol: str | None  # proses / keputusan from the shape
    question: str
    keys: list[str]
    where: str


def _match(cell: Cell | None, pattern: str) -> bool:
    return cell is not None and bool(re.fullmatch(rf"\s*(?:{pattern})\s*:?\s*", cell.line, re.I))


def find_columns(grid: Grid) -> Columns | None:
    for r, c, cell in grid.find(lambda cell: _match(cell, r"pelaksana")):
        if r + 1 >= len(grid.rows):
            continue
        span = [cc for cc in range(grid.width) if grid.at(r, cc) is cell]
        actors, seen = [], set()
        for cc in span:
            head = grid.at(r + 1, cc)
            if head is not None and head is not cell and id(head) not in seen:
                seen.add(id(head))
                actors.append((cc, head))
        cols = Columns(2, actors)
        for cc in range(grid.width):
            top, sub = grid.at(r, cc), grid.at(r + 1, cc)
            for key, pattern in _HEAD.items():
                if key not in cols.named and _match(top, pattern):
                    cols.named[key] = cc
            for key, pattern in _SUB.items():
                if key not in cols.named and (_match(sub, rf"(?:{pattern})(?:\s*\(.*\))?") or _match(top, rf"(?:{pattern})(?:\s*\(.*\))?")):
                    cols.named[key] = cc
                    if key == "waktu":
                        unit = re.search(r"\((\s*\w+)", (sub if _match(sub, r"waktu.*") else top).line)
                        word = unit.group(1).strip().lower() if unit else ""
                        cols.unit = {"jam": "jam", "hari": "hari", "detik": "detik"}.get(word, "menit")
                        cols.unit_written = bool(unit)
        if actors and "aktivitas" in cols.named:
            cols.header_rows = r + 2
            return cols
    return None


def _numbering_row(cells: list[Cell]) -> bool:
    """A row that only numbers the columns: 1 2 3 ... or (1) (2) ..."""
    texts = [c.line.strip("() ") for c in cells if c.line]
    return len(texts) >= 3 and all(t.isdigit() for t in texts) and [int(t) for t in texts] == list(range(int(texts[0]), int(texts[0]) + len(texts)))


def read_rows(grid: Grid, cols: Columns, start: int) -> list[Row]:
    rows = []
    for r in range(start, len(grid.rows)):
        line = grid.rows[r]
        distinct = list({id(c): c for c in line}.values())
        if _numbering_row(distinct):
            continue
        cells = {k: (grid.at(r, c).text if grid.at(r, c) is not None else "") for k, c in cols.named.items()}
        if any(_match(grid.at(r, c), _SUB[k] if k in _SUB else _HEAD[k]) for k, c in cols.named.items() if k in ("aktivitas", "waktu")):
            continue  # a header repeated on a later page
        lanes, keys, symbol, question, how = [], [], None, "", ""
        for lane, (c, _) in enumerate(cols.actors):
            cell = grid.at(r, c)
            if cell is None or (r > 0 and grid.at(r - 1, c) is cell):
                continue
            found = [s for s in cell.shapes if s.kind in SYMBOLS]
            if found:
                lanes.append(lane)
                keys += [s.key for s in found]
                how = "bentuk"
                decision = next((s for s in found if s.kind == DECISION), None)
                if decision is not None:
                    symbol, question = DECISION, decision.text
                symbol = symbol or kinds.PROCESS
        if not lanes:
            for lane, (c, _) in enumerate(cols.actors):
                cell = grid.at(r, c)
                if cell is not None and (_MARK.match(cell.line) or (cell.shaded and not cell.line)):
                    lanes.append(lane)
                    how = "tanda"
        if not cells.get("aktivitas", "").strip() and not lanes:
            texts = [c.line for c in distinct if c.line]
            number = cells.get("no", "").strip()
            if texts == [number]:
                cols.skipped.append(f"{grid.where} baris {r + 1} ('{number[:12]}')")  # a numbered row left blank
            if not texts or texts == [number]:
                continue
            # Text without an activity (an output, a remark): kept as a step, noted, never dropped.
        rows.append(Row(cells, lanes, how, symbol, question, keys, f"{grid.where} baris {r + 1}"))
    return rows


def mechanism(grids: list[Grid]) -> tuple[Columns, list[Row], list[Shape]]:
    """The first Mekanisme table, its continuations on later pages, and all their shapes."""
    found: Columns | None = None
    rows: list[Row] = []
    shapes: list[Shape] = []
    for grid in grids:
        cols = find_columns(grid)
        if cols is None and found is not None and grid.width == found_width and rows:
            cols, start = found, 0  # a continuation table without its own header
        elif cols is None and found is not None and rows and _continues(grid, len(rows)):
            raise ImportProblem(
                f"{grid.where} tampak lanjutan tabel Mekanisme (dimulai langkah {len(rows) + 1}) tetapi kolomnya "
                f"{grid.width}, bukan {found_width}; samakan kolomnya dengan tabel Mekanisme (atau gabungkan tabelnya) lalu impor lagi"
            )
        elif cols is None or (found is not None and [h.line for _, h in cols.actors] != [h.line for _, h in found.actors]):
            continue
        else:
            start = cols.header_rows
        if found is None:
            found, found_width = cols, grid.width
        rows += read_rows(grid, cols, start)
        for row in grid.rows:
            for cell in {id(c): c for c in row}.values():
                shapes += cell.shapes
    if found is None:
        raise ImportProblem("tabel Mekanisme tidak ditemukan: tidak ada tabel dengan kolom 'Pelaksana' (berisi nama jabatan) dan 'Kegiatan'/'Aktivitas'")
    return found, rows, shapes


def _continues(grid: Grid, steps: int) -> bool:
    """A table whose first column goes on numbering the steps read so far (a Mekanisme table
    continued on the next page with other columns): its steps must not be left out silently."""
    for row in grid.rows:
        first = row[0].line.strip().rstrip(".") if row else ""
        if first.isdigit() and not _numbering_row(list({id(c): c for c in row}.values())):
            return int(first) == steps + 1
    return False


@dataclass
class Branches:
    ya: int | str | None = None
    tidak: int | str | None = None
    notes: list[str] = field(default_factory=list)


def branches(step: int, row: Row, steps: list[Row], shapes: list[Shape]) -> Branches:
    """Where a decision's Ya and Tidak go (step numbers from 1, or 'selesai')."""
    at = {k: i + 1 for i, r in enumerate(steps) for k in r.keys}
    ends = {s.key for s in shapes if s.kind == TERMINATOR and kinds.is_end(s.text)}
    out = [s for s in shapes if s.kind == CONNECTOR and s.start in row.keys and s.end]
    targets = []
    for con in out:
        target = at.get(con.end) if con.end in at else "selesai" if con.end in ends else None
        if target is not None and target != step:
            targets.append((con, target))
    result = Branches()
    if not targets:
        return _from_words(step, row, len(steps), result)
    labels = _labels(targets, [s for s in shapes if s.kind == LABEL])
    named: dict[str, int | str] = {}
    unnamed = []
    for con, target in targets:
        which = kinds.label_value(con.text) or labels.get(id(con))
        if which and which not in named:
            named[which] = target
        else:
            unnamed.append(target)
    nxt = step + 1 if step < len(steps) else "selesai"
    for which in ("ya", "tidak"):
        if which not in named and unnamed:
            pick = next((t for t in unnamed if t == nxt), unnamed[0]) if which == "ya" else unnamed[0]
            unnamed.remove(pick)
            named[which] = pick
            result.notes.append(f"cabang '{which.capitalize()}' ditebak (panah tanpa label Ya/Tidak)")
    result.ya, result.tidak = named.get("ya"), named.get("tidak")
    return result


def _labels(targets: list[tuple[Shape, int | str]], labels: list[Shape]) -> dict[int, str]:
    """Ya/Tidak for each connector from the label nearest its start, closest pairs first, so a
    label names one connector only."""
    pairs = []
    for con, _ in targets:
        start, _ = con.ends()
        for lab in labels:
            value = kinds.label_value(lab.text)
            if value and lab.frame == con.frame:
                dist = abs(lab.centre()[0] - start[0]) + abs(lab.centre()[1] - start[1])
                if dist <= 4 * max(lab.box[2], lab.box[3], 180_000):
                    pairs.append((dist, id(con), id(lab), value))
    out: dict[int, str] = {}
    used: set[int] = set()
    for _, con, lab, value in sorted(pairs):
        if con not in out and lab not in used:
            out[con] = value
            used.add(lab)
    return out


def _from_words(step: int, row: Row, count: int, result: Branches) -> Branches:
    """No readable connectors: 'kembali ke langkah 4' in the activity or the remark."""
    words = " ".join(row.cells.get(k, "") for k in ("aktivitas", "keterangan"))
    m = re.search(r"kembali\s+ke\s+(?:langkah|no\.?|nomor|kegiatan)\s*(\d{1,3})", words, re.I)
    nxt: int | str = step + 1 if step < count else "selesai"
    if m and 1 <= int(m.group(1)) <= count:
        result.ya, result.tidak = nxt, int(m.group(1))
        result.notes.append(f"cabang dibaca dari teks '{m.group(0)}'; Ya ke langkah berikutnya ditebak")
    else:
        result.notes.append("cabang keputusan tidak terbaca (tidak ada panah yang menempel pada belah ketupat); isi ya: dan tidak:")
    return result
