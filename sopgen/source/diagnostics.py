"""Diagnostics and the catalogue of stable rule codes.

Codes are stable like ruff's: tests, CI scripts and people's muscle memory depend on them,
so a code is never reused for another meaning.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sopgen.textsafe import one_line

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str
    example: str


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    column: int
    code: str
    severity: str
    message: str

    def format(self) -> str:
        """One line for a terminal: whatever a file smuggled into the message is escaped."""
        tag = " [peringatan]" if self.severity == WARNING else ""
        return one_line(f"{self.file}:{self.line}:{self.column}: {self.code}{tag} {self.message}")

    def as_dict(self) -> dict:
        return asdict(self)


def _r(code: str, severity: str, title: str, example: str) -> Rule:
    return Rule(code, severity, title, example)


RULES: dict[str, Rule] = {
    r.code: r
    for r in [
        # 0xx: reading the file
        _r("SOP001", ERROR, "Berkas bukan teks UTF-8", "berkas disimpan sebagai Windows-1252"),
        _r("SOP002", ERROR, "Sintaks YAML salah", "aktivitas: [belum ditutup"),
        _r("SOP003", ERROR, "Kunci ganda dalam satu peta YAML", "nama: A\\nnama: B"),
        _r("SOP004", ERROR, "Tab dipakai untuk indentasi", "\\tnama: Kasi"),
        _r("SOP005", ERROR, "Alias YAML meledak (alias bomb) atau terlalu dalam", "a: &a [*a, *a, ...]"),
        _r("SOP006", ERROR, "Berkas terlalu besar", "berkas SOP lebih dari 1 MiB"),
        _r("SOP007", ERROR, "Isi berkas bukan satu peta (mapping) YAML", "- hanya sebuah daftar"),
        _r("SOP008", ERROR, "Tag YAML tidak didukung", "tanggal: !!python/object ..."),
        _r("SOP009", ERROR, "Karakter kendali dalam teks", "nama: \"Data\\e]0;judul\\a\""),
        _r("SOP010", ERROR, "Angka terlalu besar", "no: 99999999999999999999"),
        # 1xx: shape (JSON Schema)
        _r("SOP101", ERROR, "Kunci tidak dikenal", "nama_sop: ... (maksud Anda 'nama'?)"),
        _r("SOP102", ERROR, "Kunci wajib tidak ada", "tanpa 'nomor'"),
        _r("SOP103", ERROR, "Jenis nilai salah", "langkah: teks, bukan daftar"),
        _r("SOP104", ERROR, "Nilai tidak sah", "jenis: cabang (harus proses atau keputusan)"),
        _r("SOP105", ERROR, "versi_format tidak didukung", "versi_format: 2"),
        # 2xx: actors, steps and flow
        _r("SOP201", ERROR, "id pelaksana ganda", "dua pelaksana dengan id: kasi"),
        _r("SOP202", ERROR, "Nomor langkah tidak urut", "no: 5 pada langkah ke-4"),
        _r("SOP203", ERROR, "Langkah menyebut pelaksana yang tidak dideklarasikan", "pelaksana: kasie"),
        _r("SOP204", WARNING, "Pelaksana tidak pernah dipakai", "pelaksana sekcam tanpa langkah"),
        _r("SOP205", ERROR, "Cabang menunjuk langkah yang tidak ada", "tidak: 9 pada SOP 6 langkah"),
        _r("SOP206", ERROR, "Langkah tidak terjangkau dari langkah 1", "langkah 5 dilompati semua cabang"),
        _r("SOP207", ERROR, "Langkah tidak dapat mencapai akhir", "putaran tanpa jalan keluar"),
        _r("SOP208", ERROR, "Keputusan dengan dua cabang yang sama", "ya: 4, tidak: 4"),
        _r("SOP209", ERROR, "ya/tidak/pertanyaan pada langkah yang bukan keputusan", "ya: 3 pada jenis: proses"),
        _r("SOP210", WARNING, "Pelaksana disebut dua kali pada satu langkah", "pelaksana: [kasi, kasi]"),
        _r("SOP211", ERROR, "Cabang menunjuk dirinya sendiri", "tidak: 6 pada langkah 6"),
        _r("SOP212", ERROR, "Keterangan beberapa langkah tidak sah (sampai langkah yang tidak ada, atau bertumpuk)", "keterangan: {teks: ..., sampai: 9} pada SOP 6 langkah"),
        # 3xx: dates, NIP, time standard
        _r("SOP301", ERROR, "Tanggal tidak sah", "pembuatan: 31-02-2023"),
        _r("SOP302", ERROR, "Tgl efektif sebelum tgl pembuatan", "efektif: 2023-10-01, pembuatan: 2023-10-05"),
        _r("SOP303", ERROR, "Tgl revisi sebelum tgl pembuatan", "revisi: 2022-01-01"),
        _r("SOP304", WARNING, "Tahun pada nomor SOP berbeda dengan tahun pembuatan", "065/1/2022 dibuat 2023"),
        _r("SOP305", ERROR, "NIP bukan 18 digit", "nip: 1970062619900310"),
        _r("SOP306", ERROR, "NIP: tanggal lahir (digit 1-8) tidak sah", "19701326 ..."),
        _r("SOP307", ERROR, "NIP: TMT pengangkatan (digit 9-14) tidak sah atau sebelum lahir", "... 196513 ..."),
        _r("SOP308", ERROR, "NIP: digit ke-15 (jenis kelamin) bukan 1 atau 2", "... 3 006"),
        _r("SOP309", ERROR, "Waktu mutu baku tidak terbaca", "waktu: sebentar"),
        _r("SOP310", ERROR, "Waktu mutu baku tidak positif", "waktu: 0"),
        _r("SOP311", WARNING, "Revisi tidak urut tanggal", "revisi 2024 sebelum revisi 2023"),
        _r("SOP312", ERROR, "Waktu mutu baku di luar 1 menit sampai 1 tahun kerja", "waktu: 1e308"),
        _r("SOP313", ERROR, "Tgl efektif dan tgl pengesahan keduanya ditulis", "efektif: 2016-01-04, pengesahan: 2016-01-04"),
        _r("SOP320", WARNING, "Isian kosong: belum lengkap untuk terbit", "nomor: null, nip: null"),
        # 4xx: style
        _r("SOP401", WARNING, "Nama pelaksana mirip: jabatan yang sama ditulis dua cara", "Kasubag Perencanaan dan Keuangan / Kasubag Penyusunan Program dan Keuangan"),
        _r("SOP402", WARNING, "Tanda baca ganda", "S.Sos..MM."),
        _r("SOP403", WARNING, "Spasi di awal/akhir atau spasi ganda", "'Kasi  Pemerintahan'"),
        # 5xx: project
        _r("SOP501", ERROR, "Nomor SOP dipakai lebih dari satu berkas", "dua berkas dengan nomor 065/111/416-317/2023"),
        _r("SOP502", ERROR, "Keterkaitan menunjuk nomor SOP yang tidak ada", "{nomor: 065/999/2023}"),
        _r("SOP503", ERROR, "Logo harus berkas di dalam proyek, bukan URL atau jalur keluar", "logo: ../../etc/passwd"),
        _r("SOP504", ERROR, "Berkas logo tidak ada", "logo: logo/tidak-ada.png"),
        _r("SOP505", ERROR, "Logo bukan gambar PNG/JPEG/SVG/GIF yang sah", "logo: catatan.txt"),
        _r("SOP506", ERROR, "Data wajib instansi tidak ada di SOP maupun di konfigurasi", "instansi.nama kosong"),
        _r("SOP507", ERROR, "Berkas SOP berada di luar proyek (tautan)", "sops/x.yaml -> /etc/..."),
        _r("SOP508", ERROR, "Pelaksana terlalu banyak untuk lebar kertas", "12 lajur pada A4 potret"),
        # 52x: publication (status, replacement)
        _r("SOP521", ERROR, "diganti_oleh menunjuk nomor SOP yang tidak ada atau dirinya sendiri", "diganti_oleh: 065/999/2023"),
        _r("SOP522", ERROR, "SOP yang diganti harus berstatus dicabut", "diganti_oleh: ... dengan status: berlaku"),
        # 6xx: project config
        _r("SOP601", ERROR, "Konfigurasi sopgen.toml tidak terbaca", "kurung siku tidak ditutup"),
        _r("SOP602", ERROR, "Isi konfigurasi sopgen.toml tidak sah", "kertas.ukuran = 'B5'"),
        # 7xx: limits (sopgen.toml [batas])
        _r("SOP701", ERROR, "Teks terlalu panjang", "aktivitas lebih dari 2.000 karakter"),
        _r("SOP702", ERROR, "Kata terlalu panjang untuk sel tabel", "aktivitas: xxxxxxxx... (60.000 huruf tanpa spasi)"),
        _r("SOP703", ERROR, "Langkah terlalu banyak", "lebih dari 100 langkah"),
        _r("SOP704", ERROR, "Terlalu banyak cabang menuju satu langkah", "9 keputusan yang semuanya kembali ke langkah 1"),
        # 8xx: suppression comments (`# sopgen: abaikan SOP402`)
        _r("SOP801", WARNING, "Komentar abaikan tidak mengabaikan apa pun", "# sopgen: abaikan SOP402 pada baris tanpa tanda baca ganda"),
        _r("SOP802", ERROR, "Komentar abaikan dengan kode tidak dikenal atau kode galat", "# sopgen: abaikan SOP999"),
    ]
}


def diag(file: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(file, line, column, code, RULES[code].severity, message)


def did_you_mean(word: str, choices, cutoff: float = 0.6) -> str:
    """A ' (maksud Anda ...?)' hint for a near miss, or ''."""
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f" (maksud Anda '{match[0]}'?)" if match else ""


def rules_markdown() -> str:
    """The rule list for docs/rules.md, generated so it cannot drift from the code."""
    lines = [
        "# Aturan validasi / Validation rules",
        "",
        "Dibuat dari `sopgen/source/diagnostics.py` (`python -m sopgen rules`). Peringatan tidak menggagalkan",
        "`sopgen validate` kecuali dengan `--strict`.",
        "",
        "| kode | tingkat | aturan | contoh |",
        "| --- | --- | --- | --- |",
    ]
    for r in RULES.values():
        sev = "galat" if r.severity == ERROR else "peringatan"
        lines.append(f"| {r.code} | {sev} | {r.title} | `{r.example}` |")
    return "\n".join(lines) + "\n"


class Severities:
    """`errors` and `warnings` of anything that has `diagnostics` (validation and build results)."""

    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == WARNING]
