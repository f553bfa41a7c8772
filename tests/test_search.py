"""Search: the Pagefind index as an output of the build, the search page, its policy and its strings.

The index is read back through Pagefind's own files (``pagefind-entry.json``, the language's metadata, the
fragments of the pages it holds), decoded with hospiblog's reader of them; the search itself runs in headless
Chromium (tests/browser/test_search_page.py).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest

from hospiblog.build import build
from hospiblog.errors import ConfigError, HospiblogError
from hospiblog.search import IndexedPage, SearchError, _decode_file, make_index, pagefind_executable
from hospiblog.security import CONTENT_SECURITY_POLICY
from hospiblog.theme import builtin_theme_dir
from tests.conftest import NOW, SITE_TOML, SiteMaker, post

NO_SEARCH = SITE_TOML + "\n[search]\nenabled = false\n"


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def site_of(make_site: SiteMaker, config: str = SITE_TOML) -> Path:
    """Five articles in three categories; one of them says « sommeil »."""
    files = {f"posts/news/article-{n}.md": post(f"Article {n}", f"2026-0{n}-10", f"Texte numéro {n}.")
             for n in range(1, 4)}
    files["posts/prevention/dormir.md"] = post("Bien dormir", "2026-04-02", "Le sommeil se prépare le soir.",
                                               summary='"Des habitudes simples."')
    files["posts/medicine/coeur.md"] = post("Le cœur", "2026-05-02", "Un cœur solide.")
    return make_site(files, config=config)


def indexed_pages(out: Path, part: str = "pagefind") -> dict[str, dict[str, object]]:
    """Every page of the published index (or of one of its parts), by URL: its fragment (content, filters, meta)."""
    entry = json.loads((out / part / "pagefind-entry.json").read_bytes())
    pages: dict[str, dict[str, object]] = {}
    for language in entry["languages"].values():
        meta = _decode_file((out / part / f"pagefind.{language['hash']}.pf_meta").read_bytes())
        for fragment, _words in meta[1]:
            raw = gzip.decompress((out / part / "fragment" / f"{fragment}.pf_fragment").read_bytes())
            page = json.loads(raw[len(b"pagefind_dcd"):])
            pages[page["url"]] = page
    return pages


def page(text: str, category: str = "") -> bytes:
    """A page as Pagefind reads it, with a category filter when one is given."""
    category_filter = f' data-pagefind-filter="category:{category}"' if category else ""
    body = f"<main data-pagefind-body{category_filter}><h1>{text}</h1></main>"
    return f'<!doctype html><html lang="fr"><body>{body}</body></html>'.encode()


def policy_of(page: Path) -> str:
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page.read_text("utf-8"))
    assert found, page
    return found.group(1).replace("&#39;", "'")


# ------------------------------------------------------------------------------------------ what is indexed


def test_the_index_holds_each_article_with_its_category_and_nothing_else(make_site: SiteMaker,
                                                                          tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site_of(make_site), output=out, now=NOW)
    pages = indexed_pages(out)
    assert sorted(pages) == ["/actualites/article-1/", "/actualites/article-2/", "/actualites/article-3/",
                             "/medecine/le-coeur/", "/prevention/bien-dormir/"]
    dormir = pages["/prevention/bien-dormir/"]
    assert dormir["filters"] == {"category": ["prevention"]}
    assert dormir["meta"]["title"] == "Bien dormir"  # type: ignore[index]
    content = str(dormir["content"])
    # The title, the summary and the body; no menu, breadcrumb, byline, footer, share links or related posts.
    assert "Bien dormir" in content and "Des habitudes simples." in content and "sommeil se prépare" in content
    for left_out in ("Médecine et soins", "Accueil", "min de lecture", "Partager", "À lire aussi", "Contact"):
        assert left_out not in content, left_out
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_bytes())
    assert list(entry["languages"]) == ["fr"] and entry["languages"]["fr"]["page_count"] == 5
    assert not any(name.startswith("pagefind/pagefind-ui") for name in files_of(out))  # the default UI is not used


def test_the_words_are_stemmed_in_the_language_of_the_pages(make_site: SiteMaker, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site_of(make_site, 'language = "de"\n' + SITE_TOML), output=out, now=NOW)
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_bytes())
    assert list(entry["languages"]) == ["de"]
    assert (out / "pagefind" / "wasm.de.pagefind").is_file()


def test_the_same_pages_give_the_same_index_bytes(make_site: SiteMaker, tmp_path: Path) -> None:
    """Pagefind writes filters in a random order (a Rust HashMap): hospiblog puts them in a fixed one."""
    site = site_of(make_site)
    build(site, output=tmp_path / "one", now=NOW)
    build(site, output=tmp_path / "two", now=NOW, use_cache=False, workers=1)
    one, two = files_of(tmp_path / "one"), files_of(tmp_path / "two")
    assert {name for name in one if name.startswith("pagefind/filter/")}
    assert one == two
    # Four categories: Pagefind alone gives the same order four times in a row once in 24³.
    executable = pagefind_executable()
    assert executable is not None
    pages = {f"p{n}/index.html": page(f"Page {n}", category) for n, category in enumerate("abcdabcd")}
    indexed = [IndexedPage(name, "/" + name.removesuffix("index.html")) for name in pages]
    bundles = [make_index(executable, indexed, pages.__getitem__) for _ in range(4)]
    assert all(bundle == bundles[0] for bundle in bundles)


def test_pagefind_is_given_only_the_indexed_part_and_makes_the_same_index(make_site: SiteMaker, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind reads only the element marked data-pagefind-body: given only that (and <html lang>), it makes the
    same bundle as from the whole page, in less time."""
    import hospiblog.search

    out = tmp_path / "out"
    build(site_of(make_site), output=out, now=NOW)
    articles = {path.relative_to(out).as_posix(): path.read_bytes() for path in out.rglob("index.html")
                if b" data-pagefind-body" in path.read_bytes()}
    assert len(articles) >= 2
    executable = pagefind_executable()
    assert executable is not None
    indexed = [IndexedPage(name, "/" + name.removesuffix("index.html")) for name in sorted(articles)]
    trimmed = make_index(executable, indexed, articles.__getitem__)
    monkeypatch.setattr(hospiblog.search, "indexed_part", lambda html: html)
    assert make_index(executable, indexed, articles.__getitem__) == trimmed


