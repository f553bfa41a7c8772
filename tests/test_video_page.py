"""The page around a video: its poster (the editor's image or one drawn at build time), the hidden button and the
plain link for readers without JavaScript, a Content-Security-Policy that lets in that video's player on that page
only, its JSON-LD, the feeds, and serve's fast path, which must not keep a page's policy when its videos change.

What a browser does with it (no request to the host before the click, the player after it, axe) is in
tests/browser/test_video_player.py.
"""

from __future__ import annotations

import io
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from hospiblog.build import build
from hospiblog.errors import HospiblogError
from hospiblog.security import CONTENT_SECURITY_POLICY, content_security_policy, render_headers_file
from hospiblog.videos import split_at_videos
from tests.conftest import NOW, SITE_TOML, SiteMaker, post, write_image
from tests.test_video import BODY, VIDEO_PAGE, VIDEO_POST, VIMEO, YOUTUBE, built, page_of, video_site


def policy_of(page: lxml.html.HtmlElement) -> str:
    return str(page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0])


def graph_of(page: lxml.html.HtmlElement) -> list[dict[str, object]]:
    data = json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])
    return list(data["@graph"])


def test_the_same_video_twice_gets_two_places(make_site: SiteMaker, tmp_path: Path) -> None:
    block = ":::video https://youtu.be/AbCdEfGhIjK\nLe titre\ntranscription: /transcription/\n:::\n\n"
    out = built(video_site(make_site, block + "Texte.\n\n" + block), tmp_path / "out")
    page = page_of(out)
    assert page.xpath("//figure[@class='video']/@id") == ["video-youtube-AbCdEfGhIjK", "video-youtube-AbCdEfGhIjK-2"]


# -- the page -------------------------------------------------------------------------------------------------------


def test_the_page_shows_a_poster_a_hidden_button_and_a_plain_link(make_site: SiteMaker, tmp_path: Path) -> None:
    out = built(video_site(make_site), tmp_path / "out")
    page = page_of(out)
    youtube, vimeo = page.xpath("//figure[@class='video']")
    assert youtube.get("data-video-player") == f"{YOUTUBE}/embed/AbCdEfGhIjK?autoplay=1"
    assert youtube.get("data-video-frame-title") == "AVC\u202f: chaque minute compte (lecteur vidéo YouTube)"
    assert vimeo.get("data-video-player") == f"{VIMEO}/video/76979871?dnt=1&autoplay=1"
    # Without JavaScript: the poster and a link to the video on its host; the button waits for video.js.
    link = youtube.xpath(".//a[@data-video-link]")[0]
    assert link.get("href") == "https://www.youtube.com/watch?v=AbCdEfGhIjK"
    assert link.text_content() == "Voir la vidéo sur YouTube"
    button = youtube.xpath(".//button[@data-video-play]")[0]
    assert button.get("type") == "button" and button.get("hidden") is not None
    assert button.text_content() == "Lire la vidéo (YouTube)"
    notice = youtube.xpath(".//*[@class='video-notice']")[0].text_content()
    assert notice == ("Lire la vidéo charge du contenu de YouTube, qui peut alors collecter des données sur "
                      "votre visite.")
    assert youtube.xpath(".//a[@class='video-transcript']/@href") == ["#transcription"]
    assert vimeo.xpath(".//a[@class='video-transcript']/@href") == ["/prevention/equilibre-le-texte/"]
    # Local posters with their size: the editor's image, or one drawn for the video.
    drawn = youtube.xpath(".//img")[0]
    assert drawn.get("src").startswith("/videos/youtube-AbCdEfGhIjK-") and drawn.get("alt") == ""
    assert (drawn.get("width"), drawn.get("height")) == ("1280", "720")
    with Image.open(out / drawn.get("src").lstrip("/")) as poster:
        assert poster.size == (1280, 720) and poster.format == "JPEG"
    mine = vimeo.xpath(".//img")[0]
    assert (mine.get("src"), mine.get("width"), mine.get("height")) == ("/images/affiche.jpg", "1280", "720")
    # The editor's poster is published as the article's images are, in the theme's widths and formats.
    assert mine.get("srcset") and vimeo.xpath(".//picture/source/@type")
    assert drawn.get("srcset") is None
    # Nothing in the page loads from another site: no iframe, no image or script from elsewhere.
    assert page.xpath("//iframe") == []
    assert all(not src.startswith(("http:", "https:", "//")) for src in page.xpath("//img/@src | //script/@src"))
    scripts = page.xpath("//script/@src")
    assert any("/video." in src for src in scripts)
    assert not any("/video." in src for src in page_of(out, "actualites/sans-video/index.html").xpath("//script/@src"))


