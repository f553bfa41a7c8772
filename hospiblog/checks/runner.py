"""Runs the rules over the posts and turns their issues into findings with the right level."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import get_args

from ..config import SiteConfig
from ..errors import HospiblogError, SourceLocation, flatten
from ..model import Post
from ..responsive import ImageSettings
from .context import CheckContext, Issue, StaticLookup, make_context
from .finding import ERROR, WARNING, Finding, Level
from .kept import CHECKS_FILE, Entry, KeptFindings, as_rows, context_digest, from_rows
from .rules import CHECKS_CONFIG, CONSENT_ENDED, FRONT_MATTER, RULES, RULES_BY_ID, Rule

OFF = "off"
LEVEL_NAMES = (OFF, *get_args(Level))
"""The values ``[checks.rules]`` accepts."""
Levels = dict[str, Level | None]
"""The level of each rule for this site; None for a rule turned off."""
DRAFT_NOTE = " (only a warning while the article is a draft: an error once it is published)"


@dataclass(frozen=True)
class CheckRun:
    """The findings of a run with what made them, so serve can check one edited post again alone."""

    findings: list[Finding]
    """Sorted by file and line."""
    context: CheckContext
    levels: Levels
    checked: tuple[str, ...] = ()
    """The posts the rules looked at in this run, by path; the others' findings were kept from the last run."""


def run_checks(
    posts: Sequence[Post],
    config: SiteConfig,
    *,
    static_lookup: StaticLookup,
    today: date,
    unparsed: Sequence[HospiblogError] = (),
    preview: bool = False,
    drafts: bool = False,
    image_settings: ImageSettings | None = None,
    cache_dir: Path | None = None,
) -> CheckRun:
    """Every finding of the content rules, with the context and the rules' levels that made them.

    ``posts`` are parsed posts before ``assemble_site`` (drafts and scheduled posts included);
    ``unparsed`` are the errors of the files that failed to parse, reported as ``front-matter``
    findings (or under the rule id they already carry). ``today`` is the date in the site's
    time zone (consents, reviews, scheduled links); ``preview`` is true for a build that shows
    drafts or scheduled posts, where links to them are no error; ``drafts`` is true when it shows
    drafts, whose problems that no build can get round (``duplicate-url``) then stay errors.
    The context of the run holds what the build needs of the checks: the posts' URLs and the
    images' sizes (:func:`assemble_site` takes them; each image file is opened once). ``image_settings``
    are the theme's responsive images, whose widths ``image-too-wide`` compares with.
    With ``cache_dir`` (``.hospiblog-cache/``), each post's findings are kept there and a post is checked again only
    when it, or what the rules see of the rest of the site, changed (:mod:`hospiblog.checks.kept`); without, every
    rule runs over every post and nothing is read or written.
    """
    levels, findings = rule_levels(config)
    parse_errors = flatten(list(unparsed))
    findings += [_from_parse_error(error, config) for error in parse_errors]
    context = make_context(posts, config, static_lookup=static_lookup, today=today, unparsed=parse_errors,
                           preview=preview, drafts=drafts, image_settings=image_settings)
    findings += check_config(context, levels)
    if cache_dir is None:
        for post in posts:
            findings += check_post(post, context, levels)
        checked = tuple(post.relative for post in posts)
    else:
        post_findings, checked = _check_changed_posts(posts, context, levels, cache_dir / CHECKS_FILE)
        findings += post_findings
    return CheckRun(sorted(findings, key=lambda finding: finding.sort_key), context, levels, checked)


def _check_changed_posts(posts: Sequence[Post], context: CheckContext, levels: Levels,
                         path: Path) -> tuple[list[Finding], tuple[str, ...]]:
    """The findings of every post, in the order a run over all of them gives, the rules running over the posts that
    changed only; and the paths of those."""
    kept = KeptFindings(path)
    shared = kept.shared_fingerprints(posts)
    digest = context_digest(context, levels, posts, shared)
    findings: list[Finding] = []
    checked: list[str] = []
    entries: dict[str, Entry] = {}
    for post, fingerprint in zip(posts, shared, strict=True):
        rows = kept.rows(post, digest)
        if rows is None:
            found = check_post(post, context, levels)
            checked.append(post.relative)
            rows = as_rows(post, found)
        else:
            found = from_rows(post, rows)
        if rows is not None and post.fingerprint:
            entries[post.relative] = (post.fingerprint, fingerprint, rows)
        findings += found
    kept.save(digest, entries)
    return findings, tuple(checked)


