"""Medical articles (issue 13): sources, « relu par … le … », the medical notice, MedicalWebPage JSON-LD, and the
rules medical-sources and unknown-campaign, each with a file that triggers it and one that does not."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from hospiblog.build import build, parse_all
from hospiblog.checks import run_checks
from hospiblog.config import load_config
from hospiblog.content.discover import discover
from hospiblog.errors import HospiblogError, flatten
from hospiblog.theme import load_theme
from tests.conftest import NOW, SITE_TOML, SiteMaker, post

SOURCES = """
  - title: "Tobacco"
    publisher: "Organisation mondiale de la Santé (OMS)"
    year: 2023
    url: https://www.who.int/news-room/fact-sheets/detail/tobacco
  - title: "Guide imprimé"
    publisher: "Une société savante\""""
REVIEW = {"reviewed_by": '"Dr Yves Test, médecin-chef"', "last_reviewed": "2026-10-22"}
CAMPAIGN = '\n[campaigns.octobre-rose]\nlabel = "Octobre rose"\ncolor = "#ad1457"\n'


Found = list[tuple[str, str, str]]


def findings(make_site: SiteMaker, files: dict[str, str | bytes], config: str = SITE_TOML) -> Found:
    site = make_site(files, config)
    loaded = load_config(site)
    posts, errors = parse_all(discover(loaded), loaded, cache=None, workers=1)
    run = run_checks(posts, loaded, static_lookup=load_theme(loaded).static_file, today=NOW.date(), unparsed=errors)
    return [(Path(f.location.path).name, f.rule or "", f"{f.level}: {f.message} / {f.hint}")  # type: ignore[union-attr]
            for f in run.findings if f.rule not in ("image-too-small",)]


# ---------------------------------------------------------------- the rules


def test_medical_sources_triggers_on_a_medical_article_without_sources(make_site: SiteMaker) -> None:
    found = findings(make_site, {
        "posts/prevention/without.md": post("Sans sources", summary="Un résumé.", **REVIEW),
        "posts/prevention/with.md": post("Avec sources", summary="Un résumé.", sources=SOURCES, **REVIEW),
        "posts/news/news.md": post("Une nouvelle", summary="Un résumé."),  # news needs no sources
    })
    assert [(name, rule) for name, rule, _ in found] == [("without.md", "medical-sources")]
    assert found[0][2].startswith("warning: medical article without sources / add sources:")


def test_medical_sources_can_be_turned_off(make_site: SiteMaker) -> None:
    config = SITE_TOML + '\n[checks.rules]\nmedical-sources = "off"\n'
    files: dict[str, str | bytes] = {"posts/medicine/a.md": post("Sans sources", summary="Un résumé.", **REVIEW)}
    assert findings(make_site, files, config) == []


def test_unknown_campaign_is_an_error_with_a_did_you_mean(make_site: SiteMaker) -> None:
    found = findings(make_site, {
        "posts/news/typo.md": post("Coquille", summary="Un résumé.", campaign="octobre-roze"),
        "posts/news/right.md": post("Juste", summary="Un résumé.", campaign="octobre-rose"),
    }, SITE_TOML + CAMPAIGN)
    assert found == [("typo.md", "unknown-campaign", "error: unknown campaign 'octobre-roze' / did you mean "
                      "'octobre-rose'? use one of the campaigns of site.toml: octobre-rose")]
    without_campaigns = findings(make_site, {"posts/news/a.md": post("A", summary="B.", campaign="octobre-rose")})
    assert without_campaigns[0][2].endswith("add a [campaigns.<key>] table to site.toml (label, dates, colour, "
                                            "hashtags)")


# ---------------------------------------------------------------- front matter


def parse_errors(make_site: SiteMaker, sources: str) -> list[str]:
    site = make_site({"posts/prevention/a.md": post("A", summary="B.", sources=sources)})
    config = load_config(site)
    _, errors = parse_all(discover(config), config, cache=None, workers=1)
    return [error.format(site) for error in flatten(list(errors))]


def test_sources_are_read(make_site: SiteMaker) -> None:
    site = make_site({"posts/prevention/a.md": post("A", summary="B.", sources=SOURCES)})
    config = load_config(site)
    (found,), _ = parse_all(discover(config), config, cache=None, workers=1)
    assert [(s.title, s.publisher, s.year, s.url) for s in found.meta.sources] == [
        ("Tobacco", "Organisation mondiale de la Santé (OMS)", "2023",
         "https://www.who.int/news-room/fact-sheets/detail/tobacco"),
        ("Guide imprimé", "Une société savante", "", "")]


@pytest.mark.parametrize(("sources", "expected"), [
    ("[]", "'sources' must be a list of works"),
    ("\n  - publisher: OMS", "source 1 has no title"),
    ("\n  - title: A\n    url: javascript:alert(1)", "source 1: the url must start with https://"),
    ("\n  - title: A\n    year: vingt", "source 1: the year must be four digits"),
    ("\n  - title: A\n  - title: B\n    publsher: OMS", "source 2: unknown field 'publsher'"),
])
def test_wrong_sources_are_front_matter_errors_with_their_line(make_site: SiteMaker, sources: str,
                                                                expected: str) -> None:
    (message,) = parse_errors(make_site, sources)
    assert message.startswith("posts/prevention/a.md:5: error: ") and expected in message, message
    if "publsher" in sources:
        assert "did you mean 'publisher'?" in message


# ---------------------------------------------------------------- pages


