"""The build command: a flat list of named, timed stages."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .cache import CACHE_DIR_NAME, FingerprintCache, write_atomically
from .config import CONFIG_FILE, SiteConfig, load_config
from .content.discover import FoundFile, Known, discover, scan
from .errors import BuildFailed, BuildWarning, HospiblogError, OutputError, SourceLocation
from .model import Post, Site, SourceFile
from .theme import Theme, load_theme
from .writer import Manifest, WriteReport

# The stages after the no-op check are imported where they run: a build that finds nothing changed
# (most publishes of a large site) then loads neither Markdown, Jinja, Pillow nor lxml.
if TYPE_CHECKING:
    from jinja2 import Environment

    from .checks import CheckRun
    from .content.parse import ParseSettings
    from .fastpath import Served
    from .plan import RenderJob, ShareCards

SOURCE_FOLDERS = ("posts", "static", "templates", "themes", CACHE_DIR_NAME)
"""Folders of the site that the output may never replace."""
PARALLEL_THRESHOLD = 48
"""Below this many posts to parse, a process pool costs more than it saves."""
T = TypeVar("T")


@dataclass
class BuildReport:
    """What a build made, and how long each stage took."""

    output_dir: Path
    posts: int = 0
    pages: int = 0
    feeds: int = 0
    parsed: int = 0
    """Posts parsed now (the others came from the cache)."""
    write: WriteReport = field(default_factory=WriteReport)
    stages: dict[str, float] = field(default_factory=dict)
    warnings: list[HospiblogError] = field(default_factory=list)
    next_change: str = ""
    """When the site will next change by itself (a scheduled post, a consent that ends), described; empty if
    nothing is due."""

    @property
    def seconds(self) -> float:
        return sum(self.stages.values())

    def summary(self, base: Path | None = None) -> str:
        """The one line the CLI prints."""
        output = self.output_dir
        if base is not None and output.is_relative_to(base):
            output = output.relative_to(base)
        written = len(self.write.written) + len(self.write.removed)
        warnings = f", {len(self.warnings)} warnings" if self.warnings else ""
        later = f"; {self.next_change}" if self.next_change else ""
        return (f"Built {self.posts} posts, {self.pages} pages, {self.feeds} feeds in {self.seconds:.1f} s "
                f"→ {output}/ ({written} files changed, {self.write.unchanged} unchanged{warnings}){later}")


class _Stages:
    """Runs stages and records their durations."""

    def __init__(self, report: BuildReport) -> None:
        self.report = report

    def run(self, name: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            self.report.stages[name] = time.perf_counter() - start


@dataclass(frozen=True)
class BuildOptions:
    """What to include and how."""

    drafts: bool = False
    """Include drafts."""
    future: bool = False
    """Include scheduled posts."""
    dev: bool = False
    """Label drafts and scheduled posts (serve)."""
    workers: int | None = None
    """Processes for parsing; None: one per core."""
    use_cache: bool = True
    """Use the fingerprint cache on disk."""


class MemoryCache:
    """Parsed posts kept in memory by ``hospiblog serve``, in front of the disk cache."""

    def __init__(self, disk: FingerprintCache | None) -> None:
        self.disk = disk
        self.entries: dict[str, Any] = {}
        self.keep: set[str] = set()
        self.disk_read = False
        """Once the pack has been read and saved, every key it could give is in memory already: a miss is
        not worth reading a large site's pack again."""

    def get(self, key: str) -> Any | None:
        if key not in self.entries and self.disk is not None and not self.disk_read:
            value = self.disk.get(key)
            if value is not None:
                self.entries[key] = value
        return self.entries.get(key)

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = value

    def save(self, keep: set[str]) -> None:
        """Forgets entries no current source needs, so memory does not grow with every edit.

        The disk pack is written by :meth:`flush` only (at serve's start and stop): rewriting a large
        site's pack after every keystroke would cost more than the rebuild itself.
        """
        self.entries = {key: value for key, value in self.entries.items() if key in keep}
        self.keep = keep

    def flush(self) -> None:
        """Writes what is in memory to the disk cache."""
        if self.disk is not None:
            for key, value in list(self.entries.items()):  # a rebuild may be running
                if self.disk.get(key) is not value:
                    self.disk.put(key, value)
            self.disk.save(self.keep)
            self.disk_read = True


