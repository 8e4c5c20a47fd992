"""Digital signatures (`build --tanda-tangan`): a throwaway CA and office certificate made in
code, each PDF signed (PAdES) with a visible field on the "Disahkan oleh" box, validated with
pyHanko's own validator; one changed byte breaks it; `sopgen verify` reports both.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopfactory import make_project, sop_yaml
from sopgen.cli import main
from sopgen.publish.sign import FIELD_NAME, SignError, load_certificate, pdf_signer
from sopgen.render.build import build
from sopgen.source.project import load_project

PASSWORD = "rahasia-uji"


def make_pki(folder: Path) -> tuple[Path, Path]:
    """A CA certificate (PEM) and an office P12 it issued, valid around today."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder().subject_name(name("CA Uji Kabupaten")).issuer_name(name("CA Uji Kabupaten"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(name("AKHMAK TAUFIQ, S.Sos., MM.")).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    p12 = folder / "pengesah.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"pengesah", key, cert, [ca], serialization.BestAvailableEncryption(PASSWORD.encode())
    ))
    ca_pem = folder / "ca.pem"
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return p12, ca_pem


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("ttd")
    keys = tmp_path_factory.mktemp("kunci")  # outside the project, as an office keeps it
    p12, ca = make_pki(keys)
    make_project(root, {"pindah.yaml": sop_yaml("800/001/416-317/2023", "Surat Pindah", 4)})
    with (root / "sopgen.toml").open("a", encoding="utf-8") as f:
        f.write('\n[keluaran]\nalamat = "https://sop.example.go.id"\n')
    project, _ = load_project(root)
    result = build(project, sign=pdf_signer(load_certificate(p12, PASSWORD), "Dawarblandong"))
    assert result.ok, [o.message for o in result.failed]
    return root, p12, ca


def validate(pdf: bytes, ca: Path):
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = x509.Certificate.load(pem.unarmor(ca.read_bytes())[2])
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    (sig,) = reader.embedded_signatures
    return sig, validate_pdf_signature(sig, ValidationContext(trust_roots=[root], allow_fetching=False))


def test_signed_pdf_validates_with_pyhanko(signed) -> None:
    root, _, ca = signed
    pdf = (root / "output" / "pindah.pdf").read_bytes()
    sig, status = validate(pdf, ca)
    assert sig.field_name == FIELD_NAME
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.signing_cert.subject.native["common_name"] == "AKHMAK TAUFIQ, S.Sos., MM."
    from pyhanko.sign.validation import SignatureCoverageLevel

    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_visible_field_on_the_approval_box_with_embedded_font(signed) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    root, _, _ = signed
    reader = PdfFileReader(io.BytesIO((root / "output" / "pindah.pdf").read_bytes()), strict=False)
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    widgets = [a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    assert len(widgets) == 1
    x1, y1, x2, y2 = (float(v) for v in widgets[0]["/Rect"])
    width, height = float(page["/MediaBox"][2]), float(page["/MediaBox"][3])
    # in the upper right quarter of the landscape identity sheet, about 48 x 16 mm
    assert x1 > width / 2 and y1 > height / 2
    assert abs((x2 - x1) - 48 / 25.4 * 72) < 2 and abs((y2 - y1) - 16 / 25.4 * 72) < 2
    # PDF/A wants every font embedded: the appearance's font carries its font file
    fonts = _fonts(widgets[0]["/AP"]["/N"])
    assert fonts and all("/FontFile2" in d or "/FontFile3" in d for d in fonts)
    # glyph widths in thousandths of an em (a 2048-unit font written raw spreads the letters)
    widths = [w for w in _widths(widgets[0]["/AP"]["/N"]) if isinstance(w, (int, float))]
    assert widths and max(widths) < 1100


def _widths(stream) -> list:
    out = []
    resources = stream.get("/Resources", {})
    for f in resources.get("/Font", {}).values():
        for d in f.get_object().get("/DescendantFonts", []):
            for item in d.get_object().get("/W", []):
                out.extend(item if isinstance(item, list) else [])
    for x in resources.get("/XObject", {}).values():
        out.extend(_widths(x.get_object()))
    return out


def test_signing_appends_to_the_unsigned_pdfa_bytes(signed, tmp_path: Path) -> None:
    """An incremental update: WeasyPrint's PDF/A-2b file is kept byte for byte in front."""
    import shutil

    root, _, _ = signed
    copy = tmp_path / "tanpa-ttd"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("output"))
    project, _ = load_project(copy)
    assert build(project).ok
    unsigned = (copy / "output" / "pindah.pdf").read_bytes()
    signed_pdf = (root / "output" / "pindah.pdf").read_bytes()
    assert signed_pdf.startswith(unsigned) and len(signed_pdf) > len(unsigned)
    from pyhanko.pdf_utils.reader import PdfFileReader

    xmp = PdfFileReader(io.BytesIO(signed_pdf), strict=False).root["/Metadata"].get_object().data
    assert b"pdfaid:part" in xmp and b"pdfaid:conformance" in xmp  # still claims PDF/A-2b


