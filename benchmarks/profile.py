"""Where hospiblog's build time goes: pyinstrument profiles of a cold, a CI and a one-edit build of the corpus.

    python benchmarks/profile.py --n 1000 [--work-dir DIR] [--kinds cold ci one-edit]

Like run.py, the first run creates benchmarks/.venv (pyinstrument is pinned in benchmarks/requirements.txt),
installs this repository into it and re-runs itself there. It makes the hospiblog tree of the benchmark
corpus (benchmarks/corpus.py) in the work folder, or reuses the one there if it holds N posts, then profiles
three builds, in this order, each in a new Python process as `hospiblog build` would run (so that the imports
are in the profile; the interpreter's own start, about 20 ms, is not):

- cold: no `.hospiblog-cache/`, no output folder;
- ci: a fresh checkout (run.py's fresh_checkout(): every file written anew), the cache kept, no output;
- one-edit: one paragraph appended to one post, the cache and the output kept.

Each profile is written as text to benchmarks/profiles/n<N>-<kind>.txt, with the build's stage timings,
and a summary of the top frames is printed. pyinstrument samples the main thread of the build process
only: the work of the parse pool, the forked render workers, the image and card pools and the Pagefind
process shows there as time spent waiting for them.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

BENCHMARKS = Path(__file__).resolve().parent
PROFILES = BENCHMARKS / "profiles"
KINDS = ("cold", "ci", "one-edit")
TOP_FRAMES = 12
WAIT_NOTE = (
    "pyinstrument samples the build process's main thread only (wall-clock time, a sample every "
    "{interval:.1f} ms).\nWork done in other processes shows as time waiting for them: the parse pool "
    "and the image and card pools (concurrent.futures, threading waits under the stage that submitted "
    "the work), the forked render workers (multiprocessing pool waits under the writer), and the Pagefind "
    "process (reads of its pipe in the writer's derived-job step, the search index).\nThe profiler's own "
    "cost slows the main process (not the workers, where it is switched off after each fork)."
)

if TYPE_CHECKING:
    from pyinstrument.frame import Frame
    from pyinstrument.session import Session


# --- the parent: corpus, build states, one child process per profile -------


def prepare_site(work_dir: Path, n: int, seed: int) -> Path:
    """The hospiblog tree of the corpus in `work_dir`: reused when it holds `n` posts, else made anew."""
    import datetime as dt

    import corpus

    site = work_dir / "hospiblog"
    if (site / "site.toml").exists() and len(post_files(site)) == n:
        print(f"reusing the corpus in {site}", flush=True)
        return site
    print(f"making a corpus of {n:,} posts in {site}…", flush=True)
    shutil.rmtree(site, ignore_errors=True)
    corpus.write_hospiblog(site, corpus.make_posts(n, seed, dt.date.today()), seed)
    return site


def post_files(site: Path) -> list[Path]:
    return sorted((site / "posts").rglob("*.md"))


def build_unprofiled(site: Path, why: str) -> None:
    import run

    print(f"   an unprofiled build first ({why})…", flush=True)
    command = run.hospiblog_setup(site).command
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=run.build_environment())


def prepare_state(kind: str, site: Path) -> None:
    """Leave the tree as the build of `kind` must find it."""
    import run

    setup = run.hospiblog_setup(site)
    if kind == "cold":
        run.delete_paths([*setup.caches, *setup.beside_output])
    elif kind == "ci":
        if not (site / ".hospiblog-cache").exists():
            build_unprofiled(site, "the CI build needs a cache")
        run.fresh_checkout(setup)
    else:
        if not setup.output.exists():
            build_unprofiled(site, "the one-edit build needs a published output")
        posts = post_files(site)
        run.append_paragraph(posts[len(posts) // 2], f"profile-{time.time_ns()}")


def profile_kind(kind: str, site: Path, arguments: argparse.Namespace) -> None:
    import run

    prepare_state(kind, site)
    text = arguments.profiles / f"n{arguments.n}-{kind}.txt"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--site", str(site), "--text", str(text)]
    command += ["--n", str(arguments.n), "--interval", str(arguments.interval), "--threshold", str(arguments.threshold)]
    print(f"\n== {kind} build, N = {arguments.n:,}", flush=True)
    subprocess.run(command, check=True, env=run.build_environment())


# --- the child: one profiled build -----------------------------------------


def cpu_seconds() -> tuple[float, float]:
    """User + system CPU seconds of this process, and of the children it waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def stop_profiling_in_child() -> None:
    """A forked worker inherits the profiler's hook on its main thread: remove it, so workers run at full speed."""
    from pyinstrument.low_level.stat_profile import setstatprofile

    setstatprofile(None)


@dataclass(frozen=True)
class ProfiledBuild:
    kind: str
    n: int
    wall: float
    own_cpu: float
    children_cpu: float
    stages: dict[str, float]
    summary: str
    interval: float


def profiled_build(kind: str, n: int, site: Path, interval: float) -> tuple[ProfiledBuild, Session]:
    from pyinstrument import Profiler

    os.register_at_fork(after_in_child=stop_profiling_in_child)
    profiler = Profiler(interval=interval, async_mode="disabled")
    own_before, children_before = cpu_seconds()
    started = time.perf_counter()
    profiler.start()
    from hospiblog.build import build  # in the profile: a build pays for its imports

    report = build(site, output=site / "public")
    session = profiler.stop()
    wall = time.perf_counter() - started
    own, children = cpu_seconds()
    built = ProfiledBuild(
        kind, n, wall, own - own_before, children - children_before, dict(report.stages), report.summary(), interval
    )
    return built, session


