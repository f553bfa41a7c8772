"""The command line: parses arguments, calls the API, turns errors into messages and exit codes."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, collector
from .errors import BuildFailed, HospiblogError

if TYPE_CHECKING:
    from .config import SiteConfig

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2

EXAMPLES = """examples:
  hospiblog build                     build the site in this folder into public/
  hospiblog build ../blog -o /tmp/out build another site into another folder
  hospiblog build --drafts --future   preview drafts and scheduled articles
  hospiblog serve                     preview at http://127.0.0.1:8000/ while you write
  hospiblog social --since 2026-11-01 texts and images to post on social networks
  hospiblog new "Bien dormir en hiver" --category prevention --author cmartin
  hospiblog check --strict            check every article before publishing
"""


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hospiblog",
        description="A static blog generator for hospitals.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"hospiblog {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    build = commands.add_parser("build", help="build the site", epilog=EXAMPLES,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    build.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR",
                       help="folder holding site.toml (default: this folder)")
    build.add_argument("-o", "--output", type=Path, help="output folder (default: output_dir of site.toml)")
    build.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    build.add_argument("--future", action="store_true", help="include articles dated in the future")
    build.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors (cron, scripts)")
    build.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    serve = commands.add_parser("serve", help="preview the site, rebuilt and reloaded as you write")
    serve.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument("--bind", default="127.0.0.1", help="address to listen on (default: this computer only)")
    serve.add_argument("--drafts", action="store_true", help="show drafts, labelled « Brouillon »")
    serve.add_argument("--future", action="store_true", help="show scheduled articles, labelled « Programmé »")
    serve.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    social = commands.add_parser("social", help="write the social kit: texts, images and scheduler CSV per post")
    social.add_argument("posts", nargs="*", metavar="POST", help="slugs or files of the posts (default: all)")
    social.add_argument("--site", dest="site_dir", default=".", type=Path, help="folder holding site.toml")
    social.add_argument("--since", type=_date, help="only posts published on or after this day (YYYY-MM-DD)")
    social.add_argument("-o", "--output", type=Path, help="output folder (default: social-kit)")
    social.add_argument("--lang", help="only the posts in this language of the site (e.g. de)")
    social.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    check = commands.add_parser("check", help="check the articles without building")
    check.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR")
    check.add_argument("--strict", action="store_true", help="warnings fail too")
    check.add_argument("--format", choices=("text", "json"), default="text", help="json for other tools")
    check.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    new = commands.add_parser("new", help="start an article with its front matter filled in")
    new.add_argument("title", nargs="?", help='the title, in quotes: "Bien dormir en hiver"')
    new.add_argument("--category", help="medicine, prevention, news or testimonials")
    new.add_argument("--lang", help="the language of the article, one of the site's (with --translation-of)")
    new.add_argument("--translation-of", type=Path, metavar="FILE",
                     help="start the translation of this article: posts/prevention/bien-dormir.md")
    new.add_argument("--author", help="an author key of site.toml")
    new.add_argument("--date", help="publication date, YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (default: now, as a draft)")
    new.add_argument("--slug", help="the URL slug (default: made from the title)")
    new.add_argument("--site", dest="site_dir", default=".", type=Path, help="folder holding site.toml")
    new.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    return parser


def run_check(arguments: argparse.Namespace) -> int:
    from .checks import errors_of, format_findings_json, format_findings_text, summary_line, warnings_of
    from .checks.command import check_site

    findings = check_site(arguments.site_dir)
    if arguments.format == "json":
        print(format_findings_json(findings, Path.cwd()))
        print(summary_line(findings), file=sys.stderr)
    else:
        if findings:
            print(format_findings_text(findings, Path.cwd()))
        print(summary_line(findings))
    failed = errors_of(findings) or (arguments.strict and warnings_of(findings))
    return EXIT_ERRORS if failed else EXIT_OK


def run_new(arguments: argparse.Namespace) -> int:
    from .config import load_config
    from .content.parse import to_datetime
    from .errors import ContentError
    from .new import new_post

    config = load_config(arguments.site_dir)
    when = None
    if arguments.date:
        when = to_datetime(arguments.date, config.zone)
        if when is None:
            raise ContentError(f"'{arguments.date}' is not a date",
                               hint="write --date 2026-11-22 or --date '2026-11-22 09:30'")
    if arguments.translation_of is not None:
        return _new_translation(config, arguments, when)
    if arguments.title is None or arguments.category is None:
        raise ContentError("a new article needs a title and a category",
                           hint='write e.g. hospiblog new "Bien dormir en hiver" --category prevention')
    path = new_post(config, arguments.title, category=arguments.category, author=arguments.author, date=when,
                    now=datetime.now(UTC), slug=arguments.slug)
    print(_shown(path))
    return EXIT_OK


def _new_translation(config: SiteConfig, arguments: argparse.Namespace, when: datetime | None) -> int:
    from .errors import ContentError
    from .new import new_translation

    if not arguments.lang:
        raise ContentError("--translation-of needs the language to translate into",
                           hint=f"add --lang, one of {', '.join(config.site_languages)}")
    path, keyed = new_translation(config, arguments.translation_of, language=arguments.lang, title=arguments.title,
                                  now=when or datetime.now(UTC), slug=arguments.slug)
    print(_shown(path))
    if keyed:
        print(f"(the original now has its translation_key: {_shown(arguments.translation_of)})")
    return EXIT_OK


def _shown(path: Path) -> Path:
    return path.relative_to(Path.cwd()) if path.is_absolute() and path.is_relative_to(Path.cwd()) else path


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it YYYY-MM-DD") from None


def run_social(arguments: argparse.Namespace) -> int:
    from .kit import make_kit

    report = make_kit(arguments.site_dir, names=tuple(arguments.posts), since=arguments.since,
                      output=arguments.output, language=arguments.lang)
    print(f"Social kit: {report.posts} posts, {len(report.files)} files → {report.output_dir}/")
    return EXIT_OK


def run_serve(arguments: argparse.Namespace) -> int:
    from .serve import serve

    try:
        serve(arguments.site_dir, bind=arguments.bind, port=arguments.port, drafts=arguments.drafts,
              future=arguments.future)
    except OSError as error:
        print(f"error: cannot listen on {arguments.bind}:{arguments.port}: {error.strerror}", file=sys.stderr)
        print("    how to fix: choose another port with --port", file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK


def run_build(arguments: argparse.Namespace) -> int:
    from .build import build
    from .progress import progress_display
    from .report import format_warnings

    # On stderr: stdout keeps the summary line alone (`hospiblog build > log`), and the line is gone before it.
    with progress_display(sys.stderr, quiet=arguments.quiet) as progress:
        report = build(arguments.site_dir, output=arguments.output, drafts=arguments.drafts,
                       future=arguments.future, progress=progress)
    if report.warnings:
        print(format_warnings(report.warnings, Path.cwd()), file=sys.stderr)
    if not arguments.quiet:
        print(report.summary(Path.cwd()))
    return EXIT_OK


COMMANDS = {"build": run_build, "serve": run_serve, "social": run_social, "check": run_check, "new": run_new}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``hospiblog`` and ``python -m hospiblog``."""
    parser = make_parser()
    arguments = parser.parse_args(argv)
    collector.one_heap()
    try:
        return COMMANDS[arguments.command](arguments)
    except BuildFailed as failure:
        print(failure.format(Path.cwd()), file=sys.stderr)
        count = len(failure.errors)
        print(f"Build failed: {count} problem{'s' if count != 1 else ''}; nothing was published.", file=sys.stderr)
        return EXIT_ERRORS
    except HospiblogError as error:
        print(error.format(Path.cwd()), file=sys.stderr)
        return EXIT_ERRORS
    except KeyboardInterrupt:
        print("Interrupted; the previous output was left as it was.", file=sys.stderr)
        return 130
    except Exception:
        if getattr(arguments, "debug", False):
            raise
        print("".join(traceback.format_exc(limit=1).splitlines(keepends=True)[-1:]), file=sys.stderr, end="")
        print("hospiblog hit an unexpected problem; run again with --debug and report it.", file=sys.stderr)
        return EXIT_ERRORS


if __name__ == "__main__":
    sys.exit(main())
