"""Where a build's time goes, stage by stage: a cold build, a one-post edit and a no-op build of one corpus.

    python benchmarks/stages.py [--n 10000] [--cards] [--no-search] [--work-dir DIR]

Builds the benchmark corpus (benchmarks/corpus.py) with the hospiblog importable here, in this process, and
prints the seconds of each stage of ``BuildReport.stages`` for each build, with the files written and the CPU
seconds (user + system) of this process and of every worker process it waited for. It measures the stages only
(no interpreter start, no imports before the first build): benchmarks/run.py measures whole commands against the
peers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

import corpus  # noqa: E402  (benchmarks/ is not a package)

from hospiblog.build import build  # noqa: E402
from hospiblog.report import BuildReport  # noqa: E402

TODAY = dt.date(2026, 11, 22)


def edit_one_post(site: Path) -> Path:
    """Appends a sentence to the body of the first post, as an editor would."""
    post = sorted((site / "posts").rglob("*.md"))[0]
    post.write_text(post.read_text("utf-8") + "\nUne phrase ajoutée pour la mesure.\n", "utf-8")
    return post


def cpu_seconds() -> float:
    """User + system CPU of this process and of the children it waited for (process pools, render workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def row(name: str, report: BuildReport, wall: float, cpu: float) -> str:
    written = len(report.write.written) + len(report.write.removed)
    stages = ", ".join(f"{stage} {seconds:.3f}" for stage, seconds in report.stages.items())
    return f"| {name} | {wall:.2f} s | {cpu:.2f} s | {written} | {stages} |"


def measure(site: Path, output: Path) -> list[str]:
    lines = ["| build | wall | CPU | files written | stages (s) |", "|---|---|---|---|---|"]
    for name, prepare in (("cold", None), ("one post edited", edit_one_post), ("no-op", None)):
        if prepare is not None:
            prepare(site)
        start, cpu = time.perf_counter(), cpu_seconds()
        report = build(site, output=output)
        lines.append(row(name, report, time.perf_counter() - start, cpu_seconds() - cpu))
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of posts")
    parser.add_argument("--cards", action="store_true", help="draw share cards (off in the corpus by default)")
    parser.add_argument("--no-search", action="store_true", help="turn the search page and its index off")
    parser.add_argument("--work-dir", type=Path, default=None, help="where to write the corpus (default: a temp dir)")
    arguments = parser.parse_args(argv)
    root = arguments.work_dir or Path(tempfile.mkdtemp(prefix="hospiblog-stages-"))
    try:
        corpus.generate(root, arguments.n, 42, today=TODAY)
        site = root / "hospiblog"
        if arguments.cards:
            toml = site / "site.toml"
            toml.write_text(toml.read_text("utf-8").replace("cards = false", "cards = true"), "utf-8")
        if arguments.no_search:
            toml = site / "site.toml"
            toml.write_text(toml.read_text("utf-8") + "\n[search]\nenabled = false\n", "utf-8")
        print(f"{arguments.n} posts, share cards {'on' if arguments.cards else 'off'}, "
              f"search {'off' if arguments.no_search else 'on'}")
        print("\n".join(measure(site, root / "public")))
    finally:
        if arguments.work_dir is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
