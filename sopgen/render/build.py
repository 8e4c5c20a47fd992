"""`sopgen build`: validate every SOP, then write PDFs, HTML views and the catalog.

The order is the contract:

1. Gather every input (SOP files, config, templates, sopgen's own code) and validate every SOP.
   Any validation error: write nothing at all.
2. Decide per SOP whether its outputs are current: a fingerprint of everything its PDF depends
   on (its file, the config, its logo, the templates, sopgen's code, the names of the SOPs it
   links to) is kept in `output/.sopgen-build.json`; same fingerprint and outputs present:
   skip. `force=True` renders everything.
3. Render what is stale, in parallel processes when asked (`jobs`), each whole SOP in one
   worker; write every file atomically (temporary file in the same folder, then rename), so an
   interrupted build never leaves a half-written PDF behind.
4. Rewrite `index.html` only when its content changed.

A no-change rebuild must be fast (1,000 SOPs well under a second), so validation results are
cached too: validation is a pure function of the SOP files, the config, the logos and sopgen's
code, and when none of those changed since a build that passed, its recorded result (warnings,
and the summaries the catalog needs) is reused instead of parsing 1,000 YAML files again. When
something changed, the validation runs, but each unchanged file's diagnostics and catalog
summary come from the per-file validation cache (`source.cache`), so one changed SOP of 1,000
costs its own parse and render; the SOPs to render that the cache answered for are parsed for
their models.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sopgen import __version__
from sopgen.source.diagnostics import Diagnostic, Severities
from sopgen.files import write_atomic
from sopgen.fingerprint import code_fingerprint
from sopgen.render.buildstate import (
    STATE_NAME,
    check_outputs,
    STATE_VERSION,
    load_state,
    output_path,
    plain_size,
    remove_recorded,
    save_state,
    sha256,
)
from sopgen.render.fonts import forget_shared_fonts
from sopgen.source import cache as filecache
from sopgen.source.project import CONFIG_NAME, Project, discover, forget_folders, real_path, resolved_folder

CATALOG_NAME = "index.html"

DIBUAT = "dibuat"
TIDAK_BERUBAH = "tidak berubah"
GAGAL = "gagal"

Progress = Callable[[int, int, str], None]

class BuildError(Exception):
    """A problem with the output folder itself: nothing can be written (message in Indonesian)."""


@dataclass
class SopOutcome:
    slug: str
    file: str  # project-relative source file
    status: str  # DIBUAT, TIDAK_BERUBAH or GAGAL
    message: str = ""
    pages: int = 0
    seconds: float = 0.0


@dataclass
class BuildResult(Severities):
    project: Project
    output: Path
    outcomes: list[SopOutcome] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    validation: Any = None  # the ValidationResult when validation ran (None when reused)
    validated: bool = False  # False: the previous build's validation result was reused
    catalog_written: bool = False
    catalog_error: str = ""  # the catalog template could not be used (message for the user)
    removed: list[str] = field(default_factory=list)  # outputs of SOPs that no longer exist
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[SopOutcome]:
        return [o for o in self.outcomes if o.status == GAGAL]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.failed and not self.catalog_error

    def summary(self) -> str:
        secs = f"{self.seconds:.1f}".replace(".", ",")
        where = _display_dir(self.project, self.output)
        if self.errors:
            return f"{len(self.errors)} galat validasi: tidak ada berkas yang ditulis ({secs} s)"
        return (
            f"{len(self.outcomes)} SOP: {self.count(DIBUAT)} dibuat, {self.count(TIDAK_BERUBAH)} tidak berubah, "
            f"{self.count(GAGAL)} gagal — {where} ({secs} s)"
        )


def _display_dir(project: Project, path: Path) -> str:
    try:
        text = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        text = str(path)
    return (text if text != "." else ".") + "/"


# --- files ---------------------------------------------------------------------------------


def _remove_stale_temporaries(out: Path) -> None:
    """Temporary files of a build that was killed before it could clean up."""
    for pattern in (".*.pdf.*.tmp", ".*.html.*.tmp", f".{STATE_NAME}.*.tmp"):
        for p in out.glob(pattern):
            try:
                p.unlink()
            except OSError:
                pass


_sha = sha256


def _file_sha(path: Path) -> str:
    try:
        return _sha(path.read_bytes())
    except OSError:
        return "missing"


def _relative(project: Project, path: Path) -> str:
    """A file's real path relative to the project's, else its whole real path."""
    real, root = real_path(path), str(resolved_folder(os.path.abspath(project.root))).rstrip(os.sep)
    return real[len(root) + 1 :].replace(os.sep, "/") if real.startswith(root + os.sep) else Path(real).as_posix()


# --- state ---------------------------------------------------------------------------------


def _validation_key(project: Project, code: str, config_bytes: bytes, shas: dict[str, str], logos: list[str]) -> str:
    h = hashlib.sha256()
    h.update(code.encode())
    h.update(repr(project.config).encode())
    h.update(config_bytes)
    for rel in sorted(shas):
        h.update(f"{rel}\0{shas[rel]}\n".encode())
    for logo in sorted(set(logos)):
        target = project.inside(logo)
        h.update(f"logo {logo}\0{_file_sha(target) if target else 'outside'}\n".encode())
    return h.hexdigest()


def _render_fingerprint(
    s: dict[str, Any], by_nomor: dict[str, dict], base: str, sop_sha: str, project: Project
) -> str:
    related = [[n, by_nomor[n]["nama"], by_nomor[n]["slug"]] for n in s["keterkaitan"] if n in by_nomor]
    logo = s.get("logo")
    target = project.inside(logo) if logo else None
    logo_sha = _file_sha(target) if target else "-"
    payload = json.dumps([base, sop_sha, s["slug"], logo_sha, related], ensure_ascii=False)
    return _sha(payload.encode())


# --- rendering (also in worker processes) ---------------------------------------------------

_TEMPLATES: dict[tuple[str, str], Any] = {}


def _templates(project: Project, fingerprint: str | None = None):
    """The project's templates; one Jinja environment per process and template version."""
    from sopgen.render.html import Templates

    fresh = Templates(project.root)
    key = (str(project.root), fingerprint or fresh.fingerprint())
    if key not in _TEMPLATES:
        _TEMPLATES.clear()
        _TEMPLATES[key] = fresh
    return _TEMPLATES[key]


