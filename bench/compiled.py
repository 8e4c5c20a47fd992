"""Byte-compile sopgen before timing it, as `pip install` does.

With PYTHONDONTWRITEBYTECODE set (as on the development machine), a source checkout or an
editable install compiles sopgen's modules again in every process: 0.1 to 0.15 s that an
installed package never pays."""

from __future__ import annotations

import compileall
from pathlib import Path


def byte_compile_sopgen() -> Path:
    import sopgen

    folder = Path(sopgen.__file__).resolve().parent
    compileall.compile_dir(folder, quiet=1)
    return folder
