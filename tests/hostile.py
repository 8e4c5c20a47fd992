"""Helpers for tests that hand sopgen files made to hurt it."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable


def pipe_with_a_passing_writer(path: Path) -> Callable[[], None]:
    """A named pipe at `path`, and a thread that opens it again and again after 5 s, so that a
    reader that waits on it ends (and fails its test) instead of hanging the suite. Returns
    the function that stops the thread."""
    os.mkfifo(path)
    done = threading.Event()

    def release() -> None:
        done.wait(5)
        while not done.is_set():  # a writer comes and goes: a blocked reader sees the end
            os.close(os.open(path, os.O_RDWR))
            done.wait(0.2)

    helper = threading.Thread(target=release, daemon=True)
    helper.start()

    def stop() -> None:
        done.set()
        helper.join()

    return stop
