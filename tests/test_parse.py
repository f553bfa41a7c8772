from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hospiblog.config import load_config
from hospiblog.content.discover import read_source
from hospiblog.content.parse import ParseSettings, parse_post, to_datetime
from hospiblog.errors import HospiblogError, flatten
from hospiblog.model import Post
from hospiblog.urls import slugify
from tests.conftest import SiteMaker, post

ZURICH = ZoneInfo("Europe/Zurich")


def parse(make_site: SiteMaker, text: str | bytes, name: str = "posts/news/article.md") -> Post:
    site = make_site({name: text})
    config = load_config(site)
    return parse_post(read_source(site / name, config), ParseSettings.of(config))


def problems(make_site: SiteMaker, text: str | bytes, name: str = "posts/news/article.md") -> list[str]:
    with pytest.raises(HospiblogError) as caught:
        parse(make_site, text, name)
    return [error.format(Path(caught.value.location.path).parent if caught.value.location else None)
            for error in flatten([caught.value])]


def test_slugs_transliterate_accents() -> None:
    assert slugify("Santé à l'école") == "sante-a-l-ecole"
    assert slugify("Varices : quand consulter ?") == "varices-quand-consulter"
    assert slugify("  Œdème & cœur — 2026  ") == "oedeme-coeur-2026"


def test_a_bare_date_is_that_day_in_the_sites_zone(make_site: SiteMaker) -> None:
    parsed = parse(make_site, post("Un titre", "2026-03-29"))
    assert parsed.meta.date == datetime(2026, 3, 29, tzinfo=ZURICH)
    assert parsed.meta.date.utcoffset().total_seconds() == 3600  # type: ignore[union-attr]


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-03-29 09:30", datetime(2026, 3, 29, 9, 30, tzinfo=ZURICH)),
    ("2026-07-01T08:00:00+00:00", datetime(2026, 7, 1, 10, 0, tzinfo=ZURICH)),
    ("29.03.2026", None),
])
def test_date_forms(value: str, expected: datetime | None) -> None:
    assert to_datetime(value, ZURICH) == expected


def test_front_matter_and_body(make_site: SiteMaker) -> None:
    text = post("Varices : quand consulter ?", "2026-10-14", "## Les signes\n\nDes jambes lourdes !",
                summary='"Un résumé"', author="cmartin", tags="[veines, Sport]")
    parsed = parse(make_site, text)
    assert parsed.meta.title == "Varices\u202f: quand consulter\u202f?"
    assert parsed.meta.slug == "varices-quand-consulter"
    assert parsed.meta.category == "news"
    assert parsed.meta.tags == ("veines", "Sport")
    assert '<h2 id="les-signes">Les signes</h2>' in parsed.parsed_html
    assert "lourdes\u202f!" in parsed.parsed_html
    assert parsed.meta.line_of("author") == 5


def test_missing_title_and_date_are_both_reported(make_site: SiteMaker) -> None:
    messages = problems(make_site, "---\nsummary: x\n---\nTexte\n")
    assert any("missing 'title'" in message for message in messages)
    assert any("missing 'date'" in message for message in messages)


def test_invalid_yaml_names_the_line(make_site: SiteMaker) -> None:
    (message,) = problems(make_site, '---\ntitle: "Bon titre"\ndate: 2026-01-01\ntags: [a, b\n---\nTexte\n')
    assert message.startswith("article.md:4: error: invalid front matter")  # where the [ was opened


def test_a_date_that_does_not_exist(make_site: SiteMaker) -> None:
    (message,) = problems(make_site, "---\ntitle: Titre\ndate: 2026-02-30\n---\nTexte\n")
    assert message.startswith("article.md:3: error: invalid value in front matter")
    assert "must exist in the calendar" in message


def test_unknown_field_suggests_the_right_one(make_site: SiteMaker) -> None:
    (message,) = problems(make_site, post("Titre", sumary="Résumé"))
    assert "article.md:4: error: unknown front-matter field 'sumary'" in message
    assert "did you mean 'summary'?" in message


def test_image_needs_alt_text(make_site: SiteMaker) -> None:
    (message,) = problems(make_site, post("Titre", image="/images/x.jpg"))
    assert "article.md:4: error: the image has no alternative text" in message


