"""What sopgen's own results depend on besides the user's files: its code and its libraries.

A build output or a cached validation result made by other code is stale; this fingerprint
changes with any byte of sopgen's source or schemas and with the version of every library
whose behaviour reaches a diagnostic or a PDF.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

from sopgen import __version__

# Libraries whose behaviour reaches what sopgen writes or reports: the PDF (weasyprint...),
# the YAML reader, the schema checker, the logo reader.
_LIBRARIES = ("weasyprint", "pydyf", "markdown", "jinja2", "segno", "PyYAML", "jsonschema", "Pillow")

_CODE_FP: str | None = None


def code_fingerprint() -> str:
    """sopgen's version and source, the schemas, Python's and the libraries' versions."""
    global _CODE_FP
    if _CODE_FP is None:
        h = _versions()
        for name, path in _code_files():
            h.update(name.encode() + b"\0" + path.read_bytes())
        _CODE_FP = h.hexdigest()
    return _CODE_FP


def code_status() -> str:
    """What `code_fingerprint` tells apart, from the status of sopgen's files (size, times,
    inode) instead of their bytes: reading the 130 files took a thirtieth of `sopgen validate
    FILE`, which only needs to know that the code is the one its cache was made with. A file
    whose bytes change gets a new ctime (see `sopgen.source.cache.stamp_of`); while a file
    changed too recently, or its times are whole seconds, this is `code_fingerprint` itself."""
    from sopgen.source.cache import stamp_of

    h = _versions()
    now = time.time_ns()
    for name, path in _code_files():
        st = os.stat(path)
        if stamp_of(st, "", now) is None:
            return code_fingerprint()
        h.update(f"{name}\0{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}\0".encode())
    return "status " + h.hexdigest()


def _versions() -> hashlib._Hash:
    """A hash begun with sopgen's, Python's and the libraries' versions."""
    h = hashlib.sha256(f"sopgen {__version__} python {sys.version}".encode())
    versions = library_versions(_LIBRARIES)
    for dist in _LIBRARIES:
        h.update(f"{dist} {versions.get(dist) or '-'}".encode())
    return h


def _code_files() -> list[tuple[str, Path]]:
    """The whole sopgen package's sources and the schemas, each with the name it is hashed by."""
    from sopgen.resources import asset_dir

    pkg = Path(__file__).resolve().parent
    files = [(rel, pkg / rel) for rel in sorted(_sources(str(pkg)))]
    schemas = asset_dir("schemas")
    return files + [(p.name, p) for p in sorted(schemas.glob("*.json"))] if schemas.is_dir() else files


def library_versions(names: tuple[str, ...]) -> dict[str, str | None]:
    """Each distribution's version as `importlib.metadata.version` finds it (the first on
    sys.path), read from the `NAME-VERSION.dist-info` folder names: importing
    importlib.metadata alone took a sixth of `sopgen validate FILE`. A distribution whose
    folder name carries no version (an egg-info) is asked of importlib.metadata."""
    wanted = {_normal(n): n for n in names}
    found: dict[str, str | None] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for item in listing:
            base, dot, kind = item.rpartition(".")
            if kind not in ("dist-info", "egg-info"):
                continue
            name, dash, version = base.partition("-")
            dist = wanted.get(_normal(name))
            if dist is None or dist in found:
                continue
            found[dist] = version.partition("-")[0] if dash and kind == "dist-info" else _metadata_version(dist)
        if len(found) == len(wanted):
            break
    return found


def _normal(name: str) -> str:
    return "".join("_" if c in "-." else c for c in name).lower()


def _metadata_version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _sources(top: str) -> list[str]:
    """The package's .py files, relative and with '/' (os.walk: a third of rglob's time)."""
    out = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = os.path.relpath(folder, top)
        for f in files:
            if f.endswith(".py"):
                out.append(f if rel == "." else f"{rel.replace(os.sep, '/')}/{f}")
    return out