def _fonts(stream) -> list:
    """Font descriptors reachable from an appearance stream (through nested form XObjects)."""
    out = []
    resources = stream.get("/Resources", {})
    for f in resources.get("/Font", {}).values():
        f = f.get_object()
        for d in [f, *(x.get_object() for x in f.get("/DescendantFonts", []))]:
            if "/FontDescriptor" in d:
                out.append(d["/FontDescriptor"].get_object())
    for x in resources.get("/XObject", {}).values():
        out.extend(_fonts(x.get_object()))
    return out


def test_changed_byte_breaks_the_signature(signed, tmp_path: Path) -> None:
    root, _, ca = signed
    pdf = bytearray((root / "output" / "pindah.pdf").read_bytes())
    pdf[len(pdf) // 3] ^= 0x01
    _, status = validate(bytes(pdf), ca)
    assert not status.intact  # (`valid` is the CMS signature over its own attributes)
    changed = tmp_path / "diubah.pdf"
    changed.write_bytes(bytes(pdf))
    code, text = _verify(root, changed, ca)
    assert code == 1 and text.startswith("BERUBAH:") and "TIDAK UTUH" in text


def test_verify_reports_the_signature(signed) -> None:
    root, _, ca = signed
    code, text = _verify(root, root / "output" / "pindah.pdf", ca)
    assert code == 0 and text.startswith("SAH:"), text
    assert "AKHMAK TAUFIQ" in text and "utuh; sertifikat terpercaya" in text


def test_verify_without_a_trusted_ca_is_not_sah(signed) -> None:
    # intact, published, in force: but anyone can make a certificate in the pengesah's name
    import warnings

    root, _, _ = signed
    with warnings.catch_warnings():
        # The system's CAs are passed explicitly: pyhanko's own fallback is deprecated.
        warnings.simplefilter("error", DeprecationWarning)
        code, text = _verify(root, root / "output" / "pindah.pdf", None)
    assert code == 1, text
    assert text.startswith("PENANDA TANGAN BELUM DIPERCAYA:") and "--akar" in text, text
    assert "utuh; sertifikat belum dipercaya" in text


def _verify(root: Path, pdf: Path, ca: Path | None) -> tuple[int, str]:
    old = os.getcwd()
    os.chdir(root)
    try:
        r = CliRunner().invoke(main, ["verify", str(pdf), *(["--akar", str(ca)] if ca else [])])
    finally:
        os.chdir(old)
    return r.exit_code, r.output


def test_cli_password_from_environment_and_wrong_password(signed, tmp_path: Path) -> None:
    root, p12, _ = signed
    old = os.getcwd()
    os.chdir(root)
    try:
        ok = CliRunner().invoke(main, ["build", "--tanda-tangan", str(p12)], env={"SOPGEN_SANDI_TTD": PASSWORD})
        wrong = CliRunner().invoke(main, ["build", "--tanda-tangan", str(p12)], env={"SOPGEN_SANDI_TTD": "salah"})
        missing = CliRunner().invoke(main, ["build", "--tanda-tangan", str(p12), "--sandi-env", "TIDAK_ADA_SANDI"])
    finally:
        os.chdir(old)
    assert ok.exit_code == 0, ok.output
    assert "menandatangani sebagai: AKHMAK TAUFIQ" in ok.output
    assert wrong.exit_code == 2 and "sandi salah" in wrong.output
    assert missing.exit_code == 2 and "TIDAK_ADA_SANDI" in missing.output


def test_wrong_password_is_a_sign_error(signed) -> None:
    _, p12, _ = signed
    with pytest.raises(SignError, match="sandi salah"):
        load_certificate(p12, "salah")


def _listed(root: Path, folder: Path, data: bytes) -> tuple[Path, Path]:
    """The file, and a katalog.json that lists its sha256 for the SOP: what verify sees when the
    output folder was changed before the catalog was written (or the catalog with it)."""
    import hashlib
    import json

    pdf = folder / "diubah.pdf"
    pdf.write_bytes(data)
    register = json.loads((root / "output" / "katalog.json").read_text(encoding="utf-8"))
    register["sop"][0]["sha256"] = hashlib.sha256(data).hexdigest()
    katalog = folder / "katalog.json"
    katalog.write_text(json.dumps(register), encoding="utf-8")
    return pdf, katalog


def _appended(pdf: bytes, _folder: Path) -> bytes:
    """An incremental update after the signature that replaces the first page's content."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (PALSU) Tj ET"))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _second_signature(pdf: bytes, folder: Path) -> bytes:
    """A second signature, by a certificate someone else made in the same name."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    p12, _ = make_pki(folder)
    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=PASSWORD.encode())
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    fields.append_signature_field(writer, fields.SigFieldSpec("Kedua", on_page=0, box=(0, 0, 0, 0)))
    out = io.BytesIO()
    signers.PdfSigner(signers.PdfSignatureMetadata(field_name="Kedua"), signer).sign_pdf(writer, output=out)
    return out.getvalue()


