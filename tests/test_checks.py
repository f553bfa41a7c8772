"""The content rules: for each, a file that triggers it and one that does not, through the real parse."""

from __future__ import annotations

import io
import json
import os
import pickle
import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from PIL import Image

from hospiblog.build import image_settings_of, parse_all
from hospiblog.checks import (
    RULES,
    RULES_BY_ID,
    Finding,
    format_findings_json,
    in_social_kit,
    next_change,
    run_checks,
    summary_line,
)
from hospiblog.checks.command import check_site
from hospiblog.checks.context import make_context
from hospiblog.checks.rules import check_image_alt, months_before
from hospiblog.config import load_config
from hospiblog.content.discover import discover
from hospiblog.errors import BuildFailed, SourceLocation
from hospiblog.theme import load_theme
from tests.conftest import NOW, REPO, SITE_TOML, SiteMaker, post, write_image

TODAY = NOW.date()  # 2026-11-22
SUMMARY = "Un résumé."
CONSENT = "\n  given: 2026-09-01\n  scope: [web, social]"
SOURCES = "\n  - title: Tabac\n    publisher: Organisation mondiale de la Santé\n    url: https://www.who.int/"


def article(title: str = "Un article", date: str = "2026-10-01", body: str = "Un texte.", **fields: str) -> str:
    """A post with a summary, so that only the rule under test speaks."""
    return post(title, date, body, **{"summary": SUMMARY, **fields})


def check(make_site: SiteMaker, files: dict[str, str | bytes], *, settings: str = "", today: date = TODAY,
          preview: bool = False, drafts: bool = False, config_text: str = SITE_TOML) -> list[Finding]:
    site = make_site(files, config_text + settings)
    config = load_config(site)
    # The small test images would all get image-too-small, and the medical articles medical-sources: their own
    # tests ask for them.
    quiet = {rule: "off" for rule in ("image-too-small", "medical-sources") if rule not in settings}
    if quiet:
        config = replace(config, checks=replace(config.checks, rules={**config.checks.rules, **quiet}))
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    theme = load_theme(config)
    return run_checks(posts, config, static_lookup=theme.static_file, today=today, unparsed=errors,
                      preview=preview or drafts, drafts=drafts).findings


def found(findings: list[Finding], rule: str | None = None) -> list[tuple[str, int | None, str, str]]:
    """(file name, line, level, rule) of each finding, of one rule when given."""
    return [(Path(f.location.path).name, f.location.line, f.level, f.rule or "")  # type: ignore[union-attr]
            for f in findings if rule is None or f.rule == rule]


def png(size: tuple[int, int] = (40, 30), *, noisy: bool = False) -> bytes:
    # Noise does not compress: a heavy file of a known size.
    picture = (Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noisy
               else Image.new("RGB", size, (40, 90, 160)))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


# -- the table and the findings -----------------------------------------------------------------------------------


def test_every_rule_has_a_kebab_case_id_a_level_and_a_description() -> None:
    assert len(RULES_BY_ID) == len(RULES)
    for rule in RULES:
        assert rule.id == rule.id.lower() and " " not in rule.id and "_" not in rule.id
        assert rule.level in ("error", "warning") and rule.description and "\n" not in rule.description


def test_a_finding_prints_compiler_style_and_survives_pickling() -> None:
    finding = Finding("the article has no summary", level="warning", rule="summary-missing",
                      location=SourceLocation(Path("/site/posts/news/a.md"), 2), hint="add `summary:`")
    assert finding.format(Path("/site")) == ("posts/news/a.md:2: warning: the article has no summary "
                                             "[summary-missing]\n    how to fix: add `summary:`")
    copy = pickle.loads(pickle.dumps(finding))
    assert (copy.level, copy.rule, copy.location, copy.hint) == ("warning", "summary-missing", finding.location,
                                                                 "add `summary:`")


def test_json_and_summary_line() -> None:
    where = SourceLocation(Path("/site/posts/news/a.md"), 3)
    findings = [Finding("m1", level="error", rule="r1", location=where, hint="h1"),
                Finding("m2", level="warning", rule="r2", location=where),
                Finding("m3", level="warning", rule="r3", location=where)]
    data = json.loads(format_findings_json(findings, Path("/site")))
    assert data[0] == {"path": "posts/news/a.md", "line": 3, "level": "error", "rule": "r1", "message": "m1",
                       "hint": "h1"}
    assert [item["level"] for item in data] == ["error", "warning", "warning"]
    assert summary_line(findings) == "1 error, 2 warnings"
    assert summary_line([]) == "0 errors, 0 warnings"


