"""The fast paths give the same bytes as the slow ones: cache, parallel work, no-op builds."""

from __future__ import annotations

import importlib
import os
import pickle
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from hospiblog import writer
from hospiblog.build import build
from hospiblog.cache import PACK_MAGIC
from tests.conftest import NOW, SiteMaker, post
from tests.test_build import files_of


def site_of(make_site: SiteMaker, count: int = 12) -> Path:
    return make_site({f"posts/{('news', 'prevention', 'medicine')[n % 3]}/article-{n}.md":
                      post(f"Article numéro {n}", f"2026-0{n % 9 + 1}-1{n % 10}", f"Texte *{n}* : voir.",
                           tags=f"[sujet-{n % 4}, commun]")
                      for n in range(count)})


def test_parallel_build_equals_serial_build(make_site: SiteMaker, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    site = site_of(make_site)
    build(site, output=tmp_path / "serial", now=NOW, workers=1, use_cache=False)
    # The package exports the build() function under the module's name: take the module itself.
    monkeypatch.setattr(importlib.import_module("hospiblog.build"), "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(writer, "PARALLEL_RENDER_THRESHOLD", 0)
    build(site, output=tmp_path / "parallel", now=NOW, workers=2, use_cache=False)
    serial, parallel = files_of(tmp_path / "serial"), files_of(tmp_path / "parallel")
    assert len(serial) > 40 and serial == parallel


@pytest.mark.parametrize("damage", ["garbage", "partial", "not a dict"])
def test_a_corrupt_cache_file_is_ignored(make_site: SiteMaker, tmp_path: Path, damage: str) -> None:
    site = site_of(make_site, 4)
    build(site, output=tmp_path / "first", now=NOW)
    pack = site / ".hospiblog-cache" / "posts.pack"
    data = pack.read_bytes()
    pack.write_bytes({"garbage": b"\x80\x04garbage", "partial": data[: len(data) // 2],
                      "not a dict": PACK_MAGIC + pickle.dumps(["a", "list"])}[damage])
    for manifest in (site / ".hospiblog-cache" / "outputs").glob("*.json"):
        manifest.write_text("{not json")
    report = build(site, output=tmp_path / "second", now=NOW)
    assert report.parsed == 4
    assert files_of(tmp_path / "first") == files_of(tmp_path / "second")
    assert build(site, output=tmp_path / "third", now=NOW).parsed == 0  # the pack was written again


def test_the_cache_keeps_only_the_current_posts(make_site: SiteMaker, tmp_path: Path) -> None:
    site = site_of(make_site, 4)
    build(site, output=tmp_path / "out", now=NOW)
    post = sorted((site / "posts").rglob("*.md"))[0]
    for number in range(3):
        post.write_text(post.read_text("utf-8") + f"\nParagraphe {number}.\n", "utf-8")
        report = build(site, output=tmp_path / "out", now=NOW)
        assert report.parsed == 1
    # Four posts: each save compacts (tests/test_cache.py has the larger site whose saves append to the log).
    assert not (site / ".hospiblog-cache" / "posts.log").exists()
    entries = pickle.loads((site / ".hospiblog-cache" / "posts.pack").read_bytes()[len(PACK_MAGIC):])
    assert len(entries) == 4


def test_an_upgraded_markdown_library_parses_every_post_again(make_site: SiteMaker, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A kept parse holds python-markdown's output: another version of it (or of PyYAML, nh3, lxml) must not reuse
    it. Only the module's version changes here, not the installed one that the no-op check reads (tested below), so
    an edit makes the build run; it parses every post."""
    import markdown

    from hospiblog.content import parse

    site = site_of(make_site, 4)
    build(site, output=tmp_path / "out", now=NOW)
    monkeypatch.setattr(markdown, "__version__", "99.0")
    parse.code_fingerprint.cache_clear()
    try:
        post = sorted((site / "posts").rglob("*.md"))[0]
        post.write_text(post.read_text("utf-8") + "\nUn paragraphe de plus.\n", "utf-8")
        assert build(site, output=tmp_path / "out", now=NOW).parsed == 4
    finally:
        parse.code_fingerprint.cache_clear()  # the next call, after the test, sees the real version


@pytest.mark.parametrize("library", ["Babel", "Markdown", "Unidecode", "twitter-text-parser"])
def test_an_upgraded_library_makes_every_page_again(make_site: SiteMaker, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    """Babel words the dates, python-markdown writes the bodies, Unidecode the slugs, twitter-text counts the X share
    text: after an upgrade, a build into the same folder is not a no-op, and every page is made again, not only the
    edited ones (no site half in one version's words); a kept parse holds slugs, so Unidecode parses again."""
    import importlib.metadata

    from hospiblog import state
    from hospiblog.content import parse

    site, out = site_of(make_site, 4), tmp_path / "out"
    first = build(site, output=out, now=NOW)
    assert build(site, output=out, now=NOW).write.rendered == 0
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "99.0" if name == library else real(name))
    parse.code_fingerprint.cache_clear()  # a new process reads the versions again
    state.libraries.cache_clear()
    try:
        again = build(site, output=out, now=NOW)
        assert "read" in again.stages
        assert again.write.rendered == first.write.rendered > 20 and again.write.reused == 0
        assert again.parsed == (4 if library == "Unidecode" else 0)
        assert build(site, output=out, now=NOW).write.rendered == 0  # and the build after it is a no-op again
    finally:
        parse.code_fingerprint.cache_clear()
        state.libraries.cache_clear()


def test_a_no_op_build_writes_nothing_and_skips_the_work(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = site_of(make_site, 4), tmp_path / "out"
    build(site, output=out, now=NOW)
    report = build(site, output=out, now=NOW)
    assert report.write.written == [] and report.write.rendered == 0
    assert "parse" not in report.stages  # the inputs' hash matched: nothing after discovery ran
    assert report.posts == 4


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(make_site: SiteMaker, tmp_path: Path) -> None:
    """The no-op check trusts stat signatures: a same-size edit with its mtime set back must still rebuild."""
    site, out = site_of(make_site, 4), tmp_path / "out"
    build(site, output=out, now=NOW)
    source = sorted((site / "posts").rglob("*.md"))[0]
    before = source.stat()
    text = source.read_text("utf-8")
    edited = text.replace("Texte", "Tex7e", 1)
    assert edited != text and len(edited.encode()) == len(text.encode())
    source.write_text(edited, "utf-8")
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    report = build(site, output=out, now=NOW)
    assert report.parsed == 1 and report.write.written
    assert "Tex7e" in "".join(path.read_text("utf-8") for path in out.rglob("*.html"))


def test_unread_sources_are_read_when_the_parse_cache_lost_them(make_site: SiteMaker, tmp_path: Path) -> None:
    """sources.json spares reading unchanged files; without their parse in the cache they are read after all."""
    site = site_of(make_site, 4)
    build(site, output=tmp_path / "first", now=NOW)
    assert (site / ".hospiblog-cache" / "sources.json").is_file()
    (site / ".hospiblog-cache" / "posts.pack").unlink()
    report = build(site, output=tmp_path / "second", now=NOW)
    assert report.parsed == 4
    assert files_of(tmp_path / "first") == files_of(tmp_path / "second")


def test_a_source_whose_bytes_do_not_match_what_was_remembered_is_refused(make_site: SiteMaker, tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Bytes read late (the parse cache lacked them) must be the ones the cache key was made from."""
    import json

    from hospiblog.cli import main

    site = site_of(make_site, 2)
    build(site, output=tmp_path / "out", now=NOW)
    remembered = site / ".hospiblog-cache" / "sources.json"
    data = json.loads(remembered.read_text())
    first = sorted(data)[0]
    data[first][1] = "0" * 32  # as if the file had changed after its stat was taken
    remembered.write_text(json.dumps(data))
    (site / ".hospiblog-cache" / "posts.pack").unlink()
    assert main(["build", str(site), "-o", str(tmp_path / "other")]) == 1  # another output: no no-op
    err = capsys.readouterr().err
    assert "changed while the site was being built" in err and Path(first).name in err and "Traceback" not in err


def test_a_changed_output_file_is_repaired(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = site_of(make_site, 4), tmp_path / "out"
    build(site, output=out, now=NOW)
    before = files_of(out)
    (out / "index.html").write_text("abîmé")
    (out / "rss.xml").unlink()
    report = build(site, output=out, now=NOW)
    assert sorted(report.write.written) == ["index.html", "rss.xml"]
    assert files_of(out) == before


def test_a_scheduled_post_appears_once_due_without_any_edit(make_site: SiteMaker, tmp_path: Path) -> None:
    from datetime import timedelta

    site, out = make_site({"posts/news/a.md": post("Déjà là", "2026-11-01"),
                           "posts/news/b.md": post("Bientôt", "2026-11-25")}), tmp_path / "out"
    build(site, output=out, now=NOW)
    assert not (out / "actualites/bientot").exists()
    build(site, output=out, now=NOW + timedelta(days=1))
    assert not (out / "actualites/bientot").exists()
    report = build(site, output=out, now=NOW + timedelta(days=3))
    assert (out / "actualites/bientot/index.html").exists() and report.posts == 2


def test_a_no_op_build_reports_the_warnings_of_the_build_it_repeats(make_site: SiteMaker, tmp_path: Path) -> None:
    """Every warning, the one allow_raw_html gives included (it came after the snapshot and was lost)."""
    from tests.conftest import SITE_TOML

    site = make_site({"posts/news/a.md": post("A", body="<b>gras</b>")},
                     config=SITE_TOML.replace('posts_per_page = 2', 'posts_per_page = 2\nallow_raw_html = true'))
    first = build(site, output=tmp_path / "out", now=NOW)
    again = build(site, output=tmp_path / "out", now=NOW)
    assert "parse" not in again.stages
    assert [warning.format() for warning in again.warnings] == [warning.format() for warning in first.warnings]
    assert any("allow_raw_html" in warning.message for warning in again.warnings)


def test_a_body_edit_renders_the_post_and_its_feeds_not_the_pages_listing_it(make_site: SiteMaker, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Listings and neighbours show a post's front matter and reading time: a body edit that keeps its reading time
    leaves their digests alone (Post.listing_fingerprint), and a title edit does not; both give a clean build's
    bytes."""
    from hospiblog import render as render_module

    site, out = site_of(make_site), tmp_path / "out"
    build(site, output=out, now=NOW)
    rendered: list[tuple[str, str]] = []
    real_render = render_module.render

    def spy(job: Any, environment: Any) -> Any:
        rendered.append((job.output, job.kind))
        return real_render(job, environment)

    monkeypatch.setattr(render_module, "render", spy)
    source = site / "posts" / "prevention" / "article-4.md"
    source.write_text(source.read_text("utf-8") + "\nUne phrase de plus.\n", "utf-8")
    build(site, output=out, now=NOW)
    page = "prevention/article-numero-4/index.html"
    assert page in dict(rendered)
    # The home page, the category's and tags' pages, the archive and the neighbours' pages list it: not made again.
    assert {output for output, kind in rendered if output != page} == {
        output for output, kind in rendered if kind == "feed"}
    assert files_of(out) == files_of(build_clean(site, tmp_path / "clean-1"))

    rendered.clear()
    source.write_text(source.read_text("utf-8").replace("Article numéro 4", "Article numéro quatre"), "utf-8")
    build(site, output=out, now=NOW)
    pages = {output for output, kind in rendered if kind == "page"}
    # The slug follows the title: the page moves, and every page listing it or naming it is made again.
    assert {"prevention/index.html", "prevention/article-numero-quatre/index.html"} <= pages
    assert any("/article-numero-" in output for output in pages)  # a neighbour names it by its title
    assert files_of(out) == files_of(build_clean(site, tmp_path / "clean-2"))


def next_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """hospiblog's code as another version's: its fingerprint, which the snapshot and the manifest hold, changes."""
    from hospiblog import state

    real = state.code_fingerprint

    def fingerprint(*parts: str) -> str:
        return real(*parts) if parts else "the next version"

    monkeypatch.setattr(state, "code_fingerprint", fingerprint)
    monkeypatch.setattr(importlib.import_module("hospiblog.build"), "code_fingerprint", fingerprint)


def build_clean(site: Path, output: Path) -> Path:
    build(site, output=output, now=NOW, use_cache=False)
    return output


def test_new_code_makes_every_file_again_and_rewrites_those_it_changes(make_site: SiteMaker, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A job's digest holds its inputs, not the code that renders them: the manifest names the code that made the
    files, and other code (an upgrade, a fix of the JSON-LD) makes every file again; only changed bytes are written."""
    from hospiblog import render as render_module

    site, out = site_of(make_site, 4), tmp_path / "out"
    first = build(site, output=out, now=NOW)
    real_render = render_module.render

    def new_code(job: Any, environment: Any) -> Any:
        made = real_render(job, environment)
        return replace(made, data=made.data + b"<!-- new -->") if job.template == "post.html" else made

    monkeypatch.setattr(render_module, "render", new_code)
    assert build(site, output=out, now=NOW).write.written == []  # the same code fingerprint: nothing is made again
    next_version(monkeypatch)
    second = build(site, output=out, now=NOW)
    posts = sorted(path for path in out.rglob("index.html") if b"<!-- new -->" in path.read_bytes())
    assert len(posts) == 4 and sorted(second.write.written) == sorted(
        path.relative_to(out).as_posix() for path in posts)
    assert second.write.rendered >= first.pages + first.feeds  # every page and feed made again
    assert build(site, output=out, now=NOW).write.written == []  # and the next build, with this code, is a no-op


def test_a_file_new_code_no_longer_makes_is_removed(make_site: SiteMaker, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Other code keeps the manifest's files (not their digests): a file the new code does not make is removed
    even when no other file changes, and the standby stays the published folder's twin."""
    from hospiblog import plan

    site, out = site_of(make_site, 4), tmp_path / "out"
    build(site, output=out, now=NOW)
    real_add = plan.Planner.add
    monkeypatch.setattr(plan.Planner, "add",
                        lambda self, job: None if job.output == "robots.txt" else real_add(self, job))
    next_version(monkeypatch)
    report = build(site, output=out, now=NOW)
    assert report.write.removed == ["robots.txt"] and not (out / "robots.txt").exists()
    assert files_of(out) == files_of(build_clean(site, tmp_path / "clean"))
    assert build(site, output=out, now=NOW).write.written == []


def test_a_tag_page_counts_an_article_added_to_its_last_page(make_site: SiteMaker, tmp_path: Path) -> None:
    """A tag's first page says how many articles it has in all: an old article, listed on the second page only,
    changes the first page too."""
    site, out = site_of(make_site, 11), tmp_path / "out"  # eleven articles tagged "commun": six pages of two
    build(site, output=out, now=NOW)
    (site / "posts/news/ancien.md").write_text(post("Un ancien article", "2020-01-05", tags="[commun]"), "utf-8")
    build(site, output=out, now=NOW)  # twelve: still six pages, the first one unchanged but for the count
    assert files_of(out) == files_of(build_clean(site, tmp_path / "clean"))
    assert "12" in (out / "sujets/commun/index.html").read_text("utf-8").split('class="lede">')[1][:40]
