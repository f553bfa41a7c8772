"""The output sink: the only code that touches the output folder.

Only files whose bytes change are written, and publishing costs O(files changed), not O(files in
the site). Beside the output folder ``out/`` lives a private folder ``.out-standby/`` (mode 0700)
holding a *standby* tree, ``tree/``: a twin of the published folder made of hard links to the same
files, so it costs almost no disk. Its ``record.json`` says "the standby equals the published tree
of generation G" (G is a token the manifest carries, drawn anew at each publication). The tree keeps
the published folder's permissions, so that it can be exchanged in; the private folder hides it.

While it renders, a build writes its changed files into ``incoming-<pid>/files/`` in that folder (each
render worker writes the files it rendered; a first build's workers also link each one into
``incoming-<pid>/twin/``, which becomes the standby once the files are published). To
publish, it deletes the record (from then on a crash leaves the standby untrusted), moves the changed
files over the standby's links (new inodes: a published file is never opened for writing), unlinks
the removed ones, exchanges the standby and the published folder with one
``renameat2(RENAME_EXCHANGE)``, brings the previous tree (now the standby) up to date the same way
and writes the record again. A standby that cannot be trusted is made again once, from the published
folder, by hard links. A failed or killed build leaves the published folder as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import enum
import errno
import functools
import json
import multiprocessing as mp
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar, cast

from . import collector
from .cache import process_running, slices, write_atomically
from .errors import BuildFailed, HospiblogError, OutputError, SourceLocation
from .progress import SILENT, Progress, counted
from .urls import inside, safe_relative

if TYPE_CHECKING:  # a no-op build loads the manifest only, not the planning and rendering stages
    from .pages import Entry, PageStore
    from .plan import DerivedJob, RenderJob
    from .render import OutputFile

try:
    import fcntl
except ImportError:  # Windows has no flock: publications into one folder must not overlap there
    fcntl = None  # type: ignore[assignment]

MANIFEST_VERSION = 1
STANDBY_FORMAT = 1
RenderFunction = Callable[["RenderJob"], "OutputFile"]


@dataclass
class WriteReport:
    """What publishing did."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rendered: int = 0
    reused: int = 0
    """Of the rendered, those whose bytes came from the page store (:mod:`hospiblog.pages`) instead of a template."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent making each derived job's files (the search index), by its name; none when kept."""


@dataclass
class Manifest:
    """What the last successful build published: per file, its job digest and stat."""

    path: Path
    entries: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    generation: str = ""
    """Drawn at random at each publication: the standby's record names the one it mirrors. (A counter could
    repeat: two sites, or a cached and an uncached build, publishing into one folder each keep their own.)"""
    code: str = ""
    """The fingerprint of the code that made the files (:func:`hospiblog.state.code_fingerprint`)."""

    @classmethod
    def load(cls, path: Path, code: str = "") -> Manifest:
        """The manifest at ``path``; an empty one when it cannot be read or is of another format.

        Written by other code than ``code``, its files and generation are kept but not their digests: a job's digest
        holds its inputs, not the code that renders them, so every file is made again after hospiblog changes
        (and rewritten only where its bytes differ), while the files the new code no longer makes are still known
        (removed) and the standby still matches the published folder."""
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("version") != MANIFEST_VERSION:
                return cls(path, code=code)
            same_code = data.get("code", "") == code
            entries = {key: (value[0] if same_code else "", value[1], value[2]) for key, value in data["files"].items()}
            return cls(path, entries, str(data.get("generation", "")), code)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return cls(path, code=code)

    def save(self) -> None:
        if not self.kept:
            return  # written to os.devnull, an atomic replace would put a regular file in place of /dev/null (root)
        head = json.dumps({"version": MANIFEST_VERSION, "generation": self.generation, "code": self.code})

        def write(file: IO[bytes]) -> None:
            # The JSON of ``head`` with the files added, written a slice of entries at a time: at 10,000 posts the
            # whole text and its bytes held at once were 12 MiB at the top of the build's memory (measured).
            file.write(head[:-1].encode() + b', "files": {')
            separator = b""
            for chunk in slices(self.entries, 4096):
                file.write(separator + json.dumps(chunk)[1:-1].encode())
                separator = b", "
            file.write(b"}}")

        with contextlib.suppress(OSError):
            write_atomically(self.path, write)

    @property
    def kept(self) -> bool:
        """False for the stand-in a build without cache uses: its generation is forgotten with the process."""
        return self.path != Path(os.devnull)

    def all_current(self, output_dir: Path) -> bool:
        """True when every file of the last build is still there, as it was written."""
        if not self.entries:
            return False
        root = os.fspath(output_dir)  # os.path rather than pathlib: this is a no-op build's main cost
        for relative, (_digest, size, mtime) in self.entries.items():
            try:
                stat = os.stat(os.path.join(root, safe_relative(relative)))
            except OSError:
                return False
            if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
                return False
        return True

    def is_current(self, job: RenderJob, stat: os.stat_result | None) -> bool:
        """True when the published file (``stat``, None when missing) is the one this job made last time."""
        entry = self.entries.get(job.output)
        if entry is None or stat is None or entry[0] != job.digest:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (entry[1], entry[2])


