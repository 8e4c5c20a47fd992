"""What `sopgen validate FILE` imports: an author runs it on every save, so it must not pay
for what only other commands need (rendering, the log check, spreadsheets, package metadata).

Run in a fresh interpreter, as the command runs; the modules left in `sys.modules` are the
ones it imported. The time itself is measured in bench/bench_validate.py, never here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sopfactory import make_project, sop_yaml

from sopgen.source.validate import CACHE_MIN_FILES

ROOT = Path(__file__).resolve().parent.parent

# Imported by other commands only; each costs from milliseconds to a second.
HEAVY = (
    "polars", "pyarrow", "pyspark", "duckdb", "weasyprint", "jinja2", "jsonschema", "rich", "openpyxl",
    "docx", "PIL", "pypdfium2", "markdown", "segno", "multiprocessing", "concurrent.futures",
    "importlib.metadata", "email.parser",
    "sopgen.render", "sopgen.conformance", "sopgen.publish", "sopgen.authoring", "sopgen.source.model",
    "click", "sopgen.cli", "uuid",  # the plain forms of `validate` run without click (sopgen.validatecmd)
    "tempfile",  # its cache is written without it (sopgen.files)
)

_PROBE = """
import json, runpy, sys
import sopgen.entry
def _stay(code):  # the command leaves without teardown (entry.leave): here it must come back
    raise SystemExit(code)
sopgen.entry.leave = _stay
sys.argv = ["sopgen", *sys.argv[1:]]
try:
    runpy.run_module("sopgen", run_name="__main__")
except SystemExit as e:
    code = e.code
sys.stderr.write("\\nMODULES " + json.dumps({"exit": code, "modules": sorted(sys.modules)}) + "\\n")
"""


def _imported(root: Path, *args: str) -> tuple[int, set[str], str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stderr.rpartition("MODULES ")[2])
    return report["exit"], set(report["modules"]), proc.stdout


def test_validating_one_file_of_a_big_project_imports_nothing_heavy(tmp_path: Path) -> None:
    sops = {f"{i:03d}-sop.yaml": sop_yaml(f"800/{i:03d}/416-317/2023", f"Pelayanan {i}", 4) for i in range(CACHE_MIN_FILES)}
    root = make_project(tmp_path / "p", sops)
    one = root / "sops" / "007-sop.yaml"
    for run in ("cold", "warm", "changed"):  # the cache is made, then used, then one file changes
        if run == "changed":
            one.write_text(one.read_text(encoding="utf-8").replace("nama:", "# suntingan\nnama:", 1), encoding="utf-8")
        code, modules, out = _imported(root, "validate", "sops/007-sop.yaml")
        assert (code, out) == (0, "1 berkas diperiksa: semua sah\n"), run
        heavy = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
        assert heavy == [], f"{run}: sopgen validate imported {heavy}"
        assert (root / ".sopgen-cache" / "validasi.json").is_file()  # the cache path was taken


def test_the_probe_sees_what_a_command_imports(tmp_path: Path) -> None:
    """The same probe on `sopgen check` finds the log engine: the test above can fail."""
    root = make_project(tmp_path / "p", {"000-sop.yaml": sop_yaml("800/000/416-317/2023", "Pelayanan 0", 4)})
    (root / "log.csv").write_text("sop,kasus,langkah,mulai,selesai\n", encoding="utf-8")
    _, modules, _ = _imported(root, "check", "log.csv")
    assert "sopgen.conformance" in modules