def _shorter_range(pdf: bytes, _folder: Path) -> bytes:
    """/ByteRange rewritten to leave 100 bytes out, and one of them changed."""
    import re

    data = bytearray(pdf)
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    a, b, c, d = map(int, m.groups())
    data[m.start() : m.end()] = f"/ByteRange [{a} {b - 100} {c} {d}]".encode().ljust(m.end() - m.start())
    data[b - 50] ^= 0x01
    return bytes(data)


def _broken_contents(pdf: bytes, _folder: Path) -> bytes:
    """The signature value (/Contents) no longer hexadecimal: pyHanko cannot read it at all."""
    import re

    data = bytearray(pdf)
    start = re.search(rb"/Contents\s*<", data).end()
    data[start : start + 10] = b"ZZZZZZZZZZ"
    return bytes(data)


@pytest.mark.parametrize("attack, words", [
    (_appended, "utuh, tetapi ada perubahan yang ditambahkan sesudahnya"),
    (_second_signature, "utuh, tetapi ada perubahan yang ditambahkan sesudahnya"),
    (_shorter_range, "TIDAK UTUH"),
    (_broken_contents, "tanda tangan digital ada di berkas tetapi tidak terbaca"),
])
def test_a_tampered_signature_is_never_sah_even_when_listed(attack, words: str, signed, tmp_path: Path) -> None:
    """pyHanko's own attacks on a signed file, with a catalog that lists the changed bytes:
    the signature check alone must say no. A signature pyHanko could not parse at all (broken
    /Contents) was taken for no signature: 'SAH', exit 0."""
    root, _, ca = signed
    pdf, katalog = _listed(root, tmp_path, attack((root / "output" / "pindah.pdf").read_bytes(), tmp_path))
    r = CliRunner().invoke(main, ["verify", str(pdf), "--katalog", str(katalog), "--akar", str(ca)])
    assert r.exit_code == 1, r.output
    assert r.output.startswith("TANDA TANGAN RUSAK:") and words in r.output, r.output


def test_a_ca_bundle_is_trusted_whole_and_a_pipe_is_refused(signed, tmp_path: Path) -> None:
    """--akar with a PEM file holding several certificates (another CA, then the signer's)
    trusted only the first one: 'BELUM DIPERCAYA'. A pipe given as --akar made verify wait
    forever."""
    import os

    from hostile import pipe_with_a_passing_writer

    root, _, ca = signed
    _, other = make_pki(tmp_path)
    bundle = tmp_path / "bundel.pem"
    bundle.write_bytes(other.read_bytes() + ca.read_bytes())
    code, text = _verify(root, root / "output" / "pindah.pdf", bundle)
    assert code == 0 and text.startswith("SAH:"), text
    if hasattr(os, "mkfifo"):
        stop = pipe_with_a_passing_writer(tmp_path / "akar.pem")
        try:
            code, text = _verify(root, root / "output" / "pindah.pdf", tmp_path / "akar.pem")
        finally:
            stop()
        assert code == 2 and "bukan berkas biasa" in text, text


def test_a_pipe_given_as_the_certificate_is_refused(tmp_path: Path) -> None:
    """'sopgen build --tanda-tangan pipa.p12' waited forever for a writer."""
    import os

    from hostile import pipe_with_a_passing_writer

    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes need POSIX")
    stop = pipe_with_a_passing_writer(tmp_path / "pipa.p12")
    try:
        with pytest.raises(SignError, match="bukan berkas biasa"):
            load_certificate(tmp_path / "pipa.p12", PASSWORD)
    finally:
        stop()
