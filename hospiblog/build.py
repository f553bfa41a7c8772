"""The build command: a flat list of named, timed stages.

``Pipeline.run`` is the table of contents of a build; each stage is a function of typed values. The state a
build keeps between runs is :mod:`hospiblog.state`'s; serve's (its fast path after an edit) is
:mod:`hospiblog.fastpath`'s, which this module does not know.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import collector
from .cache import CACHE_DIR_NAME, FingerprintCache
from .config import CONFIG_FILE, SiteConfig, load_config
from .content.discover import FoundFile, Known, discover, scan
from .errors import BuildFailed, BuildWarning, HospiblogError, OutputError, SourceLocation
from .model import Post, Site, SourceFile
from .progress import SILENT, Progress, counted
from .report import BuildReport, Stages
from .responsive import ImageSettings, load_image_settings
from .state import BuildState, RelatedPosts, Snapshot, cache_root, code_fingerprint, inputs_key, libraries
from .theme import Theme, load_theme
from .writer import Manifest

# The stages after the no-op check are imported where they run: a build that finds nothing changed
# (most publishes of a large site) then loads neither Markdown, Jinja, Pillow nor lxml.
if TYPE_CHECKING:
    from jinja2 import Environment

    from .cards import CardSettings
    from .checks import CheckRun
    from .content.parse import ParseSettings
    from .pages import PageStore
    from .plan import DerivedJob, ImageFiles, Planner, RenderJob, ShareCards
    from .posters import VideoPosters
    from .schedule import Upcoming
    from .writer import WriteReport

__all__ = ["BuildOptions", "BuildReport", "Built", "Loaded", "Pipeline", "Stages", "build", "parse_all",
           "resolve_output"]

SOURCE_FOLDERS = ("posts", "static", "templates", "themes", CACHE_DIR_NAME)
"""Folders of the site that the output may never replace."""
PARALLEL_THRESHOLD = 48
"""Below this many posts to parse, a process pool costs more than it saves."""


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


class PostsCache(Protocol):
    """Where parsed posts are kept by parse key: the disk pack, or serve's memory in front of it."""

    def get(self, key: str) -> Any | None: ...

    def put(self, key: str, value: Any) -> None: ...

    def save(self, keep: set[str]) -> None: ...


@dataclass(frozen=True)
class Loaded:
    """A site read, checked and assembled, before anything is rendered."""

    config: SiteConfig
    theme: Theme
    site: Site
    parsed: tuple[Post, ...]
    """Every parsed post, drafts and scheduled ones included."""
    checks: CheckRun
    """The content rules' findings, with what serve's fast path needs to check one post again."""


@dataclass(frozen=True)
class Built:
    """What a whole run made, for serve to update after an edit without running it again."""

    loaded: Loaded
    planner: Planner
    fingerprints: dict[str, str]
    """Source fingerprint of every post file, by absolute path."""
    valid_until: datetime | None
    """When the site changes by itself (a scheduled post due, a consent or review date reached)."""
    manifest: Manifest


