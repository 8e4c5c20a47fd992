"""Writing files so that a reader never sees half of one, and nothing else is lost.

Every output goes to a temporary file beside its target and is renamed over it only when
complete. Three things are never done: replacing what is not a regular file (renaming over
`/dev/null` as root turns the device into a file), writing through a symbolic link (it may
point anywhere), and writing over one of the command's own inputs. A temporary left by a
killed process carries its process id, so the next write of the same file removes it once
that process is gone.

A device or a named pipe is written straight into only when the user named it (`-o
/dev/stdout`). A file sopgen owns (a build output, the build record, the catalog, a cache) is
written with `owned=True`: anything but a regular file there is refused, since writing into a
pipe nobody reads waits forever (docs/decisions.md).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

# The process umask, read once (os.umask can only be read by setting it).
_UMASK = os.umask(0)
os.umask(_UMASK)


class OutputRefused(OSError):
    """A target sopgen will not write; the message says why, in the user's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.strerror = message


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.{os.getpid()}."


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(path: Path) -> None:
    """Temporaries of `path` left by processes that no longer run (a kill -9, a power cut)."""
    prefix = f".{path.name}."
    try:
        siblings = list(path.parent.iterdir()) if str(path.parent) else list(Path(".").iterdir())
    except OSError:
        return
    for p in siblings:
        name = p.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid = name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            with contextlib.suppress(OSError):
                p.unlink()


def check_target(path: Path, inputs: Iterable[Path] = (), owned: bool = False) -> bool:
    """Whether `path` is a plain file to replace atomically (True) or a device or pipe to
    write straight into (False); OutputRefused for anything else and for an input. `owned`:
    a file sopgen writes on its own account, never a device or a pipe (`check_owned`)."""
    for source in inputs:
        if same_file(path, source):
            raise OutputRefused(f"'{path}' adalah berkas masukan; tulis keluaran ke berkas lain")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return True
    if stat.S_ISREG(st.st_mode):
        return True
    if owned:
        raise OutputRefused(_owned_refusal(path, st.st_mode, folder=False))
    if stat.S_ISLNK(st.st_mode):
        raise OutputRefused(f"'{path}' adalah tautan (symlink); tulis ke berkas biasa, bukan tautan")
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return False
    raise OutputRefused(f"'{path}' bukan berkas biasa (folder atau berkas khusus); pilih nama berkas lain")


def check_owned(path: Path, folder: bool = False) -> None:
    """OutputRefused when anything but a regular file (with `folder`: a real folder) sits where
    sopgen writes one of its own files: a pipe would make the write wait forever, a device or
    what a link points to is not sopgen's to replace, and removing what a user put there is not
    sopgen's to decide either."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):  # nothing there (a folder in the way is said where it is made)
        return
    except OSError as e:
        raise OutputRefused(f"'{_shown(path)}' tidak bisa diperiksa ({e.strerror or e})") from None
    if stat.S_ISDIR(mode) if folder else stat.S_ISREG(mode):
        return
    raise OutputRefused(_owned_refusal(path, mode, folder))


def _owned_refusal(path: Path, mode: int, folder: bool) -> str:
    if stat.S_ISLNK(mode):
        what = "tautan (symlink)"
    elif stat.S_ISDIR(mode):
        what = "folder"
    elif stat.S_ISFIFO(mode):
        what = "pipa bernama (FIFO)"
    elif stat.S_ISREG(mode):
        what = "berkas"
    else:
        what = "berkas khusus (perangkat atau soket)"
    shown = _shown(path)
    plain, own = ("folder biasa", "folder ini diisi") if folder else ("berkas biasa", "berkas ini ditulis")
    return f"'{shown}' adalah {what}, bukan {plain}; {own} oleh sopgen sendiri: hapus atau pindahkan '{shown}' lalu jalankan lagi"


def _shown(path: Path) -> str:
    """A path as the user knows it: relative to the working folder when inside it."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        return str(path)


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


@contextlib.contextmanager
def atomic_output(path: Path, inputs: Iterable[Path] = (), durable: bool = True, owned: bool = False) -> Iterator[BinaryIO]:
    """A binary stream whose content becomes `path` only when the block ends without error.
    `durable=False` skips the flush to disk: for a cache, which a power cut may lose whole.
    `owned`: a file sopgen writes on its own account (`check_owned`), never a pipe or device."""
    path = Path(path)
    if not check_target(path, inputs, owned):
        with open(path, "wb") as direct:  # a device or a pipe: nothing to replace
            yield direct
        return
    folder = path.parent if str(path.parent) else Path(".")
    remove_stale_temporaries(path)
    fd, tmp = _new_temporary(folder, _temp_prefix(path), ".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


_TEMP_FLAGS = (
    os.O_RDWR | os.O_CREAT | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOINHERIT", 0) | getattr(os, "O_BINARY", 0)
)


def _new_temporary(folder: Path, prefix: str, suffix: str) -> tuple[int, str]:
    """A file made now (never one that was there), readable by this user only, as
    `tempfile.mkstemp` makes it: importing tempfile (shutil, random...) cost a thirtieth of
    `sopgen validate FILE`, which writes its cache this way."""
    for _ in range(100):
        name = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(name, _TEMP_FLAGS, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "tidak ada nama berkas sementara yang bebas", str(folder))


def write_atomic(path: Path, data: bytes, inputs: Iterable[Path] = (), durable: bool = True, owned: bool = False) -> None:
    """Write a file so readers see the old content or the new one, never a partial file."""
    with atomic_output(path, inputs, durable, owned) as f:
        f.write(data)


def read_plain(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file no bigger than `limit`, never through a symbolic link."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


class NotRegular(OSError):
    """A named input that is a pipe, a device or a folder: refused, never waited on."""


def read_named(path: Path, limit: int) -> tuple[int, bytes]:
    """The size and the first `limit` bytes of a file the user named (links are followed).
    Opened without blocking: a pipe, a device or a folder raises NotRegular unread."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(errno.EINVAL, "bukan berkas biasa (pipa, perangkat, atau folder)")
        with os.fdopen(fd, "rb", closefd=False) as f:
            return st.st_size, f.read(limit)
    finally:
        os.close(fd)


def read_user_file(path: Path, limit: int, label: str, fail: Callable[[str], Exception]) -> tuple[int, bytes]:
    """`read_named`, its refusals worded for the user: label names the file ("berkas
    sertifikat 'a.p12'"), fail makes the caller's error of a message."""
    try:
        return read_named(path, limit)
    except NotRegular:
        raise fail(f"{label} bukan berkas biasa (pipa, perangkat, atau folder)") from None
    except OSError as e:
        raise fail(f"{label} tidak terbaca ({e.strerror or e})") from None
