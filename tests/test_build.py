"""The whole pipeline on small sites: outputs, the writer's promises, and the CLI's messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from hospiblog.build import build
from hospiblog.cli import main
from hospiblog.errors import HospiblogError
from tests.conftest import NOW, SITE_TOML, SiteMaker, post


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def small_site(make_site: SiteMaker) -> Path:
    return make_site({f"posts/news/article-{n}.md": post(f"Article {n}", f"2026-0{n}-10", f"Texte {n}.",
                                                        author="cmartin", tags="[santé]")
                      for n in range(1, 6)})


def test_outputs_of_a_small_site(make_site: SiteMaker, tmp_path: Path) -> None:
    report = build(small_site(make_site), output=tmp_path / "out", now=NOW)
    files = files_of(tmp_path / "out")
    assert report.posts == 5 and report.feeds == 10
    for expected in ("index.html", "page/2/index.html", "page/3/index.html", "actualites/article-1/index.html",
                     "actualites/index.html", "actualites/page/3/index.html", "medecine/index.html",
                     "sujets/sante/index.html", "sujets/index.html", "auteurs/cmartin/index.html",
                     "archives/index.html", "archives/2026/index.html", "s-abonner/index.html", "404.html",
                     "sitemap.xml", "robots.txt", "rss.xml", "atom.xml", "medecine/rss.xml", "medecine/atom.xml"):
        assert expected in files, expected
    assert not any(name.startswith("page/4") for name in files)
    css = [name for name in files if name.startswith("style.") and name.endswith(".css")]
    assert len(css) == 1 and len(css[0].split(".")[1]) == 10
    home = files["index.html"].decode()
    assert f'href="/{css[0]}"' in home
    assert '<link rel="alternate" type="application/rss+xml"' in home


@pytest.mark.parametrize(("language", "first", "other"), [
    ("fr", "1er mars 2026", "22 novembre 2025"),
    ("de", "1. März 2026", "22. November 2025"),
    ("en", "March 1, 2026", "November 22, 2025"),
])
def test_dates_are_written_as_the_site_language_writes_them(make_site: SiteMaker, tmp_path: Path, language: str,
                                                             first: str, other: str) -> None:
    site = make_site({"posts/news/premier.md": post("Premier du mois", "2026-03-01"),
                      "posts/news/autre.md": post("Un autre jour", "2025-11-22")},
                     config=f'language = "{language}"\n' + SITE_TOML)
    build(site, output=tmp_path / "out", now=NOW)
    for slug, shown in (("premier-du-mois", first), ("un-autre-jour", other)):
        page = (tmp_path / "out" / "actualites" / slug / "index.html").read_text("utf-8")
        assert f">{shown}</time>" in page, shown


def test_static_files_hidden_ones_and_well_known(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/a.md": post("Titre"),
                      "static/.well-known/security.txt": "Contact: mailto:securite@hopital.example\n",
                      "static/.well-known/.brouillon.txt": "x", "static/.DS_Store": "x",
                      "static/images/.cache/x.png": "x", "static/docs/guide.pdf": "%PDF"})
    build(site, output=tmp_path / "out", now=NOW)
    files = files_of(tmp_path / "out")
    assert files[".well-known/security.txt"] == b"Contact: mailto:securite@hopital.example\n"
    assert files["docs/guide.pdf"] == b"%PDF"
    assert not [name for name in files if "brouillon" in name or "DS_Store" in name or ".cache" in name]


def test_empty_category_still_has_feeds(make_site: SiteMaker, tmp_path: Path) -> None:
    build(small_site(make_site), output=tmp_path / "out", now=NOW)
    feed = feedparser.parse((tmp_path / "out" / "medecine" / "rss.xml").read_bytes())
    assert not feed.bozo and feed.entries == []


def test_a_second_build_writes_nothing_and_keeps_mtimes(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = small_site(make_site), tmp_path / "out"
    build(site, output=out, now=NOW)
    before = {path: path.stat().st_mtime_ns for path in out.rglob("*") if path.is_file()}
    report = build(site, output=out, now=NOW)
    assert report.write.written == [] and report.write.removed == []
    assert {path: path.stat().st_mtime_ns for path in out.rglob("*") if path.is_file()} == before


def test_an_edit_writes_only_what_shows_the_post(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = small_site(make_site), tmp_path / "out"
    build(site, output=out, now=NOW)
    path = site / "posts/news/article-1.md"
    path.write_text(path.read_text().replace("Texte 1.", "Texte 1, corrigé."))
    report = build(site, output=out, now=NOW)
    assert "actualites/article-1/index.html" in report.write.written
    assert "rss.xml" in report.write.written
    assert "actualites/article-4/index.html" not in report.write.written
    assert "s-abonner/index.html" not in report.write.written


def test_a_deleted_post_is_removed_from_the_output(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = small_site(make_site), tmp_path / "out"
    build(site, output=out, now=NOW)
    (site / "posts/news/article-3.md").unlink()
    report = build(site, output=out, now=NOW)
    assert "actualites/article-3/index.html" in report.write.removed
    assert not (out / "actualites/article-3").exists()


def test_cached_and_uncached_builds_are_identical(make_site: SiteMaker, tmp_path: Path) -> None:
    site = small_site(make_site)
    build(site, output=tmp_path / "a", now=NOW)
    build(site, output=tmp_path / "b", now=NOW)  # parses come from the cache now
    build(site, output=tmp_path / "c", now=NOW, use_cache=False)
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b") == files_of(tmp_path / "c")


def test_a_site_moved_with_its_cache_names_its_files_where_they_are_now(make_site: SiteMaker,
                                                                        tmp_path: Path) -> None:
    """A CI checkout in another folder, with .hospiblog-cache/ kept: parsed posts and findings come from the cache,
    the messages name the files of this checkout."""
    import shutil

    from hospiblog.cli import main as cli_main

    site = make_site({"posts/news/a.md": post("Lien", body="Voir [l'autre](absent.md).")},
                     SITE_TOML + '\n[checks.rules]\nbroken-link = "warning"\n')
    build(site, output=tmp_path / "out", now=NOW)
    moved = tmp_path / "ailleurs" / "site"
    shutil.copytree(site, moved)
    shutil.rmtree(site)
    report = build(moved, output=tmp_path / "out2", now=NOW)
    assert report.parsed == 0, "the posts come from the cache"
    paths = {str(warning.location.path) for warning in report.warnings if warning.location}
    assert paths == {str(moved / "posts/news/a.md")}
    assert cli_main(["check", str(moved)]) == 0


def test_a_failed_build_leaves_the_previous_output(make_site: SiteMaker, tmp_path: Path) -> None:
    site, out = small_site(make_site), tmp_path / "out"
    build(site, output=out, now=NOW)
    before = files_of(out)
    (site / "posts/news/article-2.md").write_text("---\ntitle: [\n---\n")
    with pytest.raises(HospiblogError):
        build(site, output=out, now=NOW)
    assert files_of(out) == before
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".out.")]


def test_a_command_keeps_the_c_heap_in_one_arena_unless_the_environment_says(make_site: SiteMaker, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """glibc's mallopt(M_ARENA_MAX, 1) as the command starts; a MALLOC_ARENA_MAX the user set is left to glibc."""
    from hospiblog import collector

    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(collector, "_libc", lambda name: (lambda *args: calls.append(args) or 1)
                        if name == "mallopt" else None)
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    site = small_site(make_site)
    assert main(["build", str(site), "-o", str(tmp_path / "out"), "-q"]) == 0
    assert calls == [(-8, 1)]
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert main(["build", str(site), "-o", str(tmp_path / "out"), "-q"]) == 0
    assert calls == [(-8, 1)]