def publish(jobs: Sequence[RenderJob], render_one: RenderFunction, output_dir: Path, manifest: Manifest,
            *, in_place: bool = False, workers: int = 1,
            candidates: Sequence[RenderJob] | None = None, derived: Sequence[DerivedJob] = (),
            progress: Progress = SILENT, release: bool = False, store: PageStore | None = None) -> WriteReport:
    """Renders what changed and publishes the output folder; raises BuildFailed on render errors.

    ``candidates`` (serve's fast path, in place only): the only jobs that may have changed since the last
    publication of the same plan; the others are known current and are not even looked at. ``derived``: files
    made from the rendered outputs (the search index), published with them; serve's fast path has none.
    ``progress`` counts the rendered jobs as their results come back, and is told when a derived job is made.
    ``release``: the caller hands ``jobs`` (a list) over, and it is emptied once they are rendered: what only the
    jobs held (a site's posts and their bodies) is freed before the search index is made. ``store``: the pages kept
    between builds, which a large render reads and adds to (:mod:`hospiblog.pages`); none in place.
    """
    if candidates is not None:
        assert in_place, "candidates are for in-place publication"
        return _publish_candidates(candidates, render_one, output_dir, manifest)
    clean_leftovers(output_dir)
    report = WriteReport()
    planned = {job.output for job in jobs}
    staging = _Staging(output_dir, manifest, planned, in_place=in_place)
    try:
        _render_changed(jobs, render_one, output_dir, manifest, report, staging, workers, progress, store)
        digests = {job.output: job.digest for job in jobs}
        if release:
            if not isinstance(jobs, list):
                raise TypeError("publish(release=True) empties its jobs: give them as a list")
            jobs.clear()
            collector.trim()
        digests.update(_derive_all(derived, staging, manifest, report, progress, workers))
        removed = _published_files(output_dir, manifest) - planned
        report.written = sorted(staging.written)
        if report.written or removed or not staging.live_exists:
            report.removed = staging.commit(removed)
            manifest.generation = secrets.token_hex(8)
            _record(digests, set(report.written), output_dir, manifest)
        else:
            if report.rendered:
                manifest.save()  # files re-rendered to the same bytes: remember, so the next build skips them
            staging.repair()
        staging.seal()
    except OSError as error:
        raise _output_error(error, output_dir) from error
    finally:
        staging.discard()
    return report


def _publish_candidates(jobs: Sequence[RenderJob], render_one: RenderFunction, output_dir: Path,
                        manifest: Manifest) -> WriteReport:
    """Serve's fast path: renders the given jobs and replaces the files whose bytes changed, one by one. The
    manifest is updated in memory only: serve's output is a temporary folder no later process builds into."""
    report = WriteReport()
    staging = _Staging(output_dir, manifest, set(), in_place=True)
    try:
        _render_changed(jobs, render_one, output_dir, manifest, report, staging, 1)
        report.written = sorted(staging.written)
        _write_in_place(staging.buffered, [], output_dir)
        for job in jobs:
            if job.output in staging.buffered:
                with contextlib.suppress(OSError):
                    _remember(manifest, job.output, job.digest, inside(output_dir, job.output).stat())
    except OSError as error:
        raise _output_error(error, output_dir) from error
    return report


