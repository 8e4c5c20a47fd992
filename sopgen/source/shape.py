"""The JSON Schema stage: turns jsonschema errors into positioned, Indonesian diagnostics."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from sopgen.source.diagnostics import Diagnostic, diag, did_you_mean
from sopgen.resources import asset_path
from sopgen.source.yamlload import SourceMap
from sopgen.textsafe import clip

if TYPE_CHECKING:  # imported when a document fails `quick_check`: 0.08 s that valid files never need
    import jsonschema

_TYPE_ID = {
    "string": "teks",
    "integer": "bilangan bulat",
    "number": "angka",
    "array": "daftar",
    "object": "peta (kunci: nilai)",
    "boolean": "true/false",
    "null": "kosong (null)",
}


@lru_cache(maxsize=None)
def schema_of(name: str) -> dict:
    return json.loads(asset_path("schemas", name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def validator(name: str) -> jsonschema.protocols.Validator:
    import jsonschema

    schema = schema_of(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


# --- a compiled yes/no check for the keywords our schemas use ---------------------------------
#
# jsonschema walks the schema anew for every document; for the common case, a valid file, a
# tree of closures built once answers "valid?" far faster. Any error, and any keyword this
# compiler does not know, goes to jsonschema, which stays the reference (tests compare both).

_Check = Callable[[Any], bool]
_IGNORED = {"$schema", "$id", "$defs", "title", "description", "examples", "default", "$comment"}


def _is_type(x: Any, t: str) -> bool:
    if t == "string":
        return isinstance(x, str)
    if t == "object":
        return isinstance(x, dict)
    if t == "array":
        return isinstance(x, list)
    if t == "null":
        return x is None
    if t == "boolean":
        return isinstance(x, bool)
    if isinstance(x, bool):
        return False
    if t == "integer":
        return isinstance(x, int) or (isinstance(x, float) and x.is_integer())
    if t == "number":
        return isinstance(x, (int, float))
    raise _Unsupported(t)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return a == b


class _Unsupported(Exception):
    pass


def _compile(root: dict, node: Any) -> _Check:
    if node is True or node == {}:
        return lambda x: True
    if not isinstance(node, dict):
        raise _Unsupported(repr(node))
    checks: list[_Check] = []
    for kw, val in node.items():
        if kw in _IGNORED:
            continue
        if kw == "$ref":
            if not val.startswith("#/$defs/"):
                raise _Unsupported(val)
            checks.append(_compile(root, root["$defs"][val.rsplit("/", 1)[-1]]))
        elif kw == "type":
            types = _as_list(val)
            for t in types:
                _is_type(None, t)  # unknown type names are unsupported
            if types == ["string"]:
                checks.append(lambda x: isinstance(x, str))
            elif types == ["object"]:
                checks.append(lambda x: isinstance(x, dict))
            elif types == ["array"]:
                checks.append(lambda x: isinstance(x, list))
            else:
                checks.append(lambda x, types=types: any(_is_type(x, t) for t in types))
        elif kw == "properties":
            closed = node.get("additionalProperties") is False and "patternProperties" not in node
            checks.append(_properties({k: _compile(root, v) for k, v in val.items()}, closed))
        elif kw == "additionalProperties":
            if val is not False or "patternProperties" in node:
                raise _Unsupported(kw)
            if "properties" not in node:
                checks.append(lambda x: not isinstance(x, dict) or not x)
        elif kw == "required":
            checks.append(lambda x, req=tuple(val): not isinstance(x, dict) or all(k in x for k in req))
        elif kw == "items":
            checks.append(_items(_compile(root, val)))
        elif kw == "anyOf":
            alts = [_compile(root, a) for a in val]
            checks.append(lambda x, alts=alts: any(f(x) for f in alts))
        elif kw == "const":
            checks.append(lambda x, val=val: _equal(x, val))
        elif kw == "enum":
            checks.append(lambda x, val=tuple(val): any(_equal(x, v) for v in val))
        elif kw == "pattern":
            rx = re.compile(val)
            checks.append(lambda x, rx=rx: not isinstance(x, str) or rx.search(x) is not None)
        elif kw == "minLength":
            checks.append(lambda x, n=val: not isinstance(x, str) or len(x) >= n)
        elif kw == "maxLength":
            checks.append(lambda x, n=val: not isinstance(x, str) or len(x) <= n)
        elif kw == "minItems":
            checks.append(lambda x, n=val: not isinstance(x, list) or len(x) >= n)
        elif kw == "minimum":
            checks.append(lambda x, n=val: not _is_type(x, "number") or x >= n)
        elif kw == "maximum":
            checks.append(lambda x, n=val: not _is_type(x, "number") or x <= n)
        elif kw == "uniqueItems":
            if val:
                checks.append(lambda x: not isinstance(x, list) or all(not _equal(a, b) for i, a in enumerate(x) for b in x[i + 1 :]))
        else:
            raise _Unsupported(kw)
    if len(checks) == 1:
        return checks[0]
    return _all(tuple(checks))


def _all(checks: tuple[_Check, ...]) -> _Check:
    # A loop, not all(<generator>): this runs for every node of every file.
    def check(x: Any) -> bool:
        for c in checks:
            if not c(x):
                return False
        return True

    return check


def _properties(props: dict[str, _Check], closed: bool) -> _Check:
    def check(x: Any) -> bool:
        if not isinstance(x, dict):
            return True
        for k, v in x.items():
            f = props.get(k)
            if f is None:
                if closed:
                    return False
            elif not f(v):
                return False
        return True

    return check


def _items(item: _Check) -> _Check:
    def check(x: Any) -> bool:
        if not isinstance(x, list):
            return True
        for i in x:
            if not item(i):
                return False
        return True

    return check


@lru_cache(maxsize=None)
def quick_check(name: str) -> _Check | None:
    """A compiled validity check for a schema, or None if it uses keywords we do not compile."""
    schema = schema_of(name)
    try:
        return _compile(schema, schema)
    except _Unsupported:
        return None


def where(path: Iterable[Any]) -> str:
    """A path as a person reads it: 'langkah 4 › mutu_baku › waktu'."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            label = "langkah" if out and out[-1] == "langkah" else (out.pop() + " butir" if out else "butir")
            if out and out[-1] == "langkah":
                out.pop()
            out.append(f"{label} {part + 1}")
        else:
            out.append(str(part))
    return " › ".join(out) or "berkas"