def test_findings_are_sorted_by_path_then_line(make_site: SiteMaker) -> None:
    findings = check(make_site, {
        "posts/news/b.md": post("B" * 80),
        "posts/news/a.md": post("Titre", body="## Un\n\n#### Deux"),
    })
    assert found(findings) == [("a.md", 2, "warning", "summary-missing"), ("a.md", 7, "warning", "heading-order"),
                               ("b.md", 2, "warning", "summary-missing"), ("b.md", 2, "warning", "title-length")]


# -- front matter -------------------------------------------------------------------------------------------------


def test_parse_errors_pass_through_as_front_matter_errors(make_site: SiteMaker) -> None:
    findings = check(make_site, {
        "posts/news/bad.md": article("Titre", categroy="news"),
        "posts/news/good.md": article("Autre titre"),
    })
    assert found(findings) == [("bad.md", 5, "error", "front-matter")]
    assert findings[0].hint == "did you mean 'category'?"


def test_grouped_parse_errors_are_each_a_finding(make_site: SiteMaker) -> None:
    findings = check(make_site, {"posts/news/bad.md": article("Titre", draft="peut-être", tags="{a: 1}")})
    assert sorted(found(findings)) == [("bad.md", 5, "error", "front-matter"), ("bad.md", 6, "error", "front-matter")]


# -- links and cross-references -----------------------------------------------------------------------------------


def test_broken_link_to_a_missing_file_suggests_the_closest(make_site: SiteMaker) -> None:
    findings = check(make_site, {
        "posts/news/a.md": article("A", body="Texte.\n\n[voir](../prevention/bien-dormr.md)"),
        "posts/news/ok.md": article("Ok", body="[voir](../prevention/bien-dormir.md)"),
        "posts/prevention/bien-dormir.md": article("Bien dormir", reviewed_by="X", last_reviewed="2026-09-01"),
    })
    assert found(findings) == [("a.md", 8, "error", "broken-link")]
    assert findings[0].message == "link to posts/prevention/bien-dormr.md: that article does not exist"
    assert findings[0].hint == "did you mean ../prevention/bien-dormir.md?"


def test_broken_link_to_drafts_and_later_articles(make_site: SiteMaker) -> None:
    findings = check(make_site, {
        "posts/news/published.md": article("Publié", "2026-10-01", body="[a](draft.md) [b](later.md)"),
        "posts/news/draft.md": article("Brouillon", draft="true", body="[c](other-draft.md)"),
        "posts/news/other-draft.md": article("Autre brouillon", draft="true"),
        "posts/news/later.md": article("Plus tard", "2027-03-01"),
        "posts/news/scheduled.md": article("Programmé", "2027-04-01", body="[d](later.md)"),
        "posts/news/old.md": article("Ancien", "2025-01-01", body="[e](published.md)"),
    })
    assert found(findings) == [("draft.md", 7, "warning", "broken-link"), ("published.md", 6, "error", "broken-link"),
                               ("published.md", 6, "error", "broken-link")]
    assert sorted(f.message for f in findings if f.level == "error") == [
        "link to posts/news/draft.md: that article is a draft",
        "link to posts/news/later.md: that article is scheduled for 2027-03-01 00:00, after this article"]


def test_a_preview_build_accepts_links_to_drafts(make_site: SiteMaker) -> None:
    files: dict[str, str | bytes] = {"posts/news/a.md": article("A", body="[b](b.md) [c](nulle-part.md)"),
                                     "posts/news/b.md": article("B", draft="true")}
    assert [f.level for f in check(make_site, files, preview=True)] == ["warning", "error"]


def test_a_link_to_a_file_that_does_not_parse_is_reported_once(make_site: SiteMaker) -> None:
    findings = check(make_site, {
        "posts/news/a.md": article("A", body="[b](b.md)"),
        "posts/news/b.md": article("B", dat="2026-01-01"),
    })
    assert found(findings) == [("b.md", 5, "error", "front-matter")]


def test_unknown_author(make_site: SiteMaker) -> None:
    findings = check(make_site, {"posts/news/a.md": article("A", author="cmarti"),
                                 "posts/news/b.md": article("B", author="cmartin")})
    assert found(findings) == [("a.md", 5, "error", "unknown-author")]
    assert findings[0].hint == "did you mean 'cmartin'? use one of the authors of site.toml: cmartin"


