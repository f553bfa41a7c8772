"""``hospiblog serve``: build, serve on loopback, watch the sources, rebuild what changed, reload the browser.

The live-reload script is added to HTML responses by this server only; files on disk
are exactly what ``build`` would write with drafts and scheduled posts labelled.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from .build import BuildOptions, BuildReport, Pipeline
from .cache import CACHE_DIR_NAME, FingerprintCache
from .content.discover import is_post_file
from .errors import HospiblogError
from .fastpath import Served, update

if TYPE_CHECKING:
    from .plan import RenderJob

EVENTS_PATH = "/__hospiblog/events"
SCRIPT_PATH = "/__hospiblog/live.js"
WATCHED = ("posts", "themes", "templates", "static", "site.toml")
DEBOUNCE_SECONDS = 0.05
LIVE_SCRIPT = (Path(__file__).parent / "live.js").read_text("utf-8")


@dataclass
class EventHub:
    """Server-sent events to every open page."""

    clients: list[queue.Queue[str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_error: str | None = None

    def subscribe(self) -> queue.Queue[str]:
        client: queue.Queue[str] = queue.Queue()
        with self.lock:
            self.clients.append(client)
        if self.last_error is not None:
            client.put(_event("error", {"message": self.last_error}))
        return client

    def unsubscribe(self, client: queue.Queue[str]) -> None:
        with self.lock, contextlib.suppress(ValueError):
            self.clients.remove(client)

    def send(self, name: str, data: object) -> None:
        message = _event(name, data)
        with self.lock:
            for client in self.clients:
                client.put(message)


def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


def with_live_script(page: bytes) -> bytes:
    """The page with the live-reload script, added at serve time only."""
    return page.replace(b"</body>", f'<script src="{SCRIPT_PATH}" defer></script></body>'.encode(), 1)


class Handler(SimpleHTTPRequestHandler):
    """Serves the output folder only, adds the live-reload script and streams events."""

    hub: EventHub
    root: Path

    def __init__(self, *args: object, hub: EventHub, root: Path, **kwargs: object) -> None:
        self.hub = hub
        self.root = root
        super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:
        return  # the terminal shows rebuilds, not every request

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            self._stream_events()
        elif path == SCRIPT_PATH:
            self._send(HTTPStatus.OK, LIVE_SCRIPT.encode(), "text/javascript; charset=utf-8")
        elif not self._inside_root(path):
            self._send(HTTPStatus.FORBIDDEN, b"Forbidden", "text/plain; charset=utf-8")
        elif self._is_html(path):
            self._send_html(path)
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if not self._inside_root(urlsplit(self.path).path):
            self._send(HTTPStatus.FORBIDDEN, b"", "text/plain")
            return
        super().do_HEAD()

    def _inside_root(self, url_path: str) -> bool:
        """Refuses any path that would leave the output folder, encoded or not, and links out of it."""
        decoded = unquote(url_path)
        if ".." in Path(decoded).parts or "\\" in decoded or "\x00" in decoded:
            return False
        target = Path(self.translate_path(url_path)).resolve()
        return target.is_relative_to(self.root.resolve())

    def _is_html(self, url_path: str) -> bool:
        file = Path(self.translate_path(url_path))
        return (file / "index.html").is_file() if file.is_dir() else file.suffix == ".html" and file.is_file()

    def _send_html(self, url_path: str) -> None:
        file = Path(self.translate_path(url_path))
        if file.is_dir():
            if not url_path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", url_path + "/")
                self.end_headers()
                return
            file = file / "index.html"
        self._send(HTTPStatus.OK, with_live_script(file.read_bytes()), "text/html; charset=utf-8")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        missing = self.root / "404.html"
        if code == HTTPStatus.NOT_FOUND and missing.is_file():
            self._send(HTTPStatus.NOT_FOUND, with_live_script(missing.read_bytes()), "text/html; charset=utf-8")
            return
        super().send_error(code, message, explain)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _stream_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        client = self.hub.subscribe()
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                try:
                    message = client.get(timeout=10)
                except queue.Empty:
                    message = ": keep-alive\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            self.hub.unsubscribe(client)


class _SourceWatcher(FileSystemEventHandler):
    """Collects relevant changes; the rebuild thread picks them up after a short quiet time."""

    def __init__(self, site_dir: Path, changes: queue.Queue[Path],
                 watch_folder: Callable[[Path], object] = lambda folder: None) -> None:
        self.site_dir = site_dir
        self.changes = changes
        self.watch_folder = watch_folder

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        created = Path(os.fsdecode(event.src_path))
        if event.is_directory and event.event_type == "created" and created.parent == self.site_dir \
                and created.name in WATCHED:
            self.watch_folder(created)  # a templates/ or static/ folder made while serving
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                path = Path(raw if isinstance(raw, str) else raw.decode())
                if is_relevant(path, self.site_dir):
                    self.changes.put(path)


def is_relevant(path: Path, site_dir: Path) -> bool:
    """Sources only: not the output, the cache, or editors' temporary and backup files."""
    try:
        relative = path.relative_to(site_dir)
    except ValueError:
        return False
    parts = relative.parts
    if not parts or parts[0] not in WATCHED or CACHE_DIR_NAME in parts:
        return False
    name = parts[-1]
    if name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".swx", ".tmp", ".part")) or name == "4913":
        return False
    return parts[0] != "posts" or is_post_file(name) or "." not in name


