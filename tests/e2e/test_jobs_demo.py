"""The demo's job offers built as a whole and read back with real clients: feedparser, lxml and JSON.

Expectations come from the sources (front matter read with python-frontmatter, site.toml), not from hospiblog's
own functions. The demo has two offers: one open on NOW (2026-11-22), one whose closing date has passed.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import feedparser
import frontmatter
import lxml.html
import pytest

from hospiblog.build import build
from hospiblog.checks import errors_of, warnings_of
from hospiblog.checks.command import check_site
from hospiblog.config import load_config
from hospiblog.urls import slugify
from tests.conftest import NOW, REPO

pytestmark = pytest.mark.slow
BASE = "https://blog.hopital-valclair.example"
TODAY = NOW.date()


def offers() -> list[tuple[Path, dict[str, Any]]]:
    found = [(path, dict(frontmatter.load(path).metadata)) for path in sorted((REPO / "posts").rglob("*.md"))]
    # The French offers: the French jobs page's (test_languages_demo.py looks at the German one).
    return [(path, meta) for path, meta in found if "job" in meta and meta.get("lang", "fr") == "fr"]


def is_open(meta: dict[str, Any]) -> bool:
    return bool(meta["job"]["closes"] >= TODAY)


def page_path(path: Path, meta: dict[str, Any]) -> str:
    category = load_config(REPO).categories[path.parent.name]
    return f"{category.slug}/{meta.get('slug') or slugify(str(meta['title']))}/"


def graph(tree: Any) -> list[dict[str, Any]]:
    [script] = tree.xpath('//script[@type="application/ld+json"]')
    return list(json.loads(script.text)["@graph"])


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ").replace("\u2019", "'")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("jobs-demo") / "public"
    build(REPO, output=output, now=NOW)
    return output


def test_the_demo_has_an_open_and_a_closed_offer() -> None:
    assert sorted(is_open(meta) for _path, meta in offers()) == [False, True]
    for _path, meta in offers():
        assert set(meta["job"]) >= {"title", "service", "employment", "rate", "salary", "closes", "apply", "contact"}


def test_the_jobs_page_lists_the_open_offer(out: Path) -> None:
    tree = lxml.html.parse(str(out / "emplois/index.html")).getroot()
    assert tree.xpath("string(//h1)") == "Nous recrutons"
    listed = [link.get("href") for link in tree.xpath("//h2[@class='card-title']/a")]
    assert listed == [f"/{page_path(path, meta)}" for path, meta in offers() if is_open(meta)]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_jobs_feed(out: Path, kind: str) -> None:
    feed = feedparser.parse((out / "emplois" / f"{kind}.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert plain(feed.feed.title).endswith("– Nous recrutons")
    expected = [(path, meta) for path, meta in offers() if is_open(meta)]
    assert [entry.link for entry in feed.entries] == [f"{BASE}/{page_path(path, meta)}" for path, meta in expected]
    for entry, (_path, meta) in zip(feed.entries, expected, strict=True):
        assert plain(entry.title) == meta["title"]
        summary = plain(lxml.html.fromstring(f"<div>{entry.summary}</div>").text_content())
        assert summary.startswith(f"{meta['job']['title']}, {meta['job']['service']}, {meta['job']['rate']}.")
        assert summary.endswith(plain(meta["summary"]))


def test_the_open_offer_has_its_job_posting(out: Path) -> None:
    organization = load_config(REPO).organization
    for path, meta in offers():
        tree = lxml.html.parse(str(out / page_path(path, meta) / "index.html")).getroot()
        nodes = [node for node in graph(tree) if node["@type"] == "JobPosting"]
        if not is_open(meta):
            assert nodes == []
            assert "Candidatures closes" in tree.xpath("string(//section[contains(@class, 'job-box')])")
            assert tree.xpath("//a[@class='apply-button']") == []
            continue
        [node] = nodes
        job = meta["job"]
        assert node["title"] == job["title"]
        assert node["description"].startswith("<p>") and len(node["description"]) > 1000
        assert node["datePosted"].startswith(str(meta["date"]))
        assert node["validThrough"].startswith(f"{job['closes']}T23:59:59")
        assert node["employmentType"] == ["FULL_TIME", "PART_TIME"]  # plein temps, temps partiel
        assert plain(node["hiringOrganization"]["name"]) == organization.name.replace("\u2019", "'")
        address = node["jobLocation"]["address"]
        assert plain(f"{address['streetAddress']}, {address['postalCode']} {address['addressLocality']}") == \
            load_config(REPO).organization.address.replace("\u2019", "'")
        assert address["addressCountry"] == "CH"  # site.toml's time zone is Europe/Zurich
        value = node["baseSalary"]["value"]
        assert node["baseSalary"]["currency"] == job["salary"]["currency"]
        assert (value["minValue"], value["maxValue"]) == (int(job["salary"]["min"]), int(job["salary"]["max"]))
        assert value["unitText"] == job["salary"]["unit"].upper()
        assert node["directApply"] is str(job["apply"]).startswith("https://")
        buttons = tree.xpath("//a[@class='apply-button']/@href")
        assert buttons and set(buttons) == {job["apply"]}


def test_the_demo_passes_check_without_errors_later_too() -> None:
    later = max(meta["job"]["closes"] for _path, meta in offers()) + timedelta(days=45)
    findings = check_site(REPO, today=later, use_cache=False)
    assert errors_of(findings) == []
    closed = [finding for finding in warnings_of(findings) if finding.rule == "job-closed"]
    every_offer = [path for path in (REPO / "posts").rglob("*.md") if "job" in frontmatter.load(path).metadata]
    assert len(closed) == len(every_offer)  # the German offer too
    # The day after one closed: nothing but the demo photos' positions, which the demo keeps on purpose (image-gps).
    day_after = check_site(REPO, today=date(2026, 11, 16), use_cache=False)
    assert [finding.rule for finding in day_after if finding.rule != "image-gps"] == []
