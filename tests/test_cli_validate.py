"""`sopgen validate` without click (`sopgen.validatecmd.run_plain`) answers exactly as the click
command does, and leaves every argument list it cannot be sure of to click."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopfactory import make_project, sop_yaml

from sopgen.cli import main
from sopgen.validatecmd import plain_arguments, run_plain

PLAIN = [
    ["validate"],
    ["validate", "--strict"],
    ["validate", "sops/a.yaml"],
    ["validate", "sops/a.yaml", "--strict"],
    ["validate", "sops/rusak.yaml"],
    ["validate", "sops/rusak.yaml", "sops/a.yaml", "--format", "json"],
    ["validate", "--format=github", "sops"],
    ["validate", "--format", "sarif", "--format", "junit", "sops/a.yaml"],
    ["validate", "--format", "text", "sopgen.toml"],
]

FOR_CLICK = [
    ["validate", "tidak-ada.yaml"],
    ["validate", "--format", "xml", "sops/a.yaml"],
    ["validate", "--format"],
    ["validate", "--format="],
    ["validate", "-h"],
    ["validate", "--help"],
    ["validate", "--strict=1"],
    ["validate", "--", "sops/a.yaml"],
    ["validate", "-"],
    ["validate", ""],
    ["validate", "--stric"],
    ["--version"],
    ["rules"],
    [],
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    sops = {"a.yaml": sop_yaml("800/001/416-317/2023", "Pelayanan A", 4)}
    sops["b.yaml"] = sop_yaml("800/001/416-317/2023", "Pelayanan B", 3)  # the same nomor: SOP501
    root = make_project(tmp_path / "p", sops)
    (root / "sops" / "rusak.yaml").write_text("nomor: [rusak\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("args", PLAIN, ids=" ".join)
def test_plain_forms_answer_as_the_click_command(args: list[str], project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = CliRunner().invoke(main, args)
    code = run_plain(args)
    assert (code, capsys.readouterr().out) == (expected.exit_code, expected.stdout)
    assert expected.exit_code in (0, 1)


@pytest.mark.parametrize("args", FOR_CLICK, ids=lambda a: " ".join(a) or "-")
def test_everything_else_is_left_to_click(args: list[str], project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert plain_arguments(args) is None
    assert run_plain(args) is None and capsys.readouterr() == ("", "")


def test_what_click_would_refuse_is_left_to_it(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that cannot be read, a project without sops/, shell completion: click's words."""
    unreadable = project / "sops" / "a.yaml"
    unreadable.chmod(0)
    try:
        if not os.access(unreadable, os.R_OK):  # root reads anything
            assert plain_arguments(["validate", "sops/a.yaml"]) is None
    finally:
        unreadable.chmod(0o644)
    monkeypatch.setenv("_SOPGEN_COMPLETE", "bash_complete")
    assert plain_arguments(["validate", "sops/a.yaml"]) is None
    monkeypatch.delenv("_SOPGEN_COMPLETE")
    empty = project.parent / "kosong"
    empty.mkdir()
    monkeypatch.chdir(empty)
    assert plain_arguments(["validate"]) is None
    assert CliRunner().invoke(main, ["validate"]).exit_code == 2