class MemoryCache:
    """Parsed posts kept in memory by ``hospiblog serve``, in front of the disk cache."""

    def __init__(self, disk: FingerprintCache | None) -> None:
        self.disk = disk
        self.entries: dict[str, Any] = {}
        self.keep: set[str] = set()
        self.disk_read = False
        """Once the pack has been read and saved, every key it could give is in memory already: a miss is
        not worth reading a large site's pack again."""

    def get(self, key: str) -> Any | None:
        if key not in self.entries and self.disk is not None and not self.disk_read:
            value = self.disk.get(key)
            if value is not None:
                self.entries[key] = value
        return self.entries.get(key)

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = value

    def save(self, keep: set[str]) -> None:
        """Forgets entries no current source needs, so memory does not grow with every edit.

        The disk cache is written by :meth:`flush` only (at serve's start and stop): saved after every
        keystroke, each version of the post being written would go to its log, which would then soon be
        compacted (a large site's whole pack read and written again).
        """
        self.entries = {key: value for key, value in self.entries.items() if key in keep}
        self.keep = keep

    def flush(self) -> None:
        """Writes what is in memory to the disk cache: the disk cache skips the keys it holds already, and appends
        the others without reading its files again (at serve's stop, the posts edited during the session)."""
        if self.disk is not None:
            for key, value in list(self.entries.items()):  # a rebuild may be running
                self.disk.put(key, value)
            self.disk.save(self.keep)
            self.disk_read = True


@dataclass
class ServeSession:
    """A site being served: the pipeline kept in memory, the output folder, the hub."""

    site_dir: Path
    options: BuildOptions
    output_dir: Path
    hub: EventHub = field(default_factory=EventHub)
    log: Callable[[str], None] = print
    pipeline: Pipeline = field(init=False)

    served: Served | None = field(init=False, default=None)
    """What the last full rebuild made, for the fast path; None after an error."""

    def __post_init__(self) -> None:
        disk = FingerprintCache(self.site_dir / CACHE_DIR_NAME, "posts") if self.options.use_cache else None
        self.cache = MemoryCache(disk)
        self.pipeline = Pipeline(self.site_dir, output=self.output_dir, options=self.options, posts_cache=self.cache)

    def rebuild(self, changed: set[Path] | None = None) -> BuildReport | None:
        """Rebuilds what changed; on error keeps the last good site and tells every open page."""
        start = time.perf_counter()
        try:
            report = self._run(changed)
        except HospiblogError as error:
            message = error.format(self.site_dir)
            self.hub.last_error = message
            self.hub.send("error", {"message": message})
            self.log(message)
            return None
        elapsed = (time.perf_counter() - start) * 1000
        was_broken = self.hub.last_error is not None
        self.hub.last_error = None
        written = report.write.written + report.write.removed
        if written or was_broken:
            self._announce(changed or set(), written)
        self.log(f"Rebuilt in {elapsed:.0f} ms: {len(written)} files changed ({report.posts} posts)")
        if "update" not in report.stages:
            settle_memory()  # after a full rebuild (the fast path made few objects), once the page has reloaded
        return report

    def _run(self, changed: set[Path] | None) -> BuildReport:
        """The fast path when the edit allows it (:mod:`hospiblog.fastpath`), else the whole pipeline in place."""
        now = datetime.now(UTC)
        if changed and self.served is not None:
            report = update(self.served, self.pipeline, changed, now=now)
            if report is not None:
                return report
        self.served = None
        report, built = self.pipeline.run_kept(now=now)
        if built is not None:
            self.served = Served(built, report.output_dir, (report.posts, report.pages, report.feeds))
        return report

    def save_cache(self) -> None:
        """Writes the parsed posts kept in memory to the disk cache, for the next build or serve."""
        self.cache.flush()

    def warm_up(self) -> None:
        """Makes the Markdown renderer and renders one page of each template of the last run, discarding the
        bytes: called after serve's start (from the cache nothing was parsed or rendered yet) so that the
        first edit does not pay for it."""
        from .content.markdown import render_markdown
        from .render import render

        if self.served is None:
            return
        loaded = self.served.built.loaded
        render_markdown("*", language=loaded.config.language, post_folder="posts")
        environment = self.pipeline.environment(loaded.config, loaded.theme)
        first: dict[str, RenderJob] = {}
        for job in self.served.built.planner.jobs:
            if job.template and job.template not in first:
                first[job.template] = job
        for job in first.values():
            with contextlib.suppress(HospiblogError):
                render(job, environment)

    def _announce(self, changed: set[Path], written: list[str]) -> None:
        only_css = bool(changed) and all(path.suffix == ".css" for path in changed)
        if only_css:
            sheets = ["/" + name for name in written if name.endswith(".css")]
            self.hub.send("css", {"stylesheets": sheets})
        else:
            self.hub.send("reload", {"files": written[:50]})


