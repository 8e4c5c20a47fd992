"""Validation of a whole project: every file, every rule, all problems in one run.

Stages per file: load (YAML with positions) → shape (JSON Schema) → rules → model. Then the
project-wide rules (unique nomor, keterkaitan, logo). Nothing is written here, so `build`
can validate everything before it writes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sopgen import rules, shape
from sopgen.diagnostics import ERROR, WARNING, Diagnostic, diag, did_you_mean
from sopgen.model import Sop, build_sop
from sopgen.project import Project, discover, load_project
from sopgen.yamlload import SourceMap, load_file

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


@dataclass
class FileResult:
    path: Path
    file: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    data: dict | None = None
    source: SourceMap = field(default_factory=SourceMap)
    sop: Sop | None = None


@dataclass
class ValidationResult:
    project: Project
    files: list[FileResult]
    project_diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        out = list(self.project_diagnostics)
        for f in self.files:
            out.extend(f.diagnostics)
        return sorted(set(out), key=lambda d: (d.file, d.line, d.column, d.code, d.message))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == WARNING]

    @property
    def sops(self) -> list[Sop]:
        return [f.sop for f in self.files if f.sop is not None]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))


def validate_file(path: Path, project: Project, display: str | None = None) -> FileResult:
    file = display or project.display(path)
    result = FileResult(path, file)
    loaded = load_file(path, file)
    result.diagnostics.extend(loaded.diagnostics)
    if loaded.data is None:
        return result
    data = loaded.data
    result.diagnostics.extend(shape.check(data, loaded.source, file))
    ctx = rules.Context(file, data, loaded.source, project.config.calendar.minutes_per_day)
    result.diagnostics.extend(rules.check(ctx))
    result.diagnostics.extend(_instansi(data, loaded.source, file, project))
    result.data = data
    result.source = loaded.source
    if not any(d.severity == ERROR for d in result.diagnostics):
        result.sop = build_sop(
            data,
            path=path,
            file=file,
            source=loaded.source,
            instansi_default=project.config.instansi,
            minutes_per_day=project.config.calendar.minutes_per_day,
        )
    return result


def _instansi(data: dict, source, file: str, project: Project) -> list[Diagnostic]:
    own = data.get("instansi") if isinstance(data.get("instansi"), dict) else {}
    merged = {**project.config.instansi, **own}
    out = []
    for key in ("pemerintah", "nama"):
        if not merged.get(key):
            line, col = source.value_pos(("instansi",)) if own else (1, 1)
            out.append(diag(file, line, col, "SOP506", f"instansi › {key} tidak ada di SOP ini maupun di [instansi] sopgen.toml; isi salah satunya"))
    if isinstance(own.get("logo"), str):
        line, col = source.value_pos(("instansi", "logo"))
        out.extend(check_logo(own["logo"], project, file, line, col))
    return out


def check_logo(logo: str, project: Project, file: str, line: int, col: int) -> list[Diagnostic]:
    target = project.inside(logo)
    if target is None:
        return [diag(file, line, col, "SOP503", f"logo '{logo}' harus berkas di dalam folder proyek (bukan URL atau jalur keluar dengan '..')")]
    if not target.is_file():
        return [diag(file, line, col, "SOP504", f"berkas logo '{logo}' tidak ditemukan di proyek")]
    head = target.read_bytes()[:512]
    is_svg = target.suffix.lower() == ".svg" and b"<svg" in target.read_bytes()[:4096]
    if not (head.startswith(_IMAGE_MAGIC) or is_svg):
        return [diag(file, line, col, "SOP505", f"berkas logo '{logo}' bukan gambar PNG, JPEG, GIF atau SVG")]
    return []


def validate(paths: list[Path] | None = None, project: Project | None = None) -> ValidationResult:
    """Validate SOP files (default: the project's `sops/`) and the project config."""
    config_diags: list[Diagnostic] = []
    if project is None:
        start = paths[0] if paths else Path.cwd()
        project, config_diags = load_project(start)
    targets = discover(paths or [project.root / "sops"])
    files = [validate_file(p, project) for p in targets]
    result = ValidationResult(project, files, config_diags)
    result.project_diagnostics.extend(_config_logo(project))
    result.project_diagnostics.extend(_project_rules(files))
    return result


def _config_logo(project: Project) -> list[Diagnostic]:
    logo = project.config.instansi.get("logo")
    if not isinstance(logo, str) or not project.config.file:
        return []
    from sopgen.project import _line_of

    text = (project.root / "sopgen.toml").read_text(encoding="utf-8-sig")
    return check_logo(logo, project, project.config.file, _line_of(text, "instansi", "logo"), 1)


def _project_rules(files: list[FileResult]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    first: dict[str, FileResult] = {}
    for f in files:
        nomor = (f.data or {}).get("nomor")
        if not isinstance(nomor, str):
            continue
        if nomor in first:
            line, col = f.source.value_pos(("nomor",))
            out.append(diag(f.file, line, col, "SOP501", f"nomor '{nomor}' sudah dipakai {first[nomor].file}; nomor SOP harus unik"))
        else:
            first[nomor] = f
    known = set(first)
    for f in files:
        data = f.data or {}
        items = data.get("keterkaitan") if isinstance(data.get("keterkaitan"), list) else []
        for i, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("nomor"), str) and item["nomor"] not in known:
                line, col = f.source.value_pos(("keterkaitan", i, "nomor"))
                out.append(diag(f.file, line, col, "SOP502", f"keterkaitan menunjuk SOP nomor '{item['nomor']}' yang tidak ada di proyek{did_you_mean(item['nomor'], known)}"))
    return out

