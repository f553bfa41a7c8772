"""The output sink: the only code that touches the output folder.

Only files whose bytes change are written. A build is published atomically: the
new tree is made in a temporary folder beside the output (unchanged files are
hard-linked, so they keep their mtime) and swapped in on success. A failed or
killed build leaves the published folder as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import multiprocessing as mp
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .cache import write_atomically
from .errors import BuildFailed, HospiblogError, OutputError, SourceLocation
from .plan import RenderJob
from .render import OutputFile
from .urls import inside

MANIFEST_VERSION = 1
RenderFunction = Callable[[RenderJob], OutputFile]


@dataclass
class WriteReport:
    """What publishing did."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rendered: int = 0


@dataclass
class Manifest:
    """What the last successful build published: per file, its job digest and stat."""

    path: Path
    entries: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("version") != MANIFEST_VERSION:
                return cls(path)
            return cls(path, {key: (value[0], value[1], value[2]) for key, value in data["files"].items()})
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return cls(path)

    def save(self) -> None:
        with contextlib.suppress(OSError):
            write_atomically(self.path, json.dumps({"version": MANIFEST_VERSION, "files": self.entries}).encode())

    def all_current(self, output_dir: Path) -> bool:
        """True when every file of the last build is still there, as it was written."""
        if not self.entries:
            return False
        for relative, (_digest, size, mtime) in self.entries.items():
            try:
                stat = inside(output_dir, relative).stat()
            except OSError:
                return False
            if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
                return False
        return True

    def is_current(self, job: RenderJob, file: Path) -> bool:
        """True when the published file is the one this job made last time."""
        entry = self.entries.get(job.output)
        if entry is None or entry[0] != job.digest:
            return False
        try:
            stat = file.stat()
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (entry[1], entry[2])


def publish(jobs: Sequence[RenderJob], render_one: RenderFunction, output_dir: Path, manifest: Manifest,
            *, in_place: bool = False, workers: int = 1) -> WriteReport:
    """Renders what changed and publishes the output folder; raises BuildFailed on render errors."""
    clean_leftovers(output_dir)
    report = WriteReport()
    staging = _Staging(output_dir, in_place=in_place and output_dir.is_dir())
    try:
        _render_changed(jobs, render_one, output_dir, manifest, report, staging, workers)
        planned = {job.output for job in jobs}
        report.removed = sorted(_published_files(output_dir, manifest) - planned)
        report.written = sorted(staging.written)
        if report.written or report.removed or not output_dir.is_dir():
            staging.commit(planned, report.removed)
            _record(jobs, set(report.written), output_dir, manifest)
        elif report.rendered:
            manifest.save()  # files re-rendered to the same bytes: remember, so the next build skips them
    except OSError as error:
        raise _output_error(error, output_dir) from error
    finally:
        staging.discard()
    return report


