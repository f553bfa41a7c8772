"""Share cards drawn with the real Pillow: sizes, determinism, fitting titles, contrast and the cache."""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
from dataclasses import replace
from pathlib import Path

import PIL
import pytest
from PIL import Image, ImageDraw, ImageOps, features

from hospiblog import cards, jpegrows
from hospiblog.build import build, parse_all
from hospiblog.cards import CardSettings, CardSpec
from hospiblog.checks.context import make_context
from hospiblog.config import SiteConfig, load_config
from hospiblog.content.discover import discover
from hospiblog.errors import ConfigError
from hospiblog.model import Site
from hospiblog.site import assemble_site
from hospiblog.theme import builtin_theme_dir, load_theme
from tests.conftest import NOW, SiteMaker, post, write_image

LONG_TITLE = ("Prévention des chutes chez les aînés : l’ergothérapeute du Val-Clair répond à « vos » questions "
              "les plus fréquentes sur l'aménagement du domicile")
SIZES = {"og": (1200, 630), "square": (1080, 1080), "story": (1080, 1920)}


@pytest.fixture(scope="module")
def settings() -> CardSettings:
    return cards.load_card_settings([builtin_theme_dir()])


@pytest.mark.parametrize("text", ["Consultation d’hypnose : « ce que j’y ai trouvé »", "fi fl ffi Tâ Vo AVAWAY",
                                  "Fußpflege für Diabetiker·innen – Ärztin", "j", "g,", "…", "12 h 30 ?"])
def test_a_line_is_measured_and_drawn_as_pillow_draws_text(settings: CardSettings, text: str) -> None:
    """A card renders each line once, to measure it and to draw it (cards._line_mask): the box is getbbox's and the
    pixels are ImageDraw.text's, for both fonts and odd sizes (kerning, ligatures, overhanging glyphs)."""
    for path, size in ((settings.title_font, 64), (settings.title_font, 37), (settings.text_font, 29)):
        font = cards._font(str(path), size)
        assert cards._ink(font, text) == font.getbbox(text, anchor="la")
        expected = Image.new("RGB", (1600, 200), (16, 92, 140))
        drawn = expected.copy()
        ImageDraw.Draw(expected).text((41, 17), text, font=font, fill=(255, 248, 231), anchor="la")
        draw = ImageDraw.Draw(drawn)
        cards._draw_line(draw, (41, 17), text, font, draw.draw.draw_ink((255, 248, 231)))
        assert drawn.tobytes() == expected.tobytes(), (path.name, size)


def test_a_word_is_measured_only_when_its_bound_does_not_settle_it(settings: CardSettings) -> None:
    """Fitting a title skips measuring a word whose bound (its characters' advances and a slack) fits: the answer
    is the measured one for short and long words, at widths on both sides of each word's ink."""
    words = ["de", "l’hôpital", "Consultation", "«", "WWWWWWWW", "fiffl", "Fußpflege", "été-là",
             "Donaudampfschifffahrtsgesellschaftskapitän", "Infirmier·ère", "AVAWAYTAVA"]
    for path, size in ((settings.title_font, 72), (settings.title_font, 40), (settings.text_font, 26)):
        font = cards._font(str(path), size)
        for word in words:
            ink = cards._ink_width(font, word)
            for width in (ink - 1, ink, ink + 1, 2 * ink, 1080):
                assert cards._wider_than(font, word, width) == (ink > width), (word, size, width)


NO_OWN_ADVANCE_FONT = Path("/usr/share/fonts/truetype/noto/NotoMono-Regular.ttf")
"""A font whose combining marks have no advance alone, and take one after a base it lacks (Debian: fonts-noto-mono)."""


@pytest.mark.skipif(not NO_OWN_ADVANCE_FONT.is_file(), reason="needs Debian's fonts-noto-mono")
def test_a_word_of_marks_without_advance_is_measured() -> None:
    """In Noto Mono, ट and 40 acute accents are 1,476 px wide at 60 px: more than the bound of their advances alone
    (1,266 px). The word is measured, so it is found wider than 1,400 px (a review found the bound wrong here)."""
    font = cards._font(str(NO_OWN_ADVANCE_FONT), 60)
    word = "ट" + "\u0301" * 40
    assert cards._ink_width(font, word) == 1476
    assert cards._wider_than(font, word, 1400) and cards._wider_than(font, word, 1475)
    assert not cards._wider_than(font, word, 1476)