def header(built: ProfiledBuild) -> str:
    stages = ", ".join(f"{name} {seconds:.3f}" for name, seconds in built.stages.items())
    return "\n".join(
        [
            f"hospiblog build profile: {built.kind}, N = {built.n:,} posts",
            f"wall {built.wall:.2f} s (hospiblog's imports included); CPU {built.own_cpu + built.children_cpu:.2f} s "
            f"(this process {built.own_cpu:.2f} s, its child processes: workers, Pagefind {built.children_cpu:.2f} s)",
            built.summary,
            f"stages (s): {stages}",
            WAIT_NOTE.format(interval=built.interval * 1000),
            "",
        ]
    )


def profile_text(session: Session, threshold: float) -> str:
    from pyinstrument.renderers import ConsoleRenderer

    renderer = ConsoleRenderer(
        unicode=True, color=False, show_all=False, time="seconds", processor_options={"filter_threshold": threshold}
    )
    return renderer.render(session)


# --- the summary: top frames by self and by total time ----------------------


def frame_name(frame: Frame) -> str:
    return f"{frame.function} ({frame.code_position_short()})"


def is_hospiblog(frame: Frame) -> bool:
    return frame.is_application_code and "/hospiblog/" in (frame.file_path or "")


def passes_through(frame: Frame) -> bool:
    """A frame that hands nearly all its time to one hospiblog callee (a wrapper such as Stages.run): the
    callee is the one to list."""
    return any(child.time >= 0.95 * frame.time for child in frame.children if is_hospiblog(child))


def walk(frame: Frame, ancestors: tuple[str, ...], owner: str) -> Iterator[tuple[Frame, tuple[str, ...], str]]:
    """Each real frame with the names above it and the nearest hospiblog frame at or above it."""
    name = frame_name(frame)
    if is_hospiblog(frame):
        owner = name
    yield frame, ancestors, owner
    for child in frame.children:
        if not child.is_synthetic:
            yield from walk(child, (*ancestors, name), owner)


def top_frames(session: Session) -> tuple[list[tuple[float, str]], list[tuple[float, str]]]:
    """By self time (any code, with the hospiblog function it runs under), and by total time (hospiblog's
    functions but those that pass nearly all their time to one callee, each counted once however deep it
    recurses)."""
    root = session.root_frame()
    if root is None:
        return [], []
    self_times: dict[str, float] = defaultdict(float)
    total_times: dict[str, float] = defaultdict(float)
    for frame, ancestors, owner in walk(root, (), "—"):
        name = frame_name(frame)
        self_times[name if owner in ("—", name) else f"{name} under {owner}"] += frame.total_self_time
        if is_hospiblog(frame) and name not in ancestors and not passes_through(frame):
            total_times[name] += frame.time
    by_self = sorted(((seconds, name) for name, seconds in self_times.items()), reverse=True)
    by_total = sorted(((seconds, name) for name, seconds in total_times.items()), reverse=True)
    return by_self[:TOP_FRAMES], by_total[:TOP_FRAMES]


def summary(built: ProfiledBuild, session: Session, text: Path) -> str:
    by_self, by_total = top_frames(session)
    lines = [
        f"{built.kind}: wall {built.wall:.2f} s, CPU {built.own_cpu:.2f} s here + {built.children_cpu:.2f} s in "
        f"child processes; profile → {text}",
        "  top frames by self time (a wait in threading, selectors or multiprocessing is work in other processes):",
    ]
    lines += [f"    {seconds:7.3f} s  {name}" for seconds, name in by_self]
    lines.append("  top hospiblog functions by total time (wrappers that pass it on to one callee left out):")
    lines += [f"    {seconds:7.3f} s  {name}" for seconds, name in by_total]
    return "\n".join(lines)


def run_child(arguments: argparse.Namespace) -> None:
    built, session = profiled_build(arguments.child, arguments.n, arguments.site, arguments.interval)
    arguments.text.parent.mkdir(parents=True, exist_ok=True)
    arguments.text.write_text(header(built) + "\n" + profile_text(session, arguments.threshold), encoding="utf-8")
    print(summary(built, session, arguments.text), flush=True)


# --- main ------------------------------------------------------------------


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of posts")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="where the corpus is made or reused (default: benchmarks/work/profile-n<N>)",
    )
    parser.add_argument(
        "--kinds", nargs="+", choices=KINDS, default=list(KINDS), help="builds to profile, run in this order"
    )
    parser.add_argument("--profiles", type=Path, default=PROFILES, help="folder of the text profiles")
    parser.add_argument("--interval", type=float, default=0.001, help="seconds between two samples")
    parser.add_argument(
        "--threshold", type=float, default=0.01, help="leave out frames under this share of the build's time"
    )
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--site", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--text", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> None:
    # This file's folder is the first entry of sys.path, and this file is named like the standard library's
    # `profile` (cProfile imports it): the builds must not see it.
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCHMARKS]
    arguments = parse_arguments(argv)
    if arguments.child:
        run_child(arguments)
        return
    sys.path.insert(0, str(BENCHMARKS))  # the parent imports run.py and corpus.py
    import run

    if not run.running_in_venv():
        run.ensure_venv()
        run.install_hospiblog(run.BENCHMARKS / "work" / "logs" / "hospiblog-install.log")
        venv_python = str(run.VENV_BIN / "python")
        os.execv(venv_python, [venv_python, str(Path(__file__).resolve()), *argv])
    site = prepare_site(
        arguments.work_dir or BENCHMARKS / "work" / f"profile-n{arguments.n}", arguments.n, arguments.seed
    )
    for kind in KINDS:
        if kind in arguments.kinds:
            profile_kind(kind, site, arguments)


if __name__ == "__main__":
    main(sys.argv[1:])
