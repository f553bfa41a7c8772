"""The findings kept between runs (checks/kept.py): with the store, a run gives exactly the findings of a run over
every post, whatever changed, and the rules run again over the edited posts only when nothing else changed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from hospiblog.build import build, image_settings_of, parse_all
from hospiblog.checks import CheckRun, Finding, check_post, run_checks
from hospiblog.checks import runner as checks_runner
from hospiblog.checks.command import check_site
from hospiblog.checks.kept import CHECKS_FILE, SHARED_FIELDS, KeptFindings, context_digest
from hospiblog.checks.runner import rule_levels
from hospiblog.config import load_config
from hospiblog.content.discover import discover
from hospiblog.errors import BuildFailed
from hospiblog.model import Post
from hospiblog.state import cache_root
from hospiblog.theme import load_theme
from tests.conftest import GERMAN_TOML, NOW, REPO, SITE_TOML, SiteMaker, post, write_image

TODAY = NOW.date()  # 2026-11-22
SETTINGS = '\n[checks]\nimage_max_kb = 50\n\n[checks.rules]\ntranslation-missing = "warning"\n'
CONSENT_ENDING_TODAY = "\n  given: 2026-09-01\n  scope: [web, social]\n  expires: 2026-11-22"


def article(title: str, body: str = "Un texte.", **fields: str) -> str:
    return post(title, "2026-10-01", body, **{"summary": "Un résumé.", **fields})


def png(size: tuple[int, int], *, noisy: bool = False) -> bytes:
    # Noise does not compress: a heavy file.
    picture = (Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noisy
               else Image.new("RGB", size, (40, 90, 160)))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


FILES: dict[str, str | bytes] = {
    # broken-link (a draft), image-alt, translation-missing
    "posts/news/a.md": article("Un article qui renvoie à un brouillon",
                               "Texte.\n\n[voir](b.md) [z](z.md)\n\n![](/images/photo.png)", translation_key="a"),
    "posts/news/b.md": article("Brouillon", draft="true"),
    # duplicate-url, both
    "posts/news/c.md": article("Même titre"),
    "posts/news/d.md": article("Même titre !"),
    # summary-missing, title-length
    "posts/news/e.md": post("Un titre bien trop long pour une carte de partage, qui coupe tout ce qui dépasse"),
    # review-outdated, medical-sources
    "posts/medicine/m.md": article("Soins", reviewed_by="Dre X", last_reviewed="2024-01-10"),
    # consent-expiring today, consent-expired tomorrow
    "posts/testimonials/t.md": article("Témoignage", consent=CONSENT_ENDING_TODAY),
    # image-too-small; image-too-large once the file is heavier
    "posts/news/g.md": article("Grande image", image="/images/grande.png", image_alt="Un paysage"),
    # unknown-author
    "posts/news/f.md": article("Auteur inconnu", author="cmarti"),
    # a German article without its French version: translation-missing
    "posts/news/de.md": article("Ein Artikel", lang="de", translation_key="x"),
    "static/images/photo.png": png((40, 30)),
    "static/images/grande.png": png((160, 160)),
}


def make(make_site: SiteMaker, files: dict[str, str | bytes] | None = None) -> Path:
    return make_site(files if files is not None else FILES, SITE_TOML + GERMAN_TOML + SETTINGS)


def run(site: Path, *, today: date = TODAY, kept: bool = True, drafts: bool = False) -> CheckRun:
    """The check stage as a build runs it, with the store in the site's cache (``kept``) or without."""
    config = load_config(site)
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    theme = load_theme(config)
    return run_checks(posts, config, static_lookup=theme.static_file, today=today, unparsed=errors,
                      preview=drafts, drafts=drafts, image_settings=image_settings_of(theme),
                      cache_dir=cache_root(config) if kept else None)


def described(findings: list[Finding]) -> list[tuple[Any, ...]]:
    return [(type(finding), str(finding.location.path) if finding.location else None,
             finding.location.line if finding.location else None, finding.level, finding.rule, finding.message,
             finding.hint) for finding in findings]


def same_as_a_full_run(site: Path, *, today: date = TODAY, drafts: bool = False) -> CheckRun:
    """A run with the store, after checking it gives what a run over every post gives."""
    kept = run(site, today=today, drafts=drafts)
    assert described(kept.findings) == described(run(site, today=today, drafts=drafts, kept=False).findings)
    return kept


def rules_of(run: CheckRun) -> set[str | None]:
    return {finding.rule for finding in run.findings}


def edit(site: Path, relative: str, old: str, new: str) -> None:
    path = site / relative
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


ALL = tuple(sorted(relative for relative in FILES if relative.startswith("posts/")))