@dataclass(frozen=True)
class Loaded:
    """A site read and assembled, before anything is rendered."""

    config: SiteConfig
    theme: Theme
    site: Site
    parsed: tuple[Post, ...]
    """Every parsed post, drafts and scheduled ones included."""
    cache_root: Path
    checks: CheckRun
    """The content rules' findings, with what serve's fast path needs to check one post again."""


class Pipeline:
    """Runs the stages of a build; keeps what can be reused between runs (serve keeps one alive)."""

    def __init__(self, site_dir: Path, *, output: Path | None = None, options: BuildOptions | None = None) -> None:
        self.site_dir = site_dir
        self.output = output
        self.options = options or BuildOptions()
        self.posts_cache: MemoryCache | FingerprintCache | None = None
        self.manifest: Manifest | None = None
        self._environment: tuple[str, Environment] | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._served: Served | None = None
        """What serve's last full rebuild made, for its fast path."""

    def run(self, *, now: datetime | None = None, in_place: bool = False,
            changed: Collection[Path] | None = None) -> BuildReport:
        """One build; raises HospiblogError (BuildFailed for many) and leaves the output as it was.

        ``changed`` (serve) names the files that changed since the last run: when they are only edits of
        existing posts' bodies, :mod:`hospiblog.fastpath` updates the site without the full pipeline.
        """
        moment = now or datetime.now(UTC)
        if in_place and changed and self._served is not None:
            quick = self._update(self._served, changed, moment)
            if quick is not None:
                return quick
        self._served = None
        config = load_config(self.site_dir)
        output_dir = resolve_output(config, self.output)
        report = BuildReport(output_dir)
        stages = _Stages(report)
        cache_root = config.site_dir / CACHE_DIR_NAME
        found, errors = stages.run("scan", _scan, config)
        theme = stages.run("theme", load_theme, config)
        snapshot = Snapshot.load(_manifest_path(cache_root, output_dir).with_suffix(".snapshot.json"))
        key = self._inputs_key(config, theme, found)
        manifest = self._manifest_for(cache_root, output_dir)
        if not errors and stages.run("unchanged", self._unchanged, snapshot, key, moment, manifest, output_dir):
            report.posts, report.pages, report.feeds = snapshot.counts
            report.warnings = snapshot.warning_list()
            report.next_change = snapshot.upcoming
            report.write.unchanged = len(manifest.entries)
            return report
        signatures = _Signatures(cache_root / "sources.json") if self.options.use_cache else None
        sources, read_errors = stages.run("read", _read, config, found, signatures.known if signatures else None)
        from .checks import next_change
        from .plan import make_planner
        from .render import render
        from .schedule import describe, next_site_change
        from .writer import publish

        loaded = self.load(config, stages, now=moment, found=(sources, [*errors, *read_errors]), theme=theme)
        fingerprints = {str(source.path): source.fingerprint for source in sources}
        if signatures is not None:
            signatures.save(found, fingerprints)
        del sources  # the posts' bytes are parsed: free them before the peak of rendering
        site = loaded.site
        upcoming = next_site_change(loaded.parsed, config, now=moment, drafts=self.options.drafts,
                                    future=self.options.future)
        report.next_change = describe(upcoming, config) if upcoming else ""
        changes = [upcoming.moment if upcoming else None,
                   next_change(loaded.parsed, config, today=moment.astimezone(config.zone).date()),
                   # serve labels scheduled posts against "now"
                   min((post.meta.date for post in loaded.parsed if post.meta.date > moment), default=None)
                   if self.options.dev else None]
        # Serve keeps the parsed posts and the checks for its fast path; a build lets them go before rendering.
        kept = (loaded.checks, {post.relative: post for post in loaded.parsed}) if in_place else None
        del loaded  # the parsed posts before links were resolved: site.posts holds what pages need
        cards = stages.run("cards", self._cards, config, theme, site, cache_root)
        planner = stages.run("plan", make_planner, site, config, theme, dev=self.options.dev, cards=cards)
        jobs = planner.jobs
        environment = self._environment_for(theme, cache_root)
        # Pages render over the cores in a build; serve (threads, small changes) renders in its own process.
        workers = 1 if in_place else (self.options.workers or os.cpu_count() or 1)
        report.write = stages.run("write", publish, jobs, lambda job: render(job, environment), output_dir,
                                  manifest, in_place=in_place, workers=workers)
        _count(report, jobs, site.posts)
        valid_until = min((change for change in changes if change), default=None)
        if self.options.use_cache:
            snapshot.record(key, valid_until, report)
        _raw_html_warning(config, report)
        if kept is not None:
            from .fastpath import Served

            checks, parsed = kept
            self._served = Served(config, theme, moment.astimezone(config.zone).date(), valid_until, fingerprints,
                                  parsed, site, checks, planner, output_dir, manifest,
                                  (report.posts, report.pages, report.feeds))
        return report

    def warm_up(self) -> None:
        """Makes the Markdown renderer and renders one page of each template of the last run, discarding the
        bytes: serve calls it after its start (from the cache nothing was parsed or rendered yet) so that the
        first edit does not pay for it."""
        from .content.markdown import render_markdown
        from .render import render

        if self._served is None or self._environment is None:
            return
        render_markdown("*", language=self._served.config.language, post_folder="posts")
        first: dict[str, RenderJob] = {}
        for job in self._served.planner.jobs:
            if job.template and job.template not in first:
                first[job.template] = job
        for job in first.values():
            with contextlib.suppress(HospiblogError):
                render(job, self._environment[1])

    def _update(self, served: Served, changed: Collection[Path], moment: datetime) -> BuildReport | None:
        """Serve's fast path (:mod:`hospiblog.fastpath`); None when the full pipeline must run."""
        from .checks import warnings_of
        from .fastpath import try_update
        from .render import render
        from .writer import publish

        report = BuildReport(served.output_dir)
        stages = _Stages(report)
        cache = self.posts_cache
        update = stages.run("update", try_update, served, changed, now=moment,
                            parse=lambda sources: parse_all(sources, served.config, cache=cache, workers=1),
                            cache_entries=cache.entries if isinstance(cache, MemoryCache) else None)
        if update is None:
            return None
        report.parsed = update.parsed
        report.warnings = list(warnings_of(update.findings))
        environment = self._environment_for(served.theme, served.config.site_dir / CACHE_DIR_NAME)
        report.write = stages.run("write", publish, served.planner.jobs, lambda job: render(job, environment),
                                  served.output_dir, served.manifest, in_place=True, candidates=update.jobs)
        report.write.unchanged = len(served.planner.jobs) - len(report.write.written)
        report.posts, report.pages, report.feeds = served.counts
        _raw_html_warning(served.config, report)
        return report

    def load(self, config: SiteConfig, stages: _Stages, *, now: datetime | None = None,
             found: tuple[list[SourceFile], list[HospiblogError]] | None = None, theme: Theme | None = None) -> Loaded:
        """Discovers, parses, checks and assembles the site: what a build and the social kit need."""
        from .checks import errors_of, warnings_of
        from .site import assemble_site

        options = self.options
        moment = now or datetime.now(UTC)
        posts, theme, checks = self.check(config, stages, today=moment.astimezone(config.zone).date(),
                                          found=found, theme=theme)
        findings = checks.findings
        stages.report.warnings += warnings_of(findings)
        # Parse and discovery errors come back as "front-matter" findings: everything is reported at once.
        if errors_of(findings):
            raise BuildFailed(list(errors_of(findings)))
        site = stages.run("assemble", assemble_site, posts, config, now=moment, urls=checks.context.urls,
                          image_sizes=checks.context.image_sizes, drafts=options.drafts, future=options.future)
        return Loaded(config, theme, site, tuple(posts), config.site_dir / CACHE_DIR_NAME, checks)

    def check(self, config: SiteConfig, stages: _Stages, *, today: date,
              found: tuple[list[SourceFile], list[HospiblogError]] | None = None,
              theme: Theme | None = None) -> tuple[list[Post], Theme, CheckRun]:
        """Parses every post and runs the content rules: the ``check`` command, and the first half of a build."""
        from .checks import run_checks

        sources, errors = found if found is not None else stages.run("discover", _discover, config)
        cache = self._posts_cache(config.site_dir / CACHE_DIR_NAME)
        posts, parse_errors = stages.run("parse", parse_all, sources, config, cache=cache,
                                         workers=self.options.workers, report=stages.report)
        theme = theme or stages.run("theme", load_theme, config)
        checks = stages.run("check", run_checks, posts, config, static_lookup=theme.static_file, today=today,
                            unparsed=[*errors, *parse_errors], preview=self.options.drafts or self.options.future,
                            drafts=self.options.drafts)
        return posts, theme, checks

    def _inputs_key(self, config: SiteConfig, theme: Theme, found: Sequence[FoundFile]) -> str:
        """Hash of every input of a build: code, options, configuration, theme and every post file's path and
        stat signature (size, mtime, ctime, inode: any write changes the ctime, so the bytes need not be read)."""
        hasher = hashlib.blake2b(digest_size=16)
        for part in (package_fingerprint(), repr(self.options), config.fingerprint, theme.digest):
            hasher.update(part.encode() + b"\0")
        if config.sharing.cards:
            from .cards import load_card_settings, settings_digest

            settings = load_card_settings([layer.path for layer in theme.layers])
            hasher.update(settings_digest(settings).encode())
        for entry in found:
            hasher.update(f"{entry.path}\0{entry.signature}\0".encode())
        return hasher.hexdigest()

    def _unchanged(self, snapshot: Snapshot, key: str, now: datetime, manifest: Manifest, output_dir: Path) -> bool:
        """True when nothing changed since the last build into this folder and its files are as it left them."""
        if self.options.dev or not self.options.use_cache or not snapshot.matches(key, now):
            return False
        return manifest.all_current(output_dir)

    def _cards(self, config: SiteConfig, theme: Theme, site: Site, cache_root: Path) -> ShareCards | None:
        """Plans the share cards and draws the missing ones over the cores before the writer needs them."""
        if not config.sharing.cards:
            return None
        from .cards import load_card_settings, plan_cards, warm_card_cache
        from .plan import ShareCards

        settings = load_card_settings([layer.path for layer in theme.layers])
        planned = tuple(plan_cards(site.posts, config, settings, static_lookup=theme.static_file))
        cache_dir = cache_root / "cards" if self.options.use_cache else self._scratch_cards()
        warm_card_cache([card.spec for card in planned], settings, cache_dir, workers=self.options.workers)
        return ShareCards(settings, planned, cache_dir)

    def _scratch_cards(self) -> Path:
        """A cache folder for one uncached build, removed with the process."""
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="hospiblog-cards-")
        return Path(self._scratch.name)

    def _posts_cache(self, cache_root: Path) -> MemoryCache | FingerprintCache | None:
        if self.posts_cache is None and self.options.use_cache:
            self.posts_cache = FingerprintCache(cache_root, "posts")
        return self.posts_cache

    def _environment_for(self, theme: Theme, cache_root: Path) -> Environment:
        """Templates are loaded once per process and reused while the theme is unchanged."""
        from .theme import make_environment

        if self._environment is None or self._environment[0] != theme.digest:
            cache_dir = cache_root if self.options.use_cache else None
            self._environment = (theme.digest, make_environment(theme, cache_dir=cache_dir))
        return self._environment[1]

    def _manifest_for(self, cache_root: Path, output_dir: Path) -> Manifest:
        if not self.options.use_cache:
            return Manifest(Path(os.devnull))
        path = _manifest_path(cache_root, output_dir)
        if self.manifest is None or self.manifest.path != path:
            self.manifest = Manifest.load(path)
        return self.manifest


