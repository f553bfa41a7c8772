"""Job offers: a post's `job:` block, read and checked field by field, the content rules about offers, and the moment
an offer closes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from hospiblog.build import parse_all
from hospiblog.checks import next_change
from hospiblog.config import load_config
from hospiblog.content.discover import discover
from hospiblog.errors import BuildFailed, ContentError, HospiblogError
from hospiblog.model import JobOffer, Post, Salary
from hospiblog.schedule import next_site_change
from tests.conftest import NOW, SiteMaker, post
from tests.test_checks import article, check, found

OFFER = """
  title: "Infirmier·ère en soins intensifs"
  service: Unité de soins intensifs
  employment: [plein temps, Temps partiel]
  rate: 80–100 %
  salary:
    min: 6'350
    max: 8900
    unit: mois
  start: 2027-03-01
  closes: 2026-11-30
  apply: https://emplois.test.example/postuler?offre=14
  contact: Sophie Rey, 026 000 00 41"""
"""An open offer on NOW (2026-11-22), closing on the last day of November."""


def offer_post(offer: str = OFFER, *, title: str = "Infirmier·ère en soins intensifs 80–100 %",
               date: str = "2026-11-10", body: str = "Rejoignez une équipe **soudée**.", **fields: str) -> str:
    return post(title, date, body, summary='"Une unité de huit lits cherche du renfort."', author="cmartin",
                tags="[emploi, soins intensifs]", job=offer, **fields)


def parsed(make_site: SiteMaker, text: str) -> Post:
    site = make_site({"posts/news/offre.md": text})
    config = load_config(site)
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    if errors:
        raise errors[0]
    return posts[0]


def problems(make_site: SiteMaker, text: str) -> list[tuple[int | None, str, str]]:
    """(line, message, hint) of each problem the parse finds in the post."""
    try:
        parsed(make_site, text)
    except BuildFailed as failure:
        errors: list[HospiblogError] = list(failure.errors)
    except ContentError as error:
        errors = [error]
    else:
        return []
    return [(error.location.line if error.location else None, error.message, error.hint or "") for error in errors]


# -- the block ----------------------------------------------------------------------------------------------------


def test_the_block_is_read_into_schema_org_words(make_site: SiteMaker) -> None:
    job = parsed(make_site, offer_post()).meta.job
    assert job == JobOffer(
        title="Infirmier·ère en soins intensifs", service="Unité de soins intensifs",
        employment=("FULL_TIME", "PART_TIME"), rate="80–100\u00a0%", salary=Salary(6350, 8900, "month", "CHF"),
        start=date(2027, 3, 1), closes=date(2026, 11, 30), apply="https://emplois.test.example/postuler?offre=14",
        contact="Sophie Rey, 026 000 00 41")
    assert job.ends_on == date(2026, 12, 1) and not job.closed(date(2026, 11, 30)) and job.closed(date(2026, 12, 1))


@pytest.mark.parametrize(("written", "expected"), [
    ("employment: stage", {"employment": ("INTERN",)}),
    ("employment: [Full-time, PER_DIEM, sur appel, durée déterminée]",
     {"employment": ("FULL_TIME", "PER_DIEM", "TEMPORARY")}),
    ("apply: mailto:rh@hopital.test.example", {"apply": "rh@hopital.test.example"}),
    ("start: à convenir", {"start": None, "start_text": "à convenir"}),
    ("salary: {max: 42.50, unit: heure, currency: eur}", {"salary": Salary(None, 42.5, "hour", "EUR")}),
    ("salary: {min: 85 000, unit: Jahr}", {"salary": Salary(85000, None, "year", "CHF")}),
])
def test_the_words_editors_write(make_site: SiteMaker, written: str, expected: dict[str, object]) -> None:
    job = parsed(make_site, offer_post(f"\n  title: Stagiaire\n  {written}")).meta.job
    assert job is not None
    assert {key: getattr(job, key) for key in expected} == expected


def test_each_problem_names_its_key_at_its_line(make_site: SiteMaker) -> None:
    text = offer_post("""
  service: [a, b]
  employment: [plein temps, mi-journée]
  salaire: 1
  salary:
    min: 6k
    unit: semaine
    currency: francs
  closes: fin janvier
  apply: javascript:alert(1)""")
    found_problems = problems(make_site, text)
    assert [(line, message.split(":")[0]) for line, message, _hint in found_problems] == [
        (10, "job.salaire"), (7, "job.title"), (8, "job.service"), (9, "job.employment"), (12, "job.salary.min"),
        (13, "job.salary.unit"), (14, "job.salary.currency"), (15, "job.closes"), (16, "job.apply")]
    hints = dict((message.split(":")[0], hint) for _line, message, hint in found_problems)
    assert hints["job.salaire"] == "did you mean 'salary'?"
    assert "plein temps / full-time" in hints["job.employment"] and "PER_DIEM" in hints["job.employment"]
    assert "`closes: 2027-01-31`" in hints["job.closes"]
    assert "`unit: year`, `unit: month` or `unit: hour`" in hints["job.salary.unit"]


def test_a_block_on_one_line_reports_at_its_line(make_site: SiteMaker) -> None:
    [(line, message, _hint)] = problems(make_site, offer_post("{title: Physio, closes: bientôt}"))
    assert (line, message) == (7, "job.closes: 'bientôt' is not a date")
    [(line, message, hint)] = problems(make_site, offer_post("Physiothérapeute"))
    assert line == 7 and message.startswith("'job' must be a block") and "indented" in hint


def test_a_salary_without_unit_or_amount(make_site: SiteMaker) -> None:
    found_problems = problems(make_site, offer_post("\n  title: Physio\n  salary:\n    currency: CHF"))
    assert [message for _line, message, _hint in found_problems] == [
        "job.salary: give `min:`, `max:` or both", "job.salary.unit: missing: is the salary per year, month or hour?"]


# -- the rules ------------------------------------------------------------------------------------------------------


def rule_findings(make_site: SiteMaker, offer: str, rule: str) -> list[tuple[Any, ...]]:
    return found(check(make_site, {"posts/news/offre.md": article(job=offer)}), rule)


@pytest.mark.parametrize(("rule", "triggering", "passing"), [
    ("job-apply-missing", "{title: Physio, closes: 2026-12-31, salary: {min: 1, unit: month}}",
     "{title: Physio, closes: 2026-12-31, salary: {min: 1, unit: month}, apply: rh@test.example}"),
    ("job-salary-missing", "{title: Physio, closes: 2026-12-31, apply: rh@test.example}",
     "{title: Physio, closes: 2026-12-31, apply: rh@test.example, salary: {min: 1, unit: month}}"),
    ("job-salary-range", "{title: Physio, closes: 2026-12-31, apply: rh@test.example, "
                         "salary: {min: 9000, max: 6000, unit: month}}",
     "{title: Physio, closes: 2026-12-31, apply: rh@test.example, salary: {min: 6000, max: 9000, unit: month}}"),
    ("job-closes-missing", "{title: Physio, apply: rh@test.example, salary: {min: 1, unit: month}}",
     "{title: Physio, closes: 2026-12-31, apply: rh@test.example, salary: {min: 1, unit: month}}"),
    # Closed on 2026-10-22, 31 days before NOW; closed 30 days before, it is fine.
    ("job-closed", "{title: Physio, closes: 2026-10-22, apply: rh@test.example, salary: {min: 1, unit: month}}",
     "{title: Physio, closes: 2026-10-23, apply: rh@test.example, salary: {min: 1, unit: month}}"),
])
def test_each_rule_has_a_triggering_and_a_passing_file(make_site: SiteMaker, rule: str, triggering: str,
                                                       passing: str) -> None:
    findings = rule_findings(make_site, triggering, rule)
    assert findings == [("offre.md", 5, "error" if rule in ("job-apply-missing", "job-salary-range") else "warning",
                         rule)]
    assert rule_findings(make_site, passing, rule) == []
    assert found(check(make_site, {"posts/news/offre.md": article(job=passing)})) == []


def test_a_closed_offer_needs_neither_salary_nor_address(make_site: SiteMaker) -> None:
    findings = found(check(make_site, {"posts/news/offre.md": article(job="{title: Physio, closes: 2026-11-20}")}))
    assert findings == []


def test_a_rule_points_at_the_nested_key(make_site: SiteMaker) -> None:
    offer = "\n  title: Physio\n  apply: rh@test.example\n  closes: 2026-12-31\n  salary:\n    max: 1\n    min: 2\n" \
            "    unit: month"
    assert rule_findings(make_site, offer, "job-salary-range") == [("offre.md", 11, "error", "job-salary-range")]
    assert rule_findings(make_site, offer.replace("2026-12-31", "2026-09-01"), "job-closed") == [
        ("offre.md", 8, "warning", "job-closed")]


def test_the_days_the_rules_and_the_site_change(make_site: SiteMaker) -> None:
    site = make_site({"posts/news/offre.md": offer_post()})
    config = load_config(site)
    posts, _errors = parse_all(discover(config), config, cache=None, workers=1)
    change = next_site_change(posts, config, now=NOW)
    assert change is not None and change.what == "the job offer posts/news/offre.md closes"
    assert change.moment == datetime(2026, 12, 1, tzinfo=config.zone)
    assert next_change(posts, config, today=date(2026, 12, 1)) == datetime(2026, 12, 31, tzinfo=config.zone)