@dataclass
class RenderTask:
    slug: str
    file: str
    sop: Any
    links: dict[str, Any]
    fingerprint: str
    templates: str = ""  # fingerprint of the templates the build saw
    verify: bool = False
    build_id: str = ""  # the SOPs of one build share a font configuration ("": one of its own)


@dataclass
class RenderOutput:
    slug: str
    pdf: bytes = b""
    html: str = ""
    pages: int = 0
    seconds: float = 0.0
    error: str = ""
    signature_box: tuple | None = None  # where a signature's visible field goes (publish.sign)


def render_task(project: Project, task: RenderTask) -> RenderOutput:
    """Render one SOP; user-fixable problems and internal errors come back as `error`."""
    from sopgen.render.html import RenderError

    start = time.perf_counter()
    try:
        from sopgen.render.fonts import shared_fonts
        from sopgen.render.pdf import render_sop

        out = render_sop(
            task.sop,
            project,
            slug=task.slug,
            links=task.links,
            templates=_templates(project, task.templates or None),
            content_hash=task.fingerprint,
            verify=task.verify,
            fonts=shared_fonts(task.build_id) if task.build_id else None,
        )
    except RenderError as e:
        return RenderOutput(task.slug, error=str(e), seconds=time.perf_counter() - start)
    except Exception as e:  # a bug in sopgen or a broken template: report it, keep building the rest
        last = traceback.extract_tb(e.__traceback__)[-1:] or [None]
        where = f" ({Path(last[0].filename).name}:{last[0].lineno})" if last[0] else ""
        return RenderOutput(task.slug, error=f"galat internal: {type(e).__name__}: {e}{where}", seconds=time.perf_counter() - start)
    return RenderOutput(task.slug, out.pdf, out.html_view, out.pages, time.perf_counter() - start, signature_box=out.signature_box)