def test_duplicate_url_names_the_other_file(make_site: SiteMaker) -> None:
    findings = check(make_site, {"posts/news/a.md": article("Même titre"), "posts/news/b.md": article("Même titre !"),
                                 "posts/medicine/c.md": article("Même titre", reviewed_by="X",
                                                                last_reviewed="2026-01-01")})
    assert found(findings) == [("a.md", 2, "error", "duplicate-url"), ("b.md", 2, "error", "duplicate-url")]
    assert findings[0].message == "this article and posts/news/b.md would both be published at /actualites/meme-titre/"


def test_duplicate_url_with_a_draft_is_an_error_only_when_drafts_are_built(make_site: SiteMaker) -> None:
    files: dict[str, str | bytes] = {"posts/news/a.md": article("Même titre"),
                                     "posts/news/b.md": article("Même titre !", draft="true")}
    findings = check(make_site, files)
    assert found(findings) == [("a.md", 2, "warning", "duplicate-url"), ("b.md", 2, "warning", "duplicate-url")]
    assert findings[0].hint == ("give one of them another title or a `slug:` of its own (only a warning while the "
                                "other is a draft)")
    assert found(check(make_site, files, preview=True)) == found(findings)  # --future: the draft is not built
    # --drafts: both would be published at one URL, which no build can do, draft or not
    assert found(check(make_site, files, drafts=True)) == [("a.md", 2, "error", "duplicate-url"),
                                                           ("b.md", 2, "error", "duplicate-url")]


def test_the_slug_page_is_taken_by_listing_pages(make_site: SiteMaker) -> None:
    findings = check(make_site, {"posts/news/a.md": article("Page", slug="page")})
    assert found(findings) == [("a.md", 5, "error", "duplicate-url")]
    assert findings[0].message == "the slug 'page' is reserved for listing pages"


# -- images -------------------------------------------------------------------------------------------------------


def test_missing_and_unreadable_images(make_site: SiteMaker) -> None:
    findings = check(make_site, {
        "posts/news/a.md": article("A", image="/images/absente.jpg", image_alt="Une salle d'attente",
                                   body="Texte.\n\n![Un schéma](/images/schema.png)\n\n![Un plan](/images/plan.jpg)"),
        "posts/news/b.md": article("B", image="images/logo.png", image_alt="Le logo",
                                   share_image="/images/carte.png"),
        "static/images/plan.jpg": b"not an image",
        "static/images/carte.png": png(),
    })
    assert found(findings) == [("a.md", 5, "error", "missing-image"), ("a.md", 10, "error", "missing-image"),
                               ("a.md", 12, "error", "missing-image")]
    assert [f.message for f in findings] == ["image not found: /images/absente.jpg",
                                             "image not found: /images/schema.png",
                                             "image cannot be read: /images/plan.jpg"]


def test_images_named_in_site_toml(make_site: SiteMaker) -> None:
    config_text = SITE_TOML.replace('logo = "images/logo.png"', 'logo = "images/absent.svg"').replace(
        "bio = ", 'portrait = "/images/portrait.jpg"\nbio = ')
    files: dict[str, str | bytes] = {"posts/news/a.md": article("A"), "static/images/portrait.jpg": b"not an image"}
    findings = check(make_site, files, config_text=config_text)
    logo_line = config_text.splitlines().index('logo = "images/absent.svg"') + 1
    portrait_line = config_text.splitlines().index('portrait = "/images/portrait.jpg"') + 1
    assert found(findings) == [("site.toml", logo_line, "error", "missing-image"),
                               ("site.toml", portrait_line, "error", "missing-image")]
    assert [f.message for f in findings] == ["organization.logo: image not found: images/absent.svg",
                                             "authors.cmartin.portrait: image cannot be read: /images/portrait.jpg"]
    assert check(make_site, files, config_text=config_text, settings='\n[checks.rules]\nmissing-image = "off"\n') == []
    files["static/images/portrait.jpg"] = png()
    files["static/images/absent.svg"] = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    assert check(make_site, files, config_text=config_text) == []


