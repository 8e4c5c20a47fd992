"""Reporters for validation results: a registry so `--format` stays open to new formats."""

from __future__ import annotations

import json
from typing import Callable

from sopgen.source.validate import ValidationResult

Reporter = Callable[[ValidationResult], str]
REPORTERS: dict[str, Reporter] = {}


def reporter(name: str) -> Callable[[Reporter], Reporter]:
    def register(fn: Reporter) -> Reporter:
        REPORTERS[name] = fn
        return fn

    return register


@reporter("text")
def text(result: ValidationResult) -> str:
    lines = [d.format() for d in result.diagnostics]
    errors, warnings = len(result.errors), len(result.warnings)
    files = len(result.files)
    if errors or warnings:
        lines.append(f"{files} berkas diperiksa: {errors} galat, {warnings} peringatan")
    else:
        lines.append(f"{files} berkas diperiksa: semua sah")
    return "\n".join(lines)


@reporter("json")
def json_(result: ValidationResult) -> str:
    return json.dumps([d.as_dict() for d in result.diagnostics], ensure_ascii=False, indent=2)
