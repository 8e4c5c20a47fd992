"""`sopgen init` and `sopgen new`: a project and SOPs that validate as written, numbered like
the office's own, and never a file replaced."""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopgen.authoring.newsop import file_name, next_nomor
from sopgen.authoring.scaffold import Office, init_project, office_from
from sopgen.cli import main
from sopgen.source.validate import validate

ROOT = Path(__file__).resolve().parent.parent
TODAY = date.today()


def run(args: list[str], cwd: Path, input: str | None = None):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args, input=input, catch_exceptions=False)
    finally:
        os.chdir(old)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_init_writes_a_project_that_validates_clean(tmp_path: Path) -> None:
    r = run(["init", "kantor", "--pemerintah", "Pemerintah Kabupaten Mojokerto", "--nama", "Kecamatan Sooko",
             "--alamat", "Jl. Raya Sooko No. 1", "--telepon", "(0321) 123456", "--kota", "Sooko", "--kertas", "A4"], tmp_path)
    assert r.exit_code == 0, r.output
    root = tmp_path / "kantor"
    assert sorted(snapshot(root)) == [
        ".github/workflows/sopgen.yml", ".gitignore", ".pre-commit-config.yaml", "README.md", "sopgen.toml",
        "sops/contoh-surat-keterangan-domisili.yaml",
    ]
    result = validate([root / "sops"])
    assert result.diagnostics == [], [d.format() for d in result.diagnostics]
    (sop,) = result.sops
    assert sop.instansi.nama == "Kecamatan Sooko" and sop.instansi.kota == "Sooko"
    assert result.project.config.paper.ukuran == "A4"
    assert sop.nomor == f"065/001/000/{TODAY.year}" and [s.jenis for s in sop.langkah][1] == "keputusan"
    text = (root / "sops/contoh-surat-keterangan-domisili.yaml").read_text()
    for key in ("versi_format", "nomor", "nama", "instansi", "tanggal", "disahkan_oleh", "dasar_hukum",
                "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan", "peringatan",
                "pencatatan_pendataan", "pelaksana", "langkah", "keterangan"):
        assert f"\n{key}:" in text, key
    assert "id: sopgen-validate" in (root / ".pre-commit-config.yaml").read_text()
    assert "sopgen validate" in (root / ".github/workflows/sopgen.yml").read_text()
    assert "output/" in (root / ".gitignore").read_text()
    assert "Kecamatan Sooko" in (root / "README.md").read_text()


