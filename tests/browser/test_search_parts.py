"""A search index in parts, as a large site has it (more than 500 articles): the search page merges the parts.

The demo is built here with parts of at most 8 articles (its 40 articles give 8 parts), served, and searched in
headless Chromium: an article is found whichever part holds it, and results come from several parts at once.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hospiblog.search
from hospiblog.build import build
from tests.browser.conftest import REPO_ROOT, serve_folder
from tests.browser.test_search_page import RESULT_LINKS, result_urls, search_for

pytestmark = pytest.mark.browser
NOUNOURS = "/actualites/l-hopital-des-nounours-ouvre-ses-portes-aux-enfants/"


@pytest.fixture(scope="module")
def parts_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("parts")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hospiblog.search, "SHARD_PAGES", 8)
        build(REPO_ROOT, output=output)
    return output


@pytest.fixture(scope="module")
def parts_url(parts_site: Path) -> Iterator[str]:
    with serve_folder(parts_site) as url:
        yield url


def part_of_each_page(site: Path) -> dict[str, str]:
    """The part (its folder's name) holding each indexed page, by URL, read from the parts' fragments."""
    found: dict[str, str] = {}
    for part in sorted(site.glob("pagefind*")):
        for fragment in (part / "fragment").glob("*.pf_fragment"):
            page = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])
            found[page["url"]] = part.name
    return found


def test_a_search_finds_articles_in_every_part(browser: Any, parts_site: Path, parts_url: str) -> None:
    parts = part_of_each_page(parts_site)
    assert len(set(parts.values())) >= 4 and parts[NOUNOURS], parts
    merged = (parts_site / "recherche" / "index.html").read_text()
    assert all(f"/{name}/" in merged for name in set(parts.values()) - {"pagefind"})
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(parts_url + "/recherche/", wait_until="load")
        search_for(page, "nounours")
        assert NOUNOURS in result_urls(page)
        # A word many articles share: the results come from several parts of the index.
        page.locator("#search-query").fill("")
        search_for(page, "patients")
        urls = result_urls(page)
        assert len({parts[url] for url in urls if url in parts}) >= 2, urls
        assert page.locator(RESULT_LINKS).count() >= 2
    finally:
        context.close()
    assert errors == []
