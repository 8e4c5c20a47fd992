"""The registry of report formats, their options, and writing a report to a stream or file.

Reporters register by name (`@reporter("json")`), like the validation reporters, so
`--format` stays open to new formats; each writes bytes to a binary stream, so a big result
streams to a file without building one huge string."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from sopgen.conformance.engine import CheckResult

Reporter = Callable[[CheckResult, BinaryIO, "ReportOptions"], None]
REPORTERS: dict[str, Reporter] = {}
BINARY_FORMATS = frozenset({"pdf", "monitoring", "monitoring-pdf", "monitoring-xlsx"})  # not for a terminal: need --output


@dataclass
class ReportOptions:
    project: Any = None  # sopgen.project.Project: instansi for the header, root for the fetcher
    color: bool = False  # text: ANSI colours (a terminal)
    width: int = 110  # text: console width
    findings_limit: int | None = None  # html/pdf/text: how many findings to list
    generated: datetime | None = None  # the report's time stamp (tests fix it)
    csv_plain: bool | None = None  # csv: ',' and decimal points; None: from the project's [laporan] lokal ("id" by default)

    @property
    def config(self) -> Any:
        """The project's Config, or None without a project."""
        return getattr(self.project, "config", None)

    @property
    def indonesian_csv(self) -> bool:
        """CSV for Indonesian Excel (';' and decimal commas) unless asked for the plain form."""
        if self.csv_plain is not None:
            return not self.csv_plain
        laporan = getattr(self.config, "laporan", None) or {}
        return laporan.get("lokal", "id") == "id"


def reporter(name: str) -> Callable[[Reporter], Reporter]:
    def register(fn: Reporter) -> Reporter:
        REPORTERS[name] = fn
        return fn

    return register


def write_report(result: CheckResult, fmt: str, out: BinaryIO, options: ReportOptions | None = None) -> None:
    if fmt not in REPORTERS:
        raise ValueError(f"format laporan '{fmt}' tidak dikenal; pilih {', '.join(REPORTERS)}")
    REPORTERS[fmt](result, out, options or ReportOptions())


def report_bytes(result: CheckResult, fmt: str, options: ReportOptions | None = None) -> bytes:
    buf = io.BytesIO()
    write_report(result, fmt, buf, options)
    return buf.getvalue()


def save_report(result: CheckResult, fmt: str, path: Any, options: ReportOptions, inputs: Sequence[Path] = ()) -> None:
    """Write a report atomically: a half-written report never replaces a good one, and a
    report never replaces an input, a device or what a link points to (sopgen.files)."""
    from sopgen.files import atomic_output

    with atomic_output(Path(path), inputs) as fh:
        write_report(result, fmt, fh, options)