def test_init_refuses_to_overwrite_anything(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("catatan kantor\n")
    before = snapshot(tmp_path)
    r = run(["init", "--nama", "Kecamatan Sooko"], tmp_path)
    assert r.exit_code == 2
    assert "README.md" in r.output and "tidak menimpa" in r.output
    assert snapshot(tmp_path) == before


def test_init_over_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sopgen.toml").symlink_to(tmp_path / "tidak-ada")
    r = run(["init", "--nama", "x"], tmp_path)
    assert r.exit_code == 2 and "sopgen.toml" in r.output
    assert not (tmp_path / "tidak-ada").exists()


def test_init_without_terminal_asks_nothing_and_leaves_placeholders(tmp_path: Path) -> None:
    r = run(["init", "baru"], tmp_path, input="")
    assert r.exit_code == 0, r.output
    config = (tmp_path / "baru/sopgen.toml").read_text()
    assert 'pemerintah = "Pemerintah Kabupaten (isi nama kabupaten/kota)"' in config
    assert not validate([tmp_path / "baru/sops"]).errors


def test_office_questions_fill_what_flags_left_out() -> None:
    asked = []

    def ask(question: str, default: str) -> str:
        asked.append(question)
        return {"Alamat kantor": "Jl. Veteran 5", "Orientasi (lanskap atau potret)": "POTRET"}.get(question, "")

    office = office_from({"nama": "Kecamatan Trowulan", "pemerintah": None}, ask)
    assert office.nama == "Kecamatan Trowulan" and office.alamat == "Jl. Veteran 5"
    assert office.orientasi == "potret" and office.ukuran == "F4"
    assert office.pemerintah == Office().pemerintah  # unanswered: the placeholder
    assert "Nama instansi (mis. Kecamatan Dawarblandong)" not in asked


@pytest.mark.parametrize(
    "existing, expected",
    [
        (["065/111/416-317/2023", "065/120/416-317/2023", "065/121/416-317/2023"], f"065/122/416-317/{TODAY.year}"),
        (["065/009/416-317/2023"], f"065/010/416-317/{TODAY.year}"),  # width kept
        (["800/002/416-317/2023", "065/111/416-317/2023", "800/010/416-317/2023"], f"800/011/416-317/{TODAY.year}"),
        (["045/7/KEC/2020", f"045/8/KEC/{TODAY.year}"], f"045/9/KEC/{TODAY.year}"),
        (["100/12/35.16.01"], "100/13/35.16.01"),  # no year: none added
        (["065/121/416-317/2023", f"065/122/416-317/{TODAY.year}"], f"065/123/416-317/{TODAY.year}"),
        (["SOP-01", "SOP-02"], None),  # no pattern: left to the person
        ([], None),
    ],
)
def test_next_nomor(existing: list[str], expected: str | None) -> None:
    assert next_nomor(existing, TODAY.year) == expected


def test_file_name_from_nomor_and_name() -> None:
    assert file_name("065/122/416-317/2026", "Pelayanan Surat Keterangan Pindah") == "065-122-pelayanan-surat-keterangan-pindah.yaml"
    assert file_name(None, "Izin Keramaian (Hajatan)") == "izin-keramaian-hajatan.yaml"


def test_new_in_the_reference_project(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "sops", tmp_path / "sops")
    shutil.copy(ROOT / "sopgen.toml", tmp_path)
    r = run(["new", "Pelayanan Surat Keterangan Usaha", "--pelaksana", "Kasi Ekbang", "--pelaksana", "Staf Ekbang",
             "--pelaksana", "Camat"], tmp_path)
    assert r.exit_code == 0, r.output
    made = tmp_path / "sops" / "065-122-pelayanan-surat-keterangan-usaha.yaml"
    assert made.is_file(), r.output
    result = validate([made])
    assert not result.errors, [d.format() for d in result.diagnostics]
    (sop,) = result.sops
    assert sop.nomor == f"065/122/416-317/{TODAY.year}"
    assert [a.nama for a in sop.pelaksana] == ["Kasi Ekbang", "Staf Ekbang", "Camat"]
    assert [s.pelaksana for s in sop.langkah] == [("kasi-ekbang",), ("staf-ekbang",), ("camat",)]
    assert sop.disahkan_oleh.nip == "19751104 200212 1 004"  # who signed the latest SOP (065/121), copied
    assert sop.tanggal.pembuatan.first_day == TODAY  # a Tgl since format 1.1 (a day, month or year)


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    init_project(tmp_path, Office(nama="Kecamatan Sooko"))
    target = tmp_path / "sops" / "065-002-pelayanan-ktp.yaml"
    target.write_text("isi lama\n")
    r = run(["new", "Pelayanan KTP"], tmp_path)
    assert r.exit_code == 2 and "sudah ada" in r.output
    assert target.read_text() == "isi lama\n"


def test_new_with_awkward_names_stays_valid(tmp_path: Path) -> None:
    init_project(tmp_path, Office(nama="Kecamatan Sooko"))
    nama = 'Izin "Keramaian": #hajatan\nmalam  hari'
    r = run(["new", nama, "--pelaksana", "Kasi Trantib: \"Ketentraman\"", "--pelaksana", "Kasi Trantib: \"Ketentraman\""], tmp_path)
    assert r.exit_code == 0, r.output
    result = validate([tmp_path / "sops"])
    assert not result.errors, [d.format() for d in result.diagnostics]
    made = next(s for s in result.sops if "Keramaian" in s.nama)
    assert made.nama == 'Izin "Keramaian": #hajatan malam hari'
    assert [a.nama for a in made.pelaksana] == ['Kasi Trantib: "Ketentraman"']


def test_new_without_a_pattern_leaves_the_nomor_blank(tmp_path: Path) -> None:
    # format 1.1: a blank prints an empty cell; a placeholder would print as if it were the number
    init_project(tmp_path, Office(nama="Kecamatan Sooko"))
    shutil.rmtree(tmp_path / "sops")
    r = run(["new", "Pelayanan KTP"], tmp_path)
    assert r.exit_code == 0, r.output
    assert "(tanpa nomor)" in r.output and "nomor SOP saat ditetapkan" in r.output
    result = validate([tmp_path / "sops"])
    assert not result.errors
    (sop,) = result.sops
    assert sop.nomor_sop == "" and sop.nomor == "pelayanan-ktp" and sop.path.name == "pelayanan-ktp.yaml"
    assert [d.code for d in result.warnings if d.code == "SOP320"] == ["SOP320"]
    # a second one in the same project, numbered like its neighbours: still blank
    assert run(["new", "Pelayanan KK"], tmp_path).exit_code == 0
    assert {s.nomor_sop for s in validate([tmp_path / "sops"]).sops} == {""}


def test_new_beside_numbers_without_a_series_is_blank(tmp_path: Path) -> None:
    init_project(tmp_path, Office(nama="Kecamatan Sooko"))
    example = next((tmp_path / "sops").glob("*.yaml"))
    text = example.read_text(encoding="utf-8")
    example.write_text(re.sub(r"(?m)^nomor: .*$", 'nomor: "SOP AP-SEKRE-01"', text, count=1), encoding="utf-8")
    r = run(["new", "Pelayanan KTP"], tmp_path)
    assert r.exit_code == 0 and "(tanpa nomor)" in r.output, r.output
    made = next(s for s in validate([tmp_path / "sops"]).sops if s.nama == "Pelayanan KTP")
    assert made.nomor_sop == ""


def test_new_outside_a_project_is_a_usage_error(tmp_path: Path) -> None:
    r = run(["new", "Pelayanan KTP"], tmp_path)
    assert r.exit_code == 2 and "sopgen init" in r.output
    assert list(tmp_path.iterdir()) == []
