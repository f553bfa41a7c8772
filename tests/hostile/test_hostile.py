"""The hostile corpus: each file of this folder, put in a fresh small site, through the real command line.

Every case of ``cases.toml`` copies a small site that was already built (so a previous output exists), adds the
case's file, then runs ``python -m hospiblog build site -o parent/out`` and ``python -m hospiblog check site``
from the case's folder. Whatever the case, a run must exit 0 or 1, never print a traceback or "unexpected
problem", keep its messages short, write nothing outside the output folder and the cache, and leave no temporary
folder. A case that must fail must leave the previous output byte-identical and say what is wrong, where
(``file:line``) and how to fix it; a case that must build must publish its page with nothing executable in it.

Starting Python and importing hospiblog takes most of a run's second, so the runs are forked from a server that
has imported hospiblog once; each child executes ``hospiblog/__main__.py`` as ``python -m hospiblog`` does
(``runpy``), with its own working folder, stdout, stderr and exit code, and is killed with its process group when
it outlives the case's timeout. ``test_fork_server_runs_like_python_m`` compares it with real subprocesses, and
``HOSPIBLOG_HOSTILE_SUBPROCESS=1`` runs every case in a real ``python -m hospiblog`` subprocess instead.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import queue
import shutil
import stat
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import lxml.etree
import lxml.html
import pytest

from hospiblog.writer import standby_folder
from tests.conftest import SITE_TOML, post, write_image

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MANIFEST = HERE / "cases.toml"
DEFAULT_TIMEOUT = 60.0
STDERR_MAX = 50_000
"""Characters a run may print: a message quoting a whole input is a bug, even when the input is huge."""
SCANNED_PAGES_MAX = 300
"""Changed HTML pages parsed per case for scripts and handlers (10,000 tag pages would take long)."""
THEME_SCRIPTS = ("application/ld+json",)
CRASH_MARKERS = ("Traceback", "unexpected problem")
CASE_KEYS = {"file", "name", "make", "dest", "expect", "errors", "page", "no_page", "contains", "absent", "not_said",
             "args", "timeout", "check", "xfail", "check_xfail"}


# ------------------------------------------------------------------------------------------------- the manifest


@dataclass(frozen=True)
class Expected:
    """One message a failing case must print."""

    message: str
    line: int | None = None
    rule: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Case:
    """One entry of cases.toml."""

    name: str
    file: str | None
    make: str | None
    dest: str
    expect: str
    errors: tuple[Expected, ...] = ()
    page: str | None = None
    no_page: str | None = None
    contains: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    not_said: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    check: str = "same"
    xfail: str | None = None
    check_xfail: str | None = None

    @property
    def shown_path(self) -> str:
        """How messages name the case's file: relative to the case folder, where the commands run."""
        return f"site/{self.dest}"


def load_cases() -> list[Case]:
    cases = []
    for entry in tomllib.loads(MANIFEST.read_text("utf-8"))["case"]:
        unknown = set(entry) - CASE_KEYS
        assert not unknown, f"unknown keys {unknown} in {entry}"
        assert entry["expect"] in ("builds", "error"), entry
        assert entry.get("check", "same") in ("same", "any"), entry
        assert "file" in entry or "make" in entry, entry
        name = entry.get("name") or Path(entry["file"]).stem
        cases.append(Case(
            name=name,
            file=entry.get("file"),
            make=entry.get("make"),
            dest=entry.get("dest") or f"posts/news/{entry['file']}",
            expect=entry["expect"],
            errors=tuple(Expected(**error) for error in entry.get("errors", ())),
            page=entry.get("page"),
            no_page=entry.get("no_page"),
            contains=tuple(entry.get("contains", ())),
            absent=tuple(entry.get("absent", ())),
            not_said=tuple(entry.get("not_said", ())),
            args=tuple(entry.get("args", ())),
            timeout=float(entry.get("timeout", DEFAULT_TIMEOUT)),
            check=entry.get("check", "same"),
            xfail=entry.get("xfail"),
            check_xfail=entry.get("check_xfail"),
        ))
    return cases


CASES = load_cases()


def case_params(reason: Callable[[Case], str | None]) -> list[Any]:
    return [pytest.param(case, id=case.name,
                         marks=[pytest.mark.xfail(strict=True, reason=reason(case))] if reason(case) else [])
            for case in CASES]


# ------------------------------------------------------------------------------ files made at run time


