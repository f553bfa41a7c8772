"""Job offers (a post's `job:` block): read and checked, shown with a button to apply, listed on the jobs page and
in its feed while open, and taken off by the first build after their closing date, without any file changing."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
import pytest

from hospiblog.build import BuildOptions, build, parse_all
from hospiblog.checks import next_change
from hospiblog.config import load_config
from hospiblog.content.discover import discover
from hospiblog.errors import BuildFailed, ContentError, HospiblogError
from hospiblog.kit import make_kit
from hospiblog.model import JobOffer, Post, Salary
from hospiblog.schedule import next_site_change
from hospiblog.serve import ServeSession
from hospiblog.social import NETWORK_LIMITS, compose, fits, one_line
from tests.conftest import NOW, REPO, SITE_TOML, SiteMaker, post
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
OPEN_URL = "actualites/infirmier-ere-en-soins-intensifs-80-100/index.html"
DAY_AFTER_CLOSING = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 December in Zurich
LAST_DAY = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)  # 23:30 on 30 November in Zurich: still open


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


def page(output: Path, relative: str) -> Any:
    return lxml.html.fromstring((output / relative).read_bytes())


def graph_types(tree: Any) -> list[str]:
    [script] = tree.xpath('//script[@type="application/ld+json"]')
    return [node["@type"] for node in json.loads(script.text)["@graph"]]


def job_posting(tree: Any) -> dict[str, Any]:
    [script] = tree.xpath('//script[@type="application/ld+json"]')
    [node] = [node for node in json.loads(script.text)["@graph"] if node["@type"] == "JobPosting"]
    return dict(node)


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


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


def test_the_documented_examples_are_read(make_site: SiteMaker) -> None:
    readme = (REPO / "README.md").read_text("utf-8").split("### Job offers", 1)[1]
    example = readme.split("```markdown\n", 1)[1].split("```", 1)[0]
    job = parsed(make_site, example).meta.job
    assert job is not None and job.salary == Salary(6350, 8900, "month", "CHF") and job.closes == date(2027, 1, 31)
    reference = (REPO / "docs/reference.md").read_text("utf-8").split("### Job offers", 1)[1]
    block = reference.split("```yaml\n", 1)[1].split("```", 1)[0]
    offer = parsed(make_site, f"---\ntitle: Offre\ndate: 2026-11-10\n{block}---\nTexte.\n").meta.job
    assert offer is not None and offer.employment == ("FULL_TIME", "PART_TIME") and offer.location.startswith("Centre")


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


# -- the site -------------------------------------------------------------------------------------------------------


def offers_site(make_site: SiteMaker) -> Path:
    closed = OFFER.replace("Infirmier·ère en soins intensifs", "Physiothérapeute").replace("2026-11-30", "2026-11-15")
    return make_site({
        "posts/news/offre.md": offer_post(),
        "posts/news/physio.md": offer_post(closed, title="Physiothérapeute 60 %", date="2026-10-20"),
        "posts/medicine/article.md": post("Un article", "2026-11-01", summary="Résumé."),
    })


def test_open_and_closed_offers(make_site: SiteMaker, tmp_path: Path) -> None:
    report = build(offers_site(make_site), output=tmp_path / "out", now=NOW, workers=1)
    out = tmp_path / "out"
    assert report.feeds == 12
    assert report.next_change == ("next change by itself on 2026-12-01 00:00 "
                                  "(the job offer posts/news/offre.md closes)")
    opened = page(out, OPEN_URL)
    assert [link.text for link in opened.xpath('//a[@class="apply-button"]')] == ["Postuler", "Postuler"]
    assert opened.xpath('//a[@class="apply-button"]/@href')[0] == "https://emplois.test.example/postuler?offre=14"
    facts = {dt.text_content(): dd.text_content() for dt, dd in zip(opened.xpath("//dl[@class='job-facts']//dt"),
                                                                      opened.xpath("//dl[@class='job-facts']//dd"),
                                                                      strict=True)}
    assert facts["Salaire"] == "De 6\u202f350 à 8\u202f900 CHF par mois"
    assert facts["Type d’emploi"] == "Plein temps, temps partiel"
    assert facts["Délai de candidature"] == "30 novembre 2026" and facts["Entrée en fonction"] == "1er mars 2027"
    assert graph_types(opened) == ["BlogPosting", "BreadcrumbList", "JobPosting"]

    closed = page(out, "actualites/physiotherapeute-60/index.html")
    assert "Candidatures closes" in closed.xpath("string(//p[@class='job-status'])")
    assert closed.xpath('//a[@class="apply-button"]') == []
    assert graph_types(closed) == ["BlogPosting", "BreadcrumbList"]

    jobs = page(out, "emplois/index.html")
    assert jobs.xpath("string(//h1)") == "Nous recrutons"
    assert [link.get("href") for link in jobs.xpath("//h2[@class='card-title']/a")] == [
        "/actualites/infirmier-ere-en-soins-intensifs-80-100/"]
    # Both offers stay in their category, the closed one said to be closed.
    news = page(out, "actualites/index.html")
    assert [card.text for card in news.xpath("//p[@class='card-job']")] == [
        "Unité de soins intensifs · 80–100\u00a0% · Candidatures jusqu’au 30 novembre 2026", "Candidatures closes"]
    assert '<a href="/emplois/">Nous recrutons</a>' in (out / "actualites/index.html").read_text()
    assert "/emplois/rss.xml" in (out / "s-abonner/index.html").read_text()


def test_the_job_posting(make_site: SiteMaker, tmp_path: Path) -> None:
    build(offers_site(make_site), output=tmp_path / "out", now=NOW, workers=1)
    node = job_posting(page(tmp_path / "out", OPEN_URL))
    description = node.pop("description")
    assert description.startswith("<p>Une unité de huit lits cherche du renfort.</p><p>Rejoignez une équipe "
                                  "<strong>soudée</strong>.</p>")
    assert node == {
        "@type": "JobPosting",
        "@id": f"https://blog.test.example/{OPEN_URL.removesuffix('index.html')}#job",
        "title": "Infirmier·ère en soins intensifs",
        "datePosted": "2026-11-10T00:00:00+01:00",
        "url": f"https://blog.test.example/{OPEN_URL.removesuffix('index.html')}",
        "hiringOrganization": {"@type": "Organization", "@id": "https://blog.test.example/#organization",
                               "name": "Hôpital de Test",
                               "logo": {"@type": "ImageObject", "url": "https://blog.test.example/images/logo.png",
                                        "width": 64, "height": 64}},
        "validThrough": "2026-11-30T23:59:59+01:00",
        "employmentType": ["FULL_TIME", "PART_TIME"],
        "baseSalary": {"@type": "MonetaryAmount", "currency": "CHF",
                       "value": {"@type": "QuantitativeValue", "unitText": "MONTH", "minValue": 6350,
                                 "maxValue": 8900}},
        "directApply": True,
        "jobStartDate": "2027-03-01",
    }  # no jobLocation: the test site's organisation has no address and the offer no location


def test_the_job_location_is_the_organisations_address_by_default(make_site: SiteMaker, tmp_path: Path) -> None:
    config = SITE_TOML.replace('name = "Hôpital de Test"', 'name = "Hôpital de Test"\naddress = "Rue du Test 3, '
                                                           '1700 Fribourg"')
    by_email = OFFER.replace("https://emplois.test.example/postuler?offre=14", "rh@test.example")
    site = make_site({"posts/news/offre.md": offer_post(by_email),
                      "posts/news/autre.md": offer_post(OFFER + "\n  location: Site de Riaz", title="Autre")},
                     config=config)
    build(site, output=tmp_path / "out", now=NOW, workers=1)
    node = job_posting(page(tmp_path / "out", OPEN_URL))
    address = {"@type": "PostalAddress", "streetAddress": "Rue du Test 3", "postalCode": "1700",
               "addressLocality": "Fribourg", "addressCountry": "CH"}  # the country of Europe/Zurich
    assert node["jobLocation"] == {"@type": "Place", "address": address}
    assert "directApply" not in node
    button = page(tmp_path / "out", OPEN_URL).xpath('//a[@class="apply-button"]/@href')[0]
    assert button == "mailto:rh@test.example?subject=Candidature%E2%80%AF%3A%20Infirmier%C2%B7%C3%A8re%20en%20soins" \
                     "%20intensifs"
    other = job_posting(page(tmp_path / "out", "actualites/autre/index.html"))
    assert other["jobLocation"]["address"] == {"@type": "PostalAddress", "streetAddress": "Site de Riaz",
                                               "addressCountry": "CH"}
    london = build(make_site(config=config.replace("[organization]", 'timezone = "Europe/London"\n[organization]')),
                   output=tmp_path / "london", now=NOW, workers=1)
    assert london.posts == 2
    assert job_posting(page(tmp_path / "london", OPEN_URL))["jobLocation"]["address"]["addressCountry"] == "GB"


def test_the_jobs_feed(make_site: SiteMaker, tmp_path: Path) -> None:
    build(offers_site(make_site), output=tmp_path / "out", now=NOW, workers=1)
    lead = ("Infirmier·ère en soins intensifs, Unité de soins intensifs, 80–100\u00a0%. "
            "Candidatures jusqu’au 30 novembre 2026.")
    for kind in ("rss", "atom"):
        feed = feedparser.parse((tmp_path / "out" / "emplois" / f"{kind}.xml").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.title == "Blog de test – Nous recrutons"
        assert [entry.link for entry in feed.entries] == [f"https://blog.test.example/{OPEN_URL[:-10]}"]
        [entry] = feed.entries
        assert lxml.html.fromstring(f"<div>{entry.summary}</div>").text_content() == \
            f"{lead} Une unité de huit lits cherche du renfort."
        assert entry.content[0].value.startswith(f"<p>{lead}</p>")


def test_the_day_after_closing_the_next_build_takes_the_offer_off(make_site: SiteMaker, tmp_path: Path) -> None:
    site = offers_site(make_site)
    output = tmp_path / "out"
    build(site, output=output, now=LAST_DAY, workers=1)
    assert graph_types(page(output, OPEN_URL))[-1] == "JobPosting"
    again = build(site, output=output, now=LAST_DAY, workers=1)
    assert again.write.written == [] and "schedule" not in again.stages  # a no-op build

    report = build(site, output=output, now=DAY_AFTER_CLOSING, workers=1)  # no file changed
    assert "emplois/index.html" in report.write.written and OPEN_URL in report.write.written
    assert graph_types(page(output, OPEN_URL)) == ["BlogPosting", "BreadcrumbList"]
    assert "Candidatures closes" in (output / OPEN_URL).read_text()
    assert "Aucun poste n’est ouvert" in (output / "emplois/index.html").read_text()
    assert feedparser.parse((output / "emplois/rss.xml").read_bytes()).entries == []
    build(site, output=tmp_path / "clean", now=DAY_AFTER_CLOSING, workers=1, use_cache=False)
    assert files_of(output) == files_of(tmp_path / "clean")


def test_a_site_without_offers_has_no_jobs_page(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/a.md": post("Un article"), "posts/medicine/b.md": post("Un autre", "2026-09-01")})
    report = build(site, output=tmp_path / "out", now=NOW)
    assert report.feeds == 10 and not (tmp_path / "out/emplois").exists()
    assert "/emplois/" not in (tmp_path / "out/index.html").read_text()
    # The first offer links every page to the jobs page: a rebuild into the same folder gives a clean build's bytes.
    (site / "posts/news/offre.md").write_text(offer_post(), "utf-8")
    build(site, output=tmp_path / "out", now=NOW)
    assert '<a href="/emplois/">Nous recrutons</a>' in (tmp_path / "out/medecine/un-autre/index.html").read_text()
    build(site, output=tmp_path / "clean", now=NOW, use_cache=False)
    assert files_of(tmp_path / "out") == files_of(tmp_path / "clean")


def test_plain_text_stays_plain_in_the_jobs_feed_and_page(make_site: SiteMaker, tmp_path: Path) -> None:
    hostile = OFFER.replace("Unité de soins intensifs", '"<b>Soins</b> R&D </script>"')
    build(make_site({"posts/news/offre.md": offer_post(hostile)}), output=tmp_path / "out", now=NOW, workers=1)
    entry = feedparser.parse((tmp_path / "out/emplois/rss.xml").read_bytes()).entries[0]
    shown = lxml.html.fromstring(f"<div>{entry.summary}</div>")
    assert list(shown) == [] and "<b>Soins</b> R&D </script>" in shown.text_content()
    text = (tmp_path / "out" / OPEN_URL).read_text()
    assert "<b>Soins</b>" not in text and "&lt;b&gt;Soins&lt;/b&gt; R&amp;D &lt;/script&gt;" in text


def test_an_edit_of_an_offers_body_in_serve_gives_a_clean_builds_bytes(make_site: SiteMaker, tmp_path: Path) -> None:
    # Far in the future: serve builds with the real clock.
    site = make_site({"posts/news/offre.md": offer_post(OFFER.replace("2026-11-30", "2999-12-31"))})
    session = ServeSession(site, BuildOptions(dev=True), tmp_path / "served", log=lambda message: None)
    session.rebuild()
    path = site / "posts/news/offre.md"
    path.write_text(path.read_text().replace("soudée", "attentive"))
    report = session.rebuild({path})
    assert report is not None and "update" in report.stages  # serve's fast path
    assert "attentive" in job_posting(page(tmp_path / "served", OPEN_URL))["description"]
    build(site, output=tmp_path / "full", dev=True, use_cache=False, now=datetime.now(UTC))
    assert files_of(tmp_path / "served") == files_of(tmp_path / "full")


# -- the social kit -------------------------------------------------------------------------------------------------


def test_the_linkedin_text_of_an_offer(make_site: SiteMaker) -> None:
    offer = parsed(make_site, offer_post())
    config = load_config(make_site())
    text = compose(offer, "linkedin", "https://blog.test.example/x/", config)
    assert text == ("Nous recrutons\u202f: Infirmier·ère en soins intensifs, Unité de soins intensifs, 80–100\u00a0%.\n"
                    "Candidatures jusqu’au 30 novembre 2026.\n\n"
                    "Une unité de huit lits cherche du renfort.\n\n#Emploi #SoinsIntensifs\n\n"
                    "https://blog.test.example/x/")
    for network, limit in NETWORK_LIMITS.items():
        written = compose(offer, network, "https://blog.test.example/x/", config)
        assert fits(written, network) and "Infirmier·ère en soins intensifs" in written, (network, limit)
    assert one_line(text).startswith("Nous recrutons\u202f: Infirmier·ère en soins intensifs, Unité de soins "
                                     "intensifs, 80–100\u00a0%. Candidatures jusqu’au 30 novembre 2026. Une unité")


def test_the_kit_leaves_closed_offers_out(make_site: SiteMaker, tmp_path: Path) -> None:
    site = offers_site(make_site)
    kit = make_kit(site, output=tmp_path / "kit", now=NOW)
    assert kit.posts == 2
    folders = sorted(path.name for path in (tmp_path / "kit").iterdir() if path.is_dir())
    assert folders == ["2026-11-01-un-article", "2026-11-10-infirmier-ere-en-soins-intensifs-80-100"]
    shutil.rmtree(tmp_path / "kit")
