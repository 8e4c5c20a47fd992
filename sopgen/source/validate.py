"""Validation of a whole project: every file, every rule, all problems in one run.

Stages per file: load (YAML with positions) → shape (JSON Schema) → rules → model. Then the
project-wide rules (unique nomor, keterkaitan, logo). Nothing is written here (except the
per-file cache `.sopgen-cache/validasi.json` when asked for, see `cache`), so `build` can
validate everything before it writes any output.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import stat
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sopgen.source import cache as filecache
from sopgen.source import rules
from sopgen.source import shape
from sopgen.source import suppress
from sopgen.source.diagnostics import ERROR, Diagnostic, Severities, diag, did_you_mean
from sopgen.source.project import Project, discover, forget_folders, load_project, real_path, resolved_folder
from sopgen.source.yamlload import MAX_BYTES, Loaded, SourceMap, load_file, load_text, read_source
from sopgen.textsafe import clip, one_line

if TYPE_CHECKING:  # the model is built only when asked for: `sopgen validate` never imports it
    from sopgen.source.model import Sop

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
    logo: str | None = None  # the SOP's own instansi.logo (its diagnostics read that file)
    cacheable: bool = True  # False: the result depends on more than the file and its logo
    cached: bool = False  # True: answered by the per-file cache, so no data, source or model
    cache_key: tuple[str, str] | None = None  # (project-relative name, key) of its cache entry

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


def validate_file(
    path: Path, project: Project, display: str | None = None, model: bool = True, raw: bytes | None = None, pages: bool = True
) -> FileResult:
    """Every diagnostic of one file; `model=False` skips building the Sop (diagnostics only).
    `raw`: the file's bytes when the caller has read them already (and keys a cache by them).
    `pages=False`: skip the page check of long step texts (SOP509), for a file that is only
    read for its facts; its result is then never cached."""
    file = display or project.display(path)
    result = FileResult(path, file)
    if _links_out(path, project):
        result.cacheable = False
        result.diagnostics.append(diag(file, 1, 1, "SOP507", "berkas ini tautan (symlink) ke luar folder proyek; salin berkasnya ke sops/ bila memang bagian proyek ini"))
        return result
    got = read_source(path, file) if raw is None else raw  # read once: a pipe cannot be read again
    loaded = got if isinstance(got, Loaded) else load_text(got, file)
    result.diagnostics.extend(loaded.diagnostics)
    if loaded.data is None or isinstance(got, Loaded):
        return result
    data = loaded.data
    text = got.decode("utf-8-sig", errors="replace")
    result.suppressions, problems = suppress.find(text, file)
    result.diagnostics.extend(problems)
    result.diagnostics.extend(shape.check(data, loaded.source, file))
    ctx = rules.Context(file, data, loaded.source, project.config.calendar.minutes_per_day, project.config.limits)
    result.diagnostics.extend(rules.check(ctx))
    result.diagnostics.extend(_lanes_fit(data, loaded.source, file, project))
    result.diagnostics.extend(_instansi(data, loaded.source, file, project))
    result.data = data
    result.source = loaded.source
    result.take_facts()
    own = data.get("instansi") if isinstance(data.get("instansi"), dict) else {}
    result.logo = own["logo"] if isinstance(own.get("logo"), str) and own["logo"] else None
    has_long = _has_long_text(data)
    result.cacheable = not has_long  # SOP509 lays the page out with the project's templates
    long_text = has_long and pages
    if (model or long_text) and not any(d.severity == ERROR for d in result.diagnostics):
        from sopgen.source.model import build_sop

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


def _links_out(path: Path, project: Project, root: str | None = None) -> bool:
    """A file that stands inside the project but whose real place is outside it (`root`:
    `_root(project)`, when the caller asked for it once for many files)."""
    root = root or _root(project)
    return _within(os.path.abspath(path), root) and not _within(real_path(path), root)


# Paths as strings here: pathlib's objects cost more than the system calls for 1,000 files.


def _root(project: Project) -> str:
    return str(resolved_folder(os.path.abspath(project.root)))


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


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


def validate(
    paths: list[Path] | None = None, project: Project | None = None, *, models: bool = True, cache: bool | filecache.ValidationCache | None = False
) -> ValidationResult:
    """Validate SOP files (default: the project's `sops/`) and the project config.

    `models=False`: the caller wants only the diagnostics (`sopgen validate`), so results of
    files validated in worker processes come back without their Sop model.
    `cache=True`: in a project of CACHE_MIN_FILES SOP files or more, files whose bytes (and
    all else their diagnostics depend on) are unchanged since a run that kept them are answered
    from `.sopgen-cache/validasi.json` (`FileResult.cached`, without a model), and the cache is
    saved. A `ValidationCache`: use that one whatever the size, the caller saves it.
    """
    # Reading YAML allocates many short-lived container objects while the results of earlier
    # files stay alive; the cyclic collector then rescans everything again and again (it took
    # 3/4 of the time for 1,000 files). Nothing here builds reference cycles that need it.
    forget_folders()
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _validate(paths, project, models, cache)
    finally:
        if enabled:
            gc.enable()


CACHE_MIN_FILES = 50  # below this a whole validation takes a few hundredths of a second


def _validate(paths: list[Path] | None, project: Project | None, models: bool, cache: bool | filecache.ValidationCache | None) -> ValidationResult:
    config_diags: list[Diagnostic] = []
    if project is None:
        start = paths[0] if paths else Path.cwd()
        project, config_diags = load_project(start)
    configs = [p for p in paths or [] if p.suffix.lower() == ".toml"]
    sop_paths = [p for p in paths or [] if p not in configs]
    targets = discover(sop_paths or ([] if configs else [project.root / "sops"]))
    rest = _rest_paths(project, targets) if targets else []
    store = cache if isinstance(cache, filecache.ValidationCache) else None
    if cache is True and len(targets) + len(rest) >= CACHE_MIN_FILES:
        store = filecache.open_for(project)
    files = _validate_files(targets, project, models, store)
    result = ValidationResult(project, files, config_diags, configs_checked=len(configs))
    result.project_diagnostics.extend(_config_logo(project))
    result.project_diagnostics.extend(_other_configs(configs, project))
    if targets:
        result.project_diagnostics.extend(_project_rules(files, _rest_of_project(project, rest, store)))
    _apply_suppressions(result)
    if store is not None and cache is True:
        store.save(project.root)
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
_FORKED: tuple[Project, bool, dict[Path, bytes], bool] | None = None


@dataclass
class _Keyed:
    """A file the cache may answer for: its project-relative name, bytes and entry key."""

    rel: str
    raw: bytes | None  # None: the cache's stamp of the file's status vouched for its bytes
    key: str
    stamp: list | None  # what `ValidationCache.keep_stamp` records (None: changed too recently)


def _keyed(
    path: Path, file: str, project: Project, cache: filecache.ValidationCache | None = None, root: str | None = None, now: int | None = None
) -> _Keyed | None:
    """Read a file for the cache (never one that links out of the project or is too big).
    A file whose status (size, times, inode) is the one the cache stamped is not read: its
    bytes are the ones hashed then (1,000 files: the reading took a tenth of validating one).
    `root`, `now`: `_root(project)` and the clock, when the caller asked once for many files."""
    real, root = real_path(path), root or _root(project)
    if not _within(real, root) or real == root:  # outside, or a link out of the project
        return None
    rel = real[len(root.rstrip(os.sep)) + 1 :].replace(os.sep, "/")
    try:
        st = os.stat(path)
        if st.st_size > MAX_BYTES or not stat.S_ISREG(st.st_mode):  # a pipe or a device: `load_file` says so
            return None
        digest = cache.stamped_digest(rel, st) if cache is not None else None
        raw = None if digest is not None else path.read_bytes()
    except OSError:
        return None
    if raw is not None:
        if len(raw) > MAX_BYTES:
            return None
        digest = filecache.sha256(raw)
    return _Keyed(rel, raw, filecache.key_of(file, rel, digest), filecache.stamp_of(st, digest, now))


def _validate_files(
    targets: list[Path], project: Project, models: bool, cache: filecache.ValidationCache | None, pages: bool = True
) -> list[FileResult]:
    """The cache's answers, and the other files validated (and kept in the cache). With
    `pages=False` (files read only for their facts) the cache answers with the facts alone."""
    if cache is None:
        return _validate_all(targets, project, models, {}, pages)
    found: dict[Path, FileResult] = {}
    keyed: dict[Path, _Keyed] = {}
    cwd, root, now = os.getcwd(), _root(project), time.time_ns()
    for p in targets:
        file = project.display(p, cwd)
        k = _keyed(p, file, project, cache, root, now)
        if k is None:
            continue
        entry = cache.get(k.rel, k.key)
        hit = filecache.result_of(p, file, entry, project, not pages) if entry is not None else None
        if hit is not None:
            hit.cache_key = (k.rel, k.key)
            cache.keep_stamp(k.rel, k.key, k.stamp)
            found[p] = hit
        elif k.raw is not None or (k := _keyed(p, file, project)) is not None:  # validated from these very bytes
            keyed[p] = k
    if len(found) == len(targets):
        return list(found.values())
    missing = [p for p in targets if p not in found]
    fresh = _validate_all(missing, project, models, {p: k.raw for p, k in keyed.items() if k.raw is not None}, pages)
    for p, r in zip(missing, fresh):
        found[p] = r
        entry = filecache.entry_of(r, keyed[p].key, project) if p in keyed else None
        if entry is not None:
            cache.put(keyed[p].rel, entry)
            cache.keep_stamp(keyed[p].rel, keyed[p].key, keyed[p].stamp)
            r.cache_key = (keyed[p].rel, keyed[p].key)
    return [found[p] for p in targets]


def _validate_all(targets: list[Path], project: Project, models: bool, raws: dict[Path, bytes], pages: bool = True) -> list[FileResult]:
    """Files one by one, or across the cores for a large project (1,000 files: parsing YAML
    alone takes over a second on one core). Workers are forked, so they start in milliseconds
    and inherit the project; fork is only safe while this is the process's only thread."""
    global _FORKED

    def one_by_one() -> list[FileResult]:
        return [validate_file(p, project, model=models, raw=raws.get(p), pages=pages) for p in targets]

    workers = min(os.cpu_count() or 1, 8)
    if len(targets) < PARALLEL_MIN_FILES or workers < 2 or threading.active_count() > 1:
        return one_by_one()
    import multiprocessing  # with concurrent.futures a tenth of a second of imports: only here
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    if "fork" not in multiprocessing.get_all_start_methods():
        return one_by_one()
    size = -(-len(targets) // (workers * 4))
    chunks = [targets[i : i + size] for i in range(0, len(targets), size)]
    _FORKED = (project, models, raws, pages)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [r for part in pool.map(_validate_chunk, chunks) for r in part]
    except (BrokenProcessPool, OSError):
        return one_by_one()
    finally:
        _FORKED = None


def _validate_chunk(paths: list[Path]) -> list[FileResult]:
    assert _FORKED is not None
    project, models, raws, pages = _FORKED
    return [validate_file(p, project, model=models, raw=raws.get(p), pages=pages).slim(models) for p in paths]


def _rest_paths(project: Project, targets: list[Path]) -> list[Path]:
    chosen = {real_path(p) for p in targets}
    found = discover([project.root / "sops"], ordered=False) if (project.root / "sops").is_dir() else []
    return [p for p in found if real_path(p) not in chosen]  # in no order: _project_rules sorts


def _rest_of_project(project: Project, rest: list[Path], cache: filecache.ValidationCache | None) -> list[FileResult]:
    """The project's other SOPs when only some files are validated: their nomor still counts
    for uniqueness and as keterkaitan targets. Never reported on. With a cache, the files it
    does not hold are validated whole and kept, so the next run reads none of them."""
    root = _root(project)
    inside = [p for p in rest if not _links_out(p, project, root)] if cache is not None else []
    answered = _validate_files(inside, project, False, cache, pages=False) if inside else []
    if len(inside) == len(rest):
        return answered
    known = dict(zip(inside, answered))
    out = []
    for p in rest:
        if p in known:
            out.append(known[p])
            continue
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