def headers_rules(out: Path) -> dict[str, list[str]]:
    """The rules of _headers: each path's lines."""
    rules: dict[str, list[str]] = {}
    for line in (out / "_headers").read_text().splitlines():
        if line and not line.startswith(" "):
            rules[line] = []
        elif line.strip():
            rules[list(rules)[-1]].append(line.strip())
    return rules


def test_only_a_page_with_a_video_lets_in_its_player(make_site: SiteMaker, tmp_path: Path) -> None:
    out = built(video_site(make_site), tmp_path / "out")
    # frame-src starts from default-src, as it did when it fell back to it: the site's own frames, and the players.
    both = f"{CONTENT_SECURITY_POLICY}; frame-src 'self' {VIMEO} {YOUTUBE}"
    assert policy_of(page_of(out)) == both
    for other in ("actualites/sans-video/index.html", "index.html", "prevention/equilibre-le-texte/index.html",
                  "404.html", "sujets/index.html"):
        assert policy_of(page_of(out, other)) == CONTENT_SECURITY_POLICY, other
    # _headers: the site-wide rule keeps frames closed; the video page has a rule of its own that replaces it.
    rules = headers_rules(out)
    assert f"Content-Security-Policy: {CONTENT_SECURITY_POLICY}; frame-ancestors 'none'" in rules["/*"]
    assert rules["/prevention/avc/"] == ["! Content-Security-Policy",
                                         f"Content-Security-Policy: {both}; frame-ancestors 'none'"]
    assert [path for path, lines in rules.items() if any("frame-src" in line for line in lines)] == \
        ["/prevention/avc/"]


def test_a_page_with_one_host_lets_in_that_host_only(make_site: SiteMaker, tmp_path: Path) -> None:
    body = ":::video https://youtu.be/AbCdEfGhIjK\nLe titre\ntranscription: /t/\n:::\n"
    out = built(video_site(make_site, body), tmp_path / "out")
    youtube_only = f"{CONTENT_SECURITY_POLICY}; frame-src 'self' {YOUTUBE}"
    assert policy_of(page_of(out)) == youtube_only
    assert f"Content-Security-Policy: {youtube_only}; frame-ancestors 'none'" in headers_rules(out)["/prevention/avc/"]


def test_a_site_without_video_keeps_its_headers() -> None:
    assert content_security_policy() == CONTENT_SECURITY_POLICY
    assert f"Content-Security-Policy: {CONTENT_SECURITY_POLICY}; frame-ancestors 'none'\n" \
           in render_headers_file().decode()
    assert "frame-src" not in render_headers_file().decode()


def test_json_ld_describes_a_video_whose_upload_date_is_given(make_site: SiteMaker, tmp_path: Path) -> None:
    out = built(video_site(make_site), tmp_path / "out")
    page = page_of(out)
    graph = graph_of(page)
    videos = [node for node in graph if node["@type"] == "VideoObject"]
    url = "https://blog.test.example/prevention/avc/"
    poster = page.xpath("//figure[@id='video-youtube-AbCdEfGhIjK']//img/@src")[0]
    assert videos == [{
        "@type": "VideoObject", "@id": f"{url}#video-youtube-AbCdEfGhIjK", "name": "AVC\u202f: chaque minute compte",
        "thumbnailUrl": [f"https://blog.test.example{poster}"], "uploadDate": "2026-10-26",
        "embedUrl": f"{YOUTUBE}/embed/AbCdEfGhIjK",
    }]  # the Vimeo video has no date: no VideoObject
    posting = next(node for node in graph if node["@type"] == "BlogPosting")
    assert posting["video"] == [{"@id": f"{url}#video-youtube-AbCdEfGhIjK"}]
    assert all(node["@type"] != "VideoObject" for node in graph_of(page_of(out, "actualites/sans-video/index.html")))


def test_feeds_show_a_plain_link_to_the_video(make_site: SiteMaker, tmp_path: Path) -> None:
    out = built(video_site(make_site), tmp_path / "out")
    feed = (out / "rss.xml").read_text()
    assert "https://www.youtube.com/watch?v=AbCdEfGhIjK" in feed and "https://vimeo.com/76979871" in feed
    assert "iframe" not in feed and "youtube-nocookie" not in feed and "data-video" not in feed
    # The transcript's link to an article is resolved there as in the page.
    assert "/prevention/equilibre-le-texte/" in feed


