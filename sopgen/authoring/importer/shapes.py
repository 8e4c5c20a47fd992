"""Which flowchart symbol a drawn shape is, from its geometry and its text."""

from __future__ import annotations

import re

from sopgen.authoring.importer.grid import CONNECTOR, DECISION, LABEL, OFFPAGE, OTHER, PROCESS, TERMINATOR

GROUP = "kelompok"  # a grouped drawing: its parts are not anchored in their own cells

_PROCESS = {
    "flowChartProcess", "rect", "flowChartAlternateProcess", "flowChartPredefinedProcess", "flowChartDocument",
    "flowChartMultidocument", "flowChartManualOperation", "flowChartInputOutput", "flowChartPreparation", "snip1Rect",
}
_DECISION = {"flowChartDecision", "diamond"}
_TERMINATOR = {"flowChartTerminator"}
_ROUNDED = {"roundRect", "ellipse", "flowChartConnector"}
_OFFPAGE = {"flowChartOffpageConnector", "homePlate"}
_LINES = re.compile(r"^(?:straightConnector1|bentConnector[2-5]|curvedConnector[2-5]|line)$")
_END_WORDS = re.compile(r"^\s*(?:mulai|selesai|start|end|finish|stop|awal|akhir)\s*$", re.I)
LABEL_WORDS = re.compile(r"^\s*(?:ya|tidak|y|t|yes|no|tdk)\s*[.:]?\s*$", re.I)
# VML shape types of Word's flowchart shapes (#_x0000_tNNN).
_VML_TYPES = {"109": PROCESS, "176": PROCESS, "110": DECISION, "116": TERMINATOR, "177": OFFPAGE, "120": OFFPAGE, "32": CONNECTOR, "33": CONNECTOR, "34": CONNECTOR}


def classify(prst: str, text: str, connector: bool = False) -> str:
    if connector or _LINES.match(prst):
        return CONNECTOR
    if prst in _DECISION:
        return DECISION
    if prst in _TERMINATOR:
        return TERMINATOR
    if prst in _OFFPAGE:
        return OFFPAGE
    if LABEL_WORDS.match(text):
        return LABEL
    if prst in _ROUNDED:
        return TERMINATOR if _END_WORDS.match(text) or prst == "roundRect" and not text else (PROCESS if prst == "roundRect" else OFFPAGE if prst == "flowChartConnector" else OTHER)
    if prst in _PROCESS:
        return PROCESS
    return OTHER


def classify_vml(name: str, type_: str, text: str, connector_type: str | None) -> str:
    if name in ("line", "polyline") or connector_type:
        return CONNECTOR
    m = re.search(r"_x0000_t(\d+)", type_ or "")
    if m and m.group(1) in _VML_TYPES:
        return _VML_TYPES[m.group(1)]
    if LABEL_WORDS.match(text):
        return LABEL
    if name == "rect":
        return PROCESS
    if name in ("roundrect", "oval"):
        return TERMINATOR if _END_WORDS.match(text) or not text else PROCESS
    return OTHER


def is_end(text: str) -> bool:
    """A terminator that ends the procedure (not 'Mulai')."""
    return not re.match(r"^\s*(?:mulai|start|awal)\b", text, re.I)


def label_value(text: str) -> str | None:
    """'ya' or 'tidak' for a branch label."""
    t = text.strip().lower().rstrip(".:")
    if t in ("ya", "y", "yes"):
        return "ya"
    if t in ("tidak", "t", "no", "tdk"):
        return "tidak"
    return None
