"""`sopgen preview`: the page follows the file. The server runs as the user starts it
(`sopgen preview` in a subprocess, on 127.0.0.1, a free port), headless Chromium shows the SOP;
an edit shows up by itself, a broken file shows its error with file:line, and nothing but
the local server is requested. Every wait is bounded; the server stops by itself.

The server's pages and events are also checked without a browser (in-process), so they are
tested where Chromium is absent; the browser test skips then, saying why.
"""

from __future__ import annotations

import base64
import json
import os
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sopgen.authoring.newsop import new_sop
from sopgen.authoring.scaffold import Office, init_project
from sopgen.source.project import load_project
from test_catalog_browser import Browser, browser  # noqa: F401 - the fixture: Chromium or a skip saying why

ROOT = Path(__file__).resolve().parent.parent  # the tree under test, also in the server's process
SERVER_LIFETIME = 120  # seconds: the server stops by itself even if the test is killed


def make_project(root: Path) -> tuple[Path, str]:
    init_project(root, Office(pemerintah="Pemerintah Kabupaten Mojokerto", nama="Kecamatan Sooko", kota="Sooko"))
    project, _ = load_project(root)
    made = new_sop(project, "Pelayanan KTP", ["Kasi Pemerintahan", "Staf Pelayanan"])
    return made.path, made.path.stem


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read()


def test_server_pages_and_events_without_a_browser(tmp_path: Path) -> None:
    from sopgen.authoring.server import start

    sop, slug = make_project(tmp_path)
    preview = start(tmp_path)
    try:
        assert preview.url.startswith("http://127.0.0.1:")
        status, kind, body = get(preview.url)
        assert status == 200 and "text/html" in kind
        assert f'href="/{slug}.html"' in body.decode() and "Pelayanan KTP" in body.decode()
        assert f'href="/{slug}.pdf"' in body.decode() and "2 SOP" in body.decode()
        status, kind, body = get(f"{preview.url}{slug}.pdf")
        assert status == 200 and kind == "application/pdf" and body.startswith(b"%PDF-")
        assert get(f"{preview.url}tidak-ada.html")[0] == 404
        assert get(f"{preview.url}../sopgen.toml")[0] == 404

        generation = preview.workspace.snapshot.generation
        sop.write_text(sop.read_text().replace("pelaksana: staf-pelayanan\n", "pelaksana: staf-pelayan\n"))
        assert preview.workspace.wait_change(generation, 10) != generation, "the save was not noticed"
        status, kind, body = get(f"{preview.url}{slug}.pdf")  # no PDF of a broken SOP: its problems
        assert status == 409 and b"SOP203" in body and f"{slug}.yaml:".encode() in body
        index = get(preview.url)[2].decode()
        assert "2 SOP, 1 belum bisa ditampilkan" in index and f'href="/{slug}.pdf"' not in index

        with urllib.request.urlopen(f"{preview.url}events", timeout=10) as events:
            assert events.headers["Content-Type"].startswith("text/event-stream")
            first = [events.readline() for _ in range(5)]
        assert f"data: {preview.workspace.snapshot.generation}\n".encode() in first
    finally:
        preview.stop()
    assert all(not t.is_alive() for t in preview.threads)


def start_server(project: Path) -> tuple[subprocess.Popen, str]:
    """`sopgen preview` as a person runs it; its first line says where it serves."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sopgen", "preview", "--tanpa-browser", "--stop-after", str(SERVER_LIFETIME)],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])},
    )
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    if not ready:
        proc.kill()
        pytest.fail("sopgen preview did not start within 60 s")
    line = proc.stdout.readline()
    assert line.startswith("Pratinjau: http://127.0.0.1:"), line + proc.stderr.read()
    return proc, line.split()[1]


def settled(browser: Browser, expression: str, timeout: float = 10):
    """The expression's first truthy value, asked again while the page reloads (a save can
    come as two file events, so a page may reload twice)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = browser.eval(expression)
        except RuntimeError:
            value = None  # navigating
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"waited for: {expression}")


