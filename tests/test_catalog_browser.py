"""The catalog in a real browser: headless Chromium opens output/index.html from disk, types
into the search box, sorts a column, follows a link to an SOP's HTML view, and nothing is
fetched from the network.

Chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`), so no
extra Python package is needed. Where no Chromium is installed the test skips and says why
(`.ci/run` installs Debian's `chromium`; locally: `apt-get install -y chromium`).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from sopfactory import forty_steps, make_project, sop_yaml
from sopgen.render.build import build
from sopgen.source.project import load_project

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_browser() -> str | None:
    env = os.environ.get("SOPGEN_CHROMIUM")
    if env:
        return env if Path(env).exists() or shutil.which(env) else None
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


class Browser:
    """A minimal DevTools-protocol client over Chromium's debugging pipe (fd 3 in, fd 4 out)."""

    def __init__(self, executable: str, profile: Path):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_pipes() -> None:  # in the child, before exec: fds 3 and 4 are the protocol pipes
            a = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [
                executable, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                f"--user-data-dir={profile}", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", "about:blank",
            ],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire_pipes, close_fds=False,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.session: str | None = None

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the debugging pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, session: bool = True, timeout: float = 20) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        self.send("Network.enable")
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})
        self.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")

    def eval(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, condition: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.eval(f"Boolean({condition})"):
                    return
            except RuntimeError:
                pass  # the page is navigating
            time.sleep(0.05)
        raise TimeoutError(f"waited for: {condition}")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        box = self.eval(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1})

    def type(self, selector: str, text: str) -> None:
        self.click(selector)
        for ch in text:  # one input event per character, as a person types
            self.send("Input.insertText", {"text": ch})

    def requested_urls(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_child)
        os.close(self._from_child)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("katalog")
    make_project(
        root,
        {
            "800-040-empat-puluh.yaml": forty_steps(),
            "800-002-surat-pindah.yaml": sop_yaml(
                "800/002/416-317/2023", "Pelayanan Surat Pindah", 5,
                decisions={4: (None, 2)}, keterkaitan=[{"nomor": "065/111/416-317/2023"}, "SOP Arsip"],
                unit="Seksi Pelayanan Umum",
            ),
            "800-010-izin-keramaian.yaml": sop_yaml("800/010/416-317/2023", "Rekomendasi Izin Keramaian", 3),
        },
        reference=True,
    )
    project, _ = load_project(root)
    result = build(project)
    assert result.ok, result.summary()
    return root / "output"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = find_browser()
    if executable is None:
        pytest.skip(
            "no Chromium found (looked for chromium, chromium-browser, google-chrome; or set SOPGEN_CHROMIUM): "
            "install it with `apt-get install -y chromium` to run the catalog's browser test"
        )
    b = Browser(executable, tmp_path_factory.mktemp("profil"))
    try:
        yield b
    finally:
        b.close()


def visible_rows(browser: Browser) -> list[str]:
    return browser.eval("[...document.querySelectorAll('#katalog tr.sop')].filter(r => !r.hidden).map(r => r.id)")


