"""One row strip as standalone SVG: the renderer puts one into each row's table cell.

Coordinates are written to 0.01 pt, so the same layout always gives the same text.
"""

from __future__ import annotations

from typing import Sequence
from xml.sax.saxutils import escape

from sopgen.render.flowchart.bridges import HOP
from sopgen.render.flowchart.shapes import ARROW, ARROW_HALF, LABEL_FONT, LABEL_PAD, Point, Primitive, Segment, Symbol
from sopgen.render.flowchart.text import LINE, fit_question



def _f(v: float) -> str:
    s = f"{v:.2f}"
    return "0.00" if s == "-0.00" else s


def _points(pts: Sequence[Point]) -> str:
    return " ".join(f"{_f(x)},{_f(y)}" for x, y in pts)


def _text(x: float, y: float, size: float, text: str, anchor: str = "middle") -> str:
    return f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}" text-anchor="{anchor}">{escape(text)}</text>'


def _symbol_text(sym: Symbol) -> list[str]:
    """Centred text at LABEL_FONT: a question wrapped inside its diamond (sized to hold it)."""
    if not sym.text.split():
        return []
    size = LABEL_FONT
    lines = [" ".join(sym.text.split())]
    if sym.kind == "decision":
        lines = fit_question(sym.text, sym.w, sym.h)
    centre = sym.y + sym.h * (0.42 if sym.kind == "connector" else 0.5)
    y0 = centre - (len(lines) - 1) * size * LINE / 2 + size * 0.35
    return [_text(sym.cx, y0 + k * size * LINE, size, line) for k, line in enumerate(lines)]


def _shape(sym: Symbol) -> str:
    x, y, w, h = _f(sym.x), _f(sym.y), _f(sym.w), _f(sym.h)
    if sym.kind == "decision":
        return f'<polygon points="{_points([(sym.cx, sym.y), (sym.right, sym.cy), (sym.cx, sym.bottom), (sym.x, sym.cy)])}"/>'
    if sym.kind == "connector":  # off-page connector: a pentagon pointing down
        shoulder = sym.y + sym.h * 0.62
        pts = [(sym.x, sym.y), (sym.right, sym.y), (sym.right, shoulder), (sym.cx, sym.bottom), (sym.x, shoulder)]
        return f'<polygon points="{_points(pts)}"/>'
    radius = f' rx="{_f(sym.h / 2)}" ry="{_f(sym.h / 2)}"' if sym.kind in ("terminator", "end") else ""
    return f'<rect x="{x}" y="{y}" width="{w}" height="{h}"{radius}/>'


def _line(seg: Segment, x2: float, y2: float) -> str:
    """A segment up to (x2, y2); a horizontal one with line jumps is a path of half-ellipses
    bulging upwards, one over each span it jumps, in the direction it is drawn."""
    if not seg.hops:
        return f'<line x1="{_f(seg.x1)}" y1="{_f(seg.y1)}" x2="{_f(x2)}" y2="{_f(y2)}"/>'
    forward = x2 > seg.x1
    d, y = [f"M{_f(seg.x1)},{_f(seg.y1)}"], seg.y1
    for a, b in sorted(seg.hops, reverse=not forward):
        start, end = (a, b) if forward else (b, a)
        d.append(f"L{_f(start)},{_f(y)}A{_f((b - a) / 2)},{_f(HOP)} 0 0 {int(forward)} {_f(end)},{_f(y)}")
    d.append(f"L{_f(x2)},{_f(y2)}")
    return f'<path d="{"".join(d)}"/>'


def to_svg(row_primitives: Sequence[Primitive], width: float, height: float) -> str:
    """One row's strip as standalone SVG; arrowheads are plain polygons, not <marker>s."""
    lines, heads, shapes, grounds, texts = [], [], [], [], []
    for p in row_primitives:
        if isinstance(p, Segment):
            x2, y2 = p.x2, p.y2
            if p.arrow:
                length = abs(p.x2 - p.x1) + abs(p.y2 - p.y1)
                ux, uy = (p.x2 - p.x1) / length, (p.y2 - p.y1) / length
                bx, by = p.x2 - ux * ARROW, p.y2 - uy * ARROW
                heads.append(f'<polygon points="{_points([(p.x2, p.y2), (bx - uy * ARROW_HALF, by + ux * ARROW_HALF), (bx + uy * ARROW_HALF, by - ux * ARROW_HALF)])}"/>')
                x2, y2 = p.x2 - ux * min(ARROW - 0.5, length), p.y2 - uy * min(ARROW - 0.5, length)
            lines.append(_line(p, x2, y2))
        elif isinstance(p, Symbol):
            shapes.append(_shape(p))
            texts.extend(_symbol_text(p))
        else:
            if p.mask:
                grounds.append(f'<rect x="{_f(p.x)}" y="{_f(p.y)}" width="{_f(p.w)}" height="{_f(p.h)}"/>')
            rows = p.text.split() if p.stacked else [p.text]
            texts += [_text(p.x + LABEL_PAD, p.y + LABEL_FONT * (0.975 + LINE * k), LABEL_FONT, t, "start") for k, t in enumerate(rows)]
    w, h = _f(width), _f(height)
    ground = f'<g fill="#fff" stroke="none">{"".join(grounds)}</g>' if grounds else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" viewBox="0 0 {w} {h}">'
        f'<g fill="none" stroke="#000" stroke-width="0.8">{"".join(lines)}</g>'
        f'<g fill="#000" stroke="none">{"".join(heads)}</g>'
        f'<g fill="#fff" stroke="#000" stroke-width="0.8">{"".join(shapes)}</g>'
        f'{ground}<g fill="#000" stroke="none">{"".join(texts)}</g>'
        "</svg>"
    )
