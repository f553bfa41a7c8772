"""The site header in headless Chromium: compact on a phone, inline links on a desktop.

On a 390×844 phone the header is one row (the brand and a "Menu" button, a <details> disclosure), so the
title of the home page's first article and the title of a post show on the first screen, before any
scrolling. The button works without JavaScript, from the keyboard, and tells assistive technology whether
it is open; the opened menu pushes the page down rather than covering it. From 40rem the links show inline
without a click. axe-core at both widths in the default state is tests/browser/test_pages.py's; here it
checks the opened menu.
"""

from __future__ import annotations

from typing import Any

import pytest

PAGES = {"home": "/", "post": "/prevention/soleil-proteger-sa-peau-sans-se-priver-de-l-ete/"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]  # as in test_pages.py
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MAX_PHONE_HEADER = 90
"""px: one row of 44 px targets and its padding, with room for a brand that takes a third line."""
MAX_LANGUAGE_ROW = 28
"""px: the language switcher of a site in several languages (the demo's), one row of 24 px targets above it."""
LANGUAGE_LINKS = 2
"""The demo's languages: the switcher's links come first in the header."""
FIRST_TITLES = {
    # The first article's title as a reader sees it: the first card on the home page, the post's <h1>.
    "home": "main .card-title",
    "post": "main h1",
}
MENU_BUTTON = ".main-nav summary"
MENU_LINKS = ".main-nav a"

first_titles = pytest.mark.parametrize("name", list(FIRST_TITLES))


@first_titles
def test_a_phone_shows_the_first_title_on_the_first_screen(open_plain: Any, name: str) -> None:
    page = open_plain(PAGES[name], PHONE)
    header = page.locator(".site-header").bounding_box()
    languages = page.locator(".site-header nav.languages").bounding_box()
    title = page.locator(FIRST_TITLES[name]).first
    box = title.bounding_box()
    assert header is not None and box is not None and languages is not None
    assert languages["height"] <= MAX_LANGUAGE_ROW, f"the language switcher takes {languages['height']:.0f} px"
    assert header["height"] - languages["height"] <= MAX_PHONE_HEADER, (
        f"the header takes {header['height']:.0f} px at {PHONE['width']} px (at most {MAX_PHONE_HEADER} "
        "besides the language switcher)"
    )
    assert page.evaluate("() => window.scrollY") == 0
    bottom = box["y"] + box["height"]
    assert box["y"] >= header["y"] + header["height"] and bottom <= PHONE["height"], (
        f"{title.inner_text()!r} spans y={box['y']:.0f}–{bottom:.0f} px: not within the first "
        f"{PHONE['height']} px screen below the {header['height']:.0f} px header"
    )


def test_the_phone_menu_works_from_the_keyboard_without_javascript(open_plain: Any) -> None:
    page = open_plain(PAGES["post"], PHONE, javascript=False)
    links = page.locator(MENU_LINKS)
    assert links.count() >= 2
    assert page.locator(MENU_BUTTON).is_visible()
    assert not any(links.nth(index).is_visible() for index in range(links.count())), "the menu starts open"
    assert _menu_button_state(page) == {"focusable": True, "expanded": False}
    # Natural order: skip link, brand, the button, then (once open) the links in reading order.
    assert [_tab(page) for _ in range(3 + LANGUAGE_LINKS)] == \
        ["a.skip-link", *["a"] * LANGUAGE_LINKS, "a.brand", "summary.menu-button"]
    page.keyboard.press("Enter")
    assert _menu_button_state(page) == {"focusable": True, "expanded": True}
    for index in range(links.count()):
        assert links.nth(index).is_visible()
        _tab(page)
        assert _focused_href(page) == links.nth(index).evaluate("link => link.href"), f"Tab skips menu link {index + 1}"
    # The opened menu pushes the page down: nothing it would cover can take the focus unseen.
    last = links.last.bounding_box()
    main = page.locator("main").bounding_box()
    assert last is not None and main is not None and main["y"] >= last["y"] + last["height"]
    page.locator(MENU_BUTTON).focus()
    page.keyboard.press("Space")
    assert _menu_button_state(page)["expanded"] is False
    assert not links.first.is_visible()


def test_the_opened_phone_menu_passes_axe(open_page: Any, axe_source: str) -> None:
    visit = open_page(PAGES["post"], PHONE["width"], PHONE["height"], bypass_csp=True)
    visit.page.locator(MENU_BUTTON).click()
    assert visit.page.locator(MENU_LINKS).first.is_visible()
    visit.page.add_script_tag(content=axe_source)
    results = visit.page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    found = [f"{item['id']}: {[node['target'] for node in item['nodes']]}" for item in results["violations"]]
    assert not found, "axe, menu open at 390px:\n" + "\n".join(found)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_desktop_shows_every_link_without_a_button(open_plain: Any, javascript: bool) -> None:
    page = open_plain(PAGES["post"], DESKTOP, javascript=javascript)
    assert not page.locator(MENU_BUTTON).is_visible(), "the Menu button shows on a desktop"
    links = page.locator(MENU_LINKS)
    header = page.locator(".site-header").bounding_box()
    assert header is not None
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert links.nth(index).is_visible() and box is not None, f"menu link {index + 1} is hidden"
        assert box["y"] + box["height"] <= header["y"] + header["height"], f"menu link {index + 1} is below the header"
    assert [_tab(page) for _ in range(2 + LANGUAGE_LINKS)] == ["a.skip-link", *["a"] * LANGUAGE_LINKS, "a.brand"]
    _tab(page)
    assert _focused_href(page) == links.first.evaluate("link => link.href"), "Tab goes from the brand elsewhere"


def _tab(page: Any) -> str:
    """Presses Tab; the focused element as tag.first-class."""
    page.keyboard.press("Tab")
    return str(page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.tagName.toLowerCase() + (e.classList.length ? '.' + e.classList[0] : ''); }"
    ))


def _focused_href(page: Any) -> str | None:
    return page.evaluate("() => document.activeElement.href || null")


def _menu_button_state(page: Any) -> dict[str, bool]:
    """What Chromium tells assistive technology about the button: a disclosure, focusable, expanded or not."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    label = page.locator(MENU_BUTTON).inner_text().strip()
    for node in nodes:
        if node.get("role", {}).get("value") == "DisclosureTriangle" and node.get("name", {}).get("value") == label:
            properties = {item["name"]: item["value"].get("value") for item in node.get("properties", [])}
            return {"focusable": bool(properties.get("focusable")), "expanded": bool(properties.get("expanded"))}
    raise AssertionError(f"no disclosure button named {label!r} in the accessibility tree")
