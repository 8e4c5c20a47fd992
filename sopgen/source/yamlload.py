"""Safe, position-keeping YAML reading for hand-written SOP files.

PyYAML's defaults lose data silently (a duplicate key keeps the last value, `no:` becomes
False, `1:30` becomes 90, dates become date objects) and expand alias bombs. We compose the
node graph ourselves and build plain values with the YAML 1.2 core types only, recording
where every value and key stands so later stages can point at line and column.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sopgen.source.diagnostics import Diagnostic, diag
from sopgen.textsafe import clip

MAX_BYTES = 1024 * 1024
MAX_NODES = 100_000  # values after expanding aliases; a real SOP has a few hundred
MAX_DEPTH = 200
MAX_INT_DIGITS = 18

Path_ = tuple  # a path into the document: keys and list indexes


_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TAG = "tag:yaml.org,2002:"


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema: no yes/no/on/off booleans, no sexagesimals, no timestamps.

    `resolve` is called for every node, so it is written out instead of PyYAML's generic table.
    """

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0] and value:
                c = value[0]
                if c in "-+0123456789.":
                    if _INT.match(value):
                        return _TAG + "int"
                    if _FLOAT.match(value):
                        return _TAG + "float"
                elif c in "tTfF":
                    if _BOOL.match(value):
                        return _TAG + "bool"
                elif c in "~nN":
                    if _NULL.match(value):
                        return _TAG + "null"
                elif value == "<<":
                    return _TAG + "merge"
            elif implicit[0]:
                return _TAG + "null"  # an empty plain scalar: `revisi:`
            return _TAG + "str"
        if kind is yaml.SequenceNode:
            return _TAG + "seq"
        return _TAG + "map"

    # libyaml calls these for every node; sopgen registers no path resolvers.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


class _PyLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    _Resolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Resolver.__init__(self)


if getattr(yaml, "__with_libyaml__", False):
    import yaml.cyaml


    class _CLoader(yaml.cyaml.CParser, _Resolver):  # libyaml: ~10x faster composing, same marks
        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            _Resolver.__init__(self)

    _Loader: type = _CLoader
