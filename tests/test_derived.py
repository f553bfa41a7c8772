"""The writer's derived outputs: files made from other outputs' bytes once those are rendered (the search index).

A derived job reads each input as it is about to be published (rendered now, or unchanged and read from the
output folder), is made again only when its digest changes, and is published in the same swap as the pages, or
not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from hospiblog.errors import HospiblogError
from hospiblog.plan import DerivedJob, RenderJob
from hospiblog.render import OutputFile
from hospiblog.writer import Manifest, WriteReport, publish

Reader = Callable[[str], bytes]


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def render(job: RenderJob) -> OutputFile:
    assert job.produce is not None
    return OutputFile(job.output, job.produce())


def publish_pages(tmp_path: Path, pages: dict[str, bytes],
                  produce: Callable[[Reader], Mapping[str, bytes]], *, in_place: bool = False) -> WriteReport:
    """Publishes ``pages`` and a derived job over all of them, as a new build process would."""
    jobs = [RenderJob(output=name, digest=hashlib.blake2b(data).hexdigest(), produce=lambda data=data: data)
            for name, data in pages.items()]
    derived = DerivedJob(name="index", folder="derived/", digest="|".join(job.digest for job in jobs),
                         inputs=tuple(pages), settings="", produce=produce)
    manifest = Manifest.load(tmp_path / "manifest.json")
    return publish(jobs, render, tmp_path / "out", manifest, in_place=in_place, derived=[derived])


class Joiner:
    """A derived job that joins its inputs' bytes, and remembers what it read."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def __call__(self, read: Reader) -> dict[str, bytes]:
        names = ["a.html", "b.html"]
        self.read += names
        return {"all.txt": b"|".join(read(name) for name in names), f"{len(self.read)}.txt": b"run"}


@pytest.mark.parametrize("in_place", [False, True], ids=["build", "serve"])
def test_a_derived_job_reads_what_is_about_to_be_published(tmp_path: Path, in_place: bool) -> None:
    out, joiner = tmp_path / "out", Joiner()
    first = publish_pages(tmp_path, {"a.html": b"un", "b.html": b"deux"}, joiner, in_place=in_place)
    assert files_of(out) == {"a.html": b"un", "b.html": b"deux", "derived/all.txt": b"un|deux",
                             "derived/2.txt": b"run"}
    assert "index" in first.timings
    # Unchanged inputs: the digest is the same and nothing is made; the files stay published.
    again = publish_pages(tmp_path, {"a.html": b"un", "b.html": b"deux"}, joiner, in_place=in_place)
    assert joiner.read == ["a.html", "b.html"] and again.timings == {} and again.written == []
    # One input changed: it is read as rendered now, the other from the output folder; a file no longer made goes.
    edited = publish_pages(tmp_path, {"a.html": b"un", "b.html": b"trois"}, joiner, in_place=in_place)
    assert files_of(out) == {"a.html": b"un", "b.html": b"trois", "derived/all.txt": b"un|trois",
                             "derived/4.txt": b"run"}
    assert sorted(edited.written) == ["b.html", "derived/4.txt", "derived/all.txt"]
    assert edited.removed == ["derived/2.txt"]


def test_a_derived_job_that_fails_publishes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_pages(tmp_path, {"a.html": b"un", "b.html": b"deux"}, Joiner())
    published = files_of(out)

    def fail(_read: Reader) -> dict[str, bytes]:
        raise HospiblogError("the indexer failed")

    with pytest.raises(HospiblogError, match="the indexer failed"):
        publish_pages(tmp_path, {"a.html": b"un", "b.html": b"trois"}, fail)
    assert files_of(out) == published, "neither the new page nor anything derived was published"
    assert not list(tmp_path.glob(".out-standby/incoming-*"))
    publish_pages(tmp_path, {"a.html": b"un", "b.html": b"trois"}, Joiner())
    assert files_of(out)["derived/all.txt"] == b"un|trois"


def test_derived_files_with_the_same_bytes_are_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"

    def constant(_read: Reader) -> dict[str, bytes]:
        return {"same.txt": b"toujours"}

    publish_pages(tmp_path, {"a.html": b"un"}, constant)
    before = (out / "derived" / "same.txt").stat()
    report = publish_pages(tmp_path, {"a.html": b"deux"}, constant)
    assert report.written == ["a.html"] and "index" in report.timings
    after = (out / "derived" / "same.txt").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # The manifest now knows the file under the new digest: the next publication makes nothing.
    assert publish_pages(tmp_path, {"a.html": b"deux"}, constant).timings == {}