def _worker(project: Project, task: RenderTask) -> RenderOutput:  # module-level: spawn-safe
    return render_task(project, task)


# --- the build -----------------------------------------------------------------------------


def build(
    project: Project,
    paths: list[Path] | None = None,
    force: bool = False,
    jobs: int = 1,
    progress: Progress | None = None,
    verify: bool = False,
    sign: Callable[[bytes, Any], bytes] | None = None,
) -> BuildResult:
    """Validate every SOP of the project, then bring `output/` up to date.

    `paths`: build only these SOP files or folders (the whole project is still validated and the
    catalog still lists every SOP). `jobs`: worker processes (0: one per CPU core). `sign`:
    (pdf, signature box) -> signed pdf (`publish.sign`); signing renders every selected SOP.
    """
    force = force or sign is not None
    start = time.perf_counter()
    out = project.output
    result = BuildResult(project, out)
    if project.inside(project.config.output_dir) is None:
        raise ValueError(f"folder keluaran '{project.config.output_dir}' berada di luar proyek")

    # 1. Gather every input, and validate (or reuse the previous build's validation).
    inputs = _gather(project, paths)
    summaries = _reused_summaries(project, inputs, result, force)
    sops: dict[str, Any] = {}
    if summaries is None:
        validated = _validate(project, inputs, result)
        if validated is None:
            result.seconds = time.perf_counter() - start
            return result  # write nothing
        summaries, sops, new_cache = validated
    else:
        new_cache = inputs.cached

    # 2. What is stale?
    fingerprints, todo, current = _plan(project, summaries, inputs.entries, inputs.shas, inputs.base, inputs.selected_rel, force)
    for r in current:
        result.outcomes.append(SopOutcome(summaries[r]["slug"], r, TIDAK_BERUBAH))

    # 3. Render and write what is stale, then 4. the catalog; the build record in any case.
    check_outputs(out, list(summaries.values()))  # OutputRefused before anything is written
    _prepare_output(project, out)
    entries = inputs.entries
    slugs = {s["slug"] for s in summaries.values()}  # once: per entry it was quadratic in the SOPs
    new_entries = {k: v for k, v in entries.items() if k in slugs}
    try:
        if progress:
            progress(0, len(todo), "")
        if todo:
            _models(project, inputs, todo, sops)
            tasks = _tasks(summaries, sops, todo, fingerprints, inputs.templates_fp, verify)
            _render_all(project, out, tasks, jobs, progress, result, new_entries, sign)
        _remove_gone(out, entries, new_entries, summaries, result)
        _catalog(project, out, summaries, inputs.templates, result, new_entries)
    finally:
        forget_shared_fonts()  # Pango's font map is not kept from one build to the next
        new_state = {"versi": STATE_VERSION, "sopgen": __version__, "validasi": new_cache, "keluaran": new_entries}
        _save_state_if_changed(out, inputs.state, new_state, result)

    order = {r: i for i, r in enumerate(sorted(summaries))}
    result.outcomes.sort(key=lambda o: order.get(o.file, 0))
    result.seconds = time.perf_counter() - start
    return result


@dataclass
class _Inputs:
    """What a build reads before it decides anything: the files, their hashes, the last record."""

    sops_dir: Path
    files: list[Path]  # every SOP file (and every selected one), resolved and sorted
    rels: dict[Path, str]  # each file's project-relative name
    shas: dict[str, str]  # project-relative file -> sha256 of its bytes
    selected_rel: set[str]  # project-relative files to build
    config_bytes: bytes
    code: str  # code_fingerprint()
    templates: Any
    templates_fp: str
    base: str  # fingerprint of what every SOP's outputs depend on besides its own inputs
    state: dict[str, Any]  # the previous build's record ({} when there is none)
    entries: dict[str, dict]  # its outputs, by slug
    cached: dict[str, Any] | None  # its validation result