def test_catalog_search_sort_and_follow_link(site: Path, browser: Browser) -> None:
    index = (site / "index.html").as_uri()
    browser.open(index)
    assert browser.eval("document.title").startswith("Katalog SOP")
    assert len(visible_rows(browser)) == 4

    # Search as a person types: by name, by nomor, by unit; case and word order do not matter.
    browser.type("#cari", "surat PINDAH")
    assert visible_rows(browser) == ["sop-800-002-surat-pindah"]
    # keterkaitan: the SOP in the project is a link, the free-text item is listed as text
    related = "[...document.querySelectorAll('#sop-800-002-surat-pindah td.terkait li')].map(li => [li.textContent, !!li.querySelector('a')])"
    assert browser.eval(related) == [["Pengumpulan Data Kinerja", True], ["SOP Arsip", False]]
    assert browser.eval("document.getElementById('jumlah').textContent") == "1 SOP"
    browser.eval("(() => { const i = document.getElementById('cari'); i.value = ''; i.dispatchEvent(new Event('input')); })()")
    browser.type("#cari", "065/111")
    assert visible_rows(browser) == ["sop-065-111-pengumpulan-data-kinerja"]
    browser.eval("(() => { const i = document.getElementById('cari'); i.value = ''; i.dispatchEvent(new Event('input')); })()")
    browser.type("#cari", "pelayanan umum")
    assert visible_rows(browser) == ["sop-800-002-surat-pindah"]
    browser.eval("(() => { const i = document.getElementById('cari'); i.value = ''; i.dispatchEvent(new Event('input')); })()")
    browser.type("#cari", "tidak ada yang cocok")
    assert visible_rows(browser) == []
    assert browser.eval("!document.getElementById('tidak-ada').hidden")
    browser.eval("(() => { const i = document.getElementById('cari'); i.value = ''; i.dispatchEvent(new Event('input')); })()")

    # Grouped by unit (units in name order); within a unit sorted by nomor (numeric-aware) by
    # default, by name on a click, reversed on a second click.
    units = "[...document.querySelectorAll('#katalog tbody.kelompok')].map(g => g.getAttribute('data-unit'))"
    assert browser.eval(units) == ["Seksi Pelayanan Umum", "Seksi Pemerintahan", "Sub Bagian Penyusunan Program dan Keuangan"]
    nomor = "[...document.querySelectorAll('#katalog tr.sop td.nomor')].map(td => td.textContent)"
    assert browser.eval(nomor) == ["800/002/416-317/2023", "800/010/416-317/2023", "800/040/416-317/2023", "065/111/416-317/2023"]
    names = "[...document.querySelectorAll('#katalog tbody.kelompok[data-unit=\"Seksi Pemerintahan\"] tr.sop td.nama')].map(td => td.textContent.trim())"
    browser.click("#katalog thead th:nth-child(2) button")
    ascending = browser.eval(names)
    assert len(ascending) == 2 and ascending == sorted(ascending, key=str.lower)
    browser.click("#katalog thead th:nth-child(2) button")
    assert browser.eval(names) == ascending[::-1]
    assert browser.eval("document.querySelector('#katalog thead th:nth-child(2)').getAttribute('aria-sort')") == "descending"

    # Follow the HTML link of one SOP: its view shows the identity sheet and the flowchart.
    browser.type("#cari", "surat pindah")
    browser.click("#sop-800-002-surat-pindah a.html")
    view = (site / "800-002-surat-pindah.html").as_uri()
    browser.wait_for(f"location.href === {json.dumps(view)} && document.readyState === 'complete'")
    assert browser.eval("document.title") == "Pelayanan Surat Pindah"
    assert browser.eval("document.querySelector('.nama-sop').textContent") == "PELAYANAN SURAT PINDAH"
    assert browser.eval("document.querySelectorAll('td.alur svg').length") == 5
    # keterkaitan {nomor} links to the other SOP's HTML view; follow it.
    assert browser.eval("document.querySelector('a.sop-terkait').getAttribute('href')") == "065-111-pengumpulan-data-kinerja.html"
    browser.click("a.sop-terkait")
    other = (site / "065-111-pengumpulan-data-kinerja.html").as_uri()
    browser.wait_for(f"location.href === {json.dumps(other)} && document.readyState === 'complete'")
    assert browser.eval("document.title") == "Pengumpulan Data Kinerja"

    # Nothing but the local files was requested.
    urls = browser.requested_urls()
    assert urls and all(u.startswith(("file://", "data:")) for u in urls), urls


