"""Text from untrusted files on its way to a terminal, a message or a cell.

An SOP, a log cell or a config value may carry escape sequences (an OSC sequence retitles
the terminal, another clears it), NUL, or bidirectional overrides that reorder what a reader
sees. Validation refuses them in SOP text; everything that reaches a terminal is escaped
here, and long values are clipped so one cell cannot flood a message.
"""

from __future__ import annotations

import re

# C0 and C1 controls (tab and newline handled by the callers), DEL, and the invisible marks
# that change the order or direction of what is shown.
_CONTROLS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
CONTROL_PATTERN = f"[{_CONTROLS}]"  # also a polars (Rust) regex
_CONTROL = re.compile(CONTROL_PATTERN)
_CONTROL_OR_NEWLINE = re.compile(f"[{_CONTROLS}\\n\\r\\t]")


def find_control(text: str) -> re.Match[str] | None:
    """The first control character other than tab and newline, if any."""
    return _CONTROL.search(text)


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    if c == "\n":
        return "\\n"
    if c == "\t":
        return "\\t"
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def char_name(c: str) -> str:
    """How a message names a control character: U+001B."""
    return f"U+{ord(c):04X}"


def terminal(text: str) -> str:
    """Safe to print: controls shown as escapes, line breaks and tabs kept."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def one_line(text: str) -> str:
    """Safe to print inside a one-line message: line breaks escaped too."""
    return _CONTROL_OR_NEWLINE.sub(_escape, text)


def clip(text: str, limit: int = 80) -> str:
    """At most `limit` characters, saying how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… (+{len(text) - limit} karakter)"
