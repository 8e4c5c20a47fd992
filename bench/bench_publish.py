"""Publishing benchmark: what the catalog, katalog.json and the verification pages add to a
no-change rebuild (the build's target: 1,000 SOPs well under a second in all).

    python bench/bench_publish.py            # 1,000 SOPs
    python bench/bench_publish.py --sops 300

The summaries are the reference SOP's, repeated with other numbers and units; the first
write is timed, then a second one with nothing changed (what a no-change build does), with
and without a git repository around the project.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sopgen.render.catalog import summary, write_catalog  # noqa: E402
from sopgen.render.html import Templates  # noqa: E402
from sopgen.source.project import load_project  # noqa: E402
from sopgen.source.validate import validate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sops", type=int, default=1000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sopgen-bench-publish-"))
    try:
        (work / "sops").mkdir()
        shutil.copy(ROOT / "sopgen.toml", work / "sopgen.toml")
        reference = ROOT / "sops" / "065-111-pengumpulan-data-kinerja.yaml"
        shutil.copy(reference, work / "sops" / reference.name)
        project, _ = load_project(work)
        sop = validate([work / "sops" / reference.name], project).sops[0]
        base = summary(sop, "ref", "sops/ref.yaml")
        summaries = [
            {**base, "slug": f"sop-{i}", "file": f"sops/sop-{i}.yaml", "nomor": f"065/{i}/416-317/2023",
             "unit": f"Unit {i % 12}", "verifikasi": f"{i:064x}", "keterkaitan": []}
            for i in range(args.sops)
        ]
        out = work / "output"
        out.mkdir()
        entries = {s["slug"]: {"sha256": "0" * 64} for s in summaries}
        templates = Templates(work)
        for label in ("first write", "no change"):
            start = time.perf_counter()
            write_catalog(project, out, summaries, templates, entries)
            print(f"{args.sops} SOPs, catalog + katalog.json + verification pages, {label}: {time.perf_counter() - start:.3f} s")
        if shutil.which("git"):
            subprocess.run(["git", "init", "-q", str(work)], check=True)
            start = time.perf_counter()
            write_catalog(project, out, summaries, templates, entries)
            print(f"{args.sops} SOPs, no change, inside a git repository (history read): {time.perf_counter() - start:.3f} s")
        size = (out / "index.html").stat().st_size
        print(f"index.html: {size / 1024:.0f} KiB; katalog.json: {(out / 'katalog.json').stat().st_size / 1024:.0f} KiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
