"""The command line: thin wrappers over plain functions, exit codes 0 ok, 1 problems, 2 usage."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sopgen import __version__


class SopgenGroup(click.Group):
    """Usage errors exit 2 (click's default too); anything unexpected is not a user mistake."""


@click.group(cls=SopgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sopgen", message="%(prog)s %(version)s")
def main() -> None:
    """sopgen: SOP Administrasi Pemerintahan (Permenpan RB 35/2012) sebagai kode."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Bentuk laporan.")
@click.option("--strict", is_flag=True, help="Peringatan juga menggagalkan (exit 1).")
def validate(paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Periksa berkas SOP (bawaan: folder sops/ proyek) dan sopgen.toml."""
    from sopgen.reporters import REPORTERS
    from sopgen.validate import validate as run

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"tidak ditemukan: {', '.join(map(str, missing))}")
    result = run(list(paths) or None)
    if not paths and not (result.project.root / "sops").is_dir():
        raise click.UsageError(f"folder sops/ tidak ada di {result.project.root}; sebutkan berkas atau folder SOP")
    click.echo(REPORTERS[fmt](result))
    sys.exit(1 if result.failed(strict) else 0)


@main.command("rules")
def rules_cmd() -> None:
    """Daftar kode aturan validasi (Markdown)."""
    from sopgen.diagnostics import rules_markdown

    click.echo(rules_markdown(), nl=False)
