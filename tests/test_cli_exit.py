"""The `sopgen` process leaves without Python's teardown (`entry.run`/`leave`), and loses
nothing by it: the exit code, every byte written to a pipe, the exit functions, a thread
still at work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from test_check import clean_case, project_dir, row, write_csv  # noqa: F401 (shared fixture)

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, timeout=120)


def _sopgen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sopgen", *args], cwd=cwd, env=env, capture_output=True, timeout=300)


def test_a_report_on_a_pipe_arrives_whole_with_its_exit_code(project_dir: Path) -> None:
    rows = [*clean_case("A"), row("B", 1, "2023-10-03 08:00", "2023-10-03 09:00")]  # 60 > 5: a finding
    log = write_csv(project_dir / "log.csv", rows * 400)  # duplicates: thousands of findings
    done = _sopgen("check", str(log), "--format", "json", "--fail-under", "99", cwd=project_dir)
    assert done.returncode == 1, done.stderr.decode()
    report = json.loads(done.stdout)  # the whole object, to its last byte
    assert len(report["findings"]) > 2000
    assert b"gagal: kepatuhan" in done.stderr
    missing = _sopgen("check", "tidak-ada.csv", cwd=project_dir)
    assert missing.returncode == 2 and b"tidak ditemukan" in missing.stderr


def test_leaving_runs_the_exit_functions_and_flushes_the_streams() -> None:
    done = _python("import atexit, sys; from sopgen.entry import leave; atexit.register(lambda: print('bye', flush=True)); sys.stdout.write('x' * 100000); sys.stderr.write('err'); leave(4)")
    assert done.returncode == 4
    assert done.stdout == b"x" * 100000 + b"bye\n" and done.stderr == b"err"


def test_leaving_waits_for_a_thread_still_at_work() -> None:
    code = (
        "import threading, time; from sopgen.entry import leave\n"
        "t = threading.Thread(target=lambda: (time.sleep(0.3), print('thread done', flush=True)))\n"
        "t.start(); leave(3)"
    )
    done = _python(code)
    assert done.returncode == 3 and done.stdout == b"thread done\n"


def test_leaving_with_a_message_exits_as_python_does() -> None:
    done = _python("from sopgen.entry import leave; leave('pesan galat')")
    assert done.returncode == 1 and done.stderr.strip() == b"pesan galat"
    assert _python("from sopgen.entry import leave; leave(None)").returncode == 0