def stop_server(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return out + err


def test_preview_follows_edits_in_the_browser(tmp_path: Path, browser: Browser) -> None:
    sop, slug = make_project(tmp_path)
    proc, url = start_server(tmp_path)
    try:
        page = f"{url}{slug}.html"
        browser.open(page)
        browser.wait_for("document.querySelector('td.alur svg')", timeout=30)
        assert browser.eval("document.title") == "Pelayanan KTP"
        assert browser.eval("document.querySelector('.nama-sop').textContent") == "PELAYANAN KTP"
        assert browser.eval("document.querySelectorAll('td.alur svg').length") == 2
        assert "sah" in browser.eval("document.getElementById('sopgen-pratinjau').textContent")

        # An edit: the page reloads by itself and shows it within 2 s.
        text = sop.read_text()
        sop.write_text(text.replace('nama: "Pelayanan KTP"', 'nama: "Pelayanan KTP Elektronik"'))
        saved = time.monotonic()
        browser.wait_for("document.querySelector('.nama-sop') && "
                         "document.querySelector('.nama-sop').textContent === 'PELAYANAN KTP ELEKTRONIK'", timeout=60)
        seen_after = time.monotonic() - saved
        # 2 s on an idle machine (CI); a machine busy with other work gets proportionally longer.
        busy = max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
        assert seen_after < 2.0 * busy, f"the edit showed after {seen_after:.2f} s (load {busy:.1f} per core)"

        # A mistake: the page shows the error with file:line, and no stale view.
        broken = sop.read_text().replace("pelaksana: staf-pelayanan\n", "pelaksana: staf-pelayan\n")
        line = broken.splitlines().index("    pelaksana: staf-pelayan") + 1
        sop.write_text(broken)
        where, said, charts = settled(browser, "(() => { const e = document.querySelector('#sopgen-pratinjau li.galat');"
                                      " return e && [e.querySelector('code.lokasi').textContent, e.textContent,"
                                      " document.querySelectorAll('td.alur svg').length]; })()")
        assert where.startswith(f"sops/{slug}.yaml:{line}:"), where
        assert "SOP203" in said and "staf-pelayan" in said
        assert charts == 0
        shot = browser.send("Page.captureScreenshot", {"format": "png"})["data"]
        (tmp_path / "pratinjau-galat.png").write_bytes(base64.b64decode(shot))

        # Fixed again: the view comes back by itself.
        sop.write_text(broken.replace("pelaksana: staf-pelayan\n", "pelaksana: staf-pelayanan\n"))
        settled(browser, "document.querySelectorAll('td.alur svg').length === 2 && "
                         f"!!document.querySelector('#sopgen-pratinjau a[href=\"/{slug}.pdf\"]')")
        shot = browser.send("Page.captureScreenshot", {"format": "png"})["data"]
        (tmp_path / "pratinjau.png").write_bytes(base64.b64decode(shot))

        # The PDF of the same SOP, from the link in the preview bar.
        pdf = browser.eval(
            f"fetch({json.dumps(url + slug + '.pdf')}).then(async r => [r.status, r.headers.get('content-type'),"
            " new TextDecoder('latin1').decode((await r.arrayBuffer()).slice(0, 5))])"
        )
        assert pdf == [200, "application/pdf", "%PDF-"]

        urls = browser.requested_urls()
        assert urls and all(u.startswith((url, "data:", "about:")) for u in urls), urls
    finally:
        said = stop_server(proc)
    assert proc.returncode == 0 and "Pratinjau berhenti." in said, said
    if os.environ.get("SOPGEN_SCREENSHOTS"):
        for name in ("pratinjau.png", "pratinjau-galat.png"):
            Path(os.environ["SOPGEN_SCREENSHOTS"], name).write_bytes((tmp_path / name).read_bytes())


def test_preview_usage_errors(tmp_path: Path, monkeypatch) -> None:
    import socket

    from click.testing import CliRunner

    from sopgen.cli import main

    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["preview", "--tanpa-browser", "--stop-after", "0"])
    assert r.exit_code == 2 and "sopgen init" in r.output
    make_project(tmp_path)
    r = CliRunner().invoke(main, ["preview", "800/999/X/2023", "--tanpa-browser", "--stop-after", "0"])
    assert r.exit_code == 2 and "800/999/X/2023" in r.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = CliRunner().invoke(main, ["preview", "--port", str(port), "--tanpa-browser", "--stop-after", "0"])
    assert r.exit_code == 2 and f"port {port}" in r.output
    r = CliRunner().invoke(main, ["preview", "sops/065-002-pelayanan-ktp.yaml", "--tanpa-browser", "--stop-after", "0"])
    assert r.exit_code == 0, r.output
    assert "/065-002-pelayanan-ktp.html" in r.output and "Pratinjau berhenti." in r.output