def _gather(project: Project, paths: list[Path] | None) -> _Inputs:
    """Read every input once: SOP files, config, templates, sopgen's code, the last record."""
    sops_dir = project.root / "sops"
    forget_folders()
    selected = [Path(real_path(p)) for p in discover(list(paths))] if paths else None
    files = [Path(real_path(p)) for p in discover([sops_dir])] if sops_dir.is_dir() else []
    files = sorted(dict.fromkeys([*files, *(selected or [])]))
    rel = {p: _relative(project, p) for p in files}
    shas = {rel[p]: _file_sha(p) for p in files}
    config_path = project.root / CONFIG_NAME
    config_bytes = config_path.read_bytes() if config_path.is_file() else b""
    code = code_fingerprint()
    from sopgen.render.html import Templates

    templates = Templates(project.root)
    templates_fp = templates.fingerprint()
    base = _sha(json.dumps([STATE_VERSION, code, templates_fp, repr(project.config), _sha(config_bytes)]).encode())
    state = load_state(project.output)
    entries: dict[str, dict] = state.get("keluaran", {}) if state else {}
    cached = state.get("validasi") if state else None
    selected_rel = {rel[p] for p in (selected or files)}
    return _Inputs(sops_dir, files, rel, shas, selected_rel, config_bytes, code, templates, templates_fp, base, state, entries, cached)


def _reused_summaries(project: Project, inputs: _Inputs, result: BuildResult, force: bool) -> dict[str, dict] | None:
    """The previous build's validation result when no input of it changed and nothing needs
    rendering (rendering needs the SOP models); None: validate."""
    cached = inputs.cached
    if not cached or force or not filecache.sealed(cached):
        return None  # a record this machine did not seal (output/ is untrusted) is no answer
    logos = list(cached.get("logo", []))
    key = _validation_key(project, inputs.code, inputs.config_bytes, inputs.shas, logos)
    if cached.get("kunci") != key or set(cached.get("ringkasan", {})) != set(inputs.shas):
        return None
    summaries = cached["ringkasan"]
    result.diagnostics = [Diagnostic(**d) for d in cached.get("diagnostik", [])]
    if _plan(project, summaries, inputs.entries, inputs.shas, inputs.base, inputs.selected_rel, force)[1]:
        return None  # something must be rendered: that needs the SOP models
    return summaries


def _validate(
    project: Project, inputs: _Inputs, result: BuildResult
) -> tuple[dict[str, dict], dict[str, Any], dict[str, Any]] | None:
    """Validate every SOP: (summaries, SOP models, validation record), or None on any error."""
    from sopgen.render.html import assign_slugs
    from sopgen.source.validate import validate

    files = inputs.files
    cache = filecache.open_for(project) if files else None
    validation = validate(files, project, cache=cache if cache is not None else False) if files else None
    result.validated = True
    result.validation = validation
    result.diagnostics = validation.diagnostics if validation else []
    if result.errors:
        if cache is not None:
            cache.save(project.root)
        return None
    slugs = assign_slugs(files, inputs.sops_dir)
    summaries: dict[str, dict] = {}
    sops: dict[str, Any] = {}
    for f in validation.files if validation else []:
        r = inputs.rels[f.path]
        summaries[r] = _summary_of(project, f, slugs[f.path], r, cache, sops)
    if cache is not None:
        cache.save(project.root)
    config_logo = project.config.instansi.get("logo")
    logos = sorted({s["logo"] for s in summaries.values() if s.get("logo")} | ({config_logo} if isinstance(config_logo, str) else set()))
    record = {
        "kunci": _validation_key(project, inputs.code, inputs.config_bytes, inputs.shas, logos),
        "logo": logos,
        "ringkasan": summaries,
        "diagnostik": [d.as_dict() for d in result.diagnostics],
    }
    return summaries, sops, filecache.seal_record(record)


