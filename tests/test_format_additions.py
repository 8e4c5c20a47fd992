"""Format 1.1 on paper: what the PDF shows for each addition (the SOPs of tests/cases/valid).

Each test renders one case's SOP, as an office transcribed it, and reads the PDF's text back
with pypdfium2: blanks print empty cells (never an invented date or NIP), month-only dates
print as the month, the kop keeps its lines, and so on.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from test_render import load_sop, page_texts
from sopgen.render.pdf import render_sop

CASES = Path(__file__).resolve().parent / "cases" / "valid"


def rendered(case: str, tmp_path: Path, verify: bool = True):
    root = tmp_path / case
    shutil.copytree(CASES / case, root)
    name = next((root / "sops").glob("*.yaml")).name
    project, sop = load_sop(root, name)
    out = render_sop(sop, project, slug="x", verify=verify)
    return sop, out, page_texts(out.pdf)


def test_blank_fields_print_empty_cells_never_invented_values(tmp_path: Path) -> None:
    sop, _, pages = rendered("blangko", tmp_path)
    sheet = pages[0]
    assert sop.nomor == "pengantar-nikah" and sop.nomor_sop == ""  # known by its file name
    assert re.search(r"Nomor SOP Tgl Pembuatan Tgl Revisi - Tgl Efektif Disahkan oleh LURAH KETINTANG NIP\.", sheet), sheet
    assert "pengantar-nikah" not in " ".join(pages)
    assert not re.search(r"\b(19|20)\d\d\b", sheet.split("Nama SOP")[0]), "no year may be invented"
    assert "NIP. 1" not in sheet


def test_month_and_year_dates_print_as_written(tmp_path: Path) -> None:
    _, _, pages = rendered("partial-dates", tmp_path)
    assert "Tgl Pembuatan April 2015" in pages[0]
    assert "Tgl Revisi 2016" in pages[0]
    assert "Tgl Efektif 6 April 2015" in pages[0]


def test_pengesahan_no_revisi_and_revision_history(tmp_path: Path) -> None:
    _, _, pages = rendered("pengesahan-riwayat", tmp_path)
    sheet = pages[0]
    assert "Nomor SOP 445/012/UPT-RSD/2019 No. Revisi 1 Tgl Pembuatan 1 Februari 2019" in sheet
    assert "Tgl Pengesahan 11 Februari 2019" in sheet and "Tgl Efektif" not in sheet
    assert "DAFTAR RIWAYAT REVISI Revisi ke- Tanggal Uraian Perubahan 0 11 Februari 2019 Terbitan pertama 1 Juli 2021 Rujukan lewat aplikasi SISRUTE" in sheet


def test_kop_lines_contacts_and_blanked_config_fields(tmp_path: Path) -> None:
    sop, out, pages = rendered("kop-kontak", tmp_path)
    sheet = pages[0]
    assert sheet.startswith(
        "PEMERINTAH PROVINSI JAWA TIMUR BADAN KEPEGAWAIAN DAERAH BIDANG MUTASI DAN PROMOSI "
        "Jl. Jemur Andayani I No. 1 Telp. (031) 8477551 Faks. (031) 8477552 "
        "Email: bkd@jatimprov.go.id Laman: bkd.jatimprov.go.id"
    ), sheet
    assert "SURABAYA" not in sheet  # kota: "" blanks the config's place line
    assert sop.instansi.logo is None and "<img" not in out.final_html


def test_steps_without_mutu_baku_print_empty_and_do_not_count(tmp_path: Path) -> None:
    sop, out, pages = rendered("mutu-baku-optional", tmp_path)
    text = " ".join(pages)
    assert "1 Dokumen/Start 2 Mengajukan permohonan peminjaman kendaraan nota dinas permohonan 3" in text, text
    assert "Jumlah waktu 10 menit" in text
    assert sop.total_menit == 10


def test_decision_labels_are_the_flowchart_captions(tmp_path: Path) -> None:
    _, out, pages = rendered("decision-labels", tmp_path)
    captions = {label.text for _, label in out.layout.labels}
    assert captions == {"lengkap", "tidak lengkap", "dinas", "pribadi"}
    text = " ".join(pages)
    assert "tidak lengkap" in text and "pribadi" in text and "Ya" not in text.split()


def test_days_written_as_hours_print_as_written(tmp_path: Path) -> None:
    sop, _, pages = rendered("days-as-hours", tmp_path)
    text = " ".join(pages)
    assert "24 jam (1 hari kerja)" in text and "1 x 24 jam (1 hari kerja)" in text and "2x24 jam (2 hari kerja)" in text
    from sopgen.source.project import load_project

    day = load_project(tmp_path / "days-as-hours")[0].config.calendar.minutes_per_day
    assert day < 24 * 60
    assert [s.mutu_baku.menit for s in sop.langkah] == [day, day, 2 * day]  # working days, not 24 hours


def test_remark_over_several_steps_is_one_cell(tmp_path: Path) -> None:
    _, out, pages = rendered("remarks-over-steps", tmp_path)
    assert out.final_html.count("Dilakukan di loket pelayanan terpadu") == 1
    assert 'rowspan="3">Dilakukan di loket pelayanan terpadu' in out.final_html
    assert " ".join(pages).count("Dilakukan di loket pelayanan terpadu") == 1


def test_nip_prints_exactly_as_written(tmp_path: Path) -> None:
    root = tmp_path / "nip"
    shutil.copytree(CASES / "partial-dates", root)
    f = root / "sops" / "peminjaman-buku.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace('"19650412 199003 2 001"', '"196504121990032001"'), encoding="utf-8")
    project, sop = load_sop(root, f.name)
    pages = page_texts(render_sop(sop, project, slug="x").pdf)
    assert "NIP. 196504121990032001" in pages[0]


def test_check_has_no_time_standard_for_a_step_without_mutu_baku_and_says_so_once(tmp_path: Path) -> None:
    """A log of the reference SOP whose step 1 lost its Mutu Baku: that step is never late and
    never lacks its output, and the result carries one note naming it (not one per row)."""
    import csv

    from sopgen.conformance.engine import check_logs
    from sopgen.source.project import load_project
    from sopgen.source.validate import validate

    root = tmp_path / "proyek"
    (root / "sops").mkdir(parents=True)
    shutil.copy(CASES.parent.parent.parent / "sopgen.toml", root / "sopgen.toml")
    ref = (CASES.parent.parent.parent / "sops" / "065-111-pengumpulan-data-kinerja.yaml").read_text(encoding="utf-8")
    start = "    mutu_baku: {kelengkapan: dokumen, waktu: 5, output: dokumen format data}\n"
    (root / "sops" / "ref.yaml").write_text(ref.replace(start, "", 1), encoding="utf-8")
    result = validate(None, project=load_project(root)[0])
    assert not result.errors and result.sops[0].langkah[0].mutu_baku.menit is None
    log = root / "log.csv"
    with open(log, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(("sop", "kasus", "langkah", "pelaksana", "mulai", "selesai", "output", "catatan"))
        for case in ("Oktober", "November"):
            w.writerow(("065/111/416-317/2023", case, 1, "Kasubag PK", "2023-10-02 08:00", "2023-10-03 15:00", "", ""))
            w.writerow(("065/111/416-317/2023", case, 2, "Kasubag Penyusunan Program dan Keuangan", "2023-10-04 08:00", "2023-10-04 09:00", "dokumen format data", ""))
    checked = check_logs(result.project, result.sops, [log])
    assert [(f.kind, f.step) for f in checked.findings if f.step == 1] == []
    assert [(f.kind, f.step) for f in checked.findings if f.kind == "time_exceeded"] == [("time_exceeded", 2), ("time_exceeded", 2)]
    notes = [n for n in checked.notes if "tanpa standar waktu" in n]
    assert notes == ["SOP 065/111/416-317/2023: langkah 1 tanpa standar waktu (Mutu Baku kosong); lamanya tidak diperiksa"]
