"""Safe, position-keeping YAML reading for hand-written SOP files.

PyYAML's defaults lose data silently (a duplicate key keeps the last value, `no:` becomes
False, `1:30` becomes 90, dates become date objects) and expand alias bombs. We compose the
node graph ourselves and build plain values with the YAML 1.2 core types only, recording
where every value and key stands so later stages can point at line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sopgen.diagnostics import Diagnostic, diag

MAX_BYTES = 1024 * 1024
MAX_NODES = 100_000

Path_ = tuple  # a path into the document: keys and list indexes


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema: no yes/no/on/off booleans, no sexagesimals, no timestamps."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


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


class _TooBig(Exception):
    pass


class _Builder:
    """Turns a composed node graph into plain values with positions."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.source = SourceMap()
        self.diags: list[Diagnostic] = []
        self.count = 0

    def build(self, node: yaml.Node, path: Path_ = (), depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > 200:
            raise _TooBig()
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.source.values.setdefault(path, (line, col))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict:
        out: dict[str, Any] = {}
        seen: dict[str, int] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for src in sources:
                    value = self.build(src, path, depth + 1)
                    if isinstance(value, dict):
                        for k, v in value.items():
                            merged.setdefault(k, v)
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
        for k, v in merged.items():
            out.setdefault(k, v)
        return out

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        tag, text = node.tag, node.value
        if tag == "tag:yaml.org,2002:str":
            return text
        if tag == "tag:yaml.org,2002:null":
            return None
        if node.style is None:  # plain scalar: remember how it was written
            self.source.raw[path] = text
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() == "true"
        if tag == "tag:yaml.org,2002:int":
            t = text.lower().lstrip("+")
            if t.startswith(("0o", "-0o")):
                return int(t.replace("0o", ""), 8)
            if t.startswith(("0x", "-0x")):
                return int(t, 16)
            return int(t)
        if tag == "tag:yaml.org,2002:float":
            return float(text.replace(".inf", "inf").replace(".nan", "nan").lower())
        self._add(node, "SOP008", f"tag YAML '{tag}' tidak didukung; tulis nilainya sebagai teks biasa")
        return text

    def _add(self, node: yaml.Node, code: str, message: str) -> None:
        m = node.start_mark
        self.diags.append(diag(self.file, m.line + 1, m.column + 1, code, message))


_TAB_INDENT = re.compile(r"^( *)\t")


def _line_col_of_offset(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    col = offset - (before.rfind(b"\n") + 1) + 1
    return line, col


def load_text(raw: bytes, file: str) -> Loaded:
    """Parse one SOP file's bytes; every problem becomes a diagnostic, never an exception."""
    fail = lambda line, col, code, msg: Loaded(file, None, SourceMap(), [diag(file, line, col, code, msg)])  # noqa: E731
    if len(raw) > MAX_BYTES:
        return fail(1, 1, "SOP006", f"berkas {len(raw):,} bita, melebihi batas {MAX_BYTES:,} bita; pecah SOP menjadi beberapa berkas")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, col = _line_col_of_offset(raw, e.start)
        return fail(line, col, "SOP001", f"bita 0x{raw[e.start]:02x} bukan UTF-8; simpan ulang berkas sebagai UTF-8")
    tabs = [
        diag(file, n, len(m.group(1)) + 1, "SOP004", "tab dipakai untuk indentasi; YAML hanya menerima spasi — ganti tab dengan spasi")
        for n, line in enumerate(text.splitlines(), 1)
        if (m := _TAB_INDENT.match(line))
    ]
    if tabs:
        return Loaded(file, None, SourceMap(), tabs)
    try:
        loader = _Loader(text)
        try:
            docs = []
            while loader.check_node():
                docs.append(loader.get_node())
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (e.problem or str(e)).strip()
        ctx = f" ({e.context})" if e.context else ""
        return fail(line, col, "SOP002", f"sintaks YAML: {problem}{ctx}; periksa indentasi, titik dua dan tanda kutip")
    except yaml.YAMLError as e:
        return fail(1, 1, "SOP002", f"sintaks YAML: {e}")
    if not docs:
        return fail(1, 1, "SOP007", "berkas kosong; sebuah SOP adalah peta YAML dengan kunci nomor, nama, langkah, ...")
    if len(docs) > 1:
        m = docs[1].start_mark
        return fail(m.line + 1, m.column + 1, "SOP007", "berkas berisi lebih dari satu dokumen YAML ('---'); satu berkas memuat satu SOP")
    root = docs[0]
    if not isinstance(root, yaml.MappingNode):
        m = root.start_mark
        return fail(m.line + 1, m.column + 1, "SOP007", "isi berkas harus peta YAML (kunci: nilai), bukan daftar atau teks")
    builder = _Builder(file)
    try:
        data = builder.build(root)
    except _TooBig:
        return fail(1, 1, "SOP005", f"alias YAML mengembang melebihi {MAX_NODES:,} simpul (alias bomb); tulis nilai secara langsung")
    return Loaded(file, data, builder.source, builder.diags)


def load_file(path: Path, display: str | None = None) -> Loaded:
    file = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return Loaded(file, None, SourceMap(), [diag(file, 1, 1, "SOP006", f"berkas {size:,} bita, melebihi batas {MAX_BYTES:,} bita; pecah SOP menjadi beberapa berkas")])
        raw = path.read_bytes()
    except OSError as e:
        return Loaded(file, None, SourceMap(), [diag(file, 1, 1, "SOP002", f"berkas tidak dapat dibaca: {e.strerror}")])
    return load_text(raw, file)
