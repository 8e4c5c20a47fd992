"""Is a logo file one the PDF can draw, at a bounded cost?

A logo is any file someone put in the project. WeasyPrint leaves out an image it cannot or
will not draw without a word, so an office would publish a sheet without its emblem. Every
problem is found here, at validation, with the reason: not an image, truncated, too many
pixels (a 1 KB PNG may claim 100,000 x 100,000), an SVG that reaches outside itself (external
entities, linked files or addresses) or that expands without end (entities, nested `<use>`).
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from xml.etree import ElementTree

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4_096  # pixels; a printed logo is 2 cm wide, 600 pixels are plenty
MAX_SVG_NODES = 50_000  # elements after expanding <use>
_RASTER_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
_XLINK = "{http://www.w3.org/1999/xlink}href"
_URL_IN_CSS = re.compile(r"url\(\s*['\"]?([^'\")\s]*)", re.I)
_DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif);base64,", re.I)


class LogoProblem(Exception):
    """Why the logo cannot be drawn, in the words the diagnostic shows."""


def inspect_logo(path: Path) -> None:
    """Raise LogoProblem unless the file is a PNG, JPEG, GIF or SVG the PDF will draw."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise LogoProblem(f"berukuran {size / 2**20:.1f} MiB, lebih dari {MAX_BYTES // 2**20} MiB; perkecil logo (mis. PNG 600 piksel)")
    data = path.read_bytes()
    if data.startswith(_RASTER_MAGIC):
        _check_raster(data)
    elif path.suffix.lower() == ".svg" and b"<svg" in data[:4096]:
        _check_svg(data)
    else:
        raise LogoProblem("bukan gambar PNG, JPEG, GIF atau SVG; simpan ulang logo sebagai PNG")


def _check_raster(data: bytes) -> None:
    from PIL import Image, ImageFile

    # WeasyPrint turns on Pillow's global leniency for truncated files when imported; a cut
    # logo would then print half grey. Judge the file strictly, whatever was imported before.
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        _decode(Image, data)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _decode(Image, data: bytes) -> None:  # noqa: N803 - the PIL module, imported lazily
    try:
        with Image.open(io.BytesIO(data)) as im:
            w, h = im.size
            if w > MAX_SIDE or h > MAX_SIDE:
                raise LogoProblem(f"berukuran {w} x {h} piksel, lebih dari {MAX_SIDE} x {MAX_SIDE}; perkecil logo (mis. 600 piksel)")
            im.load()  # bounded by the size check above: decodes the whole image, finds truncation
    except LogoProblem:
        raise
    except Image.DecompressionBombError:
        raise LogoProblem(f"mengaku berukuran jauh lebih dari {MAX_SIDE} x {MAX_SIDE} piksel (bom dekompresi); simpan ulang logo sebagai PNG kecil") from None
    except Exception as e:  # Pillow raises many kinds for a broken file
        raise LogoProblem(f"rusak atau terpotong ({type(e).__name__}); simpan ulang logo sebagai PNG") from None


def _check_svg(data: bytes) -> None:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise LogoProblem("memuat DOCTYPE/ENTITY (bisa merujuk berkas lain atau mengembang tanpa batas); hapus bagian <!DOCTYPE ...> dari SVG")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as e:
        raise LogoProblem(f"bukan SVG yang sah ({e}); simpan ulang dari aplikasi gambar") from None
    by_id: dict[str, ElementTree.Element] = {}
    count = 0
    for el in root.iter():
        count += 1
        if count > MAX_SVG_NODES:
            raise LogoProblem(f"memuat lebih dari {MAX_SVG_NODES} elemen; sederhanakan atau simpan sebagai PNG")
        if "id" in el.attrib:
            by_id[el.attrib["id"]] = el
        for ref in _references(el):
            _check_reference(ref)
    if _expanded(root, by_id, {}, set()) > MAX_SVG_NODES:
        raise LogoProblem(f"mengembang menjadi lebih dari {MAX_SVG_NODES} elemen lewat <use>; simpan logo sebagai PNG")


def _references(el: ElementTree.Element) -> list[str]:
    refs = [v for k, v in el.attrib.items() if k in ("href", _XLINK)]
    for k, v in el.attrib.items():
        if k == "style" or "url(" in v:
            refs.extend(_URL_IN_CSS.findall(v))
    if el.tag.endswith("}style") or el.tag == "style":
        text = el.text or ""
        if "@import" in text:
            raise LogoProblem("memuat @import pada <style>; logo harus berdiri sendiri")
        refs.extend(_URL_IN_CSS.findall(text))
    return refs


def _check_reference(ref: str) -> None:
    ref = ref.strip()
    if ref.startswith("#") or ref == "":
        return
    if _DATA_IMAGE.match(ref):
        try:
            inner = base64.b64decode(ref.split(",", 1)[1], validate=False)
        except ValueError:
            raise LogoProblem("memuat gambar data: yang rusak") from None
        _check_raster(inner)
        return
    raise LogoProblem(f"merujuk berkas atau alamat lain ('{ref[:60]}'); logo harus berdiri sendiri, simpan sebagai PNG")


def _expanded(el: ElementTree.Element, by_id: dict, memo: dict[int, int], active: set[int]) -> int:
    """Elements drawn once every <use> is replaced by what it points to (cycles refused)."""
    key = id(el)
    if key in memo:
        return memo[key]
    if key in active:
        raise LogoProblem("memuat <use> yang merujuk dirinya sendiri; simpan logo sebagai PNG")
    active.add(key)
    total = 1
    for child in el:
        total += _expanded(child, by_id, memo, active)
        if total > MAX_SVG_NODES:
            break
    href = el.attrib.get("href") or el.attrib.get(_XLINK) or ""
    if el.tag.rsplit("}", 1)[-1] == "use" and href.startswith("#") and href[1:] in by_id:
        total += _expanded(by_id[href[1:]], by_id, memo, active)
    active.discard(key)
    memo[key] = min(total, MAX_SVG_NODES + 1)
    return memo[key]
