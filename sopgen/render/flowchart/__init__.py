"""Cross-functional flowchart layout for the "Mekanisme" table (pure geometry, no rendering).

Each step owns one table row and each actor one lane column. The layout is computed in page
coordinates (x from the left edge of lane 0, y from the top of the page's first row) and then
cut into one strip per row, because the renderer puts a small SVG into every row's cell and a
table may break across pages.

Routing: a step flows into the next one from the bottom to the top (with a dog-leg in the free
space below the source when the lanes differ). Everything else (loops, skips, a decision's
side branch) runs along vertical "tracks" in the free channels at both sides of each lane and
enters its target from the side; tracks are chosen greedily, shortest edges first, so that no
edge crosses a symbol or label, and edges only cross each other at right angles. Edges into
the same point may merge.

Page breaks: an edge whose ends lie on different pages is cut at the page edge it travels
through. A downward edge ends in a numbered off-page connector at the bottom of the last row
of its page and resumes from a connector with the same number at the top of the first row of
the target page; an upward loop ends at the top of the first row of its page and resumes at the
bottom of the last row of the target page. A connector sits on its edge's track or, when that
column is taken, anywhere in a lane's band at the page edge, reached by a short jog; tiers
further from the page edge cost more than the arrow they save, so connectors pack against the
edge and do not fence off the tracks of the edges still to be routed. Numbers count 1, 2, ...
in reading order.

Permenpan RB 35/2012's drawing rules (issue 10): a joint step of actors in non-adjacent
columns gets one symbol per run of adjacent columns, joined by a plain line; a caption never
lies under a line (it moves along its branch, or stacks its words, where a column is narrow);
where two lines must cross, the horizontal one jumps; every text is at least 6 pt, a question
wraps (hyphenated where a word is wider than its diamond) and its row asks for the height its
diamond needs (`min_row_heights`), else it is shortened with "…".

Modules, in the order a run uses them: `shapes` (types and sizes), `inputs` (checks), `state`
(the grid and the drawing in progress), `text` (questions in diamonds), `place` (step
symbols, joint steps, flows to the next step), `decisions` (branches, end terminators),
`captions`, `route` with `clearance` and `connectors` (track routing), `captions.settle`,
`assemble` (connector numbers, row strips) with `bridges` (line jumps), `svg` (a strip as SVG).
"""

from __future__ import annotations

from typing import Sequence

from sopgen.render.flowchart.assemble import assemble
from sopgen.render.flowchart.captions import caption, settle
from sopgen.render.flowchart.decisions import decision
from sopgen.render.flowchart.inputs import validate
from sopgen.render.flowchart.place import flow_next, min_row_heights, place_steps
from sopgen.render.flowchart.route import route_legs
from sopgen.render.flowchart.shapes import (
    CONNECTOR,
    DIAMOND_H,
    DIAMOND_W,
    END,
    END_H,
    END_W,
    LABEL_FONT,
    MIN_LANE_WIDTH,
    MIN_ROW_HEIGHT,
    PROCESS_H,
    SYMBOL_MAX_W,
    FlowNode,
    Frame,
    Label,
    Layout,
    Path,
    Primitive,
    Segment,
    Symbol,
)
from sopgen.render.flowchart.state import Draft
from sopgen.render.flowchart.svg import to_svg

__all__ = [
    "CONNECTOR",
    "DIAMOND_H",
    "DIAMOND_W",
    "END",
    "END_H",
    "END_W",
    "LABEL_FONT",
    "MIN_LANE_WIDTH",
    "MIN_ROW_HEIGHT",
    "PROCESS_H",
    "SYMBOL_MAX_W",
    "FlowNode",
    "Frame",
    "Label",
    "Layout",
    "Path",
    "Primitive",
    "Segment",
    "Symbol",
    "layout",
    "min_row_heights",
    "to_svg",
]


def layout(nodes: Sequence[FlowNode], frame: Frame) -> Layout:
    """Place the symbols, route the edges and cut the drawing into row strips."""
    validate(nodes, frame)
    draft = Draft.start(nodes, frame)
    place_steps(draft)
    captions = []
    for i, node in enumerate(draft.nodes):
        if node.kind == "keputusan":
            captions.append(decision(draft, i, node))
        elif i + 1 < len(draft.nodes):
            flow_next(draft, i, "")
    for args in captions:  # after all fixed edges, so captions can avoid them
        caption(draft, *args)
    route_legs(draft)
    settle(draft)
    return assemble(draft)