class Pipeline:
    """Runs the stages of a build; keeps what can be reused between runs (serve keeps one alive)."""

    def __init__(self, site_dir: Path, *, output: Path | None = None, options: BuildOptions | None = None,
                 posts_cache: PostsCache | None = None, progress: Progress = SILENT) -> None:
        self.site_dir = site_dir
        self.progress = progress
        """Told which stage runs and how far the long ones are (the CLI's line on a terminal); silent by default."""
        self.output = output
        self.options = options or BuildOptions()
        self.posts_cache = posts_cache
        self.manifest: Manifest | None = None
        self._environment: tuple[str, Environment] | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None

    def run(self, *, now: datetime | None = None, in_place: bool = False) -> BuildReport:
        """One build; raises HospiblogError (BuildFailed for many) and leaves the output as it was."""
        return self.run_kept(now=now, in_place=in_place, keep=False)[0]

    def run_kept(self, *, now: datetime | None = None, in_place: bool = True,
                 keep: bool = True) -> tuple[BuildReport, Built | None]:
        """One build that also returns what it made when ``keep`` (serve), or None after a no-op build."""
        with collector.paused():  # a build's large structures hold no cycles (hospiblog/collector.py)
            return self._run(now=now, in_place=in_place, keep=keep)

    def _run(self, *, now: datetime | None, in_place: bool, keep: bool) -> tuple[BuildReport, Built | None]:
        moment = now or datetime.now(UTC)
        config = load_config(self.site_dir)
        report = BuildReport(resolve_output(config, self.output))
        stages = Stages(report, self.progress)
        state = BuildState.open(config, report.output_dir, use_cache=self.options.use_cache, served=in_place)
        found, errors = stages.run("scan", _scan, config)
        theme = stages.run("theme", load_theme, config)
        card_settings = stages.run("card settings", _card_settings, config, theme)
        image_settings = stages.run("image settings", image_settings_of, theme)
        key = inputs_key(self._input_parts(config, theme, card_settings, image_settings), found)
        manifest = self._manifest(state.manifest_path)
        if not errors and stages.run("unchanged", self._unchanged, state.snapshot, key, moment, manifest,
                                     report.output_dir):
            return _repeated(report, state.snapshot, manifest), None
        sources, read_errors = stages.run("read", _read, config, found, state.known)
        loaded = self.load(config, stages, now=moment, found=(sources, [*errors, *read_errors]), theme=theme)
        fingerprints = state.remember_sources(found, sources)
        del sources  # the posts' bytes are parsed: free them before the peak of rendering
        upcoming = stages.run("schedule", _upcoming, loaded, moment, self.options)
        site, kept = loaded.site, (loaded if keep else None)
        del loaded  # the parsed posts before links were resolved: site.posts holds what pages need
        collector.trim()  # and the pages they held go back to the system, not only to this process's heap
        images = stages.run("images", self._images, config, theme, image_settings, site)
        cards = stages.run("cards", self._cards, config, theme, card_settings, site)
        posters = stages.run("posters", self._posters, config, theme, card_settings, site)
        planner = stages.run("plan", _plan, site, config, theme, cards, images, posters, self.options)
        _count(report, planner, site)
        built = Built(kept, planner, fingerprints, upcoming.valid_until, manifest) if kept is not None else None
        jobs, derived = (planner.jobs if built else planner.hand_over()), planner.derived
        # A build nobody keeps hands its plan to the writer, which lets it go once the pages are rendered: the site
        # (every post's body) is not held while the search index is made.
        del site, planner
        report.write = stages.run("write", self._publish, jobs, derived, config, theme, manifest, report.output_dir,
                                  in_place, built is None)
        stages.carve("write", report.write.timings)  # the search index: a stage of its own
        report.next_change = upcoming.describe(config)
        report.warnings += raw_html_warnings(config)
        state.record(key, upcoming.valid_until, report)
        return report, built

    def load(self, config: SiteConfig, stages: Stages, *, now: datetime | None = None,
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
        memo = RelatedPosts(config) if options.use_cache else None
        site = stages.run("assemble", assemble_site, posts, config, now=moment, urls=checks.context.urls,
                          image_sizes=checks.context.image_sizes, drafts=options.drafts, future=options.future,
                          memo=memo)
        if memo is not None:
            memo.save()
        return Loaded(config, theme, site, tuple(posts), checks)

    def check(self, config: SiteConfig, stages: Stages, *, today: date,
              found: tuple[list[SourceFile], list[HospiblogError]] | None = None,
              theme: Theme | None = None) -> tuple[list[Post], Theme, CheckRun]:
        """Parses every post and runs the content rules: the ``check`` command, and the first half of a build."""
        from .checks import run_checks

        sources, errors = found if found is not None else stages.run("discover", _discover, config)
        posts, parse_errors = stages.run("parse", parse_all, sources, config, cache=self._posts_cache(config),
                                         workers=self.options.workers, report=stages.report,
                                         progress=stages.progress)
        theme = theme or stages.run("theme", load_theme, config)
        checks = stages.run("check", run_checks, posts, config, static_lookup=theme.static_file, today=today,
                            unparsed=[*errors, *parse_errors], preview=self.options.drafts or self.options.future,
                            drafts=self.options.drafts, image_settings=image_settings_of(theme),
                            cache_dir=cache_root(config) if self.options.use_cache else None)
        return posts, theme, checks

    def environment(self, config: SiteConfig, theme: Theme) -> Environment:
        """The Jinja environment, made once per process and reused while the theme is unchanged."""
        from .theme import make_environment

        if self._environment is None or self._environment[0] != theme.digest:
            cache_dir = cache_root(config) if self.options.use_cache else None
            self._environment = (theme.digest, make_environment(theme, cache_dir=cache_dir))
        return self._environment[1]

    def _input_parts(self, config: SiteConfig, theme: Theme, card_settings: CardSettings | None,
                     image_settings: ImageSettings) -> list[str]:
        """What a build's bytes depend on besides the code and the posts (:func:`hospiblog.state.inputs_key`)."""
        from .responsive import settings_digest as image_settings_digest

        parts = [repr(self.options), config.fingerprint, theme.digest, image_settings_digest(image_settings)]
        if card_settings is not None:
            from .cards import settings_digest

            parts.append(settings_digest(card_settings))
        else:  # video posters are drawn with them all the same; their files' signatures, without loading Pillow
            parts.append(_card_files_signature(theme))
        return parts

    def _unchanged(self, snapshot: Snapshot, key: str, now: datetime, manifest: Manifest, output_dir: Path) -> bool:
        """True when nothing changed since the last build into this folder and its files are as it left them."""
        if self.options.dev or not self.options.use_cache or not snapshot.matches(key, now):
            return False
        return manifest.all_current(output_dir)

    def _cards(self, config: SiteConfig, theme: Theme, settings: CardSettings | None, site: Site) -> ShareCards | None:
        """Plans the share cards and draws the missing ones over the cores before the writer needs them."""
        if settings is None:
            return None
        from .cards import plan_cards, warm_card_cache
        from .plan import ShareCards

        planned = tuple(plan_cards(site.posts, config, settings, static_lookup=theme.static_file))
        cache_dir = cache_root(config) / "cards" if self.options.use_cache else self._scratch_cards()
        warm_card_cache({card.key: card.spec for card in planned}, settings, cache_dir, workers=self.options.workers,
                        progress=self.progress)
        return ShareCards(settings, planned, cache_dir)

    def _images(self, config: SiteConfig, theme: Theme, settings: ImageSettings, site: Site) -> ImageFiles:
        """Plans every published image file and makes the missing ones over the cores before the writer needs them:
        each static raster image cleaned of its metadata, and the widths and formats of those pages show."""
        from .imaging import available_formats, encoder_fingerprint, warm_image_cache
        from .plan import ImageFiles
        from .responsive import image_uses, plan_images

        plan = plan_images(theme.assets, image_uses(site, config), site.image_sizes, settings,
                           formats=available_formats(), encoder=encoder_fingerprint())
        cache_dir = cache_root(config) / "images" if self.options.use_cache else self._scratch_cards() / "images"
        warm_image_cache(plan, cache_dir, workers=self.options.workers, progress=self.progress)
        return ImageFiles(plan, cache_dir)

    def _publish(self, jobs: list[RenderJob], derived: Sequence[DerivedJob], config: SiteConfig, theme: Theme,
                 manifest: Manifest, output_dir: Path, in_place: bool, release: bool) -> WriteReport:
        from .render import render
        from .writer import publish

        environment = self.environment(config, theme)
        # Pages render over the cores in a build; serve (threads, small changes) renders in its own process.
        workers = 1 if in_place else (self.options.workers or os.cpu_count() or 1)
        return publish(jobs, lambda job: render(job, environment), output_dir, manifest, in_place=in_place,
                       workers=workers, derived=derived, progress=self.progress, release=release,
                       store=None if in_place else self._page_store(config))

    def _page_store(self, config: SiteConfig) -> PageStore | None:
        """The rendered pages kept between builds (a build into a new folder copies them); none without cache, nor
        where the system has no positioned reads and writes (Windows: ``os.pread``)."""
        if not self.options.use_cache or not hasattr(os, "pread"):
            return None
        from .pages import PageStore

        return PageStore(cache_root(config) / "pages", lambda: f"{code_fingerprint()}|{libraries()}")

    def _posters(self, config: SiteConfig, theme: Theme, settings: CardSettings | None,
                 site: Site) -> VideoPosters | None:
        """Plans the posters of the videos without an image of the editor's; the writer draws those it needs. They
        are drawn with the share cards' settings, read here when share cards are off."""
        if all(video.poster for post in site.posts for video in post.videos):
            return None
        from .posters import VideoPosters, plan_posters

        settings = settings or _load_card_settings(theme)
        planned = tuple(plan_posters(site.posts, config, settings))
        return VideoPosters(settings, planned, cache_root(config) / "posters" if self.options.use_cache else None)

    def _scratch_cards(self) -> Path:
        """A cache folder for one uncached build (cards, and images in ``images/``), removed with the process."""
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="hospiblog-cards-")
        return Path(self._scratch.name)

    def _posts_cache(self, config: SiteConfig) -> PostsCache | None:
        if self.posts_cache is None and self.options.use_cache:
            self.posts_cache = FingerprintCache(cache_root(config), "posts")
        return self.posts_cache

    def _manifest(self, path: Path) -> Manifest:
        """The writer's record of the output folder, kept in memory between the runs of one pipeline."""
        if self.manifest is None or self.manifest.path != path:
            code = f"{code_fingerprint()}|{libraries()}"
            self.manifest = Manifest.load(path, code) if path != Path(os.devnull) else Manifest(path)
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
    progress: Progress = SILENT,
) -> BuildReport:
    """Builds the site in ``site_dir`` into its output folder; raises HospiblogError on problems.

    ``progress`` is told each stage and how far the long ones are (:mod:`hospiblog.progress`); silent by default.
    """
    options = BuildOptions(drafts=drafts, future=future, dev=dev, workers=workers, use_cache=use_cache)
    return Pipeline(site_dir, output=output, options=options, progress=progress).run(now=now)


