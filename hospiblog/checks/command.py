"""The ``hospiblog check`` command: the first stages of a build, then the rules, and nothing written.

Kept out of ``hospiblog.checks`` itself because it uses ``hospiblog.build``, which uses the rules.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ..build import parse_all
from ..cache import CACHE_DIR_NAME, FingerprintCache
from ..config import SiteConfig, load_config
from ..content.discover import discover
from ..errors import BuildFailed, HospiblogError
from ..model import SourceFile
from ..theme import load_theme
from .finding import Finding
from .runner import run_checks


def check_site(site_dir: Path, *, today: date | None = None, use_cache: bool = True) -> list[Finding]:
    """Every finding for the site in ``site_dir``; ``today`` defaults to today in the site's time zone.

    Raises :class:`HospiblogError` only for what stops everything: site.toml, the posts/
    folder or the theme cannot be used.
    """
    config = load_config(site_dir)
    sources, errors = _discover(config)
    cache = FingerprintCache(config.site_dir / CACHE_DIR_NAME, "posts") if use_cache else None
    posts, parse_errors = parse_all(sources, config, cache=cache)
    theme = load_theme(config)
    return run_checks(posts, config, static_lookup=theme.static_file,
                      today=today or datetime.now(config.zone).date(), unparsed=errors + parse_errors)


def _discover(config: SiteConfig) -> tuple[list[SourceFile], list[HospiblogError]]:
    # Unreadable files are findings like any other; only a missing posts/ folder stops the check.
    try:
        return discover(config), []
    except BuildFailed as failure:
        return [], list(failure.errors)
