"""Opening an Office file (a zip) that sopgen did not write: bounded before anything is read.

A .docx or .xlsx is a zip of XML parts. A zip bomb (a few KB expanding to GB), thousands of
members or one giant part would make reading cost what the file claims, not what it holds;
each is refused with a message before a part is unpacked.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from sopgen.authoring.importer.grid import ImportProblem

MAX_FILE = 50 * 1024 * 1024  # bytes on disk
MAX_MEMBERS = 2_000
MAX_TOTAL = 150 * 1024 * 1024  # all parts unpacked
MAX_PART = 40 * 1024 * 1024  # one part unpacked (document.xml of a long SOP is well under 1 MB)
MAX_RATIO = 150  # unpacked / packed for a part over 1 MB; XML packs about 10:1

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MB = 1024 * 1024


def check_office_zip(path: Path, kind: str) -> None:
    """Raise ImportProblem unless `path` is a zip within the limits. `kind`: 'Word' or 'Excel'."""
    ext = ".docx" if kind == "Word" else ".xlsx"
    old = ".doc" if kind == "Word" else ".xls"
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as e:
        raise ImportProblem(f"berkas tidak dapat dibaca ({e.strerror or e})") from None
    if size > MAX_FILE:
        raise ImportProblem(f"berkas {size // _MB} MB, melebihi batas {MAX_FILE // _MB} MB untuk sebuah dokumen SOP")
    if head.startswith(_OLE):
        raise ImportProblem(f"berkas ini format {kind} lama ({old}); buka di {kind} lalu 'Simpan Sebagai' {ext}, kemudian impor berkas {ext} itu")
    if not zipfile.is_zipfile(path):
        raise ImportProblem(f"berkas ini bukan dokumen {kind} {ext} (isinya bukan arsip Office); simpan ulang dari {kind} sebagai {ext}")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ImportProblem(f"arsip {ext} rusak ({e}); simpan ulang dari {kind}") from None
    if len(infos) > MAX_MEMBERS:
        raise ImportProblem(f"arsip berisi {len(infos)} bagian, melebihi batas {MAX_MEMBERS}; ini bukan dokumen {kind} biasa")
    total = 0
    for info in infos:
        total += info.file_size
        big = info.file_size > _MB and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        if info.file_size > MAX_PART or big or total > MAX_TOTAL:
            raise ImportProblem(
                f"bagian '{info.filename[:80]}' mengembang menjadi {info.file_size // _MB} MB (arsip bom?); "
                f"batas {MAX_PART // _MB} MB per bagian dan {MAX_TOTAL // _MB} MB seluruhnya"
            )
