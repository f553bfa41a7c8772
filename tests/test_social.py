"""The social kit: share links, texts within each network's limit, and the files of the kit."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import unicodedata
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from twitter_text import parse_tweet

from hospiblog import social
from hospiblog.build import parse_all
from hospiblog.checks.context import make_context
from hospiblog.config import SharingConfig, SiteConfig, load_config
from hospiblog.content.discover import discover
from hospiblog.errors import ContentError
from hospiblog.model import Post
from hospiblog.site import assemble_site
from hospiblog.theme import load_theme, make_environment
from tests.conftest import NOW, SITE_TOML, SiteMaker, post, write_image

URL = "https://blog.test.example/medecine/varices-quand-consulter/"
REAL_URL = "https://blog.hopital-valclair.ch/medecine/varices-quand-consulter/"
TRICKY_TITLE = "Varices & veines : 100 % utile ? #santé + « conseils »/avis"
HASHTAG = re.compile(r"^#\w*[^\W\d_]\w*$")


def published(site_dir: Path) -> tuple[SiteConfig, list[Post]]:
    config = load_config(site_dir)
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    assert not errors
    theme = load_theme(config)
    context = make_context(posts, config, static_lookup=theme.static_file, today=NOW.date())
    return config, list(assemble_site(posts, config, now=NOW, urls=context.urls,
                                      image_sizes=context.image_sizes).posts)


def one_post(make_site: SiteMaker, config_text: str = SITE_TOML, **fields: str) -> tuple[SiteConfig, Post]:
    defaults = {"summary": '"Jambes lourdes, veines visibles : quand faut-il voir un médecin ?"',
                "tags": "[veines, santé mentale, sport, 2026, cœur, veines, l'hôpital]"}
    config, posts = published(make_site({"posts/medicine/a.md": post("Varices : quand consulter ?", "2026-10-14",
                                                                     **(defaults | fields))}, config=config_text))
    return config, posts[0]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)


# ---------------------------------------------------------------- share links


def test_share_links_are_well_formed_and_round_trip() -> None:
    summary = "Un résumé avec & et = et ? et #ancre\net une ligne"
    links = {link.network: link for link in social.share_links(URL, TRICKY_TITLE, summary, SharingConfig())}
    assert list(links) == ["facebook", "linkedin", "x", "whatsapp", "email"]
    for link in links.values():
        assert " " not in link.url and "\n" not in link.url and "«" not in link.url
    expected = {"facebook": ("https", "www.facebook.com", "/sharer/sharer.php"),
                "linkedin": ("https", "www.linkedin.com", "/sharing/share-offsite/"),
                "x": ("https", "x.com", "/intent/post"), "whatsapp": ("https", "wa.me", "/")}
    for network, (scheme, host, path) in expected.items():
        parts = urlsplit(links[network].url)
        assert (parts.scheme, parts.netloc, parts.path) == (scheme, host, path)
    shared = {"facebook": query_of(links["facebook"].url)["u"][0],
              "linkedin": query_of(links["linkedin"].url)["url"][0], "x": query_of(links["x"].url)["url"][0]}
    for network, url in shared.items():
        assert url.startswith(URL + "?")
        assert query_of(url) == {"utm_source": [network], "utm_medium": ["social"], "utm_campaign": ["blog"]}
    assert query_of(links["x"].url)["text"] == [social.clean(TRICKY_TITLE)]
    whatsapp_text = query_of(links["whatsapp"].url)["text"][0]
    assert whatsapp_text.startswith(social.clean(TRICKY_TITLE) + " " + URL + "?utm_source=whatsapp")
    mail = urlsplit(links["email"].url)
    assert mail.scheme == "mailto" and mail.path == "" and "+" not in mail.query
    mail_query = query_of(links["email"].url)
    assert mail_query["subject"] == [social.clean(TRICKY_TITLE)]
    assert mail_query["body"][0].startswith(social.clean(summary) + "\r\n\r\n" + URL + "?utm_source=email")
    assert {link.label_key for link in links.values()} == {"share_on", "share_by_email"}


def test_share_links_without_utm_carry_the_bare_url() -> None:
    links = social.share_links(URL, "Titre", "", SharingConfig(utm=False))
    assert query_of(links[0].url)["u"] == [URL]
    assert query_of(links[-1].url)["body"] == [URL]


def test_tracked_url_keeps_other_parameters_and_replaces_utm() -> None:
    tracked = social.tracked_url(URL + "?page=2&utm_source=old#top", "x",
                                 SharingConfig(utm_medium="réseaux sociaux", utm_campaign="automne 2026"))
    assert tracked.endswith("#top")
    assert query_of(tracked) == {"page": ["2"], "utm_source": ["x"], "utm_medium": ["réseaux sociaux"],
                                 "utm_campaign": ["automne 2026"]}


# ---------------------------------------------------------------- texts


def test_texts_for_each_network(make_site: SiteMaker) -> None:
    config, article = one_post(make_site)
    x_text = social.compose(article, "x", URL, config)
    assert x_text == f"{article.meta.title}\n\n{article.meta.summary}\n\n{URL}"
    assert social.compose(article, "linkedin", URL, config).endswith("\n\n" + URL)
    caption = social.compose(article, "instagram", URL, config)
    assert "http" not in caption and "\n\nLien en bio\n\n" in caption
    tags = caption.rsplit("\n\n", 1)[1].split(" ")
    assert tags == ["#Veines", "#SantéMentale", "#Sport", "#Cœur", "#LHôpital"]
    assert all(HASHTAG.match(tag) for tag in tags)


def test_hashtags_respect_the_configured_maximum(make_site: SiteMaker) -> None:
    config, article = one_post(make_site, config_text=SITE_TOML + "\n[sharing]\nhashtags_max = 2\n")
    assert social.compose(article, "instagram", URL, config).endswith("\n\n#Veines #SantéMentale")


def test_hashtag_rules() -> None:
    assert social.hashtag("santé mentale") == "#SantéMentale"
    assert social.hashtag("COVID-19") == "#COVID19"
    assert social.hashtag("2026") == "" and social.hashtag("« ! »") == ""
    assert social.hashtag("e\u0301te\u0301") == "#Été"
    assert social.hashtags(["Sport", "sport", "SPORT"], 5) == ["#Sport"]


def test_language_of_the_link_in_bio(make_site: SiteMaker) -> None:
    config, article = one_post(make_site, lang="de")
    assert "Link in der Bio" in social.compose(article, "instagram", URL, config)


def test_long_texts_are_shortened_for_x(make_site: SiteMaker) -> None:
    config, article = one_post(make_site, summary='"' + "Une phrase assez longue sur les veines. " * 20 + '"')
    text = social.compose(article, "x", REAL_URL, config)
    result = parse_tweet(text)
    assert result.valid and result.weightedLength <= 280
    assert text.endswith("…\n\n" + REAL_URL) and text.startswith(article.meta.title)
    assert len(social.compose(article, "linkedin", REAL_URL, config)) > 280


TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=400)


@pytest.fixture(scope="module")
def base_post(tmp_path_factory: pytest.TempPathFactory) -> tuple[SiteConfig, Post]:
    folder = tmp_path_factory.mktemp("social-site")
    (folder / "posts" / "medicine").mkdir(parents=True)
    (folder / "site.toml").write_text(SITE_TOML, "utf-8")
    write_image(folder / "static" / "images" / "logo.png", (64, 64))
    (folder / "posts" / "medicine" / "a.md").write_text(post("Titre", summary='"Résumé"'), "utf-8")
    config, posts = published(folder)
    return config, posts[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TEXT, summary=st.text(max_size=600), tags=st.lists(TEXT, max_size=12),
       url=st.sampled_from([URL, REAL_URL, REAL_URL + "?utm_source=x&utm_medium=social&utm_campaign=blog"]))
def test_x_text_always_fits(base_post: tuple[SiteConfig, Post], title: str, summary: str, tags: list[str],
                            url: str) -> None:
    config, article = base_post
    varied = replace(article, meta=replace(article.meta, title=title, summary=summary, tags=tuple(tags)))
    text = social.compose(varied, "x", url, config)
    result = parse_tweet(text)
    assert result.weightedLength <= 280 and result.valid
    assert text.endswith(url)
    caption = social.compose(varied, "instagram", url, config)
    assert len(caption) <= 2200 and url not in caption
    assert all(HASHTAG.match(tag) for tag in caption.rsplit("\n\n", 1)[-1].split(" ") if tag.startswith("#"))


_LINKISH = st.sampled_from(["a.co", "https://hopital.ch/v", "x.com", " ", ".", "(", ")", "©", "®", "👩‍⚕️", "…",
                             "é", "ß", "\u0301", "\u0958", "中", "https://blog.hopital-valclair.example/a/?u=1"])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.one_of(_LINKISH, st.text(max_size=8)), max_size=40))
def test_x_weight_bound_is_never_below_x_count(parts: list[str]) -> None:
    """The cheap bound that spares twitter-text must never be under X's own count (else a too long text passes)."""
    text = unicodedata.normalize("NFC", "".join(parts))
    assert social.x_weight_bound(text) >= parse_tweet(text).weightedLength