def test_html_view_flowchart_fills_its_rows(site: Path, browser: Browser) -> None:
    """In the browser the flowchart SVG of every step is as tall as its row, so arrows join up."""
    browser.open((site / "800-040-empat-puluh.html").as_uri())
    gaps = browser.eval(
        "[...document.querySelectorAll('td.alur')].map(td => {"
        " const s = td.querySelector('svg').getBoundingClientRect();"
        " return Math.abs(td.clientHeight - s.height); })"
    )
    assert len(gaps) == 40
    assert max(gaps) < 1.0, gaps


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A catalog with every status, two units, two years, and a verification address."""
    root = tmp_path_factory.mktemp("terbit")
    make_project(
        root,
        {
            "lama.yaml": sop_yaml("800/001/416-317/2021", "Surat Pindah Lama", 3, unit="Seksi Pelayanan Umum",
                                  extra='status: dicabut\ndiganti_oleh: "800/001/416-317/2023"\n'),
            "pindah.yaml": sop_yaml("800/001/416-317/2023", "Surat Pindah", 3, unit="Seksi Pelayanan Umum",
                                    aktivitas={2: "Langkah 2: mencocokkan data dengan register kependudukan"}),
            "draf.yaml": sop_yaml("800/002/416-317/2023", "Izin Keramaian", 3, extra="status: draf\n"),
        },
    )
    # the old SOP took effect in 2021: move its dates back so the year filter has two years
    old = root / "sops" / "lama.yaml"
    old.write_text(old.read_text(encoding="utf-8").replace("2023-10-05", "2021-03-01").replace("2023-10-09", "2021-03-08"), encoding="utf-8")
    with (root / "sopgen.toml").open("a", encoding="utf-8") as f:
        f.write('\n[keluaran]\nalamat = "https://sop.example.go.id"\n')
    project, _ = load_project(root)
    result = build(project)
    assert result.ok, result.summary()
    return root / "output"


def choose(browser: Browser, select: str, value: str) -> None:
    browser.eval(f"(() => {{ const s = document.querySelector({json.dumps(select)}); s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }})()")


def test_catalog_filters_status_and_search_in_steps(published: Path, browser: Browser) -> None:
    browser.open((published / "index.html").as_uri())
    assert sorted(visible_rows(browser)) == ["sop-draf", "sop-lama", "sop-pindah"]
    status = "[...document.querySelectorAll('#katalog tr.sop')].map(r => [r.id, r.querySelector('.status').textContent])"
    assert sorted(browser.eval(status)) == [["sop-draf", "Draf"], ["sop-lama", "Diganti"], ["sop-pindah", "Berlaku"]]
    # the replaced SOP names its replacement, and the link jumps to that row
    assert browser.eval("document.querySelector('#sop-lama .pengganti a').getAttribute('href')") == "#sop-pindah"

    choose(browser, "#saring-status", "berlaku")
    assert visible_rows(browser) == ["sop-pindah"]
    assert browser.eval("document.querySelector('tbody.kelompok[data-unit=\"Seksi Pelayanan Umum\"] .jumlah-grup').textContent") == "(1)"
    choose(browser, "#saring-status", "")
    choose(browser, "#saring-unit", "Seksi Pemerintahan")
    assert visible_rows(browser) == ["sop-draf"]
    # the other unit's group heading disappears with its rows
    assert browser.eval("document.querySelector('tbody.kelompok[data-unit=\"Seksi Pelayanan Umum\"]').hidden")
    choose(browser, "#saring-unit", "")
    choose(browser, "#saring-tahun", "2021")
    assert visible_rows(browser) == ["sop-lama"]
    choose(browser, "#saring-tahun", "")

    # full text of the steps is searched
    browser.type("#cari", "register kependudukan")
    assert visible_rows(browser) == ["sop-pindah"]
    assert browser.eval("document.getElementById('jumlah').textContent") == "1 SOP"
    browser.eval("(() => { const i = document.getElementById('cari'); i.value = ''; i.dispatchEvent(new Event('input')); })()")

    # filters from the address, so a link can point at a filtered view
    browser.open((published / "index.html").as_uri() + "?status=draf")
    assert visible_rows(browser) == ["sop-draf"]


def test_verification_page_checks_a_file(published: Path, browser: Browser, tmp_path: Path) -> None:
    data = json.loads((published / "katalog.json").read_text(encoding="utf-8"))
    item = next(i for i in data["sop"] if i["nomor"] == "800/001/416-317/2021")
    page = (published / item["verifikasi"]).as_uri()
    browser.open(page)
    assert browser.eval("document.getElementById('status').getAttribute('data-status')") == "diganti"
    assert browser.eval("document.getElementById('nomor').textContent") == "800/001/416-317/2021"
    assert browser.eval("document.getElementById('sha256').textContent") == item["sha256"]

    def check(path: Path) -> str:
        doc = browser.send("DOM.getDocument")
        node = browser.send("DOM.querySelector", {"nodeId": doc["root"]["nodeId"], "selector": "#berkas"})["nodeId"]
        browser.eval("document.getElementById('hasil').textContent = ''")
        browser.send("DOM.setFileInputFiles", {"files": [str(path)], "nodeId": node})
        browser.wait_for("document.getElementById('hasil').textContent !== ''")
        return browser.eval("document.getElementById('hasil').textContent")

    assert check(published / "lama.pdf").startswith("COCOK")
    changed = tmp_path / "lama-diubah.pdf"
    pdf = bytearray((published / "lama.pdf").read_bytes())
    pdf[len(pdf) // 2] ^= 0x01
    changed.write_bytes(bytes(pdf))
    assert check(changed).startswith("TIDAK COCOK")
    # the replacement is one click away
    browser.click("a.pengganti")
    browser.wait_for("document.getElementById('status') && document.getElementById('status').getAttribute('data-status') === 'berlaku'")
    assert browser.eval("document.getElementById('nomor').textContent") == "800/001/416-317/2023"