def _type_name(instance: Any) -> str:
    if instance is None:
        return "kosong"
    if isinstance(instance, bool):
        return "true/false"
    if isinstance(instance, (int, float)):
        return "angka"
    if isinstance(instance, str):
        return "teks"
    if isinstance(instance, list):
        return "daftar"
    return "peta"


def _walk(errors: Iterable[jsonschema.ValidationError]) -> Iterator[jsonschema.ValidationError]:
    for err in errors:
        yield err
        yield from _walk(err.context)


def _coerce(data: Any, errors: list, source: SourceMap) -> bool:
    """Plain scalars written where text is wanted (an unquoted NIP or phone) become their source text.

    That is what the author meant; the YAML core types would otherwise change `0317` into 317.
    Errors inside `anyOf` alternatives count too (`pelaksana: [staf, 5]`, `revisi: 5`).
    """
    changed = False
    for err in _walk(errors):
        if err.validator != "type" or "string" not in _as_list(err.validator_value):
            continue
        path = tuple(err.absolute_path)
        if path and path in source.raw and not isinstance(err.instance, (dict, list, str)):
            parent = data
            for p in path[:-1]:
                parent = parent[p]
            parent[path[-1]] = source.raw[path]
            changed = True
    return changed


def _as_list(v: Any) -> list:
    return v if isinstance(v, list) else [v]