def standby_folder(output_dir: Path) -> Path:
    """The private folder beside the output that holds its standby tree, the record and incoming files."""
    return output_dir.with_name(f".{output_dir.name}-standby")


class _Tree:
    """A folder being filled or pruned: remembers its subfolders, so each is made once."""

    def __init__(self, root: Path, folders: set[str] | None = None) -> None:
        self.root = root
        self.folders = folders if folders is not None else set()
        """Relative paths of the subfolders known to exist."""

    def file(self, relative: str) -> str:
        """The path of ``relative`` in this tree, its folder made when missing."""
        normal = safe_relative(relative)
        self._make(normal.rpartition("/")[0])
        return os.path.join(self.root, normal)

    def _make(self, folder: str) -> None:
        if not folder or folder in self.folders:
            return
        try:
            os.mkdir(os.path.join(self.root, folder))
        except FileNotFoundError:
            self._make(folder.rpartition("/")[0])
            with contextlib.suppress(FileExistsError):  # render workers fill one tree side by side
                os.mkdir(os.path.join(self.root, folder))
        except FileExistsError:
            pass
        self.folders.add(folder)

    def remove(self, files: Iterable[str]) -> None:
        """Unlinks these files (gone already is fine), then the folders that this leaves empty."""
        parents: set[str] = set()
        for name in files:
            try:
                relative = safe_relative(name)
            except OutputError:
                continue  # a damaged manifest's entry: nothing outside the folder is ours to remove
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self.root, relative))
            folder = relative.rpartition("/")[0]
            while folder and folder not in parents:
                parents.add(folder)
                folder = folder.rpartition("/")[0]
        for folder in sorted(parents, key=lambda name: name.count("/"), reverse=True):
            with contextlib.suppress(OSError):  # not empty: it still holds published files
                os.rmdir(os.path.join(self.root, folder))
                self.folders.discard(folder)


