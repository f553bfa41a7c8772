"""The share box of an article in headless Chromium: "Copier le lien" (revealed by static/share.js) puts the
article's URL on the clipboard, or selects it and says so when there is no clipboard; without JavaScript
the share links work and the copy button stays hidden.

Contexts are made here from the session's `browser` (the `open_page` fixture cannot grant permissions or
turn JavaScript off), with the same guards: requests off the local server are blocked, console errors
and uncaught page errors are collected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

POST = "/prevention/soleil-proteger-sa-peau-sans-se-priver-de-l-ete/"
NETWORK_HOSTS = {"facebook": "www.facebook.com", "linkedin": "www.linkedin.com", "x": "x.com", "whatsapp": "wa.me"}
SHARE_BOX = "section.share"
COPY_BUTTON = "section.share button[data-share-copy]"
NATIVE_BUTTON = "section.share button[data-share-native]"
URL_FIELD = "section.share input[data-share-url]"
STATUS = "section.share [data-share-status]"
# Stands for navigator.clipboard missing (an older browser, or a page not served over https).
NO_CLIPBOARD = "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined, configurable: true});"


@dataclass
class Visit:
    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        found = {"console errors": self.console_errors, "uncaught page errors": self.page_errors,
                 "requests off the local server": self.external_requests}
        return {kind: items for kind, items in found.items() if items}


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Any]:
    """visit(path, **context_options) -> Visit, in a fresh context closed at the end of the test."""
    contexts: list[Any] = []

    def open_(path: str, *, init_script: str = "", **options: Any) -> Visit:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block", **options)
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        result = Visit(page)

        def block(route: Any) -> None:
            result.external_requests.append(route.request.url)
            route.abort()

        context.route(re.compile(rf"^(?!{re.escape(base_url)}/|data:|blob:)"), block)
        def on_console(message: Any) -> None:
            if message.type == "error":
                result.console_errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: result.page_errors.append(str(error)))
        response = page.goto(base_url + path, wait_until="load")
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        return result

    yield open_
    for context in contexts:
        context.close()


def _canonical(page: Any) -> str:
    url = page.locator("link[rel=canonical]").get_attribute("href")
    assert url and url.startswith("https://"), url
    return str(url)


def _status(page: Any, expected: str) -> None:
    """Waits until the live region says ``expected`` (share.js writes it after a short delay)."""
    page.wait_for_function("([selector, text]) => document.querySelector(selector).textContent === text",
                           arg=[STATUS, expected], timeout=5_000)


def _check_fallback(page: Any) -> None:
    """The URL field has focus and is wholly selected, and the status says to copy it by hand."""
    page.wait_for_function(
        """selector => { const field = document.querySelector(selector);
            return document.activeElement === field && field.selectionStart === 0
                && field.selectionEnd === field.value.length && field.value.length > 0; }""",
        arg=URL_FIELD, timeout=5_000)
    failed = page.locator(SHARE_BOX).get_attribute("data-copy-failed")
    assert failed, "the share box has no data-copy-failed message"
    _status(page, failed)
    assert page.evaluate("() => window.getSelection().toString() || document.activeElement.value.substring("
                         "document.activeElement.selectionStart, document.activeElement.selectionEnd)") \
        == page.locator(URL_FIELD).input_value()


def test_copy_button_puts_the_article_url_on_the_clipboard(visit: Any) -> None:
    opened = visit(POST, permissions=["clipboard-read", "clipboard-write"])
    page = opened.page
    button = page.get_by_role("button", name="Copier le lien")
    button.wait_for(state="visible", timeout=5_000)  # share.js removes `hidden`
    assert page.locator(COPY_BUTTON).count() == 1
    url = page.locator(URL_FIELD).input_value()
    assert url == _canonical(page)
    button.click()
    if page.evaluate("() => Boolean(navigator.clipboard && window.isSecureContext)"):
        _status(page, str(page.locator(SHARE_BOX).get_attribute("data-copied")))
        assert page.evaluate("() => navigator.clipboard.readText()") == url
    else:
        _check_fallback(page)
    assert page.locator(STATUS).get_attribute("role") == "status"
    assert not opened.problems(), opened.problems()


def test_copy_button_selects_the_url_when_there_is_no_clipboard(visit: Any) -> None:
    opened = visit(POST, init_script=NO_CLIPBOARD)
    page = opened.page
    assert page.evaluate("() => navigator.clipboard") is None
    button = page.get_by_role("button", name="Copier le lien")
    button.wait_for(state="visible", timeout=5_000)
    button.click()
    _check_fallback(page)
    assert not opened.problems(), opened.problems()


def test_share_links_work_without_javascript(visit: Any) -> None:
    opened = visit(POST, java_script_enabled=False)
    page = opened.page
    canonical = _canonical(page)
    assert page.locator(COPY_BUTTON).count() == 1 and page.locator(COPY_BUTTON).is_hidden()
    assert page.locator(NATIVE_BUTTON).count() == 1 and page.locator(NATIVE_BUTTON).is_hidden()
    field = page.locator(URL_FIELD)
    assert field.is_visible() and field.is_editable() is False and field.input_value() == canonical

    links = page.locator(f"{SHARE_BOX} a")
    hrefs = [str(links.nth(index).get_attribute("href")) for index in range(links.count())]
    assert len(hrefs) == 5, hrefs
    for index in range(links.count()):
        assert links.nth(index).is_visible() and links.nth(index).inner_text().strip(), hrefs[index]
    assert sum(href.startswith("mailto:?") for href in hrefs) == 1, hrefs

    # Each network's page is answered locally: following a link must reach it with the article's URL.
    context = page.context
    context.route(re.compile(r"^https://(www\.facebook\.com|www\.linkedin\.com|x\.com|wa\.me)/"),
                  lambda route: route.fulfill(status=200, content_type="text/html", body="<title>stub</title>"))
    for network, host in NETWORK_HOSTS.items():
        link = page.locator(f"{SHARE_BOX} a[href^='https://{host}/']")
        assert link.count() == 1, f"no {network} link in {hrefs}"
        href = str(link.get_attribute("href"))
        with page.expect_navigation(url=lambda url, host=host: urlsplit(url).netloc == host, timeout=10_000):
            link.click()
        reached = urlsplit(page.url)
        assert reached.netloc == host and page.url == href, (page.url, href)
        query = parse_qs(reached.query)
        shared = (query.get("u") or query.get("url") or [query["text"][0].rsplit(" ", 1)[-1]])[0]
        assert shared.split("?", 1)[0] == canonical and f"utm_source={network}" in shared, shared
        page.go_back(wait_until="load")
    assert not opened.problems(), opened.problems()
