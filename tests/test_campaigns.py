"""Campaigns (issue 13): site.toml's [campaigns], campaign: in front matter, the campaign's pages, badges,
colours, share cards and social kit hashtags; built through the real pipeline."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from twitter_text import parse_tweet

from hospiblog import cards, social
from hospiblog.build import build, parse_all
from hospiblog.cards import CardSpec
from hospiblog.checks.context import make_context
from hospiblog.config import load_config
from hospiblog.content.discover import discover
from hospiblog.errors import HospiblogError, flatten
from hospiblog.model import Post
from hospiblog.site import assemble_site
from hospiblog.theme import builtin_theme_dir, load_theme
from tests.conftest import NOW, SITE_TOML, SiteMaker, post

CAMPAIGN = """
[campaigns.mois-sans-tabac]
label = "Mois sans tabac"
description = "Un mois pour arrêter de fumer, accompagné."
start = 2026-11-01
end = 2026-11-30
color = "#0e6b73"
hashtags = ["MoisSansTabac", "#SansTabac"]
partner = { name = "Association sans fumée", url = "https://sans-fumee.example" }
"""
CONFIG = SITE_TOML + CAMPAIGN


def errors_of(site: Path) -> list[str]:
    with pytest.raises(HospiblogError) as caught:
        load_config(site)
    return [error.format(site) for error in flatten([caught.value])]


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "site.toml").write_text(text, "utf-8")
    return tmp_path


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


# ---------------------------------------------------------------- site.toml


def test_a_campaign_is_read_with_its_dates_hashtags_and_partner(tmp_path: Path) -> None:
    campaign = load_config(write(tmp_path, CONFIG)).campaigns["mois-sans-tabac"]
    assert (campaign.key, campaign.label, str(campaign.start), str(campaign.end)) == (
        "mois-sans-tabac", "Mois sans tabac", "2026-11-01", "2026-11-30")
    assert campaign.hashtags == ("MoisSansTabac", "#SansTabac")
    assert campaign.partner is not None and campaign.partner.url == "https://sans-fumee.example"
    assert campaign.description == "Un mois pour arrêter de fumer, accompagné."


def test_a_colour_too_light_for_white_text_is_refused_with_a_darker_one(tmp_path: Path) -> None:
    text = CONFIG.replace('color = "#0e6b73"', 'color = "#f48fb1"')
    (message,) = errors_of(write(tmp_path, text))
    assert message.startswith(f"site.toml:{line_of(text, '#f48fb1')}: error: white text on \"#f48fb1\" has a contrast")
    suggested = re.search(r'color = "(#[0-9a-f]{6})"', message)
    assert suggested is not None
    assert cards.contrast_ratio(cards.parse_color(suggested.group(1)), (255, 255, 255)) >= 4.5
    load_config(write(tmp_path, text.replace("#f48fb1", suggested.group(1))))  # the suggestion is accepted


@pytest.mark.parametrize(("change", "expected"), [
    (("start = 2026-11-01", 'start = "2026-11-01"'), "'campaigns.mois-sans-tabac.start' must be a date"),
    (("end = 2026-11-30", "end = 2026-10-30"), "ends (2026-10-30) before it starts (2026-11-01)"),
    (('hashtags = ["MoisSansTabac", "#SansTabac"]', 'hashtags = "MoisSansTabac"'), "must be a list of texts"),
    (('hashtags = ["MoisSansTabac", "#SansTabac"]', 'hashtags = ["2026"]'), '"2026" cannot be a hashtag'),
    (("[campaigns.mois-sans-tabac]", "[campaigns.Mois_Sans_Tabac]"), "may only hold lower-case letters"),
    (('url = "https://sans-fumee.example"', 'url = "sans-fumee.example"'), "must be an http(s) URL"),
    (('label = "Mois sans tabac"', 'lable = "Mois sans tabac"'), "did you mean 'label'?"),
])
def test_campaign_mistakes_are_errors_with_their_line(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    text = CONFIG.replace(*change)
    messages = errors_of(write(tmp_path, text))
    assert any(expected in message for message in messages), messages
    assert all(re.match(r"site\.toml:\d+: error: ", message) for message in messages)


def test_campagnes_is_no_category_slug(tmp_path: Path) -> None:
    (message,) = errors_of(write(tmp_path, SITE_TOML.replace('slug = "actualites"', 'slug = "campagnes"')))
    assert 'category slug "campagnes" cannot be used' in message


# ---------------------------------------------------------------- the site


def campaign_site(make_site: SiteMaker, config: str = CONFIG) -> Path:
    return make_site({
        "posts/testimonials/c.md": post("Le récit de Paul", "2026-11-13", summary="Paul raconte.",
                                        campaign="mois-sans-tabac",
                                        consent="\n  given: 2026-11-01\n  scope: [web, social]"),
        "posts/news/a.md": post("Le programme du mois", "2026-10-27", summary="Le programme.",
                                campaign="mois-sans-tabac"),
        "posts/prevention/b.md": post("Arrêter de fumer", "2026-11-03", summary="Les aides.",
                                      campaign="mois-sans-tabac", reviewed_by='"Dr Yves Test, médecin-chef"',
                                      last_reviewed="2026-10-22"),
        "posts/news/other.md": post("Une autre nouvelle", "2026-11-05", summary="Sans campagne."),
    }, config)


def built(site: Path, tmp_path: Path) -> Path:
    output = tmp_path / "out"
    build(site, output=output, now=NOW, use_cache=False, workers=1)
    return output


def page(output: Path, url: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((output / url.strip("/") / "index.html").read_bytes())


def test_the_campaign_page_lists_its_posts_oldest_first_with_its_facts(make_site: SiteMaker, tmp_path: Path) -> None:
    output = built(campaign_site(make_site), tmp_path)
    html = page(output, "/campagnes/mois-sans-tabac/")
    assert html.xpath("string(//h1)") == "Mois sans tabac"
    titles = [" ".join(text.split()) for listing in (html, page(output, "/campagnes/mois-sans-tabac/page/2/"))
              for text in listing.xpath("//main//h2[@class='card-title']/a/text()")]
    assert titles == ["Le programme du mois", "Arrêter de fumer", "Le récit de Paul"]  # posts_per_page = 2
    main = " ".join(html.xpath("string(//main)").split())
    assert "Du 1er novembre 2026 au 30 novembre 2026" in main and "#MoisSansTabac #SansTabac" in main
    assert "Un mois pour arrêter de fumer, accompagné." in main
    assert html.xpath("//a[@href='https://sans-fumee.example']/text()") == ["Association sans fumée"]
    assert not html.xpath("//main//*[contains(@class, 'badge-campaign')]")  # its own page does not repeat it
    index = page(output, "/campagnes/")
    assert index.xpath("//main//h2/a/@href") == ["/campagnes/mois-sans-tabac/"]
    assert "/campagnes/" in page(output, "/").xpath("//footer//a/@href")


def test_posts_carry_a_badge_in_the_campaigns_colour_without_inline_style(make_site: SiteMaker,
                                                                         tmp_path: Path) -> None:
    output = built(campaign_site(make_site), tmp_path)
    post_page = page(output, "/prevention/arreter-de-fumer/")
    (badge,) = post_page.xpath("//header//a[contains(@class, 'badge-campaign')]")
    assert badge.get("href") == "/campagnes/mois-sans-tabac/" and badge.text == "Mois sans tabac"
    assert "campaign-mois-sans-tabac" in badge.get("class")
    (stylesheet,) = [href for href in post_page.xpath("//link[@rel='stylesheet']/@href") if "categories." in href]
    assert ".campaign-mois-sans-tabac { --campaign: #0e6b73; }" in (output / stylesheet.lstrip("/")).read_text()
    home = page(output, "/")
    assert len(home.xpath("//main//span[contains(@class, 'badge-campaign')]")) == 1  # Paul; the other is not
    assert not page(output, "/actualites/une-autre-nouvelle/").xpath("//*[contains(@class, 'badge-campaign')]")
    for html_file in output.rglob("*.html"):
        assert " style=" not in html_file.read_text("utf-8"), html_file


def test_a_site_without_campaigns_has_no_campaign_pages(make_site: SiteMaker, tmp_path: Path) -> None:
    output = built(make_site({"posts/news/a.md": post("Une nouvelle", summary="Un résumé.")}), tmp_path)
    assert not (output / "campagnes").exists()
    assert "/campagnes/" not in page(output, "/").xpath("//a/@href")


# ---------------------------------------------------------------- cards


def test_the_campaign_label_is_on_the_card_and_in_its_key(make_site: SiteMaker) -> None:
    config = load_config(campaign_site(make_site))
    posts, _ = parse_all(discover(config), config, cache=None, workers=1)
    theme = load_theme(config)
    (campaign_post,) = [found for found in posts if found.relative.endswith("b.md")]
    specs = cards.post_card_specs(campaign_post, config, static_lookup=theme.static_file)
    assert {(spec.campaign, spec.campaign_color) for spec in specs.values()} == {("Mois sans tabac", "#0e6b73")}
    settings = cards.load_card_settings([builtin_theme_dir()])
    without = CardSpec(**{**specs["og"].__dict__, "campaign": ""})
    assert cards.card_key(specs["og"], settings) != cards.card_key(without, settings)
    for size, spec in specs.items():
        layout = cards.layout_card(spec, settings)
        assert layout.campaign_text == "Mois sans tabac", size
        assert layout.label_box is not None and layout.campaign_box is not None
        left, top, right, bottom = layout.campaign_box
        assert left >= 0 and right <= layout.width and bottom < layout.title_box[1], size
        assert top >= layout.label_box[3] or left >= layout.label_box[2], size  # beside or below, never over
        assert cards.draw_card(spec, settings)[:2] == b"\xff\xd8"  # drawn: a JPEG
    assert "Mois sans tabac" in cards.post_share_images(campaign_post, config, settings, image_sizes={})[0].alt


def test_a_long_campaign_label_goes_below_the_category(make_site: SiteMaker) -> None:
    settings = cards.load_card_settings([builtin_theme_dir()])
    spec = CardSpec(title="Un titre", label="Prévention et conseils", color="#1d6b3a", organization="Hôpital",
                    campaign="Campagne nationale de prévention des maladies cardiovasculaires", size="square")
    layout = cards.layout_card(spec, settings)
    assert layout.label_box is not None and layout.campaign_box is not None
    assert layout.campaign_box[1] > layout.label_box[3] and layout.campaign_box[2] <= layout.width
    assert layout.title_box[1] > layout.campaign_box[3]


# ---------------------------------------------------------------- social kit


def kit_posts(make_site: SiteMaker, title: str = "Arrêter de fumer") -> tuple[object, list[Post]]:
    site = make_site({"posts/prevention/b.md": post(title, "2026-11-03", summary="Les aides qui marchent. " * 3,
                                                    campaign="mois-sans-tabac", tags="[tabac, santé]")}, CONFIG)
    config = load_config(site)
    posts, _ = parse_all(discover(config), config, cache=None, workers=1)
    context = make_context(posts, config, static_lookup=load_theme(config).static_file, today=NOW.date())
    site_model = assemble_site(posts, config, now=NOW, urls=context.urls, image_sizes=context.image_sizes)
    return config, list(site_model.posts)


@pytest.mark.parametrize("title", ["Arrêter de fumer", "Arrêter de fumer : " + "les aides qui marchent vraiment " * 9])
def test_the_campaigns_hashtags_are_in_the_texts_within_each_limit(make_site: SiteMaker, title: str) -> None:
    config, (campaign_post,) = kit_posts(make_site, title[:400])
    assert social.campaign_hashtags(campaign_post, config) == ["#MoisSansTabac", "#SansTabac"]
    url = "https://blog.test.example/prevention/b/?utm_source=x"
    for network in ("facebook", "linkedin", "x", "instagram"):
        text = social.compose(campaign_post, network, url, config)
        assert "#MoisSansTabac #SansTabac" in text, network
        assert social.fits(text, network), network
    x_text = social.compose(campaign_post, "x", url, config)
    assert parse_tweet(x_text).valid and x_text.endswith(f"#MoisSansTabac #SansTabac\n\n{url}")
    instagram = social.compose(campaign_post, "instagram", url, config)
    assert instagram.endswith("#MoisSansTabac #SansTabac #Tabac #Santé")  # the campaign's first, then the tags
    assert "#" not in social.compose(campaign_post, "whatsapp", url, config)
    for network in social.SCHEDULED_NETWORKS:
        (row,) = social.schedule_rows([campaign_post], config, network)
        assert row[1].endswith("#MoisSansTabac #SansTabac") and social.fits(f"{row[1]} {row[2]}", network)


def test_an_editors_own_text_is_used_as_written(make_site: SiteMaker) -> None:
    site = make_site({"posts/news/a.md": post("Titre", summary="Résumé.", campaign="mois-sans-tabac",
                                              social='\n  x: "Mon texte"')}, CONFIG)
    config = load_config(site)
    (found,), _ = parse_all(discover(config), config, cache=None, workers=1)
    assert social.compose(found, "x", "https://blog.test.example/a/", config) == "Mon texte"