def test_front_matter_text_is_used_as_it_is(make_site: SiteMaker) -> None:
    config, article = one_post(make_site, social='{x: "Nos conseils 👇 https://hopital.ch/v", linkedin: "Texte LI"}')
    assert social.compose(article, "x", URL, config) == "Nos conseils 👇 https://hopital.ch/v"
    assert social.compose(article, "linkedin", URL, config) == "Texte LI"
    assert social.compose(article, "facebook", URL, config).endswith(URL)


def test_over_long_front_matter_text_names_file_and_line(make_site: SiteMaker) -> None:
    config, article = one_post(make_site, social='{x: "' + "é" * 281 + '"}')
    with pytest.raises(ContentError) as caught:
        social.compose(article, "x", URL, config)
    error = caught.value
    assert error.location is not None and error.location.path == article.source_path
    assert error.location.line == article.meta.line_of("social") == 6
    assert "281 weighted characters" in error.message and "accepts 280" in error.message
    assert error.hint is not None and "social" in error.hint


# ---------------------------------------------------------------- selection and kit


def three_posts(make_site: SiteMaker) -> tuple[SiteConfig, list[Post]]:
    return published(make_site({
        "posts/medicine/varices.md": post("Varices : quand consulter ?", "2026-10-14T08:32:00+02:00",
                                          summary='"Résumé varices."', tags="[veines, santé mentale]"),
        "posts/news/portes.md": post("Portes ouvertes", "2026-09-01", summary='"Venez nombreux."'),
        "posts/prevention/sommeil.md": post("Bien dormir", "2026-06-01",
                                            social='{x: "Dormez bien 😴 https://hopital.ch/s"}'),
    }))


