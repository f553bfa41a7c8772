"""Incremental rebuilds (as serve does them) give the same bytes as a clean full build, after any edits."""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hospiblog.build import BuildOptions, build
from hospiblog.errors import HospiblogError
from hospiblog.serve import ServeSession
from tests.conftest import GERMAN_TOML, NOW, SITE_TOML, post, write_image

CATEGORIES = ["news", "prevention", "medicine"]
TAGS = ["sommeil", "enfants", "sport", "coeur"]
TITLES = ["Bien dormir", "Le sport", "Un cœur solide", "Les enfants", "La fièvre", "Nouveau service"]
EVENT_STATUSES = ["scheduled", "cancelled", "postponed"]
VIDEOS = [
    ":::video https://youtu.be/AbCdEfGhIjK\nAVC : chaque minute compte\ndate: 2026-10-26\n:::",
    ":::video https://vimeo.com/76979871\nTrois exercices d'équilibre\n:::",
    "",  # removes the post's videos
]

SITE = SITE_TOML + GERMAN_TOML
"""A site in French and German: translations are added and removed among the edits."""

edit = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(CATEGORIES), st.sampled_from(TITLES), st.integers(1, 28),
              st.lists(st.sampled_from(TAGS), max_size=2, unique=True), st.booleans()),
    st.tuples(st.just("body"), st.integers(0, 50), st.text(alphabet="abcdeé !?:", min_size=1, max_size=20)),
    st.tuples(st.just("body"), st.integers(0, 50), st.sampled_from(["mots " * 250, "## Un titre", ""])),
    st.tuples(st.just("retitle"), st.integers(0, 50), st.sampled_from(TITLES)),
    # Tags set (or removed): related posts and tag pages change, the order does not.
    st.tuples(st.just("retag"), st.integers(0, 50), st.lists(st.sampled_from(TAGS), max_size=2, unique=True)),
    st.tuples(st.just("link"), st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.just("video"), st.integers(0, 50), st.sampled_from(VIDEOS)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("rename"), st.integers(0, 50)),
    st.tuples(st.just("move"), st.integers(0, 50), st.sampled_from(CATEGORIES)),
    st.tuples(st.just("template"), st.text(alphabet="xyz", min_size=1, max_size=5)),
    st.tuples(st.just("static"), st.integers(1, 255)),
    st.tuples(st.just("config"), st.integers(1, 4)),
    # An event block set on a post (or changed): a day around now, so it may be upcoming or already over.
    st.tuples(st.just("event"), st.integers(0, 50), st.integers(-3, 3), st.sampled_from(EVENT_STATUSES)),
    # A German translation of a post (sharing its translation_key), or one removed.
    st.tuples(st.just("translate"), st.integers(0, 50)),
    st.tuples(st.just("untranslate"), st.integers(0, 50)),
)


def posts_of(site: Path) -> list[Path]:
    return sorted((site / "posts").rglob("*.md"))


def apply(site: Path, change: tuple[object, ...], counter: list[int]) -> set[Path]:
    """Makes the change; returns the paths a file watcher would report."""
    files = posts_of(site)
    touched = _apply(site, change, counter, files)
    return {site / path for path in touched}