def check(data: Any, source: SourceMap, file: str, schema: str = "sop.schema.json") -> list[Diagnostic]:
    """Validate in place (coercing plain scalars to text where text is wanted)."""
    fast = quick_check(schema)
    if fast is not None and fast(data):
        return []  # the usual case, ~20x faster than collecting jsonschema's (empty) error list
    v = validator(schema)
    errors = list(v.iter_errors(data))
    if errors and _coerce(data, errors, source):
        errors = list(v.iter_errors(data))
    out: list[Diagnostic] = []
    for err in errors:
        out.extend(_translate(err, source, file, v.schema))
    return sorted(set(out))


def _resolve(root: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/$defs/"):
        node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _child(root: dict, node: dict, part: Any) -> dict:
    """The subschema for one step of an instance path (following $ref and anyOf)."""
    node = _resolve(root, node)
    keyword = "items" if isinstance(part, int) else "properties"
    for alt in [node, *node.get("anyOf", [])]:
        alt = _resolve(root, alt)
        if keyword == "items" and isinstance(alt.get("items"), dict):
            return alt["items"]
        if keyword == "properties" and part in alt.get("properties", {}):
            return alt["properties"][part]
    return {}


def _schema_at(root: dict, path: tuple) -> dict:
    node = root
    for part in path:
        node = _child(root, node, part)
    return _resolve(root, node)


def _label(root: dict, schema: dict) -> str:
    """The Indonesian half of a property's description ('Tgl Efektif (YYYY-MM-DD)')."""
    desc = schema.get("description") or _resolve(root, schema).get("description") or ""
    return desc.split(" / ")[0].strip()


def _empty(root: dict, path: tuple, here: str) -> str:
    if path and isinstance(path[-1], int):
        return f"{here} kosong; isi atau hapus butir itu"
    if path and path[-1] in _schema_at(root, path[:-1]).get("required", []):
        return f"{here} kosong; kunci ini wajib, isi nilainya"
    return f"{here} kosong; isi atau hapus kuncinya"


def _translate(err: jsonschema.ValidationError, source: SourceMap, file: str, root: dict) -> list[Diagnostic]:
    path = tuple(err.absolute_path)
    line, col = source.value_pos(path)
    here = where(path)
    kind = err.validator
    if kind == "additionalProperties":
        known = list((err.schema.get("properties") or {}).keys())
        out = []
        for key in sorted(set(err.instance) - set(known)):
            kl, kc = source.key_pos(path + (key,))
            hint = did_you_mean(key, known) or f"; kunci yang dikenal: {', '.join(known)}"
            out.append(diag(file, kl, kc, "SOP101", f"kunci '{key}' tidak dikenal di {here}{hint}"))
        return out
    if kind == "required":
        out = []
        for k in (k for k in err.validator_value if k not in err.instance):
            label = _label(root, (err.schema.get("properties") or {}).get(k, {}))
            what = f" ({label})" if label and label.lower() != k.replace("_", " ") else ""
            out.append(diag(file, line, col, "SOP102", f"kunci wajib '{k}'{what} tidak ada di {here}; tambahkan '{k}: ...'"))
        return out
    if kind == "const" and path == ("versi_format",):
        return [diag(file, line, col, "SOP105", f"versi_format {_shown(err.instance)} tidak didukung; sopgen ini membaca versi_format: 1")]
    if kind == "type":
        wanted = " atau ".join(_TYPE_ID.get(t, t) for t in _as_list(err.validator_value))
        msg = f"{here} harus {wanted}, bukan {_type_name(err.instance)}"
        keys = list((err.schema.get("properties") or {}).keys())
        if "object" in _as_list(err.validator_value) and keys:
            msg += f"; tulis sebagai peta dengan kunci {', '.join(keys)}"
        return [diag(file, line, col, "SOP103", msg)]
    if kind in ("anyOf", "oneOf"):
        return _any_of(err, source, file, root)
    if kind == "enum":
        choices = ", ".join(map(str, err.validator_value))
        hint = did_you_mean(str(err.instance), map(str, err.validator_value))
        return [diag(file, line, col, "SOP104", f"{here} bernilai {_shown(err.instance)}; pilih salah satu: {choices}{hint}")]
    if kind == "pattern":
        if path and path[-1] == "id":
            better = re.sub(r"[^a-z0-9_-]+", "-", str(err.instance).lower()).strip("-_") or "kasubag-pk"
            return [diag(file, line, col, "SOP104", f"{here} {_shown(err.instance)} harus huruf kecil, angka, '-' atau '_'; tulis mis. '{better}' (dan ganti juga di langkah-langkahnya)")]
        if err.validator_value in (_DATE_PATTERN, _PARTIAL_DATE_PATTERN):
            return [diag(file, line, col, "SOP301", f"{here} {_shown(err.instance)} bukan tanggal YYYY-MM-DD; {_date_hint(err.instance)}")]
        return [diag(file, line, col, "SOP104", f"{here} {_shown(err.instance)} tidak sesuai bentuk {err.validator_value}")]
    if kind in ("minLength", "minItems"):
        return [diag(file, line, col, "SOP104", _empty(root, path, here))]
    if kind == "minimum":
        return [diag(file, line, col, "SOP104", f"{here} bernilai {_shown(err.instance)}; harus paling kecil {err.validator_value}")]
    if kind == "maximum":
        return [diag(file, line, col, "SOP104", f"{here} bernilai {_shown(err.instance)}; paling besar {err.validator_value}")]
    if kind == "uniqueItems":
        return [diag(file, line, col, "SOP104", f"{here} berisi nilai ganda; tulis setiap nilai sekali")]
    return [diag(file, line, col, "SOP104", f"{here}: {err.message}")]


_DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}$"
_PARTIAL_DATE_PATTERN = "^\\d{4}(-\\d{2}(-\\d{2})?)?$"  # format 1.1: a month or a year is a date too


