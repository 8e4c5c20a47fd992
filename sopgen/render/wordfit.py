"""Words too wide for their table cell get Indonesian hyphenation points; others are untouched.

On A4 or F4 portrait the Mekanisme columns are narrow: "Kelengkapan" in bold 8 pt is wider
than its column, and CSS `overflow-wrap: break-word` then cut it anywhere ("Kelengk|apan"),
with no hyphen, which reads as two words. Hyphenating every word (`hyphens: auto`) would
instead change every SOP that prints fine today. So only a word that cannot fit on one line of
its cell gets soft hyphens (U+00AD) at the syllable breaks of Pyphen's Indonesian dictionary
(the one WeasyPrint itself uses); WeasyPrint breaks there and prints a hyphen. A word that fits
is never broken.

Widths are estimated from the advance widths of Arial / Liberation Sans (metric-compatible,
the first fonts of the template's stack); characters outside ASCII count as the widest
letter, so the estimate errs towards hyphenating. The flowchart's captions are measured here
too, in DejaVu Sans, the face its SVG text is drawn in (`text_width(..., face=DEJAVU)`).
"""

from __future__ import annotations

import re
from functools import lru_cache

SOFT_HYPHEN = "\u00ad"
# Advance widths in thousandths of an em of the ASCII characters 32..126 (Liberation Sans).
_REGULAR = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 "
    "556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 "
    "667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 "
    "556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 "
    "556 556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 "
    "667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 "
    "611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584"
)
# The same for DejaVu Sans (Book), read from DejaVuSans.ttf (2048 units an em).
_DEJAVU = (
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 636 "
    "636 636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557 863 748 787 "
    "603 787 695 635 611 732 684 989 685 611 685 390 337 390 838 500 500 613 635 550 635 615 352 635 "
    "634 278 278 579 278 974 634 612 635 635 411 521 392 634 592 818 592 592 525 636 337 636 838"
)
ARIAL, DEJAVU = "arial", "dejavu"
WIDTHS = {
    (ARIAL, False): tuple(int(w) for w in _REGULAR.split()),
    (ARIAL, True): tuple(int(w) for w in _BOLD.split()),
    (DEJAVU, False): tuple(int(w) for w in _DEJAVU.split()),
}
WIDEST = {face: max(max(t) for (f, _), t in WIDTHS.items() if f == face) for face in (ARIAL, DEJAVU)}
# The estimate is not the shaper's: a word within 2% of the line is treated as too wide.
MARGIN = 0.98
_LETTERS = re.compile(r"[^\W\d_]{5,}")


def text_width(text: str, size_pt: float, bold: bool = False, face: str = ARIAL) -> float:
    """The width of `text` in points at `size_pt`, by the metrics above (Arial unless `face`);
    a character outside ASCII counts as the face's widest."""
    table, widest = WIDTHS[face, bold], WIDEST[face]
    return sum(table[ord(ch) - 32] if 32 <= ord(ch) < 127 else widest for ch in text) * size_pt / 1000


@lru_cache(maxsize=1)
def _dictionary():
    import pyphen

    # two letters before a break, three after: "Keleng-kapan", never "Kelengkap-an"
    return pyphen.Pyphen(lang="id", left=2, right=3)


def _hyphenate(segment: str) -> str:
    """Soft hyphens at the Indonesian syllable breaks of every longer run of letters."""
    return _LETTERS.sub(lambda m: _dictionary().inserted(m.group(0), hyphen=SOFT_HYPHEN), segment)


def fit_words(text: object, width_pt: float, size_pt: float, bold: bool = False) -> str:
    """`text` with soft hyphens in each word wider than `width_pt` (the cell's line width).

    A word is what lies between spaces, split after its own hyphens (a line may already break
    after "masing-"); numbers and codes without letters are left to the template's
    `overflow-wrap`."""
    text = "" if text is None else str(text)
    room = width_pt * MARGIN
    out = []
    for token in re.split(r"(\s+)", text):
        if token and not token.isspace() and text_width(token, size_pt, bold) > room:
            token = "".join(
                _hyphenate(part) if text_width(part, size_pt, bold) > room else part
                for part in re.split(r"(?<=-)", token)
            )
        out.append(token)
    return "".join(out)