def test_image_too_large(make_site: SiteMaker) -> None:
    files: dict[str, str | bytes] = {
        "posts/news/a.md": article("A", image="/images/lourde.png", image_alt="Un paysage"),
        "posts/news/b.md": article("B", body="![Un schéma](/images/legere.png)"),
        "static/images/lourde.png": png((160, 160), noisy=True),
        "static/images/legere.png": png(),
    }
    findings = check(make_site, files, settings="\n[checks]\nimage_max_kb = 50\n")
    assert found(findings) == [("a.md", 5, "warning", "image-too-large")]
    assert findings[0].message == "image /images/lourde.png weighs 75 KB, more than 50 KB"
    assert check(make_site, files) == []


def test_image_alt_empty_or_a_file_name(make_site: SiteMaker) -> None:
    findings = check(make_site, {
        "posts/news/a.md": article("A", body="Texte.\n\n![Le logo](/images/logo.png)\n\n![](/images/logo.png)"),
        "posts/news/b.md": article("B", image="/images/logo.png", image_alt="logo.png"),
        "posts/news/c.md": article("C", image="/images/logo.png", image_alt="Le logo de l'hôpital",
                                   body="![Le logo](/images/logo.png)"),
    })
    assert found(findings) == [("a.md", 10, "error", "image-alt"), ("b.md", 6, "error", "image-alt")]


def test_image_alt_also_checks_the_hero_image(make_site: SiteMaker) -> None:
    # parse already refuses `image:` without `image_alt:`; the rule still guards posts made otherwise.
    site = make_site({"posts/news/a.md": article("A", image="/images/logo.png", image_alt="Le logo")})
    config = load_config(site)
    (parsed,), _ = parse_all(discover(config), config, cache=None, workers=1)
    context = make_context([parsed], config, static_lookup=load_theme(config).static_file, today=TODAY)
    assert list(check_image_alt(parsed, context)) == []
    stripped = replace(parsed, meta=replace(parsed.meta, image_alt=""))
    (issue,) = check_image_alt(stripped, context)
    assert issue.message == "the image has no alternative text (image_alt)" and issue.line == 5


# -- videos -------------------------------------------------------------------------------------------------------


def video(address: str = "https://youtu.be/AbCdEfGhIjK", title: str = "AVC : chaque minute compte",
          fields: str = "transcription: /transcriptions/avc/") -> str:
    """An article's body holding a :::video block: its opening is line 8 of an article(), the title line 9."""
    lines = ["Texte.", "", f":::video {address}", *([title] if title else []), *fields.splitlines(), ":::"]
    return "\n".join(lines)


def test_a_video_address_that_is_neither_youtube_nor_vimeo(make_site: SiteMaker) -> None:
    findings = check(make_site, {"posts/news/a.md": article("A", body=video("https://www.dailymotion.com/video/x8")),
                                 "posts/news/b.md": article("B", body=video("https://vimeo.com/76979871"))})
    assert found(findings) == [("a.md", 8, "error", "front-matter")]
    assert "is not the address of a YouTube or Vimeo video" in findings[0].message


def test_a_video_without_title(make_site: SiteMaker) -> None:
    findings = check(make_site, {"posts/news/a.md": article("A", body=video(title="")),
                                 "posts/news/b.md": article("B", body=video())})
    assert found(findings) == [("a.md", 9, "error", "front-matter")]  # the line where the title should be
    assert findings[0].message == "video: the video has no title"


def test_a_video_poster_that_is_not_under_static(make_site: SiteMaker) -> None:
    fields = "poster: /images/{}.png\ntranscription: /transcriptions/avc/"
    findings = check(make_site, {"posts/news/a.md": article("A", body=video(fields=fields.format("absente"))),
                                 "posts/news/b.md": article("B", body=video(fields=fields.format("affiche"))),
                                 "static/images/affiche.png": png()})
    assert found(findings) == [("a.md", 10, "error", "missing-image")]
    assert findings[0].message == "image not found: /images/absente.png"


def test_a_video_transcription_in_an_article_that_does_not_exist(make_site: SiteMaker) -> None:
    findings = check(make_site, {"posts/news/a.md": article("A", body=video(fields="transcription: texte-avc.md")),
                                 "posts/news/b.md": article("B", body=video(fields="transcription: c.md")),
                                 "posts/news/c.md": article("C")})
    assert found(findings) == [("a.md", 10, "error", "broken-link")]


