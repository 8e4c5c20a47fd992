"""`sopgen verify FILE.pdf`: is this PDF one the catalog published, which version, in force?

Three different answers: the exact file the catalog published (its sha256 is listed in
katalog.json; then status and version decide), a file that claims to be a published SOP
(its QR link or nomor is in the catalog) but whose bytes differ (modified, or another build),
and a PDF the catalog knows nothing about. A signed PDF's signature is validated too, with
pyHanko's validator, offline.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sopgen.files import read_user_file
from sopgen.publish.identity import KEY_PATTERN, REGISTER_NAME, STATUSES
from sopgen.textsafe import clip, one_line

PUBLISHED = "terbit"
MODIFIED = "berubah"
UNKNOWN = "tidak dikenal"
MAX_PDF_BYTES = 512 * 1024 * 1024
MAX_REGISTER_BYTES = 64 * 1024 * 1024  # katalog.json of 1,000 SOPs is about 500 KB
MAX_CERTIFICATE_BYTES = 16 * 1024 * 1024  # a CA bundle; one certificate is a few KB


class VerifyError(Exception):
    """A usage problem: the PDF or the catalog cannot be read (exit 2)."""


@dataclass
class SignatureCheck:
    signer: str
    intact: bool  # the signed bytes are unchanged
    trusted: bool  # the certificate chains to a trusted root
    covers_all: bool  # nothing was added after signing (besides allowed updates)
    summary: str = ""


@dataclass
class Verdict:
    kind: str  # PUBLISHED, MODIFIED or UNKNOWN
    sha256: str
    item: dict[str, Any] | None = None
    signatures: list[SignatureCheck] = field(default_factory=list)

    @property
    def in_force(self) -> bool:
        """Exit 0 only for this: published, berlaku, and every signature intact from a signer
        whose certificate chains to a CA the user trusts (--akar)."""
        signed_ok = all(s.intact and s.covers_all and s.trusted for s in self.signatures)
        return self.kind == PUBLISHED and bool(self.item) and self.item.get("status") == "berlaku" and signed_ok

    @property
    def untrusted(self) -> bool:
        """Every signature intact, but at least one from a certificate not known to be trusted."""
        return all(s.intact and s.covers_all for s in self.signatures) and any(not s.trusted for s in self.signatures)

    def lines(self) -> list[str]:
        """The answer in Indonesian, one fact per line."""
        out = [self._headline()]
        if self.item:
            it = self.item
            nomor = it.get("nomor_sop", it.get("nomor"))  # katalog.json before format 1.1 has no nomor_sop
            shown = f"SOP {one_line(clip(str(nomor), 80))}" if nomor else "SOP tanpa nomor"
            out.append(f"{shown} — {one_line(clip(str(it.get('nama')), 120))}")
            versi = it.get("versi") or 0
            shown_versi = one_line(clip(str(versi), 40))
            status = one_line(clip(str(it.get("status")), 40))
            out.append(f"versi: {'revisi ke-' + shown_versi if versi else 'terbitan pertama (revisi 0)'}; status di katalog: {status}")
            if it.get("diganti_oleh"):
                out.append(f"diganti oleh SOP {one_line(clip(str(it['diganti_oleh']), 80))}")
        for s in self.signatures:
            out.append(s.summary)
        out.append(f"sha256 berkas: {self.sha256}")
        return out

    def _headline(self) -> str:
        if self.kind == UNKNOWN:
            return "TIDAK DIKENAL: PDF ini tidak diterbitkan katalog ini (tidak ada sidik, tautan QR, atau nomor yang cocok)"
        if self.kind == MODIFIED:
            return ("BERUBAH: PDF ini mengaku SOP dari katalog, tetapi isinya tidak sama dengan PDF yang diterbitkan "
                    "(diubah, atau versi lain); minta salinan resmi dari katalog")
        if any(not (s.intact and s.covers_all) for s in self.signatures):
            return "TANDA TANGAN RUSAK: berkas terdaftar di katalog, tetapi tanda tangan digitalnya tidak utuh"
        if self.untrusted:
            return ("PENANDA TANGAN BELUM DIPERCAYA: PDF ini persis yang diterbitkan katalog dan tanda tangannya utuh, "
                    "tetapi sertifikat penanda tangan tidak berantai ke CA yang dipercaya; beri sertifikat CA penerbitnya "
                    "dengan --akar CA.pem (dari pengelola sertifikat kantor, mis. BSrE) lalu periksa lagi")
        status = self.item.get("status") if self.item else None
        if status == "berlaku":
            return "SAH: PDF ini persis yang diterbitkan katalog, dan SOP ini berlaku"
        if status not in STATUSES:
            return (f"KATALOG TIDAK SAH: PDF ini tercatat di katalog, tetapi dengan status '{one_line(clip(str(status), 40))}', "
                    f"yang tidak ada dalam format SOP ({', '.join(STATUSES)}); katalog ini rusak atau diubah, "
                    "jalankan sopgen build lagi atau minta katalog resmi")
        return f"TERBIT, TETAPI TIDAK BERLAKU: PDF ini persis yang diterbitkan katalog, dengan status {status}"


def _read_input(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a file the user named: a regular file up to `limit`; a pipe or a device is
    refused, never waited on (the catalog folder may sit on a shared drive)."""
    shown = one_line(clip(str(path), 200))
    size, data = read_user_file(path, limit + 1, f"{what} '{shown}'", VerifyError)
    if size > limit or len(data) > limit:
        raise VerifyError(f"{what} '{shown}' lebih dari {limit // (1024 * 1024)} MB; bukan berkas buatan sopgen")
    return data


