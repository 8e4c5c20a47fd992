"""An xlsx looked at before calamine sees it: what the archive and each sheet really hold.

calamine allocates for the extent a sheet reaches: one cell at XFD1048576 in a 2 KB file
aborts the process, a 1 MB archive may unpack one 1 GiB cell. So the archive's members are
checked (unpacked size against `log_mb`, packing ratio), and every sheet's XML is streamed
in bounded chunks, counting its rows, the columns and rows its filled cells reach and the
longest text between two tags (a cell's text holds no '<'): a sheet that passes `kolom`,
`baris` or `sel_kb`, or whose filled cells are a speck in the area they span, is refused
with a message naming the sheet and the cell. Memory stays at one chunk whatever the file
claims.
"""

from __future__ import annotations

import itertools
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sopgen.conformance.readers.bounds import Bounds, number, raise_hint
from sopgen.conformance.readers.model import LogFileError

_CHUNK = 1 << 20
# A member that unpacks to more than this many times its packed size, past the floor, is no
# spreadsheet (real sheet XML packs 5 to 30 times).
_MAX_RATIO = 200
_RATIO_FLOOR = 16 << 20
# The area a sheet's filled cells span may be this many times their number (plus a margin)
# before calamine's grid for it is refused.
# Rows one sheet of Excel can hold: a larger sheet was not made by Excel, and reading it through
# calamine costs about 1.5 KB a row (5M rows: 7.5 GB); such logs belong in CSV, read in columns.
EXCEL_MAX_ROWS = 1_048_576
_SPARSE = 16
_SPARSE_MARGIN = 1 << 20

