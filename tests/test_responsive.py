"""The theme's images.toml, and the names and srcset of the files planned for each image (no Pillow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hospiblog.errors import ConfigError
from hospiblog.responsive import (
    ImageSettings,
    image_kind,
    load_image_settings,
    plan_images,
    published_path,
    settings_digest,
)
from hospiblog.theme import Asset, builtin_theme_dir


def test_the_default_theme_gives_the_documented_settings() -> None:
    settings = load_image_settings([builtin_theme_dir()])
    assert settings == ImageSettings()
    assert settings.widths == (480, 800, 1200, 1600) and settings.formats == ("avif", "webp")
    assert (settings.jpeg_quality, settings.webp_quality, settings.avif_quality) == (85, 80, 60)


def test_a_theme_overrides_keys_and_sizes_one_by_one(tmp_path: Path) -> None:
    (tmp_path / "images.toml").write_text('widths = [320, 640]\n[sizes]\ncard = "50vw"\n', "utf-8")
    settings = load_image_settings([tmp_path, builtin_theme_dir()])
    assert settings.widths == (320, 640) and settings.portrait_widths == (160, 320)
    assert settings.sizes_of("card") == "50vw" and settings.sizes_of("hero") == ImageSettings().sizes_of("hero")
    assert settings_digest(settings) != settings_digest(ImageSettings())


@pytest.mark.parametrize(("text", "message", "line"), [
    ("widths = [480]\nqualite = 3\n", "unknown key 'qualite'", 2),
    ("webp_quality = \"80\"\n", "'webp_quality' must be a whole number", 1),
    ("\nwidths = [0, 800]\n", "widths must list widths in pixels between 16 and 8192", 2),
    ("formats = [\"jpeg\"]\n", "formats may list avif and webp only", 1),
    ("[sizes]\nfooter = \"10px\"\n", "[sizes] gives a text for hero, body, card", 2),
    ("avif_quality = 0\n", "avif_quality must be between 1 and 100", None),
    ("widths = [\n", "invalid images.toml", None),
])
def test_mistakes_name_the_file_and_line(tmp_path: Path, text: str, message: str, line: int | None) -> None:
    (tmp_path / "images.toml").write_text(text, "utf-8")
    with pytest.raises(ConfigError) as raised:
        load_image_settings([tmp_path, builtin_theme_dir()])
    assert message in raised.value.message
    assert raised.value.location is not None and raised.value.location.path == tmp_path / "images.toml"
    if line is not None:
        assert raised.value.location.line == line


def test_names() -> None:
    assert published_path("/images/IMG_0001.HEIC") == "/images/IMG_0001.jpg"
    assert published_path("images/x.heif") == "images/x.jpg" and published_path("images/x.png") == "images/x.png"
    assert [image_kind(name) for name in ("a.JPG", "b.heic", "c.svg", "d.ico")] == ["jpeg", "heic", None, None]


def test_the_plan_offers_the_original_as_its_largest_candidate(tmp_path: Path) -> None:
    assets = {"images/a.jpg": Asset(tmp_path / "a.jpg", "images/a.jpg", "d1"),
              "images/b.heic": Asset(tmp_path / "b.heic", "images/b.heic", "d2"),
              "images/c.svg": Asset(tmp_path / "c.svg", "images/c.svg", "d3")}
    plan = plan_images(assets, {"/images/a.jpg": "article", "/images/b.heic": "article"},
                       {"/images/a.jpg": (1000, 500), "/images/b.heic": (2000, 1500)}, ImageSettings(),
                       formats={"webp"}, encoder="e")
    a = plan.get("/images/a.jpg")
    assert a is not None and a.url == "/images/a.jpg"
    assert [candidate.split()[1] for candidate in a.srcset.split(", ")] == ["480w", "800w", "1000w"]
    assert a.srcset.endswith("/images/a.jpg 1000w") and [source.type for source in a.sources] == ["image/webp"]
    b = plan.get("/images/b.heic")
    assert b is not None and b.url == "/images/b.jpg" and b.srcset.count(".jpg") == 4
    assert plan.replaced == {"images/a.jpg", "images/b.heic"}  # the SVG is copied as it is
    outputs = [variant.output for image in plan.images for variant in image.files]
    assert "images/b.jpg" in outputs and len(outputs) == len(set(outputs))
