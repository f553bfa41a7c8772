"""The social kit leaves out what may not be shared."""

from __future__ import annotations

from pathlib import Path

from hospiblog.kit import make_kit
from tests.conftest import NOW, SiteMaker, post


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