def test_select_posts_by_name_and_date(make_site: SiteMaker) -> None:
    _, posts = three_posts(make_site)

    def titles(chosen: list[Post]) -> list[str]:
        return [p.meta.title for p in chosen]

    assert titles(social.select_posts(posts)) == ["Varices\u202f: quand consulter\u202f?", "Portes ouvertes",
                                                  "Bien dormir"]
    assert titles(social.select_posts(posts, ["bien-dormir", "posts/news/portes.md"])) == ["Portes ouvertes",
                                                                                          "Bien dormir"]
    assert titles(social.select_posts(posts, ["varices"])) == ["Varices\u202f: quand consulter\u202f?"]
    assert titles(social.select_posts(posts, since=date(2026, 9, 1))) == ["Varices\u202f: quand consulter\u202f?",
                                                                         "Portes ouvertes"]
    assert titles(social.select_posts(posts, ["portes"], since=datetime(2026, 9, 2, tzinfo=NOW.tzinfo))) == []
    with pytest.raises(ContentError) as caught:
        social.select_posts(posts, ["bien-dormi"])
    assert caught.value.hint == "did you mean 'bien-dormir'?"


def test_schedule_time_is_rounded_up_to_five_minutes(make_site: SiteMaker) -> None:
    config, _ = three_posts(make_site)
    zone = config.zone
    assert social.schedule_time(datetime(2026, 10, 14, 8, 32, tzinfo=zone), config) == "14/10/2026 08:35"
    assert social.schedule_time(datetime(2026, 10, 14, 8, 35, tzinfo=zone), config) == "14/10/2026 08:35"
    assert social.schedule_time(datetime(2026, 10, 14, 8, 35, 1, tzinfo=zone), config) == "14/10/2026 08:40"
    assert social.schedule_time(datetime(2026, 12, 31, 23, 58, tzinfo=zone), config) == "01/01/2027 00:00"


