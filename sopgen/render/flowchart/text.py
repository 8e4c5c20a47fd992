"""Text inside the flowchart: never smaller than LABEL_FONT (6 pt, what a printed A4 sheet
still reads), and never outside its diamond.

A question wraps over lines and its diamond grows to hold it (wider up to what its lane
leaves, then taller up to what its row leaves; the renderer makes the row as tall as
`place.min_row_heights` asks for the whole words, within a cap). Where a word is wider than
the diamond the row has room for, it breaks at an Indonesian hyphenation point (the table's
own, `wordfit`) with a hyphen; no row grows for that.
A question that still does not fit is cut after its last word that fits, with "…": the whole
question is printed in the Aktivitas column beside it.

Widths are estimated from the number of characters (a sans-serif glyph is about 0.55 em on
average), the same estimate for sizing the diamond and for drawing it, so they agree.
"""

from __future__ import annotations

from functools import lru_cache

from sopgen.render.flowchart.shapes import DIAMOND_H, DIAMOND_W, LABEL_FONT
from sopgen.render.wordfit import _dictionary

CHAR_W = 0.62  # average glyph width, em (DejaVu Sans, the fallback font, is wide)
LINE = 1.15  # line pitch, em
FILL = 0.9  # tw/w + th/h of the text block in a diamond: 1 touches the sides
_GROW = 2.0
ELLIPSIS = "…"
HYPHEN = "\u2010"  # the hyphen WeasyPrint prints in the table: text extraction joins the word


def wrap(text: str, width: float, size: float = LABEL_FONT, hyphenate: bool = False) -> list[str]:
    """Greedy word wrap into lines of at most `width` pt at `size` pt; a longer word stays
    whole, or with `hyphenate` breaks at its hyphenation points (a hyphen ends the line)."""
    per_line = max(1, int(width / (CHAR_W * size)))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        elif not hyphenate or len(word) <= per_line:
            lines.append(word)
        else:  # a new line, broken between syllables
            current = ""
            for piece in _syllables(word):
                if current and len(current) + len(piece) + 1 > per_line:
                    lines.append(current + HYPHEN)
                    current = ""
                current += piece
            lines.append(current)
    return lines


@lru_cache(maxsize=4096)
def _syllables(word: str) -> list[str]:
    """The word cut where the table's text may break too (`wordfit`: Pyphen's Indonesian)."""
    return _dictionary().inserted(word, hyphen="\0").split("\0")


def _block_fits(lines: list[str], w: float, h: float) -> bool:
    """Whether a block of lines fits inside a w x h diamond at 6 pt (tw/w + th/h <= FILL)."""
    tw = max((len(x) for x in lines), default=0) * CHAR_W * LABEL_FONT
    th = len(lines) * LINE * LABEL_FONT
    return tw / w + th / h <= FILL


def question_lines(text: str, w: float, h: float, hyphenate: bool = False) -> list[str] | None:
    """The question wrapped so that its block fits inside a w x h diamond at 6 pt, or None.

    A text block tw x th fits inside a diamond when tw/w + th/h <= 1 (with a margin): a
    taller diamond leaves room for a wider line, so a narrow lane still holds a long word.
    Whole words are tried at every width before any word is hyphenated.
    """
    for hyph in (False, True) if hyphenate else (False,):
        width = w
        while width >= CHAR_W * LABEL_FONT:
            lines = wrap(text, width, hyphenate=hyph)
            if _block_fits(lines, w, h):
                return lines
            width -= _GROW
    return None


def fits(text: str, w: float, h: float) -> bool:
    return question_lines(text, w, h, hyphenate=True) is not None


def fit_question(text: str, w: float, h: float) -> list[str]:
    """The lines drawn in a w x h diamond: the question, hyphenated if need be, else its first
    words that fit followed by "…" (never outside the diamond, never under 6 pt; nothing when
    not even one word fits: the question is printed whole in the Aktivitas column)."""
    lines = question_lines(text, w, h, hyphenate=True)
    if lines is not None:
        return lines
    words = text.split()
    best: list[str] = []
    lo, hi = 1, len(words) - 1  # fitting is monotone in the number of words kept
    while lo <= hi:
        mid = (lo + hi) // 2
        found = question_lines(" ".join(words[:mid]) + ELLIPSIS, w, h, hyphenate=True)
        if found is None:
            hi = mid - 1
        else:
            best, lo = found, mid + 1
    return best


def diamond_size(text: str, max_w: float, max_h: float, hyphenate: bool = True) -> tuple[float, float]:
    """The smallest diamond from DIAMOND_W x DIAMOND_H up that holds the question at 6 pt:
    wider first (up to the lane's room), then taller (up to what the row leaves); whole words
    if any size holds them, else (with `hyphenate`) hyphenated."""
    for hyphenate in (False, True) if hyphenate else (False,):
        w, h = min(DIAMOND_W, max_w), min(DIAMOND_H, max_h)
        while question_lines(text, w, h, hyphenate) is None:
            if w + _GROW <= max_w:
                w += _GROW
            elif h + _GROW <= max_h:
                h += _GROW
            else:
                break
        else:
            return w, h
    return w, h
