"""sopgen preview: time from saving an SOP to the server having its new page ready.

Prints, for a new project's SOP (2 lanes) and the 40-step reference-sized one, the median and
worst of several saves: file written -> change noticed (watchfiles) -> page rendered and served.
The browser's own reload and paint come on top (the browser test measures the whole path).

    .venv/bin/python bench/bench_preview.py [SAVES]
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from sopfactory import forty_steps  # noqa: E402
from sopgen.authoring.newsop import new_sop  # noqa: E402
from sopgen.authoring.scaffold import Office, init_project  # noqa: E402
from sopgen.authoring.server import start  # noqa: E402
from sopgen.source.project import load_project  # noqa: E402


def measure(preview, sop: Path, slug: str, old: str, saves: int) -> list[float]:
    times = []
    url = f"{preview.url}{slug}.html"
    urllib.request.urlopen(url, timeout=60).read()  # warm: fonts, templates
    for i in range(saves):
        seen = preview.workspace.snapshot.generation
        new = f"{old} {i}"
        text = re.sub(r'(?m)^nama: .*$', f'nama: "{new}"', sop.read_text(encoding="utf-8"), count=1)
        start_at = time.perf_counter()
        sop.write_text(text, encoding="utf-8")
        page = ""
        while new not in page:  # a save may come as two events (truncate, write): the second shows it
            if time.perf_counter() - start_at > 60:
                raise SystemExit("the page did not show the edit within 60 s")
            seen = preview.workspace.wait_change(seen, 30)
            page = urllib.request.urlopen(url, timeout=60).read().decode()
        times.append(time.perf_counter() - start_at)
    return times


def main() -> None:
    saves = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        init_project(root, Office(nama="Kecamatan Sooko"))
        project, _ = load_project(root)
        small = new_sop(project, "Pelayanan KTP", ["Kasi Pemerintahan", "Staf"]).path
        big = root / "sops" / "800-040-empat-puluh.yaml"
        big.write_text(forty_steps(), encoding="utf-8")
        preview = start(root)
        try:
            for label, sop, slug, old in (
                ("2 langkah", small, small.stem, "Pelayanan KTP"),
                ("40 langkah", big, big.stem, "Empat Puluh Langkah"),
            ):
                t = measure(preview, sop, slug, old, saves)
                print(f"{label:>10}: save -> page served  median {statistics.median(t):.2f} s, worst {max(t):.2f} s ({saves} saves)")
        finally:
            preview.stop()


if __name__ == "__main__":
    main()
