"""``hospiblog new``: the file it writes parses, passes the checks, and never replaces another."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from hospiblog.build import parse_all
from hospiblog.checks import run_checks
from hospiblog.config import SiteConfig, load_config
from hospiblog.content.discover import discover, read_source
from hospiblog.content.parse import ParseSettings, parse_post
from hospiblog.errors import ContentError
from hospiblog.model import Post
from hospiblog.new import new_post, yaml_text
from hospiblog.theme import load_theme
from tests.conftest import NOW, SiteMaker

ZURICH = ZoneInfo("Europe/Zurich")


def create(make_site: SiteMaker, title: str = "Bien dormir", *, category: str = "news", author: str | None = None,
           date: datetime | None = None, slug: str | None = None) -> tuple[SiteConfig, Path]:
    config = load_config(make_site())
    return config, new_post(config, title, category=category, author=author, date=date, now=NOW, slug=slug)


def parsed(config: SiteConfig, path: Path) -> Post:
    return parse_post(read_source(path, config), ParseSettings.of(config))


def rules_found(config: SiteConfig) -> list[tuple[str, str]]:
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    findings = run_checks(posts, config, static_lookup=load_theme(config).static_file, today=NOW.date(),
                          unparsed=errors).findings
    return [(finding.rule or "", finding.level) for finding in findings]


def uncomment(path: Path, *keys: str) -> None:
    """Turns the commented lines of ``keys`` (and their indented continuation) into real ones."""
    lines, inside = [], False
    for line in path.read_text("utf-8").split("\n"):
        starts = any(line.startswith(f"# {key}:") for key in keys)
        inside = starts or (inside and line.startswith("#   "))
        lines.append(line[2:] if inside else line)
    path.write_text("\n".join(lines), "utf-8")


def test_a_new_post_is_a_draft_dated_now_in_the_sites_zone(make_site: SiteMaker) -> None:
    config, path = create(make_site, "Bien dormir : sept habitudes", author="cmartin")
    assert path == config.site_dir / "posts/news/bien-dormir-sept-habitudes.md"
    text = path.read_text("utf-8")
    assert text.startswith('---\ntitle: "Bien dormir : sept habitudes"\ndate: 2026-11-22 13:00\nauthor: cmartin\n')
    meta = parsed(config, path).meta
    assert meta.title == "Bien dormir\u202f: sept habitudes"  # French typography, as for any article
    assert meta.date == datetime(2026, 11, 22, 13, 0, tzinfo=ZURICH)
    assert (meta.draft, meta.author, meta.summary, meta.tags, meta.category) == (True, "cmartin", "", (), "news")
    assert meta.image is None and meta.slug == "bien-dormir-sept-habitudes"


def test_the_body_is_a_french_skeleton_with_sections_and_a_callout(make_site: SiteMaker) -> None:
    config, path = create(make_site)
    post = parsed(config, path)
    assert post.parsed_html.count("<h2") == 2 and 'class="callout callout-retenir"' in post.parsed_html
    assert "## Premier point" in path.read_text("utf-8")


def test_without_author_the_line_is_empty_and_lists_the_authors(make_site: SiteMaker) -> None:
    config, path = create(make_site)
    assert "\nauthor:  # who signs the article, one of: cmartin\n" in path.read_text("utf-8")
    assert parsed(config, path).meta.author is None


def test_a_given_date_is_written_in_the_sites_zone(make_site: SiteMaker) -> None:
    config, path = create(make_site, date=datetime(2027, 1, 15, 7, 30, tzinfo=ZoneInfo("UTC")))
    assert "\ndate: 2027-01-15 08:30\n" in path.read_text("utf-8")
    config, other = create(make_site, "Autre", date=datetime(2027, 1, 15, 7, 30))  # naive: already local
    assert parsed(config, other).meta.date == datetime(2027, 1, 15, 7, 30, tzinfo=ZURICH)


@pytest.mark.parametrize("title", [
    'Il a dit "non" : pourquoi ?', "yes", "---", "- une liste ?", "[pas une liste]", "{pas: un objet}",
    "#1 des urgences", "C:\\dossier\\fichier", "L'été & la peau * 2 !", "100 %", "@hopital", "null", "1.5",
])
def test_any_title_is_written_safely(make_site: SiteMaker, title: str) -> None:
    config, path = create(make_site, title, slug="article")
    front = path.read_text("utf-8").split("---\n")[1]
    assert yaml.safe_load(front)["title"] == title
    parsed(config, path)  # no error


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1))
def test_yaml_text_round_trips(title: str) -> None:
    assert yaml.safe_load(f"title: {yaml_text(title)}") == {"title": title}


def test_a_title_on_several_lines_becomes_one_line(make_site: SiteMaker) -> None:
    config, path = create(make_site, "  Bien\n\tdormir  ")
    assert path.name == "bien-dormir.md" and parsed(config, path).meta.title == "Bien dormir"


def test_a_slug_names_the_file_and_the_url(make_site: SiteMaker) -> None:
    config, path = create(make_site, "Bien dormir", slug="sommeil")
    assert path.name == "sommeil.md" and parsed(config, path).meta.slug == "sommeil"


def test_a_news_post_only_lacks_its_summary(make_site: SiteMaker) -> None:
    config, _ = create(make_site, "Portes ouvertes", author="cmartin")
    assert rules_found(config) == [("summary-missing", "warning")]


def test_a_medical_post_asks_for_its_review_until_the_lines_are_filled(make_site: SiteMaker) -> None:
    config, path = create(make_site, "Varices", category="medicine")
    assert "\n# reviewed_by: " in path.read_text("utf-8")
    assert rules_found(config) == [("medical-review", "warning"), ("medical-sources", "warning"),
                                   ("summary-missing", "warning")]
    uncomment(path, "reviewed_by", "last_reviewed")
    assert parsed(config, path).meta.last_reviewed == NOW.date()
    assert rules_found(config) == [("summary-missing", "warning"), ("medical-sources", "warning")]
    uncomment(path, "sources")
    assert [source.year for source in parsed(config, path).meta.sources] == [f"{NOW:%Y}"]
    assert rules_found(config) == [("summary-missing", "warning")]


def test_a_testimonial_asks_for_consent_until_the_block_is_filled(make_site: SiteMaker) -> None:
    config, path = create(make_site, "Le récit de Jean", category="testimonials")
    assert "\n# consent:" in path.read_text("utf-8")
    # An error once published; a warning while the new article is a draft.
    assert rules_found(config) == [("testimonial-consent", "warning"), ("summary-missing", "warning")]
    uncomment(path, "consent")
    consent = parsed(config, path).meta.consent
    assert consent is not None and consent.scope == ("web", "social") and consent.expires is not None
    assert rules_found(config) == [("summary-missing", "warning")]


def test_an_existing_file_is_never_replaced(make_site: SiteMaker) -> None:
    config, path = create(make_site, "Bien dormir")
    path.write_text("mon texte", "utf-8")
    with pytest.raises(ContentError) as caught:
        new_post(config, "Bien dormir !", category="news", author=None, date=None, now=NOW)
    assert caught.value.message.startswith("posts/news/bien-dormir.md already exists")
    assert caught.value.hint == "choose another title, or another file name with --slug"
    assert path.read_text("utf-8") == "mon texte"


def test_an_existing_markdown_file_of_that_name_counts_too(make_site: SiteMaker) -> None:
    config = load_config(make_site({"posts/news/bien-dormir.markdown": "x"}))
    with pytest.raises(ContentError, match=r"posts/news/bien-dormir\.markdown already exists"):
        new_post(config, "Bien dormir", category="news", author=None, date=None, now=NOW)


def test_unknown_category_or_author_lists_the_valid_ones(make_site: SiteMaker) -> None:
    config = load_config(make_site())
    with pytest.raises(ContentError) as caught:
        new_post(config, "Titre", category="medecine", author=None, date=None, now=NOW)
    assert caught.value.message == "unknown category 'medecine'"
    assert caught.value.hint == "did you mean 'medicine'? valid categories: medicine, prevention, news, testimonials"
    with pytest.raises(ContentError) as caught:
        new_post(config, "Titre", category="news", author="jdupont", date=None, now=NOW)
    assert caught.value.hint == "valid authors: cmartin"
    assert not any(config.posts_dir.rglob("*.md"))


@pytest.mark.parametrize(("title", "slug", "message"), [
    ("   ", None, "the title is empty"),
    ("!!!", None, "no file name can be made from this title"),
    ("Titre", "Mon Article", "the slug 'Mon Article' may only hold lower-case letters, digits and dashes"),
    ("Titre", "../dehors", "the slug '../dehors' may only hold lower-case letters, digits and dashes"),
])
def test_titles_and_slugs_that_cannot_name_a_file(make_site: SiteMaker, title: str, slug: str | None,
                                                 message: str) -> None:
    config = load_config(make_site())
    with pytest.raises(ContentError) as caught:
        new_post(config, title, category="news", author=None, date=None, now=NOW, slug=slug)
    assert caught.value.message == message
