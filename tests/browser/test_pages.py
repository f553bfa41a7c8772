"""The demo site's main page kinds in headless Chromium, at phone and desktop widths.

Each page must load without errors or requests off the local server, pass axe-core's WCAG 2.2 AA and
best-practice rules, fit a 390 px phone without horizontal scrolling, and be usable from the keyboard:
a skip link that appears on focus and moves focus to <main>, and a visible focus indicator on links.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

PAGES = {
    "home": "/",
    "category": "/prevention/",
    # A post with a table, four callouts and a hero image.
    "post": "/prevention/soleil-proteger-sa-peau-sans-se-priver-de-l-ete/",
    # A campaign's page, and a medical article of it (review line, sources, medical notice, campaign badge).
    "campaign": "/campagnes/mois-sans-tabac/",
    "medical-post": "/medecine/operation-prevue-pourquoi-arreter-de-fumer-avant/",
    "subscribe": "/s-abonner/",
    # An event's box (hybrid, with e-mail registration) and the agenda of upcoming and past events.
    "event": "/actualites/conference-publique-la-memoire-qui-flanche-faut-il-s-inquieter/",
    "agenda": "/agenda/",
    "cancelled-event": "/actualites/concert-de-l-avent-le-choeur-des-soignants-chante-dans-le-hall/",
    "search": "/recherche/",
    "author": "/auteurs/cmartin/",
    "not-found": "/cette-page-n-existe-pas/",
}
PHONE = 390
DESKTOP = 1280
WIDTHS = [PHONE, DESKTOP]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
MAX_TAB_STOPS = 60

page_names = pytest.mark.parametrize("name", list(PAGES))
widths = pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")


def _expected_status(name: str) -> int:
    return 404 if name == "not-found" else 200


def _format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} [{violation['helpUrl']}]")
        for node in violation["nodes"][:8]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {node['target']}: {summary}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


@page_names
@widths
def test_page_loads_cleanly(open_page: Any, name: str, width: int, screenshot_dir: Path) -> None:
    visit = open_page(PAGES[name], width)
    _load_everything(visit.page)
    visit.page.screenshot(path=str(screenshot_dir / f"{name}-{width}.png"), full_page=True)
    console_errors = visit.console_errors
    if name == "not-found":  # Chromium logs the document's own 404, which is what this page is for.
        console_errors = [error for error in console_errors if f"({visit.url}:" not in error]
    problems = {
        "status": [] if visit.status == _expected_status(name) else [f"{visit.url} answered {visit.status}"],
        "requests off the local server": visit.external_requests,
        "failed requests": visit.failed_requests,
        "console errors": console_errors,
        "uncaught page errors": visit.page_errors,
        "images that did not decode": visit.page.evaluate(
            "() => [...document.images].filter(image => !image.naturalWidth).map(image => image.currentSrc)"),
    }
    found = {kind: items for kind, items in problems.items() if items}
    if found:
        pytest.fail("\n".join(f"{kind}: {items}" for kind, items in found.items()), pytrace=False)


@page_names
@widths
def test_page_passes_axe(open_page: Any, axe_source: str, name: str, width: int) -> None:
    visit = open_page(PAGES[name], width, bypass_csp=True)
    visit.page.add_script_tag(content=axe_source)
    results = visit.page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = results["violations"]
    if violations:
        pytest.fail(
            f"axe found {len(violations)} violation(s) on {visit.url} at {width}px:\n" + _format_violations(violations),
            pytrace=False,
        )


@page_names
def test_no_horizontal_scrolling_on_a_phone(open_page: Any, name: str) -> None:
    visit = open_page(PAGES[name], PHONE)
    scroll_width, inner_width = visit.page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    overflowing = visit.page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(element => element.getBoundingClientRect().right > window.innerWidth + 0.5)
            .filter(element => !element.closest('.visually-hidden, .skip-link'))
            .slice(0, 10)
            .map(element => element.tagName.toLowerCase() + (element.className ? '.' + element.className : ''))"""
    )
    assert scroll_width <= inner_width, (
        f"{visit.url} scrolls sideways at {PHONE}px: {scroll_width} > {inner_width}; wide elements: {overflowing}"
    )


@page_names
@widths
def test_skip_link_appears_on_focus_and_moves_focus_to_main(open_page: Any, name: str, width: int) -> None:
    visit = open_page(PAGES[name], width)
    page = visit.page
    skip_link = page.locator("a.skip-link")
    assert skip_link.count() == 1, "no skip link"
    assert not _in_viewport(skip_link.bounding_box(), width), "the skip link is visible before it has focus"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('skip-link')"), (
        "the first Tab does not reach the skip link"
    )
    assert skip_link.is_visible() and _in_viewport(skip_link.bounding_box(), width), (
        f"the focused skip link is not on screen: {skip_link.bounding_box()}"
    )
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#contenu'")
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN", (
        "activating the skip link does not move focus to <main>"
    )


@page_names
@widths
def test_links_show_a_focus_indicator(open_page: Any, name: str, width: int) -> None:
    visit = open_page(PAGES[name], width)
    page = visit.page
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the first link of the header: its own outline, from the :focus-visible rule
    first = page.evaluate(
        "() => { const e = document.activeElement, s = getComputedStyle(e);"
        " return [e.tagName, s.outlineStyle, s.outlineWidth]; }"
    )
    assert first[0] == "A" and first[1] != "none" and first[2] != "0px", f"the focused link has no outline: {first}"
    checked = 0
    missing = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        focus = page.evaluate(
            """() => {
                const element = document.activeElement;
                if (!element || element.tagName !== 'A') return null;
                const visible = node => {
                    const style = getComputedStyle(node);
                    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
                };
                let indicated = visible(element);
                // A card outlines itself (:focus-within) around its stretched title link.
                for (let node = element.parentElement; node && !indicated; node = node.parentElement) {
                    indicated = visible(node);
                }
                return {link: element.outerHTML.slice(0, 120), indicated, outline: getComputedStyle(element).outline};
            }"""
        )
        if focus is None:
            continue
        checked += 1
        if not focus["indicated"]:
            missing.append(focus)
    assert checked, f"no link on {visit.url} could be reached with Tab"
    assert not missing, f"links without a visible focus outline: {missing}"


def _load_everything(page: Any) -> None:
    """Scrolls through the page so lazy images load, and waits for every image."""
    height = page.evaluate("() => document.scrollingElement.scrollHeight")
    for top in range(0, height, 600):
        page.evaluate("top => window.scrollTo(0, top)", top)
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    page.evaluate("() => window.scrollTo(0, 0)")


def _in_viewport(box: dict[str, float] | None, width: int) -> bool:
    return (
        box is not None
        and box["width"] > 1
        and box["height"] > 1
        and box["y"] >= 0
        and box["x"] >= 0
        and box["x"] + box["width"] <= width
    )
