"""The search page in headless Chromium, over the demo's real index (Pagefind, built by the session's build).

Typing a word of an article shows that article first, the category filter narrows the results, the number of
results is announced (role="status"), everything works from the keyboard, the page passes axe-core with results
shown at phone and desktop widths, and no request leaves the local server (the search page's policy lets
Pagefind run WebAssembly, nothing more). Without JavaScript the page says what search needs and links to the
archives and the topics; the header's field still leads there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SEARCH = "/recherche/"
NOUNOURS = "/actualites/l-hopital-des-nounours-ouvre-ses-portes-aux-enfants/"
POST = "/prevention/soleil-proteger-sa-peau-sans-se-priver-de-l-ete/"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]  # as in test_pages.py
SHOTS = Path("/tmp/shots-search")
RESULT_LINKS = ".search-results .search-result-title a"


def search_for(page: Any, words: str) -> str:
    """Types ``words`` into the search field as a reader would; the status line once results are shown."""
    field = page.locator("#search-query")
    field.click()
    field.press_sequentially(words, delay=20)
    page.wait_for_function("words => document.querySelector('.search-status').textContent.includes(words)", arg=words)
    return str(page.locator(".search-status").inner_text())


def result_urls(page: Any) -> list[str]:
    return [str(url) for url in page.eval_on_selector_all(RESULT_LINKS, "links => links.map(a => a.pathname)")]


def assert_clean(visit: Any) -> None:
    problems = {"requests off the local server": visit.external_requests, "failed requests": visit.failed_requests,
                "console errors (CSP violations among them)": visit.console_errors, "page errors": visit.page_errors}
    found = {kind: items for kind, items in problems.items() if items}
    assert not found, found


@pytest.mark.parametrize("width", [390, 1280], ids=lambda width: f"{width}px")
def test_a_word_of_an_article_shows_that_article_first(open_page: Any, width: int) -> None:
    visit = open_page(SEARCH, width)
    status = search_for(visit.page, "nounours")
    urls = result_urls(visit.page)
    assert urls and urls[0] == NOUNOURS, urls
    assert status.startswith(f"{len(urls)} articles correspondent"), status
    first = visit.page.locator(RESULT_LINKS).first.inner_text()
    assert first == "L’hôpital des nounours ouvre ses portes aux enfants"
    assert visit.page.locator(".search-excerpt mark").first.inner_text().lower().startswith("nounours")
    assert "q=nounours" in visit.page.url, "the URL keeps the query (reload, back, sharing)"
    assert_clean(visit)


def test_the_category_filter_narrows_the_results(open_page: Any) -> None:
    visit = open_page(SEARCH, 1280)
    page = visit.page
    search_for(page, "sang")
    everywhere = result_urls(page)
    assert len({url.split("/")[1] for url in everywhere}) > 1, everywhere
    page.select_option("#search-category", "news")
    page.wait_for_function("() => [...document.querySelectorAll('.search-result-title a')]"
                           ".every(a => a.pathname.startsWith('/actualites/'))")
    news = result_urls(page)
    assert news and set(news) == {url for url in everywhere if url.startswith("/actualites/")}
    assert page.locator(".search-status").inner_text().startswith(f"{len(news)} articles")
    assert "category=news" in page.url
    # Opened from that URL, the page makes the same search.
    again = open_page(page.url.removeprefix(visit.url.removesuffix(SEARCH)), 1280)
    again.page.wait_for_function("() => document.querySelector('.search-status').textContent !== ''")
    assert result_urls(again.page) == news and again.page.locator("#search-category").input_value() == "news"
    assert_clean(visit)


def test_search_works_from_the_keyboard_and_is_announced(open_page: Any) -> None:
    visit = open_page(POST, 1280)
    page = visit.page
    # From the article: Tab goes skip link, brand, the menu's links, then the header's search field.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "header-search-query":
            break
    else:
        pytest.fail("Tab never reaches the header's search field")
    page.keyboard.type("les")
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche/?q=les")
    status = page.locator(".search-status")
    page.wait_for_function("() => document.querySelector('.search-status').textContent.includes('les')")
    assert status.get_attribute("role") == "status", "results are announced by a live region"
    total = int(status.inner_text().split()[0])
    assert total > 10 and page.locator(RESULT_LINKS).count() == 10
    # The field is labelled; Tab goes on to the button, the filter, then the results in order.
    assert page.locator("label[for=search-query]").inner_text() == "Mots à chercher"
    page.locator("#search-query").focus()
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(page.evaluate("() => document.activeElement.id || document.activeElement.textContent.trim()"))
    titles = page.locator(RESULT_LINKS).all_inner_texts()
    assert order == ["Rechercher", "search-category", titles[0], titles[1]], order
    # "More results" from the keyboard shows the next ones and takes the focus to the first of them.
    page.locator(".search-more").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("count => document.querySelectorAll('.search-result').length > count", arg=10)
    focused = page.evaluate("() => [...document.querySelectorAll('.search-result a')].indexOf(document.activeElement)")
    assert focused == 10, "the focus goes to the first of the new results"
    assert_clean(visit)


@pytest.mark.parametrize("width", [390, 1280], ids=lambda width: f"{width}px")
def test_the_search_page_with_results_passes_axe(open_page: Any, axe_source: str, width: int) -> None:
    visit = open_page(SEARCH, width, 844 if width < 600 else 800, bypass_csp=True)
    search_for(visit.page, "sommeil")
    SHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=str(SHOTS / f"search-sommeil-{width}.png"), full_page=True)
    visit.page.screenshot(path=str(SHOTS / f"search-sommeil-{width}-first-screen.png"))
    visit.page.add_script_tag(content=axe_source)
    results = visit.page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS)
    found = [f"{item['id']}: {[node['target'] for node in item['nodes']]}" for item in results["violations"]]
    assert not found, f"axe on the search page with results at {width}px:\n" + "\n".join(found)


def test_without_javascript_the_page_says_so_and_links_to_archives_and_topics(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + POST)
        page.locator(".menu-button").click()  # the phone's menu holds the search field
        page.locator("#menu-search-query").fill("sommeil")
        page.locator("#menu-search-query").press("Enter")
        page.wait_for_url("**/recherche/?q=sommeil")
        assert not page.locator(".search-form").is_visible(), "a field that cannot search is not offered"
        assert "La recherche a besoin de JavaScript" in page.locator(".search-no-script").inner_text()
        links = page.eval_on_selector_all(".search-fallback a", "links => links.map(a => a.pathname)")
        assert links == ["/archives/", "/sujets/"]
    finally:
        context.close()
