"""Each SOP file's validation result kept by content hash, so an unchanged file is not parsed again.

The cache file `.sopgen-cache/validasi.json` is untrusted like every file sopgen did not just
write: anyone who can write the project folder (or commit a file into it) can write it. So:

- It is sealed with an HMAC-SHA256 whose key lives outside the project, in the user's cache
  folder (`$XDG_CACHE_HOME/sopgen/kunci-cache`, else `~/.cache/sopgen/`), made on first use with
  mode 0600. A cache that does not carry the seal of this machine's key is ignored whole, so a
  forged or committed cache cannot hide or invent a diagnostic, even with well-formed entries.
  Without a usable key there is no cache: every file is parsed, as before.
- Everything else is checked too: a plain file (never through a link) under `MAX_BYTES`, the
  exact structure sopgen writes, and a context hash (sopgen's code and libraries, the schemas,
  `sopgen.toml` and the parsed config, the project folder) that must equal this run's.
- Each entry is keyed by the SHA-256 of the file's bytes together with the file's name as
  messages show it; a file whose status (size, mtime, ctime, inode) is the one stamped on its
  entry when it was hashed, long enough after its last change, is not read again (`stamp_of`); an entry whose logo (the one thing outside the file a file's diagnostics
  read) changed since is not used. Entries of files with a step text long enough for the page
  check (SOP509, which runs the layout with the project's templates) are not kept.
- Written atomically (`files.write_atomic`), one entry per project file (files that are gone
  are dropped), never more than `MAX_BYTES`.

An entry holds what the project-wide rules and the report need: the file's diagnostics before
`# sopgen: abaikan` is applied, its suppressions, nomor, keterkaitan and diganti_oleh with
their positions, and optionally the catalog summary the build made from its model (`extra`).
Nothing in it is a parsed model: the build parses again the few files it renders.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from sopgen.files import read_plain, write_atomic
from sopgen.source.diagnostics import Diagnostic
from sopgen.source.suppress import Suppression

if TYPE_CHECKING:
    from sopgen.source.project import Project
    from sopgen.source.validate import FileResult

CACHE_FILE = "validasi.json"
CACHE_VERSION = 2  # 2: one entry per line
MAX_BYTES = 64 * 1024 * 1024  # a 10,000-file project needs a few MB
MAX_ENTRIES = 100_000
KEY_NAME = "kunci-cache"
_MAGIC = b"sopgen-validasi "
_KEY_BYTES = 32
_HEX_DIGITS = "0123456789abcdef"
_SEVERITIES = ("error", "warning")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base and os.path.isabs(base) else Path.home() / ".cache") / "sopgen"


def secret_key(folder: Path | None = None) -> bytes | None:
    """This user's key for sealing caches, made on first use; None when it cannot be had."""
    folder = folder or _user_cache_dir()
    path = folder / KEY_NAME
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        pass
    except (OSError, RuntimeError):  # no home, read-only home
        return None
    else:
        try:
            os.write(fd, os.urandom(_KEY_BYTES))
        finally:
            os.close(fd)
    key = read_plain(path, _KEY_BYTES)
    try:
        st = os.lstat(path)
    except OSError:
        return None
    # Another user's file, or one others may write, is no secret of ours.
    mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    if key is None or len(key) != _KEY_BYTES or not mine or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    return key