class _Staging:
    """Where changed files go before publication, and how they are published (see the module's docstring).

    A build's render workers write them into ``incoming-<pid>/files/`` as they render them (so memory does
    not grow with the site, and the disk's work is shared by the workers); a first publication's workers
    also link each file into ``incoming-<pid>/twin/``, the standby to be. Serve keeps them in memory and
    replaces files in place, and has no standby.
    """

    def __init__(self, output_dir: Path, manifest: Manifest, planned: set[str], *, in_place: bool) -> None:
        self.live = output_dir
        self.manifest = manifest
        self.planned = planned
        self.live_exists = output_dir.is_dir()
        self.in_place = in_place and self.live_exists
        # serve replaces files in place; a build without cache could never trust a standby again.
        self.keep_standby = not in_place and manifest.kept
        self.home = standby_folder(output_dir)
        self.tree = self.home / "tree"
        self.record = self.home / "record.json"
        self.published: dict[str, os.stat_result] = {}
        """The stat of each planned file already published, taken once before rendering."""
        self.written: list[str] = []
        self.buffered: dict[str, bytes] = {}
        self.incoming: _Tree | None = None
        self.twin: _Tree | None = None
        """A first publication's standby, linked file by file while rendering (None: not made that way)."""
        self.twin_complete = True
        self.incoming_made = False
        self.synced = False
        """The standby mirrors the tree just published: seal() may write the record."""
        self.lock: int | None = None

    def prepare(self) -> None:
        """Makes the incoming folders before the render workers are forked: they inherit them."""
        if not self.in_place:
            self._incoming()
            if not self.live_exists and self.keep_standby and self.twin is None:
                self.twin = _Tree(self._incoming_home() / "twin")
                self.twin.root.mkdir()

    def stage(self, relative: str, data: bytes) -> Staged:
        """Keeps a rendered file for publication unless the published one has these bytes already.

        Runs where the file was rendered, in a render worker during a build: the disk's work (reading the
        published file, making folders, writing) is shared by the workers instead of queued in the parent.
        """
        stat = self.published.get(relative)
        if stat is not None and _same_bytes(inside(self.live, relative), data, stat):
            return Staged.SAME
        if self.in_place:
            self.buffered[relative] = data
            return Staged.WRITTEN
        path = self._incoming().file(relative)
        with open(path, "xb") as file:
            file.write(data)
        if self.twin is not None:
            try:
                os.link(path, self.twin.file(relative))
            except OSError:
                return Staged.WRITTEN_UNLINKED  # the standby is then made after publication, or not kept
        return Staged.WRITTEN

    def read(self, relative: str) -> bytes:
        """An output's bytes as this publication will publish them: rendered now, or published already."""
        if relative in self.buffered:
            return self.buffered[relative]
        if self.incoming is not None:
            path = os.path.join(self.incoming.root, safe_relative(relative))
            with contextlib.suppress(FileNotFoundError), open(path, "rb") as file:
                return file.read()
        return inside(self.live, relative).read_bytes()

    def _incoming_home(self) -> Path:
        return self.home / f"incoming-{os.getpid()}"

    def _incoming(self) -> _Tree:
        if self.incoming is None:
            self._make_home()
            folder = self._incoming_home()
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            self.incoming_made = True
            (folder / "files").mkdir()
            self.incoming = _Tree(folder / "files")
        return self.incoming

    def _make_home(self) -> None:
        if self.home.is_dir():
            return
        self.live.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            self.home.mkdir(mode=0o700)
        # A site kept in git ignores its output folder; this one is ignored from the inside.
        (self.home / ".gitignore").write_text("*\n", "utf-8")

    def commit(self, removed: set[str]) -> list[str]:
        """Publishes the written files; returns the published files removed (``removed`` for serve)."""
        self._lock()
        if self.in_place:
            self._drop_standby()
            _write_in_place(self.buffered, sorted(removed), self.live)
            return sorted(removed)
        if not self.live_exists:
            self._publish_first()
            return []
        return self._publish_by_exchange(removed)

    def _publish_first(self) -> None:
        """No published folder yet: the incoming tree becomes it, and its twin (or links made now) the standby."""
        self._forget_standby()
        os.rename(self._incoming().root, self.live)
        self.incoming = None
        if self.twin is not None and self.twin_complete:
            try:
                os.rename(self.twin.root, self.tree)
            except OSError:
                self._drop_standby()  # the publication is done: this must not fail the build
                return
            _match_mode(self.tree, self.live)
            self.synced = True
        elif self.keep_standby:
            self._mirror(self.written)

    def _publish_by_exchange(self, removed: set[str]) -> list[str]:
        if self._standby_matches():
            self.record.unlink()  # from here until seal(), a crash leaves the standby untrusted
            stale = removed
            standby = _Tree(self.tree)
            standby.remove(stale)
        else:
            # Made again from the published folder: O(site) anyway, so list it, and drop what no build made.
            stale = set(_existing_files(self.live)) - self.planned
            standby = self._fresh_standby()
        linked = self._fill(standby)
        _match_mode(self.tree, self.live)
        _swap(self.tree, self.live)
        if linked:
            self._sync(_Tree(self.tree), stale)
        else:
            self._drop_standby()
        return sorted(stale)

    def _fresh_standby(self) -> _Tree:
        """A standby that cannot be trusted is made again: the incoming tree plus links to the unchanged files."""
        self._forget_standby()
        source = self._incoming()
        os.rename(source.root, self.tree)
        standby, self.incoming = _Tree(self.tree, source.folders), None
        for relative in sorted(self.planned - set(self.written)):
            if not _link_or_copy(inside(self.live, relative), standby.file(relative)):
                self.keep_standby = False  # no hard links on this disk: a copy is no standby
        return standby

    def _fill(self, standby: _Tree) -> bool:
        """Moves the incoming files over the standby's links; False when the standby is a copy, not links."""
        if self.incoming is not None:
            for relative in self.written:
                os.replace(self.incoming.file(relative), standby.file(relative))
        return self.keep_standby

    def _sync(self, standby: _Tree, stale: set[str]) -> None:
        """The previous tree, now the standby, made equal to the published one; dropped when that fails."""
        try:
            standby.remove(stale)
            for relative in self.written:
                target = standby.file(relative)
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(target)
                os.link(inside(self.live, relative), target)
        except OSError:
            self._drop_standby()  # the publication is done: this must not fail the build
            return
        self.synced = True

    def _mirror(self, files: Iterable[str]) -> None:
        """The standby made of links to these published files (all of them); dropped when that fails."""
        try:
            self._forget_standby()
            self.tree.mkdir()
            standby = _Tree(self.tree)
            for relative in files:
                os.link(inside(self.live, relative), standby.file(relative))
        except OSError:
            self._drop_standby()  # the publication is done, or there was none to do: this must not fail the build
            return
        _match_mode(self.tree, self.live)
        self.synced = True

    def repair(self) -> None:
        """With nothing to publish, a standby left untrusted (a build killed while publishing, or none made yet)
        is made again from the published folder: it may hold a previous tree, withdrawn pages included."""
        if not self.keep_standby or not self.live_exists or self.record.exists():
            return
        with contextlib.suppress(OSError):
            self._lock()
        if not self.record.exists():  # another build may have sealed it meanwhile
            self._mirror(_existing_files(self.live))

    def _standby_matches(self) -> bool:
        """True when the standby can be trusted to equal the published folder.

        The record must name the manifest's generation and both folders as they were when it was written
        (inode and mtime: a folder replaced, or a file added at its top, shows), and every published file
        this build keeps must be the standby's file too (one stat each: a standby file replaced or deleted
        by hand shows).
        """
        try:
            if json.loads(self.record.read_bytes()) != self._state():
                return False
            tree = os.fspath(self.tree)
            for relative in self.planned.difference(self.written):
                if os.stat(os.path.join(tree, relative)).st_ino != self.published[relative].st_ino:
                    return False
        except (OSError, ValueError, KeyError):
            return False
        return True

    def _state(self) -> dict[str, object]:
        """What the record says: the generation, and the inode and mtime of both folders."""
        folders = {name: [stat.st_ino, stat.st_mtime_ns] for name, stat in
                   (("published", self.live.stat()), ("standby", self.tree.stat()))}
        return {"format": STANDBY_FORMAT, "generation": self.manifest.generation, **folders}

    def seal(self) -> None:
        """Records that the standby mirrors the published tree of the manifest's (saved) generation."""
        if self.synced:
            with contextlib.suppress(OSError):
                write_atomically(self.record, json.dumps(self._state()).encode())

    def _forget_standby(self) -> None:
        """Deletes the record, then the standby tree (it is made again, or not kept)."""
        with contextlib.suppress(FileNotFoundError):
            self.record.unlink()
        shutil.rmtree(self.tree, ignore_errors=True)
        if self.tree.exists():
            raise OSError(errno.ENOTEMPTY, "the standby folder cannot be removed", str(self.tree))

    def _drop_standby(self) -> None:
        with contextlib.suppress(OSError):
            self._forget_standby()

    def _lock(self) -> None:
        """Serialises publications into one folder: two builds must never fill one standby together.

        Taken after rendering, so that no forked render worker inherits (and keeps) the lock.
        """
        if self.in_place and not self.home.is_dir():
            return
        self._make_home()
        with contextlib.suppress(OSError):
            self.lock = os.open(self.home, os.O_RDONLY)
            if fcntl is not None:
                fcntl.flock(self.lock, fcntl.LOCK_EX)

    def discard(self) -> None:
        """Removes what a failed (or finished) build left in the incoming folder; releases the lock."""
        if self.incoming_made:
            shutil.rmtree(self._incoming_home(), ignore_errors=True)
        if self.lock is not None:
            os.close(self.lock)
            self.lock = None


