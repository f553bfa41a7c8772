"""What an event becomes outside its page: its calendar files read back with the icalendar package, its JSON-LD,
its share cards and its social kit texts and reminders."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from icalendar import Calendar

from hospiblog import cards
from hospiblog.build import build, parse_all
from hospiblog.config import SiteConfig, load_config
from hospiblog.content.discover import discover
from hospiblog.kit import make_kit
from hospiblog.model import Post
from hospiblog.social import compose, schedule_rows
from hospiblog.theme import builtin_theme_dir, load_theme
from tests.conftest import NOW, SiteMaker, post

ZURICH = ZoneInfo("Europe/Zurich")
HOST = "blog.test.example"
PLACE = '\n  location:\n    name: "Auditoire"\n    address: "Route de l\'Hôpital 12, 1700 Val-Clair"'


def event_post(event: str, title: str = "Une conférence", date: str = "2026-11-10 09:00", **fields: str) -> str:
    return post(title, date, "Venez nombreux.", summary='"Une soirée pour comprendre."', event=event, **fields)


def built(make_site: SiteMaker, tmp_path: Path, files: dict[str, str], *, now: datetime = NOW,
          output: str = "out") -> Path:
    shutil.rmtree(tmp_path / "site" / "posts", ignore_errors=True)  # make_site writes into one folder
    site = make_site(files)
    build(site, output=tmp_path / output, now=now, workers=1)
    return tmp_path / output


def calendar(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# -- the calendar files ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end", "offset"), [
    # Published in winter time (November), held after the last Sunday of March: summer time, UTC+2.
    ("2027-03-28 18:30", "2027-03-28 20:00", 2),
    ("2027-04-08 18:30", "2027-04-08 20:00", 2),
    # Held after the last Sunday of October: winter time again, UTC+1.
    ("2027-10-31 18:30", "2027-10-31 20:00", 1),
    # Across the night of the change to summer time (02:00 becomes 03:00).
    ("2027-03-27 22:00", "2027-03-28 04:00", None),
])
def test_event_times_read_right_by_a_client_across_daylight_saving(make_site: SiteMaker, tmp_path: Path,
                                                                  start: str, end: str, offset: int | None) -> None:
    out = built(make_site, tmp_path, {"posts/news/a.md": event_post(f"{{start: {start}, end: {end}}}" + "", )
                                      .replace("event: {", "event: {location: Auditoire, ")})
    cal = calendar(out / "actualites/une-conference/une-conference.ics")
    (entry,) = cal.events
    expected_start = datetime.fromisoformat(start).replace(tzinfo=ZURICH)
    expected_end = datetime.fromisoformat(end).replace(tzinfo=ZURICH)
    # What icalendar reads, with the zone named by TZID.
    assert entry.get("dtstart").params["TZID"] == "Europe/Zurich"
    assert utc(entry.decoded("dtstart")) == utc(expected_start)
    assert utc(entry.decoded("dtend")) == utc(expected_end)
    if offset is not None:
        assert entry.decoded("dtstart").utcoffset() == timedelta(hours=offset)
    # What a client without the zone database reads: the file's own VTIMEZONE.
    (zone,) = cal.timezones
    own = zone.to_tz(lookup_tzid=False)
    for key, expected in (("dtstart", expected_start), ("dtend", expected_end)):
        local = entry.decoded(key).replace(tzinfo=None)
        assert utc(local.replace(tzinfo=own)) == utc(expected), key


def test_an_event_file_follows_rfc_5545(make_site: SiteMaker, tmp_path: Path) -> None:
    out = built(make_site, tmp_path, {"posts/news/a.md": event_post(
        "\n  start: 2027-04-08 18:30\n  end: 2027-04-08 20:00" + PLACE
        + "\n  online: https://live.example/conference")})
    raw = (out / "actualites/une-conference/une-conference.ics").read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "lines are folded at 75 octets"
    cal = calendar(out / "actualites/une-conference/une-conference.ics")
    assert (str(cal["version"]), str(cal["method"])) == ("2.0", "PUBLISH") and "prodid" in cal
    (entry,) = cal.events
    assert str(entry["uid"]) == f"2026-11-10-posts/news/a.md@{HOST}"
    assert entry.decoded("dtstamp") == datetime(2026, 11, 10, 8, 0, tzinfo=UTC)  # the post's date, never "now"
    assert entry.decoded("sequence") == 0
    assert str(entry["status"]) == "CONFIRMED"
    assert str(entry["summary"]) == "Une conférence"
    assert str(entry["location"]) == "Auditoire, Route de l\u2019Hôpital 12, 1700 Val-Clair"
    assert str(entry["url"]) == f"https://{HOST}/actualites/une-conference/"
    assert "https://live.example/conference" in str(entry["description"])


def test_an_all_day_event_is_dated_and_ends_the_day_after(make_site: SiteMaker, tmp_path: Path) -> None:
    out = built(make_site, tmp_path, {"posts/news/a.md": event_post("{start: 2027-05-22, end: 2027-05-23, "
                                                                    "location: Hall}")})
    cal = calendar(out / "actualites/une-conference/une-conference.ics")
    (entry,) = cal.events
    assert entry.decoded("dtstart") == date(2027, 5, 22) and entry.decoded("dtend") == date(2027, 5, 24)
    assert entry.get("dtstart").params["VALUE"] == "DATE"
    assert cal.timezones == [], "dates need no time zone"


def test_a_changed_event_keeps_its_uid_and_raises_its_sequence(make_site: SiteMaker, tmp_path: Path) -> None:
    first = built(make_site, tmp_path, {"posts/news/a.md": event_post("\n  start: 2027-04-08 18:30" + PLACE)})
    ics = "actualites/une-conference/une-conference.ics"
    before = calendar(first / ics).events[0]
    out = built(make_site, tmp_path, {"posts/news/a.md": event_post(
        "\n  start: 2027-04-15 18:30" + PLACE + "\n  status: postponed", updated="2026-11-20 14:30")}, output="o2")
    after = calendar(out / ics).events[0]
    assert str(after["uid"]) == str(before["uid"])
    assert after.decoded("sequence") == 10 * 24 * 60 + 5 * 60 + 30 > before.decoded("sequence")
    assert after.decoded("dtstamp") == datetime(2026, 11, 20, 13, 30, tzinfo=UTC)
    assert str(after["status"]) == "TENTATIVE" and str(after["summary"]) == "Reporté – Une conférence"
    out = built(make_site, tmp_path, {"posts/news/a.md": event_post(
        "\n  start: 2027-04-15 18:30" + PLACE + "\n  status: cancelled", updated="2026-11-21 08:00")}, output="o3")
    cancelled = calendar(out / ics).events[0]
    assert str(cancelled["status"]) == "CANCELLED" and str(cancelled["summary"]) == "Annulé – Une conférence"
    assert cancelled.decoded("sequence") > after.decoded("sequence")


def test_unchanged_calendar_files_keep_their_bytes(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/a.md": event_post("\n  start: 2027-04-08 18:30" + PLACE),
                      "posts/news/b.md": post("Autre", "2026-10-01")})
    build(site, output=tmp_path / "out", now=NOW, workers=1)
    files = {name: (tmp_path / "out" / name).read_bytes()
             for name in ("agenda.ics", "actualites/une-conference/une-conference.ics")}
    (site / "posts/news/b.md").write_text(post("Autre titre", "2026-10-01"))
    report = build(site, output=tmp_path / "out", now=NOW + timedelta(hours=3), workers=1)
    assert not set(files) & set(report.write.written)
    build(site, output=tmp_path / "clean", now=NOW + timedelta(days=2), workers=1, use_cache=False)
    assert files == {name: (tmp_path / "clean" / name).read_bytes() for name in files}


def test_the_agenda_calendar_holds_the_upcoming_events(make_site: SiteMaker, tmp_path: Path) -> None:
    out = built(make_site, tmp_path, {
        "posts/news/soon.md": event_post("\n  start: 2026-12-01 18:30" + PLACE, title="Bientôt"),
        "posts/news/later.md": event_post("\n  start: 2027-06-01 18:30" + PLACE + "\n  status: cancelled",
                                          title="Plus tard", updated="2026-11-15"),
        "posts/news/gone.md": event_post("\n  start: 2026-10-01 18:30" + PLACE, title="Passé",
                                         date="2026-09-01"),
    })
    cal = calendar(out / "agenda.ics")
    assert [str(entry["summary"]) for entry in cal.events] == ["Bientôt", "Annulé – Plus tard"]
    assert str(cal["x-wr-calname"]) == "Blog de test – Agenda"
    assert cal.get("refresh-interval").params["VALUE"] == "DURATION"
    assert str(cal["source"]) == f"https://{HOST}/agenda.ics"
    (zone,) = cal.timezones
    assert str(zone["tzid"]) == "Europe/Zurich"
    # Once every event is over, the calendar is empty but still valid: it keeps its time zone.
    cal = calendar(built(make_site, tmp_path, {"posts/news/gone.md": event_post(
        "\n  start: 2026-10-01 18:30" + PLACE, title="Passé", date="2026-09-01")}, output="o2") / "agenda.ics")
    assert cal.events == [] and len(cal.timezones) == 1
    page = (out / "agenda/index.html").read_text()
    assert f'href="webcal://{HOST}/agenda.ics"' in page and 'type="text/calendar"' in page


# -- JSON-LD -----------------------------------------------------------------------------------------------------


def event_node(page: Path) -> dict[str, Any]:
    tree = lxml.html.parse(str(page)).getroot()
    (script,) = tree.xpath("//script[@type='application/ld+json']")
    graph = json.loads(script.text)["@graph"]
    (article,) = [node for node in graph if node["@type"] == "BlogPosting"]
    (event,) = [node for node in graph if node["@type"] == "Event"]
    assert article["about"] == {"@id": event["@id"]}
    return event


def test_event_json_ld_has_what_search_engines_read(make_site: SiteMaker, tmp_path: Path) -> None:
    out = built(make_site, tmp_path, {"posts/news/a.md": event_post(
        "\n  start: 2027-04-08 18:30\n  end: 2027-04-08 20:00" + PLACE + "\n  price: CHF 15.– par personne"
        "\n  registration: https://hopital.example/inscription")})
    event = event_node(out / "actualites/une-conference/index.html")
    assert event["name"] == "Une conférence"
    assert event["startDate"] == "2027-04-08T18:30:00+02:00" and event["endDate"] == "2027-04-08T20:00:00+02:00"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert event["location"] == {"@type": "Place", "name": "Auditoire", "address": {
        "@type": "PostalAddress", "streetAddress": "Route de l\u2019Hôpital 12", "postalCode": "1700",
        "addressLocality": "Val-Clair", "addressCountry": "CH"}}
    assert event["organizer"] == {"@type": "Organization", "@id": f"https://{HOST}/#organization",
                                  "name": "Hôpital de Test"}
    assert event["offers"] == {"@type": "Offer", "url": "https://hopital.example/inscription", "price": "15",
                               "priceCurrency": "CHF", "description": "CHF 15.– par personne"}
    assert "isAccessibleForFree" not in event
    assert event["image"][0] == f"https://{HOST}/cards/actualites/une-conference-og.jpg"


@pytest.mark.parametrize(("block", "status", "mode", "places"), [
    ("\n  start: 2027-04-08 18:30" + PLACE + "\n  online: https://live.example/a", "EventScheduled",
     "MixedEventAttendanceMode", ["Place", "VirtualLocation"]),
    ("\n  start: 2027-04-08 18:30\n  online: https://live.example/a", "EventScheduled", "OnlineEventAttendanceMode",
     ["VirtualLocation"]),
    ("\n  start: 2027-04-08 18:30" + PLACE + "\n  online: https://live.example/a\n  status: online",
     "EventMovedOnline", "OnlineEventAttendanceMode", ["VirtualLocation"]),
    ("\n  start: 2027-04-08 18:30" + PLACE + "\n  status: cancelled", "EventCancelled",
     "OfflineEventAttendanceMode", ["Place"]),
    ("\n  start: 2027-04-08 18:30" + PLACE + "\n  status: postponed", "EventPostponed",
     "OfflineEventAttendanceMode", ["Place"]),
])
def test_event_json_ld_status_and_attendance(make_site: SiteMaker, tmp_path: Path, block: str, status: str,
                                             mode: str, places: list[str]) -> None:
    out = built(make_site, tmp_path, {"posts/news/a.md": event_post(block, updated="2026-11-15")})
    event = event_node(out / "actualites/une-conference/index.html")
    assert event["eventStatus"] == "https://schema.org/" + status
    assert event["eventAttendanceMode"] == "https://schema.org/" + mode
    location = event["location"] if isinstance(event["location"], list) else [event["location"]]
    assert [node["@type"] for node in location] == places
    assert all(node["url"] == "https://live.example/a" for node in location if node["@type"] == "VirtualLocation")
    # Free, without registration: no offer, but said free.
    assert "offers" not in event and event["isAccessibleForFree"] is True


def test_free_event_with_registration_offers_it_at_no_cost(make_site: SiteMaker, tmp_path: Path) -> None:
    out = built(make_site, tmp_path, {"posts/news/a.md": event_post(
        "{start: 2027-05-22, location: Hall, registration: inscription@hopital.example}")})
    event = event_node(out / "actualites/une-conference/index.html")
    assert event["startDate"] == "2027-05-22" and event["endDate"] == "2027-05-22"
    assert event["offers"] == {"@type": "Offer", "url": f"https://{HOST}/actualites/une-conference/",
                               "price": "0", "priceCurrency": "CHF"}
    assert event["isAccessibleForFree"] is True


# -- share cards and the social kit --------------------------------------------------------------------------------


def parsed(make_site: SiteMaker, files: dict[str, str]) -> tuple[SiteConfig, list[Post]]:
    site = make_site(files)
    config = load_config(site)
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    assert not errors
    return config, sorted(posts, key=lambda item: item.relative)


def test_an_event_card_shows_its_date_and_place_under_the_title(make_site: SiteMaker) -> None:
    config, (german, french) = parsed(make_site, {
        "posts/news/a.md": event_post("\n  start: 2027-04-08 18:30\n  end: 2027-04-08 20:00" + PLACE, lang="de"),
        "posts/news/b.md": event_post("\n  start: 2027-03-01" + PLACE + "\n  status: cancelled", title="Annulée",
                                      updated="2026-11-15"),
    })
    theme = load_theme(config)
    settings = cards.load_card_settings([builtin_theme_dir()])
    specs = cards.post_card_specs(german, config, static_lookup=theme.static_file)
    # In the post's language (German here), dates by Babel.
    assert specs["og"].details == ("Donnerstag, 8. April 2027, 18:30–20:00 Uhr", "Auditoire")
    assert cards.post_card_specs(french, config, static_lookup=theme.static_file)["og"].details == (
        "Annulé – lundi 1er mars 2027", "Auditoire")
    for size in cards.CARD_SIZES:
        layout = cards.layout_card(specs[size], settings)
        assert " ".join(layout.detail_lines) == " ".join(specs[size].details), size
        title_bottom = max(box[3] for box in layout.line_boxes)
        for box in layout.detail_boxes:
            assert box[0] >= 0 and box[2] <= layout.width, size
            assert title_bottom < box[1] and box[3] < layout.footer_box[1], size
    # The details are part of the card's key and of its alternative text.
    plain = cards.CardSpec(**{**specs["og"].__dict__, "details": ()})
    assert cards.card_key(plain, settings) != cards.card_key(specs["og"], settings)
    (og,) = cards.post_share_images(german, config, settings, image_sizes={})
    assert "Donnerstag, 8. April 2027" in og.alt and "Auditoire" in og.alt


def test_kit_texts_give_the_date_and_place_and_the_schedule_reminds(make_site: SiteMaker) -> None:
    config, (event, plain) = parsed(make_site, {
        "posts/news/a.md": event_post("\n  start: 2027-04-08 18:30\n  end: 2027-04-08 20:00" + PLACE),
        "posts/news/b.md": post("Sans événement", "2026-10-01"),
    })
    url = f"https://{HOST}/actualites/une-conference/"
    for network in ("facebook", "linkedin", "x", "instagram", "whatsapp"):
        text = compose(event, network, url, config)
        assert "jeudi 8 avril 2027, 18:30\u2009–\u200920:00" in text, network
        assert "Auditoire, Route de l\u2019Hôpital 12, 1700 Val-Clair" in text or network == "x", network
    rows = schedule_rows([event, plain], config, "facebook")
    assert [when for when, _text, _link in rows] == ["10/11/2026 09:00", "01/04/2027 09:00", "07/04/2027 09:00",
                                                    "01/10/2026 00:00"]
    assert rows[1][1].startswith("Dans une semaine\u202f: Une conférence – jeudi 8 avril 2027")
    assert rows[2][1].startswith("Demain\u202f: Une conférence")
    assert all(link.startswith(url + "?utm_source=facebook") for _when, _text, link in rows[:3])


def test_no_reminder_for_a_cancelled_event_or_before_the_announcement(make_site: SiteMaker, tmp_path: Path) -> None:
    config, (cancelled, late) = parsed(make_site, {
        "posts/news/a.md": event_post("\n  start: 2027-04-08 18:30" + PLACE + "\n  status: cancelled",
                                      updated="2026-11-15"),
        # Announced five days before: only the reminder of the day before.
        "posts/news/b.md": event_post("\n  start: 2026-11-15 18:30" + PLACE, title="Tardive", date="2026-11-10"),
    })
    assert [when for when, _text, _link in schedule_rows([cancelled], config, "x")] == ["10/11/2026 09:00"]
    assert [when for when, _text, _link in schedule_rows([late], config, "x")] == ["10/11/2026 00:00",
                                                                                   "14/11/2026 09:00"]
    site = make_site({"posts/news/b.md": event_post("\n  start: 2027-04-08 18:30" + PLACE)})
    (site / "posts/news/a.md").unlink()
    kit = make_kit(site, output=tmp_path / "kit", now=NOW)
    rows = list(csv.reader(io.StringIO((kit.output_dir / "schedule-linkedin.csv").read_text("utf-8"))))
    assert len(rows) == 3
