"""Responsive images in headless Chromium: a phone downloads a small modern copy, nothing off the site, no shift.

The demo's "nouvelle aile" article has a 2800×1867 photo-like hero (495 KB as the phone saved it). A phone
390 CSS pixels wide at a device pixel ratio of 3 must get an AVIF (or WebP) copy about 1200 pixels wide,
and the whole page must weigh a fraction of that photo. Bytes are what these tests check; Lighthouse's score,
measured by hand, is in the report of the change that added them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image

POST = "/actualites/la-nouvelle-aile-est-accueille-ses-premiers-patients/"
HOME = "/"
HERO_SOURCE = Path(__file__).resolve().parents[2] / "static/images/nouvelle-aile.jpg"
PHONE = {"width": 390, "height": 844}

TRANSFERRED = """() => {
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  return entries.map(entry => [entry.name, entry.transferSize, entry.encodedBodySize]);
}"""
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


@pytest.fixture
def phone(browser: Any, base_url: str) -> Iterator[Any]:
    """open(path, scale) -> (page, requests off the site) on a 390×844 phone; requests off the site are blocked."""
    contexts: list[Any] = []

    def open_(path: str, scale: float) -> tuple[Any, list[str]]:
        context = browser.new_context(viewport=PHONE, device_scale_factor=scale, is_mobile=True,
                                      has_touch=True, service_workers="block")
        contexts.append(context)
        outside: list[str] = []

        def block(route: Any) -> None:
            outside.append(route.request.url)
            route.abort()

        context.route(re.compile(rf"^(?!{re.escape(base_url)}/|data:|blob:)"), block)
        page = context.new_page()
        page.goto(base_url + path, wait_until="load")
        return page, outside

    yield open_
    for context in contexts:
        context.close()


def _scroll_through(page: Any) -> None:
    """Scrolls to the bottom so lazy images load, waits for every image, and back to the top."""
    height = page.evaluate("() => document.scrollingElement.scrollHeight")
    for top in range(0, height, 600):
        page.evaluate("top => window.scrollTo(0, top)", top)
        page.wait_for_timeout(30)
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    page.evaluate("() => window.scrollTo(0, 0)")


def _transferred(page: Any) -> dict[str, int]:
    return {name: size for name, size, _body in page.evaluate(TRANSFERRED)}


@pytest.mark.parametrize(("scale", "width"), [(1, 480), (3, 1200)])
def test_a_phone_gets_a_small_modern_copy_of_a_large_hero(phone: Any, scale: float, width: int, site_dir: Path,
                                                           screenshot_dir: Path) -> None:
    page, outside = phone(POST, scale)
    hero = page.locator(".hero img")
    current = hero.evaluate("image => image.currentSrc")
    assert re.search(rf"/images/nouvelle-aile-{width}\.[0-9a-f]{{10}}\.(avif|webp)$", current), current
    with Image.open(site_dir / urlsplit(current).path.lstrip("/")) as chosen:
        assert chosen.width == width
    sizes = _transferred(page)
    hero_bytes = sizes[current]
    assert hero_bytes < HERO_SOURCE.stat().st_size / 4
    _scroll_through(page)
    page.screenshot(path=str(screenshot_dir / f"large-hero-390-x{scale}.png"), full_page=False)
    everything = _transferred(page)
    assert sum(everything.values()) < 150_000, everything  # 594 kB with the photos copied as they are
    assert outside == []
    assert page.evaluate(LAYOUT_SHIFT) == 0


def test_listings_load_small_copies_and_the_first_at_once(phone: Any) -> None:
    page, outside = phone(HOME, 3)
    first = page.locator(".card-image").first
    assert first.evaluate("image => image.loading") == "auto"
    assert first.evaluate("image => image.complete && image.naturalWidth > 0")
    _scroll_through(page)
    sources = page.evaluate("() => [...document.querySelectorAll('.card-image')].map(image => image.currentSrc)")
    assert sources and all(re.search(r"-(480|800|1200)\.[0-9a-f]{10}\.(avif|webp)$", source) for source in sources)
    assert sum(_transferred(page).values()) < 250_000  # 710 kB with the photos copied as they are
    assert outside == []
    assert page.evaluate(LAYOUT_SHIFT) == 0


@pytest.mark.parametrize(("path", "selector", "size"), [(POST, ".author-box .portrait", 72),
                                                        ("/auteurs/", ".people .portrait", 96),
                                                        ("/auteurs/cmartin/", ".author-intro .portrait", 160)])
def test_a_picture_lays_out_as_its_image_alone(phone: Any, path: str, selector: str, size: int) -> None:
    # <picture> is display: contents and its <source> elements display: none (style.css): in a flex row with a
    # gap, they would otherwise squeeze the portrait and push it aside.
    page, _outside = phone(path, 2)
    portraits = page.locator(selector)
    assert portraits.count() >= 1
    for index in range(portraits.count()):
        portrait = portraits.nth(index)
        portrait.scroll_into_view_if_needed()
        portrait.evaluate("image => image.decode()")  # a lazy image loads once near the screen
        box = portrait.bounding_box()
        parent = portrait.evaluate("image => image.closest('li, section, header').getBoundingClientRect().x")
        assert box is not None and (round(box["width"]), round(box["height"])) == (size, size)
        assert box["x"] - parent <= 16
        assert portrait.evaluate("image => image.currentSrc").endswith((".avif", ".webp"))