def _summary_of(project: Project, f: Any, slug: str, r: str, cache: filecache.ValidationCache | None, sops: dict[str, Any]) -> dict:
    """One SOP's catalog summary: from its model, or kept in the validation cache beside the
    file's diagnostics (a file the cache answered for has no model; it is parsed only when
    neither has it). Its model goes into `sops` when there is one."""
    from sopgen.render.buildstate import valid_summary
    from sopgen.render.catalog import summary
    from sopgen.source.validate import validate_file

    entry = cache.get(*f.cache_key) if cache is not None and f.cache_key else None
    kept = entry.get("ekstra") if entry is not None else None
    if f.sop is None and kept is not None and valid_summary({"slug": slug, **kept}):
        return {"slug": slug, **kept}
    sop = f.sop if f.sop is not None else validate_file(f.path, project, f.file).sop
    if sop is None:  # the file changed while the build ran
        raise BuildError(f"{f.file} berubah selama build berjalan; jalankan sopgen build lagi")
    sops[r] = sop
    made = summary(sop, slug, r)
    if cache is not None and f.cache_key:
        cache.set_extra(*f.cache_key, {k: v for k, v in made.items() if k != "slug"})
    return made


def _models(project: Project, inputs: _Inputs, todo: list[str], sops: dict[str, Any]) -> None:
    """The models of the SOPs to render that the cache answered for: parsed now, only these."""
    from sopgen.source.validate import validate_file

    missing = [r for r in todo if sops.get(r) is None]
    by_rel = {r: p for p, r in inputs.rels.items()} if missing else {}
    for r in missing:
        sops[r] = validate_file(by_rel[r], project).sop
        if sops[r] is None:
            raise BuildError(f"{r} berubah selama build berjalan; jalankan sopgen build lagi")


def _prepare_output(project: Project, out: Path) -> None:
    """The output folder, made if missing and cleared of a killed build's temporary files."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BuildError(
            f"folder keluaran '{_display_dir(project, out)}' tidak bisa dibuat ({e.strerror or e}); "
            "hapus atau ganti nama berkas yang menghalangi, atau atur [keluaran] folder di sopgen.toml"
        ) from None
    _remove_stale_temporaries(out)


def _tasks(
    summaries: dict[str, dict], sops: dict[str, Any], todo: list[str], fingerprints: dict[str, str], templates_fp: str, verify: bool
) -> list[RenderTask]:
    """One task per stale SOP, with the names of the SOPs it links to."""
    from sopgen.render.html import SopLink

    build_id = os.urandom(8).hex()
    links = {s["nomor"]: SopLink(s["nomor"], s["nama"], s["slug"], s.get("nomor_sop")) for s in summaries.values()}
    tasks = []
    for r in todo:
        s = summaries[r]
        wanted = {n: links[n] for n in s["keterkaitan"] if n in links}
        tasks.append(RenderTask(s["slug"], r, sops[r], wanted, fingerprints[r], templates_fp, verify, build_id))
    return tasks


def _render_all(
    project: Project, out: Path, tasks: list[RenderTask], jobs: int, progress: Progress | None,
    result: BuildResult, new_entries: dict[str, dict], sign: Callable[[bytes, Any], bytes] | None = None,
) -> None:
    """Render the tasks (signing each PDF when asked) and write each SOP's outputs when done."""
    total = len(tasks)
    by_slug = {t.slug: t for t in tasks}
    for done, output in enumerate(_run(project, tasks, jobs), 1):
        task = by_slug[output.slug]
        if sign is not None and not output.error:
            try:
                output.pdf = sign(output.pdf, output.signature_box)
            except Exception as e:  # a certificate or signing problem: this SOP fails, none is left unsigned
                output.error = f"tanda tangan digital gagal: {e}"
        if output.error:
            result.outcomes.append(SopOutcome(task.slug, task.file, GAGAL, output.error, seconds=output.seconds))
            new_entries.pop(task.slug, None)
        else:
            _write_outputs(project, out, task, output, result, new_entries)
        if progress:
            progress(done, total, task.slug)


