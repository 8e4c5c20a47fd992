"""What sopgen's own results depend on besides the user's files: its code and its libraries.

A build output or a cached validation result made by other code is stale; this fingerprint
changes with any byte of sopgen's source or schemas and with the version of every library
whose behaviour reaches a diagnostic or a PDF.
"""

from __future__ import annotations

import hashlib
import sys
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
        from importlib import metadata

        from sopgen.resources import asset_dir

        h = hashlib.sha256(f"sopgen {__version__} python {sys.version}".encode())
        for dist in _LIBRARIES:
            try:
                h.update(f"{dist} {metadata.version(dist)}".encode())
            except metadata.PackageNotFoundError:
                h.update(f"{dist} -".encode())
        pkg = Path(__file__).resolve().parent  # the whole sopgen package
        for p in sorted(pkg.rglob("*.py")):
            if "__pycache__" not in p.parts:
                h.update(p.relative_to(pkg).as_posix().encode() + b"\0" + p.read_bytes())
        schemas = asset_dir("schemas")
        for p in sorted(schemas.glob("*.json")) if schemas.is_dir() else ():
            h.update(p.name.encode() + b"\0" + p.read_bytes())
        _CODE_FP = h.hexdigest()
    return _CODE_FP
