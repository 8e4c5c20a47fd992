"""`sopgen import`: SOPs written in Word or Excel (the Permenpan RB 35/2012 form) to YAML.

read (docx / xlsx → grids of cells with their shapes) → identity (labels of the identity
sheet) → mechanism (the Mekanisme table: actors, rows, lanes, branches) → assemble (draft with
every guess noted) → emit (YAML text with `# periksa:` comments) → write (never over a file)
→ validate (the new file, so the person sees at once what still needs fixing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sopgen.authoring.importer.grid import Grid, ImportProblem
from sopgen.source.diagnostics import Diagnostic
from sopgen.source.project import Project

__all__ = ["ImportProblem", "Imported", "import_document", "read_grids", "convert"]


@dataclass
class Imported:
    source: Path
    path: Path  # the SOP file written
    text: str
    guesses: list[tuple[int, str]]  # (line, note) of every `# periksa:` comment
    diagnostics: list[Diagnostic] = field(default_factory=list)


def read_grids(path: Path) -> list[Grid]:
    suffix = path.suffix.lower()
    if suffix in (".docx", ".docm"):
        from sopgen.authoring.importer.docx import read_docx

        return read_docx(path)
    if suffix in (".xlsx", ".xlsm"):
        from sopgen.authoring.importer.xlsx import read_xlsx

        return read_xlsx(path)
    if suffix in (".doc", ".xls"):
        raise ImportProblem(f"format lama {suffix}; buka di Office lalu 'Simpan Sebagai' {suffix}x, kemudian impor berkas {suffix}x itu")
    raise ImportProblem("hanya berkas Word (.docx) atau Excel (.xlsx) yang dapat diimpor")


def convert(path: Path, project: Project) -> tuple[str, list[tuple[int, str]], str | None, str]:
    """(YAML text, guesses, nomor, nama) of one document; nothing is written."""
    from sopgen.authoring.importer import assemble
    from sopgen.authoring.importer.draft import Draft
    from sopgen.authoring.importer.emit import sop_yaml
    from sopgen.authoring.importer.identity import read_identity, several_sops
    from sopgen.authoring.importer.mechanism import find_columns, mechanism
    from sopgen.authoring.importer.shapes import GROUP

    grids = read_grids(path)
    several = several_sops(grids, sum(find_columns(g) is not None for g in grids))
    if several:
        shown = ", ".join(f"'{s[:60]}'" for s in several[:5]) + (", ..." if len(several) > 5 else "")
        raise ImportProblem(
            f"dokumen ini memuat {len(several)} SOP ({shown}); sopgen mengimpor satu SOP per dokumen: simpan tiap SOP "
            "sebagai dokumen sendiri (di Excel: tiap lembar sebagai buku kerja sendiri), lalu impor masing-masing"
        )
    draft = Draft()
    read_identity(grids, draft, dict(project.config.instansi))
    cols, rows, shapes = mechanism(grids)
    if not rows:
        raise ImportProblem("tabel Mekanisme ditemukan tetapi tanpa langkah (baris kegiatan)")
    if cols.skipped:
        draft.note(("langkah",), "baris bernomor tanpa isi tidak dijadikan langkah: " + "; ".join(cols.skipped[:5]) + ("; ..." if len(cols.skipped) > 5 else ""))
    ids = assemble.actors(draft, cols)
    if not any(r.how == "bentuk" for r in rows) and any(s.kind == GROUP for s in shapes):
        draft.note(("pelaksana",), "bagan digambar sebagai satu kelompok (group) sehingga kolom tiap langkah tidak terbaca dari bentuknya; pisahkan kelompoknya di Word lalu impor ulang, atau periksa pelaksana tiap langkah")
    assemble.steps(draft, cols, rows, shapes, ids)
    text, guesses = sop_yaml(draft, path.name)
    return text, guesses, draft.data.get("nomor"), draft.data.get("nama") or path.stem


def import_document(path: Path, project: Project, folder: Path | None = None) -> Imported:
    """Write `sops/<nomor>-<nama>.yaml` for one document and validate it. Raises ImportProblem
    (nothing written) for a file that cannot be read, AuthoringError when the target exists."""
    from sopgen.authoring.newsop import file_name
    from sopgen.authoring.sopfile import write_new
    from sopgen.source.validate import validate

    text, guesses, nomor, nama = convert(path, project)
    target = (folder or project.root / "sops") / file_name(nomor, nama)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_new(target, text)
    result = validate([target], project, models=False)
    return Imported(path, target, text, guesses, result.diagnostics)