class _Staging:
    """Where changed files go before publication.

    A build writes them straight into a temporary tree beside the output (so memory does not
    grow with the site) and swaps it in; serve keeps them in memory and replaces files in place.
    """

    def __init__(self, output_dir: Path, *, in_place: bool) -> None:
        self.output_dir = output_dir
        self.in_place = in_place
        self.buffered: dict[str, bytes] = {}
        self.written: list[str] = []
        self.folder: Path | None = None

    def add(self, relative: str, data: bytes) -> None:
        self.written.append(relative)
        if self.in_place:
            self.buffered[relative] = data
            return
        _write_file(inside(self._folder(), relative), data)

    def commit(self, planned: set[str], stale: list[str]) -> None:
        if self.in_place:
            _write_in_place(self.buffered, stale, self.output_dir)
            return
        folder = self._folder()
        for relative in sorted(planned - set(self.written)):
            _link_or_copy(inside(self.output_dir, relative), inside(folder, relative))
        _swap(folder, self.output_dir)

    def _folder(self) -> Path:
        if self.folder is None:
            self.output_dir.parent.mkdir(parents=True, exist_ok=True)
            self.folder = self.output_dir.with_name(f".{self.output_dir.name}.tmp-{os.getpid()}")
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir()
        return self.folder

    def discard(self) -> None:
        """Removes the temporary tree (after a swap it holds the previous output)."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _render_changed(jobs: Sequence[RenderJob], render_one: RenderFunction, output_dir: Path,
                    manifest: Manifest, report: WriteReport, staging: _Staging, workers: int) -> None:
    problems: dict[str, HospiblogError] = {}
    pending = [job for job in jobs if not manifest.is_current(job, inside(output_dir, job.output))]
    report.unchanged += len(jobs) - len(pending)
    for job, result in zip(pending, _render_all(pending, render_one, workers), strict=True):
        live = inside(output_dir, job.output)
        if isinstance(result, HospiblogError):
            problems.setdefault(result.format(), result)
            continue
        data = result
        report.rendered += 1
        if _same_bytes(live, data):
            report.unchanged += 1
            _remember(manifest, job, live)
        else:
            staging.add(job.output, data)
    if problems:
        raise BuildFailed(list(problems.values()))


PARALLEL_RENDER_THRESHOLD = 400
"""Below this many outputs to render, starting processes costs more than it saves."""
_FORKED: tuple[Sequence[RenderJob], RenderFunction] | None = None


def _render_all(jobs: Sequence[RenderJob], render_one: RenderFunction,
                workers: int) -> Iterator[bytes | HospiblogError]:
    """Each job's bytes (or its error), in order; over forked processes when there are many.

    The children inherit the jobs and the Jinja environment by ``fork``: nothing but the
    job's index and the resulting bytes crosses a process boundary.
    """
    global _FORKED
    if workers <= 1 or len(jobs) < PARALLEL_RENDER_THRESHOLD or "fork" not in mp.get_all_start_methods():
        yield from (_render_or_error(render_one, job) for job in jobs)
        return
    _FORKED = (jobs, render_one)
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_render_forked, range(len(jobs)), chunksize=32)
    finally:
        _FORKED = None


def _render_or_error(render_one: RenderFunction, job: RenderJob) -> bytes | HospiblogError:
    try:
        return render_one(job).data
    except HospiblogError as error:
        return error


def _render_forked(index: int) -> bytes | HospiblogError:
    assert _FORKED is not None
    jobs, render_one = _FORKED
    return _render_or_error(render_one, jobs[index])


def _published_files(output_dir: Path, manifest: Manifest) -> set[str]:
    """What the last build published: the manifest's list, or the folder's files when there is none."""
    if manifest.entries:
        return set(manifest.entries)
    return set(_existing_files(output_dir))


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _remember(manifest: Manifest, job: RenderJob, path: Path) -> None:
    with contextlib.suppress(OSError):
        stat = path.stat()
        manifest.entries[job.output] = (job.digest, stat.st_size, stat.st_mtime_ns)


def _record(jobs: Sequence[RenderJob], changed: set[str], output_dir: Path, manifest: Manifest) -> None:
    planned = {job.output for job in jobs}
    for key in list(manifest.entries):
        if key not in planned:
            del manifest.entries[key]
    for job in jobs:
        if job.output in changed or job.output not in manifest.entries:
            _remember(manifest, job, inside(output_dir, job.output))
    manifest.save()


def _existing_files(output_dir: Path) -> Iterator[str]:
    if not output_dir.is_dir():
        return
    for folder, _subfolders, files in os.walk(output_dir):
        relative = Path(folder).relative_to(output_dir)
        for name in files:
            yield (relative / name).as_posix()


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        file.write(data)


def _write_in_place(changed: dict[str, bytes], stale: list[str], output_dir: Path) -> None:
    """Used by serve: each file replaced atomically, the folder kept."""
    for relative, data in changed.items():
        write_atomically(inside(output_dir, relative), data)
    for relative in stale:
        with contextlib.suppress(FileNotFoundError):
            inside(output_dir, relative).unlink()
    _remove_empty_folders(output_dir)


def _remove_empty_folders(root: Path) -> None:
    for folder, subfolders, files in os.walk(root, topdown=False):
        if folder != str(root) and not subfolders and not files:
            with contextlib.suppress(OSError):
                os.rmdir(folder)


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _swap(new: Path, live: Path) -> None:
    """Puts ``new`` in place of ``live``; the old tree ends up at ``new``'s path, to be removed."""
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
    """Removes temporary folders that a killed build left beside the output."""
    parent = output_dir.parent
    if not parent.is_dir():
        return
    for pattern in (f".{output_dir.name}.tmp-*", f".{output_dir.name}.old-*"):
        for leftover in parent.glob(pattern):
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
