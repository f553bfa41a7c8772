"""``hospiblog check``: the content rules over a site folder, without building anything."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ..build import BuildOptions, BuildReport, Pipeline, Stages
from ..config import load_config
from .finding import Finding


def check_site(site_dir: Path, *, today: date | None = None, use_cache: bool = True) -> list[Finding]:
    """Every finding for the site in ``site_dir``; ``today`` defaults to today in the site's time zone.

    Raises :class:`HospiblogError` only for what stops everything: site.toml, the posts/
    folder or the theme cannot be used.
    """
    config = load_config(site_dir)
    pipeline = Pipeline(site_dir, options=BuildOptions(use_cache=use_cache))
    stages = Stages(BuildReport(config.site_dir))
    findings = pipeline.check(config, stages, today=today or datetime.now(config.zone).date())[2].findings
    return findings
