"""The check stage alone: ``run_checks`` over a site's parsed posts, with and without the findings it keeps.

    python benchmarks/checks.py SITE_DIR [--repeat 7]

Parses SITE_DIR's posts (through its parse cache) once, then times ``run_checks`` in this process, best of
``--repeat`` (wall and CPU seconds): over every post without the store (``.hospiblog-cache/checks.pack``), with the
store and nothing changed, after one post's body is edited (the first post gets a new parse key and one more
paragraph, in memory), after its summary is edited (a field no other post's rules read), and on the next day
(the store's digest no longer matches: every post again). It writes the store of SITE_DIR's cache, nothing else.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from hospiblog.build import BuildOptions, BuildReport, Pipeline, Stages, image_settings_of
from hospiblog.checks import CheckRun, run_checks
from hospiblog.config import load_config
from hospiblog.state import cache_root


def best(repeat: int, measured: Callable[[], CheckRun], prepare: Callable[[], None] = lambda: None) -> str:
    wall = cpu = float("inf")
    for _ in range(repeat):
        prepare()
        start, start_cpu = time.perf_counter(), time.process_time()
        run = measured()
        wall, cpu = min(wall, time.perf_counter() - start), min(cpu, time.process_time() - start_cpu)
    return f"{wall:.3f} s wall, {cpu:.3f} s CPU ({len(run.findings)} findings, {len(run.checked)} posts checked)"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    arguments = parser.parse_args(argv)
    config = load_config(arguments.site)
    today = datetime.now(config.zone).date()
    posts, theme, _run = Pipeline(arguments.site, options=BuildOptions()).check(
        config, Stages(BuildReport(arguments.site / "public")), today=today)
    common = {"static_lookup": theme.static_file, "image_settings": image_settings_of(theme)}
    kept = cache_root(config)
    print(f"{len(posts)} posts")
    print("without the store:", best(arguments.repeat, lambda: run_checks(posts, config, today=today, **common)))
    run_checks(posts, config, today=today, cache_dir=kept, **common)
    print("nothing changed:  ", best(arguments.repeat,
                                     lambda: run_checks(posts, config, today=today, cache_dir=kept, **common)))
    first, edits = posts[0], iter(range(1, 1_000_000))

    def edit_first_post() -> None:
        number = next(edits)
        posts[0] = dataclasses.replace(first, fingerprint=f"{first.fingerprint}-{number}",
                                       html_utf8=first.html_utf8 + f"<p>Édité {number}.</p>".encode())

    print("one body edited:  ", best(arguments.repeat,
                                     lambda: run_checks(posts, config, today=today, cache_dir=kept, **common),
                                     edit_first_post))

    def edit_first_summary() -> None:
        number = next(edits)
        meta = dataclasses.replace(first.meta, summary=f"{first.meta.summary} Résumé édité {number}.")
        posts[0] = dataclasses.replace(first, fingerprint=f"{first.fingerprint}-s{number}", meta=meta)

    print("one summary edited:", best(arguments.repeat,
                                      lambda: run_checks(posts, config, today=today, cache_dir=kept, **common),
                                      edit_first_summary))
    days = iter(range(1, 1_000_000))
    print("the next day:     ", best(arguments.repeat, lambda: run_checks(
        posts, config, today=today + timedelta(days=next(days)), cache_dir=kept, **common)))


if __name__ == "__main__":
    main()
