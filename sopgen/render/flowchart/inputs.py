"""Checks on what the caller hands to `layout()`: the stages assume a consistent frame and
valid branch targets, and would otherwise draw nonsense instead of failing."""

from __future__ import annotations

from itertools import pairwise
from typing import Sequence

from sopgen.render.flowchart.shapes import END, EPS, MIN_LANE_WIDTH, MIN_ROW_HEIGHT, FlowNode, Frame


def resolve(node: FlowNode, value: int | str | None, n: int) -> int | str:
    """A branch target as a step number or END; None means the next step."""
    if value is None:
        return node.no + 1 if node.no < n else END
    if value == END:
        return END
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= n and value != node.no:
        return value
    raise ValueError(f"langkah {node.no}: tujuan cabang tidak sah: {value!r}")


def validate(nodes: Sequence[FlowNode], frame: Frame) -> None:
    n = len(nodes)
    if len(frame.row_heights) != n or len(frame.row_pages) != n:
        raise ValueError("frame needs one row height and one page per node")
    if not frame.lane_widths or min(frame.lane_widths) < MIN_LANE_WIDTH - EPS:
        raise ValueError(f"every lane must be at least {MIN_LANE_WIDTH}pt wide")
    if n and min(frame.row_heights) < MIN_ROW_HEIGHT - EPS:
        raise ValueError(f"every row must be at least {MIN_ROW_HEIGHT}pt high")
    if any(b < a for a, b in pairwise(frame.row_pages)):
        raise ValueError("row pages must not decrease")
    for i, node in enumerate(nodes):
        if node.no != i + 1:
            raise ValueError(f"node {i} must have no={i + 1}, got {node.no}")
        if not node.lanes or any(not 0 <= k < len(frame.lane_widths) for k in node.lanes):
            raise ValueError(f"langkah {node.no}: lane out of range: {node.lanes}")
        if node.kind not in ("proses", "keputusan"):
            raise ValueError(f"langkah {node.no}: unknown kind {node.kind!r}")
        if node.kind == "keputusan":
            resolve(node, node.ya, n)
            resolve(node, node.tidak, n)
