"""What a build promises when things go wrong around it: killed, a read-only or full disk, sources left alone.

- A build killed with SIGKILL at any moment leaves the published folder complete: byte for byte the previous
  output (or, once the swap is done, the new one), and the next build succeeds and removes the leftovers.
- An output folder that cannot be written (read-only, disk full) fails with a clear message, exit 1, and the
  previous output intact. Tests run as root in CI, where chmod stops nothing: a tmpfs is mounted instead (remounted
  read-only, or filled up), and the test is skipped only when mounting is not permitted.
- ``hospiblog new`` never replaces a file; ``check`` and ``build`` never modify the sources.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hospiblog.cli import main
from tests.conftest import REPO, SITE_TOML, SiteMaker, post, write_image

POSTS = 300
CATEGORIES = ("news", "medicine", "prevention")
SEED = 20261122
"""Seeds the random kill moments; printed with them, so a failing moment can be replayed."""


def cli_environment() -> dict[str, str]:
    """The repository's hospiblog first (the installed one may be another checkout)."""
    path = os.pathsep.join(part for part in (str(REPO), os.environ.get("PYTHONPATH", "")) if part)
    return {**os.environ, "PYTHONPATH": path}


def run_cli(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hospiblog", *arguments], cwd=cwd, env=cli_environment(),
                          capture_output=True, text=True, timeout=300, check=False)


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (links are not followed: there must be none)."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        assert not path.is_symlink(), path
        if path.is_file():
            found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def digest_of(folder: Path, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """A hash per file and a marker per folder, except the top-level names in ``skip``."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if relative.parts[0] in skip:
            continue
        if path.is_symlink():
            found[relative.as_posix()] = f"link:{os.readlink(path)}"
        elif path.is_file():
            found[relative.as_posix()] = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        else:
            found[relative.as_posix()] = "folder"
    return found


def leftovers(out: Path) -> list[str]:
    return sorted(path.name for path in out.parent.iterdir()
                  if path.name.startswith((f".{out.name}.tmp-", f".{out.name}.old-")))


def assert_clean_failure(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "unexpected problem" not in result.stderr, result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr
    assert "    how to fix: " in result.stderr, result.stderr


# ------------------------------------------------------------------------------------------ a demo-like site


def write_demo_like_site(site: Path, posts: int = POSTS) -> None:
    """A site like the demo (categories, authors, tags, images, callouts, links between posts), with many posts.

    Share cards are off: drawing 900 of them would take half a minute on two cores, and the writer's promises do
    not depend on which files a build makes.
    """
    (site / "posts").mkdir(parents=True)
    (site / "site.toml").write_text(SITE_TOML + "\n[sharing]\ncards = false\n", "utf-8")
    write_image(site / "static" / "images" / "logo.png", (64, 64))
    write_image(site / "static" / "images" / "jambes.jpg", (640, 360))
    for number in range(posts):
        category = CATEGORIES[number % len(CATEGORIES)]
        previous = f"../{CATEGORIES[(number - 1) % len(CATEGORIES)]}/article-{number - 1:03d}.md"
        body = (f"## Les signes\n\n:::retenir\nPoint essentiel numéro {number}.\n:::\n\n"
                + f"Un paragraphe de l'article {number} : la santé au quotidien. " * 12
                + (f"\n\nVoir aussi [l'article précédent]({previous}).\n" if number else "\n")
                + ("\n![Deux jambes stylisées](/images/jambes.jpg)\n" if number % 10 == 0 else ""))
        fields = {"summary": f'"Le résumé de l\'article {number}."', "author": "cmartin",
                  "tags": f"[sujet-{number % 23}, santé]"}
        if category in ("medicine", "prevention"):
            fields |= {"reviewed_by": '"Dr Jean Dupont, médecin-chef"', "last_reviewed": "2026-09-01"}
        path = site / "posts" / category / f"article-{number:03d}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(post(f"Article {number} sur la santé", f"2026-{1 + number % 10:02d}-{1 + number % 27:02d}",
                             body, **fields), "utf-8")


def edit_site(site: Path, mark: str, article: str = "posts/news/article-000.md") -> None:
    """A change that rewrites every page (the site's title) and one article."""
    config = site / "site.toml"
    config.write_text(config.read_text("utf-8").replace('title = "Blog de test', f'title = "Blog de test {mark}', 1),
                      "utf-8")
    path = site / article
    path.write_text(path.read_text("utf-8") + f"\nUne correction ({mark}).\n", "utf-8")


# ------------------------------------------------------------------------------------------------ SIGKILL


def kill_build_after(site: Path, out: Path, delay: float) -> tuple[int, int | None]:
    """Starts ``python -m hospiblog build`` and kills it (and its workers) with SIGKILL after ``delay`` seconds;
    returns its process id and, when it had already finished, its exit code."""
    process = subprocess.Popen([sys.executable, "-m", "hospiblog", "build", str(site), "-o", str(out)],
                               cwd=site.parent, env=cli_environment(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    finished = process.poll()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return process.pid, finished


def test_sigkill_at_any_moment_leaves_the_output_complete(tmp_path: Path) -> None:
    site, out, reference = tmp_path / "site", tmp_path / "public" / "out", tmp_path / "reference"
    write_demo_like_site(site)
    first = run_cli("build", str(site), "-o", str(out), cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    edited = (site / "site.toml", site / "posts" / "news" / "article-000.md")
    sources = {"previous": {path: path.read_bytes() for path in edited}}
    trees = {"previous": files_of(out)}
    assert len(trees["previous"]) > 1000

    edit_site(site, "modifié")
    sources["new"] = {path: path.read_bytes() for path in sources["previous"]}
    start = time.monotonic()
    expected = run_cli("build", str(site), "-o", str(reference), cwd=tmp_path)
    duration = time.monotonic() - start
    assert expected.returncode == 0, expected.stderr[-3000:]
    trees["new"] = files_of(reference)
    assert trees["new"] != trees["previous"]

    moments = random.Random(SEED)
    delays = [0.05, 0.2, 0.5, *sorted(moments.uniform(0.4, 1.15) * duration for _ in range(5))]
    published, landed = "previous", []
    for delay in delays:
        # The sources are always the other version than the published one: every build has all pages to rewrite.
        target = "new" if published == "previous" else "previous"
        for path, data in sources[target].items():
            path.write_bytes(data)
        pid, finished = kill_build_after(site, out, delay)
        state = files_of(out)
        found = [name for name, tree in trees.items() if state == tree]
        assert found, (f"SIGKILL after {delay:.2f} s (seed {SEED}) left an output that is neither the previous nor the "
                       f"new one: {sorted(set(state) ^ set(trees[published]))[:10]}")
        landed.append(f"{delay:.2f} s: {'swapped' if found[0] != published else 'kept'}"
                      f"{', mid-write' if f'.out.tmp-{pid}' in leftovers(out) else ''}"
                      f"{', had finished' if finished is not None else ''}")
        published = found[0]
    print(f"a build takes {duration:.1f} s; SIGKILL after {'; '.join(landed)}")

    fresh = tmp_path / "public" / "fresh"  # a first build, into a folder that does not exist yet
    kill_build_after(site, fresh, duration * 0.8)
    assert not fresh.exists() or files_of(fresh) in trees.values(), "a killed first build left a partial output"

    for path, data in sources["new"].items():
        path.write_bytes(data)
    unchanged = digest_of(site, skip=(".hospiblog-cache",))
    final = run_cli("build", str(site), "-o", str(out), cwd=tmp_path)
    assert final.returncode == 0, final.stderr[-3000:]
    assert files_of(out) == trees["new"]
    assert leftovers(out) == [], "the next build must remove what killed builds left"
    assert digest_of(site, skip=(".hospiblog-cache",)) == unchanged, "a build modified the sources"


# ------------------------------------------------------------------------------------- unwritable outputs


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs mounted at ``folder``; skips the test when mounting is not permitted."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"running as root, where chmod stops nothing, and mount is not permitted: {mounted.stderr}")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def small_site(make_site: SiteMaker) -> Path:
    return make_site({f"posts/news/article-{n}.md": post(f"Article {n}", f"2026-0{n}-10", f"Texte {n}.",
                                                        summary='"Un résumé."', author="cmartin", tags="[santé]")
                      for n in range(1, 4)})


def test_read_only_output_parent_fails_cleanly(make_site: SiteMaker, tmp_path: Path) -> None:
    site, parent = small_site(make_site), tmp_path / "readonly"
    as_root = os.geteuid() == 0
    if not as_root:
        parent.mkdir()
    with tmpfs(parent, "20m") if as_root else contextlib.nullcontext(parent):
        out = parent / "out"
        assert run_cli("build", str(site), "-o", str(out), cwd=tmp_path).returncode == 0
        before = files_of(out)
        edit_site(site, "lecture seule", "posts/news/article-1.md")
        if as_root:
            subprocess.run(["mount", "-o", "remount,ro", str(parent)], check=True)
        else:
            parent.chmod(0o555)
        try:
            result = run_cli("build", str(site), "-o", str(out), cwd=tmp_path)
        finally:
            if as_root:
                subprocess.run(["mount", "-o", "remount,rw", str(parent)], check=True)
            else:
                parent.chmod(0o755)
        assert_clean_failure(result, "the output folder cannot be written", "the previous output was left as it was")
        assert files_of(out) == before
        assert run_cli("build", str(site), "-o", str(out), cwd=tmp_path).returncode == 0
        assert files_of(out) != before and leftovers(out) == []


def fill(folder: Path) -> Path:
    """Writes a file until the disk is full."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as file:
        for size in (65536, 1024, 1):
            try:
                while True:
                    file.write(b"\0" * size)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
    return filler


def test_full_disk_fails_cleanly(make_site: SiteMaker, tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("filling a disk needs a tmpfs, and mounting one needs root")
    site = small_site(make_site)
    with tmpfs(tmp_path / "full", "2m") as disk:
        out = disk / "out"
        assert run_cli("build", str(site), "-o", str(out), cwd=tmp_path).returncode == 0
        before = files_of(out)
        edit_site(site, "disque plein", "posts/news/article-1.md")
        filler = fill(disk)
        result = run_cli("build", str(site), "-o", str(out), cwd=tmp_path)
        assert_clean_failure(result, "the disk is full", "free some space")
        assert files_of(out) == before
        assert leftovers(out) == [], "a failed build must remove its temporary folder"
        filler.unlink()
        assert run_cli("build", str(site), "-o", str(out), cwd=tmp_path).returncode == 0
        assert files_of(out) != before and leftovers(out) == []


# --------------------------------------------------------------------------------- sources stay as they are


def test_new_never_replaces_a_file(make_site: SiteMaker, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"posts/news/autre.markdown": post("Autre"), "posts/news/ok.md": post("Ok")})
    news = site / "posts" / "news"

    def new(*arguments: str) -> tuple[int, str]:
        code = main(["new", *arguments, "--category", "news", "--site", str(site)])
        return code, capsys.readouterr().err

    assert new("Bien dormir")[0] == 0
    written = news / "bien-dormir.md"
    written.write_text(written.read_text("utf-8") + "\nLe texte de l'éditeur.\n", "utf-8")
    victim = tmp_path / "victime.md"
    (news / "lien.md").symlink_to(victim)  # dangling: exists() is false, the name is taken
    before = digest_of(tmp_path)
    for arguments in (["Bien dormir"], ["Bien  dormir\n"], ["Un autre titre", "--slug", "bien-dormir"], ["Autre"],
                      ["Ok", "--date", "2026-12-01"], ["Lien"]):
        code, error = new(*arguments)
        assert code == 1, arguments
        assert "already exists; hospiblog new never replaces an article" in error, error
        assert "how to fix: " in error and "Traceback" not in error
    assert digest_of(tmp_path) == before
    assert not victim.exists()

    code, _ = new("../../../etc/passwd")
    assert code == 0
    created = set(digest_of(tmp_path)) - set(before)
    assert created == {"site/posts/news/etc-passwd.md"}, created


def test_check_and_build_never_modify_sources(make_site: SiteMaker, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({
        "posts/news/a.md": post("Article", summary='"Un résumé."', image="/images/photo.png",
                                image_alt='"Une photo"', body="[TOC]\n\n## Partie\n\n[b](b.md)"),
        "posts/news/b.md": post("Autre", summary='"Un résumé."', body=":::retenir\nÀ retenir.\n:::"),
        "posts/news/cassé.md": "---\ntitle: [x]\n---\n",
        "templates/404.html": '{% extends "default/404.html" %}',
        "static/robots-extra.txt": "extra\n",
    })
    write_image(site / "static" / "images" / "photo.png")
    sources = digest_of(site, skip=(".hospiblog-cache", "public"))

    assert main(["check", str(site)]) == 1  # cassé.md
    assert digest_of(site, skip=(".hospiblog-cache",)) == sources
    (site / "posts" / "news" / "cassé.md").unlink()
    sources = digest_of(site, skip=(".hospiblog-cache", "public"))

    assert main(["build", str(site)]) == 0  # into public/, inside the site
    assert digest_of(site, skip=(".hospiblog-cache", "public")) == sources
    everything = digest_of(site, skip=(".hospiblog-cache",))  # the output too: check must not touch it
    assert main(["check", str(site)]) == 0
    assert digest_of(site, skip=(".hospiblog-cache",)) == everything
    assert main(["build", str(site), "-o", str(tmp_path / "ailleurs")]) == 0
    assert digest_of(site, skip=(".hospiblog-cache", "public")) == sources
    capsys.readouterr()
