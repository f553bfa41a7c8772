"""The content rules of ``hospiblog check``, also run by every build.

Usage::

    findings = run_checks(posts, config, static_lookup=theme.static_file, today=today).findings
    errors_of(findings)    # stop the build
    warnings_of(findings)  # counted in the build report

``hospiblog.checks.command.check_site`` runs the whole ``check`` command for a site folder.
"""

from __future__ import annotations

from .context import CheckContext, Issue
from .finding import (
    ERROR,
    WARNING,
    Finding,
    Level,
    errors_of,
    format_findings_json,
    format_findings_text,
    summary_line,
    warnings_of,
)
from .rules import MEDICAL_CATEGORIES, RULES, RULES_BY_ID, TESTIMONIAL_CATEGORY, Rule, in_social_kit, next_change
from .runner import LEVEL_NAMES, CheckRun, check_post, rule_levels, run_checks

__all__ = [
    "ERROR",
    "LEVEL_NAMES",
    "MEDICAL_CATEGORIES",
    "RULES",
    "RULES_BY_ID",
    "TESTIMONIAL_CATEGORY",
    "WARNING",
    "CheckContext",
    "CheckRun",
    "Finding",
    "Issue",
    "Level",
    "Rule",
    "check_post",
    "errors_of",
    "format_findings_json",
    "format_findings_text",
    "in_social_kit",
    "next_change",
    "rule_levels",
    "run_checks",
    "summary_line",
    "warnings_of",
]