def built(make_site: SiteMaker, tmp_path: Path, config: str = SITE_TOML) -> Path:
    site = make_site({
        "posts/prevention/a.md": post("Arrêter de fumer", summary="Les aides.", sources=SOURCES, **REVIEW),
        "posts/news/b.md": post("Une nouvelle", "2026-10-02", summary="Un résumé.", sources=SOURCES),
    }, config)
    output = tmp_path / "out"
    build(site, output=output, now=NOW, use_cache=False, workers=1)
    return output


def page(output: Path, url: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((output / url.strip("/") / "index.html").read_bytes())


def text(element: lxml.html.HtmlElement, path: str) -> str:
    return " ".join(element.xpath(f"string({path})").split())


def test_a_medical_article_shows_its_review_sources_and_notice(make_site: SiteMaker, tmp_path: Path) -> None:
    html = page(built(make_site, tmp_path), "/prevention/arreter-de-fumer/")
    review = text(html, "//header//p[@class='review-line']")
    assert review == "Contenu médical relu par Dr Yves Test, médecin-chef, le 22 octobre 2026 · Sources (2)"
    assert html.xpath("//header//p[@class='review-line']/a/@href") == ["#sources"]
    assert html.xpath("//section[@class='sources']/h2/@id") == ["sources"]
    items = [" ".join(item.text_content().split()) for item in html.xpath("//section[@class='sources']//li")]
    assert items == ["Tobacco, Organisation mondiale de la Santé (OMS), 2023.", "Guide imprimé, Une société savante."]
    assert html.xpath("//section[@class='sources']//a/@href") == [
        "https://www.who.int/news-room/fact-sheets/detail/tobacco"]
    notice = text(html, "//p[@class='medical-notice']")
    assert notice.startswith("Ces informations sont générales et ne remplacent pas l’avis d’un professionnel")
    assert not html.xpath("//footer[@class='site-footer']//p[contains(@class, 'disclaimer')]")  # said once
    assert not html.xpath("//p[@class='review']")  # not repeated in the article's footer


def test_other_articles_show_sources_but_no_notice(make_site: SiteMaker, tmp_path: Path) -> None:
    html = page(built(make_site, tmp_path), "/actualites/une-nouvelle/")
    assert html.xpath("//section[@class='sources']") and not html.xpath("//p[@class='medical-notice']")
    assert not html.xpath("//p[@class='review-line']")
    assert text(html, "//footer[@class='site-footer']//p[contains(@class, 'disclaimer')]").startswith(
        "Ces informations sont générales")


@pytest.mark.parametrize(("setting", "expected"), [
    ('notice = "Cet article ne remplace pas une consultation. Urgences : 144."',
     "Cet article ne remplace pas une consultation. Urgences : 144."),
    ('notice = ""', ""),
])
def test_the_notice_comes_from_site_toml(make_site: SiteMaker, tmp_path: Path, setting: str, expected: str) -> None:
    output = built(make_site, tmp_path, SITE_TOML + f"\n[medical]\n{setting}\n")
    assert text(page(output, "/prevention/arreter-de-fumer/"), "//p[@class='medical-notice']") == expected
    assert text(page(output, "/"), "//p[contains(@class, 'disclaimer')]") == expected
    if expected:  # typeset as French, like site.toml's other texts (text() above folds the narrow space)
        assert "Urgences\u202f: 144." in page(output, "/").xpath("string(//p[contains(@class, 'disclaimer')])")


def graph(html: lxml.html.HtmlElement) -> list[dict[str, object]]:
    (script,) = html.xpath("//script[@type='application/ld+json']/text()")
    data = json.loads(script)
    assert data["@context"] == "https://schema.org"
    return list(data["@graph"])


def test_json_ld_of_a_medical_article_is_a_medical_web_page_citing_its_sources(make_site: SiteMaker,
                                                                               tmp_path: Path) -> None:
    output = built(make_site, tmp_path)
    posting, breadcrumbs = graph(page(output, "/prevention/arreter-de-fumer/"))
    assert posting["@type"] == "BlogPosting" and breadcrumbs["@type"] == "BreadcrumbList"
    url = "https://blog.test.example/prevention/arreter-de-fumer/"
    assert posting["mainEntityOfPage"] == {
        "@type": "MedicalWebPage", "@id": url, "url": url, "name": "Arrêter de fumer", "inLanguage": "fr-CH",
        "reviewedBy": {"@type": "Person", "name": "Dr Yves Test", "jobTitle": "médecin-chef"},
        "lastReviewed": "2026-10-22"}
    assert posting["citation"] == [
        {"@type": "CreativeWork", "name": "Tobacco",
         "publisher": {"@type": "Organization", "name": "Organisation mondiale de la Santé (OMS)"},
         "datePublished": "2023", "url": "https://www.who.int/news-room/fact-sheets/detail/tobacco"},
        {"@type": "CreativeWork", "name": "Guide imprimé",
         "publisher": {"@type": "Organization", "name": "Une société savante"}}]
    news, _ = graph(page(output, "/actualites/une-nouvelle/"))
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": "https://blog.test.example/actualites/une-nouvelle/"}
    assert len(news["citation"]) == 2  # sources are cited whatever the category


def test_a_missing_campaign_table_is_refused_before_anything_is_built(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/a.md": post("A", summary="B.", campaign="octobre-rose")})
    with pytest.raises(HospiblogError) as caught:
        build(site, output=tmp_path / "out", now=NOW, use_cache=False, workers=1)
    assert "unknown campaign 'octobre-rose'" in str(flatten([caught.value])[0])
    assert not (tmp_path / "out").exists()