@dataclass
class ValidationCache:
    """The entries of one project's cache; `get` answers only for a matching, well-formed entry.
    Entries change only through `put`, `keep_stamp` and `set_extra`: `save` writes the text an
    untouched entry was read from again instead of encoding it anew."""

    path: Path
    secret: bytes
    context: str
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: bool = False
    seen: set[str] = field(default_factory=set)  # files asked for in this run: they exist
    texts: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict, repr=False)  # rel -> (entry as read, its JSON)

    @classmethod
    def open(cls, path: Path, secret: bytes, context: str) -> ValidationCache:
        cache = cls(path, secret, context)
        cache.entries, cache.texts = _load(path, secret, context)
        return cache

    def get(self, rel: str, key: str) -> dict[str, Any] | None:
        self.seen.add(rel)
        entry = self.entries.get(rel)
        return entry if entry is not None and entry["kunci"] == key else None

    def put(self, rel: str, entry: dict[str, Any]) -> None:
        """Keep an entry (one that would not read back as written is not kept)."""
        if valid_entry(entry) and self.entries.get(rel) != entry:
            self.entries[rel] = entry
            self.changed = True

    def stamped_digest(self, rel: str, st: os.stat_result) -> str | None:
        """The SHA-256 of a file's bytes as hashed when its status was `st` (None: not known)."""
        self.seen.add(rel)
        entry = self.entries.get(rel)
        stamp = entry.get("stat") if entry is not None else None
        if stamp is not None and stamp[:4] == [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]:
            return stamp[4]
        return None

    def keep_stamp(self, rel: str, key: str, stamp: list | None) -> None:
        """Record a file's status beside the entry made from its bytes (see `stamp_of`)."""
        entry = self.get(rel, key)
        if entry is not None and stamp is not None and entry.get("stat") != stamp:
            entry["stat"] = stamp
            self.texts.pop(rel, None)
            self.changed = True

    def set_extra(self, rel: str, key: str, extra: dict[str, Any]) -> None:
        """Attach what a later stage derived from the same bytes (the build's summary)."""
        entry = self.get(rel, key)
        if entry is not None and entry.get("ekstra") != extra and _plain(extra):
            entry["ekstra"] = extra
            self.texts.pop(rel, None)
            self.changed = True

    def save(self, root: Path) -> None:
        """Write the cache when it changed: entries of files still there, at most MAX_BYTES.
        A folder that cannot be written only means the next run parses again."""
        kept = {rel: e for rel, e in sorted(self.entries.items()) if rel in self.seen or (root / rel).is_file()}
        if not self.changed and len(kept) == len(self.entries):
            return
        if len(kept) > MAX_ENTRIES:
            return
        try:  # a file name that is not valid UTF-8 cannot be written: no cache then
            body = _body(self.context, kept, self.texts).encode("utf-8")
        except (UnicodeEncodeError, ValueError):
            return
        data = _MAGIC + _seal(self.secret, body).encode() + b"\n" + body
        if len(data) > MAX_BYTES:
            return
        real_root = os.path.realpath(root)
        if not os.path.realpath(self.path.parent).startswith(real_root.rstrip(os.sep) + os.sep):
            return  # the cache folder is a link out of the project: write nothing there
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():
                write_atomic(ignore, b"# sopgen's cache: safe to delete, not for version control\n*\n", owned=True)
            if os.path.lexists(self.path) and not stat.S_ISREG(os.lstat(self.path).st_mode):
                self.path.unlink()  # a link (never what it points to), or a pipe: writing into it would wait forever
            write_atomic(self.path, data, durable=False, owned=True)  # lost or torn: the seal fails, files are parsed
        except OSError:
            return
        self.changed = False


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _body(context: str, entries: dict[str, dict[str, Any]], texts: dict[str, tuple[dict[str, Any], str]]) -> str:
    """One JSON object, each file's entry on a line of its own (`_load` finds the lines again),
    an entry read and not changed since written as the text it was read from."""
    lines = []
    for rel, entry in entries.items():
        known = texts.get(rel)
        lines.append(known[1] if known is not None and known[0] is entry else f"{_dump(rel)}:{_dump(entry)}")
    head = _dump({"versi": CACHE_VERSION, "konteks": context})
    return head[:-1] + ',"berkas":{\n' + ",\n".join(lines) + "\n}}"


def _seal(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def _load(path: Path, secret: bytes, context: str) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[dict[str, Any], str]]]:
    """The entries of a sealed, well-formed cache of this context, and the text of each
    (for `save`); ({}, {}) on any doubt."""
    raw = read_plain(path, MAX_BYTES)
    if raw is None or not raw.startswith(_MAGIC):
        return {}, {}
    seal, newline, body = raw[len(_MAGIC) :].partition(b"\n")
    if not newline or not hmac.compare_digest(seal, _seal(secret, body).encode()):
        return {}, {}
    try:
        text = body.decode("utf-8")
        data = json.loads(text)
    except (ValueError, RecursionError):
        return {}, {}
    if not isinstance(data, dict) or set(data) != {"versi", "konteks", "berkas"}:
        return {}, {}
    if data["versi"] != CACHE_VERSION or data["konteks"] != context:
        return {}, {}
    files = data["berkas"]
    if not isinstance(files, dict) or len(files) > MAX_ENTRIES:
        return {}, {}
    if not all(type(rel) is str and valid_entry(e) for rel, e in files.items()):
        return {}, {}
    lines = text.split("\n")[1:-1]  # as `_body` writes it: the lines of the entries, in order
    if len(lines) != len(files):
        return files, {}
    texts = {rel: (e, line[:-1] if line.endswith(",") else line) for (rel, e), line in zip(files.items(), lines)}
    return files, texts


# --- the structure of an entry ---------------------------------------------------------------

_ENTRY_KEYS = frozenset({"kunci", "diagnostik", "abaikan", "nomor", "posisi_nomor", "tautan", "diganti_oleh", "logo"})
_ALL_KEYS = _ENTRY_KEYS | {"ekstra", "stat"}
_LIMIT = 1 << 31
_U64 = 1 << 64


