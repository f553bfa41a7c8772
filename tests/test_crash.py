"""What a build promises when things go wrong around it: killed, a read-only or full disk, sources left alone.

- A build killed with SIGKILL at any moment leaves the published folder complete: byte for byte the previous
  output (or, once the swap is done, the new one), and the next build succeeds and removes the leftovers. That
  holds too for kills that land while the standby tree is being updated, right after it is exchanged with the
  published folder (while the previous tree is brought up to date) and while an untrusted standby is made again:
  those moments are watched for on the disk (the standby's record deleted, the output folder's inode changed),
  not reached through a hook in the code.
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
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hospiblog.cli import main
from hospiblog.writer import standby_folder
from tests.conftest import REPO, SITE_TOML, SiteMaker, post, write_image
from tests.test_writer import assert_standby_mirrors

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
    """Temporary folders beside the output, and incoming files in its standby folder (the standby is no leftover)."""
    beside = [path.name for path in out.parent.iterdir()
              if path.name.startswith((f".{out.name}.tmp-", f".{out.name}.old-"))]
    return sorted(beside + [path.name for path in standby_folder(out).glob("incoming-*")])


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
                      f"{', mid-write' if f'incoming-{pid}' in leftovers(out) else ''}"
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
    assert_standby_mirrors(out)
    assert digest_of(site, skip=(".hospiblog-cache",)) == unchanged, "a build modified the sources"


def kill_build_when(site: Path, out: Path, happened: Callable[[], bool], after: float = 0.0) -> tuple[bool, bool]:
    """Starts a build and kills it (and its workers) with SIGKILL as soon as ``happened()`` is true, plus ``after``
    seconds; returns whether the moment was seen and whether the build had finished before the kill."""
    process = subprocess.Popen([sys.executable, "-m", "hospiblog", "build", str(site), "-o", str(out)],
                               cwd=site.parent, env=cli_environment(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    seen, deadline = False, time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if happened():
            seen = True
            time.sleep(after)
            break
        time.sleep(0.0002)
    finished = process.poll() is not None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return seen, finished


def inode_of(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def test_sigkill_while_the_standby_is_updated_or_just_exchanged(tmp_path: Path) -> None:
    """Every build here rewrites every page (the site's title changes), so each phase of publishing lasts a while:
    the changed files moved into the standby, then (after the exchange) linked into the previous tree."""
    site, out, reference = tmp_path / "site", tmp_path / "public" / "out", tmp_path / "reference"
    write_demo_like_site(site, posts=200)
    assert run_cli("build", str(site), "-o", str(out), cwd=tmp_path).returncode == 0
    edited = (site / "site.toml", site / "posts" / "news" / "article-000.md")
    sources = {"previous": {path: path.read_bytes() for path in edited}}
    trees = {"previous": files_of(out)}
    edit_site(site, "modifié")
    sources["new"] = {path: path.read_bytes() for path in edited}
    assert run_cli("build", str(site), "-o", str(reference), cwd=tmp_path).returncode == 0
    trees["new"] = files_of(reference)
    record, standby = standby_folder(out) / "record.json", standby_folder(out) / "tree"

    def record_deleted() -> Callable[[], bool]:
        return lambda: not record.exists()

    def exchanged() -> Callable[[], bool]:
        folder = inode_of(out)
        return lambda: inode_of(out) not in (folder, None)

    def standby_made_again() -> Callable[[], bool]:
        record.unlink()  # an untrusted standby: this build removes it and makes it again from the output
        return lambda: not (standby / "index.html").exists()

    moments = [("record deleted", record_deleted, 0.0), ("record deleted", record_deleted, 0.01),
               ("exchanged", exchanged, 0.0), ("exchanged", exchanged, 0.005),
               ("made again", standby_made_again, 0.0), ("made again", standby_made_again, 0.05)]
    published, landed, phases = "previous", [], set()
    for name, moment, after in moments:
        target = "new" if published == "previous" else "previous"
        for path, data in sources[target].items():
            path.write_bytes(data)
        assert record.exists(), "the previous build must have left a trusted standby"
        seen, finished = kill_build_when(site, out, moment(), after)
        assert seen, f"the build never reached the moment '{name}'"
        state = files_of(out)
        found = [version for version, tree in trees.items() if state == tree]
        assert found, f"SIGKILL at '{name}' + {after} s left an output that is neither the previous nor the new one"
        swapped = found[0] != published
        if not finished and not record.exists():
            phases.add(f"{name}, {'after' if swapped else 'before'} the exchange")
        landed.append(f"{name} + {after * 1000:.0f} ms: {'swapped' if swapped else 'kept'}"
                      f"{', had finished' if finished else ''}{', record gone' if not record.exists() else ''}")
        # The next build starts from what the kill left: it must succeed and leave a trusted standby.
        result = run_cli("build", str(site), "-o", str(out), cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        assert files_of(out) == trees[target] and leftovers(out) == []
        assert_standby_mirrors(out)
        published = target
    print("SIGKILL " + "; ".join(landed))
    assert {"record deleted, before the exchange", "exchanged, after the exchange",
            "made again, before the exchange"} <= phases, f"some moments were missed: {landed}"


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
    outputs = (".hospiblog-cache", "public", ".public-standby")  # the cache, the output and its standby twin
    sources = digest_of(site, skip=outputs)

    assert main(["check", str(site)]) == 1  # cassé.md
    assert digest_of(site, skip=(".hospiblog-cache",)) == sources
    (site / "posts" / "news" / "cassé.md").unlink()
    sources = digest_of(site, skip=outputs)

    assert main(["build", str(site)]) == 0  # into public/, inside the site
    assert digest_of(site, skip=outputs) == sources
    everything = digest_of(site, skip=(".hospiblog-cache",))  # the output too: check must not touch it
    assert main(["check", str(site)]) == 0
    assert digest_of(site, skip=(".hospiblog-cache",)) == everything
    assert main(["build", str(site), "-o", str(tmp_path / "ailleurs")]) == 0
    assert digest_of(site, skip=outputs) == sources
    capsys.readouterr()
