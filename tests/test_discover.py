"""`discover`: the SOP files a folder holds, whatever shape a (possibly hostile) folder has."""

from __future__ import annotations

import os
from pathlib import Path

from sopgen.source.project import discover


def test_a_nest_deeper_than_pythons_stack_and_a_looping_link(tmp_path: Path) -> None:
    """1,100 folders deep (a RecursionError traceback before), a link to itself, a link to a
    folder (not entered), hidden entries: the files are found, nothing else, no traceback."""
    top = tmp_path / "sops"
    top.mkdir()
    here = os.getcwd()
    try:
        os.chdir(top)
        for _ in range(1100):
            os.mkdir("a")
            os.chdir("a")
        Path("dalam.yaml").write_text("a: 1\n", encoding="utf-8")
    finally:
        os.chdir(here)
    (top / "atas.yml").write_text("a: 1\n", encoding="utf-8")
    (top / ".tersembunyi.yaml").write_text("a: 1\n", encoding="utf-8")
    (top / "putar").symlink_to("putar")
    (top / "ke-a").symlink_to("a", target_is_directory=True)
    try:
        found = discover([top])
        assert [p.name for p in found] == ["dalam.yaml", "atas.yml"] and len(found[0].relative_to(top).parts) == 1101
    finally:
        _unnest(top)


def _unnest(top: Path) -> None:
    """Remove the nest from the bottom: shutil.rmtree (and so pytest's cleanup of its temporary
    folders in a later run) recurses too, and would fail on it."""
    here = os.getcwd()
    try:
        os.chdir(top)
        depth = 0
        while os.path.isdir("a") and not os.path.islink("a"):
            os.chdir("a")
            depth += 1
        if os.path.exists("dalam.yaml"):
            os.remove("dalam.yaml")
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("a")
    finally:
        os.chdir(here)


def test_unordered_finds_the_same_files_and_real_paths(tmp_path: Path) -> None:
    """`ordered=False` (the rest of a project, when one file is validated) finds what the
    sorted walk finds; what it tells `real_path` is the real place, also behind a linked
    project folder and for a file that is a link."""
    from sopgen.source.project import forget_folders, real_path

    top = tmp_path / "p" / "sops"
    (top / "bab").mkdir(parents=True)
    for name in ("b.yaml", "a.yml", "bab/c.yaml"):
        (top / name).write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "luar.yaml").write_text("a: 1\n", encoding="utf-8")
    (top / "tautan.yaml").symlink_to(tmp_path / "luar.yaml")
    (tmp_path / "lewat").symlink_to(tmp_path / "p", target_is_directory=True)
    linked = tmp_path / "lewat" / "sops"
    forget_folders()
    unordered = discover([linked], ordered=False)
    assert sorted(unordered) == discover([linked]) and len(unordered) == 4
    found = {p.name: real_path(p) for p in unordered}
    forget_folders()
    assert found == {p.name: str(p.resolve()) for p in discover([linked])}
    assert found["tautan.yaml"] == str((tmp_path / "luar.yaml").resolve()) and found["c.yaml"] == str((top / "bab" / "c.yaml").resolve())