def five_megabytes_of_paragraphs() -> str:
    """A realistic long article: sections of paragraphs and lists, 5 MB in all."""
    paragraph = ("Les varices touchent une personne sur trois ; la marche, l'eau fraîche et les bas de contention "
                 "soulagent les jambes lourdes. ") * 8
    parts, size, number = [], 0, 0
    while size < 5 * 1024 * 1024:
        block = f"## Partie {number}\n\n{paragraph}\n\n- un conseil\n- un autre conseil\n\n{paragraph}\n\n"
        parts.append(block)
        size += len(block.encode())
        number += 1
    return "".join(parts)


PLACEHOLDERS: dict[bytes, Callable[[], str]] = {
    b"@@5MB_OF_PARAGRAPHS@@": five_megabytes_of_paragraphs,
    b"@@10000_TAGS@@": lambda: "[" + ", ".join(f"sujet-{number:05d}" for number in range(10_000)) + "]",
}


def corpus_bytes(case: Case) -> bytes:
    assert case.file is not None
    data = (HERE / case.file).read_bytes()
    for placeholder, make in PLACEHOLDERS.items():
        if placeholder in data:
            data = data.replace(placeholder, make().encode())
    return data


def _symlink_outside(site: Path, target: Path, case_root: Path) -> None:
    outside = case_root / "ailleurs" / "article.md"
    outside.parent.mkdir()
    outside.write_text(post("Article d'ailleurs", summary='"Hors du site."'), "utf-8")
    target.symlink_to(outside)


def _symlink_loop(site: Path, target: Path, case_root: Path) -> None:
    target.symlink_to(target.name)


def _symlink_to_directory(site: Path, target: Path, case_root: Path) -> None:
    target.symlink_to(site / "static")


def _symlink_folder_loop(site: Path, target: Path, case_root: Path) -> None:
    target.symlink_to("..", target_is_directory=True)


def _fifo(site: Path, target: Path, case_root: Path) -> None:
    os.mkfifo(target)


MAKERS: dict[str, Callable[[Path, Path, Path], None]] = {
    "symlink-outside": _symlink_outside,
    "symlink-loop": _symlink_loop,
    "symlink-to-directory": _symlink_to_directory,
    "symlink-folder-loop": _symlink_folder_loop,
    "fifo": _fifo,
}


def add_case(case: Case, site: Path, case_root: Path) -> None:
    target = site / case.dest
    target.parent.mkdir(parents=True, exist_ok=True)
    if case.make:
        MAKERS[case.make](site, target, case_root)
    else:
        target.write_bytes(corpus_bytes(case))


# --------------------------------------------------------------------------------------------- running the CLI


@dataclass(frozen=True)
class Run:
    """One command's result."""

    code: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class Cli(Protocol):
    def run(self, argv: list[str], cwd: Path, timeout: float) -> Run: ...

    def close(self) -> None: ...


def cli_environment() -> dict[str, str]:
    """The repository's hospiblog first (the installed one may be another checkout)."""
    path = os.pathsep.join(part for part in (str(REPO), os.environ.get("PYTHONPATH", "")) if part)
    return {**os.environ, "PYTHONPATH": path}


