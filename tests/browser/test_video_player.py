"""Videos without trackers, in headless Chromium: the demo's YouTube and Vimeo posts request nothing from the video's
host until the reader presses « Lire la vidéo », then show the host's cookieless player, which that page's
Content-Security-Policy lets in and every other page's refuses. Without JavaScript the poster carries a plain link
to the video on its host. axe-core finds nothing at phone and desktop widths, before and after the click.

There is no network here: every request off the local server is intercepted (Playwright routing). Those to the
players' origins are answered with a small local page standing for the player, and recorded; any other is aborted
and recorded. Contexts are made here from the session's `browser` (the `open_page` fixture cannot fulfil requests
or turn JavaScript off), with the same guards as tests/browser/test_share.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.test_pages import AXE_TAGS, _format_violations

YOUTUBE_POST = "/prevention/avc-reconnaitre-les-signes-et-appeler-le-144-sans-attendre/"
VIMEO_POST = "/prevention/trois-exercices-d-equilibre-a-faire-chez-soi-en-video/"
PLAIN_POST = "/prevention/prevenir-les-chutes-des-aines-a-la-maison/"
PLAYERS = {
    YOUTUBE_POST: "https://www.youtube-nocookie.com/embed/Xk7mR2vQp4E?autoplay=1",
    VIMEO_POST: "https://player.vimeo.com/video/912345678?dnt=1&autoplay=1",
}
WATCH_PAGES = {YOUTUBE_POST: "https://www.youtube.com/watch?v=Xk7mR2vQp4E", VIMEO_POST: "https://vimeo.com/912345678"}
FRAME_TITLES = {
    YOUTUBE_POST: "AVC\u202f: les trois signes qui doivent faire appeler le 144 (lecteur vidéo YouTube)",
    VIMEO_POST: "Trois exercices d’équilibre à faire chez soi (lecteur vidéo Vimeo)",
}
VIDEO_HOSTS = re.compile(r"^https://([a-z0-9-]+\.)*(youtube|youtube-nocookie|ytimg|googlevideo|vimeo|vimeocdn)\.com/")
ANSWERED = re.compile(r"^https://(www\.youtube-nocookie\.com|player\.vimeo\.com|www\.youtube\.com|vimeo\.com)/")
STAND_IN = ("<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Lecteur</title></head>"
            "<body><p>Le lecteur de la vidéo (remplacé pour le test)</p></body></html>")
WIDTHS = [390, 1280]
PLAY = "figure.video button[data-video-play]"
LINK = "figure.video a[data-video-link]"

video_posts = pytest.mark.parametrize("path", [YOUTUBE_POST, VIMEO_POST], ids=["youtube", "vimeo"])
widths = pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")


@dataclass
class Visit:
    page: Any
    off_site: list[str] = field(default_factory=list)
    """Every request the page made off the local server, answered or not, in order."""
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def video_requests(self) -> list[str]:
        return [url for url in self.off_site if VIDEO_HOSTS.match(url)]


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Any]:
    """visit(path, width, **context_options) -> Visit, in a fresh context closed at the end of the test."""
    contexts: list[Any] = []

    def open_(path: str, width: int = 1280, **options: Any) -> Visit:
        context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block", **options)
        contexts.append(context)
        page = context.new_page()
        result = Visit(page)

        def intercept(route: Any) -> None:
            result.off_site.append(route.request.url)
            if ANSWERED.match(route.request.url):
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=STAND_IN)
            else:
                route.abort()

        context.route(re.compile(rf"^(?!{re.escape(base_url)}/|data:|blob:)"), intercept)

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


def _read_the_whole_page(page: Any) -> None:
    """Scrolls to the bottom and back, so every lazy image loads, and lets the network settle."""
    height = page.evaluate("() => document.scrollingElement.scrollHeight")
    for top in range(0, height, 500):
        page.evaluate("top => window.scrollTo(0, top)", top)
    page.wait_for_load_state("networkidle")
    page.evaluate("() => window.scrollTo(0, 0)")


def _player(page: Any) -> Any:
    page.wait_for_selector("figure.video iframe")
    return page.locator("figure.video iframe").first


@video_posts
def test_nothing_from_the_host_before_the_click_and_its_player_after(visit: Any, path: str,
                                                                      screenshot_dir: Path) -> None:
    seen = visit(path)
    page = seen.page
    _read_the_whole_page(page)
    assert seen.off_site == [], "requests off the site before the click"
    assert page.locator("figure.video iframe").count() == 0
    assert page.locator(PLAY).is_visible() and not page.locator(LINK).is_visible()
    page.locator(PLAY).scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / f"video-{path.strip('/').split('/')[-1][:20]}-before.png"))
    page.locator(PLAY).click()
    player = _player(page)
    player.element_handle().content_frame().wait_for_load_state("load")
    page.wait_for_load_state("networkidle")
    assert seen.off_site == [PLAYERS[path]], "after the click, the player and nothing else"
    assert player.get_attribute("src") == PLAYERS[path]
    assert player.get_attribute("title") == FRAME_TITLES[path]
    assert [frame.url for frame in page.frames if frame != page.main_frame] == [PLAYERS[path]]
    assert page.evaluate("() => document.activeElement.tagName") == "IFRAME", "the focus goes into the player"
    assert page.locator(PLAY).count() == 0
    # A frame the page's policy refused would be logged as an error, and its request never made.
    assert seen.console_errors == [] and seen.page_errors == []


@video_posts
def test_the_button_works_from_the_keyboard_and_shows_its_focus(visit: Any, path: str) -> None:
    page = visit(path, 390).page
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('button[data-video-play]')"):
            break
    else:
        pytest.fail("Tab never reaches the « Lire la vidéo » button")
    outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                            "return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert outline[0] != "none" and outline[1] >= 2, outline
    page.keyboard.press("Enter")
    assert _player(page).get_attribute("src") == PLAYERS[path]
    assert page.evaluate("() => document.activeElement.tagName") == "IFRAME"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _frame_from(page: Any, url: str) -> str:
    """Adds an iframe loading ``url``; the directive that refused it and the refused origin (a violation report
    names only the origin of a frame from elsewhere), or "loaded"."""
    return str(page.evaluate("""url => new Promise(resolve => {
        document.addEventListener('securitypolicyviolation',
            event => resolve(event.effectiveDirective + ' refused ' + event.blockedURI), {once: true});
        const frame = document.createElement('iframe');
        frame.addEventListener('load', () => setTimeout(() => resolve('loaded'), 200), {once: true});
        frame.src = url;
        document.body.append(frame);
    })""", url))


def test_the_policy_lets_in_the_player_on_its_page_only(visit: Any) -> None:
    plain = visit(PLAIN_POST)
    assert plain.page.locator("figure.video").count() == 0
    for player in PLAYERS.values():
        assert _frame_from(plain.page, player) == f"frame-src refused {_origin(player)}"
    assert plain.off_site == []
    youtube = visit(YOUTUBE_POST)
    assert _frame_from(youtube.page, PLAYERS[VIMEO_POST]) == f"frame-src refused {_origin(PLAYERS[VIMEO_POST])}"
    # YouTube's player that sets cookies is not the one the page lets in.
    assert _frame_from(youtube.page, "https://www.youtube.com/embed/Xk7mR2vQp4E") == \
        "frame-src refused https://www.youtube.com"
    assert youtube.off_site == []
    assert _frame_from(youtube.page, PLAYERS[YOUTUBE_POST]) == "loaded"
    assert youtube.off_site == [PLAYERS[YOUTUBE_POST]]


@video_posts
def test_without_javascript_the_poster_carries_a_plain_link(visit: Any, path: str) -> None:
    seen = visit(path, 390, java_script_enabled=False)
    page = seen.page
    _read_the_whole_page(page)
    assert seen.off_site == []
    assert not page.locator(PLAY).is_visible()
    link = page.locator(LINK)
    assert link.is_visible() and link.get_attribute("href") == WATCH_PAGES[path]
    assert page.locator("figure.video img").evaluate("image => image.complete && image.naturalWidth > 0")
    link.click()
    page.wait_for_url(WATCH_PAGES[path])
    assert seen.off_site[0] == WATCH_PAGES[path]


@video_posts
@widths
def test_a_video_page_passes_axe_before_and_after_the_click(visit: Any, axe_source: str, path: str,
                                                            width: int) -> None:
    seen = visit(path, width, bypass_csp=True)  # the policy forbids the injected axe script, not the player
    page = seen.page
    page.add_script_tag(content=axe_source)
    for moment in ("before", "after"):
        if moment == "after":
            page.locator(PLAY).click()
            _player(page)
        results = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],"
            " iframes: false})", AXE_TAGS)
        if results["violations"]:
            pytest.fail(f"axe, {path} at {width}px {moment} the click:\n" + _format_violations(results["violations"]),
                        pytrace=False)


@video_posts
def test_a_video_page_fits_a_phone(visit: Any, path: str) -> None:
    page = visit(path, 390).page
    box = page.locator("figure.video .video-stage").bounding_box()
    assert box is not None and abs(box["width"] / box["height"] - 16 / 9) < 0.02, box
    button = page.locator(PLAY).bounding_box()
    assert button is not None and box["x"] <= button["x"] and button["x"] + button["width"] <= box["x"] + box["width"]
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")