def load_register(path: Path) -> list[dict[str, Any]]:
    """The published SOPs of a katalog.json (or of the folder that holds one)."""
    if path.is_dir():
        path = path / REGISTER_NAME
    try:
        data = json.loads(_read_input(path, MAX_REGISTER_BYTES, "katalog"))
    except VerifyError as e:
        raise VerifyError(f"{e}; jalankan sopgen build dulu, atau beri --katalog") from None
    except (ValueError, RecursionError):  # broken JSON or UTF-8, nesting too deep
        raise VerifyError(f"'{one_line(clip(str(path), 200))}' bukan katalog.json yang sah (JSON rusak)") from None
    items = data.get("sop") if isinstance(data, dict) and data.get("format") == "sopgen-katalog" else None
    if not isinstance(items, list):
        raise VerifyError(f"'{one_line(clip(str(path), 200))}' bukan katalog.json buatan sopgen")
    return [i for i in items if isinstance(i, dict)]


def _claimed_keys(data: bytes) -> set[str]:
    """Verification keys the PDF points at (its QR link), from link annotations or raw bytes."""
    keys = set(KEY_PATTERN.findall(data.decode("latin-1")))
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        first = PdfFileReader(io.BytesIO(data), strict=False).root["/Pages"]["/Kids"][0].get_object()
        for annot in first.get("/Annots", []) or []:
            uri = annot.get_object().get("/A", {}).get("/URI")
            if uri is not None:
                keys.update(KEY_PATTERN.findall(str(uri)))
    except Exception:  # a damaged or hostile PDF: the raw search above still counts
        pass
    return keys


def _claimed_nomor(data: bytes) -> str | None:
    """The SOP nomor WeasyPrint wrote as the PDF's subject (from the document description)."""
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        info = PdfFileReader(io.BytesIO(data), strict=False).trailer_view.get("/Info")
        subject = info.get_object().get("/Subject") if info is not None else None
        return str(subject) if subject is not None else None
    except Exception:
        return None


def check_signatures(data: bytes, trust_roots: list = ()) -> list[SignatureCheck]:
    """Validate every embedded signature offline (no fetching of revocation data). A file that
    carries a signature's byte range which pyHanko cannot read as a signature gets one failed
    check: a broken signature is never the same as none."""
    marked = _SIGNATURE_MARK.search(data) is not None
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as e:
        return [_unreadable(type(e).__name__)] if marked else []
    if marked and not signatures:
        return [_unreadable("tanpa medan tanda tangan")]
    out = []
    quiet = logging.getLogger("pyhanko")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # an unknown issuer is our answer, not a traceback on stderr
    try:
        for sig in signatures:
            out.append(_check_one(sig, trust_roots))
    finally:
        quiet.setLevel(level)
    return out


_SIGNATURE_MARK = re.compile(rb"/ByteRange\s*\[")


def _unreadable(why: str) -> SignatureCheck:
    return SignatureCheck("?", False, False, False, f"tanda tangan digital ada di berkas tetapi tidak terbaca ({why}); anggap tidak sah")


