"""Revision history for the catalog: what the SOP says (revisions with their descriptions) and,
when the project is a git repository, every commit that touched its file.

git runs as a subprocess, once for all SOP files, with a timeout, no prompt, no pager and no
network (`git log` reads only the local repository). No git, no repository, a timeout or any
error: the catalog simply shows the SOPs' own revision lists.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

GIT_TIMEOUT_S = 10.0
MAX_COMMITS_PER_FILE = 30
MAX_SUBJECT = 200
RECORD, FIELD = "\x1e", "\x1f"


def document_history(sop) -> list[dict[str, Any]]:
    """The revisions the SOP itself lists: `riwayat_revisi` when present, else `tanggal.revisi`."""
    items = getattr(sop, "riwayat_revisi", None) or ()
    out = []
    for i, item in enumerate(items, 1):
        get = item.get if isinstance(item, dict) else (lambda k, d=None, it=item: getattr(it, k, d))
        when = get("tanggal")
        out.append({"revisi": get("revisi", i), "tanggal": _iso(when), "uraian": str(get("uraian", "") or "")})
    if out:
        return out
    return [{"revisi": i, "tanggal": _iso(r.tanggal), "uraian": r.uraian} for i, r in enumerate(sop.tanggal.revisi, 1)]


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def git_history(root: Path, files: list[str], timeout: float = GIT_TIMEOUT_S) -> dict[str, list[dict[str, str]]]:
    """Commits that touched each project-relative file: newest first, {tanggal, penulis, subjek}."""
    if not files or not (root / ".git").exists() and not _inside_work_tree(root, timeout):
        return {}
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    command = [
        "git", "-C", str(root), "-c", "core.quotepath=off", "log", "--no-color", "--no-renames",
        f"--format={RECORD}%aI{FIELD}%an{FIELD}%s", "--name-only", "--", *sorted(set(files)),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    return _parse(done.stdout.decode("utf-8", "replace"), set(files))


def _inside_work_tree(root: Path, timeout: float) -> bool:
    """A project folder below the repository's top (git looks upwards for .git)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
            capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip() == b"true"


def _parse(text: str, wanted: set[str]) -> dict[str, list[dict[str, str]]]:
    """git's output: each record is a header line, then the names of the files it touched.

    Names are relative to the repository's top; a project inside a larger repository matches
    by suffix."""
    out: dict[str, list[dict[str, str]]] = {}
    for record in text.split(RECORD)[1:]:
        header, _, names = record.partition("\n")
        parts = header.split(FIELD)
        if len(parts) != 3:
            continue
        when, author, subject = parts
        for name in filter(None, (n.strip() for n in names.splitlines())):
            match = name if name in wanted else next((w for w in wanted if name.endswith("/" + w)), None)
            if match is None or len(out.setdefault(match, [])) >= MAX_COMMITS_PER_FILE:
                continue
            out[match].append({"tanggal": when[:10], "penulis": author[:100], "subjek": subject[:MAX_SUBJECT]})
    return out
