"""What the readers of Word and Excel files hand to the mapping: tables as grids of cells.

A merged cell is one `Cell` object at every grid position it covers, so "the cell to the
right" and "the cell below" mean what a person sees. Flowchart shapes are kept with the cell
they are anchored in, with their position in a frame that only shapes of the same cell share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Kinds of shapes, from their preset geometry (DrawingML) or shape type (VML).
PROCESS, DECISION, TERMINATOR, CONNECTOR, OFFPAGE, LABEL, OTHER = (
    "proses", "keputusan", "terminator", "konektor", "halaman", "label", "lain",
)
SYMBOLS = (PROCESS, DECISION)


@dataclass
class Shape:
    key: str  # the drawing's id (docPr / cNvPr): what connectors point at
    kind: str
    text: str = ""
    start: str | None = None  # connectors: the ids of the shapes they join
    end: str | None = None
    frame: tuple = ()  # shapes with equal frames share coordinates (same cell, same reference)
    box: tuple[int, int, int, int] = (0, 0, 0, 0)  # x, y, width, height in EMU
    flip: tuple[bool, bool] = (False, False)

    def ends(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """A connector's start and end points (the box's corners, as flipped)."""
        x, y, w, h = self.box
        fx, fy = self.flip
        start = (x + (w if fx else 0), y + (h if fy else 0))
        end = (x + (0 if fx else w), y + (0 if fy else h))
        return start, end

    def centre(self) -> tuple[int, int]:
        x, y, w, h = self.box
        return x + w // 2, y + h // 2


@dataclass(eq=False)
class Cell:
    paragraphs: list[str] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    shaded: bool = False

    @property
    def text(self) -> str:
        return "\n".join(p for p in self.paragraphs if p)

    @property
    def line(self) -> str:
        """The text on one line, as a person would retype it."""
        return " ".join(" ".join(self.paragraphs).split())


@dataclass
class Grid:
    rows: list[list[Cell]]
    where: str  # "tabel 2" / "lembar 'SOP'": how messages name this table

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def at(self, r: int, c: int) -> Cell | None:
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def right_of(self, r: int, c: int) -> Cell | None:
        here = self.at(r, c)
        for cell in self.rows[r][c + 1 :]:
            if cell is not here:
                return cell
        return None

    def left_of(self, r: int, c: int) -> Cell | None:
        here = self.at(r, c)
        for cell in reversed(self.rows[r][:c]):
            if cell is not here:
                return cell
        return None

    def below(self, r: int, c: int) -> Cell | None:
        here = self.at(r, c)
        for rr in range(r + 1, len(self.rows)):
            cell = self.at(rr, c)
            if cell is not here:
                return cell
        return None

    def find(self, test) -> list[tuple[int, int, Cell]]:
        """Each distinct cell passing `test`, at its first (top-left) position."""
        seen: set[int] = set()
        out = []
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if id(cell) not in seen:
                    seen.add(id(cell))
                    if test(cell):
                        out.append((r, c, cell))
        return out


class ImportProblem(Exception):
    """A file that cannot be read as an SOP document: the message says why, in Indonesian."""