def _int(v: object) -> bool:
    return type(v) is int and 0 <= v < _LIMIT


def _hex64(v: object) -> bool:
    return type(v) is str and len(v) == 64 and not v.strip(_HEX_DIGITS)  # only those digits


def _pos(v: object) -> bool:
    return type(v) is list and len(v) == 2 and _int(v[0]) and _int(v[1])


def _target(v: object) -> bool:
    """[nomor, line, column]"""
    return type(v) is list and len(v) == 3 and type(v[0]) is str and _int(v[1]) and _int(v[2])


def _diagnostic(v: object) -> bool:
    """[line, column, code, severity, message]"""
    return (
        type(v) is list and len(v) == 5 and type(v[0]) is int and 0 <= v[0] < _LIMIT and type(v[1]) is int
        and 0 <= v[1] < _LIMIT and type(v[2]) is str and v[3] in _SEVERITIES and type(v[4]) is str
    )


def _suppression(v: object) -> bool:
    """[line, code, line of the comment, its column]"""
    return type(v) is list and len(v) == 4 and _int(v[0]) and type(v[1]) is str and _int(v[2]) and _int(v[3])


def _plain(v: object, depth: int = 0) -> bool:
    """JSON of bounded depth whose leaves are strings, numbers, booleans or null."""
    if depth > 4:
        return False
    if type(v) is dict:
        return all(type(k) is str and _plain(x, depth + 1) for k, x in v.items())
    if type(v) is list:
        return all(_plain(x, depth + 1) for x in v)
    return v is None or type(v) in (str, int, float, bool)


def _all(check: Callable[[object], bool], v: object) -> bool:
    """A list whose items all pass `check`."""
    return type(v) is list and (not v or all(map(check, v)))


def valid_entry(e: object) -> bool:
    """Exactly what `sopgen.source.validate` writes: anything else makes the cache unusable.
    (Checked for every entry each time a cache is opened: kept lean.)"""
    if type(e) is not dict or not (e.keys() >= _ENTRY_KEYS and e.keys() <= _ALL_KEYS):
        return False
    nomor, replaced, logo = e["nomor"], e["diganti_oleh"], e["logo"]
    return (
        _hex64(e["kunci"]) and _all(_diagnostic, e["diagnostik"]) and _all(_suppression, e["abaikan"])
        and (nomor is None or type(nomor) is str) and _pos(e["posisi_nomor"]) and _all(_target, e["tautan"])
        and (replaced is None or _target(replaced))
        and (logo is None or (type(logo) is list and len(logo) == 2 and type(logo[0]) is str and type(logo[1]) is str))
        and ("ekstra" not in e or (type(e["ekstra"]) is dict and _plain(e["ekstra"])))
        and ("stat" not in e or _stamp(e["stat"]))
    )


def _stamp(v: object) -> bool:
    """[size, mtime, ctime, inode, sha256]"""
    return type(v) is list and len(v) == 5 and _u64(v[0]) and _u64(v[1]) and _u64(v[2]) and _u64(v[3]) and _hex64(v[4])


def _u64(v: object) -> bool:
    return type(v) is int and 0 <= v < _U64


# --- opening a project's cache ---------------------------------------------------------------


def context_of(project: Project) -> str:
    """Everything besides a file's bytes that its diagnostics depend on, as one hash."""
    from sopgen.fingerprint import code_fingerprint
    from sopgen.source.project import CONFIG_NAME

    config = read_plain(project.root / CONFIG_NAME, MAX_BYTES)
    parts = [CACHE_VERSION, code_fingerprint(), repr(project.config), sha256(config) if config is not None else "-", str(project.root.resolve())]
    return sha256(json.dumps(parts).encode("utf-8", "surrogatepass"))


def open_for(project: Project, key_folder: Path | None = None) -> ValidationCache | None:
    """The project's cache (`.sopgen-cache/validasi.json`), or None when there is no key."""
    secret = secret_key(key_folder)
    if secret is None:
        return None
    return ValidationCache.open(project.cache / CACHE_FILE, secret, context_of(project))


def seal_record(record: dict[str, Any], key_folder: Path | None = None) -> dict[str, Any]:
    """The build record's validation result with this machine's seal (`segel`), so that a
    record written by someone else into output/ cannot stand in for validating; unsealed
    when there is no key (and then never reused)."""
    body = {k: v for k, v in record.items() if k != "segel"}
    secret = secret_key(key_folder)
    if secret is None:
        return body
    return {**body, "segel": _seal(secret, _canonical(body))}