def _match_mode(tree: Path, live: Path) -> None:
    """The tree about to be published gets the permissions of the published folder."""
    with contextlib.suppress(OSError):
        mode = live.stat().st_mode & 0o7777
        if tree.stat().st_mode & 0o7777 != mode:
            os.chmod(tree, mode)


class Staged(enum.Enum):
    """What became of a rendered file."""

    SAME = "same"
    """The published file has these bytes: left alone."""
    WRITTEN = "written"
    WRITTEN_UNLINKED = "written, not linked into the twin"


def _render_changed(jobs: Sequence[RenderJob], render_one: RenderFunction, output_dir: Path, manifest: Manifest,
                    report: WriteReport, staging: _Staging, workers: int, progress: Progress = SILENT,
                    store: PageStore | None = None) -> None:
    from .pages import wanted

    published = staging.published = _published_stats(jobs, output_dir, staging.live_exists)
    pending = [job for job in jobs if not manifest.is_current(job, published.get(job.output))]
    report.unchanged += len(jobs) - len(pending)
    if store is not None and not staging.in_place and wanted(len(pending), staging.live_exists):
        store.open()  # before the workers are forked: they inherit the index
    else:
        store = None
    if pending:
        staging.prepare()
        progress.expect(len(pending))
    # Serve keeps changed files in memory: they must be staged in this process.
    work = functools.partial(_render_and_stage, render_one, staging, store)
    try:
        _count_rendered(pending, _render_all(pending, work, 1 if staging.in_place else workers), report, staging,
                        manifest, published, store, progress)
        if store is not None:
            store.save(jobs)
    finally:
        if store is not None:
            store.close()  # a failed render leaves no descriptor open in this process (serve's pipeline lives on)