class SubprocessCli:
    """``python -m hospiblog`` in a new process for each run."""

    def run(self, argv: list[str], cwd: Path, timeout: float) -> Run:
        start = time.monotonic()
        process = subprocess.Popen([sys.executable, "-m", "hospiblog", *argv], cwd=cwd, env=cli_environment(),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            stdout, stderr = process.communicate()
            timed_out = True
        return Run(None if timed_out else process.returncode, stdout.decode("utf-8", "replace"),
                   stderr.decode("utf-8", "replace"), time.monotonic() - start, timed_out)

    def close(self) -> None:
        pass


FORK_SERVER = r"""
import importlib, importlib.util, json, os, runpy, signal, sys, time, traceback

sys.path[:] = [entry for entry in sys.path if entry not in ("", ".")]
for name in ("hospiblog.cli", "hospiblog.build", "hospiblog.checks.command", "hospiblog.new"):
    try:  # paid once, inherited by every fork; a module that fails to import fails in the run itself
        importlib.import_module(name)
    except Exception:
        pass

def child(request):
    os.setpgid(0, 0)
    os.chdir(request["cwd"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for number, name in ((1, "stdout"), (2, "stderr")):
        handle = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(handle, number)
        os.close(handle)
    sys.path.insert(0, request["cwd"])  # what python -m does
    package = importlib.util.find_spec("hospiblog")
    sys.argv = [os.path.join(os.path.dirname(package.origin), "__main__.py"), *request["argv"]]
    code = 1
    try:
        runpy.run_module("hospiblog", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as stop:  # as the interpreter treats it
        if stop.code is None or isinstance(stop.code, int):
            code = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)

for line in sys.stdin:
    request = json.loads(line)
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        child(request)
    timed_out = False
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > request["timeout"]:
            timed_out = True
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            done, status = os.waitpid(pid, 0)
            break
        time.sleep(0.005)
    code = None if timed_out else os.waitstatus_to_exitcode(status)
    print(json.dumps({"code": code, "seconds": time.monotonic() - start, "timed_out": timed_out}), flush=True)
"""


class ForkServerCli:
    """Runs ``python -m hospiblog`` in children forked from a process that imported hospiblog once."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        scratch.mkdir(parents=True, exist_ok=True)
        self.log = open(scratch / "server.log", "wb")  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen([sys.executable, "-c", FORK_SERVER], env=cli_environment(), cwd=scratch,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.count = 0

    def run(self, argv: list[str], cwd: Path, timeout: float) -> Run:
        self.count += 1
        stdout, stderr = self.scratch / f"{self.count}.out", self.scratch / f"{self.count}.err"
        request = {"argv": argv, "cwd": str(cwd), "stdout": str(stdout), "stderr": str(stderr), "timeout": timeout}
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the fork server died: {(self.scratch / 'server.log').read_text(errors='replace')}")
        reply = json.loads(line)
        return Run(reply["code"], stdout.read_text("utf-8", "replace"), stderr.read_text("utf-8", "replace"),
                   reply["seconds"], reply["timed_out"])

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def make_cli(scratch: Path) -> Cli:
    if os.environ.get("HOSPIBLOG_HOSTILE_SUBPROCESS") == "1":
        return SubprocessCli()
    return ForkServerCli(scratch)


# -------------------------------------------------------------------------------------------- file trees


def tree(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, str]:
    """Every entry under ``root`` (not following links, not reading FIFOs): a hash, a link's target or a kind."""
    found: dict[str, str] = {}
    if not root.exists():
        return found
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = [name for name in folders if here / name not in skip]
        for name in folders + files:
            path = here / name
            if path in skip:
                continue
            info = path.lstat()
            relative = path.relative_to(root).as_posix()
            if stat.S_ISLNK(info.st_mode):
                found[relative] = f"link:{os.readlink(path)}"
            elif stat.S_ISREG(info.st_mode):
                found[relative] = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
            elif stat.S_ISDIR(info.st_mode):
                found[relative] = "folder"
            else:
                found[relative] = f"special:{stat.S_IFMT(info.st_mode)}"
    return found


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    changed = sorted(name for name in before.keys() & after.keys() if before[name] != after[name])
    return ([f"+ {name}" for name in sorted(after.keys() - before.keys())]
            + [f"- {name}" for name in sorted(before.keys() - after.keys())] + [f"~ {name}" for name in changed])


# ------------------------------------------------------------------------------------------ running a case


@dataclass
class Outcome:
    """Everything a case's runs did."""

    case: Case
    case_root: Path
    out: Path
    before_out: dict[str, str] = field(default_factory=dict)
    before_rest: dict[str, str] = field(default_factory=dict)
    build: Run | None = None
    after_build_out: dict[str, str] = field(default_factory=dict)
    after_build_rest: dict[str, str] = field(default_factory=dict)
    leftovers: list[str] = field(default_factory=list)
    check: Run | None = None
    after_check_out: dict[str, str] = field(default_factory=dict)
    after_check_rest: dict[str, str] = field(default_factory=dict)
    error: BaseException | None = None


def build_baseline(root: Path, cli: Cli) -> Path:
    """A small site, built: what every case starts from."""
    site = root / "site"
    (site / "posts" / "news").mkdir(parents=True)
    (site / "site.toml").write_text(SITE_TOML, "utf-8")
    write_image(site / "static" / "images" / "logo.png", (64, 64))
    write_image(site / "static" / "images" / "photo.png", (160, 90))
    (site / "posts" / "news" / "ok.md").write_text(
        post("Ok", "2026-09-01", "Un article qui se construit.", summary='"Un résumé."', author="cmartin"), "utf-8")
    (site / "posts" / "news" / "deuxieme.md").write_text(
        post("Deuxième", "2026-09-02", "Un autre article.", summary='"Un résumé."', tags="[santé]"), "utf-8")
    run = cli.run(["build", "site", "-o", "parent/out"], cwd=root, timeout=120)
    assert run.code == 0, run.output
    return root


def run_case(case: Case, baseline: Path, case_root: Path, cli: Cli) -> Outcome:
    shutil.copytree(baseline, case_root, symlinks=True)
    site, out = case_root / "site", case_root / "parent" / "out"
    outcome = Outcome(case, case_root, out)
    try:
        add_case(case, site, case_root)
        skip = (out, standby_folder(out), site / ".hospiblog-cache")  # the standby is the output's twin
        outcome.before_out, outcome.before_rest = tree(out), tree(case_root, skip)
        outcome.build = cli.run(["build", "site", "-o", "parent/out", *case.args], cwd=case_root, timeout=case.timeout)
        outcome.after_build_out, outcome.after_build_rest = tree(out), tree(case_root, skip)
        outcome.leftovers = sorted(path.name for path in out.parent.iterdir()
                                   if path.name not in ("out", standby_folder(out).name))
        outcome.check = cli.run(["check", "site"], cwd=case_root, timeout=case.timeout)
        outcome.after_check_out, outcome.after_check_rest = tree(out), tree(case_root, skip)
    except Exception as error:  # reported by the case's tests
        outcome.error = error
    return outcome


@dataclass
class Corpus:
    """The built site every case starts from, and what each selected case did."""

    baseline: Path
    outcomes: dict[str, Outcome]


WORKERS = 3
"""Runs at a time: the machine has two cores, and some runs only wait (a FIFO, a timeout)."""


@pytest.fixture(scope="module")
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """Runs the selected cases, a few at a time, and keeps what happened."""
    wanted = {item.callspec.params["case"].name: item.callspec.params["case"] for item in request.session.items
              if getattr(item, "module", None) is sys.modules[__name__] and hasattr(item, "callspec")
              and "case" in item.callspec.params}
    root = tmp_path_factory.mktemp("hostile")
    clis: queue.Queue[Cli] = queue.Queue()
    for number in range(WORKERS):
        clis.put(make_cli(root / f"server-{number}"))
    try:
        cli = clis.get()
        baseline = build_baseline(root / "baseline", cli)
        clis.put(cli)

        def one(case: Case) -> Outcome:
            cli = clis.get()
            try:
                return run_case(case, baseline, root / "cases" / case.name, cli)
            finally:
                clis.put(cli)

        # The slow cases (those that set a timeout) first, so that the quick ones fill the gaps.
        ordered = sorted(wanted.values(), key=lambda case: case.timeout if case.timeout != DEFAULT_TIMEOUT else 0,
                         reverse=True)
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            results = {outcome.case.name: outcome for outcome in pool.map(one, ordered)}
        yield Corpus(baseline, results)
    finally:
        while not clis.empty():
            clis.get().close()


# -------------------------------------------------------------------------------------------------- checks


def assert_no_crash(run: Run | None, case: Case, what: str) -> None:
    assert run is not None
    assert not run.timed_out, f"{what} hung: killed after {case.timeout:.0f} s"
    for marker in CRASH_MARKERS:
        assert marker not in run.output, f"{what} crashed:\n{run.output[-3000:]}"
    assert run.code in (0, 1), f"{what} exited with {run.code}:\n{run.output[-3000:]}"
    assert len(run.output) < STDERR_MAX, f"{what} printed {len(run.output):,} characters:\n{run.output[:1500]}…"
    for text in case.not_said:
        assert text not in run.output, f"{what} says {text!r}:\n{run.output[-3000:]}"
    lines = run.output.splitlines()
    for number, line in enumerate(lines):
        if ": error: " in line:
            following = lines[number + 1] if number + 1 < len(lines) else ""
            assert following.startswith("    how to fix: "), f"{what}: no hint after {line!r}"


def assert_reported(run: Run, case: Case, what: str) -> None:
    lines = run.output.splitlines()
    for expected in case.errors:
        prefix = f"{case.shown_path}:{expected.line}: error: " if expected.line else f"{case.shown_path}: error: "
        found = [number for number, line in enumerate(lines) if line.startswith(prefix) and expected.message in line]
        assert found, f"{what} does not say {prefix}…{expected.message}…; it says:\n{run.output[-3000:]}"
        line, hint = lines[found[0]], lines[found[0] + 1]
        if expected.rule:
            assert line.endswith(f"[{expected.rule}]"), line
        if expected.hint:
            assert expected.hint in hint, f"{what}: hint {hint!r} lacks {expected.hint!r}"


def pages_matching(outcome: Outcome, pattern: str) -> list[Path]:
    return [outcome.out / name for name in outcome.after_build_out if fnmatch.fnmatch(name, pattern)]


def assert_nothing_runs(outcome: Outcome) -> None:
    """Changed pages hold only the theme's scripts and no on* handler; changed feeds are well-formed XML."""
    changed = [name for name, digest in outcome.after_build_out.items() if outcome.before_out.get(name) != digest]
    pages = [name for name in changed if name.endswith(".html")]
    for name in pages[:SCANNED_PAGES_MAX]:
        document = lxml.html.fromstring((outcome.out / name).read_bytes())
        for script in document.iter("script"):
            theme_script = script.get("type") in THEME_SCRIPTS or (
                (script.get("src") or "").startswith("/share.") and not (script.text or "").strip())
            assert theme_script, f"{name}: {lxml.html.tostring(script)[:200]!r}"
            if script.get("type") == "application/ld+json":
                json.loads(script.text or "")
        for element in document.iter():
            handlers = [attribute for attribute in element.attrib if attribute.lower().startswith("on")]
            assert not handlers, f"{name}: <{element.tag} {handlers}>"
    for name in changed:
        if name.endswith(".xml"):
            lxml.etree.fromstring((outcome.out / name).read_bytes())
    for name in pages:
        text = (outcome.out / name).read_text("utf-8")
        for payload in outcome.case.absent:
            assert payload not in text, f"{name} holds {payload!r}"


def outcome_of(corpus: Corpus, case: Case) -> Outcome:
    outcome = corpus.outcomes[case.name]
    if outcome.error is not None:
        raise outcome.error
    return outcome


# ---------------------------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("case", case_params(lambda case: case.xfail))
def test_build(case: Case, corpus: Corpus) -> None:
    outcome = outcome_of(corpus, case)
    run = outcome.build
    assert_no_crash(run, case, "build")
    assert run is not None
    moved = differences(outcome.before_rest, outcome.after_build_rest)
    assert not moved, f"the build wrote outside the output folder or changed sources: {moved[:20]}"
    assert not outcome.leftovers, f"left beside the output: {outcome.leftovers}"
    if case.expect == "builds":
        assert run.code == 0, f"the build failed:\n{run.output[-3000:]}"
        if case.page:
            pages = pages_matching(outcome, case.page)
            assert pages, f"no page {case.page}"
            assert any(all(text in page.read_text("utf-8") for text in case.contains) for page in pages), \
                f"no page {case.page} holds {case.contains}"
        if case.no_page:
            assert not pages_matching(outcome, case.no_page), f"{case.no_page} was published"
        assert_nothing_runs(outcome)
    else:
        assert run.code == 1, f"the build did not fail:\n{run.output[-3000:]}"
        assert_reported(run, case, "build")
        changed = differences(outcome.before_out, outcome.after_build_out)
        assert not changed, f"a failed build changed the output: {changed[:20]}"


@pytest.mark.parametrize("case", case_params(lambda case: case.check_xfail))
def test_check(case: Case, corpus: Corpus) -> None:
    outcome = outcome_of(corpus, case)
    run = outcome.check
    assert_no_crash(run, case, "check")
    assert run is not None
    assert outcome.after_check_out == outcome.after_build_out, "check changed the output folder"
    moved = differences(outcome.after_build_rest, outcome.after_check_rest)
    assert not moved, f"check wrote outside .hospiblog-cache or changed sources: {moved[:20]}"
    if case.check == "any":
        return
    if case.expect == "builds":
        assert run.code == 0, f"check fails a site that builds:\n{run.output[-3000:]}"
    else:
        assert run.code == 1, f"check passes a site that does not build:\n{run.output[-3000:]}"
        assert_reported(run, case, "check")


def test_every_corpus_file_has_a_case() -> None:
    listed = {case.file for case in CASES if case.file}
    files = {path.name for path in HERE.iterdir() if path.is_file() and path.suffix == ".md"}
    assert files == listed, f"not in cases.toml: {sorted(files - listed)}; missing files: {sorted(listed - files)}"
    assert len({case.name for case in CASES}) == len(CASES), "two cases have the same name"
    assert all(case.make in MAKERS for case in CASES if case.make)


FIDELITY_CASES = ("date-february-30", "bom", "consent-expires-9999")


@pytest.mark.parametrize("case", [case for case in CASES if case.name in FIDELITY_CASES], ids=lambda case: case.name)
def test_fork_server_runs_like_python_m(case: Case, corpus: Corpus, tmp_path: Path) -> None:
    """A real ``python -m hospiblog`` subprocess gives the fork server's exit code and messages."""
    forked = outcome_of(corpus, case).build
    case_root = tmp_path / case.name
    shutil.copytree(corpus.baseline, case_root, symlinks=True)
    add_case(case, case_root / "site", case_root)
    real = SubprocessCli().run(["build", "site", "-o", "parent/out", *case.args], cwd=case_root, timeout=60)
    assert forked is not None
    assert (real.code, real.stderr) == (forked.code, forked.stderr)
