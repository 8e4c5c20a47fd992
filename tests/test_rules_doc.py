"""The rule catalogue, its documentation and its cases stay in step with each other."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sopgen.source.diagnostics import RULES, rules_markdown

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"


def test_docs_rules_md_is_the_generated_catalogue() -> None:
    """docs/rules.md is `sopgen rules`; regenerate it with `sopgen rules > docs/rules.md`."""
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown()


def test_every_rule_code_is_exercised_by_a_case() -> None:
    """Each code appears in some case's expected output (SOP00x cases included)."""
    seen: set[str] = set()
    for expected in CASES.glob("*/*/expected.txt"):
        seen.update(re.findall(r"\bSOP\d{3}\b", expected.read_text(encoding="utf-8")))
    assert sorted(set(RULES) - seen) == []


def test_every_schema_property_is_described_in_both_languages() -> None:
    """Editors show these descriptions: Indonesian first, then ' / ' and English."""
    schema = json.loads((ROOT / "schemas" / "sop.schema.json").read_text(encoding="utf-8"))
    missing: list[str] = []

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                text = prop.get("description", "") if isinstance(prop, dict) else ""
                if " / " not in text:
                    missing.append(f"{path}.{name}")
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(schema, "$")
    assert missing == []
