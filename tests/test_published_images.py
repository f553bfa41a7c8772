"""Published images, read back: clean of metadata, upright, in every width and format the markup claims."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

from hospiblog import imaging
from hospiblog.build import build
from hospiblog.errors import HospiblogError
from hospiblog.responsive import ImageSettings, SourceImage, Variant, candidate_widths
from tests.conftest import NOW, REPO, SITE_TOML, SiteMaker, post, write_image
from tests.imagefiles import (
    MARK,
    gif_with_comment,
    heic_photo,
    metadata_left,
    phone_jpeg,
    png_with_text,
    webp_with_metadata,
)

RASTER = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".heic", ".heif")
CONFIG = SITE_TOML + 'portrait = "images/portrait.jpg"\n'
WITH_HERO = post("Avec une photo", image="/images/phone.jpg", image_alt="Une façade au soleil", author="cmartin",
                 body="""
                 Un texte.

                 ![Une photo de téléphone](/images/photo.heic)

                 ![Un schéma](/images/schema.png)

                 ![Une animation](images/anim.gif)

                 <img src="images/petit.webp" alt="Une petite image">
                 """)
WITHOUT_HERO = post("Sans photo en tête", date="2026-09-01", body="""
                    Un texte.

                    ![Un schéma](/images/schema.png)

                    ![Une photo](/images/phone.jpg)
                    """)


def site_files() -> dict[str, str | bytes]:
    return {
        "posts/news/avec.md": WITH_HERO,
        "posts/news/sans.md": WITHOUT_HERO,
        "static/images/phone.jpg": phone_jpeg((1000, 750), orientation=6),
        "static/images/photo.heic": heic_photo((1200, 900)),
        "static/images/schema.png": png_with_text((900, 600)),
        "static/images/anim.gif": gif_with_comment(),
        "static/images/petit.webp": webp_with_metadata((600, 400)),
        "static/images/portrait.jpg": phone_jpeg((400, 400)),
        "static/images/pas-utilisee.jpg": phone_jpeg((300, 200)),
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once for the tests that only read it."""
    site = tmp_path_factory.mktemp("site")
    (site / "site.toml").write_text(CONFIG, "utf-8")
    write_image(site / "static/images/logo.png", (64, 64))
    for relative, content in site_files().items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    build(site, output=site.parent / "out", now=NOW)
    return site.parent / "out"


def published_images(out: Path) -> list[Path]:
    return sorted(path for path in out.rglob("*") if path.suffix.lower() in RASTER)


def candidates(out: Path) -> list[tuple[str, str, str, int]]:
    """(page, media type, URL, claimed width) of every srcset candidate of every page."""
    found: list[tuple[str, str, str, int]] = []
    for page in out.rglob("*.html"):
        tree = lxml.html.fromstring(page.read_bytes())
        for element in tree.xpath("//img[@srcset] | //source[@srcset]"):
            kind = element.get("type") or ""
            for candidate in element.get("srcset").split(","):
                url, width = candidate.split()
                found.append((page.relative_to(out).as_posix(), kind, url, int(width.removesuffix("w"))))
    return found


def test_every_published_image_is_clean(built: Path) -> None:
    images = published_images(built)
    assert len(images) > 40  # originals, variants and cards
    left = {path.relative_to(built).as_posix(): metadata_left(path.read_bytes()) for path in images}
    assert {path: what for path, what in left.items() if what} == {}
    assert not [path for path in images if path.suffix in (".heic", ".heif")]
    # an image no page shows is published too (static/ is published whole): cleaned, in its own size only
    assert (built / "images/pas-utilisee.jpg").is_file()
    assert not list(built.glob("images/pas-utilisee-*"))


def test_every_srcset_candidate_exists_with_the_width_it_claims(built: Path) -> None:
    found = candidates(built)
    assert {kind for _page, kind, _url, _width in found} == {"", "image/webp", "image/avif"} | (
        set() if "avif" in imaging.available_formats() else {"image/avif"})
    for page, kind, url, width in found:
        path = built / url.lstrip("/")
        assert path.is_file(), f"{page}: {url}"
        with Image.open(path) as image:
            assert image.width == width, f"{page}: {url} is {image.width} wide, not {width}"
            if kind:
                assert Image.MIME[image.format] == kind, f"{page}: {url} is {image.format}, not {kind}"