def jpeg(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 90, 170)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_write_kit(make_site: SiteMaker, tmp_path: Path) -> None:
    config, posts = three_posts(make_site)
    images = {p.relative: {"og": jpeg((1200, 630)), "square": jpeg((1080, 1080)), "story": jpeg((1080, 1920))}
              for p in posts}
    big = Image.frombytes("RGB", (1600, 840), random.Random(3).randbytes(1600 * 840 * 3))
    buffer = io.BytesIO()
    big.save(buffer, "PNG")
    images[posts[1].relative]["og"] = buffer.getvalue()  # an editor's share_image, far over 300 KB
    out = tmp_path / "kit"
    written = social.write_kit(posts, config, out, images)
    assert all(path.is_file() for path in written)
    folder = out / "2026-10-14-varices-quand-consulter"
    assert sorted(path.name for path in folder.iterdir()) == [
        "facebook.jpg", "instagram-square.jpg", "instagram-story.jpg", "linkedin.jpg", "texts.json", "texts.txt",
        "whatsapp.jpg", "x.jpg"]
    data = json.loads((folder / "texts.json").read_text("utf-8"))
    assert set(data["networks"]) == set(social.NETWORKS)
    assert data["networks"]["x"]["length"] <= 280 and data["networks"]["x"]["images"] == ["x.jpg"]
    assert data["networks"]["instagram"]["images"] == ["instagram-square.jpg", "instagram-story.jpg"]
    assert "utm_source=linkedin" in data["networks"]["linkedin"]["link"]
    assert "--- Instagram" in (folder / "texts.txt").read_text("utf-8")
    whatsapp = out / "2026-09-01-portes-ouvertes" / "whatsapp.jpg"
    assert whatsapp.stat().st_size <= 300_000 and (out / "2026-09-01-portes-ouvertes" / "facebook.png").is_file()


def test_schedule_files_follow_hootsuite_bulk_format(make_site: SiteMaker, tmp_path: Path) -> None:
    config, posts = three_posts(make_site)
    social.write_kit(posts, config, tmp_path, {})
    for network in social.SCHEDULED_NETWORKS:
        raw = (tmp_path / f"schedule-{network}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
        assert len(rows) == 3
        for when, message, link in rows:
            parsed = datetime.strptime(when, "%d/%m/%Y %H:%M")
            assert parsed.minute % 5 == 0 and "\n" not in message
            if link:
                assert social.fits(f"{message} {link}", network) and "utm_source=" + network in link
    x_rows = list(csv.reader(io.StringIO((tmp_path / "schedule-x.csv").read_text("utf-8"), newline="")))
    assert x_rows[0][0] == "14/10/2026 08:35"
    assert x_rows[2] == ["01/06/2026 00:00", "Dormez bien 😴 https://hopital.ch/s", ""]


def test_share_partial_works_without_javascript(make_site: SiteMaker) -> None:
    config = load_config(make_site())
    links = social.share_links(URL, TRICKY_TITLE, "Résumé", config.sharing)
    view = SimpleNamespace(share_links=links, absolute_url=URL, title=TRICKY_TITLE, summary="Résumé")
    html = make_environment(load_theme(config)).get_template("partials/share.html").render(post=view)
    fragment = lxml.html.fragment_fromstring(html)
    anchors = fragment.xpath(".//a")
    assert [anchor.get("href") for anchor in anchors] == [link.url for link in links]
    assert all(anchor.text_content().strip() for anchor in anchors)
    assert fragment.xpath(".//input[@readonly]/@value") == [URL]
    assert all(button.get("hidden") is not None for button in fragment.xpath(".//button"))
    assert not fragment.xpath(".//script") and not fragment.xpath(".//@*[starts-with(name(), 'on')]")
    assert fragment.xpath(".//button[@data-share-native]/@data-title") == [TRICKY_TITLE]
