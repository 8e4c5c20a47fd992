"""The command line in one language: click's own words in Indonesian, and each command's
examples and exit codes at the end of its `--help`.

click looks its texts up with `gettext` bound at import time in each of its modules
(`from gettext import gettext as _`); `install()` rebinds those names to the table below, so
"Usage:", "Options:", "Show this message and exit." and the errors ("No such option",
"Missing argument") read in Indonesian. A text missing here stays as click writes it.
Type names in the usage lines (TEXT, PATH, INTEGER) are translated by `localize_params`.
"""

from __future__ import annotations

import re
import sys

import click

MESSAGES: dict[str, str] = {
    "Usage:": "Penggunaan:",
    "Options": "Pilihan",
    "Commands": "Perintah",
    "Positional arguments": "Argumen",
    "Show this message and exit.": "Tampilkan bantuan ini lalu keluar.",
    "Show the version and exit.": "Tampilkan versi lalu keluar.",
    "%(prog)s, version %(version)s": "%(prog)s, versi %(version)s",
    "Error: {message}": "Galat: {message}",
    "Try '{command} {option}' for help.": "Coba '{command} {option}' untuk bantuan.",
    "No such option {name!r}.": "Tidak ada pilihan {name!r}.",
    "No such option: {name}": "Tidak ada pilihan: {name}",
    "No such command {name!r}.": "Tidak ada perintah {name!r}.",
    "Did you mean {possibility}?": "Maksud Anda {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Maksud Anda salah satu dari: {possibilities}?)",
    "Missing argument": "Argumen belum diberikan",
    "Missing option": "Pilihan belum diberikan",
    "Missing parameter": "Parameter belum diberikan",
    "Missing parameter: {param_name}": "Parameter belum diberikan: {param_name}",
    "Missing {param_type}": "{param_type} belum diberikan",
    "Missing command.": "Perintah belum diberikan.",
    "Invalid value for {param_hint}: {message}": "Nilai tidak sah untuk {param_hint}: {message}",
    "Invalid value: {message}": "Nilai tidak sah: {message}",
    "Got unexpected extra argument ({args})": "Ada argumen lebih yang tidak dikenal ({args})",
    "Got unexpected extra arguments ({args})": "Ada argumen lebih yang tidak dikenal ({args})",
    "Option {name!r} does not take a value.": "Pilihan {name!r} tidak memakai nilai.",
    "Option {name!r} requires an argument.": "Pilihan {name!r} memerlukan nilai.",
    "Option {name!r} requires {nargs} arguments.": "Pilihan {name!r} memerlukan {nargs} nilai.",
    "Argument {name!r} takes {nargs} values.": "Argumen {name!r} memerlukan {nargs} nilai.",
    "Takes {nargs} values but 1 was given.": "Memerlukan {nargs} nilai, diberikan 1.",
    "Takes {nargs} values but {len} were given.": "Memerlukan {nargs} nilai, diberikan {len}.",
    "Invalid start character for option ({option})": "Awal pilihan tidak sah ({option})",
    "Aborted!": "Dibatalkan!",
    "Error: invalid input": "Galat: masukan tidak sah",
    "Error: The two entered values do not match.": "Galat: kedua nilai yang dimasukkan tidak sama.",
    "Repeat for confirmation": "Ulangi untuk konfirmasi",
    "Do you want to continue?": "Lanjutkan?",
    "Press any key to continue...": "Tekan tombol apa saja untuk melanjutkan...",
    "Confirm the action without prompting.": "Setujui tanpa bertanya.",
    "default: {default}": "bawaan: {default}",
    "required": "wajib",
    "env var: {var}": "variabel lingkungan: {var}",
    "(dynamic)": "(dinamis)",
    "deprecated": "usang",
    "unknown error": "galat tak dikenal",
    "Could not open file {filename!r}: {message}": "Berkas {filename!r} tidak bisa dibuka: {message}",
    "Choose from:\n\t{choices}": "Pilih dari:\n\t{choices}",
    "{value!r} is not {choice}.": "{value!r} bukan {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} bukan salah satu dari {choices}.",
    "{value} is not in the range {range}.": "{value} di luar rentang {range}.",
    "{value!r} is not a valid {number_type}.": "{value!r} bukan angka yang sah.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} bukan ya/tidak yang sah. Nilai yang dikenal: {states}",
    "{value!r} does not match the format {format}.": "{value!r} tidak sesuai format {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} tidak sesuai format {formats}.",
    "{value!r} is not a valid UUID.": "{value!r} bukan UUID yang sah.",
    "file": "berkas",
    "directory": "folder",
    "path": "jalur",
    "{name} {filename!r} does not exist.": "{name} {filename!r} tidak ada.",
    "{name} {filename!r} is a file.": "{name} {filename!r} adalah berkas, bukan folder.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} adalah folder, bukan berkas.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} tidak bisa dibaca.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} tidak bisa ditulis.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} tidak bisa dijalankan.",
    "{len_type} values are required, but {len_value} was given.": "Perlu {len_type} nilai, diberikan {len_value}.",
    "{len_type} values are required, but {len_value} were given.": "Perlu {len_type} nilai, diberikan {len_value}.",
}