def test_the_sanitiser_keeps_the_video_and_still_drops_an_iframe(make_site: SiteMaker, tmp_path: Path) -> None:
    body = BODY + '\n<iframe src="https://www.youtube.com/embed/AbCdEfGhIjK"></iframe>\n'
    out = built(video_site(make_site, body), tmp_path / "out")
    page = page_of(out)
    assert len(page.xpath("//figure[@class='video']")) == 2 and page.xpath("//iframe") == []
    raw_config = SITE_TOML.replace("posts_per_page = 2", "posts_per_page = 2\nallow_raw_html = true")
    raw = video_site(make_site, BODY, raw_config)
    raw_page = page_of(built(raw, tmp_path / "raw"))
    assert len(raw_page.xpath("//figure[@class='video']")) == 2


def test_a_paragraph_that_looks_like_a_video_is_left_as_written() -> None:
    html = ('<p>a</p><p class="video-link" id="video-youtube-AbCdEfGhIjK">x</p>'
            '<p class="video-link" id="video-youtube-ZzZzZzZzZzZ">forged</p><p>b</p>')
    assert split_at_videos(html, ["video-youtube-AbCdEfGhIjK"]) == [
        ("<p>a</p>", "video-youtube-AbCdEfGhIjK"),
        ('<p class="video-link" id="video-youtube-ZzZzZzZzZzZ">forged</p><p>b</p>', None),
    ]


def test_german_and_english_sites_say_it_in_their_language(make_site: SiteMaker, tmp_path: Path) -> None:
    for language, play, notice in (
        ("de", "Video abspielen (YouTube)", "Beim Abspielen werden Inhalte von YouTube geladen"),
        ("en", "Play the video (YouTube)", "Playing the video loads content from YouTube"),
    ):
        config = SITE_TOML.replace('base_url = "', f'language = "{language}"\nbase_url = "')
        out = built(video_site(make_site, config=config), tmp_path / language)
        figure = page_of(out).xpath("//figure[@class='video']")[0]
        assert figure.xpath(".//button")[0].text_content() == play
        assert figure.xpath(".//*[@class='video-notice']")[0].text_content().startswith(notice)


# -- posters --------------------------------------------------------------------------------------------------------


def test_a_drawn_poster_follows_the_title_and_is_drawn_again_only_when_it_changes(make_site: SiteMaker,
                                                                                  tmp_path: Path) -> None:
    site = video_site(make_site)
    out = tmp_path / "out"
    built(site, out)
    first = page_of(out).xpath("//figure[@id='video-youtube-AbCdEfGhIjK']//img/@src")[0]
    poster_bytes = (out / first.lstrip("/")).read_bytes()
    report = build(site, output=out, now=NOW)  # nothing changed: nothing written
    assert report.write.written == []
    source = site / VIDEO_POST
    source.write_text(source.read_text().replace("AVC : chaque minute compte", "AVC : agir vite"))
    report = build(site, output=out, now=NOW)
    second = page_of(out).xpath("//figure[@id='video-youtube-AbCdEfGhIjK']//img/@src")[0]
    assert second != first and not (out / first.lstrip("/")).exists()
    assert second.lstrip("/") in report.write.written and (out / second.lstrip("/")).read_bytes() != poster_bytes
    with Image.open(io.BytesIO((out / second.lstrip("/")).read_bytes())) as image:
        assert image.size == (1280, 720)


def test_posters_are_drawn_when_share_cards_are_off(make_site: SiteMaker, tmp_path: Path) -> None:
    config = SITE_TOML + "\n[sharing]\ncards = false\n"
    out = built(video_site(make_site, config=config), tmp_path / "out")
    assert not (out / "cards").exists()
    assert len(list((out / "videos").glob("youtube-AbCdEfGhIjK-*.jpg"))) == 1


def test_with_share_cards_off_a_new_card_setting_still_draws_the_posters_again(make_site: SiteMaker,
                                                                               tmp_path: Path) -> None:
    config = SITE_TOML.replace('base_url = "', 'theme = "maison"\nbase_url = "') + "\n[sharing]\ncards = false\n"
    site = video_site(make_site, config=config)
    (site / "themes/maison/cards").mkdir(parents=True)
    (site / "themes/maison/theme.toml").write_text('extends = "default"\n')
    settings = site / "themes/maison/cards/card.toml"
    settings.write_text('text_color = "#ffffff"\n')
    out = built(site, tmp_path / "out")
    (poster,) = (out / "videos").glob("youtube-*.jpg")
    before = poster.read_bytes()
    settings.write_text('text_color = "#fff8e7"\n')  # nothing else changes: a no-op build would keep the poster
    report = build(site, output=out, now=NOW)
    assert report.write.written == [poster.relative_to(out).as_posix()] and poster.read_bytes() != before