def _write_outputs(
    project: Project, out: Path, task: RenderTask, output: RenderOutput, result: BuildResult, new_entries: dict[str, dict]
) -> None:
    """Write one SOP's PDF and HTML view atomically and record them (or the failure)."""
    pdf_path, html_path = output_path(out, task.slug, "pdf"), output_path(out, task.slug, "html")
    html_bytes = output.html.encode("utf-8")
    try:
        write_atomic(pdf_path, output.pdf, owned=True)
        write_atomic(html_path, html_bytes, owned=True)
    except OSError as e:
        message = f"tidak bisa menulis ke {_display_dir(project, out)} ({e.strerror or e}); berkas lama tetap utuh"
        result.outcomes.append(SopOutcome(task.slug, task.file, GAGAL, message, seconds=output.seconds))
        new_entries.pop(task.slug, None)
    else:
        new_entries[task.slug] = {
            "sumber": task.file,
            "sidik": task.fingerprint,
            "pdf": len(output.pdf),
            "html": len(html_bytes),
            "halaman": output.pages,
            "sha256": sha256(output.pdf),  # what katalog.json publishes for verification
            "html_sha256": sha256(html_bytes),
        }
        result.outcomes.append(SopOutcome(task.slug, task.file, DIBUAT, pages=output.pages, seconds=output.seconds))


def _remove_gone(
    out: Path, entries: dict[str, dict], new_entries: dict[str, dict], summaries: dict[str, dict], result: BuildResult
) -> None:
    """Outputs of SOPs that are gone from the project: only files the record proves sopgen wrote."""
    slugs = {s["slug"] for s in summaries.values()}
    for slug in sorted(set(entries) - set(new_entries) - slugs):
        result.removed += remove_recorded(out, slug, entries[slug])


def _catalog(project: Project, out: Path, summaries: dict[str, dict], templates, result: BuildResult, entries: dict) -> None:
    """Write the catalog; a problem with it is the build's `catalog_error`, not an exception."""
    from sopgen.render.catalog import write_catalog
    from sopgen.render.html import RenderError

    try:
        result.catalog_written = write_catalog(project, out, list(summaries.values()), templates, entries)
    except RenderError as e:
        result.catalog_error = f"katalog {CATALOG_NAME}: {e}"
    except OSError as e:
        result.catalog_error = f"katalog {CATALOG_NAME} tidak bisa ditulis ({e.strerror or e})"


def _current(out: Path, slug: str, entry: dict | None, fingerprint: str) -> bool:
    """Outputs recorded with this fingerprint and still there with the sizes we wrote."""
    if not entry or entry.get("sidik") != fingerprint:
        return False
    return all(plain_size(output_path(out, slug, ext)) == entry[ext] for ext in ("pdf", "html"))


def _plan(project, summaries, entries, shas, base, selected_rel, force) -> tuple[dict[str, str], list[str], list[str]]:
    """Fingerprints of every SOP, the selected SOPs to render and those that are current."""
    by_nomor = {s["nomor"]: s for s in summaries.values()}
    fingerprints = {r: _render_fingerprint(s, by_nomor, base, shas[r], project) for r, s in summaries.items()}
    todo, current = [], []
    for r in sorted(summaries):
        if r not in selected_rel:
            continue
        slug = summaries[r]["slug"]
        if not force and _current(project.output, slug, entries.get(slug), fingerprints[r]):
            current.append(r)
        else:
            todo.append(r)
    return fingerprints, todo, current


def _run(project: Project, tasks: list[RenderTask], jobs: int):
    """Yield each task's RenderOutput as it completes (order may vary; results do not)."""
    workers = jobs if jobs > 0 else (os.cpu_count() or 1)
    workers = min(workers, len(tasks))
    if workers <= 1:
        for t in tasks:
            yield render_task(project, t)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_worker, project, t) for t in tasks]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise


def _save_state_if_changed(out: Path, old: dict, new: dict, result: BuildResult) -> None:
    """Save the build record when it changed; failing to is reported but does not fail the build."""
    if not out.is_dir() or old == new:
        return
    try:
        save_state(out, new)
    except OSError as e:
        # Only the next build's skipping depends on it: that build renders everything again.
        result.catalog_error = result.catalog_error or f"catatan build {STATE_NAME} tidak bisa ditulis ({e.strerror or e})"