# Words of click's usage lines and type names, as whole words.
METAVARS = {
    "[OPTIONS]": "[PILIHAN]", "COMMAND": "PERINTAH", "[ARGS]": "[ARG]", "TEXT": "TEKS", "INTEGER RANGE": "ANGKA",
    "FLOAT RANGE": "ANGKA", "INTEGER": "ANGKA", "FLOAT": "ANGKA", "PATHS": "BERKAS", "PATH": "BERKAS",
    "FILENAME": "BERKAS", "FILE": "BERKAS", "DIRECTORY": "FOLDER", "BOOLEAN": "YA/TIDAK", "LOGS": "LOG",
}
_METAVAR = re.compile(r"\[OPTIONS\]|\[ARGS\]|\b(?:INTEGER RANGE|FLOAT RANGE|" + "|".join(
    k for k in METAVARS if k[0] != "[" and " " not in k) + r")\b")

EXIT_CODES = (("0", "beres"), ("1", "ada masalah (galat; peringatan juga dengan --strict)"), ("2", "perintah salah tulis"))

# Each command's examples (shown under "Contoh:" in its --help); every command has some.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "sopgen": ("sopgen init kantor-saya", "sopgen new \"Pelayanan Surat Pindah\"", "sopgen preview", "sopgen build"),
    "validate": ("sopgen validate", "sopgen validate sops/065-111-data-kinerja.yaml --strict", "sopgen validate --format json",
                 "sopgen validate --strict --format github", "sopgen validate sopgen.toml"),
    "import": ("sopgen import \"SOP Pengumpulan Data Kinerja.docx\"", "sopgen import arsip/*.docx arsip/*.xlsx"),
    "build": ("sopgen build", "sopgen build -j 0", "sopgen build sops/065-111-data-kinerja.yaml --force"),
    "rules": ("sopgen rules", "sopgen rules > aturan.md"),
    "check": ("sopgen check log-kinerja.xlsx", "sopgen check arsip/*.csv --dari 2024-01-01 --sampai 2024-06-30",
              "sopgen check log.csv --format html -o laporan.html", "sopgen check log.csv --fail-under 90",
              "sopgen check --spark local[2] arsip/ --format json -o laporan.json",
              "sopgen check --spark yarn hdfs:///log/2024/ --format json -o laporan.json"),
    "log-template": ("sopgen log-template", "sopgen log-template 065/111/416-317/2023 -o log-kinerja.xlsx"),
    "init": ("sopgen init kantor-saya", "sopgen init --nama \"Kecamatan Sooko\" --pemerintah \"Pemerintah Kabupaten Mojokerto\" --kertas A4"),
    "new": ("sopgen new \"Pelayanan Surat Keterangan Pindah\"",
            "sopgen new \"Izin Keramaian\" --pelaksana \"Kasi Trantib\" --pelaksana \"Staf Trantib\" --pelaksana Camat"),
    "preview": ("sopgen preview", "sopgen preview sops/065-111-data-kinerja.yaml", "sopgen preview --port 8000"),
    "verify": ("sopgen verify output/065-111-data-kinerja.pdf", "sopgen verify SOP.pdf --katalog arsip/katalog.json"),
    "book": ("sopgen book", "sopgen book -o buku-sop-2024.pdf", "sopgen book --strict"),
}
_USAGE = ("2", "perintah salah tulis")
EXIT_CODE_NOTES: dict[str, tuple[tuple[str, str], ...]] = {
    "check": (("0", "beres"), ("1", "berkas log bermasalah, atau kepatuhan di bawah --fail-under"), _USAGE),
    "verify": (("0", "PDF sah dan berlaku, tanda tangan (bila ada) dari sertifikat yang dipercaya"), ("1", "berubah, tidak dikenal, tidak berlaku, tanda tangan rusak, atau penanda tangan belum dipercaya"), _USAGE),
    "preview": (("0", "dihentikan (Ctrl-C)"), ("2", "perintah salah tulis, bukan folder proyek, atau port terpakai")),
    "init": (("0", "proyek dibuat"), ("2", "perintah salah tulis, atau berkas sudah ada (tidak ada yang ditimpa)")),
    "new": (("0", "SOP dibuat"), ("2", "perintah salah tulis, bukan folder proyek, atau berkas sudah ada")),
    "rules": (("0", "daftar ditulis"), _USAGE),
    "book": (("0", "buku ditulis"), ("1", "SOP tidak sah (dengan --strict: juga peringatan) atau buku tidak bisa ditulis"), _USAGE),
    "import": (("0", "semua dokumen diimpor dan sah (tebakan ditandai '# periksa:')"), ("1", "dokumen tidak terbaca, berkas tujuan sudah ada, atau hasilnya belum sah"), _USAGE),
    "log-template": (("0", "templat ditulis"), ("1", "SOP tidak sah atau berkas tidak bisa ditulis"), _USAGE),
}


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Rebind click's `_` and `ngettext` in every click module loaded (idempotent)."""
    import click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui, click.types  # noqa: E401,F401

    for name, module in list(sys.modules.items()):
        if name == "click" or name.startswith("click."):
            if getattr(module, "_", None) is not None:
                module._ = gettext
            if getattr(module, "ngettext", None) is not None:
                module.ngettext = ngettext


