"""The progress line of ``hospiblog build``: on a terminal only, never in a pipe, in CI or with --quiet.

The command runs in a subprocess, on pipes or on a pseudo-terminal (``os.openpty``), with the line's delay
set to 0 (``HOSPIBLOG_PROGRESS_DELAY``) so that a small site's build would show it: nothing here is timed.
"""

from __future__ import annotations

import fcntl
import io
import os
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from hospiblog import build
from hospiblog.progress import DEFAULT_DELAY, SILENT, display_delay, progress_display, shows_progress
from tests.conftest import NOW, REPO, SiteMaker, post

ESCAPE = "\x1b"
BAR = "━"
SUMMARY = re.compile(r"^Built \d+ posts, \d+ pages, \d+ feeds in ")


def small_site(make_site: SiteMaker) -> Path:
    return make_site({f"posts/news/article-{n}.md": post(f"Article {n}", f"2025-0{n}-10", f"Texte {n}.",
                                                        author="cmartin", tags="[santé]",
                                                        summary=f'"Le résumé de l\'article {n}."')
                      for n in range(1, 6)})


def environment(**extra: str) -> dict[str, str]:
    """This checkout's hospiblog, a capable terminal type, no CI (unless given) and no delay before the line."""
    path = os.pathsep.join(part for part in (str(REPO), os.environ.get("PYTHONPATH", "")) if part)
    names = ("CI", "FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "COLUMNS")
    base = {key: value for key, value in os.environ.items() if key not in names}
    return {**base, "PYTHONPATH": path, "TERM": "xterm-256color", "HOSPIBLOG_PROGRESS_DELAY": "0", **extra}


def command(site: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "hospiblog", "build", str(site), "-o", str(site.parent / "out"), *options]


def on_terminal(arguments: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Runs ``arguments`` with stdout and stderr on a pseudo-terminal of 100 columns; its exit code and output."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env, cwd=cwd)
    os.close(slave)
    output = bytearray()
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 300)
            if not ready:
                process.kill()
                pytest.fail("the build wrote nothing for 300 s")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every holder of the terminal closed it
                break
            if not data:
                break
            output += data
    finally:
        os.close(master)
    return process.wait(timeout=300), output.decode("utf-8", "replace")


def test_progress_is_absent_when_the_output_is_not_a_terminal(make_site: SiteMaker) -> None:
    site = small_site(make_site)
    result = subprocess.run(command(site), capture_output=True, text=True, env=environment(), cwd=site.parent,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and SUMMARY.match(lines[0]), result.stdout
    assert ESCAPE not in result.stdout and BAR not in result.stdout


def test_progress_line_appears_on_a_terminal_then_gives_way_to_the_summary(make_site: SiteMaker) -> None:
    site = small_site(make_site)
    code, output = on_terminal(command(site), environment(), site.parent)
    assert code == 0, output
    assert BAR in output and ESCAPE in output
    assert re.search(r"write\s.*\b\d+/\d+\b", output), output  # the stage, n/N
    after = output.rpartition(BAR)[2]
    assert "\x1b[2K" in after, repr(after)  # the line erased when the build ends...
    summary = after.rpartition("\x1b[2K")[2]
    assert SUMMARY.match(summary) and summary.count("\n") == 1, repr(after)  # ...then the summary alone


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_progress_is_absent_in_ci_even_on_a_terminal(make_site: SiteMaker, ci: str) -> None:
    site = small_site(make_site)
    code, output = on_terminal(command(site), environment(CI=ci), site.parent)
    assert code == 0, output
    assert ESCAPE not in output and BAR not in output
    assert SUMMARY.match(output.strip()) and len(output.strip().splitlines()) == 1, repr(output)


def test_progress_is_absent_with_quiet_on_a_terminal(make_site: SiteMaker) -> None:
    site = small_site(make_site)
    code, output = on_terminal(command(site, "--quiet"), environment(), site.parent)
    assert code == 0, output
    assert output == ""


class Recorder:
    """A Progress that writes down what it is told."""

    def __init__(self) -> None:
        self.stages: list[str] = []
        self.expected: dict[str, int] = {}
        self.done: dict[str, int] = {}

    def stage(self, name: str) -> None:
        self.stages.append(name)

    def expect(self, total: int) -> None:
        self.expected[self.stages[-1]] = total

    def advance(self, count: int = 1) -> None:
        stage = self.stages[-1]
        self.done[stage] = self.done.get(stage, 0) + count


def test_a_build_tells_its_stages_and_counts_what_it_parses_and_renders(make_site: SiteMaker, tmp_path: Path) -> None:
    site = small_site(make_site)
    recorder = Recorder()
    report = build(site, output=tmp_path / "out", now=NOW, workers=1, progress=recorder)
    for stage in ("scan", "read", "parse", "check", "assemble", "images", "plan", "write"):
        assert stage in recorder.stages, stage
    assert recorder.stages.index("parse") < recorder.stages.index("write")
    assert recorder.expected["parse"] == recorder.done["parse"] == 5 == report.parsed
    pages = report.write.rendered - sum(1 for name in report.write.written if name.startswith("pagefind/"))
    assert recorder.expected["write"] == recorder.done["write"] == pages
    assert recorder.stages[recorder.stages.index("write") + 1] == "index"  # told by the writer, as it comes
    again = Recorder()
    build(site, output=tmp_path / "out", now=NOW, workers=1, progress=again)
    assert "parse" not in again.expected and "write" not in again.done  # nothing to do, nothing counted


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("environ", "quiet", "shown"), [
    ({"TERM": "xterm"}, False, True),
    ({"TERM": "xterm"}, True, False),
    ({"TERM": "xterm", "CI": "true"}, False, False),
    ({"TERM": "xterm", "CI": "0"}, False, False),  # CI set to anything
    ({"TERM": "xterm", "CI": ""}, False, True),
    ({"TERM": "dumb"}, False, False),
])
def test_when_progress_is_shown(environ: dict[str, str], quiet: bool, shown: bool) -> None:
    assert shows_progress(FakeTerminal(), environ, quiet=quiet) is shown
    assert shows_progress(io.StringIO(), environ, quiet=quiet) is False


def test_display_delay_and_the_silent_default() -> None:
    assert display_delay({}) == DEFAULT_DELAY == 2.0
    assert display_delay({"HOSPIBLOG_PROGRESS_DELAY": "0.5"}) == 0.5
    assert display_delay({"HOSPIBLOG_PROGRESS_DELAY": "soon"}) == DEFAULT_DELAY
    assert display_delay({"HOSPIBLOG_PROGRESS_DELAY": "-1"}) == 0.0
    with progress_display(io.StringIO(), quiet=False, environ={"TERM": "xterm"}) as progress:
        assert progress is SILENT