def test_video_transcript(make_site: SiteMaker) -> None:
    files: dict[str, str | bytes] = {
        "posts/news/a.md": article("A", body=video(fields="")),
        "posts/news/b.md": article("B", body=video(fields="transcription: #transcription")),
        "posts/news/c.md": article("C", body=video(fields="transcription: #transcription") + "\n\n## Transcription"),
        "posts/news/d.md": article("D", body=video(fields="transcription: d-texte.md")),
        "posts/news/d-texte.md": article("D, le texte"),
    }
    findings = check(make_site, files)
    assert found(findings) == [("a.md", 8, "warning", "video-transcript"), ("b.md", 8, "warning", "video-transcript")]
    assert findings[0].message == 'the video "AVC\u202f: chaque minute compte" has no transcription'
    assert findings[1].message.startswith("the transcription #transcription of the video")
    assert check(make_site, files, settings='\n[checks.rules]\nvideo-transcript = "off"\n') == []


# -- text ---------------------------------------------------------------------------------------------------------


def test_title_length(make_site: SiteMaker) -> None:
    findings = check(make_site, {"posts/news/a.md": article("Un titre " * 8), "posts/news/b.md": article("Court")})
    assert found(findings) == [("a.md", 2, "warning", "title-length")]
    assert findings[0].message == "the title has 71 characters, more than 70: too long for a share card"


def test_summary_missing_and_too_long(make_site: SiteMaker) -> None:
    findings = check(make_site, {
        "posts/news/a.md": post("A"),
        "posts/news/b.md": post("B", summary='""'),
        "posts/news/c.md": post("C", summary="x" * 161),
        "posts/news/d.md": post("D", summary="x" * 160),
    })
    assert found(findings) == [("a.md", 2, "warning", "summary-missing"), ("b.md", 4, "warning", "summary-missing"),
                               ("c.md", 4, "warning", "summary-length")]


def test_heading_order(make_site: SiteMaker) -> None:
    findings = check(make_site, {
        "posts/news/a.md": article("A", body="""\
            Intro.

            ## Avant : « la veille »

            #### Quoi *apporter* ?

            ```
            # pas un titre
            ```

            # Un second titre
            """),
        "posts/news/b.md": article("B", body="[TOC]\n\n## Un\n\n### Deux\n\n#### Trois\n\n## Quatre"),
        "posts/news/c.md": article("C", body="### Trop bas d'emblée"),
    })
    assert found(findings) == [("a.md", 10, "warning", "heading-order"), ("a.md", 16, "warning", "heading-order"),
                               ("c.md", 6, "warning", "heading-order")]
    assert findings[0].message == "heading \"Quoi apporter\u202f?\" (level 4) skips a level after level 2"


# -- health information -------------------------------------------------------------------------------------------


def test_medical_review(make_site: SiteMaker) -> None:
    findings = check(make_site, {
        "posts/medicine/a.md": article("A"),
        "posts/prevention/b.md": article("B", reviewed_by='"Dr Jean Dupont"'),
        "posts/prevention/c.md": article("C", reviewed_by='"Dr Jean Dupont"', last_reviewed="2026-10-01"),
        "posts/news/d.md": article("D"),
    })
    assert found(findings) == [("a.md", 2, "warning", "medical-review"), ("b.md", 5, "warning", "medical-review")]
    assert [f.message for f in findings] == ["medical article without reviewed_by and last_reviewed",
                                             "medical article without last_reviewed"]