def _apply(site: Path, change: tuple[object, ...], counter: list[int], files: list[Path]) -> list[Path]:
    kind = change[0]
    if kind == "add":
        _, category, title, day, tags, draft = change
        counter[0] += 1
        extra = {"tags": f"[{', '.join(tags)}]"} if tags else {}  # type: ignore[arg-type]
        if draft:
            extra["draft"] = "true"
        text = post(f"{title} {counter[0]}", f"2026-03-{day:02d}", f"Texte {counter[0]}.", **extra)
        path = site / "posts" / str(category) / f"article-{counter[0]}.md"
        path.write_text(text)
        return [path, path.parent]
    if kind in ("body", "retitle", "link", "video") and files:
        path = files[int(change[1]) % len(files)]  # type: ignore[call-overload]
        text = path.read_text()
        if kind == "body":
            text += f"\n{change[2]}\n"
        elif kind == "video":  # a video changes the page's policy, its JSON-LD and the posters: a full rebuild
            text = re.sub(r"\n:::video .*?\n:::\n", "\n", text, flags=re.DOTALL) if not change[2] \
                else text + f"\n{change[2]}\n"
        elif kind == "retitle":
            text = text.replace("title: ", f"title: {change[2]} ", 1)
        else:
            other = files[int(change[2]) % len(files)]  # type: ignore[call-overload]
            text += f"\nVoir [l'article](../{other.parent.name}/{other.name}).\n"
        path.write_text(text)
        return [path]
    if kind == "retag" and files:
        path = files[int(change[1]) % len(files)]  # type: ignore[call-overload]
        text = re.sub(r"^tags: .*\n", "", path.read_text(), flags=re.MULTILINE)
        tags = f"tags: [{', '.join(change[2])}]\n" if change[2] else ""  # type: ignore[arg-type]
        path.write_text(text.replace("\n---\n", "\n" + tags + "---\n", 1))
        return [path]
    if kind == "event" and files:
        path = files[int(change[1]) % len(files)]  # type: ignore[call-overload]
        day = (datetime.now().astimezone() + timedelta(days=int(change[2]))).date()  # type: ignore[call-overload]
        block = f"event: {{start: {day.isoformat()}, location: Hall, status: {change[3]}}}\n"
        text = re.sub(r"^event: .*\n", "", path.read_text(), flags=re.MULTILINE)
        path.write_text(text.replace("\n---\n", "\n" + block + "---\n", 1))
        return [path]
    if kind == "delete" and files:
        path = files[int(change[1]) % len(files)]  # type: ignore[call-overload]
        path.unlink()
        return [path, path.parent]
    if kind in ("rename", "move") and files:
        path = files[int(change[1]) % len(files)]  # type: ignore[call-overload]
        target = path.with_name("renomme-" + path.name) if kind == "rename" \
            else site / "posts" / str(change[2]) / path.name
        if target.exists():
            return []
        path.rename(target)
        return [path, target, path.parent, target.parent]
    if kind == "translate" and files:
        original = files[int(change[1]) % len(files)]  # type: ignore[call-overload]
        target = original.with_name(original.stem + "-de.md")
        if "lang: de" in original.read_text() or target.exists():
            return []
        key = original.stem
        text = original.read_text()
        if "translation_key:" not in text:
            original.write_text(text.replace("\n", f"\ntranslation_key: {key}\n", 1))
        target.write_text(post(f"Übersetzung {key}", "2026-02-10", "Ein Text.", lang="de", translation_key=key))
        return [original, target, target.parent]
    if kind == "untranslate":
        german = [path for path in files if "lang: de" in path.read_text()]
        if not german:
            return []
        path = german[int(change[1]) % len(german)]  # type: ignore[call-overload]
        path.unlink()
        return [path, path.parent]
    if kind == "template":
        (site / "templates").mkdir(exist_ok=True)
        path = site / "templates" / "404.html"
        path.write_text(
            '{% extends "default/404.html" %}{% block content %}<p>' + str(change[1]) + "</p>{% endblock %}")
        return [path]
    if kind == "static":
        path = site / "static" / "images" / "logo.png"
        write_image(path, (int(change[1]) % 50 + 10, 20))  # type: ignore[call-overload]
        return [path]
    if kind == "config":
        path = site / "site.toml"
        path.write_text(SITE.replace("posts_per_page = 2", f"posts_per_page = {change[1]}"))
        return [path]
    return []


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def first_site(root: Path) -> Path:
    """A site of one post in French and German, with a logo, under ``root``."""
    site = root / "site"
    for category in CATEGORIES:
        (site / "posts" / category).mkdir(parents=True)
    (site / "site.toml").write_text(SITE)
    write_image(site / "static" / "images" / "logo.png", (64, 64))
    (site / "posts" / "news" / "depart.md").write_text(post("Départ", "2026-01-05", tags="[sommeil]"))
    return site


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(edit, min_size=1, max_size=4), min_size=1, max_size=4))
@example([[("video", 0, VIDEOS[1])], [("video", 0, "")], [("video", 0, VIDEOS[0])], [("body", 0, "Un mot.")]])
@example([[("translate", 0)], [("body", 0, "Un mot.")], [("body", 1, "Ein Wort.")], [("untranslate", 0)]])
def test_incremental_rebuilds_equal_a_full_build(batches: list[list[tuple[object, ...]]]) -> None:
    root = Path(tempfile.mkdtemp(prefix="hospiblog-incremental-"))
    try:
        site = first_site(root)
        options = BuildOptions(drafts=True, dev=True)
        session = ServeSession(site, options, root / "served", log=lambda message: None)
        session.rebuild()
        counter = [0]
        for batch in batches:
            changed: set[Path] = set()
            for change in batch:
                changed |= apply(site, change, counter)
            session.rebuild(changed)  # the paths a watcher reports: body-only edits take serve's fast path
        if session.hub.last_error is not None:
            return  # an edit sequence that gives an invalid site (e.g. a slug collision) is reported, not built
        build(site, output=root / "full", drafts=True, dev=True, use_cache=False,
              now=datetime.now().astimezone())
        assert files_of(root / "served") == files_of(root / "full")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def outcome(site: Path, output: Path, *, use_cache: bool) -> tuple[str, ...] | dict[str, bytes]:
    """A build's files, or the messages of the errors that stopped it; its warnings as the last file."""
    try:
        report = build(site, output=output, now=NOW, use_cache=use_cache)
    except HospiblogError as error:
        return tuple(line for line in error.format(site).splitlines())
    return {**files_of(output), "(warnings)": "\n".join(warning.format(site) for warning in report.warnings).encode()}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(edit, min_size=1, max_size=3), min_size=1, max_size=3))
@example([[("body", 0, "Un mot.")], [("retitle", 0, "Le sport")], [("add", "news", "La fièvre", 3, [], False)]])
@example([[("add", "news", "Le sport", 3, [], False), ("add", "medicine", "La fièvre", 4, ["sport"], False),
           ("add", "prevention", "Les enfants", 5, [], False)],
          [("add", "news", "Bien dormir", 6, [], False), ("add", "medicine", "Un cœur solide", 7, ["coeur"], False)],
          [("retag", 1, ["sommeil"])]])  # related posts change, the posts' order does not
def test_builds_with_their_kept_state_equal_a_build_without(batches: list[list[tuple[object, ...]]]) -> None:
    """``hospiblog build`` after any edits, each build reading what the one before kept (parsed posts and their log,
    the rules' findings, related posts, the search index's parts, share cards, the manifest), gives the files and
    the warnings (or the errors) of a build that keeps nothing; search and share cards on, as a site has them."""
    root = Path(tempfile.mkdtemp(prefix="hospiblog-kept-"))
    try:
        site = first_site(root)
        build(site, output=root / "out", now=NOW)
        counter = [0]
        for batch in batches:
            for change in batch:
                apply(site, change, counter)
            kept = outcome(site, root / "out", use_cache=True)  # a failed build leaves what it kept: the next reads it
        shutil.rmtree(root / "clean", ignore_errors=True)
        assert kept == outcome(site, root / "clean", use_cache=False)
    finally:
        shutil.rmtree(root, ignore_errors=True)
