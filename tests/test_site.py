from datetime import datetime
from pathlib import Path

import pytest

from hospiblog.build import parse_all
from hospiblog.config import load_config
from hospiblog.content.discover import discover
from hospiblog.errors import BuildFailed
from hospiblog.model import Site
from hospiblog.site import assemble_site
from hospiblog.theme import load_theme
from tests.conftest import NOW, SiteMaker, post, write_image


def assemble(site_dir: Path, now: datetime = NOW, **options: bool) -> Site:
    config = load_config(site_dir)
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    assert not errors
    theme = load_theme(config)
    return assemble_site(posts, config, now=now, static_lookup=theme.static_file, **options)


def test_drafts_and_scheduled_posts_are_left_out(make_site: SiteMaker) -> None:
    site_dir = make_site({
        "posts/news/a.md": post("Publié", "2026-10-01"),
        "posts/news/b.md": post("Brouillon", "2026-10-02", draft="true"),
        "posts/news/c.md": post("Programmé", "2027-01-15"),
    })
    assert [p.meta.title for p in assemble(site_dir).posts] == ["Publié"]
    assert [p.meta.title for p in assemble(site_dir, drafts=True).posts] == ["Brouillon", "Publié"]
    assert [p.meta.title for p in assemble(site_dir, drafts=True, future=True).posts] == [
        "Programmé", "Brouillon", "Publié"]
    later = datetime(2027, 1, 15, 0, 0, tzinfo=NOW.tzinfo)
    assert [p.meta.title for p in assemble(site_dir, now=later).posts] == ["Programmé", "Publié"]


def test_posts_are_newest_first_with_neighbours(make_site: SiteMaker) -> None:
    site = assemble(make_site({f"posts/news/{n}.md": post(f"Article {n}", f"2026-0{n}-01") for n in range(1, 5)}))
    titles = [p.meta.title for p in site.posts]
    assert titles == ["Article 4", "Article 3", "Article 2", "Article 1"]
    middle = site.posts[1]
    assert site.previous[middle.relative].meta.title == "Article 2"  # type: ignore[union-attr]
    assert site.next[middle.relative].meta.title == "Article 4"  # type: ignore[union-attr]
    assert site.previous[site.posts[-1].relative] is None


def test_duplicate_slug_names_both_files(make_site: SiteMaker) -> None:
    site_dir = make_site({"posts/news/a.md": post("Même titre"), "posts/news/b.md": post("Même titre !")})
    with pytest.raises(BuildFailed) as caught:
        assemble(site_dir)
    (error,) = caught.value.errors
    assert "b.md" in str(error.location.path) and "posts/news/a.md" in error.message  # type: ignore[union-attr]


def test_unknown_author_lists_valid_ones(make_site: SiteMaker) -> None:
    with pytest.raises(BuildFailed) as caught:
        assemble(make_site({"posts/news/a.md": post("Titre", author="jdupont")}))
    (error,) = caught.value.errors
    assert error.location.line == 4 and "use one of the authors of site.toml: cmartin" in error.format()  # type: ignore[union-attr]


def test_links_between_posts_become_urls(make_site: SiteMaker) -> None:
    site = assemble(make_site({
        "posts/news/a.md": post("Premier", body="Voir [le second](../prevention/b.md#x)."),
        "posts/prevention/b.md": post("Le second"),
    }))
    first = next(p for p in site.posts if p.meta.title == "Premier")
    assert 'href="/prevention/le-second/#x"' in first.content_html


def test_broken_links_and_links_to_drafts_are_errors(make_site: SiteMaker) -> None:
    site_dir = make_site({
        "posts/news/a.md": post("Premier", body="[x](nulle-part.md)\n\n[y](brouillon.md)"),
        "posts/news/brouillon.md": post("Brouillon", draft="true"),
    })
    with pytest.raises(BuildFailed) as caught:
        assemble(site_dir)
    messages = sorted(error.message for error in caught.value.errors)
    assert messages == ["link to posts/news/brouillon.md: that article is not published yet (draft or scheduled)",
                        "link to posts/news/nulle-part.md: that article does not exist"]


def test_missing_image_and_image_sizes(make_site: SiteMaker) -> None:
    site_dir = make_site({"posts/news/a.md": post("Titre", image="/images/photo.jpg", image_alt="Une photo",
                                                  body="![Un schéma](/images/schema.png)")})
    with pytest.raises(BuildFailed) as caught:
        assemble(site_dir)
    assert sorted(error.message for error in caught.value.errors) == [
        "image not found: /images/photo.jpg", "image not found: /images/schema.png"]
    write_image(site_dir / "static/images/photo.jpg", (300, 200))
    write_image(site_dir / "static/images/schema.png", (50, 40))
    site = assemble(site_dir)
    assert site.image_sizes["/images/photo.jpg"] == (300, 200)
    assert 'src="/images/schema.png" width="50" height="40"' in site.posts[0].content_html


def test_images_written_as_html_are_checked_sized_and_lazy(make_site: SiteMaker) -> None:
    body = """Un schéma :

<img src="images/schema.png" alt="Un schéma des veines">

<figure><img src="/images/photo.jpg" alt="Une photo" width="30" height="20"></figure>

![Le même schéma](/images/schema.png){width="10"}

<img src="https://example.org/x.png" alt="Ailleurs">

<img src="/images/absente.png" alt="Une image qui manque">"""
    site_dir = make_site({"posts/news/a.md": post("Titre", body=body)})
    with pytest.raises(BuildFailed) as caught:
        assemble(site_dir)
    (missing, photo, schema) = sorted(caught.value.errors, key=lambda error: error.message)
    assert missing.message == "image not found: /images/absente.png" and missing.location.line == 15  # type: ignore[union-attr]
    assert schema.message == "image not found: /images/schema.png" and schema.location.line == 7  # type: ignore[union-attr]
    assert photo.location.line == 9  # type: ignore[union-attr]

    write_image(site_dir / "static/images/schema.png", (50, 40))
    write_image(site_dir / "static/images/photo.jpg", (300, 200))
    (site_dir / "posts/news/a.md").write_text(post("Titre", body=body.rsplit("\n\n", 1)[0]), "utf-8")
    html = assemble(site_dir).posts[0].content_html
    assert '<img src="/images/schema.png" width="50" height="40" alt="Un schéma des veines" loading="lazy" ' \
           'decoding="async">' in html
    assert '<img src="/images/photo.jpg" alt="Une photo" width="30" height="20" loading="lazy" ' \
           'decoding="async">' in html
    assert html.count("width=") == 3, "a size written by the editor is kept, never doubled"
    assert '<img src="https://example.org/x.png" alt="Ailleurs">' in html


def test_related_posts_prefer_shared_tags(make_site: SiteMaker) -> None:
    site = assemble(make_site({
        "posts/news/a.md": post("A", "2026-01-01", tags="[sommeil, enfants]"),
        "posts/prevention/b.md": post("B", "2026-01-02", tags="[sommeil, enfants]"),
        "posts/news/c.md": post("C", "2026-01-03"),
        "posts/medicine/d.md": post("D", "2026-01-04", tags="[sommeil]"),
        "posts/medicine/e.md": post("E", "2026-01-05"),
    }))
    related = {p.meta.title: [r.meta.title for r in site.related[p.relative]] for p in site.posts}
    assert related["A"][:2] == ["B", "D"]
    assert "A" not in related["A"]
    assert [tag.slug for tag in site.tags] == ["enfants", "sommeil"]
    assert len(next(tag for tag in site.tags if tag.slug == "sommeil").posts) == 3