def sealed(record: dict[str, Any], key_folder: Path | None = None) -> bool:
    """Whether a validation record read back carries this machine's seal."""
    seal = record.get("segel")
    secret = secret_key(key_folder) if isinstance(seal, str) else None
    if secret is None:
        return False
    body = {k: v for k, v in record.items() if k != "segel"}
    return hmac.compare_digest(seal.encode(), _seal(secret, _canonical(body)).encode())


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8", "surrogatepass")


# --- entries and validation results ----------------------------------------------------------


def key_of(file: str, rel: str, digest: str) -> str:
    """An entry's key: the SHA-256 of the file's bytes and the name its messages show."""
    return sha256(file.encode("utf-8", "surrogatepass") + b"\0" + rel.encode("utf-8", "surrogatepass") + b"\0" + digest.encode())


SETTLED_NS = 2_000_000_000  # a file last changed this long ago is stamped


def stamp_of(st: os.stat_result, digest: str, now: int | None = None) -> list | None:
    """[size, mtime, ctime (ns), inode, SHA-256 of the bytes]: a later run that finds the file
    with this status need not read it. Any change of a file's bytes sets its ctime to the time
    of the change (no program can set ctime), so only a file whose ctime is well in the past
    is stamped: a write in the same clock tick as the stamp, the one change a stamp could miss,
    cannot happen later. That holds only where the file's times come from this machine's
    clock in fine steps: times in whole seconds are a filesystem that ticks in seconds or more
    (FAT, ext3, a share over SMB, NFS or sshfs, whose server clock may also lag this one), where
    two writes in one tick leave the same times, so such a file is not stamped (it is read)."""
    settled = (now or time.time_ns()) - SETTLED_NS
    if st.st_ctime_ns >= settled or st.st_mtime_ns >= settled:
        return None
    if st.st_ctime_ns % 1_000_000_000 == 0 and st.st_mtime_ns % 1_000_000_000 == 0:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, digest]


def logo_state(project: Project, logo: str) -> str:
    """What an SOP's own logo is now, as far as its diagnostics (SOP503-505) can tell."""
    from sopgen.source.logo import MAX_BYTES as LOGO_MAX_BYTES

    target = project.inside(logo)
    if target is None:
        return "luar"
    try:
        st = target.stat()
        if not stat.S_ISREG(st.st_mode):
            return "bukan berkas"
        if st.st_size > LOGO_MAX_BYTES:
            return f"besar {st.st_size}"
        return sha256(target.read_bytes())
    except OSError as e:
        return f"galat {e.errno}"


def entry_of(result: FileResult, key: str, project: Project) -> dict[str, Any] | None:
    """The entry for a freshly validated file, or None when its result may not be kept."""
    if not result.cacheable or any(d.file != result.file for d in result.diagnostics):
        return None
    return {
        "kunci": key,
        "diagnostik": [[d.line, d.column, d.code, d.severity, d.message] for d in result.diagnostics],
        "abaikan": [[s.line, s.code, *s.at] for s in result.suppressions],
        "nomor": result.nomor,
        "posisi_nomor": list(result.nomor_pos),
        "tautan": [list(t) for t in result.links],
        "diganti_oleh": list(result.replaced_by) if result.replaced_by else None,
        "logo": [result.logo, logo_state(project, result.logo)] if result.logo else None,
    }


@functools.cache
def _file_result() -> type[FileResult]:
    """validate's FileResult, imported once (validate imports this module; an import statement
    run for each of 1,000 files cost 3 µs each)."""
    from sopgen.source.validate import FileResult

    return FileResult


def result_of(path: Path, file: str, entry: dict[str, Any], project: Project, facts_only: bool = False) -> FileResult | None:
    """The validation result an entry holds (no model), or None when its logo changed since.
    `facts_only`: just the nomor, for a file of the project that is not being checked (the
    project-wide rules read nothing else of it: 1,000 files' diagnostics are not rebuilt)."""
    FileResult = _file_result()
    logo = entry["logo"]
    if logo is not None and logo_state(project, logo[0]) != logo[1]:
        return None
    if facts_only:
        return FileResult(path, file, nomor=entry["nomor"], nomor_pos=tuple(entry["posisi_nomor"]), logo=logo[0] if logo else None, cached=True)
    return FileResult(
        path,
        file,
        diagnostics=[Diagnostic(file, *d) for d in entry["diagnostik"]],
        nomor=entry["nomor"],
        nomor_pos=tuple(entry["posisi_nomor"]),
        links=[tuple(t) for t in entry["tautan"]],
        suppressions=[Suppression(s[0], s[1], (s[2], s[3])) for s in entry["abaikan"]],
        replaced_by=tuple(entry["diganti_oleh"]) if entry["diganti_oleh"] else None,
        logo=logo[0] if logo else None,
        cached=True,
    )
