"""The video hosts an article can show a video from, and the addresses hospiblog makes for them.

An editor gives the address of the video's page as the host shows it (``https://www.youtube.com/watch?v=…``,
``https://youtu.be/…``, ``https://vimeo.com/…``). :func:`parse_video_url` finds the host and the video's
identifier, checked strictly: it goes into URLs and HTML attributes. A page loads nothing from the host until the
reader asks for the video; the player then comes from the host's address that sets no tracking cookie
(``www.youtube-nocookie.com``; Vimeo with ``dnt=1``), the one frame origin that page's Content-Security-Policy
allows (:mod:`hospiblog.security`).

This module imports nothing heavy: the security headers, which every build (even one with nothing to do) loads,
read :data:`HOSTS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from .model import Video
from .security import PolicyAdditions

FALLBACK_CLASS = "video-link"
"""Class of the paragraph that stands for a video in a rendered body: a plain link to the video on its host.
Feeds and templates that show ``post.content`` keep it; the default post page puts the poster and player there."""
_FALLBACK = re.compile(rf'<p class="{FALLBACK_CLASS}" id="([A-Za-z0-9_-]+)">.*?</p>', re.DOTALL)


@dataclass(frozen=True)
class VideoHost:
    """A video host: its name for readers, the page of a video, and its player."""

    key: str
    name: str
    """As readers know it: « Lire la vidéo (YouTube) »."""
    watch: str
    """The video's page on the host; ``{id}`` is the video's identifier."""
    embed: str
    """The player without tracking cookie (JSON-LD's ``embedUrl``)."""
    frame_origin: str
    """The origin of the player: the one ``frame-src`` of a page showing a video of this host."""
    identifier: re.Pattern[str]
    identifier_hint: str

    def watch_url(self, video_id: str) -> str:
        """The video's page on the host: what readers without JavaScript follow."""
        return self.watch.format(id=video_id)

    def embed_url(self, video_id: str) -> str:
        """The player's address."""
        return self.embed.format(id=video_id)

    def player_url(self, video_id: str) -> str:
        """The player's address, playing at once: the reader has just pressed « Lire la vidéo »."""
        embed = self.embed_url(video_id)
        return embed + ("&" if "?" in embed else "?") + "autoplay=1"


HOSTS: dict[str, VideoHost] = {
    "youtube": VideoHost(
        key="youtube", name="YouTube",
        watch="https://www.youtube.com/watch?v={id}",
        embed="https://www.youtube-nocookie.com/embed/{id}",
        frame_origin="https://www.youtube-nocookie.com",
        identifier=re.compile(r"[A-Za-z0-9_-]{11}"),
        identifier_hint="a YouTube video's identifier is 11 letters, digits, - or _",
    ),
    "vimeo": VideoHost(
        key="vimeo", name="Vimeo",
        watch="https://vimeo.com/{id}",
        embed="https://player.vimeo.com/video/{id}?dnt=1",
        frame_origin="https://player.vimeo.com",
        identifier=re.compile(r"[0-9]{1,12}"),
        identifier_hint="a Vimeo video's identifier is a number",
    ),
}
_YOUTUBE_DOMAINS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com",
                              "www.youtube-nocookie.com"})
_YOUTUBE_PATHS = ("shorts", "embed", "live")
_VIMEO_DOMAINS = frozenset({"vimeo.com", "www.vimeo.com"})
URL_HINT = ("give the address of the video's page: https://www.youtube.com/watch?v=…, https://youtu.be/…, "
            "https://www.youtube.com/shorts/…, https://vimeo.com/… or https://player.vimeo.com/video/…")


class VideoUrlError(ValueError):
    """An address that names no YouTube or Vimeo video; ``hint`` says how to write one."""

    def __init__(self, message: str, hint: str = URL_HINT) -> None:
        super().__init__(message)
        self.hint = hint


def parse_video_url(url: str) -> tuple[str, str]:
    """The host key and the video's identifier of a YouTube or Vimeo address; raises :class:`VideoUrlError`."""
    written = url.strip()
    try:
        parts = urlsplit(written if "://" in written else f"https://{written}")
    except ValueError:  # an unbalanced [ or ] in the host
        parts = urlsplit("")
    host = parts.netloc.lower()  # the whole of it: no user, no port
    if parts.scheme not in ("http", "https"):
        raise VideoUrlError(f"'{_short(written)}' is not the address of a YouTube or Vimeo video")
    segments = [segment for segment in parts.path.split("/") if segment]
    candidate: tuple[str, str] | None = None
    if host in _YOUTUBE_DOMAINS:
        candidate = _youtube(segments, parts.query)
    elif host == "youtu.be" and len(segments) == 1:
        candidate = ("youtube", segments[0])
    elif host in _VIMEO_DOMAINS and len(segments) == 1:
        candidate = ("vimeo", segments[0])
    elif host == "player.vimeo.com" and len(segments) == 2 and segments[0] == "video":
        candidate = ("vimeo", segments[1])
    if candidate is None:
        raise VideoUrlError(f"'{_short(written)}' is not the address of a YouTube or Vimeo video")
    key, video_id = candidate
    if not HOSTS[key].identifier.fullmatch(video_id):
        raise VideoUrlError(f"'{_short(video_id)}' in '{_short(written)}' is not a {HOSTS[key].name} video",
                            f"{HOSTS[key].identifier_hint}: copy the address from the host's Share button")
    return key, video_id


def _youtube(segments: list[str], query: str) -> tuple[str, str] | None:
    if segments == ["watch"]:
        found = parse_qs(query).get("v", [])
        return ("youtube", found[0]) if len(found) == 1 else None
    if len(segments) == 2 and segments[0] in _YOUTUBE_PATHS:
        return "youtube", segments[1]
    return None


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "…"


def frame_origins(videos: Iterable[Video]) -> tuple[str, ...]:
    """The origins of the players of these videos, sorted and each once."""
    return tuple(sorted({HOSTS[video.host].frame_origin for video in videos}))


def frame_policy(videos: Iterable[Video]) -> PolicyAdditions:
    """What a page showing these videos needs beyond the site-wide Content-Security-Policy: ``frame-src`` with
    their players' origins, and nothing for a page without video."""
    return tuple(("frame-src", origin) for origin in frame_origins(videos))


def video_anchor(host: str, video_id: str, taken: Iterable[str]) -> str:
    """The ``id`` of a video's place in its article: ``video-youtube-AbCdEfGhIjK``, ``-2`` for a repeat."""
    anchor = base = f"video-{host}-{video_id}"
    used = set(taken)
    number = 1
    while anchor in used:
        number += 1
        anchor = f"{base}-{number}"
    return anchor


def split_at_videos(html: str, anchors: Iterable[str]) -> list[tuple[str, str | None]]:
    """A rendered body cut at the places of its videos: ``(html before, the video's anchor)`` pairs, the last
    anchor None. A paragraph that looks like a video's but names none of ``anchors`` stays as written."""
    wanted = set(anchors)
    parts: list[tuple[str, str | None]] = []
    position = 0
    for match in _FALLBACK.finditer(html):
        if match.group(1) not in wanted:
            continue
        parts.append((html[position:match.start()], match.group(1)))
        position = match.end()
    parts.append((html[position:], None))
    return parts