def build(
    site_dir: Path,
    *,
    output: Path | None = None,
    drafts: bool = False,
    future: bool = False,
    now: datetime | None = None,
    workers: int | None = None,
    use_cache: bool = True,
    dev: bool = False,
) -> BuildReport:
    """Builds the site in ``site_dir`` into its output folder; raises HospiblogError on problems."""
    options = BuildOptions(drafts=drafts, future=future, dev=dev, workers=workers, use_cache=use_cache)
    return Pipeline(site_dir, output=output, options=options).run(now=now)


@dataclass
class Snapshot:
    """The inputs of the last successful build into an output folder, so an unchanged site is not rebuilt."""

    path: Path
    key: str = ""
    next_change: datetime | None = None
    counts: tuple[int, int, int] = (0, 0, 0)
    warnings: list[list[Any]] = field(default_factory=list)
    """The last build's warnings (message, path, line, rule, hint): an unchanged site still shows them."""
    upcoming: str = ""
    """The last build's ``BuildReport.next_change``."""

    @classmethod
    def load(cls, path: Path) -> Snapshot:
        try:
            data = json.loads(path.read_text("utf-8"))
            change = datetime.fromisoformat(data["next_change"]) if data["next_change"] else None
            return cls(path, str(data["key"]), change, tuple(data["counts"]), list(data["warnings"]),  # type: ignore[arg-type]
                       str(data.get("upcoming", "")))
        except (OSError, ValueError, KeyError, TypeError):
            return cls(path)

    def warning_list(self) -> list[HospiblogError]:
        return [BuildWarning(message, location=SourceLocation(Path(path), line) if path else None, rule=rule,
                             hint=hint) for message, path, line, rule, hint in self.warnings]

    def matches(self, key: str, now: datetime) -> bool:
        return bool(self.key) and self.key == key and (self.next_change is None or now < self.next_change)

    def record(self, key: str, next_change: datetime | None, report: BuildReport) -> None:
        self.key, self.next_change = key, next_change
        self.counts = (report.posts, report.pages, report.feeds)
        self.warnings = [[warning.message, str(warning.location.path) if warning.location else "",
                          warning.location.line if warning.location else None, warning.rule, warning.hint]
                         for warning in report.warnings]
        self.upcoming = report.next_change
        data = {"key": key, "next_change": next_change.isoformat() if next_change else "", "counts": self.counts,
                "warnings": self.warnings, "upcoming": self.upcoming}
        with contextlib.suppress(OSError):
            write_atomically(self.path, json.dumps(data).encode())