def translate_metavar(text: str) -> str:
    return _METAVAR.sub(lambda m: METAVARS[m.group(0)], text)


def localize_params(command: click.Command, ctx: click.Context) -> None:
    """Usage-line names (`--port INTEGER`, `[PATHS]...`) in Indonesian, once per command."""
    if getattr(command, "_sopgen_localized", False):
        return
    command._sopgen_localized = True
    command.options_metavar = translate_metavar(command.options_metavar or "")
    if isinstance(command, click.Group):
        command.subcommand_metavar = translate_metavar(command.subcommand_metavar or "")
    for param in command.params:
        if param.metavar is None and not (isinstance(param, click.Option) and param.is_flag):
            try:
                shown = param.make_metavar(ctx)
            except TypeError:  # click < 8.2: no ctx
                shown = param.make_metavar()
            param.metavar = translate_metavar(shown)


def write_epilog(name: str, formatter: click.HelpFormatter) -> None:
    """'Contoh' and 'Kode keluar' at the end of a command's help."""
    examples = EXAMPLES.get(name, ())
    if examples:
        with formatter.section("Contoh"):
            for line in examples:  # as typed: never wrapped
                formatter.write(f"{'':>{formatter.current_indent}}{line}\n")
    with formatter.section("Kode keluar"):
        formatter.write_dl(list(EXIT_CODE_NOTES.get(name, EXIT_CODES)))