def test_a_build_holds_the_garbage_collector_off_and_gives_it_back(make_site: SiteMaker, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from hospiblog import writer

    seen: list[bool] = []
    original = writer.publish

    def publish(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "publish", publish)
    site = small_site(make_site)
    build(site, output=tmp_path / "out", now=NOW)
    assert seen == [False] and gc.isenabled()
    (site / "posts/news/article-2.md").write_text("---\ntitle: [\n---\n")
    with pytest.raises(HospiblogError):
        build(site, output=tmp_path / "out", now=NOW)
    assert gc.isenabled(), "a failed build gives the collector back too"
    (site / "posts/news/article-2.md").unlink()
    gc.disable()
    try:
        build(site, output=tmp_path / "other", now=NOW, use_cache=False)
        assert not gc.isenabled(), "a caller that held it off keeps it off"
    finally:
        gc.enable()


def test_output_folder_that_holds_the_site_is_refused(make_site: SiteMaker) -> None:
    site = small_site(make_site)
    for output in (site, site.parent, site / "posts"):
        with pytest.raises(HospiblogError, match="output folder"):
            build(site, output=output, now=NOW)


def test_template_override_from_the_site(make_site: SiteMaker, tmp_path: Path) -> None:
    site = small_site(make_site)
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text(
        '{% extends "default/404.html" %}{% block content %}<p>Perdu ?</p>{{ super() }}{% endblock %}')
    build(site, output=tmp_path / "out", now=NOW)
    page = (tmp_path / "out" / "404.html").read_text()
    assert "<p>Perdu ?</p>" in page and "Page introuvable" in page


def test_theme_extending_the_default(make_site: SiteMaker, tmp_path: Path) -> None:
    site = small_site(make_site)
    theme = site / "themes" / "clinique"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "theme.toml").write_text('extends = "default"\n')
    (theme / "static" / "extra.css").write_text("body { color: black; }\n")
    (theme / "templates" / "subscribe.html").write_text('{% extends "base.html" %}{% block content %}'
                                                         '<p>Abonnement clinique</p>{% endblock %}')
    (site / "site.toml").write_text((site / "site.toml").read_text().replace(
        'posts_per_page = 2', 'posts_per_page = 2\ntheme = "clinique"'))
    build(site, output=tmp_path / "out", now=NOW)
    assert "Abonnement clinique" in (tmp_path / "out/s-abonner/index.html").read_text()
    assert "Page introuvable" in (tmp_path / "out/404.html").read_text()
    assert any(path.name.startswith("extra.") for path in (tmp_path / "out").iterdir())


