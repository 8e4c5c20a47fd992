"""The build record `output/.sopgen-build.json` is untrusted input (issue 13): whatever it
says, a build removes only outputs sopgen provably wrote, inside the output folder, and a
broken or hostile record means a full rebuild, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from sopfactory import make_project, sop_yaml
from sopgen.files import OutputRefused
from sopgen.render.build import DIBUAT, STATE_NAME, build
from sopgen.render.buildstate import MAX_STATE_BYTES, load_state
from sopgen.source.project import load_project

SOPS = {
    "800-001-surat-domisili.yaml": sop_yaml("800/001/416-317/2023", "Surat Keterangan Domisili", 3),
    "800-002-surat-pindah.yaml": sop_yaml("800/002/416-317/2023", "Pelayanan Surat Pindah", 3, actors=2),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("state") / "proyek"
    make_project(root, SOPS)
    project, _ = load_project(root)
    assert build(project).ok
    return root


def copy_of(built: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "proyek"
    shutil.copytree(built, dest, symlinks=True)
    return dest


def state_of(root: Path) -> dict:
    return json.loads((root / "output" / STATE_NAME).read_text(encoding="utf-8"))


def write_state(root: Path, state: object) -> None:
    (root / "output" / STATE_NAME).write_text(json.dumps(state), encoding="utf-8")


def rebuild(root: Path):
    project, _ = load_project(root)
    return build(project)


def outside_files(tmp_path: Path) -> dict[str, Path]:
    """Precious files outside the project, named like outputs."""
    (tmp_path / "lain").mkdir()
    files = {}
    for name in ("x.pdf", "x.html", "lain/y.pdf", "lain/y.html"):
        p = tmp_path / name
        p.write_bytes(b"milik orang lain " + name.encode())
        files[name] = p
    return files


def gone_entry(root: Path, slug: str = "800-002-surat-pindah") -> dict:
    return dict(state_of(root)["keluaran"][slug])


@pytest.mark.parametrize("name", ["../../x", "../../lain/y", "ABSOLUTE", "a/../../../x", "..", ".", "x.pdf/..", ""])
def test_hostile_names_in_the_record_never_remove_anything_outside(built: Path, tmp_path: Path, name: str) -> None:
    root = copy_of(built, tmp_path)
    precious = outside_files(tmp_path)
    if name == "ABSOLUTE":
        name = str(tmp_path / "x")
    state = state_of(root)
    entry = gone_entry(root)
    for p in precious.values():  # even with the sizes and hashes of the precious files
        entry = {**entry, "pdf": p.stat().st_size, "html": p.stat().st_size}
    state["keluaran"][name] = entry
    write_state(root, state)
    result = rebuild(root)
    assert result.ok and result.removed == []
    assert all(p.read_bytes().startswith(b"milik orang lain") for p in precious.values())
    # the record was not trusted: everything was rendered again
    assert [o.status for o in result.outcomes] == [DIBUAT, DIBUAT]


def test_outputs_of_a_gone_sop_are_removed_only_when_sopgen_wrote_them(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    out = root / "output"
    (root / "sops" / "800-002-surat-pindah.yaml").unlink()
    # the user replaced the HTML view with their own edited copy: it is theirs now
    (out / "800-002-surat-pindah.html").write_text("catatan saya", encoding="utf-8")
    result = rebuild(root)
    assert result.ok
    assert result.removed == ["800-002-surat-pindah.pdf"]
    assert (out / "800-002-surat-pindah.html").read_text(encoding="utf-8") == "catatan saya"


def test_a_record_naming_a_users_file_does_not_remove_it(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    out = root / "output"
    mine = out / "laporan-saya.pdf"
    mine.write_bytes(b"laporan yang ditulis tangan")
    state = state_of(root)
    state["keluaran"]["laporan-saya"] = {**gone_entry(root), "pdf": mine.stat().st_size}
    write_state(root, state)
    result = rebuild(root)
    assert result.ok and result.removed == []
    assert mine.read_bytes() == b"laporan yang ditulis tangan"


def test_a_link_in_the_output_folder_is_never_followed_or_removed(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    out = root / "output"
    entry = gone_entry(root)
    (root / "sops" / "800-002-surat-pindah.yaml").unlink()
    # the old outputs are replaced by links to files with exactly the recorded bytes
    for ext in ("pdf", "html"):
        target = tmp_path / f"salinan.{ext}"
        shutil.move(out / f"800-002-surat-pindah.{ext}", target)
        (out / f"800-002-surat-pindah.{ext}").symlink_to(target)
    result = rebuild(root)
    assert result.ok and result.removed == []
    assert all((tmp_path / f"salinan.{ext}").stat().st_size == entry[ext] for ext in ("pdf", "html"))
    assert (out / "800-002-surat-pindah.pdf").is_symlink()


def test_the_record_is_not_read_through_a_link(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    out = root / "output"
    elsewhere = tmp_path / "catatan.json"
    shutil.move(out / STATE_NAME, elsewhere)
    (out / STATE_NAME).symlink_to(elsewhere)
    assert load_state(out) == {}
    assert load_state(elsewhere.parent) == {}  # named differently there: nothing found
    # nor written through it: the build refuses, the link and what it points to stay as they are
    with pytest.raises(OutputRefused, match="tautan"):
        rebuild(root)
    assert (out / STATE_NAME).is_symlink() and json.loads(elsewhere.read_text(encoding="utf-8"))["versi"] == 2
    (out / STATE_NAME).unlink()  # what the message says to do
    result = rebuild(root)
    assert result.ok and result.validated
    assert [o.status for o in result.outcomes] == [DIBUAT, DIBUAT]
    assert not (out / STATE_NAME).is_symlink() and load_state(out)["keluaran"]


def _broken_states(good: dict) -> list[object]:
    summaries = good["validasi"]["ringkasan"]
    first = sorted(summaries)[0]

    def with_summary(**change) -> dict:
        state = json.loads(json.dumps(good))
        state["validasi"]["ringkasan"][first].update(change)
        return state

    def changed(**change) -> dict:
        return {**json.loads(json.dumps(good)), **change}

    return [
        [],
        "teks",
        {"versi": 2},
        changed(keluaran=[]),
        changed(keluaran={"800-001-surat-domisili": {"pdf": "besar"}}),
        changed(keluaran={"800-001-surat-domisili": {**good["keluaran"]["800-001-surat-domisili"], "sha256": "x"}}),
        changed(validasi={"kunci": 1}),
        changed(validasi={**good["validasi"], "diagnostik": [{"berkas": "a"}]}),
        changed(validasi={**good["validasi"], "logo": [None]}),
        with_summary(pembuatan="bukan tanggal"),
        with_summary(slug="../../x"),
        with_summary(keterkaitan=[1, 2]),
        with_summary(revisi={"a": 1}),
        with_summary(nama=None),
    ]


def test_a_broken_or_hostile_record_means_a_full_rebuild(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    good = state_of(root)
    raw = [b"\xff\xfe bukan json", b"[" * 200_000 + b"]" * 200_000, b'{"versi": ' + b"9" * 10_000 + b"}"]
    for i, state in enumerate([*raw, *_broken_states(good)]):
        path = root / "output" / STATE_NAME
        path.write_bytes(state if isinstance(state, bytes) else json.dumps(state).encode())
        result = rebuild(root)
        assert result.ok, (i, result.summary())
        assert result.validated and [o.status for o in result.outcomes] == [DIBUAT, DIBUAT], i
        assert state_of(root)["versi"] == good["versi"]  # a good record again


def test_a_huge_record_is_not_read(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    path = root / "output" / STATE_NAME
    with open(path, "r+b") as fh:
        fh.truncate(MAX_STATE_BYTES + 1)  # sparse: costs no disk
    assert load_state(root / "output") == {}
    result = rebuild(root)
    assert result.ok and result.validated


def test_a_good_record_still_skips_the_unchanged(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    assert load_state(root / "output")["keluaran"]
    result = rebuild(root)
    assert result.ok and not result.validated and result.count(DIBUAT) == 0
    assert os.path.getsize(root / "output" / STATE_NAME) < 100_000



def test_a_record_not_sealed_here_never_stands_in_for_validation(built: Path, tmp_path: Path) -> None:
    """The no-change shortcut reuses the record's diagnostics only under this machine's seal:
    a record written by someone else (the right key, its diagnostics changed) makes the build
    validate again, and what it reports is what validation finds."""
    root = copy_of(built, tmp_path)
    good = state_of(root)
    assert isinstance(good["validasi"].get("segel"), str)
    planted = {"file": "sops/x.yaml", "line": 1, "column": 1, "code": "SOP999", "severity": "warning", "message": "palsu"}
    unsealed = {k: v for k, v in good["validasi"].items() if k != "segel"}
    for forged in (
        {**good["validasi"], "diagnostik": [planted]},  # changed under the old seal
        unsealed,  # no seal
        {**unsealed, "segel": "0" * 64},  # a seal made with another key
    ):
        write_state(root, {**good, "validasi": forged})
        result = rebuild(root)
        assert result.ok and result.validated, forged.get("segel")
        assert "SOP999" not in [d.code for d in result.diagnostics]
        assert result.count(DIBUAT) == 0  # the outputs themselves were still current
    result = rebuild(root)  # the record the last build sealed is used again
    assert result.ok and not result.validated
