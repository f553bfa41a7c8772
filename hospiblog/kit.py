"""``hospiblog social``: the social kit for the communication team, from the assembled site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from .build import BuildReport, Pipeline, Stages
from .cards import load_card_settings, post_card_images, post_card_specs, warm_card_cache
from .checks import in_social_kit
from .config import load_config
from .errors import ConfigError, OutputError, SourceLocation
from .model import Post
from .social import select_posts, write_kit
from .state import cache_root


def _may_be_shared(post: Post) -> bool:
    consent = post.meta.consent
    return in_social_kit(post) and (consent is None or "social" in consent.scope)


@dataclass(frozen=True)
class KitReport:
    """What the kit holds."""

    posts: int
    files: list[Path]
    output_dir: Path


def make_kit(site_dir: Path, *, names: tuple[str, ...] = (), since: date | None = None,
             output: Path | None = None, now: datetime | None = None, language: str | None = None) -> KitReport:
    """Writes texts, images and scheduler CSV files for the chosen published posts (of one language of the site
    when ``language`` is given), each in its post's language."""
    config = load_config(site_dir)
    pipeline = Pipeline(site_dir)
    loaded = pipeline.load(config, Stages(BuildReport(config.site_dir)), now=now or datetime.now(UTC))
    # A testimonial whose consent does not cover social networks, a post with `social: {}` or a job offer whose
    # closing date has passed stays off the kit.
    if language is not None and language not in config.site_languages:
        raise ConfigError(f"the site has no language '{language}'", location=SourceLocation(config.source_path),
                          hint=f"use one of {', '.join(config.site_languages)}")
    posts = [post for post in select_posts(loaded.site.posts, names, since)
             if _may_be_shared(post) and post.relative not in loaded.site.closed_jobs
             and language in (None, config.edition_of(post.meta.lang))]
    output_dir = (output or config.site_dir / "social-kit").resolve()
    if output_dir == config.site_dir or output_dir.is_relative_to(config.posts_dir):
        raise OutputError(f"the social kit cannot be written to {output_dir}", location=SourceLocation(output_dir),
                          hint="choose another folder with -o, e.g. -o social-kit")
    settings = load_card_settings([layer.path for layer in loaded.theme.layers])
    cache_dir, lookup = cache_root(config) / "cards", loaded.theme.static_file
    # A build publishes only the og cards: the square and story ones are drawn here, the first time a kit holds
    # them, over the cores, into the cache the build uses; each in its post's language.
    editions = {post.relative: config.edition_for(post.meta.lang) for post in posts}
    warm_card_cache([spec for post in posts
                     for spec in post_card_specs(post, editions[post.relative], static_lookup=lookup).values()],
                    settings, cache_dir)
    images = {post.relative: post_card_images(post, editions[post.relative], settings, static_lookup=lookup,
                                              cache_dir=cache_dir)
              for post in posts}
    files = write_kit(posts, config, output_dir, images)
    return KitReport(len(posts), files, output_dir)