# An attribute as XML allows it: either quote, spaces around '=' (calamine reads them all).
_R = rb"""\sr\s*=\s*["']"""
# A cell with its reference (the attribute anywhere in the tag; calamine reads lower-case
# column letters too); a self-closing cell holds no value, and calamine leaves it out of the
# sheet's extent.
_CELL = re.compile(rb"<(?:\w+:)?c\b(?=[^>]*?" + _R + rb"""([A-Za-z]{1,3})([0-9]{1,9})["'])[^>]*?(/?)>""")
# A cell with a value but no reference: calamine places it by position, in the row its
# `<row r=...>` names, so such a sheet's extent is taken from the rows' references.
_CELL_NO_REF = re.compile(rb"<(?:\w+:)?c(?![^>]*?" + _R + rb")(?:>|\s[^>]*?(?<!/)>)")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>]")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?" + _R + rb"""([0-9]{1,9})["'][^>]*?(?<!/)>""")
_TAG = {b"sheet": re.compile(rb"<(?:\w+:)?sheet\b[^>]*>"), b"Relationship": re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")}
_ATTR = re.compile(rb"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# After a formula's end (`</f>`, or a shared formula's `<f .../>`): what ends a cell holding a
# formula and no stored result (a file written by a program, never saved by Excel or
# LibreOffice), which calamine reads as empty. An empty value of a text result is a result.
_NO_RESULT = re.compile(rb"\s*(<v\s*/>|<v>\s*</v>)?\s*</c>")
_TEXT_TYPES = (b"str", b"s", b"inlineStr")
# A cell of an Excel error (#N/A, #DIV/0!): calamine reads it as empty, the sheet shows the error.
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']e["']""")
_VALUE = re.compile(rb"<v>([^<]{1,32})</v>")
MAX_ERRORS = 100_000  # error cells kept per sheet for the messages; more are read as empty
# workbook.xml and its relationships are read whole: a real one is a few KB.
_MAX_BOOK_PART = 16 << 20


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _unescape(raw: bytes) -> str:
    from xml.sax.saxutils import unescape

    return unescape(raw.decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})


@dataclass
class _SheetScan:
    rows: int = 0
    cells: int = 0
    max_col: int = 0
    max_row: int = 0
    far: str = ""  # the filled cell farthest from A1
    row_refs: int = 0  # the highest row reference of a row with content
    positional: bool = False  # a cell with a value but no reference
    longest: int = 0  # longest text between two tags
    longest_at: str = ""  # the last cell opened before it
    # formulas without a stored result: column -> [first row, last row, how many]
    unstored: dict[int, list[int]] = field(default_factory=dict)
    errors: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column, "#N/A"), 1-based

    def keep_errors(self, body: bytes) -> None:
        """The Excel error values of a body of whole cells, with their cells."""
        for m in _ERROR_TYPE.finditer(body):
            start, end = body.rfind(b"<c", 0, m.start()), body.find(b"</c>", m.end())
            if start < 0 or end < 0 or len(self.errors) >= MAX_ERRORS:
                continue
            ref = re.fullmatch(rb"([A-Za-z]{1,3})([0-9]{1,9})", _attrs(body[start : body.find(b">", start)]).get(b"r", b""))
            value = _VALUE.search(body, start, end)
            if ref is not None and value is not None:
                self.errors.append((int(ref.group(2)), _col_number(ref.group(1)), value.group(1).decode("ascii", "replace")))

    def count_unstored(self, body: bytes) -> None:
        """Formulas without a stored result in a body of whole cells (a find per formula: a
        regular expression over every cell doubled the scan of a sheet of formulas)."""
        for end in _formula_ends(body):
            m = _NO_RESULT.match(body, end)
            start = body.rfind(b"<c", 0, end) if m else -1
            if start < 0:
                continue
            attrs = _attrs(body[start : body.find(b">", start)])
            ref = re.fullmatch(rb"([A-Za-z]{1,3})([0-9]{1,9})", attrs.get(b"r", b""))
            if ref is None or (m.group(1) is not None and attrs.get(b"t") in _TEXT_TYPES):
                continue
            col, row = _col_number(ref.group(1)), int(ref.group(2))
            span = self.unstored.setdefault(col, [row, row, 0])
            span[0], span[1], span[2] = min(span[0], row), max(span[1], row), span[2] + 1


def _formula_ends(body: bytes) -> Iterator[int]:
    """Where each formula of a body ends: after `</f>`, or after a shared formula's `<f .../>`."""
    for close in (b"</f>", b"/></c>"):
        i = body.find(close)
        while i >= 0:
            if close == b"</f>":
                yield i + 4
            elif body.startswith(b"<f", body.rfind(b"<", 0, i)):
                yield i + 2
            i = body.find(close, i + 1)


class XlsxInspector:
    """The checks of one xlsx against `Bounds`; LogFileError on the first passed."""

    def __init__(self, file: str, path: Path, bounds: Bounds) -> None:
        self.file, self.path, self.bounds = file, path, bounds

    def refuse(self, what: str, key: str) -> LogFileError:
        return LogFileError(self.file, f"berkas log '{self.file}': {what}; {raise_hint(key)}")

    def inspect(self) -> dict[str, _SheetScan]:
        """Refuse what passes a limit; else each sheet's scan by its name (for what only the
        reader can judge: formulas without a result in the columns it reads)."""
        scans: dict[str, _SheetScan] = {}
        try:
            with zipfile.ZipFile(self.path) as zf:
                self._members(zf)
                if "xl/sharedStrings.xml" in zf.NameToInfo:
                    name = "teks bersama (xl/sharedStrings.xml)"
                    self._check_sheet(name, self._scan(zf, "xl/sharedStrings.xml", name))
                for label, member, sheet in self._parts(zf):
                    scan = self._scan(zf, member, label)
                    self._check_sheet(label, scan)
                    if sheet is not None:
                        scans.setdefault(sheet, scan)
        except zipfile.BadZipFile as err:
            raise LogFileError(self.file, f"berkas log '{self.file}' rusak atau terpotong, tidak bisa dibaca sebagai .xlsx ({err}); buka di Excel lalu simpan ulang") from None
        return scans

    def _parts(self, zf: zipfile.ZipFile) -> list[tuple[str, str, str | None]]:
        """(what messages call it, member, sheet name) of every part calamine may read as a
        sheet: each sheet of workbook.xml, then every other XML part under xl/ and every
        member a workbook relationship points to, however calamine resolves it (no name)."""
        sheets, targets = self._sheets(zf)
        named = {member: name for name, member in sheets}
        parts: list[tuple[str, str, str | None]] = [(f"lembar '{name}'", member, name) for member, name in named.items() if member in zf.NameToInfo]
        for info in zf.infolist():
            member = info.filename
            if member in named or member == "xl/sharedStrings.xml":
                continue
            if (member.startswith("xl/") and member.lower().endswith(".xml")) or member in targets:
                parts.append((f"bagian '{member}'", member, None))
        return parts

    def _members(self, zf: zipfile.ZipFile) -> None:
        total = 0
        limit = self.bounds.file_bytes
        for info in zf.infolist():
            total += info.file_size
            if total > limit:
                raise self.refuse(f"isinya bila dibuka lebih dari batas {self.bounds.limits.log_mb} MB (bagian '{info.filename}')", "log_mb")
            if info.file_size > _RATIO_FLOOR and info.file_size > _MAX_RATIO * max(info.compress_size, 1):
                raise LogFileError(
                    self.file,
                    f"berkas log '{self.file}': bagian '{info.filename}' mengembang {number(info.file_size // max(info.compress_size, 1))} kali "
                    "saat dibuka; ini bukan lembar kerja biasa. Buka di Excel lalu simpan ulang",
                )

    def _stream(self, zf: zipfile.ZipFile, member: str) -> Iterator[bytes]:
        """The member's bytes in chunks, never more than its declared size (a lying header
        cannot make it longer)."""
        info = zf.getinfo(member)
        read = 0
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                read += len(chunk)
                if read > max(info.file_size, 0) + _CHUNK or read > self.bounds.file_bytes:
                    raise self.refuse(f"bagian '{member}' lebih besar daripada yang tertulis di arsip", "log_mb")
                yield chunk

    def _sheets(self, zf: zipfile.ZipFile) -> tuple[list[tuple[str, str]], set[str]]:
        """(sheet name, archive member) of every sheet, from workbook.xml and its rels, and
        every member a relationship may point to (resolved as the package rules say and as
        calamine does: from xl/, or from the root when the target starts with xl/)."""
        book, rels = (self._book_part(zf, m) for m in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"))
        targets: dict[bytes, str] = {}
        members: set[str] = set()
        for attrs in _tags(rels, b"Relationship"):
            target = _unescape(attrs.get(b"Target", b""))
            plain = target.lstrip("/")
            targets[attrs.get(b"Id", b"")] = plain if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            members |= {plain, "xl/" + target, targets[attrs.get(b"Id", b"")]}
        out = []
        for attrs in _tags(book, b"sheet"):
            rid = next((v for k, v in attrs.items() if k.endswith(b":id") or k == b"id"), None)
            if rid in targets:
                out.append((_unescape(attrs.get(b"name", b"")), targets[rid]))
        return out, members

    def _book_part(self, zf: zipfile.ZipFile, member: str) -> bytes:
        """A workbook part read whole; one too big to be real is refused, never skipped (the
        sheets it names would go unscanned)."""
        info = zf.NameToInfo.get(member)
        if info is None:
            return b""
        if info.file_size > _MAX_BOOK_PART:
            raise LogFileError(
                self.file,
                f"berkas log '{self.file}': bagian '{member}' berukuran {number(info.file_size >> 20)} MB, padahal biasanya beberapa KB; "
                "ini bukan buku kerja biasa. Buka di Excel lalu simpan ulang",
            )
        return b"".join(self._stream(zf, member))

    def _scan(self, zf: zipfile.ZipFile, member: str, name: str) -> _SheetScan:
        s = _SheetScan()
        run = 0  # bytes since the last '<', carried across chunks
        tail = b""  # the end of the previous chunk: a tag cut by the border
        for chunk in itertools.chain(self._stream(zf, member), [b""]):
            buf = tail + chunk
            # A body ends before the last cell it starts, so each cell is whole in one body
            # (`count_unstored`); the last, empty chunk takes what is left.
            cut = max(buf.rfind(b"<c "), buf.rfind(b"<c>")) if chunk else -1
            cut = cut if cut > 0 and len(buf) - cut < 4096 or not chunk else buf.rfind(b"<")
            body, tail = (buf[:cut], buf[cut:]) if cut > 0 and len(buf) - cut < 4096 else (buf, b"")
            if not body:
                continue
            if b"<f" in body:
                s.count_unstored(body)
            if b'"e"' in body or b"'e'" in body:
                s.keep_errors(body)
            s.rows += len(_ROW.findall(body))
            if s.rows > self.bounds.rows:
                raise self.refuse(f"{name} berisi lebih dari {number(self.bounds.rows)} baris", "baris")
            if s.rows > EXCEL_MAX_ROWS:
                raise LogFileError(
                    self.file,
                    f"berkas log '{self.file}': {name} berisi lebih dari {number(EXCEL_MAX_ROWS)} baris, lebih dari yang dapat "
                    "disimpan Excel sendiri (berkas ini tidak dibuat oleh Excel); simpan log sebesar ini sebagai CSV",
                )
            last_ref = s.longest_at
            if not s.positional and _CELL_NO_REF.search(body):
                s.positional = True
            refs = _ROW_REF.findall(body)
            if refs:
                s.row_refs = max(s.row_refs, max(int(r) for r in refs))
            for col, row, empty in _CELL.findall(body):
                if empty:
                    continue
                s.cells += 1
                c, r = _col_number(col), int(row)
                last_ref = (col + row).decode().upper()
                if c > s.max_col or r > s.max_row:
                    s.max_col, s.max_row = max(s.max_col, c), max(s.max_row, r)
                    if c > self.bounds.columns:
                        s.far = last_ref
                        return s
                    s.far = last_ref
            pieces = body.split(b"<")
            first = run + len(pieces[0])
            longest = max(first, max((len(p) for p in pieces[1:]), default=0))
            run = len(pieces[-1]) if len(pieces) > 1 else first
            if longest > s.longest:
                s.longest, s.longest_at = longest, last_ref
                if longest > self.bounds.cell_bytes:
                    return s
        return s

    def _check_sheet(self, name: str, s: _SheetScan) -> None:
        b = self.bounds
        if s.positional and s.row_refs > s.max_row:
            s.max_row, s.max_col, s.far = s.row_refs, max(s.max_col, 1), f"A{s.row_refs}"
        where = name
        if s.max_col > b.columns:
            raise self.refuse(f"{where} sel {s.far} berada di kolom ke-{number(s.max_col)}, lebih dari batas {b.columns} kolom; hapus isi sel itu", "kolom")
        if s.longest > b.cell_bytes:
            at = f" (dekat sel {s.longest_at})" if s.longest_at else ""
            raise self.refuse(f"{where} memuat teks {number(s.longest // 1024)} KB dalam satu sel{at}, lebih dari batas {b.limits.sel_kb} KB", "sel_kb")
        if s.max_row > b.rows:
            raise self.refuse(f"{where} sel {s.far} berada di baris {number(s.max_row)}, lebih dari batas {number(b.rows)} baris", "baris")
        if s.max_row * s.max_col > _SPARSE * s.cells + _SPARSE_MARGIN:
            raise LogFileError(
                self.file,
                f"berkas log '{self.file}': {where} sel {s.far} berada jauh di luar data (hanya {number(s.cells)} sel terisi, "
                f"tetapi sampai baris {number(s.max_row)} kolom ke-{number(s.max_col)}); hapus isi sel itu atau baris/kolom kosong di antaranya, "
                "lalu simpan ulang",
            )


def _tags(xml: bytes, tag: bytes) -> Iterator[dict[bytes, bytes]]:
    """The attributes of each `tag` element (either quote, any order)."""
    for m in _TAG[tag].finditer(xml):
        yield _attrs(m.group(0))


def _attrs(tag: bytes) -> dict[bytes, bytes]:
    return {a.group(1): a.group(2) if a.group(2) is not None else a.group(3) for a in _ATTR.finditer(tag)}
