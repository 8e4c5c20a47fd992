"""Every text of the flowchart is at least 6 pt; a question wraps inside its diamond, which
grows to hold it (issue 10: captions were 5.5 pt, a long question shrank to 3 pt)."""

from __future__ import annotations

import re

import pytest

import test_layout as props
from sopgen.render.flowchart import FlowNode, Frame, layout
from sopgen.render.flowchart.text import fits


@pytest.mark.parametrize("params", props.GENERATED[::2], ids=lambda c: f"seed{c[0]}-n{c[1]}-lanes{c[2]}")
def test_no_text_under_6_pt(params) -> None:
    nodes, frame = props.make_case(*params)
    lay = layout(nodes, frame)
    sizes = [float(v) for row in range(len(nodes)) for v in re.findall(r'font-size="([0-9.]+)"', lay.svg(row))]
    assert all(size >= 6.0 for size in sizes)


@pytest.mark.parametrize("question", ["Lengkap?", "Berkas permohonan sudah lengkap dan benar?", "Data sudah benar?"])
@pytest.mark.parametrize("row", [56.0, 90.0])
def test_a_question_fits_its_diamond_at_6_pt(question: str, row: float) -> None:
    nodes = [FlowNode(1, (0,), "proses"), FlowNode(2, (1,), "keputusan", None, 1, question), FlowNode(3, (1,), "proses")]
    lay = layout(nodes, Frame((110.0, 110.0), (row,) * 3, (0, 0, 0)))
    diamond = next(s for _, s in lay.symbols if s.kind == "decision")
    assert diamond.h <= row - 30 + 1e-6  # still room for a connector and an arrow
    if len(question) < 10 or (row > 56 and len(question) < 20):  # a 56 pt row leaves a 26 pt diamond
        assert fits(question, diamond.w, diamond.h)
    assert 'font-size="6.00"' in lay.svg(1)


@pytest.mark.parametrize("params", props.GENERATED[1::2], ids=lambda c: f"seed{c[0]}-n{c[1]}-lanes{c[2]}")
def test_a_branch_to_the_end_ends_in_the_deciding_column(params) -> None:
    """No "Selesai" capsule in an actor's column that has nothing to do with the decision."""
    nodes, frame = props.make_case(*params)
    lay = layout(nodes, frame)
    edges = [sum(frame.lane_widths[:k]) for k in range(len(frame.lane_widths) + 1)]
    for row, sym in lay.symbols:
        if sym.kind == "end":
            lanes = nodes[row].lanes
            assert edges[min(lanes)] < sym.x and sym.right < edges[max(lanes) + 1], (row, sym)
