"""Events (front matter `event:`): the block as read, its errors, the content rules, and time moving events from
the agenda's upcoming list to its past one with no file changing."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from hospiblog.build import build, parse_all
from hospiblog.checks import Finding, run_checks
from hospiblog.config import load_config
from hospiblog.content.discover import discover
from hospiblog.errors import BuildFailed, HospiblogError, flatten
from hospiblog.model import Event, Place, Post
from hospiblog.theme import load_theme
from tests.conftest import NOW, SITE_TOML, SiteMaker, post

ZURICH = ZoneInfo("Europe/Zurich")
EVENT = """
  start: 2027-04-08 18:30
  end: 2027-04-08 20:00
  location:
    name: "Auditoire : bâtiment A"
    address: "Route de l'Hôpital 12, 1700 Val-Clair"
  online: https://live.hopital.example/conference
  registration: inscription@hopital.example
  price: "CHF 10.– ; gratuit pour les enfants"
  status: scheduled"""
"""A full event block, as written under `event:` (each key on its line: lines 6 to 14 of the file)."""


def parsed(make_site: SiteMaker, text: str) -> Post:
    site = make_site({"posts/news/a.md": text})
    config = load_config(site)
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    if errors:
        raise errors[0]
    return posts[0]


def problems(make_site: SiteMaker, text: str) -> list[HospiblogError]:
    with pytest.raises(HospiblogError) as raised:
        parsed(make_site, text)
    error = raised.value
    return flatten(error.errors) if isinstance(error, BuildFailed) else [error]


def event_post(event: str, title: str = "Une conférence", date: str = "2026-11-10", **fields: str) -> str:
    return post(title, date, "Venez nombreux.", summary='"Une soirée."', event=event, **fields)


# -- the block as read -----------------------------------------------------------------------------------------------


def test_an_event_block_is_read_with_local_times_of_the_site(make_site: SiteMaker) -> None:
    meta = parsed(make_site, event_post(EVENT)).meta
    assert meta.event == Event(
        start=datetime(2027, 4, 8, 18, 30, tzinfo=ZURICH),
        end=datetime(2027, 4, 8, 20, 0, tzinfo=ZURICH),
        location=Place("Auditoire\u202f: bâtiment A", "Route de l\u2019Hôpital 12, 1700 Val-Clair"),
        online="https://live.hopital.example/conference",
        registration="inscription@hopital.example",
        price="CHF 10.–\u202f; gratuit pour les enfants",
        status="scheduled",
    )
    assert meta.event.start.utcoffset() == timedelta(hours=2)  # summer time in April
    # Each key of the block keeps its line (the file's line 1 is the opening ---).
    assert meta.line_of("event") == 5
    assert meta.line_of("event.end") == 7
    assert meta.line_of("event.location.address") == 10
    assert meta.line_of("event.status") == 14


def test_an_all_day_event_is_over_at_the_midnight_after_its_last_day(make_site: SiteMaker) -> None:
    # The last Sunday of March 2027 is the 28th: the event spans the change to summer time.
    event = parsed(make_site, event_post("{start: 2027-03-27, end: 2027-03-28, location: Hall}")).meta.event
    assert event is not None and event.all_day
    assert event.ends_at == datetime(2027, 3, 29, 0, 0, tzinfo=ZURICH)
    assert event.ends_at.utcoffset() == timedelta(hours=2)
    assert event.upcoming(datetime(2027, 3, 28, 21, 59, tzinfo=UTC))  # 23:59 on its last day
    assert not event.upcoming(datetime(2027, 3, 28, 22, 0, tzinfo=UTC))
    assert event.location == Place("Hall")


def test_an_event_without_end_is_over_when_it_starts(make_site: SiteMaker) -> None:
    event = parsed(make_site, event_post("{start: 2027-04-08 18:30, online: https://a.example/}")).meta.event
    assert event is not None and event.end is None and event.ends_at == event.start
    assert event.status == "scheduled" and event.price == "" and event.registration == ""


@pytest.mark.parametrize(("event", "line", "message", "hint"), [
    # (the block, the line the error is reported at, words of the message, words of the hint)
    ("\n  start: 2027-04-08 18:30\n  end: demain soir\n  location: Hall", 7, "event.end: not a valid date",
     "end: 2027-04-08 20:00"),
    ("\n  end: 2027-04-08 20:00\n  location: Hall", 5, "event.start: missing", "start: 2027-04-08 18:30"),
    ("\n  start: 2027-04-08\n  end: 2027-04-09 12:00\n  location: Hall", 7,
     "event.end: give start and end both as dates", "end: 2027-04-09"),
    ("\n  start: 2027-04-08 18:30\n  lieu: Hall", 7, "event.lieu: unknown field", "did you mean 'location'?"),
    ("\n  start: 2027-04-08 18:30\n  location:\n    nom: Hall", 8, "event.location.nom: unknown field",
     "did you mean 'name'?"),
    ("\n  start: 2027-04-08 18:30\n  location:\n    address: Rue 1", 7, "event.location.name: missing",
     "name:"),
    ("\n  start: 2027-04-08 18:30\n  online: javascript:alert(1)", 7, "event.online: must be the web address",
     "online: https://"),
    ("\n  start: 2027-04-08 18:30\n  location: Hall\n  status: annulé", 8, "event.status: 'annulé' is not a status",
     "did you mean 'cancelled'?"),
    ("\n  start: 2027-04-08 18:30\n  location: Hall\n  price: [10, 20]", 8, "event.price: must be text",
     "price:"),
    ("{start: 2027-04-08 18:30, end: jamais, location: Hall}", 5, "event.end: not a valid date", "end:"),
    ("2027-04-08", 5, "'event' must be a group of fields", "start: 2027-04-08 18:30"),
])
def test_errors_name_the_key_its_line_and_how_to_fix(make_site: SiteMaker, event: str, line: int, message: str,
                                                     hint: str) -> None:
    errors = problems(make_site, event_post(event))
    assert all(error.message.startswith(("event.", "'event'")) for error in errors), [e.format() for e in errors]
    (error,) = [error for error in errors if message in error.message]
    assert error.location is not None and error.location.path.name == "a.md"
    assert (error.location.line, message in error.message, hint in (error.hint or "")) == (line, True, True), (
        error.format())


# -- the content rules ---------------------------------------------------------------------------------------------


def check(make_site: SiteMaker, text: str) -> list[Finding]:
    site = make_site({"posts/news/a.md": text})
    config = load_config(site)
    config = replace(config, checks=replace(config.checks, rules={"image-too-small": "off"}))
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    return run_checks(posts, config, static_lookup=load_theme(config).static_file, today=NOW.date(),
                      unparsed=errors).findings


def found(findings: list[Finding], rule: str) -> list[tuple[int | None, str]]:
    return [(finding.location.line if finding.location else None, finding.level)
            for finding in findings if finding.rule == rule]


PLACE = "\n  location: Hall"


@pytest.mark.parametrize(("rule", "triggering", "passing", "line", "level"), [
    ("event-dates", event_post("\n  start: 2027-04-08 18:30\n  end: 2027-04-08 17:00" + PLACE),
     event_post("\n  start: 2027-04-08 18:30\n  end: 2027-04-08 20:00" + PLACE), 7, "error"),
    ("event-dates", event_post("\n  start: 2027-04-09\n  end: 2027-04-08" + PLACE),
     event_post("\n  start: 2027-04-08\n  end: 2027-04-08" + PLACE), 7, "error"),
    ("event-place", event_post("\n  start: 2027-04-08 18:30\n  price: CHF 5"),
     event_post("\n  start: 2027-04-08 18:30\n  online: https://live.example/a"), 5, "error"),
    ("event-place", event_post("\n  start: 2027-04-08 18:30" + PLACE + "\n  status: online"),
     event_post("\n  start: 2027-04-08 18:30" + PLACE + "\n  online: https://live.example/a\n  status: online"),
     8, "error"),
    ("event-registration", event_post("\n  start: 2027-04-08 18:30" + PLACE + "\n  registration: au guichet"),
     event_post("\n  start: 2027-04-08 18:30" + PLACE + "\n  registration: https://hopital.example/inscription"),
     8, "error"),
    ("event-registration", event_post("\n  start: 2027-04-08 18:30" + PLACE + "\n  registration: info@hopital"),
     event_post("\n  start: 2027-04-08 18:30" + PLACE + "\n  registration: mailto:info@hopital.example"),
     8, "error"),
    ("event-past", event_post("\n  start: 2026-11-05 18:30\n  end: 2026-11-05 20:00" + PLACE, date="2026-11-06"),
     event_post("\n  start: 2026-11-05 18:30\n  end: 2026-11-05 20:00" + PLACE, date="2026-10-20"), 3, "warning"),
    ("event-past", event_post("\n  start: 2026-11-05" + PLACE, date="2026-11-06"),
     event_post("\n  start: 2026-11-05" + PLACE, date="2026-11-05 08:00"), 3, "warning"),
    ("event-updated", event_post("\n  start: 2027-04-08 18:30" + PLACE + "\n  status: cancelled"),
     event_post("\n  start: 2027-04-08 18:30" + PLACE + "\n  status: cancelled", updated="2026-11-15 10:00"),
     8, "warning"),
    ("event-updated", event_post("\n  start: 2027-04-08 18:30" + PLACE + "\n  status: postponed"),
     event_post("\n  start: 2027-04-08 18:30" + PLACE + "\n  status: postponed", updated="2026-11-15"),
     8, "warning"),
])
def test_each_event_rule_has_a_triggering_and_a_passing_file(make_site: SiteMaker, rule: str, triggering: str,
                                                             passing: str, line: int, level: str) -> None:
    assert found(check(make_site, triggering), rule) == [(line, level)]
    findings = check(make_site, passing)
    assert [finding.format() for finding in findings] == []


def test_an_event_rule_message_names_the_key_and_says_how_to_fix(make_site: SiteMaker) -> None:
    (finding,) = check(make_site, event_post("\n  start: 2027-04-08 18:30\n  end: 2027-04-08 17:00" + PLACE))
    assert finding.message.startswith("event.end: the event ends on 2027-04-08 17:00, before it starts")
    assert finding.hint is not None and "`end:`" in finding.hint


def test_event_rules_can_be_turned_off_and_the_page_still_builds(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/a.md": event_post("\n  start: 2027-04-08 18:30\n  end: 2027-04-08 17:00"
                                                    "\n  registration: au guichet")},
                     SITE_TOML + '\n[checks.rules]\nevent-dates = "off"\nevent-place = "off"\n'
                                 'event-registration = "off"\n')
    build(site, output=tmp_path / "out", now=NOW, workers=1)
    page = (tmp_path / "out/actualites/une-conference/index.html").read_text()
    box = lxml.html.fromstring(page).xpath("//section[contains(@class, 'event-box')]")[0]
    # No end before the start is shown, and a registration that is no address is not a link.
    assert "jeudi 8 avril 2027, 18:30" in box.text_content() and "17:00" not in box.text_content()
    assert "au guichet" in box.text_content() and not box.xpath(".//a[contains(., 'guichet')]")


# -- time moves events, with no file changing -------------------------------------------------------------------------


def words(element: lxml.html.HtmlElement) -> str:
    """The element's text pieces joined by a space (a <br> too); a narrow no-break space stays one."""
    return " ".join(re.sub(r"[ \t\n]+", " ", piece).strip() for piece in element.itertext() if piece.strip())


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def agenda_titles(output: Path, section: str) -> list[str]:
    page = lxml.html.parse(str(output / "agenda/index.html")).getroot()
    return [link.text_content() for link in page.xpath(f"//section[@aria-labelledby='{section}']//h3/a")]