def write_logo(path: Path) -> Path:
    """A 64×64 PNG logo: a blue square on transparency, the same pixels with any zlib."""
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    image.paste((11, 92, 173, 255), (8, 8, 56, 56))
    image.save(path)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("card-files")
    logo = write_logo(folder / "logo.png")
    photo = folder / "photo.jpg"
    write_image(photo, (900, 600))
    white = folder / "white.png"
    Image.new("RGB", (400, 300), (255, 255, 255)).save(white)
    noise = folder / "noise.png"
    Image.frombytes("RGB", (1600, 900), random.Random(7).randbytes(1600 * 900 * 3)).save(noise)
    return {"logo": logo, "photo": photo, "white": white, "noise": noise}


def spec(files: dict[str, Path], size: str = "og", *, title: str = "Varices : quand consulter ?",
         background: str | None = None) -> CardSpec:
    return CardSpec(title=title, label="Médecine et soins", color="#0b5cad", organization="Hôpital du Val-Clair",
                    logo=files["logo"], background=files[background] if background else None, size=size)


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("background", [None, "photo"])
def test_every_card_has_its_exact_size_and_is_a_jpeg(settings: CardSettings, files: dict[str, Path], size: str,
                                                      background: str | None) -> None:
    image = decoded(cards.draw_card(spec(files, size, background=background), settings))
    assert image.format == "JPEG" and image.mode == "RGB" and image.size == SIZES[size]


def test_same_inputs_give_the_same_bytes(settings: CardSettings, files: dict[str, Path]) -> None:
    card = spec(files, background="photo")
    assert cards.draw_card(card, settings) == cards.draw_card(card, settings)
    assert cards.draw_card(card, settings) != cards.draw_card(replace(card, title="Autre titre"), settings)


def test_og_card_stays_under_300_kb_even_over_noise(settings: CardSettings, files: dict[str, Path]) -> None:
    data = cards.draw_card(spec(files, title=LONG_TITLE, background="noise"), settings)
    assert len(data) <= 300_000
    assert decoded(data).size == (1200, 630)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("title", [LONG_TITLE, "Bien dormir", "Être bénévole à l'hôpital : Odette raconte",
                                   "Oto-rhino-laryngologie-pédiatrique-et-cervico-faciale " * 3,
                                   "« " + "très " * 80 + "»"])
def test_title_never_leaves_its_box(settings: CardSettings, files: dict[str, Path], size: str, title: str) -> None:
    layout = cards.layout_card(spec(files, size, title=title), settings)
    left, top, right, bottom = layout.title_box
    assert layout.title_lines and settings.size(size).title_min <= layout.title_size <= settings.size(size).title_max
    for ink in layout.line_boxes:
        assert left <= ink[0] and ink[2] <= right and top <= ink[1] and ink[3] <= bottom, (ink, layout.title_box)
    assert left >= 0 and right <= layout.width and bottom < layout.footer_box[1]
    assert layout.label_box is not None and layout.label_box[2] <= layout.width - settings.size(size).margin


def test_long_french_title_is_shrunk_not_cut(settings: CardSettings, files: dict[str, Path]) -> None:
    layout = cards.layout_card(spec(files, title=LONG_TITLE), settings)
    assert not layout.truncated and layout.title_size < settings.size("og").title_max
    assert " ".join(layout.title_lines) == cards.clean_text(LONG_TITLE)
    assert "« vos »" in " ".join(layout.title_lines).replace("\u202f", " ") or "« vos »" in LONG_TITLE
    short = cards.layout_card(spec(files, title="Bien dormir"), settings)
    assert short.title_size == settings.size("og").title_max and short.title_lines == ("Bien dormir",)


def test_words_stay_whole_when_a_smaller_size_allows(settings: CardSettings, files: dict[str, Path]) -> None:
    layout = cards.layout_card(spec(files, "story", title=LONG_TITLE), settings)
    assert set(" ".join(layout.title_lines).split(" ")) == set(cards.clean_text(LONG_TITLE).split(" "))


def test_a_title_too_long_for_any_size_ends_with_an_ellipsis(settings: CardSettings, files: dict[str, Path]) -> None:
    layout = cards.layout_card(spec(files, title="très " * 200), settings)
    assert layout.truncated and layout.title_size == settings.size("og").title_min
    assert layout.title_lines[-1].endswith("…")


