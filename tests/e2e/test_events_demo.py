"""The demo's events built as a whole and read back: the agenda page, every calendar file with the icalendar
package, and each event's JSON-LD, against the front matter of the sources."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import frontmatter
import lxml.html
import pytest
from icalendar import Calendar

from hospiblog.build import build
from hospiblog.config import load_config
from hospiblog.urls import slugify
from tests.conftest import NOW, REPO

pytestmark = pytest.mark.slow
BASE = "https://blog.hopital-valclair.example"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("events-demo") / "public"
    build(REPO, output=folder, now=NOW)
    return folder


def events() -> list[tuple[str, dict[str, Any], str]]:
    """(title, event block, page path) of every published French demo post that announces an event: the French
    agenda's (test_languages_demo.py looks at the German one)."""
    config = load_config(REPO)
    found = []
    for path in sorted((REPO / "posts").rglob("*.md")):
        meta = frontmatter.load(path).metadata
        if "event" not in meta or meta.get("draft") or str(meta["date"])[:10] > NOW.date().isoformat() \
                or meta.get("lang", "fr") != "fr":
            continue
        slug = meta.get("slug") or slugify(str(meta["title"]))
        found.append((str(meta["title"]), meta["event"], f"{config.categories[path.parent.name].slug}/{slug}/"))
    return found


def local(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace(" ", "T"))
    return moment if moment.tzinfo else moment.replace(tzinfo=load_config(REPO).zone)


def typed(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u2019", "'").strip()


def test_the_demo_has_upcoming_past_and_cancelled_events() -> None:
    ends = [local(event.get("end", event["start"])) for _title, event, _page in events()]
    assert any(end > NOW for end in ends) and any(end < NOW for end in ends)
    assert any(event.get("status") == "cancelled" for _title, event, _page in events())


def test_the_agenda_lists_upcoming_soonest_first_then_past_ones_labelled(out: Path) -> None:
    page = lxml.html.parse(str(out / "agenda/index.html")).getroot()
    upcoming = sorted((local(event["start"]), title) for title, event, _page in events()
                      if local(event.get("end", event["start"])) > NOW)
    past = sorted(((local(event["start"]), title) for title, event, _page in events()
                   if local(event.get("end", event["start"])) <= NOW), reverse=True)
    for section, expected in (("agenda-upcoming", upcoming), ("agenda-past", past)):
        entries = page.xpath(f"//section[@aria-labelledby='{section}']//li")
        assert [typed(entry.xpath(".//h3")[0].text_content()) for entry in entries] == [t for _s, t in expected]
        for entry in entries:
            labelled = "Passé" in entry.text_content()
            assert labelled == (section == "agenda-past"), entry.text_content()
    cancelled = [title for title, event, _page in events() if event.get("status") == "cancelled"]
    for entry in page.xpath("//li[contains(@class, 'agenda-entry')]"):
        title = typed(entry.xpath(".//h3")[0].text_content())
        assert ("Annulé" in entry.text_content()) == (title in cancelled), title


def test_every_calendar_file_reads_back_with_icalendar(out: Path) -> None:
    files = sorted(path for path in out.rglob("*.ics") if path.relative_to(out).parts[0] != "de")
    assert len(files) == len(events()) + 1
    uids: dict[str, str] = {}
    for path in files:
        cal = Calendar.from_ical(path.read_bytes())
        assert str(cal["version"]) == "2.0" and "prodid" in cal
        used = {entry.get("dtstart").params.get("TZID") for entry in cal.events} - {None}
        assert used <= {str(zone["tzid"]) for zone in cal.timezones}, path
        for entry in cal.events:
            for key in ("uid", "dtstamp", "dtstart", "sequence", "status", "summary", "url"):
                assert key in entry, (path, key)
            if path.name != "agenda.ics":
                assert uids.setdefault(str(entry["uid"]), path.name) == path.name, "one UID per event"
    agenda = Calendar.from_ical((out / "agenda.ics").read_bytes())
    upcoming = [title for title, event, _page in events() if local(event.get("end", event["start"])) > NOW]
    assert sorted(typed(str(entry["summary"])).removeprefix("Annulé – ") for entry in agenda.events) == sorted(
        upcoming)
    for title, event, page in events():
        (entry,) = Calendar.from_ical(next((out / page).glob("*.ics")).read_bytes()).events
        assert entry.decoded("dtstart") == local(event["start"]), title
        assert str(entry["status"]) == ("CANCELLED" if event.get("status") == "cancelled" else "CONFIRMED")


def test_every_event_post_has_its_json_ld(out: Path) -> None:
    for title, event, page in events():
        tree = lxml.html.parse(str(out / page / "index.html")).getroot()
        graph = json.loads(tree.xpath("//script[@type='application/ld+json']")[0].text)["@graph"]
        (node,) = [node for node in graph if node["@type"] == "Event"]
        assert typed(node["name"]) == title
        assert datetime.fromisoformat(node["startDate"]) == local(event["start"])
        assert datetime.fromisoformat(node["endDate"]) == local(event["end"])
        status = {"cancelled": "EventCancelled"}.get(event.get("status", ""), "EventScheduled")
        assert node["eventStatus"] == f"https://schema.org/{status}"
        mode = "Mixed" if "online" in event else "Offline"
        assert node["eventAttendanceMode"] == f"https://schema.org/{mode}EventAttendanceMode"
        places = node["location"] if isinstance(node["location"], list) else [node["location"]]
        assert places[0]["@type"] == "Place" and places[0]["address"]["@type"] == "PostalAddress"
        assert node["organizer"]["name"] == "Hôpital du Val-Clair"
        assert node["image"][0] == f"{BASE}/cards/{page.rstrip('/')}-og.jpg"
        assert ("offers" in node) == ("registration" in event or "price" in event), title