def test_time_alone_moves_an_event_to_the_past(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({
        "posts/news/soon.md": event_post("\n  start: 2026-12-01 18:30\n  end: 2026-12-01 20:00" + PLACE,
                                         title="Bientôt"),
        "posts/news/later.md": event_post("\n  start: 2027-02-01" + PLACE, title="Plus tard"),
        "posts/news/gone.md": event_post("\n  start: 2026-10-01 18:30" + PLACE, title="Passé", date="2026-09-01"),
        "posts/news/plain.md": post("Sans événement", "2026-10-02"),
    })
    output = tmp_path / "out"
    first = build(site, output=output, now=NOW, workers=1)
    assert agenda_titles(output, "agenda-upcoming") == ["Bientôt", "Plus tard"]
    assert agenda_titles(output, "agenda-past") == ["Passé"]
    assert first.summary().endswith("next change by itself on 2026-12-01 20:00 (the event of posts/news/soon.md "
                                    "is over)")
    again = build(site, output=output, now=NOW + timedelta(days=8), workers=1)  # 2026-11-30, before the end
    assert again.write.written == [], "a no-op build before the event is over"

    after = NOW + timedelta(days=9, hours=8)  # 2026-12-01 20:00 in Zurich: the event is over
    report = build(site, output=output, now=after, workers=1)
    assert agenda_titles(output, "agenda-upcoming") == ["Plus tard"]
    assert agenda_titles(output, "agenda-past") == ["Bientôt", "Passé"]
    written = set(report.write.written)
    assert {"agenda/index.html", "agenda.ics", "actualites/bientot/index.html"} <= written
    assert "actualites/plus-tard/index.html" not in written and "actualites/bientot/bientot.ics" not in written
    soon = (output / "actualites/bientot/index.html").read_text()
    assert "Cet événement a eu lieu." in soon and "bientot.ics" not in soon
    # The same bytes as a clean build at that moment.
    build(site, output=tmp_path / "clean", now=after, workers=1, use_cache=False)
    assert files_of(output) == files_of(tmp_path / "clean")


def test_a_lone_event_moves_to_the_past_of_the_agenda_and_leaves_its_calendar(make_site: SiteMaker,
                                                                             tmp_path: Path) -> None:
    # The agenda lists the same one post before and after: only the split between upcoming and past changes.
    site = make_site({"posts/news/soon.md": event_post("\n  start: 2026-12-01" + PLACE, title="Bientôt")})
    output = tmp_path / "out"
    build(site, output=output, now=NOW, workers=1)
    assert agenda_titles(output, "agenda-upcoming") == ["Bientôt"]
    assert b"SUMMARY:Bient" in (output / "agenda.ics").read_bytes()
    after = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # the midnight after the all-day event, in Zurich
    build(site, output=output, now=after, workers=1)
    assert agenda_titles(output, "agenda-upcoming") == [] and agenda_titles(output, "agenda-past") == ["Bientôt"]
    assert b"BEGIN:VEVENT" not in (output / "agenda.ics").read_bytes()
    build(site, output=tmp_path / "clean", now=after, workers=1, use_cache=False)
    assert files_of(output) == files_of(tmp_path / "clean")


def test_a_site_without_events_has_no_agenda(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/plain.md": post("Sans événement", "2026-10-02")})
    build(site, output=tmp_path / "out", now=NOW, workers=1)
    assert not (tmp_path / "out/agenda").exists() and not (tmp_path / "out/agenda.ics").exists()
    assert "/agenda/" not in (tmp_path / "out/index.html").read_text()


def test_the_event_box_shows_when_where_registration_and_price(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/a.md": event_post(EVENT)})
    build(site, output=tmp_path / "out", now=NOW, workers=1)
    page = lxml.html.parse(str(tmp_path / "out/actualites/une-conference/index.html")).getroot()
    (box,) = page.xpath("//section[contains(@class, 'event-box')]")
    facts = {words(term): words(term.getnext()) for term in box.xpath(".//dt")}
    assert facts == {
        "Quand": "jeudi 8 avril 2027, 18:30\u2009–\u200920:00",  # Babel: thin spaces around the dash
        "Où": "Auditoire\u202f: bâtiment A Route de l\u2019Hôpital 12, 1700 Val-Clair Suivre en ligne",
        "Inscription": "inscription@hopital.example",
        "Prix": "CHF 10.–\u202f; gratuit pour les enfants",
    }
    assert box.xpath(".//a[@href='mailto:inscription@hopital.example']")
    assert box.xpath(".//a[@href='https://live.hopital.example/conference']")
    (add,) = box.xpath(".//a[@type='text/calendar']")
    assert add.text_content() == "Ajouter à mon agenda"
    assert add.get("href") == "/actualites/une-conference/une-conference.ics"
    # The box comes before the article's text.
    body = page.xpath("//div[contains(@class, 'post-body')]")[0]
    assert list(page.iter()).index(box) < list(page.iter()).index(body)


def test_a_cancelled_event_says_so_in_the_title_area_the_box_and_the_agenda(make_site: SiteMaker,
                                                                           tmp_path: Path) -> None:
    site = make_site({"posts/news/a.md": event_post(
        "\n  start: 2027-04-08 18:30" + PLACE + "\n  status: cancelled", updated="2026-11-15 10:00")})
    build(site, output=tmp_path / "out", now=NOW, workers=1)
    page = lxml.html.parse(str(tmp_path / "out/actualites/une-conference/index.html")).getroot()
    header = page.xpath("//header[contains(@class, 'post-header')]")[0]
    assert "Annulé" in header.xpath(".//p[contains(@class, 'card-kicker')]")[0].text_content()
    box = page.xpath("//section[contains(@class, 'event-box')]")[0]
    assert "Cet événement est annulé." in box.text_content()
    assert not box.xpath(".//a[@type='text/calendar']"), "no « add to my calendar » for a cancelled event"
    agenda = (tmp_path / "out/agenda/index.html").read_text()
    assert "status-cancelled" in agenda and "Annulé" in agenda


def test_the_box_speaks_the_site_language(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/a.md": event_post("{start: 2027-03-01 09:00, end: 2027-03-01 12:00, "
                                                    "location: Saal}")},
                     SITE_TOML.replace('base_url = "https://blog.test.example"',
                                       'base_url = "https://blog.test.example"\nlanguage = "de"'))
    build(site, output=tmp_path / "out", now=NOW, workers=1)
    page = lxml.html.parse(str(tmp_path / "out/actualites/une-conference/index.html")).getroot()
    text = words(page.xpath("//section[contains(@class, 'event-box')]")[0])
    assert "Wann Montag, 1. März 2027, 09:00–12:00 Uhr" in text and "In meinen Kalender eintragen" in text
    french = build(make_site({"posts/news/a.md": event_post("{start: 2027-03-01, location: Salle}")}),
                   output=tmp_path / "fr", now=NOW, workers=1)
    assert french.posts == 1
    assert "lundi 1er mars 2027" in (tmp_path / "fr/actualites/une-conference/index.html").read_text()
