"""Opening an Office file (a zip) that sopgen did not write: bounded before anything is read.

A .docx or .xlsx is a zip of XML parts. A zip bomb (a few KB expanding to GB), thousands of
members or one giant part would make reading cost what the file claims, not what it holds;
each is refused with a message before a part is parsed. The sizes a zip declares are only
claims: every part is unpacked once in 1 MB pieces, which never yields more than the claimed
size, and a part whose content does not match its claim (size, CRC) is refused as damaged,
before python-docx or openpyxl read it whole.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from sopgen.authoring.importer.grid import ImportProblem
from sopgen.files import NotRegular, read_named

MAX_FILE = 50 * 1024 * 1024  # bytes on disk
MAX_MEMBERS = 2_000
MAX_TOTAL = 150 * 1024 * 1024  # all parts unpacked
MAX_PART = 40 * 1024 * 1024  # one part unpacked (document.xml of a long SOP is well under 1 MB)
MAX_RATIO = 150  # unpacked / packed for a part over 1 MB; XML packs about 10:1

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A password-protected .docx/.xlsx is an OLE compound file holding the zip encrypted in a
# stream of this name: its directory entry (128 bytes, name in UTF-16LE, name length 34).
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le") + b"\0\0"
_MB = 1024 * 1024


def check_office_zip(path: Path, kind: str) -> None:
    """Raise ImportProblem unless `path` is a zip within the limits. `kind`: 'Word' or 'Excel'."""
    ext = ".docx" if kind == "Word" else ".xlsx"
    old = ".doc" if kind == "Word" else ".xls"
    size, head = _head(path)
    if size > MAX_FILE:
        raise ImportProblem(f"berkas {size // _MB} MB, melebihi batas {MAX_FILE // _MB} MB untuk sebuah dokumen SOP")
    if head.startswith(_OLE):
        if _encrypted(path):
            raise ImportProblem(
                f"dokumen ini dikunci dengan sandi (terenkripsi); buka di {kind}, hapus sandinya (File > Info > Lindungi, "
                f"Enkripsi dengan Kata Sandi: kosongkan), simpan sebagai {ext}, lalu impor lagi"
            )
        raise ImportProblem(f"berkas ini format {kind} lama ({old}); buka di {kind} lalu 'Simpan Sebagai' {ext}, kemudian impor berkas {ext} itu")
    if not zipfile.is_zipfile(path):
        raise ImportProblem(f"berkas ini bukan dokumen {kind} {ext} (isinya bukan arsip Office); simpan ulang dari {kind} sebagai {ext}")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            _check_claims(infos, kind)
            for info in infos:
                _unpack(z, info, kind, ext)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise ImportProblem(f"arsip {ext} rusak ({str(e)[:120]}); simpan ulang dari {kind}") from None


def _head(path: Path) -> tuple[int, bytes]:
    """Size and first bytes of a regular file; a pipe or a device is refused, never waited on."""
    try:
        return read_named(path, 8)
    except NotRegular:
        raise ImportProblem("ini bukan berkas biasa (pipa, perangkat, atau folder); simpan dokumennya sebagai berkas lalu impor berkas itu") from None
    except OSError as e:
        raise ImportProblem(f"berkas tidak dapat dibaca ({e.strerror or e})") from None


def _encrypted(path: Path) -> bool:
    """An OLE compound file with an 'EncryptedPackage' stream (the file is at most MAX_FILE)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    at = data.find(_ENCRYPTED)
    while at >= 0:
        if at % 128 == 0 and data[at + 64 : at + 66] == b"\x22\x00":
            return True
        at = data.find(_ENCRYPTED, at + 1)
    return False


def _check_claims(infos: list[zipfile.ZipInfo], kind: str) -> None:
    """The sizes the archive declares, against the limits (nothing unpacked yet)."""
    if len(infos) > MAX_MEMBERS:
        raise ImportProblem(f"arsip berisi {len(infos)} bagian, melebihi batas {MAX_MEMBERS}; ini bukan dokumen {kind} biasa")
    total = 0
    for info in infos:
        total += info.file_size
        name = info.filename[:80]
        if info.file_size > MAX_PART or total > MAX_TOTAL:
            raise ImportProblem(
                f"bagian '{name}' mengembang menjadi {info.file_size // _MB} MB (arsip bom?); "
                f"batas {MAX_PART // _MB} MB per bagian dan {MAX_TOTAL // _MB} MB seluruhnya"
            )
        if info.file_size > _MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ImportProblem(
                f"bagian '{name}' mengembang {info.file_size // max(info.compress_size, 1)} kali menjadi {info.file_size // _MB} MB "
                f"(arsip bom?); dokumen Office biasa mengembang paling banyak {MAX_RATIO} kali"
            )


def _unpack(z: zipfile.ZipFile, info: zipfile.ZipInfo, kind: str, ext: str) -> None:
    """Unpack one part in pieces: it must hold exactly what the archive says (size and CRC)."""
    name = info.filename[:80]
    if info.flag_bits & 0x1:
        raise ImportProblem(
            f"bagian '{name}' arsip ini dikunci dengan sandi; buka di {kind}, hapus sandinya, simpan sebagai {ext}, lalu impor lagi"
        )
    try:
        with z.open(info) as part:
            while part.read(_MB):
                pass
    except NotImplementedError:
        raise ImportProblem(f"bagian '{name}' dipadatkan dengan cara yang tidak dikenal; simpan ulang dari {kind} sebagai {ext}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError):
        raise ImportProblem(
            f"arsip {ext} rusak: isi bagian '{name}' tidak sesuai dengan ukuran atau CRC yang tercatat "
            f"(terpotong, diubah, atau arsip bom); simpan ulang dari {kind} sebagai {ext}"
        ) from None