def test_review_outdated(make_site: SiteMaker) -> None:
    findings = check(make_site, {
        "posts/medicine/a.md": article("A", reviewed_by="X", last_reviewed="2024-11-21"),
        "posts/medicine/b.md": article("B", reviewed_by="X", last_reviewed="2024-11-22"),
    })
    assert found(findings) == [("a.md", 6, "warning", "review-outdated")]
    short = check(make_site, {}, settings="\n[checks]\nreview_max_months = 6\n")
    assert len(found(short, "review-outdated")) == 2


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_before(date(2026, 11, 22), 24) == date(2024, 11, 22)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2028, 2, 29), 12) == date(2027, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_next_change_is_the_day_a_consent_or_review_rule_speaks(make_site: SiteMaker) -> None:
    site = make_site({
        "posts/testimonials/a.md": article("A", consent=CONSENT + "\n  expires: 2027-03-10"),
        "posts/medicine/b.md": article("B", reviewed_by="X", last_reviewed="2025-01-31", sources=SOURCES),
    })
    config = load_config(site)
    posts, _ = parse_all(discover(config), config, cache=None, workers=1)
    zone = config.zone
    assert next_change(posts, config, today=TODAY) == datetime(2027, 2, 1, tzinfo=zone)  # review outdated
    assert next_change(posts, config, today=date(2027, 2, 1)) == datetime(2027, 2, 9, tzinfo=zone)  # expiring
    assert next_change(posts, config, today=date(2027, 2, 9)) == datetime(2027, 3, 11, tzinfo=zone)  # expired
    assert next_change(posts, config, today=date(2027, 3, 11)) is None
    for day, rules in ((date(2027, 1, 31), set()), (date(2027, 2, 1), {"review-outdated"}),
                       (date(2027, 2, 9), {"review-outdated", "consent-expiring"}),
                       (date(2027, 3, 11), {"review-outdated", "consent-expired"})):
        found_rules = {f.rule for f in run_checks(posts, config, static_lookup=load_theme(config).static_file,
                                                  today=day).findings}
        assert found_rules == rules, day


def test_testimonial_consent(make_site: SiteMaker) -> None:
    findings = check(make_site, {
        "posts/testimonials/a.md": article("A"),
        "posts/testimonials/b.md": article("B", consent="\n  given: 2026-09-01\n  scope: [print]"),
        "posts/testimonials/c.md": article("C", consent="\n  given: 2026-10-05\n  scope: [web]", social="{}"),
        "posts/testimonials/d.md": article("D", consent=CONSENT),
        "posts/news/e.md": article("E"),
    })
    assert found(findings) == [("a.md", 2, "error", "testimonial-consent"), ("b.md", 5, "error", "consent-social"),
                               ("b.md", 5, "error", "testimonial-consent"), ("c.md", 5, "error", "testimonial-consent")]
    assert findings[2].message == "the consent covers print, not the web"
    assert findings[3].message == "the consent was given on 2026-10-05, after the article's date 2026-10-01"


def test_consent_expired_and_expiring(make_site: SiteMaker) -> None:
    findings = check(make_site, {
        "posts/testimonials/a.md": article("A", consent=CONSENT + "\n  expires: 2026-11-21"),
        "posts/testimonials/b.md": article("B", consent=CONSENT + "\n  expires: 2026-11-22"),
        "posts/testimonials/c.md": article("C", consent=CONSENT + "\n  expires: 2026-12-22"),
    })
    assert found(findings) == [("a.md", 5, "warning", "consent-expired"), ("b.md", 5, "warning", "consent-expiring")]


def test_consent_social(make_site: SiteMaker) -> None:
    web_only = "\n  given: 2026-09-01\n  scope: [web]"
    findings = check(make_site, {
        "posts/testimonials/a.md": article("A", consent=web_only),
        "posts/testimonials/b.md": article("B", consent=web_only, social='\n  x: "Le récit de B"'),
        "posts/testimonials/c.md": article("C", consent=web_only, social="{}"),
        "posts/testimonials/d.md": article("D", consent=CONSENT, social='\n  x: "Le récit de D"'),
    })
    assert found(findings) == [("a.md", 5, "error", "consent-social"), ("b.md", 8, "error", "consent-social")]


def test_in_social_kit_unless_social_is_empty(make_site: SiteMaker) -> None:
    site = make_site({"posts/news/a.md": article("A"), "posts/news/b.md": article("B", social="{}"),
                      "posts/news/c.md": article("C", social='\n  x: "Texte"')})
    config = load_config(site)
    posts, _ = parse_all(discover(config), config, cache=None, workers=1)
    assert {p.meta.title: in_social_kit(p) for p in posts} == {"A": True, "B": False, "C": True}


# -- levels: site.toml and drafts -------------------------------------------------------------------------------


def test_site_toml_turns_rules_off_or_up(make_site: SiteMaker) -> None:
    files: dict[str, str | bytes] = {"posts/news/a.md": post("A", body="## Un\n\n#### Deux")}
    findings = check(make_site, files, settings='\n[checks.rules]\nsummary-missing = "off"\n'
                                                '"heading-order" = "error"\n')
    assert found(findings) == [("a.md", 7, "error", "heading-order")]


def test_unknown_rules_and_levels_in_site_toml(make_site: SiteMaker) -> None:
    settings = '\n[checks.rules]\ntitel-length = "off"\nsummary-missing = "warn"\nfront-matter = "off"\n'
    findings = check(make_site, {"posts/news/a.md": article("A")}, settings=settings)
    lines = SITE_TOML.count("\n")
    assert found(findings) == [("site.toml", lines + 3, "error", "checks-config"),
                               ("site.toml", lines + 4, "error", "checks-config"),
                               ("site.toml", lines + 5, "error", "checks-config")]
    assert [(f.message, f.hint) for f in findings] == [
        ("unknown rule 'titel-length' in [checks.rules]", "did you mean 'title-length'?"),
        ("'warn' is not a level for rule 'summary-missing'", "did you mean 'warning'?"),
        ("the level of rule 'front-matter' cannot be changed",
         "remove this line: an article with this problem cannot be built at all")]


def test_rules_that_cannot_be_turned_off(make_site: SiteMaker) -> None:
    assert [rule.id for rule in RULES if not rule.configurable] == ["front-matter", "checks-config", "duplicate-url"]
    files: dict[str, str | bytes] = {"posts/news/a.md": article("Même titre"), "posts/news/b.md": article("Même titre")}
    findings = check(make_site, files, settings='\n[checks.rules]\nmissing-image = "off"\nduplicate-url = "off"\n')
    lines = SITE_TOML.count("\n")
    assert found(findings) == [("a.md", 2, "error", "duplicate-url"), ("b.md", 2, "error", "duplicate-url"),
                               ("site.toml", lines + 4, "error", "checks-config")]
    assert findings[2].message == "the level of rule 'duplicate-url' cannot be changed"


def test_errors_of_a_draft_are_warnings(make_site: SiteMaker) -> None:
    findings = check(make_site, {"posts/testimonials/a.md": article("A", draft="true"),
                                 "posts/testimonials/b.md": article("B", "2027-01-01")})
    assert found(findings) == [("a.md", 2, "warning", "testimonial-consent"),
                               ("b.md", 2, "error", "testimonial-consent")]
    assert findings[0].hint and findings[0].hint.endswith("an error once it is published)")


# -- whole sites --------------------------------------------------------------------------------------------------


def test_check_site_reports_unreadable_files_and_rules(make_site: SiteMaker) -> None:
    site = make_site({"posts/news/latin1.md": "---\ntitle: Caf\xe9\n".encode("latin-1"),
                      "posts/news/a.md": post("A")})
    findings = check_site(site, today=TODAY, use_cache=False)
    assert found(findings) == [("a.md", 2, "warning", "summary-missing"), ("latin1.md", 2, "error", "front-matter")]


def test_check_site_raises_for_a_broken_site_toml(make_site: SiteMaker) -> None:
    site = make_site({}, config=SITE_TOML + "\nposts_per_page = 0\nfeed_size = 0\n")
    try:
        check_site(site, today=TODAY, use_cache=False)
    except BuildFailed as failure:
        assert len(failure.errors) == 2
    else:
        raise AssertionError("a broken site.toml must stop the check")


DEMO_PHOTOS_WITH_GPS = [
    # The demo's photo-like images carry a phone's EXIF, GPS position included (scripts/make_demo_images.py), to
    # show that the site publishes them clean: image-gps tells the editor, and is the demo's only finding.
    ("posts/news/don-du-sang.md", "/images/don-du-sang.jpg"),
    ("posts/news/nouvelle-aile.md", "/images/nouvelle-aile.jpg"),
    ("posts/news/portes-ouvertes-aile-est.md", "/images/portes-ouvertes.jpg"),
    ("posts/testimonials/benevole.md", "/images/benevole.heic"),
]


def test_the_demo_site_has_no_finding_with_every_rule_on_but_its_photos_positions() -> None:
    config = load_config(REPO)
    config = replace(config, checks=replace(config.checks, rules={}))  # whatever site.toml turns off
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    theme = load_theme(config)
    findings = run_checks(posts, config, static_lookup=theme.static_file, today=TODAY, unparsed=errors,
                          image_settings=image_settings_of(theme)).findings
    expected = [(path, "image-gps", image) for path, image in DEMO_PHOTOS_WITH_GPS]
    assert [(finding.location.path.relative_to(REPO).as_posix() if finding.location else "", finding.rule,
             finding.message.split()[2]) for finding in findings] == expected
    assert [(finding.rule, finding.level) for finding in check_site(REPO, today=TODAY, use_cache=False)] == [
        ("image-gps", "warning")] * len(expected)


def test_image_too_small_for_a_share_card(make_site: SiteMaker) -> None:
    from PIL import Image

    site = make_site({"posts/news/a.md": post("Petite", image="/images/petite.jpg", image_alt="Un carré bleu"),
                      "posts/news/b.md": post("Grande", image="/images/grande.jpg", image_alt="Un carré vert")})
    Image.new("RGB", (600, 400)).save(site / "static/images/petite.jpg")
    Image.new("RGB", (1200, 800)).save(site / "static/images/grande.jpg")
    from hospiblog.checks.command import check_site

    findings = [finding for finding in check_site(site) if finding.rule == "image-too-small"]
    assert len(findings) == 1 and "petite.jpg is 600×400 pixels" in findings[0].message
    assert findings[0].location is not None and findings[0].location.line == 4


def test_image_gps_warns_about_a_photo_that_says_where_it_was_taken(make_site: SiteMaker) -> None:
    from tests.imagefiles import heic_photo, phone_jpeg, png_with_text

    site = make_site({
        "posts/news/a.md": post("Avec position", image="/images/telephone.jpg", image_alt="Une façade",
                                body="![Une salle](/images/salle.heic)\n\n![Un schéma](/images/schema.png)"),
        "posts/news/b.md": post("Sans position", image="/images/propre.jpg", image_alt="Un couloir",
                                body="![Un appareil](/images/appareil.jpg)"),
        "static/images/telephone.jpg": phone_jpeg((1200, 800)),  # triggers: a JPEG whose EXIF has a GPS position
        "static/images/salle.heic": heic_photo((1200, 900)),  # triggers: a phone's HEIC
        "static/images/schema.png": png_with_text((600, 400)),  # triggers: a PNG's eXIf chunk
        "static/images/authors/cm.jpg": phone_jpeg((400, 400)),  # triggers, named in site.toml
    }, config=SITE_TOML + 'portrait = "images/authors/cm.jpg"\n')
    write_image(site / "static/images/propre.jpg", (1200, 800))  # passes: no EXIF
    camera_only = Image.Exif()
    camera_only[0x010F] = "Canon"
    Image.new("RGB", (1200, 800)).save(site / "static/images/appareil.jpg", exif=camera_only)  # passes: no GPS
    findings = [finding for finding in check_site(site) if finding.rule == "image-gps"]
    assert [(finding.location.path.name if finding.location else "", finding.location.line if finding.location
             else None, re.search(r"the image (\S+)", finding.message).group(1))  # type: ignore[union-attr]
            for finding in findings] == [("a.md", 4, "/images/telephone.jpg"), ("a.md", 7, "/images/salle.heic"),
                                         ("a.md", 9, "/images/schema.png"), ("site.toml", 39, "images/authors/cm.jpg")]
    assert all(finding.level == "warning" for finding in findings)
    assert not any("46" in finding.message or "7.15" in finding.message for finding in findings)  # no position shown


def test_image_too_wide_warns_about_an_image_far_wider_than_the_theme_publishes(make_site: SiteMaker) -> None:
    site = make_site({
        "posts/news/a.md": post("Trop large", image="/images/large.jpg", image_alt="Une vue",
                                body="![Une autre vue](/images/large.jpg)\n\n![Un plan](/images/juste.jpg)"),
        "posts/news/b.md": post("Assez", image="/images/juste.jpg", image_alt="Un plan"),
    }, config=SITE_TOML + 'portrait = "images/portrait.jpg"\n')
    write_image(site / "static/images/large.jpg", (3300, 2200))  # triggers: more than 2 × 1600
    write_image(site / "static/images/juste.jpg", (3200, 2133))  # passes: exactly twice the widest width
    write_image(site / "static/images/portrait.jpg", (800, 800))  # triggers: more than 2 × 320 for a portrait
    findings = [finding for finding in check_site(site) if finding.rule == "image-too-wide"]
    assert [(finding.location.path.name if finding.location else "", finding.location.line if finding.location
             else None) for finding in findings] == [("a.md", 4), ("site.toml", 39)]
    assert "3300 pixels wide; the theme publishes it at most 1600" in findings[0].message
    assert "800 pixels wide; the theme publishes it at most 320" in findings[1].message
    assert findings[0].hint is not None and "resize it to 1600 pixels wide" in findings[0].hint
