"""iCalendar files (RFC 5545), written with the icalendar package: one per event (« Ajouter à mon agenda ») and
the agenda's calendar of upcoming events, which phones, Outlook and Google Calendar subscribe to.

- ``UID`` is stable: made of what the feeds' entry id is made of (:func:`hospiblog.feeds.post_id`: the host, the
  post's first date and its source path), so a changed title, date or slug updates the same calendar entry.
- ``DTSTAMP`` and ``LAST-MODIFIED`` are the post's ``updated`` (else its ``date``), never "now": an unchanged
  event gives the same bytes at every build.
- ``SEQUENCE`` is :func:`hospiblog.events.sequence`: it grows when an editor changes an event and sets
  ``updated:``, with nothing kept between builds.
- Times are local times of the site's zone (``DTSTART;TZID=Europe/Zurich:20270408T183000``) and the file carries
  that zone's ``VTIMEZONE`` (its offsets and changes over the years of the events), so a client without the zone
  database still reads the right instant on either side of a daylight-saving change. An all-day event is dated
  (``VALUE=DATE``), its ``DTEND`` the day after its last day (RFC 5545: exclusive).
- ``STATUS`` is ``CONFIRMED``, ``CANCELLED``, or ``TENTATIVE`` for an event postponed to a date not yet known; a
  cancelled or postponed event's ``SUMMARY`` starts with that word too, for clients that do not show the status.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from .config import SiteConfig
from .events import language_of, sequence, status_word
from .model import Event, Post

if TYPE_CHECKING:
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

PRODUCT = "-//hospiblog//hospiblog//FR"
REFRESH = timedelta(hours=6)
"""How often a subscribed client should read the agenda again (``REFRESH-INTERVAL``, and ``X-PUBLISHED-TTL``)."""
STATUSES = {"scheduled": "CONFIRMED", "online": "CONFIRMED", "cancelled": "CANCELLED", "postponed": "TENTATIVE"}


def event_uid(config: SiteConfig, post: Post) -> str:
    """``2026-11-10-posts/news/x.md@blog.hopital.example``: the post's stable id as an iCalendar UID."""
    host = config.base_url.split("://", 1)[1].split("/", 1)[0]
    return f"{post.meta.date.date().isoformat()}-{post.relative}@{host}"


def event_calendar(post: Post, config: SiteConfig, url: str) -> bytes:
    """The ``.ics`` file of one post's event; ``url`` is the post's absolute URL."""
    calendar = _calendar()
    _add_zone(calendar, config, [post])
    calendar.add_component(_vevent(post, config, url))
    return bytes(calendar.to_ical())


def agenda_calendar(posts: Sequence[Post], config: SiteConfig, *, name: str, description: str, url: str,
                    urls: Sequence[str], zone_posts: Sequence[Post] = ()) -> bytes:
    """The subscribable calendar of ``posts`` (the upcoming events); ``urls`` are their absolute URLs in the same
    order, ``url`` the calendar's own. The site's ``VTIMEZONE`` covers the years of ``posts``, or of ``zone_posts``
    when there are none (an empty agenda still holds one component, as RFC 5545 wants)."""
    calendar = _calendar()
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("description", description)
    calendar.add("x-wr-timezone", config.timezone)
    calendar.add("source", url, parameters={"VALUE": "URI"})
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")  # Outlook's older name of REFRESH-INTERVAL
    _add_zone(calendar, config, posts or zone_posts, always=True)
    for post, post_url in zip(posts, urls, strict=True):
        calendar.add_component(_vevent(post, config, post_url))
    return bytes(calendar.to_ical())


def _calendar() -> Calendar:
    from icalendar import Calendar  # imported where a calendar is made: most builds make none

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def _add_zone(calendar: Calendar, config: SiteConfig, posts: Sequence[Post], *, always: bool = False) -> None:
    """The site zone's ``VTIMEZONE`` over the years of the events (not of "now": the bytes stay the same)."""
    from icalendar import Timezone

    events = [_event(post) for post in posts]
    if not always and all(event.all_day for event in events):
        return
    years = [moment.astimezone(config.zone).year for event in events for moment in (event.start, event.ends_at)]
    if not years:
        return
    calendar.add_component(Timezone.from_tzinfo(config.zone, config.timezone, first_date=date(min(years), 1, 1),
                                                last_date=date(max(years) + 1, 1, 1)))


def _event(post: Post) -> Event:
    event = post.meta.event
    assert event is not None
    return event


def _vevent(post: Post, config: SiteConfig, url: str) -> CalendarEvent:
    from icalendar import Event as CalendarEntry

    meta, event = post.meta, _event(post)
    language = language_of(meta, config)
    entry = CalendarEntry()
    entry.add("uid", event_uid(config, post))
    changed = (meta.updated or meta.date).astimezone(UTC)
    entry.add("dtstamp", changed)
    entry.add("created", meta.date.astimezone(UTC))
    entry.add("last-modified", changed)
    entry.add("sequence", sequence(meta))
    for key, value in _times(event, config).items():
        entry.add(key, value)
    word = status_word(event, language) if event.status in ("cancelled", "postponed") else ""
    entry.add("summary", f"{word} – {meta.title}" if word else meta.title)
    entry.add("description", "\n\n".join(part for part in (meta.summary, event.online, url) if part))
    location = event.location
    if location is not None and event.status != "online":
        entry.add("location", ", ".join(part for part in (location.name, location.address) if part))
    elif event.online:
        entry.add("location", event.online)
    entry.add("url", url, parameters={"VALUE": "URI"})
    entry.add("status", STATUSES[event.status])
    return entry


def _times(event: Event, config: SiteConfig) -> dict[str, date | datetime]:
    """``DTSTART`` and, when known and after it, ``DTEND``: days for an all-day event, local times otherwise."""
    if event.all_day:
        last = (event.end or event.start).astimezone(config.zone).date()
        first = event.start.astimezone(config.zone).date()
        return {"dtstart": first, "dtend": max(last, first) + timedelta(days=1)}
    times: dict[str, date | datetime] = {"dtstart": event.start.astimezone(config.zone)}
    if event.end is not None and event.end > event.start:
        times["dtend"] = event.end.astimezone(config.zone)
    return times