# -- serve ----------------------------------------------------------------------------------------------------------


def test_serve_takes_the_fast_path_only_while_the_videos_stay_the_same(make_site: SiteMaker, tmp_path: Path) -> None:
    from hospiblog.build import BuildOptions
    from hospiblog.serve import ServeSession

    site = video_site(make_site)
    served = tmp_path / "served"
    session = ServeSession(site, BuildOptions(dev=True), served, log=lambda message: None)
    assert session.rebuild() is not None
    source = site / VIDEO_POST
    source.write_text(source.read_text().replace("Avant la vidéo.", "Avant la vidéo, un texte plus long."))
    report = session.rebuild({source})
    assert report is not None and "update" in report.stages  # the text above a video moved it, nothing else
    source.write_text(source.read_text().replace("https://vimeo.com/76979871", "https://youtu.be/ZyXwVuTsRqP"))
    report = session.rebuild({source})
    assert report is not None and "update" not in report.stages  # another host: the full pipeline
    assert policy_of(page_of(served)) == f"{CONTENT_SECURITY_POLICY}; frame-src 'self' {YOUTUBE}"
    source.write_text(post("AVC", body="Plus de vidéo.", summary='"Résumé."'))
    report = session.rebuild({source})
    assert report is not None and "update" not in report.stages
    assert policy_of(page_of(served)) == CONTENT_SECURITY_POLICY
    assert "frame-src" not in (served / "_headers").read_text()
    assert graph_of(page_of(served))[-1]["@type"] == "BreadcrumbList"
    build(site, output=tmp_path / "full", now=datetime.now(UTC), dev=True)
    assert (served / VIDEO_PAGE).read_bytes() == (tmp_path / "full" / VIDEO_PAGE).read_bytes()


# -- whatever an editor writes --------------------------------------------------------------------------------------

ADDRESSES = ["https://youtu.be/AbCdEfGhIjK", "https://vimeo.com/76979871", 'https://youtu.be/AbCdEfGhIjK"><b>',
             "javascript:alert(1)", "https://youtu.be/<script>", "https://www.youtube.com/watch?v=' onerror=x",
             "//youtu.be/AbCdEfGhIjK", "https://vimeo.com/7697987" + "1" * 4000]
BLOCK_LINES = ["Titre", "AVC : « agir » vite !", "poster: /images/logo.png", "poster: /images/absente.jpg",
               "poster: javascript:alert(1)", "transcription: #transcription", "transcription: absent.md",
               'transcription: "><script>alert(1)</script>', "date: 2026-10-01", "date: 0001-01-01",
               "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ site }}", ":::", "\x00", ""]


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(address=st.one_of(st.sampled_from(ADDRESSES), st.text(max_size=30)),
       lines=st.lists(st.one_of(st.sampled_from(BLOCK_LINES), st.text(max_size=20)), max_size=5))
def test_any_video_block_builds_or_is_refused_and_runs_nothing(tmp_path: Path, address: str,
                                                                lines: list[str]) -> None:
    body = "\n".join(["Avant.", "", f":::video {address}".replace("\n", " "), *lines, ":::", "", "Après."])
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    site = folder / "site"
    (site / "posts" / "news").mkdir(parents=True)
    (site / "site.toml").write_text(SITE_TOML)
    write_image(site / "static/images/logo.png", (64, 64))
    (site / "posts/news/a.md").write_bytes(post("A", body=body).encode("utf-8", "surrogatepass"))
    try:
        build(site, output=folder / "out", now=NOW, workers=1)
    except HospiblogError:
        return
    page = page_of(folder / "out", "actualites/a/index.html")
    for script in page.iter("script"):
        assert script.get("type") == "application/ld+json" or \
            (script.get("src") or "").startswith(("/share.", "/video.")), lxml.html.tostring(script)
    for element in page.iter():
        assert not [name for name in element.attrib if name.lower().startswith("on")], element.tag
    assert page.xpath("//iframe | //object | //embed") == []
    for player in page.xpath("//figure/@data-video-player"):
        assert player.startswith((f"{YOUTUBE}/embed/", f"{VIMEO}/video/")), player