def _count_rendered(pending: Sequence[RenderJob], results: Iterator[Outcome | HospiblogError], report: WriteReport,
                    staging: _Staging, manifest: Manifest, published: Mapping[str, os.stat_result],
                    store: PageStore | None, progress: Progress) -> None:
    """Records what became of each rendered job; raises BuildFailed with every render error."""
    problems: dict[str, HospiblogError] = {}
    for job, outcome in zip(pending, counted(results, progress), strict=True):
        if isinstance(outcome, HospiblogError):
            problems.setdefault(outcome.format(), outcome)
            continue
        result, reused, kept = outcome
        report.rendered += 1
        report.reused += reused
        if kept is not None and store is not None:
            store.add(kept)
        if result is Staged.SAME:
            report.unchanged += 1
            _remember(manifest, job.output, job.digest, published[job.output])
        else:
            staging.written.append(job.output)
            staging.twin_complete &= result is Staged.WRITTEN
    if problems:
        raise BuildFailed(list(problems.values()))


Outcome = tuple["Staged", bool, "tuple[bytes, Entry] | None"]
"""What became of a job's file, whether its bytes came from the page store, and the store's entry for the bytes
rendered (a forked worker's travel back to the build's process)."""


def _render_and_stage(render_one: RenderFunction, staging: _Staging, store: PageStore | None,
                      job: RenderJob) -> Outcome | HospiblogError:
    data = store.get(job) if store is not None else None
    if data is not None:
        return staging.stage(job.output, data), True, None
    try:
        data = render_one(job).data
    except HospiblogError as error:
        return error
    kept = store.put(job, data) if store is not None else None
    return staging.stage(job.output, data), False, kept


def _derive_all(derived: Sequence[DerivedJob], staging: _Staging, manifest: Manifest, report: WriteReport,
                progress: Progress, workers: int) -> dict[str, str]:
    """Stages the files of the derived jobs: those whose digest is current kept as published, the others made
    over the cores (each part of the search index is a Pagefind process of its own); their digests by output."""
    made: dict[str, str] = {}
    stale: list[DerivedJob] = []
    changed = set(staging.written)  # the outputs whose bytes this publication changes
    by_folder: dict[str, dict[str, tuple[str, int, int]]] = {}  # the manifest's files of each top folder, once
    for output, entry in manifest.entries.items():
        by_folder.setdefault(output[: output.find("/") + 1], {})[output] = entry
    for job in derived:
        # Only a job none of whose pages changes is looked up: a kept job's files join the planned ones.
        kept = _current_derived(job, by_folder, staging) if changed.isdisjoint(job.inputs) else None
        if kept is None:
            stale.append(job)
            continue
        report.unchanged += len(kept)
        made.update((output, job.digest) for output in kept)
    for name in dict.fromkeys(job.name for job in stale):
        progress.stage(name)  # a stage of the report too (Stages.carve)
        jobs = [job for job in stale if job.name == name]
        start = time.perf_counter()
        # Each job's files are staged as soon as they are made: a large site's index parts are not all held at once.
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as pool:
            making = {pool.submit(job.produce, staging.read): job for job in jobs}
            for made_files in as_completed(making):
                job = making.pop(made_files)
                staged = _stage_derived(job, made_files.result(), staging, manifest, report)
                made.update((output, job.digest) for output in staged)
                # What making it held (an index part's pages and Pagefind's answer: several copies of its files,
                # as JSON, base64 and bytes) goes back to the system: left to the heap, it added up part after
                # part, 49 MiB over the 16 parts of a 10,000-post site (measured; 22 MiB when trimmed).
                collector.trim()
        report.timings[name] = time.perf_counter() - start
    return made


