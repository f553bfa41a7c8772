"""Browser tests: the demo site built once, served on 127.0.0.1 and opened in one headless Chromium.

Chromium is Debian's (/usr/bin/chromium), driven through Playwright's Python API; Playwright never
downloads a browser here. axe-core comes from npm (tests/browser/package.json) and is injected into
each page from node_modules, so no page ever reaches outside the local server.

Outside CI a missing Chromium, axe-core or Playwright skips these tests with the reason; in CI
(the CI variable is set) it fails them, so a broken setup cannot pass unnoticed.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hospiblog.build import build

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOT_FOUND_PAGE = "404.html"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks every test of this folder `browser`, so `-m "not browser"` leaves them out."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


def _missing(reason: str) -> None:
    """Skips outside CI; fails in CI, where the tools must be installed."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required in CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The text of axe.min.js from tests/browser/node_modules."""
    if not AXE_SCRIPT.is_file():
        _missing(f"{AXE_SCRIPT} is missing: run `npm ci --prefix tests/browser`")
    return AXE_SCRIPT.read_text("utf-8")


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site (site.toml and posts/ at the repo root), built once for the session."""
    output = tmp_path_factory.mktemp("site")
    build(REPO_ROOT, output=output)
    return output


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built folder only; an unknown path gets the site's 404 page, as a web host would."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / NOT_FOUND_PAGE
        if code != http.HTTPStatus.NOT_FOUND or not not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle(self) -> None:
        with contextlib.suppress(ConnectionError):  # the browser closed a page mid-response
            super().handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Keeps the test output quiet."""


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """http://127.0.0.1:PORT, a free port, serving the built site from a daemon thread."""
    with serve_folder(site_dir) as url:
        yield url


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serves a built site (as a web host would) at http://127.0.0.1:PORT while the block runs."""
    handler = functools.partial(_SiteHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the Python package playwright is missing: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tests save their screenshots (under pytest's tmp folder)."""
    return tmp_path_factory.mktemp("screenshots")


@dataclass
class PageVisit:
    """A page opened at one width, with everything that went wrong while it loaded."""

    page: Any
    url: str
    status: int | None
    console_errors: list[str]
    page_errors: list[str]
    failed_requests: list[str]
    external_requests: list[str]


@pytest.fixture
def open_plain(browser: Any, base_url: str) -> Iterator[Any]:
    """open_plain(path, viewport, javascript=True) -> page, in a fresh context (no axe, no CSP bypass)."""
    contexts: list[Any] = []

    def open_(path: str, viewport: dict[str, int], *, javascript: bool = True) -> Any:
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript, service_workers="block")
        contexts.append(context)
        page = context.new_page()
        page.goto(base_url + path, wait_until="load")
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def open_page(browser: Any, base_url: str) -> Iterator[Any]:
    """open_page(path, width) -> PageVisit, in a fresh browser context; requests off the server are blocked."""
    contexts: list[Any] = []

    def open_(path: str, width: int, height: int = 900, *, bypass_csp: bool = False) -> PageVisit:
        # The site's Content-Security-Policy forbids inline scripts: only tests that inject one (axe) bypass it.
        context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block",
                                      bypass_csp=bypass_csp)
        contexts.append(context)
        console_errors: list[str] = []
        page_errors: list[str] = []
        failed_requests: list[str] = []
        external_requests: list[str] = []

        def block(route: Any) -> None:
            external_requests.append(route.request.url)
            route.abort()

        # Matched inside Playwright's driver, so only requests off the server come back to Python.
        context.route(re.compile(rf"^(?!{re.escape(base_url)}/|data:|blob:)"), block)
        page = context.new_page()

        def on_console(message: Any) -> None:
            if message.type == "error":
                console_errors.append(_describe_console(message))

        def on_response(response: Any) -> None:
            # The document's own status is the test's to judge (the 404 page answers 404).
            if response.status >= 400 and response.request.resource_type != "document":
                failed_requests.append(f"{response.url}: HTTP {response.status}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        def on_failed(request: Any) -> None:
            # Chromium cancels an image it no longer needs: net::ERR_ABORTED is the browser's choice, not the site
            # failing. A full-page screenshot changes the viewport's metrics, and Chromium then sometimes asks for
            # another srcset candidate (the event page at 1280 px: its 480 px AVIF in 1 of 6 and 1 of 10 runs with
            # the screenshot, 0 of 10 without), which the next page's load aborts. An image that fails shows as an
            # HTTP error above, or in test_pages.py's check that each one decoded.
            if request.resource_type == "image" and request.failure == "net::ERR_ABORTED":
                return
            failed_requests.append(f"{request.url}: {request.failure}")

        page.on("requestfailed", on_failed)
        page.on("response", on_response)
        response = page.goto(base_url + path, wait_until="load")
        return PageVisit(
            page,
            base_url + path,
            response.status if response else None,
            console_errors,
            page_errors,
            failed_requests,
            external_requests,
        )

    yield open_
    for context in contexts:
        context.close()


def _describe_console(message: Any) -> str:
    location = message.location or {}
    return f"{message.text} ({location.get('url', '?')}:{location.get('lineNumber', '?')})"
