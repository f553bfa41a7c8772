"""The real dev server in a thread: reload events, error overlay events, path traversal, loopback."""

from __future__ import annotations

import http.client
import queue
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hospiblog.serve import EVENTS_PATH, SCRIPT_PATH, is_relevant, serve
from tests.conftest import SiteMaker, post


class Events:
    """Reads the server-sent events stream in a thread."""

    def __init__(self, host: str, port: int) -> None:
        self.queue: queue.Queue[tuple[str, str]] = queue.Queue()
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.connection.request("GET", EVENTS_PATH)
        self.response = self.connection.getresponse()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name = ""
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    self.queue.put((name, line[6:]))
        except OSError:
            return

    def next(self, timeout: float = 15) -> tuple[str, str]:
        return self.queue.get(timeout=timeout)


@pytest.fixture
def served(make_site: SiteMaker) -> Iterator[tuple[Path, str, int]]:
    site = make_site({"posts/news/a.md": post("Premier article", body="Texte initial."),
                      "posts/news/b.md": post("Brouillon en cours", draft="true")})
    stop = threading.Event()
    ready: queue.Queue[str] = queue.Queue()
    thread = threading.Thread(target=serve, args=(site,), kwargs={"port": 0, "drafts": True, "ready": ready.put,
                                                                  "stop": stop}, daemon=True)
    thread.start()
    url = ready.get(timeout=30)
    host, port = url.split("//")[1].rstrip("/").split(":")
    yield site, host, int(port)
    stop.set()
    thread.join(timeout=10)


