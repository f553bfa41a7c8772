"""A testimonial whose consent ends leaves the site by itself at the next build, without a trace."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hospiblog.build import build
from hospiblog.checks.command import check_site
from hospiblog.kit import make_kit
from tests.conftest import SiteMaker, post, write_image

# Words that appear only in the testimonial: none of them may stay anywhere in the output.
PERSON = "Rosalie Vuilleumier"
BODY = f"Je m'appelle {PERSON}. Mon séjour en pneumologie m'a appris la patience, raconte-t-elle."
TITLE = "Rosalie raconte son séjour"
SLUG = "rosalie-raconte-son-sejour"
TRACES = (PERSON, "Vuilleumier", "pneumologie", TITLE, SLUG, "temoignage-rosalie")
DAY_AFTER_END = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
LAST_DAY = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)  # 23:00 in Zurich: still the last day of the consent


def _site(make_site: SiteMaker, consent: str) -> Path:
    return make_site({
        "posts/testimonials/temoignage-rosalie.md": post(
            TITLE, "2026-10-01", BODY, author="cmartin", summary=f'"{PERSON} raconte."', tags="[poumons, patience]",
            image="/images/rosalie.png", image_alt='"Portrait dessiné"', consent=consent),
        "posts/news/journee.md": post("Journée portes ouvertes", "2026-10-05", "Venez nombreux.",
                                      author="cmartin", summary='"Une journée."',
                                      tags="[patience]"),
    })


def _all_outputs(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize("consent", [
    "{given: 2026-09-01, scope: [web, social], expires: 2026-11-20}",
    "{given: 2026-09-01, scope: [web, social], withdrawn: 2026-11-21}",
])
def test_a_build_the_day_after_the_end_leaves_no_trace(make_site: SiteMaker, tmp_path: Path, consent: str) -> None:
    site = _site(make_site, consent)
    write_image(site / "static/images/rosalie.png")
    output = tmp_path / "out"
    before = build(site, output=output, now=LAST_DAY, workers=1)
    assert any(SLUG in name for name in _all_outputs(output)), "the testimonial is published while consent holds"
    assert "the consent of posts/testimonials/temoignage-rosalie.md ends" in before.summary()
    assert "2026-11-21 00:00" in before.summary()

    report = build(site, output=output, now=DAY_AFTER_END, workers=1)

    assert [warning.rule for warning in report.warnings] == ["consent-expired"]
    assert report.warnings[0].location is not None
    assert report.warnings[0].location.path.name == "temoignage-rosalie.md"
    assert report.posts == 1
    outputs = _all_outputs(output)
    notice = f"temoignages/{SLUG}/index.html"
    assert notice in outputs
    page = outputs.pop(notice).decode()
    assert '<meta name="robots" content="noindex">' in page
    assert "Ce témoignage a été retiré" in page
    for trace in (PERSON, "pneumologie", TITLE, "Portrait dessiné", "rosalie.png"):
        assert trace not in page
    for name, data in outputs.items():
        assert not any(trace in name for trace in TRACES), name
        text = data.decode("utf-8", errors="replace")
        for trace in TRACES:
            assert trace not in text, (name, trace)
    # The tag only the testimonial had is gone, the shared one lists the other article alone.
    assert "sujets/poumons/index.html" not in outputs
    assert "Journée portes ouvertes" in outputs["sujets/patience/index.html"].decode()

    kit = make_kit(site, output=tmp_path / "kit", now=DAY_AFTER_END)
    assert kit.posts == 1
    for name, data in _all_outputs(tmp_path / "kit").items():
        text = data.decode("utf-8", errors="replace")
        assert not any(trace in name or trace in text for trace in TRACES), name


def test_other_rules_do_not_stop_the_build_for_a_withdrawn_testimonial(make_site: SiteMaker,
                                                                       tmp_path: Path) -> None:
    # Its image is missing and it links nowhere: it is off the site, so that must not stop the build.
    site = make_site({
        "posts/testimonials/t.md": post(TITLE, "2026-10-01", "Voir [ceci](../news/absent.md).",
                                        image="/images/absent.png", image_alt='"x"',
                                        consent="{given: 2026-09-01, scope: [web], withdrawn: 2026-11-01}"),
    })
    report = build(site, output=tmp_path / "out", now=DAY_AFTER_END, workers=1)
    assert [warning.rule for warning in report.warnings] == ["consent-expired"]
    assert "withdrawn on 2026-11-01" in report.warnings[0].message


def test_check_warns_before_and_says_after(make_site: SiteMaker) -> None:
    site = make_site({"posts/testimonials/t.md": post(
        TITLE, "2026-10-01", consent="{given: 2026-09-01, scope: [web], expires: 2026-12-10}", social="{}",
        summary='"Un récit."')})

    def rules_on(day: date) -> list[str]:
        return [f"{finding.rule}:{finding.level}" for finding in check_site(site, today=day, use_cache=False)]

    assert rules_on(date(2026, 11, 9)) == []
    assert rules_on(date(2026, 11, 11)) == ["consent-expiring:warning"]
    assert rules_on(date(2026, 12, 10)) == ["consent-expiring:warning"]
    assert rules_on(date(2026, 12, 11)) == ["consent-expired:warning"]


def test_a_no_op_build_still_says_when_the_site_changes(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/testimonials/t.md": post(
        TITLE, "2026-10-01", consent="{given: 2026-09-01, scope: [web], expires: 2026-12-10}", social="{}")})
    first = build(site, output=tmp_path / "out", now=DAY_AFTER_END, workers=1)
    again = build(site, output=tmp_path / "out", now=DAY_AFTER_END, workers=1)
    assert again.write.written == [] and again.write.unchanged > 0
    expected = "next change by itself on 2026-12-11 00:00 (the consent of posts/testimonials/t.md ends)"
    assert first.summary().endswith(expected)
    assert again.summary().endswith(expected)


def test_a_link_to_a_withdrawn_testimonial_leads_to_the_notice(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({
        "posts/testimonials/t.md": post(TITLE, "2026-10-01", consent="{given: 2026-09-01, scope: [web], "
                                        "withdrawn: 2026-11-01}"),
        "posts/news/lien.md": post("Un lien", "2026-10-06", "Lire [son récit](../testimonials/t.md).",
                                   summary='"Un lien."'),
    })
    report = build(site, output=tmp_path / "out", now=DAY_AFTER_END, workers=1)
    assert sorted((warning.rule, warning.location.path.name) for warning in report.warnings
                  if warning.location) == [("broken-link", "lien.md"), ("consent-expired", "t.md")]
    page = (tmp_path / "out/actualites/un-lien/index.html").read_text("utf-8")
    assert f'href="/temoignages/{SLUG}/"' in page
    assert (tmp_path / f"out/temoignages/{SLUG}/index.html").is_file()
