"""Events: what the agenda, an event post's box, the calendar files, the share cards and the social kit say of the
event a post announces (its ``event:`` front matter, :class:`hospiblog.model.Event`).

Time alone moves an event from the agenda's upcoming list to its past one (:meth:`Event.upcoming`): the pages
that show it carry that in their digest, and :mod:`hospiblog.schedule` counts each event's end among the moments
the site changes by itself.

Share cards, the social kit and the calendar files speak the post's language, which may differ from the site's
(the theme's strings are the site's): their few words are here, by language, as the social kit's are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, tzinfo

from .config import SiteConfig
from .dates import day_range, long_date, short_time, time_range
from .model import Event, Post, PostMeta
from .urls import split_url

UPCOMING = "upcoming"
PAST = "past"
STATUS_WORDS = {
    "fr": {"cancelled": "Annulé", "postponed": "Reporté", "online": "En ligne"},
    "de": {"cancelled": "Abgesagt", "postponed": "Verschoben", "online": "Online"},
    "en": {"cancelled": "Cancelled", "postponed": "Postponed", "online": "Moved online"},
}
"""A status other than ``scheduled``, as a card, a kit text or a calendar entry says it, by language."""
ONLINE_WORDS = {"fr": ("En ligne", "{place} et en ligne"), "de": ("Online", "{place} und online"),
                "en": ("Online", "{place} and online")}
"""Where an online event takes place, and a hybrid one, by language."""
_EMAIL = re.compile(r"^[^@\s<>\"'(),;:]+@[^@\s<>\"'(),;:]+\.[^@\s<>\"'(),;:.]+$")


def language_of(meta: PostMeta, config: SiteConfig) -> str:
    """The post's language (``de``), for what speaks it: cards, kit texts, calendar entries."""
    return (meta.lang or config.language).replace("_", "-").split("-")[0].lower()


def phase(event: Event, now: datetime) -> str:
    """``upcoming`` while the event is to come or under way at ``now``, then ``past``."""
    return UPCOMING if event.upcoming(now) else PAST


def agenda(posts: Iterable[Post], now: datetime) -> tuple[list[Post], list[Post]]:
    """The posts announcing an event: the upcoming ones soonest first, then the past ones, latest first."""
    events = [post for post in posts if post.meta.event is not None]
    upcoming = [post for post in events if _event(post).upcoming(now)]
    past = [post for post in events if not _event(post).upcoming(now)]
    upcoming.sort(key=lambda post: (_event(post).start, post.relative))
    past.sort(key=lambda post: (_event(post).start, post.relative), reverse=True)
    return upcoming, past


def _event(post: Post) -> Event:
    event = post.meta.event
    assert event is not None
    return event


def sequence(meta: PostMeta) -> int:
    """The calendar entry's SEQUENCE: minutes from the post's ``date`` to its ``updated`` (0 without it).

    It grows whenever an editor changes an event and says so with ``updated:``, with nothing kept between builds,
    so calendars that imported the event take the change."""
    if meta.updated is None:
        return 0
    return max(0, int((meta.updated - meta.date).total_seconds() // 60))


def when_text(event: Event, language: str, zone: tzinfo) -> str:
    """``jeudi 8 avril 2027, 18:30 – 20:00``; ``24 – 25 mai 2025`` for an all-day event of two days."""
    start = event.start.astimezone(zone)
    end = event.end.astimezone(zone) if event.end is not None and event.end > event.start else None
    if event.all_day:
        if end is None or end.date() == start.date():
            return long_date(start.date(), language, weekday=True)
        return day_range(start.date(), end.date(), language)
    day = long_date(start.date(), language, weekday=True)
    if end is None:
        return f"{day}, {short_time(start.time(), language)}"
    if end.date() == start.date():
        return f"{day}, {time_range(start.time(), end.time(), language)}"
    last = long_date(end.date(), language, weekday=True)
    return f"{day}, {short_time(start.time(), language)} – {last}, {short_time(end.time(), language)}"


def place_text(event: Event, language: str, *, address: bool = False) -> str:
    """Where the event takes place: the place's name (and address), ``En ligne``, or both for a hybrid event."""
    online, hybrid = ONLINE_WORDS.get(language, ONLINE_WORDS["en"])
    if event.status == "online" or event.location is None:
        return online if event.online or event.status == "online" else ""
    place = event.location.name
    if address and event.location.address:
        place = f"{place}, {event.location.address}"
    return hybrid.format(place=place) if event.online else place


def status_word(event: Event, language: str) -> str:
    """``Annulé``, ``Reporté`` or ``En ligne``; empty for an event that takes place as planned."""
    return STATUS_WORDS.get(language, STATUS_WORDS["en"]).get(event.status, "")


def details(meta: PostMeta, config: SiteConfig) -> tuple[str, ...]:
    """The lines a share card shows under the title: when (after the status, if not as planned), and where."""
    event = meta.event
    if event is None:
        return ()
    language = language_of(meta, config)
    when = when_text(event, language, config.zone)
    status = status_word(event, language) if event.status in ("cancelled", "postponed") else ""
    lines = (f"{status} – {when}" if status else when, place_text(event, language))
    return tuple(line for line in lines if line)


def social_line(meta: PostMeta, config: SiteConfig) -> str:
    """The event's date and place in one line, for the social kit's texts (``Annulé – jeudi 8 avril…``)."""
    event = meta.event
    if event is None:
        return ""
    language = language_of(meta, config)
    when = when_text(event, language, config.zone)
    status = status_word(event, language) if event.status in ("cancelled", "postponed") else ""
    where = place_text(event, language, address=True)
    return " · ".join(part for part in (f"{status} – {when}" if status else when, where) if part)


def is_web_address(text: str) -> bool:
    """An http(s) address with a host and nothing a link could not hold."""
    parts = split_url(text)
    return (parts is not None and parts.scheme in ("http", "https") and bool(parts.netloc)
            and not any(c in text for c in " <>\"'"))


def is_email(text: str) -> bool:
    """An e-mail address (``inscription@hopital.example``, or written ``mailto:…``)."""
    return _EMAIL.match(text.removeprefix("mailto:")) is not None


def registration_link(text: str) -> str:
    """The link of a registration: the web address, ``mailto:`` an e-mail address, "" for anything else."""
    if is_web_address(text):
        return text
    if is_email(text):
        return "mailto:" + text.removeprefix("mailto:")
    return ""