def test_the_site_speaks_through_many_rules(make_site: SiteMaker) -> None:
    first = same_as_a_full_run(make(make_site))
    assert {"broken-link", "image-alt", "translation-missing", "duplicate-url", "summary-missing", "title-length",
            "review-outdated", "medical-sources", "consent-expiring", "image-too-small",
            "unknown-author"} <= rules_of(first)
    assert {"error", "warning"} == {finding.level for finding in first.findings}
    assert sorted(first.checked) == sorted(ALL)  # nothing kept yet


def test_an_unchanged_site_checks_no_post_again(make_site: SiteMaker) -> None:
    site = make(make_site)
    run(site)
    again = same_as_a_full_run(site)
    assert again.checked == ()
    assert (cache_root(load_config(site)) / CHECKS_FILE).is_file()


@pytest.mark.parametrize("relative, old, new, rule", [
    ("posts/news/e.md", 'title: "Un titre bien trop long', 'title: "Un titre encore bien plus long',
     "title-length"),  # a title whose slug is written: its URL stays
    ("posts/news/e.md", "date: 2026-10-01", "date: 2026-10-01\nsummary: Un résumé.", "summary-missing"),
    ("posts/news/f.md", "author: cmarti", "author: cmartin\ntags: [santé]", "unknown-author"),
])
def test_a_front_matter_edit_no_other_post_reads_checks_that_post_alone(make_site: SiteMaker, relative: str,
                                                                        old: str, new: str, rule: str) -> None:
    """Another post's rules read only its SHARED_FIELDS: a title (slug written), a summary, tags or an author edited
    leave the digest, and the other posts' findings, as they were."""
    site = make(make_site, {**FILES, "posts/news/e.md": post(
        "Un titre bien trop long pour une carte de partage, qui coupe tout ce qui dépasse", slug="long")})
    before = run(site)
    edit(site, relative, old, new)
    after = same_as_a_full_run(site)
    assert after.checked == (relative,)
    assert [finding.message for finding in after.findings if finding.rule == rule] != [
        finding.message for finding in before.findings if finding.rule == rule]


