"""Digital signatures: each PDF signed (PAdES, pyHanko) with the office's P12/PFX certificate.

The visible signature field sits on the identity sheet's "Disahkan oleh" box (div.kotak-ttd,
found in WeasyPrint's layout of the first page). The signature is an incremental update: the
bytes WeasyPrint wrote (PDF/A-2b, XMP metadata) stay as they were, and the appearance text is
set in an embedded font, so the update adds no unembedded font. Signing time is part of the
signature, so two signed builds differ; unsigned builds stay byte-identical.

The password never comes from a file: the CLI reads it from an environment variable or asks.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

FIELD_NAME = "TandaTanganPengesah"
BOX_CLASS = "kotak-ttd"
MAX_P12_BYTES = 16 * 1024 * 1024  # a P12 with its chain is a few KB
PX_TO_PT = 0.75
# Fonts with the glyphs of Indonesian names, embedded in the signature's appearance (PDF/A).
FONTS = (
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


class SignError(Exception):
    """The certificate or the PDF cannot be used for signing (message in Indonesian)."""


Box = tuple[int, float, float, float, float]  # page index, x1, y1, x2, y2 in PDF points


def signature_box(document) -> Box | None:
    """The PDF rectangle of the first div.kotak-ttd in a rendered WeasyPrint document."""
    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or BOX_CLASS not in (element.get("class") or "").split():
                continue
            height = page.height * PX_TO_PT
            x, y = box.border_box_x() * PX_TO_PT, box.border_box_y() * PX_TO_PT
            w, h = box.border_width() * PX_TO_PT, box.border_height() * PX_TO_PT
            if w <= 1 or h <= 1:
                return None
            return (index, round(x, 2), round(height - y - h, 2), round(x + w, 2), round(height - y, 2))
    return None


@dataclass(frozen=True)
class Certificate:
    """A loaded P12/PFX: the pyHanko signer and the holder's name."""

    signer: object
    holder: str


def load_certificate(path: Path, password: str) -> Certificate:
    """Open a P12/PFX file; a wrong password or a damaged file is a SignError."""
    from pyhanko.sign import signers

    from sopgen.files import read_user_file

    # a pipe or a device is refused, never waited on
    size, data = read_user_file(path, MAX_P12_BYTES + 1, f"berkas sertifikat '{path}'", SignError)
    if size > MAX_P12_BYTES or len(data) > MAX_P12_BYTES:
        raise SignError(f"berkas sertifikat '{path.name}' lebih dari {MAX_P12_BYTES // (1024 * 1024)} MB; bukan berkas P12/PFX")
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=password.encode("utf-8"))
    except Exception:  # pyHanko/cryptography raise several kinds for a bad file or password
        signer = None
    if signer is None or signer.signing_cert is None:
        raise SignError(f"sertifikat '{path.name}' tidak bisa dibuka: sandi salah, atau bukan berkas P12/PFX yang berisi kunci dan sertifikat")
    return Certificate(signer, holder_name(signer.signing_cert))


def holder_name(cert) -> str:
    """The certificate holder's common name (or the whole subject)."""
    subject = cert.subject.native
    return str(subject.get("common_name") or cert.subject.human_friendly)


_FONT_BYTES: dict[str, bytes] = {}


def _font() -> bytes | None:
    """A system font scaled to 1000 units per em (made once per process, kept in memory).

    pyHanko writes the glyph widths of an embedded TrueType font in the font's own units, but
    PDF reads them as thousandths of an em: with a 2048-unit font the letters of the signature
    text spread apart. Scaling the font to 1000 units makes the two agree.
    """
    source = next((f for f in FONTS if Path(f).is_file()), None)
    if source is None:
        return None
    if source not in _FONT_BYTES:
        from fontTools.ttLib import TTFont
        from fontTools.ttLib.scaleUpem import scale_upem

        font = TTFont(source)
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        buffer = io.BytesIO()
        font.save(buffer)
        _FONT_BYTES[source] = buffer.getvalue()
    return _FONT_BYTES[source]


def _font_factory(data: bytes):
    """pyHanko's glyph accumulator factory, reading the font from memory instead of a path."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

    class MemoryFontFactory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer, obj_stream=None):
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(data), font_size=self.font_size, obj_stream=obj_stream)

    return MemoryFontFactory(font_file="")


def _stamp_style():
    from pyhanko import stamp
    from pyhanko.pdf_utils.text import TextBoxStyle

    font = _font()
    box_style = TextBoxStyle(font_size=7)
    if font:
        box_style = TextBoxStyle(font=_font_factory(font), font_size=7)
    return stamp.TextStampStyle(
        stamp_text="Ditandatangani secara elektronik oleh\n%(signer)s\n%(ts)s",
        timestamp_format="%Y-%m-%d %H:%M:%S %Z",
        text_box_style=box_style,
        border_width=0,
        background=None,
    )


def sign_pdf(pdf: bytes, certificate: Certificate, box: Box | None, *, reason: str = "", location: str = "") -> bytes:
    """The PDF with a PAdES signature (an incremental update of the given bytes)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page, rect = (box[0], box[1:]) if box else (0, (0, 0, 0, 0))
    fields.append_signature_field(writer, fields.SigFieldSpec(FIELD_NAME, on_page=page, box=rect))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
    )
    out = io.BytesIO()
    subset_log = logging.getLogger("fontTools.subset")
    level = subset_log.level
    subset_log.setLevel(logging.ERROR)  # "FFTM NOT subset": a font table pyHanko drops, harmless
    try:
        signers.PdfSigner(meta, certificate.signer, stamp_style=_stamp_style()).sign_pdf(writer, output=out)
    finally:
        subset_log.setLevel(level)
    return out.getvalue()


def pdf_signer(certificate: Certificate, location: str = ""):
    """What `build(sign=...)` calls for each PDF: (pdf bytes, signature box) -> signed bytes."""

    def sign(pdf: bytes, box: Box | None) -> bytes:
        return sign_pdf(pdf, certificate, box, reason="Pengesahan SOP", location=location)

    return sign


def password_from(env_name: str, environ: dict[str, str], ask) -> str:
    """The certificate's password from an environment variable, else asked (never a file)."""
    value = environ.get(env_name)
    if value:
        return value
    if ask is None:
        raise SignError(f"sandi sertifikat tidak diberikan: isi variabel lingkungan {env_name}, atau jalankan di terminal agar sandi ditanyakan")
    return ask()