def settle_memory() -> None:
    """Collects the garbage of a full rebuild, then freezes what is left (the site kept in memory) out of the
    garbage collector's sight: otherwise a full collection over the millions of objects of a large site
    (about 0.4 s at 10,000 posts) can fall in the middle of the next edit's rebuild."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def start_watching(session: ServeSession, stop: threading.Event) -> BaseObserver:
    """Starts watching the sources and a thread that rebuilds after each burst of changes."""
    changes: queue.Queue[Path] = queue.Queue()
    observer = Observer()
    handler = _SourceWatcher(session.site_dir, changes,
                             lambda folder: observer.schedule(handler, str(folder), recursive=True))
    # Only the sources are watched: the output and the cache can hold tens of thousands of files.
    observer.schedule(handler, str(session.site_dir), recursive=False)
    for name in WATCHED:
        folder = session.site_dir / name
        if folder.is_dir():
            observer.schedule(handler, str(folder), recursive=True)
    observer.start()
    thread = threading.Thread(target=_rebuild_loop, args=(session, changes, stop), daemon=True)
    thread.start()
    return observer


def _rebuild_loop(session: ServeSession, changes: queue.Queue[Path], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            first = changes.get(timeout=0.2)
        except queue.Empty:
            continue
        batch = {first}
        # Editors save through temporary files and renames: wait for the burst to end.
        while True:
            try:
                batch.add(changes.get(timeout=DEBOUNCE_SECONDS))
            except queue.Empty:
                break
        session.rebuild(batch)


def make_server(session: ServeSession, bind: str, port: int) -> ThreadingHTTPServer:
    """The HTTP server over the session's output folder."""
    handler = partial(Handler, hub=session.hub, root=session.output_dir)
    server = ThreadingHTTPServer((bind, port), handler)
    server.daemon_threads = True
    return server


def serve(site_dir: Path, *, bind: str = "127.0.0.1", port: int = 8000, drafts: bool = False,
          future: bool = False, ready: Callable[[str], None] | None = None,
          stop: threading.Event | None = None) -> None:
    """Builds, serves and watches until interrupted (or until ``stop`` is set)."""
    output_dir = Path(tempfile.mkdtemp(prefix="hospiblog-serve-")) / "site"
    options = BuildOptions(drafts=drafts, future=future, dev=True)
    session = ServeSession(site_dir.resolve(), options, output_dir)
    stop = stop or threading.Event()
    try:
        session.rebuild()
        session.save_cache()
        session.warm_up()
        settle_memory()
        server = make_server(session, bind, port)
        url = f"http://{bind}:{server.server_address[1]}/"
        print(f"Serving {site_dir.resolve()} at {url} (Ctrl+C to stop)", flush=True)
        if ready:
            ready(url)
        observer = start_watching(session, stop)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            while not stop.wait(0.5):
                pass
        finally:
            server.shutdown()
            observer.stop()
            session.save_cache()
    finally:
        shutil.rmtree(output_dir.parent, ignore_errors=True)
        sys.stdout.flush()