def test_a_body_edit_checks_that_post_alone(make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make(make_site)
    run(site)
    edit(site, "posts/news/a.md", "Texte.", "Texte.\n\n## Un titre\n\n#### Trop bas")  # heading-order
    edit(site, "posts/news/b.md", "Un texte.", "Un autre texte.")  # a link target's body: a.md stays as it was
    looked_at: list[str] = []

    def counted(post: Post, *args: Any) -> list[Finding]:
        looked_at.append(post.relative)
        return check_post(post, *args)

    monkeypatch.setattr(checks_runner, "check_post", counted)
    edited = run(site)
    assert sorted(looked_at) == sorted(edited.checked) == ["posts/news/a.md", "posts/news/b.md"]
    assert "heading-order" in rules_of(edited)
    monkeypatch.undo()
    assert described(edited.findings) == described(run(site, kept=False).findings)


Change = Callable[[Path], None]


def _publish_the_link_target(site: Path) -> None:
    edit(site, "posts/news/b.md", "draft: true", "draft: false")


def _schedule_the_link_target(site: Path) -> None:
    edit(site, "posts/news/b.md", "draft: true\n", "")
    edit(site, "posts/news/b.md", "date: 2026-10-01", "date: 2027-01-10")


def _retitle_a_duplicate(site: Path) -> None:
    edit(site, "posts/news/d.md", "Même titre !", "Un autre titre")


def _duplicate_in_german(site: Path) -> None:
    edit(site, "posts/news/d.md", "Même titre !", "Même titre !\"\nlang: \"de")  # now at /de/…: c.md alone at its URL


def _translate(site: Path) -> None:
    edit(site, "posts/news/de.md", "translation_key: x", "translation_key: a")


def _new_post(site: Path) -> None:
    (site / "posts/news/h.md").write_text(article("Même titre"), "utf-8")  # a third at c.md's URL


def _heavier_image(site: Path) -> None:
    (site / "static/images/grande.png").write_bytes(png((160, 160), noisy=True))


def _missing_image(site: Path) -> None:
    (site / "static/images/photo.png").unlink()


def _rule_level(site: Path) -> None:
    edit(site, "site.toml", 'translation-missing = "warning"', 'translation-missing = "warning"\n'
         'title-length = "error"\nunknown-author = "off"')


def _parse_error(site: Path) -> None:
    edit(site, "posts/news/b.md", "title:", "titre:")  # a.md's link then points at a file that does not parse


def _unparsable_link_target(site: Path) -> None:
    (site / "posts/news/z.md").write_text("---\ntitre: Z\n---\nTexte.\n", "utf-8")  # the link's file exists now


CHANGES: dict[str, tuple[Change, str]] = {
    "a link target published": (_publish_the_link_target, "broken-link"),
    "a link target scheduled after the article": (_schedule_the_link_target, "broken-link"),
    "another post's title (its URL)": (_retitle_a_duplicate, "duplicate-url"),
    "another post's language (its URL)": (_duplicate_in_german, "duplicate-url"),
    "a translation's key": (_translate, "translation-missing"),
    "a new post": (_new_post, "duplicate-url"),
    "an image file's size": (_heavier_image, "image-too-large"),
    "an image file removed": (_missing_image, "missing-image"),
    "rule levels in site.toml": (_rule_level, "title-length"),
    "a link target that no longer parses": (_parse_error, "broken-link"),
    "a link target that does not parse appears": (_unparsable_link_target, "broken-link"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_to_what_rules_see_of_the_site_checks_every_post_again(make_site: SiteMaker, change: str) -> None:
    site = make(make_site)
    before = run(site)
    apply, rule = CHANGES[change]
    apply(site)
    after = same_as_a_full_run(site)
    changed = {(finding.location, finding.level, finding.message) for finding in after.findings if finding.rule == rule}
    assert changed != {(finding.location, finding.level, finding.message) for finding in before.findings
                       if finding.rule == rule}  # the change is one a post's findings see
    assert set(after.checked) >= set(ALL) - {"posts/news/b.md"}
    assert same_as_a_full_run(site).checked == ()  # and it is kept in turn


def test_another_post_s_category_written_in_its_front_matter_checks_every_post_again(make_site: SiteMaker) -> None:
    """A post outside the category folders names its category (``category:``), part of its URL: the digest holds it."""
    site = make(make_site, {**FILES, "posts/meme.md": article("Même titre", category="news")})
    before = run(site)
    edit(site, "posts/meme.md", "category: news", "category: prevention")
    after = same_as_a_full_run(site)
    assert "posts/news/c.md" in after.checked

    def on_c(checks: CheckRun) -> list[str]:
        return [finding.message for finding in checks.findings if finding.rule == "duplicate-url"
                and finding.location is not None and finding.location.path == site / "posts/news/c.md"]

    assert on_c(after) != on_c(before)


def test_the_next_day_checks_every_post_again(make_site: SiteMaker) -> None:
    site = make(make_site)
    assert "consent-expiring" in rules_of(same_as_a_full_run(site))
    tomorrow = same_as_a_full_run(site, today=TODAY + timedelta(days=1))
    assert "consent-expiring" not in rules_of(tomorrow) and "consent-expired" in rules_of(tomorrow)
    assert sorted(tomorrow.checked) == sorted(ALL)
    assert same_as_a_full_run(site, today=TODAY + timedelta(days=1)).checked == ()


def test_building_drafts_checks_every_post_again(make_site: SiteMaker) -> None:
    files = {**FILES, "posts/news/d.md": article("Même titre !", draft="true")}
    site = make(make_site, files)
    levels = {finding.level for finding in same_as_a_full_run(site).findings if finding.rule == "duplicate-url"}
    with_drafts = same_as_a_full_run(site, drafts=True)
    assert {finding.level for finding in with_drafts.findings if finding.rule == "duplicate-url"} != levels
    assert len(with_drafts.checked) == len(ALL)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "one byte changed", "empty", "a folder"])
def test_a_damaged_store_checks_every_post(make_site: SiteMaker, damage: str) -> None:
    site = make(make_site)
    run(site)
    path = cache_root(load_config(site)) / CHECKS_FILE
    data = path.read_bytes()
    if damage == "a folder":
        path.unlink()
        path.mkdir()
    else:
        damaged = {"garbage": os.urandom(len(data)), "truncated": data[: len(data) // 2], "empty": b"",
                   "one byte changed": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]}[damage]
        path.write_bytes(damaged)
    again = same_as_a_full_run(site)
    assert sorted(again.checked) == sorted(ALL)
    if damage != "a folder":
        assert same_as_a_full_run(site).checked == ()  # written again


def _poison(site: Path) -> None:
    """Stores a finding no rule gives for a.md, under the digest a run now makes: a run that reads the store says it."""
    config = load_config(site)
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    theme = load_theme(config)
    checks = run_checks(posts, config, static_lookup=theme.static_file, today=TODAY, unparsed=errors,
                        image_settings=image_settings_of(theme), cache_dir=cache_root(config))
    kept = KeptFindings(cache_root(config) / CHECKS_FILE)
    shared = kept.shared_fingerprints(posts)
    digest = context_digest(checks.context, rule_levels(config)[0], posts, shared)
    entries = dict(kept.entries)
    fingerprint, shared_a, _rows = entries["posts/news/a.md"]
    entries["posts/news/a.md"] = (fingerprint, shared_a, (("poisoned", "warning", "title-length", None, 1),))
    kept.save(digest, entries)


def test_the_check_command_and_builds_use_the_store_unless_told_not_to(make_site: SiteMaker) -> None:
    site = make(make_site)
    path = cache_root(load_config(site)) / CHECKS_FILE
    assert described(check_site(site, today=TODAY, use_cache=False)) == described(run(site, kept=False).findings)
    assert not path.exists()  # without the cache, nothing is written
    with pytest.raises(BuildFailed):  # the site's errors stop a build after the check stage, which keeps them
        build(site, output=site.parent / "out", now=NOW, workers=1)
    assert path.is_file()
    _poison(site)
    assert "poisoned" in [finding.message for finding in check_site(site, today=TODAY)]  # it is read
    stored = path.read_bytes()
    assert "poisoned" not in [finding.message for finding in check_site(site, today=TODAY, use_cache=False)]
    assert path.read_bytes() == stored  # without the cache, it is neither read nor written


def test_the_store_is_the_same_in_another_process(make_site: SiteMaker) -> None:
    """The digest and the shared fingerprints hold no hash of a set nor an address: another process, with
    another string hash seed, finds the same ones and checks no post again."""
    site = make(make_site)
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO)!r})
        from datetime import date
        from pathlib import Path
        from tests.test_checks_kept import run
        print(len(run(Path({str(site)!r}), today=date.fromisoformat({TODAY.isoformat()!r})).checked))
    """)
    counts = []
    for seed in ("1", "2"):
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                env={**os.environ, "PYTHONHASHSEED": seed}, cwd=REPO)
        counts.append(int(result.stdout.split()[-1]))
    assert counts == [len(ALL), 0]


def test_a_rule_reads_of_another_post_only_its_front_matter(make_site: SiteMaker) -> None:
    """What kept.py's digest holds of each post (its path and front matter) is all a rule may read of it while it
    looks at another post: every attribute read of the posts of ``CheckContext.posts`` is recorded here."""
    site = make(make_site, {**FILES, "posts/news/a.md": article(
        "Un article qui renvoie à d'autres", "Texte.\n\n[voir](b.md) [c](c.md) [x](nulle-part.md)",
        translation_key="a"),
        "posts/news/later.md": article("Plus tard", "[a](a.md)").replace("2026-10-01", "2027-02-01"),
        "posts/news/de2.md": article("Ein Zweiter", lang="de", translation_key="x")})
    config = load_config(site)
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    theme = load_theme(config)
    checks = run_checks(posts, config, static_lookup=theme.static_file, today=TODAY, unparsed=errors,
                        image_settings=image_settings_of(theme))
    assert {"broken-link", "duplicate-url", "translation-duplicate"} <= rules_of(checks)
    read: set[str] = set()
    read_of_meta: set[str] = set()

    class WatchedMeta:
        def __init__(self, meta: Any) -> None:
            self._meta = meta

        def __getattr__(self, name: str) -> Any:
            read_of_meta.add(name)
            return getattr(self._meta, name)

    class Watched:
        def __init__(self, post: Post) -> None:
            self._post = post

        def __getattr__(self, name: str) -> Any:
            read.add(name)
            value = getattr(self._post, name)
            return WatchedMeta(value) if name == "meta" else value

    context = replace(checks.context, posts={relative: Watched(post)  # type: ignore[misc]
                                             for relative, post in checks.context.posts.items()})
    watched = [finding for post in posts for finding in check_post(post, context, checks.levels)]
    assert described(sorted(watched, key=lambda finding: finding.sort_key)) == described(
        [finding for finding in checks.findings if str(finding.location.path).endswith(".md")])  # type: ignore[union-attr]
    assert read == {"meta"}
    assert {"draft", "date"} <= read_of_meta <= set(SHARED_FIELDS)



def test_the_hostile_corpus_gives_the_same_findings_with_the_store(make_site: SiteMaker) -> None:
    hostile = REPO / "tests" / "hostile"
    cases = tomllib.loads((hostile / "cases.toml").read_text("utf-8"))["case"]
    files: dict[str, str | bytes] = dict(FILES)
    for case in cases:
        if "file" in case and case.get("dest", "").count("..") == 0:
            files.setdefault(case.get("dest") or f"posts/news/{case['file']}", (hostile / case["file"]).read_bytes())
    site = make(make_site, files)
    first = same_as_a_full_run(site)
    assert len(first.findings) > 40
    assert same_as_a_full_run(site).checked == ()
    write_image(site / "static/images/grande.png", (2000, 1200))  # g.md's image-too-small no more
    assert [finding.rule for finding in same_as_a_full_run(site).findings
            if finding.location and finding.location.path.name == "g.md"] == ["translation-missing"]
