"""Reporters for validation results: a registry so `--format` stays open to new formats.

Besides text and JSON, three formats for CI systems: GitHub Actions workflow commands
(annotations on the pull request's lines), SARIF 2.1.0 (GitHub code scanning and most
static-analysis dashboards) and JUnit XML (GitLab, Jenkins and others show it as tests).
"""

from __future__ import annotations

import json
from typing import Callable
from urllib.parse import quote

from sopgen.source.diagnostics import ERROR, RULES, Diagnostic
from sopgen.source.validate import ValidationResult
from sopgen.textsafe import one_line

# A reporter gets the result and whether warnings fail the run (--strict): JUnit counts a
# file with only warnings as failed exactly when the exit code does.
Reporter = Callable[..., str]
REPORTERS: dict[str, Reporter] = {}


def reporter(name: str) -> Callable[[Reporter], Reporter]:
    def register(fn: Reporter) -> Reporter:
        REPORTERS[name] = fn
        return fn

    return register


@reporter("text")
def text(result: ValidationResult, strict: bool = False) -> str:
    lines = [d.format() for d in result.diagnostics]
    lines.append(summary(result))
    return "\n".join(lines)


def summary(result: ValidationResult) -> str:
    errors, warnings = len(result.errors), len(result.warnings)
    files = len(result.files) + result.configs_checked
    silenced = f" ({result.silenced} peringatan diabaikan dengan komentar 'sopgen: abaikan')" if result.silenced else ""
    if errors or warnings:
        return f"{files} berkas diperiksa: {errors} galat, {warnings} peringatan{silenced}"
    return f"{files} berkas diperiksa: semua sah{silenced}"


@reporter("json")
def json_(result: ValidationResult, strict: bool = False) -> str:
    return json.dumps([d.as_dict() for d in result.diagnostics], ensure_ascii=False, indent=2)


def _gh_data(text: str) -> str:
    return one_line(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


@reporter("github")
def github(result: ValidationResult, strict: bool = False) -> str:
    """One workflow command per diagnostic (`::error file=..,line=..,col=..,title=SOPxxx::..`),
    then the summary as a plain line for the job log."""
    lines = []
    for d in result.diagnostics:
        kind = "error" if d.severity == ERROR else "warning"
        place = f"file={_gh_property(d.file)},line={d.line},col={d.column},title={_gh_property(d.code)}"
        lines.append(f"::{kind} {place}::{_gh_data(d.message)}")
    lines.append(summary(result))
    return "\n".join(lines)


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _sarif_rule(code: str) -> dict:
    rule = RULES[code]
    return {
        "id": rule.code,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": f"{rule.title}. Contoh: {rule.example}"},
        "defaultConfiguration": {"level": "error" if rule.severity == ERROR else "warning"},
        "help": {"text": "Daftar aturan lengkap: docs/rules.md (sopgen rules)."},
    }


def _sarif_result(d: Diagnostic, index: dict[str, int]) -> dict:
    return {
        "ruleId": d.code,
        "ruleIndex": index[d.code],
        "level": "error" if d.severity == ERROR else "warning",
        "message": {"text": d.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(d.file.replace("\\", "/"))},
                    "region": {"startLine": max(d.line, 1), "startColumn": max(d.column, 1)},
                }
            }
        ],
    }


@reporter("sarif")
def sarif(result: ValidationResult, strict: bool = False) -> str:
    """SARIF 2.1.0: one result per diagnostic; the driver's rules are the catalogue entries
    of the codes found. No version or time in it, so the same inputs give the same bytes."""
    codes = sorted({d.code for d in result.diagnostics})
    index = {code: i for i, code in enumerate(codes)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sopgen",
                        "rules": [_sarif_rule(c) for c in codes],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_sarif_result(d, index) for d in result.diagnostics],
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)


@reporter("junit")
def junit(result: ValidationResult, strict: bool = False) -> str:
    """JUnit XML: one testcase per file (every file checked, and sopgen.toml when it has
    problems). A file fails on an error, or on a warning with --strict; the diagnostics are the
    failure's text, so CI shows them beside the test's name."""
    from xml.sax.saxutils import escape, quoteattr  # imports urllib and http: only when asked

    by_file: dict[str, list[Diagnostic]] = {f.file: [] for f in result.files}
    for d in result.diagnostics:
        by_file.setdefault(d.file, []).append(d)
    cases, failed = [], 0
    for file in sorted(by_file):
        diags = by_file[file]
        failing = [d for d in diags if d.severity == ERROR or strict]
        body = escape("\n".join(d.format() for d in diags))
        name = quoteattr(one_line(file))
        if failing:
            failed += 1
            first = next((d for d in failing if d.severity == ERROR), failing[0])
            message = quoteattr(f"{len(failing)} masalah, kode {', '.join(sorted({d.code for d in failing}))}")
            cases.append(f'    <testcase classname="sopgen.validate" name={name}>\n      <failure message={message} type="{first.code}">{body}</failure>\n    </testcase>')
        elif diags:
            cases.append(f'    <testcase classname="sopgen.validate" name={name}>\n      <system-out>{body}</system-out>\n    </testcase>')
        else:
            cases.append(f'    <testcase classname="sopgen.validate" name={name}/>')
    head = f'<testsuite name="sopgen validate" tests="{len(by_file)}" failures="{failed}" errors="0" skipped="0">'
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>", f"  {head}", *cases, "  </testsuite>", "</testsuites>"])