def get(host: str, port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


def test_default_bind_is_loopback(served: tuple[Path, str, int]) -> None:
    _, host, _ = served
    assert host == "127.0.0.1"


def test_pages_carry_the_live_script_and_draft_label(served: tuple[Path, str, int]) -> None:
    _, host, port = served
    status, body = get(host, port, "/actualites/brouillon-en-cours/")
    assert status == 200 and SCRIPT_PATH.encode() in body and b"Brouillon</span>" in body
    assert get(host, port, SCRIPT_PATH)[0] == 200


@pytest.mark.parametrize("path", ["/../site.toml", "/%2e%2e/site.toml", "/..%2fsite.toml",
                                  "/actualites/../../site.toml", "/%2E%2E/%2E%2E/etc/passwd"])
def test_paths_outside_the_output_are_refused(served: tuple[Path, str, int], path: str) -> None:
    _, host, port = served
    status, body = get(host, port, path)
    assert status in (403, 404) and b"base_url" not in body and b"root:" not in body


def test_an_edit_reaches_the_page_as_a_reload_event(served: tuple[Path, str, int]) -> None:
    site, host, port = served
    events = Events(host, port)
    time.sleep(0.3)
    source = site / "posts/news/a.md"
    source.write_text(source.read_text().replace("Texte initial.", "Texte corrigé en direct."))
    name, data = events.next()
    assert name == "reload" and "actualites/premier-article/index.html" in data
    assert "Texte corrigé en direct." in get(host, port, "/actualites/premier-article/")[1].decode()


def test_a_broken_file_shows_the_error_and_the_fix_clears_it(served: tuple[Path, str, int]) -> None:
    site, host, port = served
    events = Events(host, port)
    time.sleep(0.3)
    source = site / "posts/news/a.md"
    good = source.read_text()
    source.write_text(good.replace('title: "Premier article"', "title: [oups"))
    name, data = events.next()
    assert name == "error" and "a.md" in data and "invalid front matter" in data
    status, body = get(host, port, "/actualites/premier-article/")
    assert status == 200 and b"Premier article" in body  # the last good site is still served
    source.write_text(good.replace("Texte initial.", "Réparé."))
    name, _ = events.next()
    assert name == "reload"
    assert "Réparé." in get(host, port, "/actualites/premier-article/")[1].decode()


def test_a_new_page_gets_the_current_error(served: tuple[Path, str, int]) -> None:
    site, host, port = served
    first = Events(host, port)
    time.sleep(0.3)
    (site / "posts/news/c.md").write_text(post("Auteur inconnu", author="personne"))
    assert first.next()[0] == "error"
    late = Events(host, port)
    name, data = late.next()
    assert name == "error" and "unknown author 'personne'" in data


def test_editor_leftovers_are_not_watched(tmp_path: Path) -> None:
    site = tmp_path
    assert is_relevant(site / "posts/news/a.md", site)
    assert is_relevant(site / "site.toml", site)
    assert is_relevant(site / "templates/base.html", site)
    for name in ("posts/news/.a.md.swp", "posts/news/a.md~", "posts/news/#a.md#", "posts/news/4913",
                 "public/index.html", ".hospiblog-cache/x", "posts/news/.~lock.a.md#"):
        assert not is_relevant(site / name, site), name


def test_port_in_use_is_a_clear_error(make_site: SiteMaker) -> None:
    from hospiblog.cli import main

    site = make_site({"posts/news/a.md": post("A")})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", str(site), "--port", str(port)]) == 1


def test_a_source_folder_made_while_serving_is_watched(served: tuple[Path, str, int]) -> None:
    site, host, port = served
    events = Events(host, port)
    time.sleep(0.3)
    (site / "templates").mkdir()
    time.sleep(0.5)  # the new folder is being watched before the template is written
    (site / "templates" / "404.html").write_text(
        '{% extends "default/404.html" %}{% block content %}<p>Page perdue, mais pas vous.</p>{% endblock %}')
    name, data = events.next()
    while "404.html" not in data:  # the folder's own creation may come first
        name, data = events.next()
    assert name == "reload"
    assert "Page perdue, mais pas vous." in get(host, port, "/404.html")[1].decode()


def test_a_serve_session_keeps_its_output_state_in_memory(make_site: SiteMaker, tmp_path: Path) -> None:
    """Serve's output is a temporary folder: no manifest or snapshot of it is left in the site's cache, and a
    full rebuild after a change that is not a body edit still writes only the files that changed."""
    from hospiblog.build import BuildOptions
    from hospiblog.serve import ServeSession

    site = make_site({"posts/news/a.md": post("A", tags="[un]"), "posts/news/b.md": post("B", "2026-10-02")})
    session = ServeSession(site, BuildOptions(dev=True), tmp_path / "served", log=lambda message: None)
    first = session.rebuild()
    assert first is not None and len(first.write.written) > 20
    renamed = site / "posts/news/b.md"
    renamed.write_text(post("B, retitré", "2026-10-02"), "utf-8")  # a new title: the full pipeline runs
    again = session.rebuild({renamed})
    assert again is not None and "update" not in again.stages and "plan" in again.stages
    assert 0 < len(again.write.written) < len(first.write.written) // 2
    assert not (site / ".hospiblog-cache" / "outputs").exists()


def test_a_german_post_edited_in_serve_shows_its_new_reading_time_everywhere(make_site: SiteMaker,
                                                                              tmp_path: Path) -> None:
    """Serve's fast path drops an edited post's summary in every language's views, not only the default one's:
    the German listings and the post's page show the reading time a full build gives."""
    from datetime import datetime

    from hospiblog.build import BuildOptions, build
    from hospiblog.serve import ServeSession
    from tests.conftest import GERMAN_TOML, SITE_TOML
    from tests.test_build import files_of

    site = make_site({"posts/news/a.md": post("Un article", tags="[sommeil]"),
                      "posts/news/b.md": post("Ein Artikel", "2026-10-02", "Ein Text.", lang="de", tags="[Schlaf]")},
                     SITE_TOML + GERMAN_TOML)
    session = ServeSession(site, BuildOptions(dev=True), tmp_path / "served", log=lambda message: None)
    session.rebuild()
    edited = site / "posts/news/b.md"
    edited.write_text(edited.read_text("utf-8") + "\n" + " ".join(["Wort"] * 600) + "\n", "utf-8")
    report = session.rebuild({edited})
    assert report is not None and "update" in report.stages  # the fast path took it
    build(site, output=tmp_path / "full", dev=True, use_cache=False, now=datetime.now().astimezone())
    assert files_of(tmp_path / "served") == files_of(tmp_path / "full")
