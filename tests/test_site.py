from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from hospiblog.build import build, parse_all
from hospiblog.checks import errors_of, run_checks
from hospiblog.config import load_config
from hospiblog.content.discover import discover
from hospiblog.errors import BuildFailed
from hospiblog.model import Site
from hospiblog.site import RelatedMemo, assemble_site, body_html
from hospiblog.state import RelatedPosts
from hospiblog.theme import load_theme
from tests.conftest import NOW, SITE_TOML, SiteMaker, post, write_image


def assemble(site_dir: Path, now: datetime = NOW, *, drafts: bool = False, future: bool = False,
             memo: RelatedMemo | None = None) -> Site:
    """The first half of a build: the content rules (their errors stop it), then the assembly with what the
    rules measured."""
    config = load_config(site_dir)
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    assert not errors
    theme = load_theme(config)
    checks = run_checks(posts, config, static_lookup=theme.static_file, today=now.astimezone(config.zone).date(),
                        preview=drafts or future, drafts=drafts)
    if errors_of(checks.findings):
        raise BuildFailed(list(errors_of(checks.findings)))
    return assemble_site(posts, config, now=now, urls=checks.context.urls, image_sizes=checks.context.image_sizes,
                         drafts=drafts, future=future, memo=memo)


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
    (other, error) = caught.value.errors  # the duplicate-url rule names each file with the other
    assert "a.md" in str(other.location.path) and "posts/news/b.md" in other.message  # type: ignore[union-attr]
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
    assert 'href="/prevention/le-second/#x"' in body_html(first)


def test_a_site_holds_each_body_once_and_its_links_in_the_fingerprint(make_site: SiteMaker) -> None:
    """Links are resolved as the body is shown: the assembled post keeps the parsed body itself (no copy of every
    body with links), and its fingerprint changes with what a link leads to, so the page is made again."""
    site_dir = make_site({
        "posts/news/a.md": post("Premier", body="Voir [le second](../prevention/b.md)."),
        "posts/prevention/b.md": post("Le second"),
    })
    config = load_config(site_dir)
    posts, _errors = parse_all(discover(config), config, cache=None, workers=1)
    checks = run_checks(posts, config, static_lookup=load_theme(config).static_file, today=NOW.date())
    parsed = next(p for p in posts if p.meta.title == "Premier")
    site = assemble_site(posts, config, now=NOW, urls=checks.context.urls, image_sizes=checks.context.image_sizes)
    first = site.current[parsed.relative]
    assert first.html_utf8 is parsed.html_utf8 and "b.md" in first.parsed_html
    assert 'href="/prevention/le-second/"' in body_html(first)
    moved = {**checks.context.urls, "posts/prevention/b.md": "/prevention/ailleurs/"}
    again = assemble_site(posts, config, now=NOW, urls=moved, image_sizes=checks.context.image_sizes)
    assert 'href="/prevention/ailleurs/"' in body_html(again.current[parsed.relative])
    assert again.current[parsed.relative].fingerprint != first.fingerprint
    assert again.current["posts/prevention/b.md"].fingerprint == site.current["posts/prevention/b.md"].fingerprint


