"""Text inside the flowchart: never smaller than LABEL_FONT (6 pt, what a printed A4 sheet
still reads); a decision's question wraps over lines and its diamond grows to hold them.

Widths are estimated from the number of characters (a sans-serif glyph is about 0.55 em on
average), the same estimate for sizing the diamond and for drawing it, so they agree.
"""

from __future__ import annotations

from sopgen.render.flowchart.shapes import DIAMOND_H, DIAMOND_W, LABEL_FONT

CHAR_W = 0.62  # average glyph width, em (DejaVu Sans, the fallback font, is wide)
LINE = 1.15  # line pitch, em
FILL = 0.9  # tw/w + th/h of the text block in a diamond: 1 touches the sides
_GROW = 2.0


def wrap(text: str, width: float, size: float = LABEL_FONT) -> list[str]:
    """Greedy word wrap into lines of at most `width` pt at `size` pt (a longer word stays whole)."""
    per_line = max(1, int(width / (CHAR_W * size)))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def question_lines(text: str, w: float, h: float) -> list[str] | None:
    """The question wrapped so that its block fits inside a w x h diamond at 6 pt, or None.

    A text block tw x th fits inside a diamond when tw/w + th/h <= 1 (with a margin): a
    taller diamond leaves room for a wider line, so a narrow lane still holds a long word.
    """
    width = w
    while width >= CHAR_W * LABEL_FONT:
        lines = wrap(text, width)
        tw = max((len(x) for x in lines), default=0) * CHAR_W * LABEL_FONT
        th = len(lines) * LINE * LABEL_FONT
        if tw / w + th / h <= FILL:
            return lines
        width -= _GROW
    return None


def fits(text: str, w: float, h: float) -> bool:
    return question_lines(text, w, h) is not None


def diamond_size(text: str, max_w: float, max_h: float) -> tuple[float, float]:
    """The smallest diamond from DIAMOND_W x DIAMOND_H up that holds the question at 6 pt:
    wider first (up to the lane's symbol width), then taller (up to what the row leaves)."""
    w, h = min(DIAMOND_W, max_w), min(DIAMOND_H, max_h)
    while not fits(text, w, h):
        if w + _GROW <= max_w:
            w += _GROW
        elif h + _GROW <= max_h:
            h += _GROW
        else:
            break
    return w, h
