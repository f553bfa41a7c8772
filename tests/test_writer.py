"""The writer's blue/green publishing: a standby tree of hard links kept equal to the published folder.

Most tests drive ``publish`` directly with jobs whose bytes are given, on real files (no mock of the file
system), so that each build changes exactly the files a test names; a few go through ``build`` on a small site.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hospiblog.build import build
from hospiblog.errors import BuildFailed, OutputError, TemplateError
from hospiblog.plan import RenderJob
from hospiblog.render import OutputFile
from hospiblog.writer import Manifest, WriteReport, clean_leftovers, publish, standby_folder
from tests.conftest import NOW, SiteMaker, post

# ------------------------------------------------------------------------------------------------ helpers


def jobs_of(files: dict[str, bytes]) -> list[RenderJob]:
    """One job per file, its digest the hash of its bytes (as a real plan's digest follows its inputs)."""
    return [RenderJob(output=name, digest=hashlib.blake2b(data, digest_size=8).hexdigest(),
                      produce=lambda data=data: data, kind="static")
            for name, data in files.items()]


def render(job: RenderJob) -> OutputFile:
    assert job.produce is not None
    return OutputFile(job.output, job.produce())


def publish_files(files: dict[str, bytes], out: Path, *, in_place: bool = False,
                  render_one: Callable[[RenderJob], OutputFile] = render) -> WriteReport:
    """A publication as a new process makes it: the manifest read from disk, used once."""
    manifest = Manifest.load(out.parent / f"{out.name}.manifest.json")
    return publish(jobs_of(files), render_one, out, manifest, in_place=in_place)


def tree_of(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, and every folder (as "name/")."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        assert not path.is_symlink(), path
        relative = path.relative_to(folder).as_posix()
        if path.is_dir():
            found[relative + "/"] = b""
        else:
            found[relative] = path.read_bytes()
    return found


def inodes_of(folder: Path) -> dict[str, tuple[int, int]]:
    """Inode and mtime of every file under ``folder``."""
    return {path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def standby_of(out: Path) -> Path:
    return standby_folder(out) / "tree"


def assert_standby_mirrors(out: Path) -> None:
    """The standby lists the published folder's files and folders, each file the same inode (so the same bytes),
    and its record is there."""
    standby = standby_of(out)
    assert tree_of(standby) == tree_of(out)
    assert {name: ino for name, (ino, _) in inodes_of(standby).items()} == \
           {name: ino for name, (ino, _) in inodes_of(out).items()}
    assert (standby_folder(out) / "record.json").is_file()
    assert stat.S_IMODE(standby_folder(out).stat().st_mode) == 0o700


def assert_published(out: Path, files: dict[str, bytes]) -> None:
    """The output holds exactly these files (and the folders they need: no empty one)."""
    found = tree_of(out)
    assert {name: data for name, data in found.items() if not name.endswith("/")} == files
    folders = {name[:-1] for name in found if name.endswith("/")}
    needed = {"/".join(name.split("/")[:depth]) for name in files for depth in range(1, name.count("/") + 1)}
    assert folders == needed


def temporary_folders(out: Path) -> list[str]:
    """What a build leaves beside the output that is not the output, the standby or its record."""
    beside = [path.name for path in out.parent.iterdir() if path.name.startswith(f".{out.name}.")]
    inside = [path.name for path in standby_folder(out).glob("*")
              if path.name not in ("tree", "record.json", ".gitignore")] if standby_folder(out).is_dir() else []
    return sorted(beside + inside)


SITE = {
    "index.html": b"<h1>Accueil</h1>",
    "rss.xml": b"<rss/>",
    "actualites/index.html": b"<h1>Actualites</h1>",
    "actualites/un/index.html": b"<p>un</p>",
    "actualites/deux/index.html": b"<p>deux</p>",
    "temoignages/marie/index.html": b"<p>Le temoignage de Marie</p>",
    "images/logo.png": b"\x89PNG fake",
}


# ----------------------------------------------------------------------------------------- the fast path


def test_one_edited_file_gets_a_new_inode_and_nothing_else_moves(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_files(SITE, out)
    assert_standby_mirrors(out)
    before = inodes_of(out)
    witness = tmp_path / "witness"
    os.link(out / "actualites/un/index.html", witness)  # the published inode: it must never be written to
    standby_inode = standby_of(out).stat().st_ino

    edited = SITE | {"actualites/un/index.html": b"<p>un, corrige</p>"}
    report = publish_files(edited, out)

    assert report.written == ["actualites/un/index.html"] and report.removed == []
    assert out.stat().st_ino == standby_inode, "the standby was exchanged in, not made again"
    after = inodes_of(out)
    assert after.pop("actualites/un/index.html")[0] != before.pop("actualites/un/index.html")[0]
    assert after == before, "every other file keeps its inode and mtime"
    assert witness.read_bytes() == b"<p>un</p>"
    assert_published(out, edited)
    assert_standby_mirrors(out)
    assert temporary_folders(out) == []


def test_an_unchanged_site_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_files(SITE, out)
    record = (standby_folder(out) / "record.json").read_bytes()
    folders = (out.stat().st_ino, standby_of(out).stat().st_ino)
    report = publish_files(SITE, out)
    assert report.written == [] and report.removed == []
    assert (out.stat().st_ino, standby_of(out).stat().st_ino) == folders
    assert (standby_folder(out) / "record.json").read_bytes() == record


def test_a_removed_page_is_gone_from_the_standby_too(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_files(SITE, out)
    withdrawn = {name: data for name, data in SITE.items() if not name.startswith("temoignages/")}
    report = publish_files(withdrawn, out)
    assert report.removed == ["temoignages/marie/index.html"]
    assert_published(out, withdrawn)
    assert not (standby_of(out) / "temoignages").exists(), "a withdrawn page must not stay in the hidden folder"
    assert_standby_mirrors(out)
    assert not any(b"Marie" in path.read_bytes() for path in standby_folder(out).rglob("*") if path.is_file())


def test_a_file_becomes_a_folder_and_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = {"index.html": b"a", "guide": b"a file named guide"}
    second = {"index.html": b"a", "guide/index.html": b"now a folder"}
    for files in (first, second, first):
        publish_files(files, out)
        assert_published(out, files)
        assert_standby_mirrors(out)


def test_the_published_folder_keeps_its_permissions(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_files(SITE, out)
    out.chmod(0o751)
    publish_files(SITE | {"index.html": b"autre"}, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o751
    publish_files(SITE, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o751


paths = st.sampled_from(["index.html", "a.html", "x/index.html", "x/y/index.html", "x/y/z.css", "b/index.html",
                         "b/c/d/e.txt", "feed.xml", "x/y/w/index.html"])
operations = st.lists(st.tuples(st.sampled_from(["write", "delete"]), paths, st.binary(max_size=8)),
                      min_size=1, max_size=5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operations, min_size=1, max_size=6))
def test_random_edits_keep_the_standby_equal_to_the_output(builds: list[list[tuple[str, str, bytes]]]) -> None:
    root = Path(tempfile.mkdtemp(prefix="hospiblog-writer-"))
    try:
        out, files = root / "site" / "out", {"index.html": b"accueil"}
        publish_files(files, out)
        for batch in builds:
            previous = dict(files)
            before = inodes_of(out)
            for action, name, data in batch:
                if action == "write":
                    files[name] = data
                else:
                    files.pop(name, None)
            # A name cannot be a file and a folder at once: the later write wins, as a site's plan would.
            for name in sorted(files):
                if any(other.startswith(name + "/") for other in files):
                    del files[name]
            report = publish_files(files, out)
            assert_published(out, files)
            assert_standby_mirrors(out)
            kept = {name for name in files if previous.get(name) == files[name]}
            assert {name: before[name] for name in kept} == {name: inodes_of(out)[name] for name in kept}
            assert set(report.written) == set(files) - kept
            assert set(report.removed) == set(previous) - set(files)
            assert temporary_folders(out) == []
    finally:
        shutil.rmtree(root)


# ------------------------------------------------------------------------------ a standby that is not trusted


def tamper_record(out: Path) -> None:
    (standby_folder(out) / "record.json").unlink()


def tamper_generation(out: Path) -> None:
    record = standby_folder(out) / "record.json"
    data = json.loads(record.read_text())
    record.write_text(json.dumps(data | {"generation": "another"}))


def tamper_replace_a_file(out: Path) -> None:
    target = standby_of(out) / "actualites/deux/index.html"
    target.unlink()
    target.write_bytes(b"<p>deux, mais faux</p>")


def tamper_delete_a_file(out: Path) -> None:
    (standby_of(out) / "images/logo.png").unlink()


def tamper_add_a_file_at_the_top(out: Path) -> None:
    (standby_of(out) / "intrus.html").write_bytes(b"intrus")


def tamper_write_a_shared_file(out: Path) -> None:
    with open(standby_of(out) / "rss.xml", "ab") as file:  # the published file too: they are one inode
        file.write(b"<!-- abime -->")


def tamper_delete_the_tree(out: Path) -> None:
    shutil.rmtree(standby_of(out))


def tamper_delete_everything(out: Path) -> None:
    shutil.rmtree(standby_folder(out))


def tamper_replace_the_tree(out: Path) -> None:
    shutil.rmtree(standby_of(out))
    shutil.copytree(out, standby_of(out))


def tamper_add_a_file_to_the_output(out: Path) -> None:
    (out / "ajout.html").write_bytes(b"ajoute a la main")


@pytest.mark.parametrize("tamper", [tamper_record, tamper_generation, tamper_replace_a_file, tamper_delete_a_file,
                                    tamper_add_a_file_at_the_top, tamper_write_a_shared_file, tamper_delete_the_tree,
                                    tamper_delete_everything, tamper_replace_the_tree,
                                    tamper_add_a_file_to_the_output])
def test_a_standby_that_cannot_be_trusted_is_made_again(tmp_path: Path, tamper: Callable[[Path], None]) -> None:
    out = tmp_path / "out"
    publish_files(SITE, out)
    publish_files(SITE | {"index.html": b"v2"}, out)
    tamper(out)
    edited = SITE | {"index.html": b"v3", "actualites/un/index.html": b"<p>un, v3</p>"}
    publish_files(edited, out)
    assert_published(out, edited)
    assert_standby_mirrors(out)
    publish_files(edited | {"rss.xml": b"<rss>v4</rss>"}, out)  # and the fast path works again
    assert_published(out, edited | {"rss.xml": b"<rss>v4</rss>"})
    assert_standby_mirrors(out)


def test_an_untrusted_standby_is_made_again_even_when_nothing_changed(tmp_path: Path) -> None:
    """What a build killed while publishing leaves: no record, and a standby holding the previous tree."""
    out = tmp_path / "out"
    publish_files(SITE, out)
    withdrawn = {name: data for name, data in SITE.items() if not name.startswith("temoignages/")}
    publish_files(withdrawn, out)
    (standby_folder(out) / "record.json").unlink()
    (standby_of(out) / "temoignages/marie").mkdir(parents=True)
    (standby_of(out) / "temoignages/marie/index.html").write_bytes(SITE["temoignages/marie/index.html"])
    report = publish_files(withdrawn, out)
    assert report.written == [] and report.removed == []
    assert_published(out, withdrawn)
    assert_standby_mirrors(out)


def test_two_manifests_publishing_into_one_folder(tmp_path: Path) -> None:
    """Two sites (or a cached and an uncached build) into one folder: neither manifest knows the other's files,
    so the standby must not be trusted across them (a generation counter could match by chance)."""
    out = tmp_path / "out"
    first, second = Manifest(tmp_path / "first.json"), Manifest(tmp_path / "second.json")
    one = {"index.html": b"un", "seulement-un.html": b"un"}
    two = {"index.html": b"deux", "seulement-deux/index.html": b"deux"}
    for files, manifest in ((one, first), (two, second), (one, first), (two, second)):
        publish(jobs_of(files), render, out, Manifest.load(manifest.path))
        assert_published(out, files)
        assert_standby_mirrors(out)


def test_a_build_without_cache_keeps_no_standby(tmp_path: Path) -> None:
    """Its manifest is not saved, so no later build could trust a standby it left: none is made."""
    out, edited = tmp_path / "out", SITE | {"index.html": b"v2"}
    publish(jobs_of(SITE), render, out, Manifest(Path(os.devnull)))
    assert_published(out, SITE)
    assert not standby_of(out).exists()
    publish_files(edited, out)
    assert_standby_mirrors(out)
    publish(jobs_of(SITE), render, out, Manifest(Path(os.devnull)))
    assert_published(out, SITE)
    assert not standby_of(out).exists()
    publish_files(edited, out)
    assert_published(out, edited)
    assert_standby_mirrors(out)


def test_an_output_deleted_by_hand_is_made_complete_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_files(SITE, out)
    smaller = {name: data for name, data in SITE.items() if not name.startswith("actualites/deux")}
    publish_files(smaller, out)
    shutil.rmtree(out)
    report = publish_files(smaller, out)
    assert sorted(report.written) == sorted(smaller)
    assert_published(out, smaller)
    assert_standby_mirrors(out)


def test_a_failed_build_leaves_output_and_standby_as_they_were(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_files(SITE, out)
    output, standby = tree_of(out), tree_of(standby_of(out))
    standby_inode = standby_of(out).stat().st_ino

    def broken(job: RenderJob) -> OutputFile:
        if job.output == "rss.xml":
            raise TemplateError("cassé")
        return render(job)

    edited = {name: data + b" v2" for name, data in SITE.items()}
    with pytest.raises(BuildFailed):
        publish_files(edited, out, render_one=broken)
    assert tree_of(out) == output and tree_of(standby_of(out)) == standby
    assert_standby_mirrors(out)
    assert temporary_folders(out) == [], "the incoming files of a failed build are removed"
    publish_files(edited, out)
    assert out.stat().st_ino == standby_inode, "the standby was still trusted after the failure"
    assert_published(out, edited)
    assert_standby_mirrors(out)


def test_leftovers_are_removed_and_the_standby_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_files(SITE, out)
    dead = _a_finished_pid()
    for leftover in (out.with_name(".out.tmp-123"), out.with_name(".out.old-123"),
                     standby_folder(out) / f"incoming-{dead}"):
        (leftover / "actualites").mkdir(parents=True)
        (leftover / "actualites" / "index.html").write_bytes(b"vieux")
    standby_inode = standby_of(out).stat().st_ino
    clean_leftovers(out)
    assert temporary_folders(out) == []
    publish_files(SITE | {"rss.xml": b"<rss>2</rss>"}, out)
    assert out.stat().st_ino == standby_inode
    assert_standby_mirrors(out)


def large_site(version: str) -> dict[str, bytes]:
    """Enough files for the render workers to be forked (above ``PARALLEL_RENDER_THRESHOLD``), most in their own
    folder as post pages are."""
    files = {f"{section}/article-{n}/index.html": f"<p>{section} {n} {version}</p>".encode()
             for section in ("actualites", "prevention") for n in range(260)}
    return files | {"index.html": f"<h1>Accueil {version}</h1>".encode(), "images/logo.png": b"\x89PNG"}


@pytest.mark.parametrize("workers", [1, 2])
def test_render_workers_write_the_files_and_the_first_standby(tmp_path: Path, workers: int) -> None:
    """The files a worker renders are written (and, in a first build, linked into the standby) by that worker."""
    out = tmp_path / "out"
    files = large_site("v1")
    manifest = Manifest.load(tmp_path / "out.manifest.json")
    report = publish(jobs_of(files), render, out, manifest, workers=workers)
    assert sorted(report.written) == sorted(files) and report.rendered == len(files)
    assert_published(out, files)
    assert_standby_mirrors(out)
    assert temporary_folders(out) == []

    edited = large_site("v2") | {"index.html": files["index.html"]}
    report = publish(jobs_of(edited), render, out, Manifest.load(manifest.path), workers=workers)
    assert len(report.written) == len(files) - 2 and report.unchanged == 2  # the home page and the logo
    assert_published(out, edited)
    assert_standby_mirrors(out)
    assert temporary_folders(out) == []


def test_a_first_build_on_a_disk_without_hard_links_publishes_without_standby(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(source: object, target: object) -> None:
        raise OSError(errno.EXDEV, "no hard links here")

    out = tmp_path / "out"
    monkeypatch.setattr(os, "link", refuse)
    publish_files(SITE, out)
    assert_published(out, SITE)
    assert not standby_of(out).exists() and temporary_folders(out) == []
    publish_files(SITE | {"index.html": b"v2"}, out)
    assert_published(out, SITE | {"index.html": b"v2"})
    assert temporary_folders(out) == []


def _a_finished_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


# -------------------------------------------------------------------------------------------- serve, in place


def test_in_place_keeps_the_folder_and_drops_the_standby(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_files(SITE, out)
    folder = out.stat().st_ino
    withdrawn = {name: data for name, data in SITE.items() if not name.startswith("temoignages/")}
    publish_files(withdrawn | {"index.html": b"en direct"}, out, in_place=True)
    assert out.stat().st_ino == folder
    assert_published(out, withdrawn | {"index.html": b"en direct"})
    assert not standby_of(out).exists(), "a standby left behind would still hold the withdrawn page"
    assert not (standby_folder(out) / "record.json").exists()


def test_a_first_build_in_place_keeps_no_standby(tmp_path: Path) -> None:
    out = tmp_path / "serve" / "site"
    publish_files(SITE, out, in_place=True)
    assert_published(out, SITE)
    assert not standby_of(out).exists()
    publish_files(SITE | {"index.html": b"2"}, out, in_place=True)
    assert_published(out, SITE | {"index.html": b"2"})
    assert not standby_of(out).exists()


# ------------------------------------------------------------------------------------------ through build()


def test_a_site_edit_moves_only_the_files_written(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({f"posts/news/article-{n}.md": post(f"Article {n}", f"2026-0{n}-10", f"Texte {n}.",
                                                        author="cmartin", tags="[santé]") for n in range(1, 6)})
    out = tmp_path / "out"
    build(site, output=out, now=NOW)
    assert_standby_mirrors(out)
    before = inodes_of(out)
    path = site / "posts/news/article-2.md"
    path.write_text(path.read_text().replace("Texte 2.", "Texte 2, corrigé."))
    report = build(site, output=out, now=NOW)
    assert "actualites/article-2/index.html" in report.write.written
    after = inodes_of(out)
    for name in report.write.written:  # new inodes; new files too (the search index's fragment of the article)
        assert after.pop(name)[0] != before.pop(name, (None,))[0]
    for name in report.write.removed:  # the fragment it replaces
        before.pop(name)
    assert after == before
    assert_standby_mirrors(out)
    published = tree_of(out)
    shutil.rmtree(out)  # by hand: the standby is still there, and must not be trusted
    build(site, output=out, now=NOW)
    assert tree_of(out) == published
    assert_standby_mirrors(out)


# ------------------------------------------------------------------------------- read-only and full disks


def test_a_full_disk_leaves_output_and_standby_trusted(tmp_path: Path) -> None:
    from tests.test_crash import fill, tmpfs

    if os.geteuid() != 0:
        pytest.skip("filling a disk needs a tmpfs, and mounting one needs root")
    with tmpfs(tmp_path / "full", "1m") as disk:
        out = disk / "out"
        publish_files(SITE, out)
        before = tree_of(out)
        standby_inode = standby_of(out).stat().st_ino
        filler = fill(disk)
        big = SITE | {"index.html": b"x" * 200_000}
        with pytest.raises(OutputError, match="the disk is full"):
            publish_files(big, out)
        assert tree_of(out) == before
        assert_standby_mirrors(out)
        assert temporary_folders(out) == []
        filler.unlink()
        publish_files(big, out)
        assert out.stat().st_ino == standby_inode
        assert_published(out, big)
        assert_standby_mirrors(out)


def test_a_read_only_disk_leaves_output_and_standby_trusted(tmp_path: Path) -> None:
    from tests.test_crash import tmpfs

    if os.geteuid() != 0:
        pytest.skip("remounting read-only needs root")
    with tmpfs(tmp_path / "ro", "4m") as disk:
        out = disk / "out"
        publish_files(SITE, out)
        before = tree_of(out)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        try:
            with pytest.raises(OutputError, match="cannot be written"):
                publish_files(SITE | {"index.html": b"v2"}, out)
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        assert tree_of(out) == before
        assert_standby_mirrors(out)
        publish_files(SITE | {"index.html": b"v2"}, out)
        assert_published(out, SITE | {"index.html": b"v2"})
        assert_standby_mirrors(out)


def test_a_build_without_cache_leaves_dev_null_alone(make_site: SiteMaker, tmp_path: Path) -> None:
    """Its manifest stands at os.devnull and is never written: as root, an atomic replace of that path put a
    regular file in place of the device."""
    import stat

    from hospiblog.build import build
    from tests.conftest import NOW

    site = make_site({"posts/news/a.md": post("A")})
    before = os.stat(os.devnull)
    build(site, output=tmp_path / "out", now=NOW, use_cache=False)
    build(site, output=tmp_path / "out", now=NOW, use_cache=False)
    after = os.stat(os.devnull)
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


@pytest.mark.parametrize("count", [0, 1, 4096, 4097, 9000])
def test_the_manifest_written_a_slice_at_a_time_is_the_json_of_the_whole(tmp_path: Path, count: int) -> None:
    """Saved in slices of entries (the whole text is never held): the file is the JSON of the whole manifest,
    and reads back the same."""
    entries = {f"sujets/é\"{number}\u2028/index.html": (f"{number:032x}", number, number * 10**12)
               for number in range(count)}
    manifest = Manifest(tmp_path / "manifest.json", dict(entries), "a1b2", "code\\1")
    manifest.save()
    assert (tmp_path / "manifest.json").read_text("utf-8") == json.dumps(
        {"version": 1, "generation": "a1b2", "code": "code\\1", "files": entries})
    assert Manifest.load(tmp_path / "manifest.json", "code\\1").entries == entries