def test_white_text_keeps_aa_contrast_over_a_white_photo(settings: CardSettings, files: dict[str, Path]) -> None:
    image = decoded(cards.draw_card(spec(files, background="white"), settings))
    background = image.getpixel((5, 5))
    assert isinstance(background, tuple)
    assert cards.contrast_ratio((background[0], background[1], background[2]), (255, 255, 255)) >= 4.5


def test_light_category_colour_is_darkened(settings: CardSettings, files: dict[str, Path]) -> None:
    image = decoded(cards.draw_card(replace(spec(files), color="#ffe066"), settings))
    pixel = image.getpixel((5, 5))
    assert isinstance(pixel, tuple)
    assert cards.contrast_ratio((pixel[0], pixel[1], pixel[2]), (255, 255, 255)) >= 4.5
    assert cards.readable_background((11, 92, 173), (255, 255, 255)) == (11, 92, 173)


def test_cache_hit_does_not_redraw(settings: CardSettings, files: dict[str, Path], tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    specs = [spec(files), spec(files, "square", background="photo")]
    first = cards.draw_cards(specs, settings, tmp_path, workers=1)

    def refuse(*_: object) -> bytes:
        raise AssertionError("a cached card was drawn again")

    monkeypatch.setattr(cards, "draw_card", refuse)
    assert cards.draw_cards(specs, settings, tmp_path, workers=1) == first
    assert cards.card_bytes(specs[0], settings, tmp_path) == first[cards.card_key(specs[0], settings)]
    assert cards.warm_card_cache(specs, settings, tmp_path, workers=1) == 0


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "flipped"])
def test_damaged_cache_entry_is_a_miss(settings: CardSettings, files: dict[str, Path], tmp_path: Path,
                                       damage: str) -> None:
    card = spec(files)
    key = cards.card_key(card, settings)
    good = cards.draw_cards([card], settings, tmp_path, workers=1)[key]
    (entry,) = tmp_path.rglob(f"{key}.card")
    raw = entry.read_bytes()
    entry.write_bytes({"garbage": b"not a card", "truncated": raw[: len(raw) // 2], "empty": b"",
                       "flipped": raw[:-10] + bytes(10)}[damage])
    assert cards.read_cached_card(tmp_path, key) is None
    assert cards.draw_cards([card], settings, tmp_path, workers=1)[key] == good
    assert cards.read_cached_card(tmp_path, key) == good


def test_serial_and_parallel_give_the_same_bytes(settings: CardSettings, files: dict[str, Path]) -> None:
    specs = [spec(files, size, title=f"Article numéro {number} : un titre", background="photo" if number % 2 else None)
             for number in range(6) for size in SIZES]
    assert len(specs) > cards.PARALLEL_THRESHOLD
    serial = cards.draw_cards(specs, settings, None, workers=1)
    parallel = cards.draw_cards(specs, settings, None, workers=3)
    assert serial == parallel and len(serial) == len(specs)


def test_key_follows_file_bytes_and_settings(settings: CardSettings, files: dict[str, Path], tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    write_image(photo, (300, 200))
    card = replace(spec(files), background=photo)
    before = cards.card_key(card, settings)
    assert cards.card_key(card, settings) == before
    Image.new("RGB", (300, 200), (200, 30, 30)).save(photo)
    assert cards.card_key(card, settings) != before
    assert cards.card_key(card, replace(settings, overlay_opacity=0.9)) != cards.card_key(card, settings)
    assert cards.card_key(replace(card, size="square"), settings) != cards.card_key(card, settings)


def test_theme_card_toml_overrides_keys(tmp_path: Path) -> None:
    child = tmp_path / "child"
    (child / "cards").mkdir(parents=True)
    (child / "cards" / "card.toml").write_text('label_style = "plain"\n[sizes.og]\ntitle_max = 50\n', "utf-8")
    settings = cards.load_card_settings([child, builtin_theme_dir()])
    assert settings.label_style == "plain" and settings.size("og").title_max == 50
    assert settings.size("og").width == 1200 and settings.title_font.name == "NotoSans-Bold.ttf"
    (child / "cards" / "card.toml").write_text('label_style = "plain"\ntitle_colour = "#fff"\n', "utf-8")
    with pytest.raises(ConfigError) as caught:
        cards.load_card_settings([child, builtin_theme_dir()])
    assert caught.value.location is not None and caught.value.location.line == 2
    assert "title_colour" in caught.value.message


def test_font_and_licence_are_shipped() -> None:
    folder = builtin_theme_dir() / "cards"
    assert (folder / "OFL.txt").read_text("utf-8").count("SIL OPEN FONT LICENSE Version 1.1") == 1
    for name in ("NotoSans-Bold.ttf", "NotoSans-Regular.ttf"):
        assert (folder / name).read_bytes()[:4] == b"\x00\x01\x00\x00"


def test_output_paths() -> None:
    assert cards.card_output_path("medecine", "varices", "og") == "cards/medecine/varices-og.jpg"
    assert cards.card_output_path("medecine", "varices", "square") == "cards/medecine/varices-square.jpg"
    assert cards.card_output_path("medecine", "varices", "story") == "cards/medecine/varices-story.jpg"


def assembled(site_dir: Path) -> tuple[SiteConfig, Site, cards.StaticLookup]:
    config = load_config(site_dir)
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    assert not errors
    theme = load_theme(config)
    context = make_context(posts, config, static_lookup=theme.static_file, today=NOW.date())
    site = assemble_site(posts, config, now=NOW, urls=context.urls, image_sizes=context.image_sizes)
    return config, site, theme.static_file


def test_site_cards_from_real_posts(make_site: SiteMaker, settings: CardSettings, tmp_path: Path) -> None:
    site_dir = make_site({
        "posts/medicine/a.md": post("Varices : quand consulter ?", image="/images/photo.jpg", image_alt="Une photo"),
        "posts/news/b.md": post("Portes ouvertes", share_image="/images/carte.png"),
    })
    write_image(site_dir / "static/images/photo.jpg", (800, 500))
    write_image(site_dir / "static/images/carte.png", (1200, 630))
    config, site, lookup = assembled(site_dir)
    planned = cards.plan_cards(site.posts, config, settings, static_lookup=lookup)
    # A build publishes the og cards only (none for a post with its share_image); the social kit draws the rest.
    assert sorted(card.output for card in planned) == [
        "cards/medecine/varices-quand-consulter-og.jpg", "cards/site-og.jpg"]
    everything = cards.plan_cards(site.posts, config, settings, static_lookup=lookup, sizes=cards.CARD_SIZES)
    assert sorted(card.output for card in everything) == [
        "cards/actualites/portes-ouvertes-square.jpg", "cards/actualites/portes-ouvertes-story.jpg",
        "cards/medecine/varices-quand-consulter-og.jpg", "cards/medecine/varices-quand-consulter-square.jpg",
        "cards/medecine/varices-quand-consulter-story.jpg", "cards/site-og.jpg"]
    varices = next(card for card in planned if card.output.endswith("consulter-og.jpg"))
    assert varices.spec.background == site_dir / "static/images/photo.jpg"
    assert varices.spec.logo == site_dir / "static/images/logo.png" and varices.spec.label == "Médecine et soins"
    by_title = {p.meta.title: p for p in site.posts}
    images = cards.post_share_images(by_title["Portes ouvertes"], config, settings, image_sizes=site.image_sizes)
    assert [(image.url, image.width, image.media_type) for image in images] == [
        ("https://blog.test.example/images/carte.png", 1200, "image/png")]
    varices_post = next(p for p in site.posts if p.meta.slug == "varices-quand-consulter")
    images = cards.post_share_images(varices_post, config, settings, image_sizes=site.image_sizes)
    assert [(image.url, image.width, image.media_type) for image in images] == [
        ("https://blog.test.example/cards/medecine/varices-quand-consulter-og.jpg", 1200, "image/jpeg")]
    # With the square card published too (sizes), JSON-LD would list it after the og card.
    images = cards.post_share_images(by_title["Portes ouvertes"], config, settings, image_sizes=site.image_sizes,
                                     sizes=cards.CARD_SIZES)
    assert [image.url for image in images] == [
        "https://blog.test.example/images/carte.png",
        "https://blog.test.example/cards/actualites/portes-ouvertes-square.jpg"]
    kit = cards.post_card_images(by_title["Portes ouvertes"], config, settings, static_lookup=lookup,
                                 cache_dir=tmp_path)
    assert kit["og"] == (site_dir / "static/images/carte.png").read_bytes()
    assert decoded(kit["story"]).size == (1080, 1920)


def test_invalid_settings_are_reported(tmp_path: Path) -> None:
    child = tmp_path / "child"
    (child / "cards").mkdir(parents=True)
    for text, message in (('site_color = "blue"\n', "site_color must be a colour"),
                           ("jpeg_quality = 99\n", "jpeg_quality"),
                           ('[sizes.og]\ntitle_min = 90\n', "title_min"),
                           ('[sizes.og]\nwidth = "large"\n', "'sizes.og.width' must be int")):
        (child / "cards" / "card.toml").write_text(text, "utf-8")
        with pytest.raises(ConfigError) as caught:
            cards.load_card_settings([child, builtin_theme_dir()])
        assert message in caught.value.message


@pytest.mark.parametrize("source", ["phone.jpg", "phone.heic"])
def test_a_phone_photo_makes_an_upright_card_without_its_metadata(settings: CardSettings, tmp_path: Path,
                                                                   source: str) -> None:
    from tests.imagefiles import MARK, heic_photo, metadata_left, phone_jpeg

    path = tmp_path / source
    # A JPEG stored sideways (EXIF orientation 6) with a comment, XMP, IPTC and GPS; a HEIC with EXIF and XMP.
    path.write_bytes(phone_jpeg((1200, 630), orientation=6) if source.endswith(".jpg") else heic_photo((1200, 630)))
    spec = CardSpec("Une photo", "", "#0b5cad", "Hôpital", background=path)
    data = cards.draw_card(spec, settings)
    assert metadata_left(data) == []
    card = Image.open(io.BytesIO(data)).convert("RGB")
    # the photo's red corner is top left, darkened by the overlay: red stays the strongest channel there
    red, green, blue = card.getpixel((20, 20))  # type: ignore[misc]
    assert red > 2 * green and red > 2 * blue and MARK[0] > MARK[1]


@pytest.mark.parametrize("orientation", [1, 6])
def test_a_large_photo_is_decoded_at_a_smaller_scale_that_still_covers_the_card(
        settings: CardSettings, tmp_path: Path, orientation: int) -> None:
    from tests.imagefiles import MARK, phone_jpeg

    path = tmp_path / "large.jpg"
    path.write_bytes(phone_jpeg((5000, 2700), orientation=orientation))  # over four times an og card's size
    decoded = cards._open_image(path, (1200, 630))
    upright = ImageOps.exif_transpose(decoded)
    assert upright.width >= 1200 and upright.height >= 630  # libjpeg's 1/4 scale: 1250×675
    assert upright.width < 2500
    card = Image.open(io.BytesIO(cards.draw_card(CardSpec("Une photo", "", "#0b5cad", "Hôpital", background=path),
                                                 settings))).convert("RGB")
    assert card.size == (1200, 630)
    red, green, blue = card.getpixel((20, 20))  # type: ignore[misc]
    assert red > 2 * green and red > 2 * blue and MARK[0] > MARK[1]


def test_a_photo_turned_by_its_xmp_alone_is_turned_and_covers_the_card(settings: CardSettings,
                                                                        tmp_path: Path) -> None:
    """Pillow finds a photo's orientation in its XMP when its EXIF has none: the card turns it as the pages'
    images do, and the scale it is decoded at was chosen for the turned photo (not too small to cover the card)."""
    stored = Image.new("RGB", (1400, 5000), (30, 30, 30))
    ImageDraw.Draw(stored).rectangle((1200, 0, 1399, 4999), fill=(220, 0, 0))  # right: the top once turned
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="8"/></rdf:RDF>'
           b'</x:xmpmeta>')
    path = tmp_path / "xmp.jpg"
    stored.save(path, quality=90, xmp=xmp)
    upright = ImageOps.exif_transpose(cards._open_image(path, (1200, 630)))
    assert upright.size == (2500, 700)  # decoded at 1/2 scale, then turned
    card = Image.open(io.BytesIO(cards.draw_card(CardSpec("Une photo", "", "#0b5cad", "Hôpital", background=path),
                                                 settings))).convert("RGB")
    red, green, blue = card.getpixel((10, 10))  # type: ignore[misc]
    assert red > 2 * green and red > 2 * blue


def test_a_theme_that_puts_the_title_below_the_card_still_gets_its_card(settings: CardSettings) -> None:
    low = replace(settings, sizes=tuple(replace(size, top=700) if size.name == "og" else size
                                        for size in settings.sizes))
    for label in ("", "Prévention"):
        data = cards.draw_card(CardSpec("Un titre", label, "#0b5cad", "Hôpital"), low)
        assert Image.open(io.BytesIO(data)).size == (1200, 630)


def forget_drawing() -> None:
    """Empties every cache of cards.py's, as a new process starts."""
    for function in vars(cards).values():
        if hasattr(function, "cache_clear"):
            function.cache_clear()


def test_a_font_edited_while_a_process_lives_draws_as_a_new_process_would(tmp_path: Path) -> None:
    """serve's process outlives an edit of the theme's font: its cards are those a new process draws, or the
    card drawn with the old font would be stored under the new font's key and published by later builds."""
    theme = tmp_path / "theme"
    (theme / "cards").mkdir(parents=True)
    (theme / "cards" / "card.toml").write_text('title_font = "T.ttf"\ntext_font = "T.ttf"\n', "utf-8")
    font = theme / "cards" / "T.ttf"
    spec = CardSpec("Un titre assez long pour deux lignes", "Prévention", "#0b5cad", "Hôpital")
    drawn = []
    for number, name in enumerate(("NotoSans-Bold.ttf", "NotoSans-Regular.ttf")):
        font.write_bytes((builtin_theme_dir() / "cards" / name).read_bytes())
        os.utime(font, ns=(10**18 + number, 10**18 + number))
        settings = cards.load_card_settings([theme, builtin_theme_dir()])
        drawn.append((cards.layout_card(spec, settings), cards.draw_card(spec, settings)))
        forget_drawing()
        assert (cards.layout_card(spec, settings), cards.draw_card(spec, settings)) == drawn[-1], name
    assert drawn[0][1] != drawn[1][1]


# ---------------------------------------------------------------- the drawing keeps its bytes

MAIN_ENVIRONMENT = "04174c96fbfbe59b"
""":func:`drawing_environment` where :data:`MAIN_DIGESTS` and :data:`MAIN_PIXELS` were taken."""
MAIN_DIGESTS = {
    "photo-og": "e826e7c73263d549a2e4c510a29d80a6",
    "tall-event-og": "caa95cc9b4b100729db153ba6a05cc48",
    "photo-square": "13c74ba6ecca8c59c1b7e7b429aa85a1",
    "tall-event-square": "9cad3c558c2845a3500caaa4fe5d66da",
    "photo-story": "2743140dd9216f66babf3e7ea6699ec4",
    "tall-event-story": "3d885fb97d977a3ad0b401de822b0b62",
}
"""The photo cards of :func:`reference_cards` as main drew them before the frame was drawn once per category
(commit a02a92c): the same bytes, so a site's published photo cards do not change (nor get uploaded again). Taken
again when the theme's fonts lost their hinting (themes/default/cards/README.md): every card's glyphs changed,
while the 3,003 layouts of the benchmark corpus's cards (sizes and line breaks) stayed the same."""

MAIN_PIXELS = {
    "plain-og": "a2c01f8392064cf7072259fe02e6e284",
    "photo-og": "c2a2e9690609111b0bdaa5883c2cf237",
    "tall-event-og": "44513cf0ec20a3d3f9bc12a1a250a6b1",
    "campaign-og": "6b46519894287585f0ab3d7a1979a9fe",
    "plain-square": "05e02303e303cc5389d0572e5adbe45b",
    "photo-square": "218238c696132b455b2c93faf9f40a94",
    "tall-event-square": "67157f6699f2d4043736dce5675a3dc3",
    "campaign-square": "28b58cd1ce927a5831784ddd05e9d009",
    "plain-story": "79424d157e213b1f5d004eeae61aad91",
    "photo-story": "27dad70c08c9e2fd9a708d0197da0d55",
    "tall-event-story": "86c3d41416621a615a511e7a14e3f394",
    "campaign-story": "df750f1a81a7602a4b9b377cf68efb74",
    "no-logo-plain-label-og": "0f7ded1cdcfb03b4db988fbb19d8db0e",
    "site-og": "aacd990f1d14b327dbe4184bd1cdca8f",
}
"""The decoded pixels of every card of :func:`reference_cards` as main drew it (a02a92c). A plain-colour card is
now spliced from its frame's rows of blocks (:mod:`hospiblog.jpegrows`): other bytes (standard Huffman tables,
restart markers) for the same quantised blocks, so the same pixels. Taken again with the unhinted fonts (above)."""


def drawing_environment() -> str:
    """What a card's pixels depend on besides hospiblog's code: Pillow, its libraries, the theme's fonts, card.toml."""
    def version(feature: str) -> str:
        try:
            return features.version(feature) or ""
        except ValueError:  # a library this Pillow does not know
            return ""

    versions = [PIL.__version__, *(version(name) for name in ("freetype2", "raqm", "harfbuzz", "fribidi",
                                                               "libjpeg_turbo"))]
    theme = builtin_theme_dir() / "cards"
    files = [hashlib.sha256((theme / name).read_bytes()).hexdigest()
             for name in ("card.toml", "NotoSans-Bold.ttf", "NotoSans-Regular.ttf")]
    return hashlib.sha256("|".join(versions + files).encode()).hexdigest()[:16]


@pytest.fixture(scope="module")
def reference_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A logo and two photos made of Pillow's gradients, saved losslessly: the same pixels with any zlib."""
    folder = tmp_path_factory.mktemp("reference-files")
    logo = write_logo(folder / "logo.png")
    bands = [Image.linear_gradient("L").resize((900, 600)), Image.radial_gradient("L").resize((900, 600)),
             Image.linear_gradient("L").rotate(90).resize((900, 600))]
    photo = folder / "photo.png"
    Image.merge("RGB", bands).save(photo)
    tall = folder / "tall.png"  # upright and transparent: composited over the card's colour, then cropped
    Image.merge("RGBA", [*bands, Image.radial_gradient("L").resize((900, 600))]).rotate(90, expand=True).save(tall)
    return {"logo": logo, "photo": photo, "tall": tall}


def reference_cards(files: dict[str, Path]) -> dict[str, tuple[CardSpec, CardSettings]]:
    """Plain and photo cards, an event's details, a campaign's label with a long title, the plain label style."""
    settings = cards.load_card_settings([builtin_theme_dir()])
    base = CardSpec(title="Varices : quand consulter ?", label="Médecine et soins", color="#0b5cad",
                    organization="Hôpital du Val-Clair", logo=files["logo"])
    event = replace(base, title="Conférence : le cœur des femmes", label="Actualités et événements", color="#9a3412",
                    details=("jeudi 8 avril 2027, 18:30 – 20:00", "Auditoire du Val-Clair, Route de l'Hôpital 12"))
    campaign = replace(base, campaign="Mois sans tabac", campaign_color="#35506b", color="#1d6b3a",
                       label="Prévention et conseils", title=LONG_TITLE)
    specs: dict[str, tuple[CardSpec, CardSettings]] = {}
    for size in cards.CARD_SIZES:
        specs[f"plain-{size}"] = (replace(base, size=size), settings)
        specs[f"photo-{size}"] = (replace(base, size=size, background=files["photo"]), settings)
        specs[f"tall-event-{size}"] = (replace(event, size=size, background=files["tall"]), settings)
        specs[f"campaign-{size}"] = (replace(campaign, size=size), settings)
    specs["no-logo-plain-label-og"] = (replace(base, logo=None, title="Un titre"),
                                       replace(settings, label_style="plain"))
    specs["site-og"] = (CardSpec(title="Le blog de l'Hôpital", label="", color=settings.site_color,
                                 organization="Hôpital du Val-Clair", logo=files["logo"]), settings)
    return specs


def test_cards_keep_the_pixels_main_drew(reference_files: dict[str, Path]) -> None:
    if drawing_environment() != MAIN_ENVIRONMENT:
        pytest.skip("Pillow, its libraries or the card theme differ from those the digests were taken with")
    drawn = {name: cards.draw_card(card, card_settings)
             for name, (card, card_settings) in reference_cards(reference_files).items()}
    assert {name: hashlib.sha256(drawn[name]).hexdigest()[:32] for name in MAIN_DIGESTS} == MAIN_DIGESTS
    pixels = {name: hashlib.sha256(Image.open(io.BytesIO(data)).tobytes()).hexdigest()[:32]
              for name, data in drawn.items()}
    assert pixels == MAIN_PIXELS


def drawn_in_reading_order(card: CardSpec, settings: CardSettings) -> bytes:
    """The card drawn as main drew it, one layer after the other: background, labels, title, details, footer; a
    plain card encoded whole with the restart markers its spliced bytes have (:mod:`hospiblog.jpegrows`)."""
    layout = cards.layout_card(card, settings)
    size = settings.size(card.size)
    text = cards.parse_color(settings.text_color)
    color = cards.readable_background(cards.parse_color(card.color), text)
    image = cards._background(card, settings, size, color, text)
    frame = cards._frame_layout(card, settings, size)
    cards._draw_label(image, frame, settings, size, color, text)
    cards._draw_campaign(image, card, frame, settings, size, text)
    draw = ImageDraw.Draw(image)
    for line, origin in zip(layout.title_lines, layout.line_origins, strict=True):
        draw.text(origin, line, font=cards._font(str(settings.title_font), layout.title_size), fill=text, anchor="la")
    for line, origin in zip(layout.detail_lines, layout.detail_origins, strict=True):
        draw.text(origin, line, font=cards._font(str(settings.text_font), size.details_size), fill=text, anchor="la")
    cards._draw_footer(image, card, frame, settings, size, text)
    whole = jpegrows.encode(image, settings.jpeg_quality)
    if card.background is None and jpegrows.rows(whole, image.height) is not None:
        return whole  # a plain card: one encoding of the whole image with a restart marker per row
    return cards.encode_jpeg(image, settings, max_bytes=size.max_kb * 1000)


def test_a_frame_drawn_once_gives_the_bytes_of_drawing_in_order(reference_files: dict[str, Path]) -> None:
    """Whatever Pillow is installed: the title and details never touch the shared frame's pixels."""
    cards._plain_frame.cache_clear()
    for name, (card, card_settings) in reference_cards(reference_files).items():
        assert cards.draw_card(card, card_settings) == drawn_in_reading_order(card, card_settings), name
        other = replace(card, title=LONG_TITLE if card.title != LONG_TITLE else "Court")
        assert cards.draw_card(other, card_settings) == drawn_in_reading_order(other, card_settings), name
    # The second plain card of each kind reused the frame of the first.
    assert cards._plain_frame.cache_info().hits >= 8


# ---------------------------------------------------------------- what a build draws and publishes


def counting_draws(monkeypatch: pytest.MonkeyPatch) -> list[CardSpec]:
    """Records every card drawn in this process from now on."""
    drawn: list[CardSpec] = []
    draw = cards.draw_card

    def counted(card: CardSpec, card_settings: CardSettings) -> bytes:
        drawn.append(card)
        return draw(card, card_settings)

    monkeypatch.setattr(cards, "draw_card", counted)
    return drawn


def test_a_build_publishes_the_og_cards_and_names_no_other(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({
        "posts/medicine/a.md": post("Varices", image="/images/photo.jpg", image_alt="Une photo"),
        "posts/news/b.md": post("Portes ouvertes", "2026-10-02"),
        "posts/news/c.md": post("Une carte à nous", "2026-10-03", share_image="/images/carte.png"),
    })
    write_image(site / "static/images/photo.jpg", (800, 500))
    write_image(site / "static/images/carte.png", (1200, 630))
    output = tmp_path / "public"
    build(site, output=output, now=NOW, workers=1)
    published = sorted(str(path.relative_to(output)) for path in (output / "cards").rglob("*") if path.is_file())
    assert published == ["cards/actualites/portes-ouvertes-og.jpg", "cards/medecine/varices-og.jpg",
                         "cards/site-og.jpg"]
    # Every card a page names (og:image, twitter:image, JSON-LD) is published.
    named = {match for page in output.rglob("*.html")
             for match in re.findall(r"https://blog\.test\.example/(cards/[^\"' ]+)", page.read_text("utf-8"))}
    assert named == set(published)


def test_a_title_edit_draws_only_that_posts_og_card(make_site: SiteMaker, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site({
        "posts/medicine/a.md": post("Varices"),
        "posts/news/b.md": post("Portes ouvertes", "2026-10-02"),
        "posts/news/c.md": post("Un concert", "2026-10-03"),
    })
    output = tmp_path / "public"
    drawn = counting_draws(monkeypatch)
    build(site, output=output, now=NOW, workers=1)
    assert sorted((card.title, card.size) for card in drawn) == [
        ("Blog de test", "og"), ("Portes ouvertes", "og"), ("Un concert", "og"), ("Varices", "og")]
    drawn.clear()
    (site / "posts/news/b.md").write_text(post("Portes ouvertes", "2026-10-02", body="Un autre texte."), "utf-8")
    build(site, output=output, now=NOW, workers=1)
    assert drawn == []  # the body is not on the card
    (site / "posts/news/b.md").write_text(post("Journée portes ouvertes", "2026-10-02"), "utf-8")
    build(site, output=output, now=NOW, workers=1)
    assert [(card.title, card.size) for card in drawn] == [("Journée portes ouvertes", "og")]