def test_broken_links_and_links_to_drafts_are_errors(make_site: SiteMaker) -> None:
    site_dir = make_site({
        "posts/news/a.md": post("Premier", body="[x](nulle-part.md)\n\n[y](brouillon.md)"),
        "posts/news/brouillon.md": post("Brouillon", draft="true"),
    })
    with pytest.raises(BuildFailed) as caught:
        assemble(site_dir)
    messages = sorted(error.message for error in caught.value.errors)
    assert messages == ["link to posts/news/brouillon.md: that article is a draft",
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
    assert 'src="/images/schema.png" width="50" height="40"' in body_html(site.posts[0])


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
    html = body_html(assemble(site_dir).posts[0])
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


def related_titles(site: Site) -> dict[str, list[str]]:
    return {p.meta.title: [r.meta.title for r in site.related[p.relative]] for p in site.posts}


def test_related_posts_are_kept_between_builds_while_orders_categories_and_tags_are(make_site: SiteMaker) -> None:
    site_dir = make_site({f"posts/{'news' if n % 2 else 'medicine'}/p{n}.md":
                          post(f"P{n}", f"2026-01-{n + 1:02}", tags=f"[t{n % 3}, t{n % 5}]") for n in range(12)})

    class Counting(RelatedPosts):
        def __init__(self) -> None:
            super().__init__(load_config(site_dir))
            self.made = 0

        def put(self, key: str, value: dict[str, tuple[str, ...]]) -> None:
            self.made += 1
            super().put(key, value)

    first = Counting()
    expected = related_titles(assemble(site_dir))
    assert related_titles(assemble(site_dir, memo=first)) == expected and first.made == 1
    first.save()
    again = Counting()
    assert related_titles(assemble(site_dir, memo=again)) == expected and again.made == 0, "read, not scored"
    # A body edit keeps them; a tag changed scores them again, as a build without the memo would.
    (site_dir / "posts/news/p3.md").write_text(post("P3", "2026-01-04", tags="[t0, t3]", body="Autre texte."))
    assert related_titles(assemble(site_dir, memo=again)) == related_titles(assemble(site_dir)) and again.made == 0
    (site_dir / "posts/news/p3.md").write_text(post("P3", "2026-01-04", tags="[t2]"))
    changed = Counting()
    assert related_titles(assemble(site_dir, memo=changed)) == related_titles(assemble(site_dir)) != expected
    assert changed.made == 1


RULES_OFF = '\n[checks.rules]\nmissing-image = "off"\nbroken-link = "off"\nunknown-author = "off"\n'


def test_rules_turned_off_are_off_and_the_build_goes_on(make_site: SiteMaker, tmp_path: Path) -> None:
    body = "![Un schéma](/images/absent.png)\n\n<img src=\"images/abime.png\" alt=\"Un plan\">\n\n" \
           "Voir [l'autre](nulle-part.md) et [le brouillon](brouillon.md)."
    config_text = SITE_TOML.replace("bio = ", 'portrait = "images/absent.jpg"\nbio = ')
    site_dir = make_site({
        "posts/news/a.md": post("Titre", author="jdupont", image="/images/absente.jpg", image_alt="Une salle",
                                body=body),
        "posts/news/brouillon.md": post("Brouillon", draft="true"),
        "static/images/abime.png": b"not an image",
    }, config_text)
    (site_dir / "static/images/logo.png").unlink()  # site.toml's images are under missing-image too
    with pytest.raises(BuildFailed) as caught:
        build(site_dir, output=tmp_path / "out", now=NOW, use_cache=False)
    # every problem at once, each once, each with the rule that turns it off
    logo, portrait = (config_text.splitlines().index(line) + 1 for line in
                      ('logo = "images/logo.png"', 'portrait = "images/absent.jpg"'))
    reported = [(error.rule, error.location.line if error.location else None) for error in caught.value.errors]
    assert sorted(reported, key=str) == sorted([
        ("broken-link", 12), ("broken-link", 12), ("missing-image", 5), ("missing-image", 8), ("missing-image", 10),
        ("missing-image", logo), ("missing-image", portrait), ("unknown-author", 4)], key=str)
    (site_dir / "site.toml").write_text(config_text + RULES_OFF, "utf-8")
    report = build(site_dir, output=tmp_path / "out", now=NOW, use_cache=False)
    assert report.posts == 1
    assert {warning.rule for warning in report.warnings} == {"summary-missing"}
    page = (tmp_path / "out/actualites/titre/index.html").read_text("utf-8")
    assert '<img alt="Un schéma" decoding="async" loading="lazy" src="/images/absent.png">' in page
    assert '<img src="/images/abime.png" alt="Un plan" loading="lazy" decoding="async">' in page
    assert page.count('href="#"') == 2
    assert "jdupont" not in page
    # The hero image, of unknown size, is published without one (width="0" would hide it).
    assert '<img src="/images/absente.jpg" alt="Une salle" decoding="async" fetchpriority="high">' in page
    home = (tmp_path / "out/index.html").read_text("utf-8")
    # (the first card of a listing is loaded at once: it may be the largest thing on screen)
    assert 'src="/images/absente.jpg" alt="" decoding="async"' in home and 'width="0"' not in home


def test_an_error_turned_down_to_a_warning_does_not_stop_the_build(make_site: SiteMaker, tmp_path: Path) -> None:
    site_dir = make_site({"posts/news/a.md": post("Titre", author="jdupont", body="![Un plan](/images/plan.png)")},
                         SITE_TOML + '\n[checks.rules]\nmissing-image = "warning"\nunknown-author = "warning"\n')
    report = build(site_dir, output=tmp_path / "out", now=NOW, use_cache=False)
    assert sorted(warning.rule or "" for warning in report.warnings) == [
        "missing-image", "summary-missing", "unknown-author"]


def test_a_draft_with_a_problem_no_build_survives(make_site: SiteMaker) -> None:
    """A draft's errors are warnings, so it never stops the build of the rest; but a draft that is built (--drafts)
    at the URL of another article cannot be."""
    site_dir = make_site({
        "posts/news/a.md": post("Même titre"),
        "posts/news/b.md": post("Même titre !", draft="true", author="jdupont", body="[x](nulle-part.md)"),
    })
    assert [p.meta.title for p in assemble(site_dir).posts] == ["Même titre"]
    with pytest.raises(BuildFailed) as caught:
        assemble(site_dir, drafts=True)
    assert [(error.rule, error.location.path.name) for error in caught.value.errors] == [  # type: ignore[union-attr]
        ("duplicate-url", "a.md"), ("duplicate-url", "b.md")]
    (site_dir / "posts/news/a.md").unlink()
    (draft,) = assemble(site_dir, drafts=True).posts
    assert 'href="#"' in body_html(draft)


def test_testimonials_left_out_still_take_their_url(make_site: SiteMaker) -> None:
    # Their notice pages stand at their URLs: two of them at one URL is a duplicate-url error as any other.
    ended = "{given: 2026-09-01, scope: [web, social], withdrawn: 2026-11-01}"
    site_dir = make_site({"posts/testimonials/a.md": post("Mon histoire", consent=ended),
                          "posts/testimonials/b.md": post("Mon histoire !", consent=ended)})
    with pytest.raises(BuildFailed) as caught:
        assemble(site_dir)
    assert [error.rule for error in caught.value.errors] == ["duplicate-url", "duplicate-url"]


def test_each_image_is_opened_once(make_site: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site_dir = make_site({
        "posts/news/a.md": post("A", image="/images/photo.jpg", image_alt="Une photo",
                                body="![Un schéma](/images/schema.png)"),
        "posts/news/b.md": post("B", body="![Le même schéma](/images/schema.png)"),
        "posts/news/c.md": post("C", draft="true", body="![Une photo](/images/photo.jpg)"),
    }, SITE_TOML.replace("bio = ", 'portrait = "images/portrait.png"\nbio = ') + "\n[sharing]\ncards = false\n")
    for name in ("photo.jpg", "schema.png", "portrait.png"):
        write_image(site_dir / "static/images" / name)
    opened: Counter[str] = Counter()
    real_open = Image.open

    def counting_open(source: Any, *args: Any, **kwargs: Any) -> Any:
        opened[Path(source).name if isinstance(source, str | Path) else "a file's bytes"] += 1
        return real_open(source, *args, **kwargs)

    monkeypatch.setattr(Image, "open", counting_open)
    build(site_dir, output=tmp_path / "out", now=NOW, use_cache=False, workers=1)
    # The checks read each header once; the images stage reads each file once more, to make its published files
    # (cleaned, and in other widths and formats): the four of static/, whatever the posts using them.
    assert opened == {"photo.jpg": 1, "schema.png": 1, "portrait.png": 1, "logo.png": 1, "a file's bytes": 4}
