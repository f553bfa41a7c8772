"""What a build tells its Progress."""

from __future__ import annotations

from pathlib import Path

from conftest import NOW, SiteMaker, post

from hospiblog import build


def small_site(make_site: SiteMaker) -> Path:
    return make_site({f"posts/news/article-{n}.md": post(f"Article {n}", f"2025-0{n}-10", f"Texte {n}.",
                                                        author="cmartin", tags="[santé]",
                                                        summary=f'"Le résumé de l\'article {n}."')
                      for n in range(1, 6)})


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
