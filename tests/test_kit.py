"""The social kit leaves out what may not be shared, and draws the cards a build does not publish."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from hospiblog import cards
from hospiblog.build import build
from hospiblog.cards import CardSpec
from hospiblog.config import load_config
from hospiblog.kit import make_kit
from hospiblog.state import cache_root
from hospiblog.theme import load_theme
from tests.conftest import NOW, SiteMaker, post, write_image
from tests.test_cards import assembled


def test_the_kit_offers_only_what_may_be_shared(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({
        "posts/news/partage.md": post("Une actualité", summary='"Résumé."'),
        "posts/news/retenu.md": post("Pas sur les réseaux", "2026-10-02", social="{}"),
        "posts/testimonials/web.md": post("Témoignage web seulement", "2026-10-03",
                                          consent="{given: 2026-09-01, scope: [web]}", social="{}"),
        "posts/testimonials/social.md": post("Témoignage partagé", "2026-10-04",
                                             consent="{given: 2026-09-01, scope: [web, social]}"),
    })
    report = make_kit(site, output=tmp_path / "kit", now=NOW)
    folders = sorted(path.name for path in (tmp_path / "kit").iterdir() if path.is_dir())
    assert report.posts == 2
    assert folders == ["2026-10-01-une-actualite", "2026-10-04-temoignage-partage"]


def tree(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def kit_site(make_site: SiteMaker) -> Path:
    site = make_site({
        "posts/medicine/a.md": post("Varices : quand consulter ?", image="/images/photo.jpg", image_alt="Une photo"),
        "posts/news/b.md": post("Portes ouvertes", "2026-10-02"),
    })
    write_image(site / "static/images/photo.jpg", (800, 500))
    return site


def card_specs(site: Path, slug: str) -> dict[str, CardSpec]:
    """The cards of the post ``slug`` by size, as the build and the kit see them."""
    config, assembled_site, lookup = assembled(site)
    (chosen,) = [found for found in assembled_site.posts if found.meta.slug == slug]
    return cards.post_card_specs(chosen, config, static_lookup=lookup)


def test_the_kit_draws_a_missing_square_or_story_card(make_site: SiteMaker, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    site = kit_site(make_site)
    build(site, output=tmp_path / "public", now=NOW, workers=1)
    config = load_config(site)
    settings = cards.load_card_settings([layer.path for layer in load_theme(config).layers])
    specs = card_specs(site, "varices-quand-consulter")
    store = cards.card_store(cache_root(config) / "cards")
    keys = {size: cards.card_key(spec, settings) for size, spec in specs.items()}
    # The build drew and cached the og card only.
    assert [size for size, key in keys.items() if store.path(key).is_file()] == ["og"]

    make_kit(site, output=tmp_path / "kit", now=NOW)
    folder = tmp_path / "kit" / "2026-10-01-varices-quand-consulter"
    for size in ("square", "story"):
        assert (folder / f"instagram-{size}.jpg").read_bytes() == cards.draw_card(specs[size], settings), size
        assert store.path(keys[size]).is_file(), size
    assert (folder / "facebook.jpg").read_bytes() == (tmp_path / "public/cards/medecine/"
                                                      "varices-quand-consulter-og.jpg").read_bytes()

    # A card missing from the cache (deleted, or a cache of another machine) is drawn again, and only it.
    store.path(keys["story"]).unlink()
    drawn: list[CardSpec] = []
    draw = cards.draw_card
    monkeypatch.setattr(cards, "draw_card", lambda spec, settings: drawn.append(spec) or draw(spec, settings))
    make_kit(site, output=tmp_path / "kit-again", now=NOW)
    assert drawn == [specs["story"]]
    assert tree(tmp_path / "kit-again") == tree(tmp_path / "kit")


def test_a_build_gives_the_same_bytes_before_and_after_the_kit(make_site: SiteMaker, tmp_path: Path) -> None:
    site = kit_site(make_site)
    report = build(site, output=tmp_path / "before", now=NOW, workers=1)
    assert not any(path.endswith(("-square.jpg", "-story.jpg")) for path in tree(tmp_path / "before"))
    make_kit(site, output=tmp_path / "kit", now=NOW)  # the cache now holds every size
    build(site, output=tmp_path / "after", now=NOW, workers=1)
    assert tree(tmp_path / "after") == tree(tmp_path / "before")
    again = build(site, output=tmp_path / "before", now=NOW, workers=1)
    assert again.write.written == [] and again.write.removed == []
    assert report.write.written