else:  # pragma: no cover
    _Loader = _PyLoader


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a document was written."""

    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    raw: dict[Path_, str] = field(default_factory=dict)  # source text of non-string plain scalars

    def value_pos(self, path: Path_) -> tuple[int, int]:
        """Position of the value at path, or of its nearest written ancestor."""
        p = tuple(path)
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (1, 1))

    def key_pos(self, path: Path_) -> tuple[int, int]:
        p = tuple(path)
        return self.keys[p] if p in self.keys else self.value_pos(p)


@dataclass
class Loaded:
    file: str
    data: Any
    source: SourceMap
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return self.data is not None and not any(d.severity == "error" for d in self.diagnostics)


def _shown(tag: str) -> str:
    """A tag as it is written in the file: '!!timestamp', not 'tag:yaml.org,2002:timestamp'."""
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


class _TooBig(Exception):
    def __init__(self, path: Path_, deep: bool) -> None:
        super().__init__(path)
        self.path, self.deep = path, deep


class _Builder:
    """Turns a composed node graph into plain values with positions."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.source = SourceMap()
        self.diags: list[Diagnostic] = []
        self.count = 0

    def build(self, node: yaml.Node, path: Path_ = (), depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise _TooBig(path, depth > MAX_DEPTH)
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.source.values.setdefault(path, (line, col))
        if isinstance(node, yaml.MappingNode):
            if node.tag != _TAG + "map":  # `!!python/object:...`, `!!set`, `!!omap`, `!foo`
                self._add(node, "SOP008", f"tag YAML '{_shown(node.tag)}' tidak didukung; hapus tag-nya dan tulis peta biasa")
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _TAG + "seq":
                self._add(node, "SOP008", f"tag YAML '{_shown(node.tag)}' tidak didukung; hapus tag-nya dan tulis daftar biasa")
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict:
        out: dict[str, Any] = {}
        seen: dict[str, int] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merges.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._add(key_node, "SOP002", "kunci peta harus teks biasa, bukan daftar atau peta")
                continue
            key = key_node.value
            kline = key_node.start_mark.line + 1
            if key in seen:
                self._add(
                    key_node,
                    "SOP003",
                    f"kunci '{key}' sudah ditulis di baris {seen[key]}; YAML hanya menyimpan salah satunya — hapus atau gabungkan",
                )
                continue
            seen[key] = kline
            self.source.keys[path + (key,)] = (kline, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, path + (key,), depth + 1)
        # Merge keys (`<<: *dasar`) after the explicit keys, so a key written here wins, both in
        # value and in the position messages point at.
        for value_node in merges:
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for src in sources:
                if not isinstance(src, yaml.MappingNode):
                    self._add(src, "SOP002", "'<<' (merge key) harus menunjuk peta, mis. '<<: *dasar' dengan '&dasar' pada sebuah peta")
                    continue
                for k, v in self.build(src, path, depth + 1).items():
                    out.setdefault(k, v)
        return out

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        tag, text = node.tag, node.value
        if tag == "tag:yaml.org,2002:str":
            return text
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:merge":  # `<<` written as a value, not as a key
            return text
        if not node.style:  # plain scalar (None from PyYAML, "" from libyaml): remember how it was written
            self.source.raw.setdefault(path, text)
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() == "true"
        try:
            if tag == "tag:yaml.org,2002:int":
                if len(text) > MAX_INT_DIGITS:  # Python refuses to parse 4,300 digits; no SOP needs 19
                    self._add(node, "SOP010", f"angka {clip(text, 20)} terlalu besar ({len(text)} digit); tulis angka yang dimaksud, atau beri tanda kutip bila ini teks")
                    return text
                t = text.lower().lstrip("+")
                if t.startswith(("0o", "-0o")):
                    return int(t.replace("0o", ""), 8)
                if t.startswith(("0x", "-0x")):
                    return int(t, 16)
                return int(t)
            if tag == "tag:yaml.org,2002:float":
                return float(text.lower().replace(".inf", "inf").replace(".nan", "nan"))
        except ValueError:  # an explicit `!!int abc`
            self._add(node, "SOP008", f"'{clip(text, 40)}' bertag {tag.rsplit(':', 1)[-1]} tetapi bukan angka; hapus tag '!!' dan tulis nilainya biasa")
            return text
        self._add(node, "SOP008", f"tag YAML '{_shown(tag)}' tidak didukung; hapus tag-nya dan tulis nilainya sebagai teks biasa")
        return text

    def _add(self, node: yaml.Node, code: str, message: str) -> None:
        m = node.start_mark
        self.diags.append(diag(self.file, m.line + 1, m.column + 1, code, message))


_TAB_INDENT = re.compile(r"^( *)\t")


def _n(number: int) -> str:
    """A count as Indonesian prints it: 1.048.576."""
    return f"{number:,}".replace(",", ".")


def _line_col_of_offset(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters) of a byte offset; the bytes before it are valid UTF-8."""
    before = raw[:offset]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    col = len(raw[start:offset].decode("utf-8", errors="replace")) + 1
    return line, col


def _line_col_of_index(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


# libyaml's and PyYAML's words for the usual slips, in Indonesian with what to do.
_PROBLEMS: list[tuple[str, str]] = [
    (r"expected ',' or '\]'", "daftar '[' tidak ditutup dengan ']' (atau koma antarbutir hilang)"),
    (r"expected ',' or '\}'", "peta '{' tidak ditutup dengan '}' (atau koma antarbutir hilang)"),
    (r"mapping values are not allowed", "titik dua ':' tidak boleh di sini; nilai yang memuat ': ' harus diberi tanda kutip, atau indentasinya salah"),
    (r"cannot start any token", "karakter ini tidak boleh mengawali nilai (mis. @ atau `); beri tanda kutip pada nilainya"),
    (r"unexpected end of stream", "berkas berakhir sebelum tanda kutip atau kurung ditutup"),
    (r"expected key|expected <block end>", "indentasi tidak sejajar dengan kunci di atasnya"),
    (r"expected '-' indicator", "indentasi tidak sejajar dengan butir daftar '-' di atasnya"),
    (r"block sequence entries are not allowed", "butir daftar '-' tidak boleh di sini; periksa indentasinya"),
    (r"undefined alias", "alias '*...' menunjuk anchor '&...' yang tidak ada"),
    (r"duplicate anchor|second occurrence", "anchor '&...' dengan nama yang sama ditulis dua kali"),
    (r"unknown escape character", "garis miring terbalik '\\' di dalam tanda kutip ganda bukan escape yang sah; pakai tanda kutip tunggal"),
    (r"tab character", "tab dipakai untuk indentasi; ganti dengan spasi"),
    (r"expected <document start>|expected '<document start>'", "ada teks setelah akhir isi berkas"),
    (r"could not find expected ':'", "tanda ':' setelah kunci tidak ditemukan"),
    (r"expected node content|expected the node content", "nilai yang diharapkan tidak ditemukan"),
    (r"expected comment or line break", "ada teks setelah nilai yang sudah selesai; beri tanda kutip pada seluruh nilai"),
    (r"found undefined tag handle", "tag '!...' tidak dikenal; hapus tag-nya"),
]
_CONTEXTS: list[tuple[str, str]] = [
    (r"flow sequence", "daftar '[' dibuka"),
    (r"flow mapping", "peta '{' dibuka"),
    (r"quoted scalar", "tanda kutip dibuka"),
    (r"block mapping", "peta dimulai"),
    (r"block collection|block sequence", "daftar dimulai"),
    (r"block scalar", "teks blok dimulai"),
    (r"simple key", "kunci dimulai"),
    (r"first occurrence", "anchor pertama"),
]


def _syntax_message(e: yaml.MarkedYAMLError) -> str:
    words = " ".join(filter(None, [e.problem, e.context]))
    problem = next((id_ for pattern, id_ in _PROBLEMS if re.search(pattern, words)), None)
    if problem is None:
        problem = f"{(e.problem or str(e)).strip()}; periksa indentasi, titik dua dan tanda kutip"
    cm, pm = e.context_mark, e.problem_mark
    where = next((id_ for pattern, id_ in _CONTEXTS if e.context and re.search(pattern, e.context)), None)
    if where and cm and (not pm or (cm.line, cm.column) != (pm.line, pm.column)):
        problem += f"; {where} di baris {cm.line + 1} kolom {cm.column + 1}"
    return f"sintaks YAML: {problem}"


def load_text(raw: bytes, file: str) -> Loaded:
    """Parse one SOP file's bytes; every problem becomes a diagnostic, never an exception."""
    fail = lambda line, col, code, msg: Loaded(file, None, SourceMap(), [diag(file, line, col, code, msg)])  # noqa: E731
    if len(raw) > MAX_BYTES:
        return fail(1, 1, "SOP006", f"berkas {_n(len(raw))} bita, melebihi batas {_n(MAX_BYTES)} bita (1 MiB); pecah SOP menjadi beberapa berkas")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return fail(1, 1, "SOP001", "berkas tersimpan sebagai UTF-16 ('Unicode' di Notepad); simpan ulang sebagai UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, col = _line_col_of_offset(raw, e.start)
        return fail(line, col, "SOP001", f"bita 0x{raw[e.start]:02x} bukan UTF-8 (berkas mungkin tersimpan sebagai Windows-1252/ANSI); simpan ulang sebagai UTF-8")
    tabs = [
        diag(file, n, len(m.group(1)) + 1, "SOP004", "tab dipakai untuk indentasi; YAML hanya menerima spasi — ganti tab dengan spasi")
        for n, line in enumerate(text.splitlines(), 1)
        if (m := _TAB_INDENT.match(line))
    ] if "\t" in text else []
    if tabs:
        return Loaded(file, None, SourceMap(), tabs)
    try:
        # libyaml composes from UTF-8 bytes about 4x faster than from str (same marks, in characters).
        loader = _Loader(raw if _Loader is not _PyLoader else text)
        try:
            docs = []
            while loader.check_node():
                docs.append(loader.get_node())
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return fail(line, col, "SOP002", _syntax_message(e))
    except yaml.reader.ReaderError as e:
        line, col = _line_col_of_index(text, e.position)
        char = e.character if isinstance(e.character, str) else chr(e.character)
        return fail(line, col, "SOP002", f"karakter kendali U+{ord(char):04X} tidak boleh ada di berkas YAML; hapus karakter itu")
    except yaml.YAMLError as e:  # pragma: no cover - every YAMLError the parsers raise is one of the above
        return fail(1, 1, "SOP002", f"sintaks YAML: {e}")
    if not docs:
        return fail(1, 1, "SOP007", "berkas kosong; sebuah SOP adalah peta YAML dengan kunci versi_format, nomor, nama, langkah, ...")
    if len(docs) > 1:
        m = docs[1].start_mark
        return fail(m.line + 1, m.column + 1, "SOP007", "berkas berisi lebih dari satu dokumen YAML ('---'); satu berkas memuat satu SOP")
    root = docs[0]
    if isinstance(root, yaml.ScalarNode) and root.tag == _TAG + "null" and not root.value:
        return fail(1, 1, "SOP007", "berkas kosong; sebuah SOP adalah peta YAML dengan kunci versi_format, nomor, nama, langkah, ...")
    if not isinstance(root, yaml.MappingNode):
        m = root.start_mark
        kind = "daftar" if isinstance(root, yaml.SequenceNode) else "teks"
        return fail(m.line + 1, m.column + 1, "SOP007", f"isi berkas harus peta YAML (kunci: nilai), bukan {kind}; mulai dengan 'versi_format: 1'")
    builder = _Builder(file)
    try:
        data = builder.build(root)
    except _TooBig as e:
        line, col = builder.source.key_pos(e.path[:1]) if e.path else (1, 1)
        if e.deep:
            msg = f"nilai bersarang lebih dari {MAX_DEPTH} tingkat (alias yang memuat dirinya sendiri?); tulis nilai secara langsung"
        else:
            msg = f"isi berkas mengembang melebihi {_n(MAX_NODES)} nilai karena alias YAML (*nama) yang berlipat (alias bomb); tulis nilai secara langsung"
        return fail(line, col, "SOP005", msg)
    return Loaded(file, data, builder.source, builder.diags)


def load_file(path: Path, display: str | None = None) -> Loaded:
    file = display or str(path)
    got = read_source(path, file)
    return got if isinstance(got, Loaded) else load_text(got, file)


def read_source(path: Path, file: str) -> bytes | Loaded:
    """A file's bytes, or the failure to load it. A file named by the user may be anything: a
    device (/dev/zero) is refused unread, and a pipe is read once and only up to the size
    limit, so no file's content costs more than that."""
    try:
        st = path.stat()
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
            return Loaded(file, None, SourceMap(), [diag(file, 1, 1, "SOP002", "berkas tidak dapat dibaca: bukan berkas biasa (perangkat atau folder); sebutkan berkas SOP .yaml")])
        size = st.st_size
        if size > MAX_BYTES:
            return Loaded(file, None, SourceMap(), [diag(file, 1, 1, "SOP006", f"berkas {_n(size)} bita, melebihi batas {_n(MAX_BYTES)} bita (1 MiB); pecah SOP menjadi beberapa berkas")])
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as e:
        return Loaded(file, None, SourceMap(), [diag(file, 1, 1, "SOP002", f"berkas tidak dapat dibaca: {e.strerror}")])
    if len(raw) > MAX_BYTES:  # a pipe, or a file that grew while it was read
        return Loaded(file, None, SourceMap(), [diag(file, 1, 1, "SOP006", f"berkas lebih dari batas {_n(MAX_BYTES)} bita (1 MiB); pecah SOP menjadi beberapa berkas")])
    return raw