def _card_settings(config: SiteConfig, theme: Theme) -> CardSettings | None:
    """The share cards' look, read once per build from the theme chain; None when cards are off."""
    if not config.sharing.cards:
        return None
    return _load_card_settings(theme)


def _load_card_settings(theme: Theme) -> CardSettings:
    """The look of what the build draws (share cards, video posters), from the theme chain's ``cards/card.toml``."""
    from .cards import load_card_settings

    return load_card_settings([layer.path for layer in theme.layers])


def _card_files_signature(theme: Theme) -> str:
    """The path, size and modification time of each file of the theme chain's ``cards/`` folders (card.toml, fonts):
    what makes a video poster stale when share cards, whose settings' digest says it otherwise, are off."""
    hasher = hashlib.blake2b(digest_size=16)
    for layer in theme.layers:
        folder = layer.path / "cards"  # cards.CARDS_FOLDER: cards.py imports Pillow
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                stat = path.stat()
                hasher.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return hasher.hexdigest()


def _repeated(report: BuildReport, snapshot: Snapshot, manifest: Manifest) -> BuildReport:
    """The report of a build that found nothing to do: the figures and warnings of the build it repeats."""
    snapshot.restore(report)
    report.write.unchanged = len(manifest.entries)
    return report


def _upcoming(loaded: Loaded, now: datetime, options: BuildOptions) -> Upcoming:
    from .schedule import upcoming

    return upcoming(loaded.parsed, loaded.config, now=now, drafts=options.drafts, future=options.future,
                    dev=options.dev)


