"""Control characters in log cells: the row is refused, never silently changed.

A cell with an escape sequence, a bell or a bidirectional override would print as something
else on a terminal or in a report, and may make two names look alike; such a row becomes an
invalid row naming the column and the character (U+001B), as validation refuses them in SOP
text (SOP009). Tab and newline are text.
"""

from __future__ import annotations

import polars as pl

from sopgen.conformance.readers.model import RowProblem, _FileResult
from sopgen.textsafe import CONTROL_PATTERN, char_name, find_control

# The columns of the frame that hold a cell's text, with the name a message gives them.
_TEXT_NAMES = {"sop": "sop", "case": "kasus", "actor": "pelaksana", "output": "output", "note": "catatan", "person": "pegawai"}


def refuse_controls(file: str, result: _FileResult) -> None:
    """Rows whose texts hold control characters (an escape sequence, a bidirectional override)
    become invalid rows naming the column and the character: a log is checked as written, and
    such a cell would print as something else on a terminal or in a report. Tab and newline
    are text. Cheap on big files: only the few distinct values are searched first."""
    if result.clean:
        return
    frame = result.frame
    pattern = CONTROL_PATTERN
    bad = pl.lit(False)
    found = False
    for col in _TEXT_NAMES:
        values = frame.get_column(col).unique().cast(pl.String) if frame.schema[col] == pl.Categorical else frame.get_column(col)
        if values.str.contains(pattern).any():
            bad = bad | pl.col(col).cast(pl.String).str.contains(pattern).fill_null(False)
            found = True
    if not found:
        return
    hit = frame.filter(bad)
    for r in hit.iter_rows(named=True):
        col, text = next((c, str(r[c])) for c in _TEXT_NAMES if r[c] is not None and find_control(str(r[c])))
        m = find_control(text)
        assert m is not None
        result.problems.append(
            RowProblem(
                file,
                r["row"],
                r.get("sheet"),
                f"kolom {_TEXT_NAMES[col]} berisi karakter kendali {char_name(m.group())} (tidak terlihat, mis. dari salinan "
                "terminal atau pengolah kata); hapus karakter itu lalu simpan ulang",
            )
        )
    sheets = frame.get_column("sheet").cast(pl.String).unique(maintain_order=True).to_list() if "sheet" in frame.columns else []
    order = {name: i for i, name in enumerate(dict.fromkeys([*sheets, *(p.sheet for p in result.problems)]))}
    result.problems.sort(key=lambda p: (order[p.sheet], p.row))
    result.frame = frame.filter(~bad)