def _shown(value: Any) -> str:
    """A value as a message quotes it: repr, clipped (a value may be 100,000 characters)."""
    return clip(repr(value), 60)


def _date_hint(value: Any) -> str:
    """'05-10-2023' → 'tulis 2023-10-05'; the form's dates are day first."""
    m = re.fullmatch(r"\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*", str(value))
    if m:
        d, mo, y = m.groups()
        return f"tulis '{y}-{int(mo):02d}-{int(d):02d}' (tahun-bulan-tanggal)"
    m = re.fullmatch(r"\s*(\d{4})[/.](\d{1,2})[/.](\d{1,2})\s*", str(value))
    if m:
        y, mo, d = m.groups()
        return f"tulis '{y}-{int(mo):02d}-{int(d):02d}' (tahun-bulan-tanggal)"
    return "tulis tahun-bulan-tanggal, mis. 2023-10-05"


def _any_of(err: jsonschema.ValidationError, source: SourceMap, file: str, root: dict) -> list[Diagnostic]:
    path = tuple(err.absolute_path)
    line, col = source.value_pos(path)
    here = where(path)
    inst = err.instance
    alts = [_resolve(root, alt) for alt in err.validator_value]
    consts = [alt["const"] for alt in alts if "const" in alt]
    if consts:  # a branch target: a step number or 'selesai'
        hint = did_you_mean(inst, consts) if isinstance(inst, str) else ""
        return [diag(file, line, col, "SOP104", f"{here} bernilai {inst!r}; harus nomor langkah (1, 2, ...) atau '{consts[0]}'{hint}")]
    # The alternative whose type fits the value explains the problem best: report its errors.
    by_alt: dict[int, list[jsonschema.ValidationError]] = {}
    for sub in err.context:
        by_alt.setdefault(sub.relative_schema_path[0], []).append(sub)
    for idx in sorted(by_alt):
        subs = by_alt[idx]
        if any(s.validator == "type" and not s.relative_path for s in subs):
            continue
        out: list[Diagnostic] = []
        for sub in subs:
            out.extend(_translate(sub, source, file, root))
        return out
    types = [t for alt in alts for t in _as_list(alt.get("type", []))]
    wanted = " atau ".join(dict.fromkeys(_TYPE_ID.get(t, t) for t in types)) or "nilai lain"
    return [diag(file, line, col, "SOP103", f"{here} harus {wanted}, bukan {_type_name(inst)}")]
