"""The `sopgen preview` server: the standard library's threading HTTP server on 127.0.0.1
only, a watchfiles thread that re-reads the project after each save, and server-sent events
that tell every open page to reload. Nothing is fetched from, or served to, the network.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sopgen.authoring.preview import Workspace, index_page, missing_page, sop_page

HOST = "127.0.0.1"
KEEPALIVE_SECONDS = 10.0


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "sopgen-preview"

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows what sopgen says
        pass

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _html(self, status: int, text: str) -> None:
        self._send(status, text.encode("utf-8"), "text/html; charset=utf-8")

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        workspace = self.server.workspace
        snapshot = workspace.snapshot
        if path == "/events":
            return self._events()
        if path in ("/", "/index.html"):
            return self._html(200, index_page(snapshot))
        name = path.lstrip("/")
        slug, dot, ext = name.rpartition(".")
        if not dot or ext not in ("html", "pdf") or "/" in slug or slug not in snapshot.by_slug:
            return self._html(404, missing_page(snapshot, name))
        result = snapshot.by_slug[slug]
        rendered = None if snapshot.blocked(result) else workspace.render(snapshot, slug, pdf=ext == "pdf")
        if ext == "pdf" and rendered is not None and not rendered.error:
            return self._send(200, rendered.pdf, "application/pdf")
        status = 200 if ext == "html" else 409
        self._html(status, sop_page(snapshot, slug, rendered))

    def _events(self) -> None:
        """One event per generation; a comment now and then so a closed page is noticed."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        workspace, seen = self.server.workspace, None
        try:
            self.wfile.write(b"retry: 500\n\n")
            while not self.server.stopping.is_set():
                current = workspace.snapshot.generation
                if current != seen:
                    self.wfile.write(f"event: ubah\ndata: {current}\n\n".encode())
                    seen = current
                else:
                    self.wfile.write(b": tetap\n\n")
                self.wfile.flush()
                workspace.wait_change(seen, KEEPALIVE_SECONDS)
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, address, workspace: Workspace):
        super().__init__(address, _Handler)
        self.workspace = workspace
        self.stopping = threading.Event()


def _watch_filter(root: Path, output: Path):
    from watchfiles import DefaultFilter

    out = str(output.resolve())

    class _ProjectFilter(DefaultFilter):
        """SOP files, the config, templates and images; not the build's output nor hidden folders."""

        def __call__(self, change, path: str) -> bool:
            if path == out or path.startswith(out + "/") or path.startswith(out + "\\"):
                return False
            try:
                parts = Path(path).resolve().relative_to(root).parts
            except ValueError:
                return False
            if any(p.startswith(".") for p in parts):
                return False
            return super().__call__(change, path)

    return _ProjectFilter()


@dataclass
class Preview:
    """A running preview: `url`, and `stop()` (also called by `serve` when its time is up)."""

    server: _Server
    workspace: Workspace
    threads: list[threading.Thread]
    errors: list[str]

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def stop(self) -> None:
        self.server.stopping.set()
        self.workspace.wake_all()
        self.server.shutdown()
        self.server.server_close()
        for t in self.threads:
            t.join(timeout=5)


def start(start_dir: Path, port: int = 0) -> Preview:
    """Serve the project around `start_dir` on 127.0.0.1:`port` (0: a free port) in
    background threads. Raises OSError when the port is taken."""
    workspace = Workspace(start_dir)
    server = _Server((HOST, port), workspace)
    errors: list[str] = []
    root = workspace.snapshot.project.root.resolve()
    watcher = threading.Thread(
        target=_watch, args=(root, workspace, server.stopping, errors), name="sopgen-preview-watch", daemon=True
    )
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="sopgen-preview", daemon=True)
    watcher.start()
    serving.start()
    return Preview(server, workspace, [serving, watcher], errors)


def _watch(root: Path, workspace: Workspace, stop: threading.Event, errors: list[str]) -> None:
    """Re-read the project after every batch of saves, until the server stops."""
    from watchfiles import watch

    try:
        for _ in watch(root, watch_filter=_watch_filter(root, workspace.snapshot.project.output),
                       stop_event=stop, debounce=400, step=50, rust_timeout=500, raise_interrupt=False):
            try:
                workspace.refresh()
            except Exception as err:  # noqa: BLE001 - one bad read must not end the preview
                errors.append(f"proyek tidak terbaca: {type(err).__name__}: {err}")
    except Exception as err:  # the page keeps working; it just no longer follows saves
        errors.append(f"pemantauan berkas berhenti: {type(err).__name__}: {err}")