def test_width_and_height_give_each_image_its_shape(built: Path) -> None:
    """Every <img> has width and height (no layout shift), in the proportions of the files it offers."""
    for page in built.rglob("*.html"):
        for img in lxml.html.fromstring(page.read_bytes()).xpath("//img"):
            assert img.get("width") and img.get("height"), f"{page}: {lxml.html.tostring(img)[:120]!r}"
            for candidate in (img.get("srcset") or "").split(","):
                if not candidate.strip() or "portrait" in img.get("class", ""):
                    continue
                with Image.open(built / candidate.split()[0].lstrip("/")) as image:
                    ratio = int(img.get("width")) / int(img.get("height"))
                    assert abs(image.width / image.height - ratio) < 0.01


def test_the_orientation_a_phone_recorded_is_applied(built: Path) -> None:
    # phone.jpg is stored sideways with EXIF orientation 6; shown, it is 1000×750 with a red top-left corner.
    for path in [built / "images/phone.jpg", *built.glob("images/phone-*")]:
        with Image.open(path) as image:
            assert image.width * 3 == image.height * 4, path
            assert _near(image.convert("RGB").getpixel((image.width // 20, image.height // 20)), MARK), path
    page = (built / "actualites/avec-une-photo/index.html").read_text("utf-8")
    assert 'width="1000" height="750"' in page


def test_transparency_is_kept(built: Path) -> None:
    for path in [built / "images/schema.png", *built.glob("images/schema-*")]:
        with Image.open(path) as image:
            assert "A" in image.getbands(), path
    with Image.open(built / "images/schema.png") as image:
        assert image.getpixel((image.width - 1, image.height - 1))[3] == 0


def test_a_heic_photo_is_published_as_jpeg_and_written_so(built: Path) -> None:
    with Image.open(built / "images/photo.jpg") as image:
        assert image.format == "JPEG" and image.size == (1200, 900)
    page = (built / "actualites/avec-une-photo/index.html").read_text("utf-8")
    assert "photo.heic" not in page and 'src="/images/photo.jpg"' in page
    assert "photo.heic" not in (built / "rss.xml").read_text("utf-8")  # feeds show the body assembled


def test_never_wider_than_the_original(built: Path) -> None:
    widths = sorted({width for _page, _kind, url, width in candidates(built) if "/petit" in url})
    assert widths == [480, 600]
    assert candidate_widths(600, (480, 800, 1200, 1600)) == (480, 600)
    assert candidate_widths(3000, (480, 800, 1200, 1600)) == (480, 800, 1200, 1600)
    assert candidate_widths(300, (480, 800)) == (300,)


def test_a_gif_is_published_clean_and_whole(built: Path) -> None:
    with Image.open(built / "images/anim.gif") as image:
        assert image.n_frames == 2
    assert not list(built.glob("images/anim-*"))


def test_only_the_first_image_of_a_page_loads_at_once(built: Path) -> None:
    with_hero = lxml.html.fromstring((built / "actualites/avec-une-photo/index.html").read_bytes())
    hero, *body = with_hero.xpath("//main//img[not(contains(@class, 'portrait'))]")
    assert hero.get("fetchpriority") == "high" and hero.get("loading") is None
    assert [img.get("loading") for img in body] == ["lazy"] * len(body) and body
    without_hero = lxml.html.fromstring((built / "actualites/sans-photo-en-tete/index.html").read_bytes())
    first, *others = without_hero.xpath("//main//img")
    assert first.get("loading") is None and [img.get("loading") for img in others] == ["lazy"]
    home = lxml.html.fromstring((built / "index.html").read_bytes())
    cards = home.xpath("//img[contains(@class, 'card-image')]")
    assert cards[0].get("loading") is None and all(img.get("loading") == "lazy" for img in cards[1:])


def test_an_image_the_editor_sized_gets_that_width_as_sizes(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/a.md": post("Petite", body='<img src="images/schema.png" alt="Un schéma" '
                                              'width="300">'),
                      "static/images/schema.png": png_with_text((900, 600))})
    build(site, output=tmp_path / "out", now=NOW)
    page = lxml.html.fromstring((tmp_path / "out/actualites/petite/index.html").read_bytes())
    assert {element.get("sizes") for element in page.xpath("//main//*[@srcset]")} == {"300px"}


def test_no_op_and_one_edit_builds_make_no_image(make_site: SiteMaker, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(site_files(), config=CONFIG)
    out = tmp_path / "out"
    build(site, output=out, now=NOW)
    before = {path: path.stat().st_mtime_ns for path in published_images(out)}
    made = sorted((site / ".hospiblog-cache/images").rglob("*.img"))

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("an image was made again")

    monkeypatch.setattr(imaging, "make_files", refuse)
    report = build(site, output=out, now=NOW)  # nothing changed
    assert "images" not in report.stages and report.write.written == []
    edited = site / "posts/news/sans.md"
    edited.write_text(edited.read_text("utf-8") + "\nUne phrase de plus.\n", "utf-8")
    report = build(site, output=out, now=NOW)
    written = report.write.written
    assert "images" in report.stages and "actualites/sans-photo-en-tete/index.html" in written
    assert [path for path in written if path.endswith(RASTER)] == []
    assert {path: path.stat().st_mtime_ns for path in published_images(out)} == before
    assert sorted((site / ".hospiblog-cache/images").rglob("*.img")) == made


@pytest.mark.parametrize("into", ["the same folder", "a new folder"])
def test_another_encoder_renames_the_variants_on_every_page(make_site: SiteMaker, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch, into: str) -> None:
    """An upgraded Pillow or pillow-heif names every variant anew: a page kept from before (by the manifest, or by
    the page store in a new folder) would show files no longer published."""
    site = make_site(site_files(), config=CONFIG)
    build(site, output=tmp_path / "out", now=NOW)
    before = {url for _page, _kind, url, _width in candidates(tmp_path / "out")}
    monkeypatch.setattr(imaging, "encoder_fingerprint", lambda: "another Pillow")
    out = tmp_path / ("out" if into == "the same folder" else "new")
    # A no-op build loads no Pillow and keeps the folder as it is, consistent; the next edit makes it again.
    edited = site / "posts/news/sans.md"
    edited.write_text(edited.read_text("utf-8") + "\nUne phrase de plus.\n", "utf-8")
    build(site, output=out, now=NOW)
    found = candidates(out)
    assert found and {url for _page, _kind, url, _width in found} != before
    for page, _kind, url, _width in found:
        assert (out / url.lstrip("/")).is_file(), f"{page} shows {url}, which is not published"


def test_a_theme_chooses_the_widths_and_formats(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({**site_files(), "themes/narrow/theme.toml": 'extends = "default"\n',
                      "themes/narrow/images.toml": 'widths = [300]\nformats = ["webp"]\n'},
                     config=CONFIG.replace('posts_per_page = 2', 'posts_per_page = 2\ntheme = "narrow"'))
    build(site, output=tmp_path / "out", now=NOW)
    found = {(kind, width) for _page, kind, url, width in candidates(tmp_path / "out") if "/phone" in url}
    assert found == {("image/webp", 300), ("", 300)}


def test_the_same_bytes_serially_and_over_the_cores(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site(site_files(), config=CONFIG)
    build(site, output=tmp_path / "one", now=NOW, workers=1, use_cache=False)
    build(site, output=tmp_path / "two", now=NOW, workers=2, use_cache=False)
    first, second = published_images(tmp_path / "one"), published_images(tmp_path / "two")
    assert [path.relative_to(tmp_path / "one") for path in first] == [path.relative_to(tmp_path / "two")
                                                                      for path in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))


def test_a_file_pillow_cannot_read_is_published_as_it_is(make_site: SiteMaker, tmp_path: Path) -> None:
    # As any static file: missing-image reports it when an article shows it, and lets it through when turned off.
    site = make_site({"posts/news/a.md": post("Un article"), "static/images/casse.jpg": b"<html>not a photo</html>"})
    build(site, output=tmp_path / "out", now=NOW)
    assert (tmp_path / "out/images/casse.jpg").read_bytes() == b"<html>not a photo</html>"


def test_a_heic_photo_beside_a_jpeg_of_the_same_name_is_refused(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/a.md": post("Un article"), "static/images/x.heic": heic_photo((64, 48)),
                      "static/images/x.jpg": phone_jpeg((64, 48))})
    with pytest.raises(HospiblogError, match=r"x\.heic and images/x\.jpg would both be published"):
        build(site, output=tmp_path / "out", now=NOW)


@pytest.mark.parametrize("mode", ["L", "LA", "P", "PA", "I;16", "CMYK", "RGBA", "1"])
def test_every_pixel_mode_gives_every_format(tmp_path: Path, mode: str) -> None:
    source = tmp_path / ("x.png" if mode not in ("CMYK",) else "x.jpg")
    image = Image.linear_gradient("L").resize((200, 100))
    converted = image.convert(mode) if mode != "PA" else image.convert("P")
    if mode == "P":
        converted.info["transparency"] = 0
    converted.save(source)
    variants = tuple(Variant(f"x-100.{name}", name, 100, 50, f"{mode}-{name}") for name in ("webp", "avif", "jpeg")
                     if name in imaging.available_formats() or name == "jpeg")
    made = imaging.make_files(SourceImage(source, "png" if source.suffix == ".png" else "jpeg",
                                          Variant("x", "png", 0, 0, "original"), variants, (200, 100), (100,)),
                              ImageSettings())
    for variant in variants:
        with Image.open(io.BytesIO(made[variant.key])) as back:
            assert back.size == (100, 50)
    assert Image.open(io.BytesIO(made["original"])).size == (200, 100)


def _near(color: object, expected: tuple[int, int, int], tolerance: int = 40) -> bool:
    assert isinstance(color, tuple)
    return all(abs(int(value) - wanted) <= tolerance for value, wanted in zip(color, expected, strict=False))


def test_page_markup_offers_modern_formats_first(built: Path) -> None:
    page = (built / "actualites/avec-une-photo/index.html").read_text("utf-8")
    hero = re.search(r'<figure class="hero[^>]*>\s*(<picture>.*?</picture>)', page, re.S)
    assert hero is not None
    types = re.findall(r'<source type="([^"]+)"', hero.group(1))
    assert types == [name for name in ("image/avif", "image/webp")
                     if name.split("/")[1] in imaging.available_formats()]


def test_a_no_op_build_loads_no_pillow(make_site: SiteMaker, tmp_path: Path) -> None:
    # Share cards off: their settings come from cards.py, which imports Pillow (a no-op build with cards on does).
    site = make_site(site_files(), config=CONFIG + "\n[sharing]\ncards = false\n")
    out = tmp_path / "out"
    code = ("import sys; from pathlib import Path; from hospiblog.build import build; "
            "report = build(Path(sys.argv[1]), output=Path(sys.argv[2])); "
            "print(report.write.rendered, sorted({name.split('.')[0] for name in sys.modules} & "
            "{'PIL', 'pillow_heif', 'jinja2', 'markdown', 'lxml'}))")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        part for part in (str(REPO), os.environ.get("PYTHONPATH", "")) if part)}
    first = subprocess.run([sys.executable, "-c", code, site, out], env=environment, capture_output=True, text=True,
                           check=True)
    assert "PIL" in first.stdout  # a build that makes images loads it
    again = subprocess.run([sys.executable, "-c", code, site, out], env=environment, capture_output=True, text=True,
                           check=True)
    assert again.stdout.strip() == "0 []"
