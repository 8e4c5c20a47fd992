"""`sopgen init`: a new office project that validates and builds as it is written.

Nothing is ever replaced: every target is checked first, and each file is created with
O_EXCL, so a file that appears meanwhile is refused too (and what this run made is removed).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from string import Template

from sopgen.authoring.sopfile import (
    PLACEHOLDER_SIGNER, AuthoringError, Signer, SopDraft, StepDraft, quoted, remove_quietly, sop_text, starter_text,
    write_new,
)

EXAMPLE_NAME = "contoh-surat-keterangan-domisili.yaml"


@dataclass(frozen=True)
class Office:
    """The header every SOP of the office prints (sopgen.toml [instansi]) and its paper."""

    pemerintah: str = "Pemerintah Kabupaten (isi nama kabupaten/kota)"
    nama: str = "Kecamatan (isi nama kantor)"
    alamat: str = "Jl. (isi alamat kantor)"
    telepon: str = "(isi nomor telepon)"
    kota: str = "(isi nama kota/tempat)"
    ukuran: str = "F4"
    orientasi: str = "lanskap"


OFFICE_QUESTIONS = {
    "pemerintah": "Pemerintah (mis. Pemerintah Kabupaten Mojokerto)",
    "nama": "Nama instansi (mis. Kecamatan Dawarblandong)",
    "alamat": "Alamat kantor",
    "telepon": "Telepon",
    "kota": "Kota/tempat di bawah alamat (mis. Dawarblandong)",
}


def placeholders() -> list[str]:
    """The office fields whose default is a placeholder to replace."""
    return [f.name for f in fields(Office) if f.name in OFFICE_QUESTIONS]


@dataclass(frozen=True)
class InitResult:
    root: Path
    files: list[Path]
    example: Path


def _example(office: Office, today: date) -> SopDraft:
    staf, kasi, camat = "staf", "kasi-pem", "camat"
    steps = (
        StepDraft("Menerima berkas permohonan dari pemohon", staf, "KTP, Kartu Keluarga, surat pengantar RT/RW", 5,
                  "berkas permohonan"),
        StepDraft("Memeriksa kelengkapan persyaratan; berkas yang belum lengkap dikembalikan kepada pemohon", staf,
                  "berkas permohonan", 10, "berkas diperiksa", pertanyaan="Berkas lengkap?", tidak=1),
        StepDraft("Mengetik konsep surat keterangan domisili", staf, "berkas permohonan", 15, "konsep surat"),
        StepDraft("Memeriksa dan memaraf konsep surat", kasi, "konsep surat", 10, "konsep surat diparaf"),
        StepDraft("Menandatangani surat keterangan domisili", camat, "konsep surat diparaf", 10, "surat ditandatangani"),
        StepDraft("Memberi nomor, mengarsipkan dan menyerahkan surat kepada pemohon", staf, "surat ditandatangani",
                  10, "surat keterangan domisili"),
    )
    lists = {
        "dasar_hukum": (
            "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
            "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 35 Tahun 2012 "
            "tentang Pedoman Penyusunan Standar Operasional Prosedur Administrasi Pemerintahan",
        ),
        "kualifikasi_pelaksana": ("Memahami tata naskah dinas", "Mampu mengoperasikan komputer"),
        "keterkaitan": ("SOP Pelayanan Surat Keterangan Pindah",),
        "peralatan_perlengkapan": ("Komputer dan printer", "Buku agenda surat keluar"),
        "peringatan": ("Apabila persyaratan tidak lengkap, berkas dikembalikan kepada pemohon",),
        "pencatatan_pendataan": ("Buku agenda surat keluar", "Arsip surat keterangan domisili"),
    }
    jabatan = f"Camat {office.kota}" if not office.kota.startswith("(") else PLACEHOLDER_SIGNER[1]
    signer = Signer(PLACEHOLDER_SIGNER[0], jabatan, PLACEHOLDER_SIGNER[2], PLACEHOLDER_SIGNER[3])
    return SopDraft(
        nomor=f"065/001/000/{today.year}",
        nama="Pelayanan Surat Keterangan Domisili",
        unit="Seksi Pemerintahan",
        today=today,
        signer=signer,
        actors=((staf, "Staf Pelayanan"), (kasi, "Kasi Pemerintahan"), (camat, "Camat")),
        steps=steps,
        lists=lists,
        keterangan="Contoh dari sopgen init: ganti isinya dengan SOP kantor Anda, atau hapus berkas ini.",
    )


def _config_text(office: Office) -> str:
    values = {f.name: quoted(getattr(office, f.name)) for f in fields(Office)}
    return Template(starter_text("sopgen.toml.tmpl")).substitute(values)


def project_files(office: Office, today: date) -> dict[str, str]:
    """Relative path -> text of every file `init` writes."""
    return {
        "sopgen.toml": _config_text(office),
        f"sops/{EXAMPLE_NAME}": sop_text(_example(office, today)),
        ".gitignore": starter_text("gitignore"),
        ".pre-commit-config.yaml": starter_text("pre-commit-config.yaml"),
        ".github/workflows/sopgen.yml": starter_text("sopgen.yml"),
        "README.md": Template(starter_text("README.md")).substitute(nama=office.nama, contoh=EXAMPLE_NAME),
    }


def init_project(folder: Path, office: Office, today: date | None = None) -> InitResult:
    """Write a new project into `folder` (made if missing). Raises AuthoringError, writing
    nothing, when any of its files or folders is already there."""
    if office.ukuran not in ("F4", "A4") or office.orientasi not in ("lanskap", "potret"):
        raise AuthoringError("kertas: ukuran F4 atau A4, orientasi lanskap atau potret")
    files = project_files(office, today or date.today())
    if folder.exists() and not folder.is_dir():
        raise AuthoringError(f"'{folder}' sudah ada dan bukan folder")
    in_the_way = [rel for rel in [*files, "sops"] if (folder / rel).exists() or (folder / rel).is_symlink()]
    if (folder / "sops").is_dir() and "sops" in in_the_way and not any((folder / "sops").iterdir()):
        in_the_way.remove("sops")  # an empty sops/ folder is no work to lose
    if in_the_way:
        raise AuthoringError(
            f"folder '{folder}' sudah berisi proyek atau berkas yang akan ditulis ({', '.join(sorted(in_the_way))}); "
            "sopgen init tidak menimpa apa pun. Pilih folder baru: sopgen init NAMA-FOLDER"
        )
    made: list[Path] = []
    try:
        if not folder.is_dir():
            folder.mkdir(parents=True)
            made.append(folder)
        for rel, text in files.items():
            path = folder / rel
            for parent in reversed(path.relative_to(folder).parents[:-1]):
                d = folder / parent
                if not d.is_dir():
                    d.mkdir()
                    made.append(d)
            write_new(path, text)
            made.append(path)
    except (OSError, AuthoringError) as err:
        remove_quietly(made)
        if isinstance(err, AuthoringError):
            raise
        raise AuthoringError(f"'{folder}': tidak bisa menulis ({err.strerror or err}); tidak ada yang diubah") from None
    return InitResult(folder, [folder / rel for rel in files], folder / "sops" / EXAMPLE_NAME)


def office_from(given: dict[str, str | None], ask=None) -> Office:
    """The office from the flags given; `ask(question, default)` fills the rest when set (a
    person at a terminal who gave no flag). Unanswered fields keep their placeholders."""
    defaults = Office()
    values = {k: v for k, v in given.items() if v is not None}
    if ask is not None:
        for key, question in OFFICE_QUESTIONS.items():
            if key not in values:
                answer = ask(question, getattr(defaults, key))
                values[key] = answer if answer and answer.strip() else getattr(defaults, key)
        for key, question, choices in (("ukuran", "Ukuran kertas (F4 atau A4)", ("F4", "A4")),
                                       ("orientasi", "Orientasi (lanskap atau potret)", ("lanskap", "potret"))):
            if key not in values:
                answer = (ask(question, getattr(defaults, key)) or "").strip()
                match = [c for c in choices if c.lower() == answer.lower()]
                values[key] = match[0] if match else getattr(defaults, key)
    return Office(**{k: v.strip() if isinstance(v, str) else v for k, v in values.items()})