def run_cli(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hospiblog", *arguments], capture_output=True, text=True,
                          cwd=cwd, check=False)


def test_cli_version_help_and_usage_errors() -> None:
    assert run_cli("--version").stdout.startswith("hospiblog ")
    help_text = run_cli("build", "--help")
    assert help_text.returncode == 0 and "examples:" in help_text.stdout
    assert run_cli("build", "--nope").returncode == 2
    assert run_cli().returncode == 2


BAD_INPUTS = {
    "invalid YAML": ("posts/news/a.md", "---\ntitle: x: y\ndate: 2026-01-01\n---\n",
                     "a.md:2: error: invalid front matter"),
    "missing title": ("posts/news/a.md", "---\ndate: 2026-01-01\n---\nTexte\n", "error: missing 'title'"),
    "missing date": ("posts/news/a.md", "---\ntitle: Titre\n---\nTexte\n", "error: missing 'date'"),
    "invalid date": ("posts/news/a.md", post("Titre", "2026-13-45"), "a.md:3: error:"),
    "unknown category": ("posts/cardiologie/a.md", post("Titre"), "unknown category 'cardiologie'"),
    "unknown author": ("posts/news/a.md", post("Titre", author="inconnu"), "a.md:4: error: unknown author 'inconnu'"),
    "missing image": ("posts/news/a.md", post("Titre", image="/images/absente.jpg", image_alt="x"),
                      "a.md:4: error: image not found: /images/absente.jpg"),
    "missing alt": ("posts/news/a.md", post("Titre", image="/images/logo.png"), "a.md:4: error: the image has no alt"),
    "non-UTF-8": ("posts/news/a.md", post("Été", body="Santé").encode("latin-1"), "not saved as UTF-8"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gets_one_clear_message(case: str, make_site: SiteMaker, tmp_path: Path) -> None:
    site = small_site(make_site)
    out = tmp_path / "out"
    assert run_cli("build", str(site), "-o", str(out)).returncode == 0
    before = files_of(out)
    name, content, expected = BAD_INPUTS[case]
    path = site / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run_cli("build", str(site), "-o", str(out))
    assert result.returncode == 1
    assert expected in result.stderr, result.stderr
    assert "how to fix:" in result.stderr
    assert "Traceback" not in result.stderr
    assert files_of(out) == before


def test_every_problem_of_a_build_is_reported(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/a.md": "---\ntitle: [\n---\n", "posts/news/b.md": post("B", author="personne"),
                      "posts/news/c.md": post("C", "2026-02-30")})
    result = run_cli("build", str(site), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.count("error:") == 3 and "3 problems" in result.stderr


def test_duplicate_slug_message_names_both_files(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/a.md": post("Un titre"), "posts/news/b.md": post("Un titre", "2026-02-01")})
    result = run_cli("build", str(site), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "b.md:2: error: this article and posts/news/a.md would both be published at /actualites/un-titre/" \
        in result.stderr


def test_config_errors_through_the_cli(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({}, config='title = "x"\ndescription = "y"\n[organization]\nname = "H"\n')
    result = run_cli("build", str(site), "-o", str(tmp_path / "out"))
    assert result.returncode == 1 and "missing required key 'base_url'" in result.stderr


def test_template_errors_name_the_template_line(make_site: SiteMaker, tmp_path: Path) -> None:
    site = small_site(make_site)
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text('{% extends "base.html" %}\n{% block content %}\n{{ nope.x }}\n'
                                                 '{% endblock %}\n')
    result = run_cli("build", str(site), "-o", str(tmp_path / "out"))
    assert result.returncode == 1 and "404.html:3: error: template uses an undefined value" in result.stderr
    (site / "templates" / "404.html").write_text('{% extends "base.html" %}\n{% block content %}\n{% if %}\n')
    result = run_cli("build", str(site), "-o", str(tmp_path / "out"))
    assert result.returncode == 1 and "404.html:3: error: template syntax error" in result.stderr


def test_main_returns_exit_codes(make_site: SiteMaker, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = small_site(make_site)
    assert main(["build", str(site), "-o", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.startswith("Built 5 posts, ")


def test_a_theme_strings_file_that_is_not_utf8_is_a_clear_error(make_site: SiteMaker, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    config = SITE_TOML.replace("posts_per_page", 'theme = "t"\nposts_per_page')
    site = make_site({"posts/news/a.md": post("A"), "themes/t/theme.toml": 'extends = "default"\n',
                      "themes/t/i18n/fr.toml": b'menu = "\xff"\n'}, config)
    assert main(["build", str(site), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "themes/t/i18n/fr.toml: error: invalid strings file" in err and "unexpected problem" not in err