class _Signatures:
    """The stat signature and fingerprint of every post file the last build read (``sources.json``), so a
    build reads only the files whose signature changed (the parse cache is keyed by fingerprints)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.known: Known = {}
        try:
            data = json.loads(path.read_text("utf-8"))
            self.known = {key: (tuple(value[0]), str(value[1])) for key, value in data.items()}  # type: ignore[misc]
        except (OSError, ValueError, TypeError, IndexError, AttributeError):
            self.known = {}

    def save(self, found: Sequence[FoundFile], fingerprints: dict[str, str]) -> None:
        known: Known = {entry.path: (entry.signature, fingerprints[entry.path])
                        for entry in found if entry.path in fingerprints and entry.signature[0] >= 0}
        if known != self.known:
            with contextlib.suppress(OSError):
                write_atomically(self.path, json.dumps({key: [list(signature), fingerprint]
                                                        for key, (signature, fingerprint) in known.items()}).encode())


@functools.cache
def package_fingerprint() -> str:
    """Hash of hospiblog's own code: a new version never reuses an old build's snapshot."""
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


def _raw_html_warning(config: SiteConfig, report: BuildReport) -> None:
    if config.allow_raw_html:
        report.warnings.append(BuildWarning(
            "allow_raw_html = true: raw HTML in articles is published without sanitising",
            location=SourceLocation(config.source_path), hint="remove allow_raw_html unless you need it"))


def _count(report: BuildReport, jobs: Sequence[RenderJob], posts: Sequence[Post]) -> None:
    report.posts = len(posts)
    report.pages = sum(1 for job in jobs if job.template is not None)
    report.feeds = sum(1 for job in jobs if job.kind == "feed")


def _manifest_path(cache_root: Path, output_dir: Path) -> Path:
    name = hashlib.blake2b(str(output_dir).encode(), digest_size=8).hexdigest()
    return cache_root / "outputs" / f"{name}.json"


def _discover(config: SiteConfig) -> tuple[list[SourceFile], list[HospiblogError]]:
    found, errors = _scan(config)
    sources, read_errors = _read(config, found)
    return sources, [*errors, *read_errors]


def _scan(config: SiteConfig) -> tuple[list[FoundFile], list[HospiblogError]]:
    try:
        return scan(config), []
    except HospiblogError as error:
        return [], [error]


def _read(config: SiteConfig, found: list[FoundFile],
          known: Known | None = None) -> tuple[list[SourceFile], list[HospiblogError]]:
    try:
        return discover(config, found, known=known), []
    except BuildFailed as failure:
        return [], list(failure.errors)
    except HospiblogError as error:
        return [], [error]


def parse_all(
    sources: Sequence[SourceFile],
    config: SiteConfig,
    *,
    cache: FingerprintCache | MemoryCache | None,
    workers: int | None = None,
    report: BuildReport | None = None,
) -> tuple[list[Post], list[HospiblogError]]:
    """Parses every source, from the cache where possible and over the cores when there is much to do."""
    from .content.parse import ParseSettings, parse_key

    settings = ParseSettings.of(config)
    keys = [parse_key(source, settings) for source in sources]
    found = [cache.get(key) if cache else None for key in keys]
    missing = [index for index, post in enumerate(found) if post is None]
    results = _parse_many([sources[index] for index in missing], settings, workers)
    errors: list[HospiblogError] = []
    for index, result in zip(missing, results, strict=False):
        if isinstance(result, HospiblogError):
            errors.append(result)
            continue
        found[index] = result
        if cache:
            cache.put(keys[index], result)
    if cache:
        cache.save(set(keys))
    if report is not None:
        report.parsed = len(missing)
    return [post for post in found if post is not None], errors


def _parse_one(source: SourceFile, settings: ParseSettings) -> Post | HospiblogError:
    from .content.parse import parse_post

    try:
        return parse_post(source, settings)
    except HospiblogError as error:
        return error


def _parse_many(sources: list[SourceFile], settings: ParseSettings,
                workers: int | None) -> list[Post | HospiblogError]:
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or len(sources) < PARALLEL_THRESHOLD:
        return [_parse_one(source, settings) for source in sources]
    from concurrent.futures import ProcessPoolExecutor  # imported where needed: a warm build parses a few posts

    chunk = max(1, len(sources) // (count * 8))
    with ProcessPoolExecutor(max_workers=count) as pool:
        return list(pool.map(_parse_one, sources, [settings] * len(sources), chunksize=chunk))


def resolve_output(config: SiteConfig, output: Path | None) -> Path:
    """The output folder, refused when publishing there could destroy sources."""
    folder = (output if output is not None else config.site_dir / config.output_dir).resolve()
    site = config.site_dir
    hint = "choose a separate folder, e.g. -o public"
    if folder == site or site.is_relative_to(folder):
        raise OutputError(f"the output folder {folder} contains the site itself", hint=hint,
                          location=SourceLocation(config.source_path))
    for source in SOURCE_FOLDERS:
        if folder.is_relative_to(site / source):
            raise OutputError(f"the output folder {folder} is inside the site's {source}/ folder", hint=hint,
                              location=SourceLocation(config.source_path))
    if (folder / "posts").exists() or (folder / CONFIG_FILE).exists():
        raise OutputError(f"the output folder {folder} holds posts/ or {CONFIG_FILE}: it looks like a site",
                          hint=hint, location=SourceLocation(config.source_path))
    if folder == Path.home() or folder.parent == folder:
        raise OutputError(f"refusing to publish into {folder}", hint=hint)
    return folder
