"""The stable identity of a published SOP version, and the QR code that points at it.

A PDF cannot contain its own hash, so the QR code printed on it points at an address derived
from what does not change when the file is rebuilt or signed: the SOP's nomor and its version
(the revision number). The verification entry at that address lists the sha256 of the PDF the
catalog published, so a reader can compare the file in hand with it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

VERIFY_DIR = "verifikasi"
REGISTER_NAME = "katalog.json"
KEY_PATTERN = re.compile(r"verifikasi/([0-9a-f]{64})\.html")
STATUSES = ("berlaku", "draf", "dicabut", "diganti")  # what katalog.json may say (diganti: revoked, replaced)


def version_of(sop) -> int:
    """The revision number: `revisi_ke` when the SOP states it, else the revisions listed."""
    stated = getattr(sop, "revisi_ke", None)
    if isinstance(stated, int):
        return stated
    return len(sop.tanggal.revisi)


def verification_key(nomor: str, versi: int) -> str:
    """sha256 of nomor and version: the name of the verification page of that version."""
    return hashlib.sha256(f"sopgen-verifikasi\0{nomor}\0{versi}".encode("utf-8")).hexdigest()


def verification_path(key: str) -> str:
    """The page's path inside the catalog folder."""
    return f"{VERIFY_DIR}/{key}.html"


def verification_url(alamat: str, key: str) -> str:
    """The absolute address printed in the QR code: `[keluaran] alamat` + the page's path."""
    return alamat.rstrip("/") + "/" + verification_path(key)


@dataclass(frozen=True)
class QrCode:
    url: str
    data_uri: str  # an SVG image, so WeasyPrint draws it as vectors (sharp in print)


def qr_code(url: str) -> QrCode:
    """The QR code of an address (error correction M: survives a crease or a stamp)."""
    import segno

    code = segno.make(url, error="m", micro=False)
    return QrCode(url, code.svg_data_uri(border=0, dark="#000"))


def publication_marks(sop, project) -> dict:
    """What the document template prints for verification: the QR code (when the catalog has
    an address), the verification key and the version."""
    versi = version_of(sop)
    key = verification_key(sop.nomor, versi)
    alamat = getattr(project.config, "alamat", "")
    return {"qr": qr_code(verification_url(alamat, key)) if alamat else None, "verifikasi": key, "versi": versi}
