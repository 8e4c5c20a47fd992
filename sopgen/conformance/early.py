"""The logs of a check read on a thread from the moment the command knows them.

`sopgen check` spends its first few tenths of a second in Python on one core: importing,
loading and validating the SOPs, making the working calendar. Reading the logs needs none of
that but the project's time zone and `[batas]`, and polars reads with the GIL released, so
the read starts first (`start`) and the check takes its result (`EarlyRead.take`) where it
would have read the logs itself. Nothing is written and nothing is decided on the thread:
what it read is used only when the check asks for the same files with the same settings,
and any error it met is raised where the read would have raised it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class EarlyRead:
    """`engine.read.read_logs` of some paths, running on a daemon thread (a command that
    stops early, on a usage error or invalid SOPs, does not wait for it)."""

    def __init__(self, paths: Sequence[Path], timezone: str, limits: Any) -> None:
        self.key = ([str(p) for p in paths], timezone, limits)
        self._read: list[tuple[str, Any]] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sopgen-early-read", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            from sopgen.conformance.engine.read import read_logs

            self._read = list(read_logs([Path(p) for p in self.key[0]], self.key[1], self.key[2]))
        except BaseException as err:  # raised again by `take`, on the thread that checks
            self._error = err

    def take(self, paths: Sequence[str | Path], timezone: str, limits: Any) -> list[tuple[str, Any]] | None:
        """What was read, when it was these paths with these settings (else None: the
        caller reads them itself); an error of the read is raised here."""
        if ([str(p) for p in paths], timezone, limits) != self.key:
            return None
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        read, self._read = self._read, None
        return read


def start(paths: Sequence[Path], memory: int) -> EarlyRead | None:
    """The read of paths begun on a thread, with the settings of the project in the current
    folder; None when the check will not read them in one frame (more than `memory` needs:
    out of core), or when the project's config cannot be read cleanly (then validation
    reports it and nothing is checked)."""
    from sopgen.conformance.budget import needed

    if not paths or needed(paths) > memory:
        return None
    try:
        from sopgen.source.project import load_project

        project, _ = load_project(Path.cwd())
    except Exception:  # noqa: BLE001  the real load, a moment later, says what is wrong
        return None
    if not project.config.valid:
        return None
    return EarlyRead(paths, project.config.calendar.zona_waktu, project.config.limits)