def test_a_page_that_cannot_be_read_stops_the_index_with_its_own_error() -> None:
    """Pages are sent from a thread while the answers are read: an error there stops Pagefind and is the one
    raised (the reader does not wait for ever for answers that will not come)."""
    executable = pagefind_executable()
    assert executable is not None
    pages = {f"p{n}/index.html": page(f"Page {n}") for n in range(5)}

    def read(output: str) -> bytes:
        if output == "p3/index.html":
            raise OSError("disk gone")
        return pages[output]

    with pytest.raises(OSError, match="disk gone"):
        make_index(executable, [IndexedPage(name, "/" + name.removesuffix("index.html")) for name in pages], read)


@pytest.mark.parametrize(("html", "kept"), [
    ('<html lang="de"><head><title>T</title></head><body><nav>N</nav><article class="post" data-pagefind-body>'
     '<h1>A</h1><article><h2>B</h2></article><p>C</p></article><footer>F</footer></body></html>',
     '<!doctype html><html lang="de"><body><article class="post" data-pagefind-body><h1>A</h1><article><h2>B</h2>'
     '</article><p>C</p></article></body></html>'),
    ("<html><body><p>no mark</p></body></html>", "<html><body><p>no mark</p></body></html>"),
    ('<html><body><div data-pagefind-body><p>never closed</p></body></html>',
     '<html><body><div data-pagefind-body><p>never closed</p></body></html>'),
])
def test_the_indexed_part_of_a_page(html: str, kept: str) -> None:
    from hospiblog.search import indexed_part

    assert indexed_part(html) == kept


# --------------------------------------------------------------------------- when the index is made again


