"""The command line: thin wrappers over plain functions, exit codes 0 ok, 1 problems, 2 usage."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import click

from sopgen import __version__, clitext
from sopgen.entry import exit_cleanly_on_sigterm as _exit_cleanly_on_sigterm
from sopgen.textsafe import one_line
from sopgen.validatecmd import FORMATS


clitext.install()


class SopgenCommand(click.Command):
    """A command whose help and usage errors read in Indonesian and end with its examples
    and exit codes (`sopgen.clitext`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        clitext.localize_params(self, ctx)
        return super().parse_args(ctx, args)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        clitext.write_epilog(self.name, formatter)


class SopgenGroup(click.Group):
    """Usage errors exit 2 (click's default too); anything unexpected is not a user mistake."""

    command_class = SopgenCommand

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        clitext.localize_params(self, ctx)
        return super().parse_args(ctx, args)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        clitext.write_epilog("sopgen", formatter)


@click.group(cls=SopgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sopgen", message="%(prog)s %(version)s")
def main() -> None:
    """sopgen: SOP Administrasi Pemerintahan (Permenpan RB 35/2012) sebagai kode."""
    _exit_cleanly_on_sigterm()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(list(FORMATS)), default="text", show_default=True,
    help="Bentuk laporan: teks, JSON, anotasi GitHub Actions, SARIF 2.1.0, JUnit XML.",
)
@click.option("--strict", is_flag=True, help="Peringatan juga menggagalkan (exit 1).")
def validate(paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Periksa berkas SOP (bawaan: folder sops/ proyek) dan sopgen.toml."""
    from sopgen.validatecmd import report

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"tidak ditemukan: {', '.join(map(str, missing))}")
    text, code, root = report(list(paths), fmt, strict)
    if not paths and not (root / "sops").is_dir():
        raise click.UsageError(f"folder sops/ tidak ada di {root}; sebutkan berkas atau folder SOP")
    click.echo(text)
    sys.exit(code)


@main.command("rules")
def rules_cmd() -> None:
    """Daftar kode aturan validasi (Markdown)."""
    from sopgen.source.diagnostics import rules_markdown

    click.echo(rules_markdown(), nl=False)


@main.command("build")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Bangun ulang semua SOP walau masukannya tidak berubah.")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
    help="Jumlah proses paralel (0 = satu per inti CPU).",
)
@click.option("--tanda-tangan", "certificate", type=click.Path(path_type=Path, dir_okay=False), metavar="P12",
              help="Tandatangani tiap PDF (PAdES) dengan sertifikat P12/PFX ini.")
@click.option("--sandi-env", default="SOPGEN_SANDI_TTD", show_default=True, metavar="NAMA",
              help="Variabel lingkungan berisi sandi sertifikat (bila kosong, sandi ditanyakan).")
def build_cmd(paths: tuple[Path, ...], force: bool, jobs: int, certificate: Path | None, sandi_env: str) -> None:
    """Validasi semua SOP, lalu tulis PDF, tampilan HTML dan katalog output/index.html."""
    from sopgen.files import OutputRefused
    from sopgen.render.build import BuildError
    from sopgen.render.build import build as run
    from sopgen.source.project import load_project
    from sopgen.source.reporters import REPORTERS
    from sopgen.source.validate import ValidationResult

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"tidak ditemukan: {', '.join(map(str, missing))}")
    project, config_diags = load_project(paths[0] if paths else Path.cwd())
    if not paths and not (project.root / "sops").is_dir():
        raise click.UsageError(f"folder sops/ tidak ada di {project.root}; sebutkan berkas atau folder SOP")
    if any(d.severity == "error" for d in config_diags):
        click.echo(REPORTERS["text"](ValidationResult(project, [], list(config_diags))))
        click.echo("Tidak ada berkas yang ditulis.")
        sys.exit(1)
    sign = _signer(certificate, sandi_env, project) if certificate else None
    try:
        with _build_progress() as progress:
            result = run(project, list(paths) or None, force=force, jobs=jobs, progress=progress, sign=sign)
    except (BuildError, OutputRefused) as err:  # OutputRefused: a pipe or link where an output goes
        click.echo(f"galat: {err}", err=True)
        sys.exit(2 if isinstance(err, OutputRefused) else 1)
    if result.errors:
        click.echo(REPORTERS["text"](result.validation))
        click.echo("Tidak ada berkas yang ditulis.")
        sys.exit(1)
    for outcome in result.failed:
        click.echo(f"{outcome.file}: gagal: {outcome.message}", err=True)
    if result.catalog_error:
        click.echo(result.catalog_error, err=True)
    if result.warnings:
        click.echo(f"{len(result.warnings)} peringatan validasi (lihat: sopgen validate)")
    click.echo(result.summary())
    sys.exit(0 if result.ok else 1)


@main.command("verify")
@click.argument("pdf", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--katalog", type=click.Path(path_type=Path), help="katalog.json (atau foldernya); bawaan: folder keluaran proyek.")
@click.option("--akar", "roots", multiple=True, type=click.Path(path_type=Path, dir_okay=False), help="Sertifikat CA (PEM/DER) yang dipercaya untuk tanda tangan.")
def verify_cmd(pdf: Path, katalog: Path | None, roots: tuple[Path, ...]) -> None:
    """Periksa apakah PDF diterbitkan katalog, versi, status dan tanda tangannya (exit 0 sah dan berlaku, 1 tidak)."""
    from sopgen.publish.verify import VerifyError, load_trust_roots, verify_pdf

    if katalog is None:
        from sopgen.source.project import load_project

        project, _ = load_project(Path.cwd())
        katalog = project.output
    try:
        verdict = verify_pdf(pdf, katalog, load_trust_roots(list(roots)))
    except VerifyError as err:
        raise click.UsageError(str(err)) from None
    for line in verdict.lines():
        click.echo(line)
    sys.exit(0 if verdict.in_force else 1)


def _signer(certificate: Path, env_name: str, project):
    """Load the P12 before anything is built: a wrong password is a usage error (exit 2)."""
    import os

    from sopgen.publish.sign import SignError, load_certificate, password_from, pdf_signer

    ask = (lambda: click.prompt(f"Sandi {certificate.name}", hide_input=True, err=True)) if sys.stdin.isatty() else None
    try:
        cert = load_certificate(certificate, password_from(env_name, dict(os.environ), ask))
    except SignError as err:
        raise click.UsageError(f"--tanda-tangan: {err}") from None
    click.echo(f"menandatangani sebagai: {cert.holder}", err=True)
    return pdf_signer(cert, project.config.instansi.get("kota", ""))


class _build_progress:
    """A rich progress bar on an interactive terminal; nothing in CI or when stderr is redirected."""

    def __enter__(self):
        import os

        self._bar = None
        ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
        if ci or not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn("membangun"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            TextColumn("{task.description}"), console=Console(stderr=True), transient=True,
        )
        self._bar.start()
        self._task = None

        def update(done: int, total: int, label: str) -> None:
            if self._task is None:
                self._task = self._bar.add_task("", total=total or 1)
            self._bar.update(self._task, completed=done, total=total or 1, description=label)

        return update

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()


def _refuse_output_over_input(output: Path, inputs: list[Path]) -> None:
    """A report never replaces a log, an SOP or the config, nor a device or a link: said
    before the check runs, as a usage error."""
    from sopgen.files import OutputRefused, check_target

    try:
        check_target(output, inputs)
    except OutputRefused as err:
        raise click.UsageError(f"--output: {err.strerror}") from None


# --- conformance of activity logs ------------------------------------------------------------


class _Tanggal(click.ParamType):
    """A date as staff write it (2023-10-05, 05/10/2023, 05/10/23, 5 Oktober 2023), refused
    in Indonesian when it is none or outside 1990 .. next year."""

    name = "TANGGAL"

    def convert(self, value, param, ctx):
        from datetime import date

        from sopgen.conformance.dates import DATE_HINT, parse_date, plausible_window

        if isinstance(value, date):
            return value
        parsed = parse_date(str(value))
        if parsed is None:
            self.fail(f"'{value}' bukan tanggal yang sah; {DATE_HINT}", param, ctx)
        lo, hi = plausible_window()
        if not lo <= parsed <= hi:
            self.fail(f"'{value}' dibaca {parsed:%d/%m/%Y}, di luar {lo:%Y} sampai {hi:%Y}; periksa tahunnya", param, ctx)
        return parsed


def _load_checked_sops():
    """The project and its valid SOPs; prints validation errors and exits 1 when there are any."""
    from sopgen.source.validate import validate as run_validation

    result = run_validation(None)
    if not (result.project.root / "sops").is_dir():
        raise click.UsageError(f"folder sops/ tidak ada di {result.project.root}; jalankan dari folder proyek sopgen")
    if result.errors:
        # Imported only here: the reporters pull in xml.sax and with it urllib.request and
        # http.client, 13 ms of every check's start.
        from sopgen.source.reporters import REPORTERS

        click.echo(REPORTERS["text"](result), err=True)
        click.echo("SOP atau sopgen.toml tidak sah: perbaiki dulu (sopgen validate), log tidak diperiksa.", err=True)
        sys.exit(1)
    if result.warnings:
        click.echo(f"{len(result.warnings)} peringatan validasi SOP (lihat: sopgen validate)", err=True)
    if not result.sops:
        raise click.UsageError(f"tidak ada SOP di {result.project.root / 'sops'}")
    return result.project, result.sops


def _budget(text: str | None) -> int:
    """--memori in bytes (the machine's half when not given); a usage error when not a size, a
    note when below the smallest budget the check plans with (`outofcore.effective_budget`)."""
    from sopgen.conformance.budget import BudgetError, default_budget, parse_budget

    if text is None:
        return default_budget()
    try:
        budget = parse_budget(text)
    except BudgetError as err:
        raise click.UsageError(str(err)) from None
    from sopgen.conformance.outofcore import effective_budget

    planned = effective_budget(budget)
    if planned > budget:  # said on stderr: the report itself is the one-frame check's
        click.echo(f"catatan: --memori {text.strip()} di bawah batas terkecil; pemeriksaan memakai {planned // 2**20} MB", err=True)
    return budget


@main.command("check")
@click.argument("logs", nargs=-1, required=True, type=click.Path())
@click.option("--sop", "sop_filter", multiple=True, metavar="NOMOR", help="Periksa SOP ini saja (boleh diulang).")
@click.option("--dari", type=_Tanggal(), help="Hanya kasus yang mulai pada/sesudah tanggal ini.")
@click.option("--sampai", type=_Tanggal(), help="Hanya kasus yang mulai pada/sebelum tanggal ini.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv", "html", "pdf", "monitoring"]), default="text", show_default=True,
    help="Bentuk laporan; monitoring: Formulir Monitoring Pelaksanaan SOP AP (Permenpan RB 35/2012), -o BERKAS.xlsx atau .pdf.",
)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Tulis laporan ke berkas ini.")
@click.option("--elapsed", is_flag=True, help="Durasi dalam menit berlalu, bukan menit kerja.")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="PERSEN", help="Exit 1 bila kepatuhan di bawah PERSEN.")
@click.option("--csv-polos", "csv_plain", is_flag=True, default=None, help="CSV dengan ',' dan titik desimal (bawaan: ';' dan koma, untuk Excel Indonesia).")
@click.option(
    "--memori", "memory", metavar="UKURAN",
    help="Batas memori, mis. 4GB; log yang butuh lebih diperiksa per bagian lewat folder sementara (bawaan: separuh memori mesin).",
)
@click.option(
    "--spark", "spark_master", metavar="MASTER",
    help="Periksa di Spark (local[2], spark://host:7077, yarn); LOGS boleh berkas, folder atau URI yang dibaca Spark (hdfs://, s3a://). "
    "Butuh pip install 'sopgen[spark]' dan Java 17.",
)
def check_cmd(logs, sop_filter, dari, sampai, fmt, output, elapsed, fail_under, csv_plain, memory, spark_master) -> None:
    """Periksa log kegiatan (.xlsx, .csv, .jsonl, .parquet) terhadap SOP proyek."""
    local = [Path(p) for p in logs if spark_master is None or "://" not in p]
    missing = [str(p) for p in local if not p.exists()] if spark_master is None else []
    if missing:
        raise click.UsageError(one_line(f"berkas log tidak ditemukan: {', '.join(missing)}"))
    budget = _budget(memory)
    # Importing, loading, reading and checking build almost no reference cycles, yet the cyclic
    # collector would rescan every object the imports made, again and again (0.1 s of a
    # one-million-row check). The reports (jinja2, WeasyPrint) run with it on again.
    gc.disable()
    from sopgen.conformance.engine import CheckError, check_logs
    from sopgen.conformance.report import BINARY_FORMATS, ReportOptions, report_summary_line, save_report, print_text
    from sopgen.source.project import CONFIG_NAME

    try:
        if fmt in BINARY_FORMATS and output is None:
            raise click.UsageError(f"--format {fmt} butuh --output BERKAS" + (" (.xlsx atau .pdf)" if fmt == "monitoring" else ""))
        if fmt == "monitoring":
            suffix = output.suffix.lower().lstrip(".")
            if suffix not in ("xlsx", "pdf"):
                raise click.UsageError(f"--format monitoring: --output '{output}' harus berakhiran .xlsx atau .pdf")
            fmt = f"monitoring-{suffix}"
        project, sops = _load_checked_sops()
        inputs = [*local, *(s.path for s in sops), project.root / CONFIG_NAME]
        if output is not None:
            _refuse_output_over_input(output, inputs)
        settings = {"period": (dari, sampai), "sop_filter": list(sop_filter) or None, "elapsed": elapsed}
        if spark_master is not None:
            from sopgen.conformance.spark import check_spark

            result = check_spark(project, sops, spark_master, list(logs), **settings)
        else:
            result = check_logs(project, sops, local, memory=budget, **settings)
    except CheckError as err:
        raise click.UsageError(str(err)) from None
    finally:
        gc.enable()
    options = ReportOptions(project=project, color=sys.stdout.isatty(), csv_plain=csv_plain or None)
    with result:  # a check out of core keeps its findings on disk until the report is written
        if output is None and fmt == "text":
            print_text(result, options)
        elif output is None:
            from sopgen.conformance.report import write_report

            sys.stdout.flush()
            stream = sys.stdout.buffer
            write_report(result, fmt, stream, options)
            stream.flush()
        else:
            try:
                save_report(result, fmt, output, options, inputs)
            except OSError as err:
                click.echo(one_line(f"laporan tidak bisa ditulis ke '{output}': {err.strerror or err}"), err=True)
                sys.exit(1)
            click.echo(report_summary_line(result, output))
    code = 0
    for e in result.file_errors:
        click.echo(f"galat: {one_line(e.message)}", err=True)
        code = 1
    if fail_under is not None:
        percent = result.compliance
        if percent is None or percent < fail_under:
            shown = "tidak ada baris yang diperiksa" if percent is None else f"kepatuhan {percent:.1f} %".replace(".", ",")
            click.echo(f"gagal: {shown}, di bawah batas --fail-under {fail_under:g} %", err=True)
            code = 1
    sys.exit(code)


@main.command("log-template")
@click.argument("sops", nargs=-1, metavar="[SOP]...")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=Path("templat-log.xlsx"), show_default=True)
@click.option("--force", is_flag=True, help="Timpa berkas yang sudah ada.")
def log_template_cmd(sops, output, force) -> None:
    """Tulis templat log Excel (.xlsx) untuk SOP (nomor atau berkas YAML; bawaan: semua SOP)."""
    from sopgen.conformance.engine import CheckError, select_sops
    from sopgen.conformance.logtemplate import write_log_template

    if output.suffix.lower() != ".xlsx":
        raise click.UsageError(f"--output '{output}': templat log adalah berkas .xlsx")
    if output.exists() and not force:
        raise click.UsageError(f"'{output}' sudah ada (mungkin log yang sudah diisi); pakai --force untuk menimpanya")
    if click.get_current_context().get_parameter_source("output") is click.core.ParameterSource.DEFAULT:
        # A pipe or device is written into only when named with --output: one that merely
        # sits at the default name would make the write wait forever, or go where nobody asked.
        from sopgen.files import OutputRefused, check_owned

        try:
            check_owned(output)
        except OutputRefused as err:
            raise click.UsageError(f"{err} (atau sebut tujuan lain dengan --output BERKAS.xlsx)") from None
    project, all_sops = _load_checked_sops()
    try:
        chosen = select_sops(all_sops, list(sops), base=Path.cwd()) if sops else all_sops
    except CheckError as err:
        raise click.UsageError(str(err)) from None
    from sopgen.conformance.people import PeopleError, load_people
    from sopgen.source.project import CONFIG_NAME

    try:
        people = load_people(project.root)
    except PeopleError as err:
        raise click.UsageError(str(err)) from None
    inputs = [*(s.path for s in all_sops), project.root / CONFIG_NAME, project.root / "pegawai.csv"]
    _refuse_output_over_input(output, inputs)
    try:
        write_log_template(chosen, output, inputs=inputs, people=people)
    except OSError as err:
        click.echo(one_line(f"templat tidak bisa ditulis ke '{output}': {err.strerror or err}"), err=True)
        sys.exit(1)
    names = ", ".join(s.nomor for s in chosen)
    click.echo(one_line(f"Templat log ditulis ke {output} ({len(chosen)} lembar: {names})"))


@main.command("book")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Berkas PDF buku (bawaan: buku-sop.pdf di folder keluaran).")
@click.option("--strict", is_flag=True, help="Peringatan validasi (mis. isian kosong) juga menggagalkan.")
def book_cmd(output: Path | None, strict: bool) -> None:
    """Tulis buku SOP satu PDF: sampul, Keputusan penetapan, daftar isi, semua SOP yang berlaku."""
    from sopgen.files import OutputRefused
    from sopgen.render.book import write_book
    from sopgen.render.html import RenderError
    from sopgen.source.reporters import REPORTERS
    from sopgen.source.validate import validate as run_validation

    result = run_validation(None)
    if not (result.project.root / "sops").is_dir():
        raise click.UsageError(f"folder sops/ tidak ada di {result.project.root}; jalankan dari folder proyek sopgen")
    if result.failed(strict):
        click.echo(REPORTERS["text"](result, strict=strict), err=True)
        click.echo("SOP atau sopgen.toml belum sah: perbaiki dulu (sopgen validate); buku tidak ditulis.", err=True)
        sys.exit(1)
    if output is not None:
        _refuse_output_over_input(output, [s.path for s in result.sops])
    try:
        path, book = write_book(result.project, result.sops, output)
    except (RenderError, OutputRefused) as err:
        click.echo(f"buku tidak ditulis: {err}", err=True)
        sys.exit(2 if isinstance(err, OutputRefused) else 1)
    except OSError as err:
        click.echo(f"buku tidak bisa ditulis: {err.strerror or err}", err=True)
        sys.exit(1)
    click.echo(f"Buku SOP ditulis ke {path}: {book.pages} halaman, {len(book.entries)} SOP")
    for sop in book.skipped:
        click.echo(f"tidak dibukukan (status {sop.status}): {sop.file}")


# --- authoring: a new project, a new SOP, a live preview -----------------------------------


@main.command("init")
@click.argument("folder", required=False, default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--pemerintah", metavar="TEKS", help="Pemerintah daerah, mis. \"Pemerintah Kabupaten Mojokerto\".")
@click.option("--nama", metavar="TEKS", help="Nama instansi, mis. \"Kecamatan Dawarblandong\".")
@click.option("--alamat", metavar="TEKS", help="Alamat kantor.")
@click.option("--telepon", metavar="TEKS", help="Telepon kantor.")
@click.option("--kota", metavar="TEKS", help="Kota/tempat di bawah alamat pada kop.")
@click.option("--kertas", "ukuran", type=click.Choice(["F4", "A4"]), help="Ukuran kertas (bawaan F4).")
@click.option("--orientasi", type=click.Choice(["lanskap", "potret"]), help="Orientasi kertas (bawaan lanskap).")
def init_cmd(folder: Path, **given) -> None:
    """Buat proyek SOP baru: sopgen.toml, sops/ dengan satu contoh, README, .gitignore, hook dan CI.

    Tanpa pilihan dan di terminal, sopgen menanyakan kop kantor; yang tidak dijawab diberi
    isian sementara yang bisa diubah nanti di sopgen.toml.
    """
    from sopgen.authoring.scaffold import init_project, office_from
    from sopgen.authoring.sopfile import AuthoringError

    interactive = not any(v is not None for v in given.values()) and sys.stdin.isatty()
    office = office_from(given, (lambda q, d: click.prompt(q, default=d)) if interactive else None)
    try:
        result = init_project(folder, office)
    except AuthoringError as err:
        raise click.UsageError(str(err)) from None
    click.echo(f"Proyek SOP dibuat di {folder}:")
    for path in result.files:
        click.echo(f"  {path.relative_to(result.root).as_posix()}")
    go = "" if folder == Path(".") else f"cd {folder}  lalu  "
    click.echo(f"Berikutnya: {go}sopgen new \"Nama SOP\"  ·  sopgen preview  ·  sopgen build")


@main.command("new")
@click.argument("nama")
@click.option("--pelaksana", "actors", multiple=True, metavar="JABATAN", help="Pelaksana (satu lajur flowchart); boleh diulang, berurutan.")
def new_cmd(nama: str, actors: tuple[str, ...]) -> None:
    """Buat berkas SOP baru di sops/ dengan semua bagian dan penjelasannya.

    Nomor berikutnya diambil dari pola nomor SOP yang sudah ada (tahun berjalan); tanpa pola,
    nomor dibiarkan kosong untuk diisi saat SOP ditetapkan. Nama berkas dari nomor dan nama
    SOP. Berkas yang sudah ada tidak pernah ditimpa.
    """
    from sopgen.authoring.newsop import new_sop
    from sopgen.authoring.sopfile import AuthoringError
    from sopgen.source.project import load_project

    project, _ = load_project(Path.cwd())
    try:
        made = new_sop(project, nama, list(actors))
    except AuthoringError as err:
        raise click.UsageError(str(err)) from None
    click.echo(f"SOP baru: {project.display(made.path)} ({'nomor ' + made.nomor if made.nomor else 'tanpa nomor'})")
    todo = ["aktivitas dan mutu baku setiap langkah", "dasar hukum dan kotak identitas lain"]
    if not made.numbered:
        todo.insert(0, "nomor SOP saat ditetapkan (dibiarkan kosong: belum ada pola nomor di proyek ini)")
    if not made.copied_signer:
        todo.append("pejabat yang mengesahkan (nama, NIP)")
    click.echo("Lengkapi: " + "; ".join(todo) + ". Lalu: sopgen preview atau sopgen build")


@main.command("preview")
@click.argument("sop", required=False, metavar="[SOP]")
@click.option("--port", type=click.IntRange(0, 65535), default=0, metavar="ANGKA", help="Port di 127.0.0.1 (bawaan: port yang bebas).")
@click.option("--tanpa-browser", is_flag=True, help="Jangan buka browser; cukup tulis alamatnya.")
@click.option("--stop-after", type=click.FloatRange(min=0), hidden=True)
def preview_cmd(sop: str | None, port: int, tanpa_browser: bool, stop_after: float | None) -> None:
    """Tampilkan SOP (HTML dan PDF) di browser; diperbarui sendiri setiap berkas disimpan.

    Server hanya di komputer ini (127.0.0.1); galat validasi tampil di halaman dengan berkas
    dan barisnya. SOP: berkas, nomor, atau kosong untuk daftar semua SOP.
    """
    import threading
    import webbrowser

    from sopgen.authoring.server import start

    if not (Path.cwd() / "sops").is_dir() and sop is None:
        from sopgen.source.project import find_root

        if not (find_root(Path.cwd()) / "sops").is_dir():
            raise click.UsageError("folder sops/ tidak ada; jalankan dari folder proyek sopgen (atau buat dengan: sopgen init)")
    try:
        preview = start(Path.cwd(), port)
    except OSError as err:
        raise click.UsageError(f"port {port} di 127.0.0.1 tidak bisa dipakai ({err.strerror or err}); pilih --port lain") from None
    try:
        page = ""
        if sop is not None:
            slug = preview.workspace.find(sop)
            if slug is None:
                raise click.UsageError(f"SOP '{sop}' tidak ada di proyek (sebut berkas, nomor, atau kosongkan)")
            page = f"{slug}.html"
        click.echo(f"Pratinjau: {preview.url}{page}  (Ctrl-C untuk berhenti)")
        if not tanpa_browser and sys.stdout.isatty():
            webbrowser.open(preview.url + page)
        threading.Event().wait(stop_after)
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
    for problem in preview.errors:
        click.echo(problem, err=True)
    click.echo("Pratinjau berhenti.")


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--ke", "folder", type=click.Path(path_type=Path, file_okay=False), help="Folder tujuan (bawaan: sops/ proyek).")
def import_cmd(files: tuple[Path, ...], folder: Path | None) -> None:
    """Impor SOP dari Word (.docx) atau Excel (.xlsx) berformat Permenpan RB 35/2012 menjadi YAML.

    Setiap tebakan ditandai '# periksa:' di barisnya dan didaftar di sini; berkas yang sudah ada
    tidak pernah ditimpa. Berkas baru langsung diperiksa seperti sopgen validate.
    """
    from sopgen.authoring.importer import ImportProblem, import_document
    from sopgen.authoring.sopfile import AuthoringError
    from sopgen.source.project import load_project

    missing = [str(p) for p in files if not p.exists()]
    if missing:
        raise click.UsageError(f"tidak ditemukan: {', '.join(missing)}")
    project, _ = load_project(Path.cwd())
    code = 0
    for source in files:
        shown = one_line(str(source))
        try:
            done = import_document(source, project, folder)
        except (ImportProblem, AuthoringError) as err:
            click.echo(f"{shown}: tidak diimpor: {one_line(str(err))}", err=True)
            code = 1
            continue
        except OSError as err:
            click.echo(f"{shown}: tidak diimpor: {one_line(err.strerror or str(err))}", err=True)
            code = 1
            continue
        target = project.display(done.path)
        click.echo(f"{shown} -> {target} ({len(done.guesses)} tebakan untuk diperiksa)")
        for line, note in done.guesses:
            click.echo(f"  {target}:{line}: periksa: {note}")
        errors = [d for d in done.diagnostics if d.severity == "error"]
        for d in done.diagnostics:
            click.echo(f"  {d.format()}")
        if errors:
            click.echo(f"  belum sah: {len(errors)} galat di atas; perbaiki di {target}, lalu jalankan sopgen validate")
            code = 1
        else:
            click.echo("  sah menurut sopgen validate" + (f" ({len(done.diagnostics)} peringatan)" if done.diagnostics else ""))
    sys.exit(code)