def check_config(context: CheckContext, levels: Levels) -> list[Finding]:
    """The findings of every rule that is on about site.toml itself (the images it names)."""
    findings: list[Finding] = []
    for rule in RULES:
        level = levels.get(rule.id)
        if rule.check_config is None or level is None:
            continue
        findings += [Finding(issue.message, level=level, rule=rule.id, hint=issue.hint,
                             location=SourceLocation(context.config.source_path, issue.line))
                     for issue in rule.check_config(context)]
    return findings


def check_post(post: Post, context: CheckContext, levels: Levels) -> list[Finding]:
    """The findings of every rule that is on, for one post."""
    findings: list[Finding] = []
    consent = post.meta.consent
    # A testimonial whose consent ended is left out of the site: only that is worth saying about it, besides what
    # no build can get round (its notice page still takes its URL).
    ended = consent is not None and consent.ended(context.today)
    rules = [rule for rule in RULES if rule.id == CONSENT_ENDED or not rule.configurable] if ended else RULES
    for rule in rules:
        level = levels.get(rule.id)
        if rule.check is None or level is None:
            continue
        findings += [_finding(post, rule, level, issue, context) for issue in rule.check(post, context)]
    return findings


def _finding(post: Post, rule: Rule, level: Level, issue: Issue, context: CheckContext) -> Finding:
    hint = issue.hint
    # A draft is work in progress: its problems must not stop the build of the rest of the site, unless it is
    # built too and the problem is one no build can get round (a rule that cannot be turned off).
    softened = post.meta.draft and (rule.configurable or not context.drafts)
    if level == ERROR and (softened or issue.at_most_warning):
        level = WARNING
        if softened:
            hint += DRAFT_NOTE
    return Finding(issue.message, level=level, rule=rule.id, hint=hint,
                   location=SourceLocation(post.source_path, issue.line or post.meta.line_of("title") or 1))


def _from_parse_error(error: HospiblogError, config: SiteConfig) -> Finding:
    # Always an error, whatever site.toml says: a post that does not parse cannot be built.
    return Finding(error.message, level=ERROR, rule=error.rule or FRONT_MATTER, hint=error.hint,
                   location=error.location or SourceLocation(config.posts_dir))


def rule_levels(config: SiteConfig) -> tuple[Levels, list[Finding]]:
    """Each rule's level after ``[checks.rules]``, and the findings about that table itself."""
    levels: Levels = {rule.id: None if rule.off_by_default else rule.level for rule in RULES}
    findings: list[Finding] = []
    for rule_id, value in config.checks.rules.items():
        problem = _rule_setting_problem(rule_id, value)
        if problem is not None:
            message, hint = problem
            findings.append(Finding(message, level=ERROR, rule=CHECKS_CONFIG, hint=hint,
                                    location=SourceLocation(config.source_path, _setting_line(config, rule_id))))
            continue
        levels[rule_id] = None if value == OFF else _as_level(value)
    return levels, findings


def _as_level(value: str) -> Level:
    return ERROR if value == ERROR else WARNING


def _rule_setting_problem(rule_id: str, value: str) -> tuple[str, str] | None:
    """(message, hint) when ``rule_id = value`` cannot be applied."""
    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, list(RULES_BY_ID), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"valid rules: {', '.join(RULES_BY_ID)}"
        return f"unknown rule '{rule_id}' in [checks.rules]", hint
    if value not in LEVEL_NAMES:
        close = difflib.get_close_matches(value, LEVEL_NAMES, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else f"write one of: {', '.join(LEVEL_NAMES)}"
        return f"'{value}' is not a level for rule '{rule_id}'", hint
    if not rule.configurable:
        return (f"the level of rule '{rule_id}' cannot be changed",
                "remove this line: an article with this problem cannot be built at all")
    return None


def _setting_line(config: SiteConfig, rule_id: str) -> int | None:
    """The line of site.toml that sets ``rule_id`` (tomllib keeps no positions), else that of [checks.rules]."""
    try:
        lines = config.source_path.read_text("utf-8-sig").splitlines()
    except OSError:
        return None
    setting = re.compile(rf"(?:^|[\s{{,.])[\"']?{re.escape(rule_id)}[\"']?\s*=")
    table = re.compile(r"^\s*\[\s*checks\s*\.\s*rules\s*\]")
    found = [number for number, line in enumerate(lines, start=1) if setting.search(line)]
    found += [number for number, line in enumerate(lines, start=1) if table.match(line)]
    return found[0] if found else None