def test_a_large_index_comes_in_parts_and_an_edit_makes_only_its_own(make_site: SiteMaker, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of at most 2 articles here (250 on a real site): 5 articles give 4 parts, each page in one; the search
    page names the parts it merges; editing one article's text makes again its part alone, even though the pages
    of its neighbours are rendered again (their digests hold it) to the same bytes."""
    import hospiblog.search

    monkeypatch.setattr(hospiblog.search, "SHARD_PAGES", 2)
    indexed: list[list[str]] = []
    make = hospiblog.search.make_index

    def counting(executable: Path, pages: Any, read: Any, kept: Any = None) -> dict[str, bytes]:
        indexed.append([page.url for page in pages])
        return make(executable, pages, read, kept)

    monkeypatch.setattr(hospiblog.search, "make_index", counting)
    site, out = site_of(make_site), tmp_path / "out"
    build(site, output=out, now=NOW)
    parts = sorted(path.name for path in out.iterdir() if path.name.startswith("pagefind"))
    assert parts[0] == "pagefind" and 2 <= len(parts) <= 4
    assert sorted(url for urls in indexed for url in urls) == sorted(
        f"/{path.parent.relative_to(out).as_posix()}/" for path in out.rglob("index.html")
        if b" data-pagefind-body" in path.read_bytes())
    merged = re.search(r'data-merge="([^"]*)"', (out / "recherche" / "index.html").read_text()).group(1).split()
    assert merged == [f"/{name}/" for name in parts[1:]]
    indexed.clear()
    dormir = site / "posts" / "prevention" / "dormir.md"
    dormir.write_text(dormir.read_text() + "\nUne phrase de plus.\n")
    build(site, output=out, now=NOW)
    assert len(indexed) == 1 and "/prevention/bien-dormir/" in indexed[0]
    build(site, output=tmp_path / "clean", now=NOW, use_cache=False)  # the part's old files are gone
    assert files_of(out) == files_of(tmp_path / "clean")
    assert "plus" in json.dumps(next(page for url, page in all_indexed_pages(out).items()
                                     if url == "/prevention/bien-dormir/"))


@pytest.mark.parametrize("kept", [False, True])
def test_a_build_lets_its_posts_go_before_the_index_is_made(make_site: SiteMaker, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch, kept: bool) -> None:
    """A build nobody keeps (the command's) hands its plan to the writer, which lets the jobs go once the pages are
    rendered: no post (nor its body) is alive while Pagefind runs. Serve keeps its build, and its posts."""
    import gc

    import hospiblog.search
    from hospiblog.build import Pipeline
    from hospiblog.model import Post

    alive: list[int] = []
    make = hospiblog.search.make_index

    def counting(executable: Path, pages: Any, read: Any, kept: Any = None) -> dict[str, bytes]:
        alive.append(sum(1 for thing in gc.get_objects() if isinstance(thing, Post)))
        return make(executable, pages, read, kept)

    monkeypatch.setattr(hospiblog.search, "make_index", counting)
    report, built = Pipeline(site_of(make_site), output=tmp_path / "out").run_kept(now=NOW, in_place=False,
                                                                                   keep=kept)
    assert alive and (all(count > 0 for count in alive) if kept else alive == [0] * len(alive))
    assert report.posts == 5 and report.pages > 5 and (built is not None) is kept


def test_a_build_into_a_new_folder_gets_the_index_back_from_the_cache(make_site: SiteMaker, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """CI builds a fresh checkout with .hospiblog-cache/ kept and no output folder: pages of the same text give the
    index parts kept in the cache, without Pagefind; a part kept damaged, or of other text, is made again."""
    import hospiblog.search

    monkeypatch.setattr(hospiblog.search, "SHARD_PAGES", 2)
    made: list[int] = []
    original = hospiblog.search._made_index

    def counting(executable: Path, count: int, pages: Any) -> dict[str, bytes]:
        made.append(count)
        return original(executable, count, pages)

    monkeypatch.setattr(hospiblog.search, "_made_index", counting)
    site = site_of(make_site)
    build(site, output=tmp_path / "first", now=NOW)
    parts = len(made)
    assert parts >= 2
    made.clear()
    build(site, output=tmp_path / "second", now=NOW)
    assert made == [] and files_of(tmp_path / "second") == files_of(tmp_path / "first")
    kept = sorted((site / ".hospiblog-cache" / "search").glob("*.bundle"))
    assert len(kept) == parts
    kept[0].write_bytes(kept[0].read_bytes()[:-7] + b"damaged")
    dormir = site / "posts" / "prevention" / "dormir.md"
    dormir.write_text(dormir.read_text() + "\nUne phrase de plus.\n")
    build(site, output=tmp_path / "third", now=NOW)
    assert 1 <= len(made) <= 2, "the damaged part and the edited article's part, no other"
    build(site, output=tmp_path / "clean", now=NOW, use_cache=False)
    assert files_of(tmp_path / "third") == files_of(tmp_path / "clean")


def test_the_parts_a_smaller_site_no_longer_has_leave_the_cache(make_site: SiteMaker, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A site whose index had 4 parts and now has one keeps one part's bundle, not five (nor a bundle a serve or a
    build with search off never reads: they leave the kept parts alone)."""
    import hospiblog.search

    site = site_of(make_site)
    kept = site / ".hospiblog-cache" / "search"
    monkeypatch.setattr(hospiblog.search, "SHARD_PAGES", 2)
    build(site, output=tmp_path / "out", now=NOW)
    parts = sorted(path.name for path in kept.glob("*.bundle"))
    assert len(parts) >= 2 and "pagefind.bundle" in parts
    monkeypatch.setattr(hospiblog.search, "SHARD_PAGES", 500)
    (site / "site.toml").write_text((site / "site.toml").read_text("utf-8") + "\n[search]\nenabled = false\n", "utf-8")
    build(site, output=tmp_path / "out", now=NOW)
    assert sorted(path.name for path in kept.glob("*.bundle")) == parts
    toml = (site / "site.toml").read_text("utf-8")
    (site / "site.toml").write_text(toml.replace("enabled = false", "enabled = true"), "utf-8")
    build(site, output=tmp_path / "out", now=NOW)
    assert sorted(path.name for path in kept.glob("*.bundle")) == ["pagefind.bundle"]


def all_indexed_pages(out: Path) -> dict[str, dict[str, object]]:
    """The pages of every part of the index."""
    pages: dict[str, dict[str, object]] = {}
    for part in out.glob("pagefind*"):
        pages.update(indexed_pages(out, part.name))
    return pages


def test_a_no_op_build_does_not_index_and_an_edit_indexes_every_page(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = site_of(make_site), tmp_path / "out"
    first = build(site, output=out, now=NOW)
    assert "index" in first.stages and "(search index" in first.summary()
    again = build(site, output=out, now=NOW)
    assert "index" not in again.stages and "search index" not in again.summary()
    assert again.write.written == []
    before = {name: os.stat(out / name).st_ino for name in files_of(out)}
    path = site / "posts/prevention/dormir.md"
    path.write_text(path.read_text("utf-8").replace("le soir", "le soir, sans écran"), "utf-8")
    edited = build(site, output=out, now=NOW)
    assert "index" in edited.stages and "(search index" in edited.summary()
    pages = indexed_pages(out)
    assert len(pages) == 5, "the unchanged pages, read from the output folder, are still in the index"
    assert "sans écran" in str(pages["/prevention/bien-dormir/"]["content"])
    # Only the edited page, its fragment and the index files that name it changed; the other fragments stayed.
    after = {name: os.stat(out / name).st_ino for name in files_of(out)}
    moved = sorted(name for name in after if before.get(name) != after[name])
    assert "prevention/bien-dormir/index.html" in moved
    assert [name for name in moved if name.startswith("pagefind/fragment/")] == \
           [name for name in edited.write.written if name.startswith("pagefind/fragment/")]
    assert len([name for name in moved if name.startswith("pagefind/fragment/")]) == 1


def test_an_edit_that_changes_no_published_page_does_not_index(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = site_of(make_site), tmp_path / "out"
    (site / "posts/news/brouillon.md").write_text(post("Brouillon", "2026-05-05", draft="true"), "utf-8")
    build(site, output=out, now=NOW)
    draft = site / "posts/news/brouillon.md"
    draft.write_text(draft.read_text("utf-8") + "\nEncore un mot.\n", "utf-8")
    report = build(site, output=out, now=NOW)
    assert "parse" in report.stages, "not a no-op build: a source changed"
    assert "index" not in report.stages and report.write.written == []


def test_turning_search_off_removes_the_page_the_field_and_the_index(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = site_of(make_site), tmp_path / "out"
    build(site, output=out, now=NOW)
    assert (out / "recherche" / "index.html").is_file() and (out / "pagefind").is_dir()
    (site / "site.toml").write_text(NO_SEARCH, "utf-8")
    report = build(site, output=out, now=NOW)
    files = files_of(out)
    assert not any(name.startswith(("recherche/", "pagefind/")) for name in files)
    assert any(name.startswith("pagefind/") for name in report.write.removed)
    assert "index" not in report.stages
    for name, data in files.items():
        if name.endswith(".html"):
            assert b"pagefind" not in data and b'role="search"' not in data, name
    assert b"/recherche/" not in files["_headers"]


# ---------------------------------------------------------------------------------- the page and its policy


def test_only_the_search_page_may_run_webassembly(make_site: SiteMaker, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site_of(make_site), output=out, now=NOW)
    search = policy_of(out / "recherche" / "index.html")
    assert search == CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
    for page in out.rglob("*.html"):
        if page.parent.name != "recherche":
            assert policy_of(page) == CONTENT_SECURITY_POLICY, page
    headers = (out / "_headers").read_text("utf-8")
    rule = headers[headers.index("\n/recherche/\n"):]
    assert "  ! Content-Security-Policy\n" in rule and "script-src 'self' 'wasm-unsafe-eval'" in rule
    assert headers.count("wasm-unsafe-eval") == 1


def test_the_search_page_works_as_a_form_and_says_what_it_needs(make_site: SiteMaker, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site_of(make_site), output=out, now=NOW)
    page = (out / "recherche" / "index.html").read_text("utf-8")
    assert '<form class="search-form" role="search" action="/recherche/" method="get"' in page
    assert '<label for="search-query">Mots à chercher</label>' in page and 'name="q"' in page
    assert '<option value="prevention">Prévention</option>' in page
    assert 'role="status"' in page
    assert "La recherche a besoin de JavaScript" in page
    assert '<a href="/archives/">Archives</a>' in page and '<a href="/sujets/">Sujets</a>' in page
    assert 'data-results-many="{count} articles correspondent à «\u202f{query}\u202f».' in page
    # Every other page's header has a field sending its words to the search page; the search page has its own.
    home = (out / "index.html").read_text("utf-8")
    assert home.count('role="search" action="/recherche/" method="get"') == 2  # phone menu and wide header
    assert 'role="search" action="/recherche/"' not in page.split("<main")[0]


def test_serve_makes_no_index_and_its_search_page_says_so(make_site: SiteMaker, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site_of(make_site), output=out, now=NOW, dev=True)
    assert not (out / "pagefind").exists()
    assert "hospiblog serve) ne fait pas d’index de recherche" in (out / "recherche/index.html").read_text("utf-8")


@pytest.mark.parametrize("language", ["fr", "de", "en"])
def test_every_search_string_is_translated(language: str) -> None:
    strings = tomllib.loads((builtin_theme_dir() / "i18n" / f"{language}.toml").read_text("utf-8"))
    french = tomllib.loads((builtin_theme_dir() / "i18n" / "fr.toml").read_text("utf-8"))
    keys = {key for key in french if key.startswith("search")}
    assert len(keys) >= 10 and keys <= set(strings)
    for key in ("search_results_none", "search_results_one", "search_results_many"):
        assert "{query}" in strings[key]
    assert "{count}" in strings["search_results_many"]


def test_recherche_is_a_reserved_category_slug(make_site: SiteMaker, tmp_path: Path) -> None:
    config = SITE_TOML.replace('slug = "prevention"', 'slug = "recherche"')
    with pytest.raises(HospiblogError, match='category slug "recherche" cannot be used'):
        build(make_site({}, config=config), output=tmp_path / "out", now=NOW)


# ------------------------------------------------------------------------------------------- when it fails


def test_without_pagefind_the_build_says_how_to_install_it(make_site: SiteMaker, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "nowhere" / "pagefind"))
    with pytest.raises(ConfigError) as caught:
        build(site_of(make_site), output=tmp_path / "out", now=NOW)
    text = caught.value.format()
    assert "site.toml" in text and "pip install 'pagefind[bin]'" in text and "enabled = false" in text
    build(site_of(make_site, NO_SEARCH), output=tmp_path / "out", now=NOW)  # a site without search needs none


def test_a_failing_indexer_publishes_nothing(make_site: SiteMaker, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    site, out = site_of(make_site), tmp_path / "out"
    build(site, output=out, now=NOW)
    published = files_of(out)
    broken = tmp_path / "broken-pagefind"
    broken.write_text("#!/bin/sh\necho 'out of memory' >&2\nexit 3\n")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(broken))
    path = site / "posts/prevention/dormir.md"
    path.write_text(path.read_text("utf-8") + "\nUne phrase de plus.\n", "utf-8")
    with pytest.raises(SearchError) as caught:
        build(site, output=out, now=NOW)
    assert "out of memory" in caught.value.message and caught.value.hint
    assert files_of(out) == published, "neither the edited page nor half an index was published"
    assert not list(out.parent.glob(".out-standby/incoming-*"))
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    build(site, output=out, now=NOW)
    assert "Une phrase de plus" in str(indexed_pages(out)["/prevention/bien-dormir/"]["content"])




def test_make_index_gives_the_files_pagefind_would_write(tmp_path: Path) -> None:
    executable = pagefind_executable()
    assert executable is not None
    pages = {f"p{n}/index.html": page(f"Page numéro {n}") for n in range(3)}
    bundle = make_index(executable, [IndexedPage(name, "/" + name.removesuffix("index.html")) for name in pages],
                        pages.__getitem__)
    assert {"pagefind.js", "pagefind-entry.json", "wasm.fr.pagefind"} <= set(bundle)
    assert len([name for name in bundle if name.startswith("fragment/")]) == 3