def _stage_derived(job: DerivedJob, files: Mapping[str, bytes], staging: _Staging, manifest: Manifest,
                   report: WriteReport) -> list[str]:
    """Stages the files a derived job made; returns their paths."""
    staging.prepare()
    outputs: list[str] = []
    for name, data in sorted(files.items()):
        output = safe_relative(job.folder + name)
        outputs.append(output)
        staging.planned.add(output)
        if staging.live_exists:
            with contextlib.suppress(OSError):
                staging.published[output] = inside(staging.live, output).stat()
        result = staging.stage(output, data)
        if result is Staged.SAME:
            report.unchanged += 1
            _remember(manifest, output, job.digest, staging.published[output])
        else:
            staging.written.append(output)
            staging.twin_complete &= result is Staged.WRITTEN
    report.rendered += len(outputs)
    return outputs


def _current_derived(job: DerivedJob, by_folder: Mapping[str, Mapping[str, tuple[str, int, int]]],
                     staging: _Staging) -> list[str] | None:
    """The published files of a derived job when they are all there, as made with its digest; else None.
    ``by_folder`` holds the manifest's entries by top folder (a derived job's folder is one: ``pagefind-2/``)."""
    entries = by_folder.get(job.folder, {})
    if not staging.live_exists or not entries or any(entry[0] != job.digest for entry in entries.values()):
        return None
    stats: dict[str, os.stat_result] = {}
    root = os.fspath(staging.live)
    for output, (_digest, size, mtime) in entries.items():
        try:
            stats[output] = os.stat(os.path.join(root, safe_relative(output)))
        except OSError:
            return None
        if (stats[output].st_size, stats[output].st_mtime_ns) != (size, mtime):
            return None
    staging.published.update(stats)
    staging.planned.update(stats)
    return sorted(stats)


def _published_stats(jobs: Sequence[RenderJob], output_dir: Path, live_exists: bool) -> dict[str, os.stat_result]:
    """The stat of each planned file that is published; none asked for in a first build (there is no folder)."""
    found: dict[str, os.stat_result] = {}
    if not live_exists:
        return found
    root = os.fspath(output_dir)  # plain strings: a Path per file costs three times the stat
    for job in jobs:
        with contextlib.suppress(OSError):
            found[job.output] = os.stat(os.path.join(root, job.output))
    return found


PARALLEL_RENDER_THRESHOLD = 400
"""Below this many outputs to render, starting processes costs more than it saves."""
_FORKED: tuple[Sequence[RenderJob], Callable[[RenderJob], object]] | None = None
Result = TypeVar("Result")


def _render_all(jobs: Sequence[RenderJob], work: Callable[[RenderJob], Result], workers: int) -> Iterator[Result]:
    """``work`` done on each job, results in order; over forked processes when there are many.

    The children inherit the jobs, the Jinja environment and the staging folders by ``fork``: nothing but
    the job's index and a small result crosses a process boundary.
    """
    global _FORKED
    if workers <= 1 or len(jobs) < PARALLEL_RENDER_THRESHOLD or "fork" not in mp.get_all_start_methods():
        yield from (work(job) for job in jobs)
        return
    _FORKED = (jobs, work)
    try:
        # Each child freezes what it inherits out of its garbage collector's sight: its passes would otherwise
        # touch, and so copy, every page of the parent's memory (the site, the plan).
        with mp.get_context("fork").Pool(workers, initializer=collector.worker_started) as pool:
            yield from cast(Iterator[Result], pool.imap(_render_forked, range(len(jobs)), chunksize=32))
    finally:
        _FORKED = None


