"""The page store: a build into a new output folder copies the pages whose inputs did not change, and publishes
the bytes a render would give; damaged or stale bytes are rendered again."""

from __future__ import annotations

import contextlib
import importlib
import os
from pathlib import Path

import pytest

from hospiblog import pages, render, state, writer
from hospiblog.build import build
from hospiblog.errors import HospiblogError
from hospiblog.pages import PageStore
from hospiblog.plan import RenderJob
from tests.conftest import NOW, SiteMaker
from tests.test_build import files_of
from tests.test_speed_paths import site_of


def store_of(site: Path) -> Path:
    return site / ".hospiblog-cache" / "pages"


def record_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every job the build renders (the store's copies are not renders)."""
    rendered: list[str] = []
    original = render.render

    def recording(job: RenderJob, environment: object) -> render.OutputFile:
        rendered.append(job.output)
        return original(job, environment)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "render", recording)
    return rendered


def test_a_build_into_a_new_folder_copies_every_page_and_publishes_the_same_bytes(
        make_site: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = site_of(make_site)
    first = build(site, output=tmp_path / "first", now=NOW)
    assert first.write.reused == 0
    rendered = record_renders(monkeypatch)
    second = build(site, output=tmp_path / "second", now=NOW)
    pages_made = [output for output in rendered if output.endswith((".html", ".xml", ".ics", ".txt"))]
    assert pages_made == []  # static files and images are read, never kept: only they go through render()
    assert second.write.reused > 40
    assert files_of(tmp_path / "first") == files_of(tmp_path / "second")


def test_the_store_follows_an_edit(make_site: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = site_of(make_site)
    build(site, output=tmp_path / "first", now=NOW)
    source = site / "posts" / "news" / "article-0.md"
    source.write_text(source.read_text("utf-8").replace("Texte *0*", "Texte *changé*"), "utf-8")
    rendered = record_renders(monkeypatch)
    build(site, output=tmp_path / "second", now=NOW)
    page = (tmp_path / "second" / "actualites" / "article-numero-0" / "index.html").read_text("utf-8")
    assert "<em>changé</em>" in page
    assert "actualites/article-numero-0/index.html" in rendered
    monkeypatch.undo()
    build(site, output=tmp_path / "clean", now=NOW, use_cache=False)
    assert files_of(tmp_path / "second") == files_of(tmp_path / "clean")


def test_damaged_bytes_are_rendered_again(make_site: SiteMaker, tmp_path: Path) -> None:
    site = site_of(make_site)
    build(site, output=tmp_path / "first", now=NOW)
    segments = sorted(store_of(site).glob("*.seg"))
    assert segments
    for segment in segments:  # every tenth byte flipped, and the last segment cut short
        data = bytearray(segment.read_bytes())
        data[::10] = bytes(byte ^ 0xFF for byte in data[::10])
        segment.write_bytes(bytes(data[: len(data) // 2] if segment == segments[-1] else data))
    second = build(site, output=tmp_path / "second", now=NOW)
    assert second.write.reused == 0
    assert files_of(tmp_path / "first") == files_of(tmp_path / "second")
    third = build(site, output=tmp_path / "third", now=NOW)  # what was rendered again was kept
    assert third.write.reused > 40 and files_of(tmp_path / "third") == files_of(tmp_path / "first")


def test_a_damaged_index_is_an_empty_store(make_site: SiteMaker, tmp_path: Path) -> None:
    site = site_of(make_site)
    build(site, output=tmp_path / "first", now=NOW)
    (store_of(site) / "index").write_bytes(pages.STORE_MAGIC + b"\x80\x05 not a pickle")
    second = build(site, output=tmp_path / "second", now=NOW)
    assert second.write.reused == 0
    assert files_of(tmp_path / "first") == files_of(tmp_path / "second")


def test_other_code_reads_an_empty_store(make_site: SiteMaker, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    site = site_of(make_site)
    build(site, output=tmp_path / "first", now=NOW)
    module = importlib.import_module("hospiblog.build")
    monkeypatch.setattr(module, "code_fingerprint", lambda *parts: "other code")
    assert build(site, output=tmp_path / "second", now=NOW).write.reused == 0


def test_a_small_edit_into_a_published_folder_leaves_the_store_alone(make_site: SiteMaker, tmp_path: Path) -> None:
    site = site_of(make_site)
    build(site, output=tmp_path / "out", now=NOW)
    before = {path.name: path.stat().st_mtime_ns for path in store_of(site).iterdir()}
    source = site / "posts" / "news" / "article-3.md"
    source.write_text(source.read_text("utf-8") + "\nUn ajout.\n", "utf-8")
    report = build(site, output=tmp_path / "out", now=NOW)
    assert report.write.rendered > 0 and report.write.reused == 0
    assert {path.name: path.stat().st_mtime_ns for path in store_of(site).iterdir()} == before


def test_no_store_without_cache(make_site: SiteMaker, tmp_path: Path) -> None:
    site = site_of(make_site)
    build(site, output=tmp_path / "out", now=NOW, use_cache=False)
    assert not store_of(site).exists()


def test_forked_workers_keep_their_pages(make_site: SiteMaker, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    site = site_of(make_site)
    monkeypatch.setattr(writer, "PARALLEL_RENDER_THRESHOLD", 0)
    build(site, output=tmp_path / "first", now=NOW, workers=2)
    names = {path.name.partition("-")[0] for path in store_of(site).glob("*.seg")}
    assert str(os.getpid()) not in names and len(names) == 2  # one segment a worker, none of this process
    second = build(site, output=tmp_path / "second", now=NOW, workers=2)
    assert second.write.reused > 40
    assert files_of(tmp_path / "first") == files_of(tmp_path / "second")


def job(output: str, digest: str = "d", kind: str = "page") -> RenderJob:
    return RenderJob(output=output, digest=digest, kind=kind)


def test_save_keeps_the_planned_pages_and_deletes_dead_segments(tmp_path: Path) -> None:
    store = PageStore(tmp_path / "pages", lambda: "code")
    store.open()
    first = [job(f"page-{n}/index.html") for n in range(3)]
    for item in first:
        kept = store.put(item, f"<p>{item.output}</p>".encode())
        assert kept is not None
        store.add(kept)
    assert store.put(job("style.css", kind="static"), b"body{}") is None  # static files are not kept
    store.save(first)
    old_segments = {path.name for path in (tmp_path / "pages").glob("*.seg")}
    # A later build renders every page again with other inputs: the old segment is dead and goes.
    later = PageStore(tmp_path / "pages", lambda: "code")
    later.open()
    assert later.get(first[0]) == b"<p>page-0/index.html</p>"
    second = [job(item.output, "e") for item in first]
    for item in second:
        assert later.get(item) is None
        kept = later.put(item, b"new " + item.output.encode())
        assert kept is not None
        later.add(kept)
    later.save(second)
    segments = {path.name for path in (tmp_path / "pages").glob("*.seg")}
    assert segments and segments.isdisjoint(old_segments)
    reread = PageStore(tmp_path / "pages", lambda: "code")
    reread.open()
    assert [reread.get(item) for item in second] == [b"new " + item.output.encode() for item in second]
    assert reread.get(first[0]) is None


def test_save_compacts_when_most_bytes_are_dead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "SLACK", 0)
    store = PageStore(tmp_path / "pages", lambda: "code")
    store.open()
    planned = [job(f"p{n}") for n in range(10)]
    for item in planned:
        kept = store.put(item, item.output.encode() * 100)
        assert kept is not None
        store.add(kept)
    store.save(planned)
    (segment,) = (tmp_path / "pages").glob("*.seg")
    # Nine pages go from the plan: the segment is nine tenths dead, and its live page is copied out.
    again = PageStore(tmp_path / "pages", lambda: "code")
    again.open()
    again.save(planned[:1])
    assert not segment.exists()
    (compacted,) = (tmp_path / "pages").glob("*.seg")
    assert compacted.stat().st_size == len(b"p0" * 100)
    final = PageStore(tmp_path / "pages", lambda: "code")
    final.open()
    assert final.get(planned[0]) == b"p0" * 100 and final.get(planned[1]) is None


def test_another_version_of_a_rendering_library_reads_an_empty_store(make_site: SiteMaker, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Babel words the dates, feedgen writes the feeds: pages another version made are not copied."""
    import importlib.metadata

    site = site_of(make_site)
    build(site, output=tmp_path / "first", now=NOW)
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "99.0" if name == "Babel" else real(name))
    state.libraries.cache_clear()  # a new process reads the versions again
    try:
        assert build(site, output=tmp_path / "second", now=NOW).write.reused == 0
    finally:
        state.libraries.cache_clear()


def open_segments(folder: Path) -> list[str]:
    """The segments of the page store in ``folder`` that this process holds open."""
    found = []
    for entry in os.scandir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(entry.path)
            if target.startswith(str(folder)) and target.endswith(".seg"):
                found.append(target)
    return found


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="lists descriptors through /proc")
def test_a_failed_render_leaves_no_segment_open(make_site: SiteMaker, tmp_path: Path) -> None:
    site = site_of(make_site)
    (site / "templates").mkdir()
    (site / "templates" / "post.html").write_text("{{ page.title | no_such_filter }}", "utf-8")
    for attempt in range(2):
        with pytest.raises(HospiblogError):
            build(site, output=tmp_path / f"out-{attempt}", now=NOW, workers=1)
        assert open_segments(store_of(site)) == []
    assert list(store_of(site).glob("*.seg"))  # the pages that did render were kept, then the segment closed


def test_pages_spread_over_many_segments_are_gathered_into_one(tmp_path: Path) -> None:
    planned = [job(f"p{n}") for n in range(pages.MAX_SEGMENTS + 1)]
    for item in planned:  # each store of its own, as each CI run that renders a page or two
        store = PageStore(tmp_path / "pages", lambda: "code")
        store.open()
        kept = store.put(item, item.output.encode())
        assert kept is not None
        store.add(kept)
        store.save(planned)
    assert len(list((tmp_path / "pages").glob("*.seg"))) == 1
    final = PageStore(tmp_path / "pages", lambda: "code")
    final.open()
    assert [final.get(item) for item in planned] == [item.output.encode() for item in planned]


def test_a_save_leaves_the_segment_of_a_running_build_alone(tmp_path: Path) -> None:
    """Another build of the same site may be writing a segment its index does not name yet: a save deletes an
    unnamed segment only once the process named in it is gone."""
    import subprocess
    import sys

    folder = tmp_path / "pages"
    store = PageStore(folder, lambda: "code")
    store.open()
    kept = store.put(job("a/index.html"), b"<p>a</p>")
    assert kept is not None
    store.add(kept)
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    try:
        (folder / f"{running.pid}-aaaaaaaa.seg").write_bytes(b"being written")
        (folder / f"{gone}-bbbbbbbb.seg").write_bytes(b"left by a killed build")
        store.save([job("a/index.html")])
        names = {path.name.partition("-")[0] for path in folder.glob("*.seg")}
        assert str(running.pid) in names and gone not in names
    finally:
        running.kill()
        running.wait()