def test_category_must_agree_with_the_folder(make_site: SiteMaker) -> None:
    (message,) = problems(make_site, post("Titre", category="prevention"))
    assert "does not agree with the folder posts/news/" in message


def test_category_in_front_matter_for_a_file_directly_in_posts(make_site: SiteMaker) -> None:
    assert parse(make_site, post("Titre", category="prevention"), "posts/a.md").meta.category == "prevention"
    (message,) = problems(make_site, post("Titre", category="prevension"), "posts/a.md")
    assert "unknown category 'prevension'" in message and "did you mean 'prevention'?" in message


def test_non_utf8_file(make_site: SiteMaker) -> None:
    (message,) = problems(make_site, post("Santé", body="Été").encode("latin-1"))
    assert "not saved as UTF-8" in message and "how to fix" in message


def test_bom_and_crlf_are_accepted(make_site: SiteMaker) -> None:
    text = "\ufeff" + post("Titre", body="Ligne un.\n\nLigne deux.").replace("\n", "\r\n")
    parsed = parse(make_site, text.encode("utf-8"))
    assert parsed.meta.title == "Titre" and "<p>Ligne deux.</p>" in parsed.parsed_html


def test_callouts_of_every_kind(make_site: SiteMaker) -> None:
    body = ":::retenir\nBougez.\n:::\n\n:::consulter\nFièvre.\n:::\n\n:::important Urgences : le 144\nAppelez.\n:::\n"
    html = parse(make_site, post("Titre", body=body)).parsed_html
    assert '<div class="callout callout-retenir" role="note">' in html
    assert '<p class="callout-title">Quand consulter\u202f?</p>' in html
    assert '<p class="callout-title">Urgences\u202f: le 144</p>' in html


def test_unknown_callout_kind(make_site: SiteMaker) -> None:
    (message,) = problems(make_site, post("Titre", body="Intro.\n\n:::astuce\nTexte.\n:::"))
    assert "article.md:7: error: unknown callout kind 'astuce'" in message


def test_typography_leaves_code_urls_and_times_alone(make_site: SiteMaker) -> None:
    body = "Rendez-vous à 14:30 ; voir <https://example.org/a?b=c> et `x : y` !\n\n« Bonjour »"
    html = parse(make_site, post("Titre", body=body)).parsed_html
    assert "14:30\u202f;" in html
    assert ">https://example.org/a?b=c</a>" in html
    assert "<code>x : y</code>\u202f!" in html
    assert "«\u202fBonjour\u202f»" in html


def test_links_to_posts_and_local_images_are_recorded(make_site: SiteMaker) -> None:
    body = "Voir [le sommeil](../prevention/sommeil.md#nuit).\n\n![Une lune](/images/lune.jpg)"
    parsed = parse(make_site, post("Titre", body=body))
    assert parsed.post_links == (("posts/prevention/sommeil.md", 5),)
    assert parsed.local_images == (("/images/lune.jpg", 7),)
    assert 'loading="lazy"' in parsed.parsed_html


def test_table_of_contents_and_footnotes(make_site: SiteMaker) -> None:
    body = "[TOC]\n\n## Un\n\nTexte[^1].\n\n## Deux\n\n[^1]: Une source."
    html = parse(make_site, post("Titre", body=body)).parsed_html
    assert '<div class="toc">' in html and 'href="#deux"' in html
    assert 'class="footnote"' in html


def test_reading_time(make_site: SiteMaker) -> None:
    parsed = parse(make_site, post("Titre", body="mot " * 1000))
    assert parsed.word_count >= 1000 and parsed.reading_minutes == 5


def test_consent_is_validated(make_site: SiteMaker) -> None:
    good = post("Titre", consent="{given: 2026-01-10, scope: [web, social], expires: 2028-01-10}")
    assert parse(make_site, good, "posts/testimonials/a.md").meta.consent.scope == ("web", "social")  # type: ignore[union-attr]
    (message,) = problems(make_site, post("Titre", consent="{given: hier, scope: [tout]}"))
    assert "'consent' needs a valid 'given' date" in message