def _check_one(sig, trust_roots) -> SignatureCheck:
    """One signature: intact, trusted, covering the whole file."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from sopgen.publish.sign import holder_name

    context = ValidationContext(trust_roots=list(trust_roots) or system_trust_roots(), allow_fetching=False)
    try:
        status = validate_pdf_signature(sig, context)
    except Exception as e:
        return SignatureCheck("?", False, False, False, f"tanda tangan digital tidak bisa diperiksa ({type(e).__name__}); anggap tidak sah")
    from pyhanko.sign.validation import SignatureCoverageLevel

    covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    signer = holder_name(status.signing_cert) if status.signing_cert is not None else "?"
    check = SignatureCheck(signer, bool(status.intact and status.valid), bool(status.trusted), bool(covers))
    check.summary = _signature_text(check, status)
    return check


def _signature_text(check: SignatureCheck, status) -> str:
    when = status.signer_reported_dt.strftime("%Y-%m-%d %H:%M %Z") if status.signer_reported_dt else "?"
    if not check.intact:
        return f"tanda tangan digital oleh {one_line(clip(check.signer, 80))}: TIDAK UTUH (isi berubah setelah ditandatangani)"
    if not check.covers_all:
        return f"tanda tangan digital oleh {one_line(clip(check.signer, 80))}: utuh, tetapi ada perubahan yang ditambahkan sesudahnya"
    trust = "sertifikat terpercaya" if check.trusted else "sertifikat belum dipercaya (beri --akar SERTIFIKAT_CA.pem untuk memeriksa penerbitnya)"
    return f"tanda tangan digital oleh {one_line(clip(check.signer, 80))}, {when}: utuh; {trust}"


def verify_pdf(pdf: Path, register: Path, trust_roots: list = ()) -> Verdict:
    """Compare a PDF with the catalog's katalog.json; raise VerifyError for usage problems."""
    data = _read_input(pdf, MAX_PDF_BYTES, "berkas")
    if not data.startswith(b"%PDF-"):
        raise VerifyError(f"'{one_line(clip(str(pdf), 200))}' bukan berkas PDF")
    items = load_register(register)
    sha = hashlib.sha256(data).hexdigest()
    signatures = check_signatures(data, trust_roots)
    exact = next((i for i in items if i.get("sha256") == sha), None)
    if exact is not None:
        return Verdict(PUBLISHED, sha, exact, signatures)
    keys = _claimed_keys(data)
    claimed = next((i for i in items if str(i.get("verifikasi", "")).removeprefix("verifikasi/").removesuffix(".html") in keys), None)
    if claimed is None:
        nomor = _claimed_nomor(data)
        claimed = next((i for i in items if nomor and i.get("nomor") == nomor), None)
    return Verdict(MODIFIED if claimed else UNKNOWN, sha, claimed, signatures)


_SYSTEM_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem")
_MAX_BUNDLE = 16 << 20
_system_roots: list | None = None


def system_trust_roots() -> list:
    """The operating system's CA certificates, read by us: pyhanko's own fallback to them is
    deprecated and will stop working. Certificates that do not parse are skipped; no bundle
    at all means nothing is trusted without --akar."""
    global _system_roots
    if _system_roots is None:
        import ssl

        from asn1crypto import pem, x509

        paths = ssl.get_default_verify_paths()
        roots = []
        for name in (paths.cafile, paths.openssl_cafile, *_SYSTEM_BUNDLES):
            try:
                if not name or os.path.getsize(name) > _MAX_BUNDLE:
                    continue
                data = Path(name).read_bytes()
            except OSError:
                continue
            try:
                for _kind, _headers, der in pem.unarmor(data, multiple=True) if pem.detect(data) else ():
                    try:
                        cert = x509.Certificate.load(der)
                        cert.native  # noqa: B018  parse now
                    except Exception:
                        continue
                    roots.append(cert)
            except ValueError:  # a broken PEM armour: what came before it stands
                pass
            if roots:
                break
        _system_roots = roots
    return _system_roots


def load_trust_roots(paths: list[Path]) -> list:
    """CA certificates (PEM or DER) to trust for signature validation; a PEM file may hold
    several (a root and its intermediates, as certificate managers hand them out)."""
    from asn1crypto import pem, x509

    roots = []
    for p in paths:
        data = _read_input(p, MAX_CERTIFICATE_BYTES, "sertifikat CA")
        try:
            blocks = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
            for der in blocks:
                cert = x509.Certificate.load(der)
                cert.native  # parse now: a broken file is a usage error, not a traceback later
                roots.append(cert)
        except Exception:
            raise VerifyError(f"'{one_line(clip(str(p), 200))}' bukan sertifikat X.509 (PEM atau DER)") from None
    return roots
