"""Generated SOP projects for the build and render tests (valid by construction).

`make_project(root, sops)` writes `sopgen.toml` and `sops/*.yaml`; `sop_yaml(...)` writes one SOP
with any number of steps, decisions that loop back or skip ahead, and optional extra text.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "sops" / "065-111-pengumpulan-data-kinerja.yaml"

CONFIG = """\
[instansi]
pemerintah = "Pemerintah Kabupaten Mojokerto"
nama = "Kecamatan Dawarblandong"
alamat = "Jl. Mayjend Sungkono No. 61"
telepon = "(031 ) 7921515"
kota = "Dawarblandong"

[kertas]
ukuran = "{ukuran}"
orientasi = "{orientasi}"
"""

WORDS = (
    "menerima berkas permohonan dari pemohon dan memeriksa kelengkapan persyaratan administrasi "
    "sesuai ketentuan peraturan yang berlaku kemudian mencatat dalam buku agenda surat masuk serta "
    "meneruskan kepada pejabat yang berwenang untuk mendapatkan disposisi lebih lanjut"
).split()

ACTORS = (
    ("camat", "Camat"),
    ("sekcam", "Sekretaris Kecamatan"),
    ("kasi-pem", "Kasi Pemerintahan"),
    ("staf", "Staf Pelaksana"),
)


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def sop_yaml(
    nomor: str,
    nama: str,
    steps: int = 6,
    *,
    actors: int = 4,
    decisions: dict[int, tuple[object, object]] | None = None,
    aktivitas: dict[int, str] | None = None,
    keterkaitan: list[object] | None = None,
    extra: str = "",
    unit: str = "Seksi Pemerintahan",
    revisi: str = "null",
) -> str:
    """An SOP with `steps` steps cycling through `actors` lanes.

    `decisions`: {step: (ya, tidak)} with a step number, "selesai" or None (next step).
    """
    decisions = decisions or {}
    aktivitas = aktivitas or {}
    lines = [
        "versi_format: 1",
        f"nomor: {q(nomor)}",
        f"nama: {q(nama)}",
        "instansi:",
        f"  unit: {q(unit)}",
        "tanggal:",
        "  pembuatan: 2023-10-05",
        f"  revisi: {revisi}",
        "  efektif: 2023-10-09",
        "disahkan_oleh:",
        "  nama: \"AKHMAK TAUFIQ, S.Sos., MM.\"",
        "  jabatan: Camat Dawarblandong",
        "  pangkat: Pembina",
        "  nip: \"19700626 199003 1 006\"",
        "dasar_hukum:",
        "  - Undang-Undang Nomor 30 Tahun 2014 tentang **Administrasi Pemerintahan**",
        "kualifikasi_pelaksana: [Memahami tugas pokok dan fungsi]",
        "peralatan_perlengkapan: [Komputer, Printer]",
        "peringatan: [Apabila tidak dilaksanakan pelayanan terhambat]",
        "pencatatan_pendataan: [Buku agenda]",
    ]
    if keterkaitan is not None:
        lines.append("keterkaitan:")
        for k in keterkaitan:
            lines.append(f"  - {{nomor: {q(k['nomor'])}}}" if isinstance(k, dict) else f"  - {q(k)}")
    lines.append("pelaksana:")
    for aid, anama in ACTORS[:actors]:
        lines.append(f"  - {{id: {aid}, nama: {q(anama)}}}")
    lines.append("langkah:")
    for no in range(1, steps + 1):
        actor = ACTORS[(no - 1) % actors][0]
        words = WORDS[: 8 + (no * 7) % (len(WORDS) - 8)]
        text = aktivitas.get(no, f"Langkah {no}: " + " ".join(words))
        lines.append(f"  - no: {no}")
        lines.append(f"    aktivitas: {q(text)}")
        lines.append(f"    pelaksana: {actor}")
        if no in decisions:
            ya, tidak = decisions[no]
            lines.append("    jenis: keputusan")
            lines.append("    pertanyaan: Lengkap?")
            if ya is not None:
                lines.append(f"    ya: {ya}")
            if tidak is not None:
                lines.append(f"    tidak: {tidak}")
        lines.append(f"    mutu_baku: {{kelengkapan: berkas, waktu: {5 + no % 4 * 5}, output: {q(f'dokumen {no}')}}}")
    return "\n".join(lines) + "\n" + extra


def make_project(root: Path, sops: dict[str, str], ukuran: str = "F4", orientasi: str = "lanskap", reference: bool = False) -> Path:
    (root / "sops").mkdir(parents=True, exist_ok=True)
    (root / "sopgen.toml").write_text(CONFIG.format(ukuran=ukuran, orientasi=orientasi), encoding="utf-8")
    for name, text in sops.items():
        (root / "sops" / name).write_text(text, encoding="utf-8")
    if reference:
        shutil.copy(REFERENCE, root / "sops" / REFERENCE.name)
    return root


def forty_steps(nomor: str = "800/040/416-317/2023") -> str:
    """40 steps, a loop back (10 → 7), a skip ahead (25 → 27) and a late loop back (38 → 30)."""
    return sop_yaml(
        nomor,
        "Pelayanan Surat Keterangan Empat Puluh Langkah",
        40,
        decisions={10: (None, 7), 25: (27, None), 38: (None, 30)},
        aktivitas={17: "Langkah 17: " + " ".join(WORDS * 2)},
    )


def pdf_streams(pdf_bytes: bytes) -> list[bytes]:
    """Every stream of a PDF file, inflated where compressed (objects live in object streams)."""
    import re
    import zlib

    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf_bytes, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            out.append(m.group(1))
    return out
