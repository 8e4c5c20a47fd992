"""Validation of a whole project: every file, every rule, all problems in one run.

Stages per file: load (YAML with positions) → shape (JSON Schema) → rules → model. Then the
project-wide rules (unique nomor, keterkaitan, logo). Nothing is written here, so `build`
can validate everything before it writes anything.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from sopgen.source import rules
from sopgen.source import shape
from sopgen.source import suppress
from sopgen.source.diagnostics import ERROR, Diagnostic, Severities, diag, did_you_mean
from sopgen.source.model import Sop, build_sop
from sopgen.source.project import Project, discover, load_project
from sopgen.source.yamlload import SourceMap, load_file
from sopgen.textsafe import clip, one_line

_EXAMPLE = {"pemerintah": "pemerintah = \"Pemerintah Kabupaten Mojokerto\"", "nama": "nama = \"Kecamatan Dawarblandong\""}


@dataclass
class FileResult:
    path: Path
    file: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    data: dict | None = None
    source: SourceMap = field(default_factory=SourceMap)
    sop: Sop | None = None
    # What the project-wide rules need, kept apart so a worker process can return just this.
    nomor: str | None = None
    nomor_pos: tuple[int, int] = (1, 1)
    links: list[tuple[str, int, int]] = field(default_factory=list)
    suppressions: list[suppress.Suppression] = field(default_factory=list)
    replaced_by: tuple[str, int, int] | None = None  # diganti_oleh with its position

    def take_facts(self) -> None:
        data = self.data or {}
        nomor = data.get("nomor")
        if isinstance(nomor, str):
            self.nomor, self.nomor_pos = nomor, self.source.value_pos(("nomor",))
        elif data:  # format 1.1: an SOP without a Nomor SOP is known by its file name
            self.nomor, self.nomor_pos = self.path.stem, self.source.key_pos(("nomor",))
        items = data.get("keterkaitan") if isinstance(data.get("keterkaitan"), list) else []
        for i, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("nomor"), str):
                self.links.append((item["nomor"], *self.source.value_pos(("keterkaitan", i, "nomor"))))
        if isinstance(data.get("diganti_oleh"), str):
            self.replaced_by = (data["diganti_oleh"], *self.source.value_pos(("diganti_oleh",)))

    def slim(self, models: bool) -> FileResult:
        """What crosses back from a worker: pickling the YAML tree and its positions would cost
        more than parsing it."""
        sop = dataclasses.replace(self.sop, source=SourceMap()) if models and self.sop is not None else None
        return dataclasses.replace(self, data=None, source=SourceMap(), sop=sop)


@dataclass
class ValidationResult(Severities):
    project: Project
    files: list[FileResult]
    project_diagnostics: list[Diagnostic] = field(default_factory=list)
    silenced: int = 0  # warnings silenced by `# sopgen: abaikan` comments
    configs_checked: int = 0  # sopgen.toml files named on the command line

    @property
    def diagnostics(self) -> list[Diagnostic]:
        out = list(self.project_diagnostics)
        for f in self.files:
            out.extend(f.diagnostics)
        return sorted(set(out), key=lambda d: (d.file, d.line, d.column, d.code, d.message))

    @property
    def sops(self) -> list[Sop]:
        return [f.sop for f in self.files if f.sop is not None]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))


def validate_file(path: Path, project: Project, display: str | None = None, model: bool = True) -> FileResult:
    """Every diagnostic of one file; `model=False` skips building the Sop (diagnostics only)."""
    file = display or project.display(path)
    result = FileResult(path, file)
    if _links_out(path, project):
        result.diagnostics.append(diag(file, 1, 1, "SOP507", "berkas ini tautan (symlink) ke luar folder proyek; salin berkasnya ke sops/ bila memang bagian proyek ini"))
        return result
    loaded = load_file(path, file)
    result.diagnostics.extend(loaded.diagnostics)
    if loaded.data is None:
        return result
    data = loaded.data
    result.suppressions, problems = suppress.find(_text(path), file)
    result.diagnostics.extend(problems)
    result.diagnostics.extend(shape.check(data, loaded.source, file))
    ctx = rules.Context(file, data, loaded.source, project.config.calendar.minutes_per_day, project.config.limits)
    result.diagnostics.extend(rules.check(ctx))
    result.diagnostics.extend(_lanes_fit(data, loaded.source, file, project))
    result.diagnostics.extend(_instansi(data, loaded.source, file, project))
    result.data = data
    result.source = loaded.source
    result.take_facts()
    long_text = _has_long_text(data)
    if (model or long_text) and not any(d.severity == ERROR for d in result.diagnostics):
        sop = build_sop(
            data,
            path=path,
            file=file,
            source=loaded.source,
            instansi_default=project.config.instansi,
            minutes_per_day=project.config.calendar.minutes_per_day,
        )
        if long_text:
            result.diagnostics.extend(_rows_fit(sop, loaded.source, file, project))
        if model and not any(d.severity == ERROR for d in result.diagnostics):
            result.sop = sop
    return result


_LONG_TEXT = 400  # characters in one step's text below which a row fits any paper


def _has_long_text(data: dict) -> bool:
    steps = data.get("langkah") if isinstance(data.get("langkah"), list) else []
    return any(len(text) > _LONG_TEXT for step in steps if isinstance(step, dict) for text in rules.step_texts(step))


def _rows_fit(sop: Sop, source: SourceMap, file: str, project: Project) -> list[Diagnostic]:
    """A step whose row is taller than a page is refused here, with the reason, instead of
    failing the build. Exact: the same layout pass as the build, run only for an SOP with a
    long step text (a real SOP's rows are far from it; the pass costs a fraction of a second)."""
    from sopgen.render.html import RenderError
    from sopgen.render.pdf import rows_fit

    try:
        step = rows_fit(sop, project)
    except RenderError:
        return []  # another drawing problem: the build says it, with the file
    if step is None:
        return []
    paper = project.config.paper
    line, col = source.key_pos(("langkah", step - 1))
    return [diag(file, line, col, "SOP509", f"baris langkah {step} lebih tinggi dari satu halaman kertas {paper.ukuran} {paper.orientasi} (teksnya terlalu panjang); persingkat teks langkah itu, bagi menjadi dua langkah, atau pakai kertas F4 lanskap")]


def _text(path: Path) -> str:
    """The text of a file that has just loaded (so it is within the size limit), for comments."""
    try:
        return path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        return ""


def _instansi(data: dict, source, file: str, project: Project) -> list[Diagnostic]:
    own = data.get("instansi") if isinstance(data.get("instansi"), dict) else {}
    merged = {**project.config.instansi, **own}
    out = []
    for key in ("pemerintah", "nama"):
        # With a broken sopgen.toml its [instansi] is unknown: SOP601/602 say so, once.
        if not merged.get(key) and project.config.valid:
            line, col = source.value_pos(("instansi",)) if own else (1, 1)
            out.append(diag(file, line, col, "SOP506", f"instansi › {key} tidak ada di SOP ini maupun di [instansi] sopgen.toml; isi salah satunya, mis. {_EXAMPLE[key]}"))
    if isinstance(own.get("logo"), str) and own["logo"]:  # "" blanks the config's logo
        line, col = source.value_pos(("instansi", "logo"))
        out.extend(check_logo(own["logo"], project, file, line, col))
    return out


def _links_out(path: Path, project: Project) -> bool:
    """A file that stands inside the project but whose real place is outside it."""
    root = project.root.resolve()
    seen = Path(os.path.abspath(path))
    real = path.resolve()
    inside = lambda p: p == root or root in p.parents  # noqa: E731
    return inside(seen) and not inside(real)


def _lanes_fit(data: dict, source: SourceMap, file: str, project: Project) -> list[Diagnostic]:
    """The flowchart needs a minimum width per actor: refuse what the paper cannot hold,
    instead of failing while drawing."""
    actors = data.get("pelaksana")
    if not isinstance(actors, list) or len(actors) <= 4:
        return []
    from sopgen.render.html import max_lanes

    most = max_lanes(project)
    if len(actors) <= most:
        return []
    paper = project.config.paper
    line, col = source.key_pos(("pelaksana",))
    return [diag(file, line, col, "SOP508", f"{len(actors)} pelaksana tidak muat pada kertas {paper.ukuran} {paper.orientasi} (paling banyak {most} lajur); gabungkan pelaksana, atau pakai [kertas] F4 lanskap")]


def check_logo(logo: str, project: Project, file: str, line: int, col: int) -> list[Diagnostic]:
    from sopgen.source.logo import LogoProblem, inspect_logo

    target = project.inside(logo)
    shown = one_line(clip(logo, 60))
    if target is None:
        why = "URL" if "://" in logo else "jalur mutlak" if logo.startswith(("/", "\\")) or logo[1:2] == ":" else "jalur keluar dengan '..'" if ".." in logo else "tautan ke luar proyek"
        return [diag(file, line, col, "SOP503", f"logo '{shown}' adalah {why}; logo harus berkas di dalam folder proyek, mis. 'logo/kabupaten.png' (unduh dulu bila perlu)")]
    if not target.is_file():
        return [diag(file, line, col, "SOP504", f"berkas logo '{shown}' tidak ditemukan; jalur logo dihitung dari folder proyek (tempat sopgen.toml), periksa nama dan foldernya")]
    try:
        inspect_logo(target)
    except LogoProblem as e:
        return [diag(file, line, col, "SOP505", f"berkas logo '{shown}' {e}")]
    except OSError as e:
        return [diag(file, line, col, "SOP504", f"berkas logo '{shown}' tidak terbaca ({e.strerror}); periksa izin berkasnya")]
    return []


def validate(paths: list[Path] | None = None, project: Project | None = None, *, models: bool = True) -> ValidationResult:
    """Validate SOP files (default: the project's `sops/`) and the project config.

    `models=False`: the caller wants only the diagnostics (`sopgen validate`), so results of
    files validated in worker processes come back without their Sop model.
    """
    # Reading YAML allocates many short-lived container objects while the results of earlier
    # files stay alive; the cyclic collector then rescans everything again and again (it took
    # 3/4 of the time for 1,000 files). Nothing here builds reference cycles that need it.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _validate(paths, project, models)
    finally:
        if enabled:
            gc.enable()


def _validate(paths: list[Path] | None, project: Project | None, models: bool) -> ValidationResult:
    config_diags: list[Diagnostic] = []
    if project is None:
        start = paths[0] if paths else Path.cwd()
        project, config_diags = load_project(start)
    configs = [p for p in paths or [] if p.suffix.lower() == ".toml"]
    sop_paths = [p for p in paths or [] if p not in configs]
    targets = discover(sop_paths or ([] if configs else [project.root / "sops"]))
    files = _validate_files(targets, project, models)
    result = ValidationResult(project, files, config_diags, configs_checked=len(configs))
    result.project_diagnostics.extend(_config_logo(project))
    result.project_diagnostics.extend(_other_configs(configs, project))
    if targets:
        result.project_diagnostics.extend(_project_rules(files, _rest_of_project(project, targets)))
    _apply_suppressions(result)
    return result


def _other_configs(configs: list[Path], project: Project) -> list[Diagnostic]:
    """`sopgen validate sopgen.toml` reads it as the config it is (the project's own config is
    read already); a config of another project is read too; another .toml is not sopgen's."""
    from sopgen.source.project import CONFIG_NAME, load_config

    out: list[Diagnostic] = []
    for p in dict.fromkeys(configs):
        if p.name != CONFIG_NAME:
            out.append(diag(project.display(p), 1, 1, "SOP601", f"'{one_line(p.name)}' bukan konfigurasi sopgen; konfigurasi proyek bernama {CONFIG_NAME}"))
        elif p.resolve().parent != project.root.resolve():
            out.extend(load_config(p.resolve().parent)[1])
    return out


def _apply_suppressions(result: ValidationResult) -> None:
    """`# sopgen: abaikan KODE` silences warnings of its file and line, project-wide ones too."""
    for f in result.files:
        if not f.suppressions:
            continue
        own = [d for d in result.project_diagnostics if d.file == f.file]
        before = len(f.diagnostics) + len(own)
        kept = suppress.apply([*f.diagnostics, *own], f.suppressions, f.file)
        result.silenced += before - sum(1 for d in kept if d.code != "SOP801")
        result.project_diagnostics = [d for d in result.project_diagnostics if d.file != f.file]
        f.diagnostics = kept


PARALLEL_MIN_FILES = 200
_FORKED: tuple[Project, bool] | None = None


def _validate_files(targets: list[Path], project: Project, models: bool) -> list[FileResult]:
    """Files one by one, or across the cores for a large project (1,000 files: parsing YAML
    alone takes over a second on one core). Workers are forked, so they start in milliseconds
    and inherit the project; fork is only safe while this is the process's only thread."""
    global _FORKED
    workers = min(os.cpu_count() or 1, 8)
    if (
        len(targets) < PARALLEL_MIN_FILES
        or workers < 2
        or threading.active_count() > 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [validate_file(p, project, model=models) for p in targets]
    size = -(-len(targets) // (workers * 4))
    chunks = [targets[i : i + size] for i in range(0, len(targets), size)]
    _FORKED = (project, models)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [r for part in pool.map(_validate_chunk, chunks) for r in part]
    except (BrokenProcessPool, OSError):
        return [validate_file(p, project, model=models) for p in targets]
    finally:
        _FORKED = None


def _validate_chunk(paths: list[Path]) -> list[FileResult]:
    assert _FORKED is not None
    project, models = _FORKED
    return [validate_file(p, project, model=models).slim(models) for p in paths]


def _rest_of_project(project: Project, targets: list[Path]) -> list[FileResult]:
    """The project's other SOPs when only some files are validated: their nomor still counts
    for uniqueness and as keterkaitan targets. Only read, never reported on."""
    chosen = {p.resolve() for p in targets}
    rest = [p for p in discover([project.root / "sops"]) if p.resolve() not in chosen] if (project.root / "sops").is_dir() else []
    out = []
    for p in rest:
        loaded = load_file(p, project.display(p))
        other = FileResult(p, loaded.file, data=loaded.data if isinstance(loaded.data, dict) else None, source=loaded.source)
        other.take_facts()
        out.append(other)
    return out


def _config_logo(project: Project) -> list[Diagnostic]:
    logo = project.config.instansi.get("logo")
    if not isinstance(logo, str) or not project.config.file:
        return []
    from sopgen.source.project import _pos_of

    text = (project.root / "sopgen.toml").read_text(encoding="utf-8-sig")
    return check_logo(logo, project, project.config.file, *_pos_of(text, "instansi", "logo"))


def _project_rules(files: list[FileResult], others: list[FileResult] = ()) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    checked = {id(f) for f in files}
    everyone = sorted([*files, *others], key=lambda f: str(f.path.absolute())) if others else files
    by_nomor: dict[str, list[FileResult]] = {}
    for f in everyone:
        if f.nomor is not None:
            by_nomor.setdefault(f.nomor, []).append(f)
    for nomor, owners in by_nomor.items():
        for k, f in enumerate(owners):
            if id(f) not in checked:
                continue
            # Report on the later of two checked files, and on a checked file whenever the other
            # one is not being checked (its owner may not see that run's report otherwise).
            earlier = owners[:k] + [g for g in owners[k + 1 :] if id(g) not in checked]
            if earlier:
                g = earlier[0]
                line, col = f.nomor_pos
                gl, gc = g.nomor_pos
                out.append(diag(f.file, line, col, "SOP501", f"nomor '{nomor}' sudah dipakai {g.file}:{gl}:{gc}; nomor SOP harus unik, beri nomor lain"))
    known = set(by_nomor)
    for f in files:
        for target, line, col in f.links:
            if target not in known:
                out.append(diag(f.file, line, col, "SOP502", f"keterkaitan menunjuk SOP nomor '{target}' yang tidak ada di proyek{did_you_mean(target, known, cutoff=0.85) or '; tambahkan SOP itu ke sops/, atau tulis keterkaitan ini sebagai teks biasa'}"))
    out.extend(_replacements(files, known))
    return out


def _replacements(files: list[FileResult], known: set[str]) -> list[Diagnostic]:
    """`diganti_oleh` names another SOP of the project (the catalog links the two)."""
    out = []
    for f in files:
        if f.replaced_by is None:
            continue
        target, line, col = f.replaced_by
        shown = one_line(clip(target, 60))
        if target == f.nomor:
            out.append(diag(f.file, line, col, "SOP521", f"diganti_oleh menunjuk nomor SOP ini sendiri ('{shown}'); tulis nomor SOP baru yang menggantikannya"))
        elif target not in known:
            hint = did_you_mean(target, known, cutoff=0.85) or "; tambahkan SOP pengganti ke sops/ dulu, atau hapus diganti_oleh"
            out.append(diag(f.file, line, col, "SOP521", f"diganti_oleh menunjuk SOP nomor '{shown}' yang tidak ada di proyek{hint}"))
    return out

