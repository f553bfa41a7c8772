"""Videos without trackers, as written: the addresses of a YouTube or Vimeo video, the :::video block, what the
parse records of it on the post, and every mistake reported with its line and its fix.

The page around a video is tested in tests/test_video_page.py, what a browser does with it in
tests/browser/test_video_player.py.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from hospiblog.build import build
from hospiblog.errors import BuildFailed, HospiblogError
from hospiblog.videos import HOSTS, VideoUrlError, parse_video_url
from tests.conftest import NOW, SITE_TOML, SiteMaker, post, write_image

YOUTUBE = "https://www.youtube-nocookie.com"
VIMEO = "https://player.vimeo.com"
VIDEO_POST = "posts/prevention/avc.md"
VIDEO_PAGE = "prevention/avc/index.html"
BODY = """\
Avant la vidéo.

:::video https://www.youtube.com/watch?v=AbCdEfGhIjK
AVC : chaque minute compte
transcription: #transcription
date: 2026-10-26
:::

Entre les deux.

:::video https://vimeo.com/76979871
Trois exercices d'équilibre
poster: /images/affiche.jpg
transcription: equilibre-texte.md
:::

## Transcription

Le texte de la vidéo.
"""


def video_site(make_site: SiteMaker, body: str = BODY, config: str = SITE_TOML) -> Path:
    site = make_site({
        VIDEO_POST: post("AVC", body=body, summary='"Résumé."'),
        "posts/prevention/equilibre-texte.md": post("Équilibre, le texte", "2026-09-01", body="Le texte."),
        "posts/news/sans-video.md": post("Sans vidéo", "2026-09-15"),
    }, config)
    write_image(site / "static/images/affiche.jpg", (1280, 720))
    return site


def built(site: Path, out: Path) -> Path:
    build(site, output=out, now=NOW)
    return out


def page_of(out: Path, relative: str = VIDEO_PAGE) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((out / relative).read_bytes())


# -- addresses ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.youtube.com/watch?v=AbCdEfGhIjK", ("youtube", "AbCdEfGhIjK")),
    ("https://www.youtube.com/watch?v=AbCdEfGh-_K&t=42s", ("youtube", "AbCdEfGh-_K")),
    ("https://m.youtube.com/watch?feature=share&v=AbCdEfGhIjK", ("youtube", "AbCdEfGhIjK")),
    ("https://youtu.be/AbCdEfGhIjK?si=Xy12", ("youtube", "AbCdEfGhIjK")),
    ("https://www.youtube.com/shorts/AbCdEfGhIjK", ("youtube", "AbCdEfGhIjK")),
    ("https://www.youtube.com/embed/AbCdEfGhIjK", ("youtube", "AbCdEfGhIjK")),
    ("https://www.youtube-nocookie.com/embed/AbCdEfGhIjK", ("youtube", "AbCdEfGhIjK")),
    ("https://www.youtube.com/live/AbCdEfGhIjK", ("youtube", "AbCdEfGhIjK")),
    ("www.youtube.com/watch?v=AbCdEfGhIjK", ("youtube", "AbCdEfGhIjK")),
    ("http://youtube.com/watch?v=AbCdEfGhIjK", ("youtube", "AbCdEfGhIjK")),
    ("https://vimeo.com/76979871", ("vimeo", "76979871")),
    ("https://www.vimeo.com/76979871/", ("vimeo", "76979871")),
    ("https://player.vimeo.com/video/76979871?h=abc", ("vimeo", "76979871")),
])
def test_the_usual_addresses_of_a_video_are_read(url: str, expected: tuple[str, str]) -> None:
    assert parse_video_url(url) == expected


@pytest.mark.parametrize("url", [
    "https://www.dailymotion.com/video/x8abcd",
    "https://www.youtube.com/watch",  # no v=
    "https://www.youtube.com/watch?v=AbCdEfGhIjK&v=ZyXwVuTsRqP",
    "https://www.youtube.com/watch?v=AbCdEfGhIj",  # 10 characters
    "https://www.youtube.com/watch?v=AbCdEfGhIjKL",  # 12
    'https://youtu.be/AbCdE"><sc',
    "https://youtu.be/AbCd%20fGhIjK",
    "https://www.youtube.com/@hopitalvalclair",
    "https://youtube.com.evil.example/watch?v=AbCdEfGhIjK",
    "https://user@www.youtube.com/watch?v=AbCdEfGhIjK",
    "https://www.youtube.com:8443/watch?v=AbCdEfGhIjK",
    "javascript:alert(1)//youtube.com/watch?v=AbCdEfGhIjK",
    "https://vimeo.com/channels/staffpicks/76979871",
    "https://vimeo.com/76979871abc",
    "https://vimeo.com/1234567890123",
    "https://player.vimeo.com/76979871",
    "",
])
def test_other_addresses_and_bad_identifiers_are_refused(url: str) -> None:
    with pytest.raises(VideoUrlError):
        parse_video_url(url)


def test_the_player_is_the_cookieless_one_and_plays_when_asked() -> None:
    assert HOSTS["youtube"].player_url("AbCdEfGhIjK") == f"{YOUTUBE}/embed/AbCdEfGhIjK?autoplay=1"
    assert HOSTS["vimeo"].player_url("76979871") == f"{VIMEO}/video/76979871?dnt=1&autoplay=1"
    assert HOSTS["vimeo"].embed_url("76979871") == f"{VIMEO}/video/76979871?dnt=1"
    assert HOSTS["youtube"].watch_url("AbCdEfGhIjK") == "https://www.youtube.com/watch?v=AbCdEfGhIjK"


# -- the block ------------------------------------------------------------------------------------------------------


def test_the_block_records_each_video_on_the_post(make_site: SiteMaker) -> None:
    from hospiblog.build import parse_all
    from hospiblog.config import load_config
    from hospiblog.content.discover import discover

    config = load_config(video_site(make_site))
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    assert errors == []
    article = next(post for post in posts if post.relative == VIDEO_POST)
    youtube, vimeo = article.videos
    assert (youtube.host, youtube.video_id) == ("youtube", "AbCdEfGhIjK")
    assert youtube.title == "AVC\u202f: chaque minute compte"  # French typography, as in the article's titles
    assert (youtube.transcript, str(youtube.upload_date), youtube.poster, youtube.line) == \
        ("#transcription", "2026-10-26", None, 8)
    assert (vimeo.host, vimeo.video_id, vimeo.poster, vimeo.upload_date, vimeo.line) == \
        ("vimeo", "76979871", "/images/affiche.jpg", None, 16)
    assert vimeo.title == "Trois exercices d’équilibre"
    assert vimeo.transcript == "hospiblog-post:posts/prevention/equilibre-texte.md"
    # The poster is checked and sized as the body's images are; the transcript's article is a checked link.
    assert ("/images/affiche.jpg", 18) in article.local_images
    assert ("posts/prevention/equilibre-texte.md", 19) in article.post_links
    # In the body: a plain link to each video on its host, which feeds show as it is.
    assert '<p class="video-link" id="video-youtube-AbCdEfGhIjK"><a href="https://www.youtube.com/watch?v=' \
           'AbCdEfGhIjK">AVC\u202f: chaque minute compte</a> (YouTube) – <a href="#transcription">transcription</a>' \
           '</p>' in article.parsed_html


@pytest.mark.parametrize(("block", "line", "message", "hint"), [
    (":::video https://www.dailymotion.com/video/x8abcd\nTitre\n:::", 7,
     "'https://www.dailymotion.com/video/x8abcd' is not the address of a YouTube or Vimeo video", "youtu.be"),
    (":::video https://youtu.be/AbCdEfGhIj\nTitre\n:::", 7, "is not a YouTube video", "11 letters"),
    (":::video\nTitre\n:::", 7, "the video has no address", "after :::video"),
    (":::video https://youtu.be/AbCdEfGhIjK\nposter: /images/affiche.jpg\n:::", 8, "the video has no title",
     "title on the line after :::video"),
    (":::video https://youtu.be/AbCdEfGhIjK\n:::", 7, "the video has no title", "title on the line after"),
    (":::video https://youtu.be/AbCdEfGhIjK\nTitre\npostre: /images/affiche.jpg\n:::", 9,
     "unknown field 'postre'", "did you mean 'poster'?"),
    (":::video https://youtu.be/AbCdEfGhIjK\nTitre\nposter: https://i.ytimg.com/vi/x/0.jpg\n:::", 9,
     "the poster must be an image of the site", "static/images/"),
    (":::video https://youtu.be/AbCdEfGhIjK\nTitre\ndate: 26.10.2026\n:::", 9, "'date' is not a date", "2026-10-01"),
    (":::video https://youtu.be/AbCdEfGhIjK\nTitre\ntranscription: javascript:alert(1)\n:::", 9,
     "the transcription must be a page or a file", "https://"),
    (":::video https://youtu.be/AbCdEfGhIjK\nTitre\ndate: 2026-10-01\ndate: 2026-10-02\n:::", 10,
     "'date' is given twice", "keep one"),
    (":::video https://youtu.be/AbCdEfGhIjK\nTitre\nUne deuxième ligne de titre\n:::", 9,
     "is neither the title nor a field", "`poster: …`"),
    (":::video https://youtu.be/AbCdEfGhIjK\nTitre\n\nLa suite de l'article, sans fin de bloc.", 7,
     "is never closed", "end the block with a line :::"),
])
def test_a_mistake_names_its_line_and_the_fix(make_site: SiteMaker, tmp_path: Path, block: str, line: int,
                                              message: str, hint: str) -> None:
    site = make_site({"posts/news/a.md": post("A", body="Avant.\n\n" + block)})
    with pytest.raises(HospiblogError) as caught:
        build(site, output=tmp_path / "out", now=NOW)
    errors = caught.value.errors if isinstance(caught.value, BuildFailed) else [caught.value]
    found = [error for error in errors if message in error.message]
    assert found, [error.message for error in errors]
    error = found[0]
    assert error.location is not None and error.location.line == line and error.location.path.name == "a.md"
    assert hint in (error.hint or ""), error.hint