def _render_forked(index: int) -> object:
    assert _FORKED is not None
    jobs, work = _FORKED
    return work(jobs[index])


def _published_files(output_dir: Path, manifest: Manifest) -> set[str]:
    """What the last build published: the manifest's list, or the folder's files when there is none."""
    if manifest.entries:
        return set(manifest.entries)
    return set(_existing_files(output_dir))


def _same_bytes(path: Path, data: bytes, stat: os.stat_result) -> bool:
    if stat.st_size != len(data):
        return False
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def _remember(manifest: Manifest, output: str, digest: str, stat: os.stat_result) -> None:
    manifest.entries[output] = (digest, stat.st_size, stat.st_mtime_ns)


def _record(digests: dict[str, str], changed: set[str], output_dir: Path, manifest: Manifest) -> None:
    """The manifest after a publication: every planned file (``digests``: each one's job digest, a derived file's
    that of the job that made it) with its digest and stat."""
    for key in list(manifest.entries):
        if key not in digests:
            del manifest.entries[key]
    root = os.fspath(output_dir)  # plain strings, as in _published_stats: a first publication stats every file
    for output, digest in digests.items():
        if output in changed or output not in manifest.entries:
            with contextlib.suppress(OSError):
                _remember(manifest, output, digest, os.stat(os.path.join(root, output)))
    manifest.save()


def _existing_files(output_dir: Path) -> Iterator[str]:
    if not output_dir.is_dir():
        return
    for folder, _subfolders, files in os.walk(output_dir):
        relative = Path(folder).relative_to(output_dir)
        for name in files:
            yield (relative / name).as_posix()


def _write_in_place(changed: dict[str, bytes], stale: list[str], output_dir: Path) -> None:
    """Used by serve: each file replaced atomically, the folder kept."""
    for relative, data in changed.items():
        write_atomically(inside(output_dir, relative), data)
    _Tree(output_dir).remove(stale)


_NO_HARD_LINKS = {errno.EPERM, errno.EMLINK, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}
"""What link() answers on a disk that has no hard links (or no more for this file)."""


def _link_or_copy(source: Path, target: str) -> bool:
    """Hard-links ``source`` at ``target``, or copies it where links are refused; True when linked."""
    try:
        os.link(source, target)
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        shutil.copy2(source, target)
        return False
    return True


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _swap(new: Path, live: Path) -> None:
    """Puts ``new`` in place of ``live``; the previous tree ends up at ``new``'s path (the next standby)."""
    if not live.exists():
        os.rename(new, live)
        return
    if _exchange(new, live):
        return
    old = live.with_name(f".{live.name}.old-{os.getpid()}")
    os.rename(live, old)
    os.rename(new, live)
    os.rename(old, new)


def _exchange(first: Path, second: Path) -> bool:
    """Atomic exchange of two paths (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)


def clean_leftovers(output_dir: Path) -> None:
    """Removes temporary folders that a killed build left beside the output (never the standby tree).

    ``.out.tmp-*`` and ``.out.old-*`` come from earlier versions and from the exchange's fallback; an
    ``incoming-<pid>`` folder is removed once its process is gone (or is this one).
    """
    parent = output_dir.parent
    if not parent.is_dir():
        return
    for pattern in (f".{output_dir.name}.tmp-*", f".{output_dir.name}.old-*"):
        for leftover in parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in standby_folder(output_dir).glob("incoming-*"):
        if not process_running(leftover.name.removeprefix("incoming-")):
            shutil.rmtree(leftover, ignore_errors=True)


def _output_error(error: OSError, output_dir: Path) -> OutputError:
    if error.errno == errno.ENOSPC:
        message, hint = "the disk is full", "free some space and build again"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        message = "the output folder cannot be written"
        hint = "check the folder's permissions or choose another with -o"
    else:
        message, hint = f"could not write the output: {error.strerror}", "check the output folder"
    return OutputError(f"{message}; the previous output was left as it was",
                       location=SourceLocation(output_dir), hint=hint)