def image_settings_of(theme: Theme) -> ImageSettings:
    """The responsive images' settings, from the theme chain's ``images.toml``."""
    return load_image_settings([layer.path for layer in theme.layers])


def _plan(site: Site, config: SiteConfig, theme: Theme, cards: ShareCards | None, images: ImageFiles,
          posters: VideoPosters | None, options: BuildOptions) -> Planner:
    from .plan import make_planner

    index_cache = cache_root(config) / "search" if options.use_cache else None
    planner = make_planner(site, config, theme, dev=options.dev, cards=cards, images=images, posters=posters,
                           index_cache=index_cache)
    if index_cache is not None and config.search.enabled and not options.dev:
        from .search import remove_unplanned

        remove_unplanned(index_cache, planner.search_bundles)
    return planner


def _count(report: BuildReport, planner: Planner, site: Site) -> None:
    """The report's counts of what the build publishes."""
    jobs = planner.jobs
    report.posts = len(site.posts)
    report.pages = sum(1 for job in jobs if job.template is not None)
    report.feeds = sum(1 for job in jobs if job.kind == "feed")


def raw_html_warnings(config: SiteConfig) -> list[HospiblogError]:
    """The warning every build of a site that publishes raw HTML unsanitised gives."""
    if not config.allow_raw_html:
        return []
    return [BuildWarning("allow_raw_html = true: raw HTML in articles is published without sanitising",
                         location=SourceLocation(config.source_path),
                         hint="remove allow_raw_html unless you need it")]


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
    cache: PostsCache | None,
    workers: int | None = None,
    report: BuildReport | None = None,
    progress: Progress = SILENT,
) -> tuple[list[Post], list[HospiblogError]]:
    """Parses every source, from the cache where possible and over the cores when there is much to do."""
    from .content.parse import ParseSettings, parse_key

    settings = ParseSettings.of(config)
    keys = [parse_key(source, settings) for source in sources]
    found = [cache.get(key) if cache else None for key in keys]
    # The pack knows a post by its path in the site: a site moved or cloned elsewhere (a CI checkout with the cache
    # kept) reuses it, with the file where it is now (findings name it, and their lines are read from it).
    for index, post in enumerate(found):
        if post is not None and post.source_path != sources[index].path:
            found[index] = replace(post, source_path=sources[index].path)
    missing = [index for index, post in enumerate(found) if post is None]
    if missing:
        progress.expect(len(missing))
    results = _parse_many([sources[index] for index in missing], settings, workers, progress)
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


def _parse_many(sources: list[SourceFile], settings: ParseSettings, workers: int | None,
                progress: Progress) -> list[Post | HospiblogError]:
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or len(sources) < PARALLEL_THRESHOLD:
        return list(counted((_parse_one(source, settings) for source in sources), progress))
    from concurrent.futures import ProcessPoolExecutor  # imported where needed: a warm build parses a few posts

    chunk = max(1, len(sources) // (count * 8))
    with ProcessPoolExecutor(max_workers=count, initializer=collector.worker_started) as pool:
        return list(counted(pool.map(_parse_one, sources, [settings] * len(sources), chunksize=chunk), progress))


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
