"""`hospiblog serve` seen from a real browser: an article open in headless Chromium follows the edits of its
Markdown file by itself (server-sent events, then a reload), shows the error overlay naming the file when
the front matter breaks, and comes back when the file is fixed.

The demo site (site.toml, posts/, static/) is copied to a temporary folder, which the test edits.
"""

from __future__ import annotations

import queue
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hospiblog.serve import EVENTS_PATH, SCRIPT_PATH, serve

REPO_ROOT = Path(__file__).resolve().parents[2]
POST_FILE = Path("posts/prevention/soleil-peau.md")
POST_PATH = "/prevention/soleil-proteger-sa-peau-sans-se-priver-de-l-ete/"
OVERLAY = "#hospiblog-error-overlay"
WAIT_MS = 15_000
POLL_MS = 25


@dataclass
class Served:
    site: Path
    url: str
    """http://127.0.0.1:PORT, without the trailing slash."""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A copy of the demo site served by `hospiblog serve` from a daemon thread, stopped at the end."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy2(REPO_ROOT / "site.toml", site / "site.toml")
    for folder in ("posts", "static"):
        shutil.copytree(REPO_ROOT / folder, site / folder)
    ready: queue.Queue[str] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(site,), kwargs={"port": 0, "ready": ready.put, "stop": stop},
                              name="hospiblog-serve", daemon=True)
    thread.start()
    try:
        url = ready.get(timeout=60)
    except queue.Empty:
        stop.set()
        pytest.fail("hospiblog serve did not start within 60 s")
    try:
        yield Served(site, url.rstrip("/"))
    finally:
        stop.set()
        thread.join(timeout=15)
        assert not thread.is_alive(), "the server thread did not stop"


def _wait_for_text(page: Any, text: str) -> None:
    """Polls (through reloads) until the article's body holds ``text``."""
    page.wait_for_function(
        "text => !!document.querySelector('main') && document.querySelector('main').innerText.includes(text)",
        arg=text, polling=POLL_MS, timeout=WAIT_MS)


def test_the_open_page_follows_edits_and_shows_errors(browser: Any, served: Served) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    console_errors: list[str] = []
    page_errors: list[str] = []
    external: list[str] = []

    def block(route: Any) -> None:
        external.append(route.request.url)
        route.abort()

    context.route(re.compile(rf"^(?!{re.escape(served.url)}/|data:|blob:)"), block)
    page = context.new_page()
    navigations: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error":
            console_errors.append(message.text)

    def on_navigation(frame: Any) -> None:
        if frame == page.main_frame:
            navigations.append(frame.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on("framenavigated", on_navigation)
    try:
        # The page follows the server once its live script has opened the event stream.
        with page.expect_response(lambda answer: answer.url == served.url + EVENTS_PATH, timeout=WAIT_MS):
            response = page.goto(served.url + POST_PATH, wait_until="load")
        assert response is not None and response.status == 200
        assert page.locator(f"script[src='{SCRIPT_PATH}']").count() == 1
        source = served.site / POST_FILE
        good = source.read_text("utf-8")
        assert good.startswith("---\ntitle: ")

        # 1. An edit reaches the open page by itself.
        sentence = f"Phrase ajoutée pendant le test {time.monotonic_ns()}."
        before = len(navigations)
        started = time.perf_counter()
        source.write_text(good.rstrip("\n") + f"\n\n{sentence}\n", "utf-8")
        _wait_for_text(page, sentence)
        elapsed = time.perf_counter() - started
        print(f"\nlive reload: {elapsed * 1000:.0f} ms from the file write to the new sentence on the page")
        assert len(navigations) > before, "the text changed without a reload"
        assert page.url == served.url + POST_PATH

        # 2. A broken front matter shows the overlay, naming the file.
        broken = re.sub(r"^title: .*$", "title: [", good, count=1, flags=re.MULTILINE)
        assert broken != good
        source.write_text(broken, "utf-8")
        overlay = page.locator(OVERLAY)
        overlay.wait_for(state="visible", timeout=WAIT_MS)
        page.wait_for_function("([selector, name]) => document.querySelector(selector).innerText.includes(name)",
                               arg=[OVERLAY, POST_FILE.name], polling=POLL_MS, timeout=WAIT_MS)
        assert overlay.get_attribute("role") == "alert"
        assert POST_FILE.name in overlay.inner_text()
        assert sentence in page.locator("main").inner_text()  # the last good page stays behind the overlay

        # 3. The fix removes the overlay and shows the fixed text.
        fixed = f"Phrase corrigée pendant le test {time.monotonic_ns()}."
        source.write_text(good.rstrip("\n") + f"\n\n{fixed}\n", "utf-8")
        _wait_for_text(page, fixed)
        overlay.wait_for(state="detached", timeout=WAIT_MS)
        assert page.locator(OVERLAY).count() == 0
        assert sentence not in page.locator("main").inner_text()

        problems = {"console errors": console_errors, "uncaught page errors": page_errors,
                    "requests off the local server": external}
        assert not {kind: items for kind, items in problems.items() if items}, problems
    finally:
        context.close()
