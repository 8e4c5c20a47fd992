"""The JSON Schema stage: turns jsonschema errors into positioned, Indonesian diagnostics."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Iterable

import jsonschema

from sopgen.diagnostics import Diagnostic, diag, did_you_mean
from sopgen.resources import asset_path
from sopgen.yamlload import SourceMap

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
def validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads(asset_path("schemas", name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


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


def _coerce(data: Any, errors: list, source: SourceMap) -> bool:
    """Plain scalars written where text is wanted (an unquoted NIP or phone) become their source text.

    That is what the author meant; the YAML core types would otherwise change `0317` into 317.
    """
    changed = False
    for err in errors:
        path = tuple(err.absolute_path)
        wants_text = (err.validator == "type" and "string" in _as_list(err.validator_value)) or (
            err.validator == "anyOf" and any(_as_list(alt.get("type")) == ["string"] for alt in err.validator_value)
        )
        if wants_text and path in source.raw and not isinstance(err.instance, (dict, list)):
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
    v = validator(schema)
    errors = list(v.iter_errors(data))
    if errors and _coerce(data, errors, source):
        errors = list(v.iter_errors(data))
    out: list[Diagnostic] = []
    for err in errors:
        out.extend(_translate(err, source, file))
    return sorted(set(out))


def _translate(err: jsonschema.ValidationError, source: SourceMap, file: str) -> list[Diagnostic]:
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
        missing = [k for k in err.validator_value if k not in err.instance]
        return [diag(file, line, col, "SOP102", f"kunci wajib '{k}' tidak ada di {here}") for k in missing]
    if kind == "const" and path == ("versi_format",):
        return [diag(file, line, col, "SOP105", f"versi_format {err.instance!r} tidak didukung; sopgen ini membaca versi_format: 1")]
    if kind == "type":
        wanted = " atau ".join(_TYPE_ID.get(t, t) for t in _as_list(err.validator_value))
        return [diag(file, line, col, "SOP103", f"{here} harus {wanted}, bukan {_type_name(err.instance)}")]
    if kind == "anyOf":
        return [diag(file, line, col, *_any_of(err, here))]
    if kind == "enum":
        choices = ", ".join(map(str, err.validator_value))
        hint = did_you_mean(str(err.instance), map(str, err.validator_value))
        return [diag(file, line, col, "SOP104", f"{here} bernilai {err.instance!r}; pilih salah satu: {choices}{hint}")]
    if kind == "pattern":
        if path and path[-1] == "id":
            msg = f"{here} {err.instance!r} harus huruf kecil, angka, '-' atau '_' (mis. 'kasubag-pk')"
        elif "\\d{4}-\\d{2}-\\d{2}" in err.validator_value and "\\d{2}:" not in err.validator_value:
            msg = f"{here} {err.instance!r} bukan tanggal YYYY-MM-DD; tulis mis. 2023-10-05"
        else:
            msg = f"{here} {err.instance!r} tidak sesuai bentuk {err.validator_value}"
        code = "SOP301" if "tanggal" in here or "pembuatan" in here or "efektif" in here or "revisi" in here else "SOP104"
        return [diag(file, line, col, code, msg)]
    if kind in ("minLength", "minItems"):
        return [diag(file, line, col, "SOP104", f"{here} kosong; isi atau hapus kuncinya")]
    if kind == "minimum":
        return [diag(file, line, col, "SOP104", f"{here} bernilai {err.instance!r}; harus paling kecil {err.validator_value}")]
    if kind == "uniqueItems":
        return [diag(file, line, col, "SOP104", f"{here} berisi nilai ganda")]
    return [diag(file, line, col, "SOP104", f"{here}: {err.message}")]


def _any_of(err: jsonschema.ValidationError, here: str) -> tuple[str, str]:
    inst = err.instance
    alts = err.validator_value
    types = [t for alt in alts for t in _as_list(alt.get("type", []))]
    consts = [alt["const"] for alt in alts if "const" in alt]
    if consts and isinstance(inst, str):
        return "SOP104", f"{here} bernilai {inst!r}; harus nomor langkah atau '{consts[0]}'{did_you_mean(inst, consts)}"
    if consts:
        return "SOP104", f"{here} bernilai {inst!r}; harus nomor langkah (1, 2, ...) atau '{consts[0]}'"
    # Same type as one alternative: report that alternative's own complaint.
    for sub in err.context:
        if sub.validator != "type" and len(sub.absolute_path) >= len(err.absolute_path):
            code, msg = _nested(sub, here)
            return code, msg
    wanted = " atau ".join(dict.fromkeys(_TYPE_ID.get(t, t) for t in types)) or "nilai lain"
    return "SOP103", f"{here} harus {wanted}, bukan {_type_name(inst)}"


def _nested(sub: jsonschema.ValidationError, here: str) -> tuple[str, str]:
    if sub.validator == "pattern":
        return "SOP301", f"{here} {sub.instance!r} bukan tanggal YYYY-MM-DD; tulis mis. 2023-10-05"
    if sub.validator in ("minLength", "minItems"):
        return "SOP104", f"{here} kosong; isi atau hapus kuncinya"
    if sub.validator == "required":
        missing = [k for k in sub.validator_value if k not in sub.instance]
        return "SOP102", f"kunci wajib '{missing[0]}' tidak ada di {where(tuple(sub.absolute_path))}"
    if sub.validator == "additionalProperties":
        extra = sorted(set(sub.instance) - set(sub.schema.get("properties", {})))
        return "SOP101", f"kunci '{extra[0]}' tidak dikenal di {where(tuple(sub.absolute_path))}{did_you_mean(extra[0], sub.schema.get('properties', {}))}"
    return "SOP104", f"{here}: {sub.message}"
