"""The CI report formats keep their syntax whatever a file name or message carries."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from sopgen.source.diagnostics import diag
from sopgen.source.project import Config, Project
from sopgen.source.reporters import REPORTERS
from sopgen.source.validate import FileResult, ValidationResult


def _result() -> ValidationResult:
    odd = "sops/a,b:c 100%.yaml"
    files = [FileResult(Path(odd), odd), FileResult(Path("sops/ok.yaml"), "sops/ok.yaml")]
    files[0].diagnostics = [
        diag(odd, 3, 5, "SOP402", "tanda baca ganda '..' pada 100%\nbaris\x1b]0;x\x07"),
        diag(odd, 7, 1, "SOP203", "pelaksana <kasie> & 'x' tidak dideklarasikan"),
    ]
    return ValidationResult(Project(Path("."), Config()), files)


def test_github_escapes_properties_and_data() -> None:
    lines = REPORTERS["github"](_result()).splitlines()
    assert lines[0].startswith("::warning file=sops/a%2Cb%3Ac 100%25.yaml,line=3,col=5,title=SOP402::")
    assert "100%25\\nbaris\\x1b]0;x\\x07" in lines[0]
    assert lines[1].startswith("::error file=") and len(lines) == 3


def test_sarif_results_point_at_rules_of_the_catalogue() -> None:
    log = json.loads(REPORTERS["sarif"](_result()))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert log["version"] == "2.1.0"
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "sops/a%2Cb%3Ac%20100%25.yaml"
    assert [r["level"] for r in run["results"]] == ["warning", "error"]


def test_junit_is_well_formed_xml_with_one_case_per_file() -> None:
    for strict in (False, True):
        suite = ET.fromstring(REPORTERS["junit"](_result(), strict=strict)).find("testsuite")
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == ["sops/a,b:c 100%.yaml", "sops/ok.yaml"]
        failure = cases[0].find("failure")
        assert failure.get("type") == "SOP203" and "<kasie> & 'x'" in failure.text
        assert "\x1b" not in failure.text and cases[1].find("failure") is None
        assert suite.get("failures") == "1"


def test_pre_commit_hook_runs_sopgen_on_sop_files_only() -> None:
    import re

    import yaml

    root = Path(__file__).resolve().parent.parent
    hooks = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "sopgen-validate")
    assert (hook["entry"], hook["language"]) == ("sopgen validate", "python")
    files = re.compile(hook["files"])
    assert all(files.search(p) for p in ["sops/a.yaml", "kantor/sops/sub/b.yml", "sopgen.toml"])
    assert not any(files.search(p) for p in ["docs/a.yaml", ".gitlab-ci.yml", "sops/a.yaml.bak", "pyproject.toml"])
