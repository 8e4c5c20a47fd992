"""The `sopgen` process: the CLI (`cli.main`, or `validatecmd.run_plain` for the plain forms of
`sopgen validate`), then out without Python's teardown (`leave`)."""

from __future__ import annotations

import os
import sys


def run() -> None:
    """The `sopgen` command (console script and `python -m sopgen`): `main`, then out of the
    process without Python's teardown, which frees every object one by one (the rows and
    findings of a big check: 0.1 to 0.6 s after the report is written, measured with a
    million rows). Tests call `main` through click's runner, which never gets here."""
    from sopgen.validatecmd import run_plain

    try:
        code: object = run_plain(sys.argv[1:])  # `sopgen validate FILE` without click's imports
        if code is None:
            from sopgen.cli import main

            main()
            code = 0
    except SystemExit as exc:
        code = exc.code
    leave(code)


def exit_cleanly_on_sigterm() -> None:
    """`kill` (SIGTERM) unwinds like Ctrl-C, so temporaries are removed and no half file stays."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum, frame) -> None:
    raise SystemExit(128 + signum)


def leave(code: object) -> None:
    """Exit with `code` as SystemExit would, skipping the teardown when that is safe: the
    exit functions run (temporary folders, worker processes, logging), both streams are
    flushed, and no thread is still working. Otherwise the usual exit."""
    import atexit
    import threading

    if code is None:
        code = 0
    busy = any(t.is_alive() and not t.daemon and t is not threading.main_thread() for t in threading.enumerate())
    if not isinstance(code, int) or busy:
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: Python's own exit reports it as it always does
        sys.exit(code)
    os._exit(code)
