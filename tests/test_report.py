"""What a build prints: grouped warnings that still count every warning, and a quiet mode for scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from hospiblog.cli import main
from tests.conftest import SiteMaker, post


def test_warnings_are_grouped_per_rule_and_all_counted(make_site: SiteMaker, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # Ten posts without a summary (summary-missing) and one with a too long title (title-length).
    files = {f"posts/news/a{number}.md": post(f"Article {number}", f"2026-10-{number + 1:02d}")
             for number in range(10)}
    files["posts/news/long.md"] = post("Un titre " + "très " * 20 + "long", "2026-10-20", summary='"Court."')
    site = make_site(files)
    assert main(["build", str(site), "-o", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert sum(line.endswith("[summary-missing]") for line in lines) == 3
    assert "… and 7 more [summary-missing]: run `hospiblog check` for all" in lines
    assert sum("[title-length]" in line for line in lines) == 1
    assert "11 warnings" in captured.out
    assert main(["check", str(site)]) == 0
    assert capsys.readouterr().out.count("[summary-missing]") == 10


def test_quiet_prints_only_warnings_and_errors(make_site: SiteMaker, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"posts/news/a.md": post("A", summary='"Un résumé."'),
                      "posts/news/b.md": post("B", "2026-10-02")})
    assert main(["build", str(site), "-o", str(tmp_path / "out"), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "[summary-missing]" in captured.err
