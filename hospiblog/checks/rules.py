"""The content rules of ``hospiblog check``, each a small function, all listed in :data:`RULES`.

A rule looks at one post (and the :class:`CheckContext`) and yields :class:`Issue` values.
It never decides the final level: the runner applies the rule's default level, the
``[checks.rules]`` overrides of site.toml, and the softer treatment of drafts.
"""

from __future__ import annotations

import calendar
import difflib
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from ..config import MEDICAL_CATEGORIES as MEDICAL_CATEGORIES
from ..config import SiteConfig, setting_line
from ..events import registration_link
from ..model import Heading, JobOffer, Post
from .context import (
    CheckContext,
    ImageFile,
    Issue,
    body_outline,
    comparable,
    config_images,
    find_body_line,
    image_url_path,
    referenced_images,
    source_headings,
)
from .finding import ERROR, WARNING, Level

PostRule = Callable[[Post, CheckContext], Iterator[Issue]]
ConfigRule = Callable[[CheckContext], Iterator[Issue]]
"""A rule's look at site.toml: its issues' lines are lines of site.toml."""

TESTIMONIAL_CATEGORY = "testimonials"
"""The category of articles in which a person tells their own story (health data: consent needed)."""
CONSENT_ENDED = "consent-expired"
"""The rule that says a testimonial was left out because its consent ended."""
CONSENT_WARNING_DAYS = 30
"""A consent ending within this many days gets a warning, before the testimonial leaves the site."""
JOB_CLOSED_DAYS = 30
"""A job offer closed longer ago than this is worth removing: ``job-closed`` says so."""
_IMAGE_SUFFIX = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|svg|tiff?|heic)$", re.IGNORECASE)
_PLACEHOLDER_ALTS = frozenset({"image", "img", "photo", "picture", "illustration", "bild", "foto"})


@dataclass(frozen=True)
class Rule:
    """A content rule: its id (used in messages and in ``[checks.rules]``), level and one-line description."""

    id: str
    level: Level
    description: str
    check: PostRule | None = None
    """None for the rules the runner reports itself (front matter, the [checks.rules] table)."""
    configurable: bool = True
    """False for a problem no build can get round (a post that does not parse, two posts at one URL): site.toml
    may not change its level, and it stays an error on a draft that is built (``--drafts``)."""
    check_config: ConfigRule | None = None
    """The same rule's look at site.toml (the images it names), when it has one."""
    off_by_default: bool = False
    """Silent unless ``[checks.rules]`` gives it a level (``level`` is then the one it suggests)."""


def in_social_kit(post: Post) -> bool:
    """Whether the social kit offers this article: every article does unless its front matter says ``social: {}``.

    An explicit empty ``social:`` is the way to keep an article (a testimonial, say) off the
    hospital's own social accounts while it stays on the blog.
    """
    opted_out = post.meta.line_of("social") is not None and not post.meta.social
    return not opted_out


# -- links and cross-references ---------------------------------------------------------------------------------


def check_links(post: Post, context: CheckContext) -> Iterator[Issue]:
    """Links to post files that do not exist, or that will not be online when this article is."""
    for target, line in post.post_links:
        if target in context.unparsed:
            continue  # the file exists; its own front-matter finding says what is wrong
        linked = context.posts.get(target)
        if linked is None:
            yield Issue(f"link to {target}: that article does not exist", _missing_link_hint(post, target, context),
                        line)
            continue
        reason = _not_online_in_time(post, linked, context)
        if reason and linked.meta.consent is not None and linked.meta.consent.ended(context.today):
            yield Issue(f"link to {target}: that article {reason}", "remove the link", line, at_most_warning=True)
        elif reason:
            yield Issue(f"link to {target}: that article {reason}",
                        "publish that article first, or remove the link until it is online", line,
                        at_most_warning=context.preview)


def _missing_link_hint(post: Post, target: str, context: CheckContext) -> str:
    close = difflib.get_close_matches(target, list(context.posts), n=1, cutoff=0.6)
    if close:
        folder = posixpath.dirname(post.relative)
        return f"did you mean {posixpath.relpath(close[0], folder)}?"
    return "link to the .md file of an article, with a path relative to this file: ../prevention/bien-dormir.md"


def _not_online_in_time(post: Post, linked: Post, context: CheckContext) -> str | None:
    """Why ``linked`` may not be online while ``post`` is, or None.

    A draft is never online; a scheduled article is a problem only when it goes online
    after the article that links to it.
    """
    if linked.meta.draft:
        return "is a draft"
    if linked.meta.consent is not None and linked.meta.consent.ended(context.today):
        return "is a testimonial whose consent ended: the link leads to a notice that it was withdrawn"
    goes_online = linked.meta.date.astimezone(context.config.zone)
    if goes_online.date() > context.today and goes_online > post.meta.date:
        return f"is scheduled for {goes_online:%Y-%m-%d %H:%M}, after this article"
    return None


def check_author(post: Post, context: CheckContext) -> Iterator[Issue]:
    """An ``author:`` that is not a key of ``[authors]`` in site.toml."""
    author = post.meta.author
    if author and author not in context.config.authors:
        close = difflib.get_close_matches(author, list(context.config.authors), n=1, cutoff=0.6)
        valid = ", ".join(context.config.authors) or "(none yet: add [authors.<key>] tables to site.toml)"
        hint = f"did you mean '{close[0]}'? " if close else ""
        yield Issue(f"unknown author '{author}'", f"{hint}use one of the authors of site.toml: {valid}",
                    post.meta.line_of("author"))


def check_campaign(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A ``campaign:`` that is not a key of ``[campaigns]`` in site.toml."""
    campaign = post.meta.campaign
    campaigns = list(context.config.campaigns)
    if campaign and campaign not in campaigns:
        close = difflib.get_close_matches(campaign, campaigns, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        valid = (f"use one of the campaigns of site.toml: {', '.join(campaigns)}" if campaigns
                 else "add a [campaigns.<key>] table to site.toml (label, dates, colour, hashtags)")
        yield Issue(f"unknown campaign '{campaign}'", hint + valid, post.meta.line_of("campaign"))


def check_duplicate_url(post: Post, context: CheckContext) -> Iterator[Issue]:
    """Two articles that would be published at the same URL, or one at the URL of listing pages."""
    if post.meta.slug == "page":
        yield Issue("the slug 'page' is reserved for listing pages", "add `slug:` with another value",
                    post.meta.line_of("slug") or post.meta.line_of("title"))
    url = context.urls.get(post.relative)
    if url is None:
        return
    others = [owner for owner in context.url_owners.get(url, ()) if owner != post.relative]
    if not others:
        return
    # Drafts are not built unless asked: until then, sharing a URL with drafts only is a warning.
    with_drafts_only = not context.drafts and all(context.posts[other].meta.draft for other in others)
    note = " (only a warning while the other is a draft)" if with_drafts_only and not post.meta.draft else ""
    yield Issue(f"this article and {', '.join(others)} would both be published at {url}",
                f"give one of them another title or a `slug:` of its own{note}",
                post.meta.line_of("slug") or post.meta.line_of("title"), at_most_warning=with_drafts_only)


# -- languages ----------------------------------------------------------------------------------------------------


def check_language(post: Post, context: CheckContext) -> Iterator[Issue]:
    """On a site in several languages, a post in a language the site does not list (a one-language site keeps
    any post, whatever its ``lang``: it changes only the article's ``lang`` attribute)."""
    config = context.config
    lang = post.meta.lang
    if not config.multilingual or lang is None or config.edition_of(lang) == lang.split("-")[0].lower():
        return
    listed = ", ".join(config.site_languages)
    yield Issue(f"this article is in '{lang}', which is not a language of the site ({listed})",
                f"write `lang:` with one of {listed}, or add a [languages.{lang.split('-')[0].lower()}] table to "
                "site.toml", post.meta.line_of("lang"))


def check_translation_duplicate(post: Post, context: CheckContext) -> Iterator[Issue]:
    """Two articles of one language sharing a translation key: which one would the other languages link to?"""
    key = post.meta.translation_key
    if key is None:
        return
    language = context.config.edition_of(post.meta.lang)
    others = [other for other in context.translations.get(key, {}).get(language, ()) if other != post.relative]
    if others:
        yield Issue(f"this article and {', '.join(others)} are both the {language} version of "
                    f"translation_key '{key}'", "give each translation its own language (`lang:`), or one of "
                    "them another translation_key", post.meta.line_of("translation_key"))


def check_translation_missing(post: Post, context: CheckContext) -> Iterator[Issue]:
    """An article whose translation into one of the site's languages does not exist (yet)."""
    config = context.config
    if not config.multilingual or post.meta.draft:
        return
    versions = context.translations.get(post.meta.translation_key or "", {})
    mine = config.edition_of(post.meta.lang)
    missing = [language for language in config.site_languages if language != mine and language not in versions]
    if missing:
        yield Issue(f"no translation into {', '.join(missing)}",
                    f"start one with `hospiblog new --lang {missing[0]} --translation-of {post.relative}`",
                    post.meta.line_of("translation_key") or post.meta.line_of("title"))


# -- images -------------------------------------------------------------------------------------------------------


def check_missing_images(post: Post, context: CheckContext) -> Iterator[Issue]:
    """Local images (body, ``image``, ``share_image``) with no file under static/, or one that is not an image."""
    for image, line in referenced_images(post):
        issue = _image_issue(image, context.images.get(image_url_path(image)), line)
        if issue is not None:
            yield issue


def check_config_images(context: CheckContext) -> Iterator[Issue]:
    """The images site.toml names (``organization.logo``, an author's ``portrait``), checked as the posts' are."""
    for key_path, image in config_images(context.config):
        found = context.images.get(image_url_path(image))
        issue = _image_issue(image, found, setting_line(context.config, key_path), prefix=".".join(key_path))
        if issue is not None:
            yield issue


def _image_issue(image: str, found: ImageFile | None, line: int | None, *, prefix: str = "") -> Issue | None:
    """What is wrong with an image file the site uses, or None. Without ``missing-image``, the image is published
    without its size."""
    where = f"{prefix}: " if prefix else ""
    if found is None:
        return Issue(f"{where}image not found: {image}",
                     "put the image under static/ (e.g. static/images/photo.jpg) "
                     "and write its path from there: /images/photo.jpg", line)
    if not found.readable:
        return Issue(f"{where}image cannot be read: {image}",
                     "save it again as JPEG, PNG or WebP; the file may be damaged or of another kind", line)
    return None


def check_image_size(post: Post, context: CheckContext) -> Iterator[Issue]:
    """Image files heavier than ``[checks] image_max_kb``: slow on a phone."""
    limit_kb = context.config.checks.image_max_kb
    seen: set[str] = set()
    for image, line in referenced_images(post):
        url = image_url_path(image)
        found = context.images.get(url)
        if found is None or url in seen:
            continue
        seen.add(url)
        size_kb = found.size_bytes / 1024
        if size_kb > limit_kb:
            yield Issue(f"image {image} weighs {size_kb:.0f} KB, more than {limit_kb} KB",
                        "resize it (1600 pixels wide is plenty) and save it as JPEG at about 80 % quality, "
                        "or as WebP", line)


SHARE_IMAGE_MINIMUM = (1200, 630)
"""The Open Graph size Facebook and LinkedIn recommend (developers.facebook.com/docs/sharing/webmasters/images,
LinkedIn's post inspector help); smaller images are shown small or blurred."""


def check_image_too_small(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A share_image smaller than the Open Graph size, or a hero image too small to fill a card's background."""
    width, height = SHARE_IMAGE_MINIMUM
    for key in ("share_image", "image"):
        image = getattr(post.meta, key)
        found = context.images.get(image_url_path(image)) if image else None
        if found is None or found.pixels == (0, 0):
            continue
        if found.pixels[0] < width or found.pixels[1] < height:
            use = "shared on social networks" if key == "share_image" else "behind the share card's title"
            yield Issue(f"{key} {image} is {found.pixels[0]}×{found.pixels[1]} pixels, smaller than "
                        f"{width}×{height}: it will look blurred when {use}",
                        f"use an image at least {width} pixels wide and {height} high", post.meta.line_of(key))


def check_image_gps(post: Post, context: CheckContext) -> Iterator[Issue]:
    """An image whose file says where it was taken (EXIF GPS): the site publishes it without, but the editor
    should know the original carries it."""
    for image, line in _each_image(post, context):
        issue = _gps_issue(image, context.images.get(image_url_path(image)), line)
        if issue is not None:
            yield issue


def check_config_image_gps(context: CheckContext) -> Iterator[Issue]:
    """The images site.toml names (logo, portraits), looked at as the posts' are."""
    for key_path, image in config_images(context.config):
        issue = _gps_issue(image, context.images.get(image_url_path(image)), setting_line(context.config, key_path),
                           prefix=".".join(key_path))
        if issue is not None:
            yield issue


def _gps_issue(image: str, found: ImageFile | None, line: int | None, *, prefix: str = "") -> Issue | None:
    # The position itself is never printed: build logs are read by more people than the photo was meant for.
    if found is None or not found.gps:
        return None
    where = f"{prefix}: " if prefix else ""
    return Issue(f"{where}the image {image} says where it was taken (a GPS position in its EXIF); the site publishes "
                 "it without, but the file in static/ still carries it",
                 "nothing to do for the site; to keep the position out of the repository and of copies sent by "
                 "hand, remove it (e.g. exiftool -gps:all= file) or turn location off in the camera's settings", line)


def _each_image(post: Post, context: CheckContext) -> Iterator[tuple[str, int]]:
    """Each local image of a post once (body, ``image``, ``share_image``), at the first line that names it."""
    first: dict[str, tuple[str, int]] = {}
    for image, line in referenced_images(post):
        url = image_url_path(image)
        if url not in first or line < first[url][1]:
            first[url] = (image, line)
    yield from sorted(first.values(), key=lambda found: found[1])


def check_image_too_wide(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A hero or body image far wider than any width the theme publishes: the site never shows it that large."""
    settings = context.image_settings
    if settings is None:
        return
    shown = {image_url_path(path) for path, _line in post.local_images}
    shown.update([image_url_path(post.meta.image)] if post.meta.image else [])
    for image, line in _each_image(post, context):
        if image_url_path(image) not in shown:
            continue  # a share image is published at its own size, for networks
        issue = _too_wide_issue(image, context.images.get(image_url_path(image)), max(settings.widths),
                                settings.too_wide, line)
        if issue is not None:
            yield issue


def check_config_image_too_wide(context: CheckContext) -> Iterator[Issue]:
    """An author's portrait far wider than the portraits the theme publishes."""
    settings = context.image_settings
    if settings is None:
        return
    for key, author in context.config.authors.items():
        if author.portrait:
            issue = _too_wide_issue(author.portrait, context.images.get(image_url_path(author.portrait)),
                                    max(settings.portrait_widths), settings.too_wide,
                                    setting_line(context.config, ("authors", key, "portrait")),
                                    prefix=f"authors.{key}.portrait")
            if issue is not None:
                yield issue


def _too_wide_issue(image: str, found: ImageFile | None, widest: int, factor: float, line: int | None, *,
                    prefix: str = "") -> Issue | None:
    if found is None or found.pixels[0] <= widest * factor:
        return None
    where = f"{prefix}: " if prefix else ""
    return Issue(f"{where}the image {image} is {found.pixels[0]} pixels wide; the theme publishes it at most "
                 f"{widest} pixels wide",
                 f"resize it to {widest} pixels wide before adding it: the site is the same, and the repository, "
                 "every build that reads it and every copy of the site are lighter", line)


def check_image_alt(post: Post, context: CheckContext) -> Iterator[Issue]:
    """Images without alternative text, or with one that tells a blind reader nothing (a file name)."""
    meta = post.meta
    if meta.image and not meta.image_alt.strip():
        yield Issue("the image has no alternative text (image_alt)", _ALT_HINT, meta.line_of("image"))
    elif meta.image and _is_placeholder_alt(meta.image_alt):
        yield Issue(f"the alternative text \"{meta.image_alt}\" does not describe the image", _ALT_HINT,
                    meta.line_of("image_alt"))
    for source, alt in body_outline(post).images:
        if alt is None or not alt.strip():
            yield Issue(f"the image {source} has no alternative text", _BODY_ALT_HINT,
                        _image_line(post, source, empty_alt=True))
        elif _is_placeholder_alt(alt):
            yield Issue(f"the alternative text \"{alt}\" of {source} does not describe the image", _BODY_ALT_HINT,
                        _image_line(post, source, empty_alt=False))


_ALT_HINT = ("write in `image_alt:` what the image shows, in a sentence, for readers who cannot see it")
_BODY_ALT_HINT = ("write what the image shows between the brackets: ![Une infirmière prend la tension](/images/x.jpg)")


def _is_placeholder_alt(alt: str) -> bool:
    text = alt.strip().lower().rstrip(".")
    return text in _PLACEHOLDER_ALTS or bool(_IMAGE_SUFFIX.search(text))


def _image_line(post: Post, source: str, *, empty_alt: bool) -> int:
    """The line that writes an image: its file name after ``![`` or in an ``<img``, the empty ``![]`` preferred."""
    name = posixpath.basename(source)

    def writes_it(line: str) -> bool:
        return ("![" in line or "<img" in line.lower()) and name in line

    def writes_it_empty(line: str) -> bool:
        return writes_it(line) and re.search(r"!\[\s*\]", line) is not None

    found = find_body_line(post, writes_it_empty) if empty_alt else None
    return found or find_body_line(post, writes_it) or post.body_line


# -- videos -------------------------------------------------------------------------------------------------------


def check_video_transcript(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A video without transcription, or whose transcription names a place the article does not have."""
    for video in post.videos:
        if not video.transcript:
            yield Issue(f"the video \"{video.title}\" has no transcription",
                        "add `transcription:` to its block: readers who cannot hear the video, or who do not want "
                        "to load it from its host, read it there (a section of the article, `transcription: "
                        "#transcription`, or another article's file)", video.line)
        elif video.transcript.startswith("#") and f' id="{video.transcript[1:]}"' not in post.parsed_html:
            yield Issue(f"the transcription {video.transcript} of the video \"{video.title}\" names no heading "
                        "of this article",
                        "write the anchor of the transcript's heading: `## Transcription de la vidéo` is "
                        "`#transcription-de-la-video`", video.line)


# -- text ---------------------------------------------------------------------------------------------------------


def check_title_length(post: Post, context: CheckContext) -> Iterator[Issue]:
    """Titles longer than ``[checks] title_max``: a share card or a search result cuts them."""
    limit = context.config.checks.title_max
    length = len(post.meta.title)
    if length > limit:
        yield Issue(f"the title has {length} characters, more than {limit}: too long for a share card",
                    f"shorten it to {limit} characters or fewer; keep the words a reader would search for",
                    post.meta.line_of("title"))


def check_summary_missing(post: Post, context: CheckContext) -> Iterator[Issue]:
    """No summary: listings, feeds and share cards then show the first words of the text."""
    if not post.meta.summary.strip():
        yield Issue("the article has no summary",
                    'add `summary: "…"`: one or two sentences shown in listings, feeds and share cards',
                    post.meta.line_of("summary") or post.meta.line_of("title"))


def check_summary_length(post: Post, context: CheckContext) -> Iterator[Issue]:
    """Summaries longer than ``[checks] summary_max``: search results and cards cut them."""
    limit = context.config.checks.summary_max
    length = len(post.meta.summary)
    if length > limit:
        yield Issue(f"the summary has {length} characters, more than {limit}",
                    f"shorten it to {limit} characters or fewer; search results and share cards cut the rest",
                    post.meta.line_of("summary"))


def check_heading_order(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A heading level skipped (## then ####), or a level-1 heading in the body (the title is the only one)."""
    headings = body_outline(post).headings
    previous = 1  # the article's title is the page's h1
    for index, heading in enumerate(headings):
        if heading.level == 1:
            yield Issue(f"level-1 heading \"{heading.text}\" in the text: the title is the page's only one",
                        "write it with ## (or make it the title); start the text's sections at ##",
                        _heading_line(post, headings, index))
        elif heading.level > previous + 1:
            yield Issue(f"heading \"{heading.text}\" (level {heading.level}) skips a level after level {previous}",
                        f"write it with {'#' * (previous + 1)}, or add the missing level above it; screen readers "
                        "use heading levels to navigate", _heading_line(post, headings, index))
        previous = heading.level


def _heading_line(post: Post, headings: tuple[Heading, ...], wanted: int) -> int:
    """The source line of the ``wanted``-th rendered heading, matched by text (in order, each line used once).

    Only called for a heading with a problem: reading the source is the costly part of the rule.
    """
    available = source_headings(post)
    line = post.body_line
    for position, heading in enumerate(headings[: wanted + 1]):
        text = comparable(heading.text)
        match = next((entry for entry in available if text and text in entry[1]), None)
        if match is None and position < len(available):
            match = available[0]  # a heading written in raw HTML or underlined: take the next one in order
        if match is not None:
            available.remove(match)
        line = match[0] if match is not None else post.body_line
    return line


# -- health information -------------------------------------------------------------------------------------------


def check_medical_review(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A medicine or prevention article that does not say who reviewed its medical content, and when."""
    if post.meta.category not in MEDICAL_CATEGORIES:
        return
    missing = [key for key in ("reviewed_by", "last_reviewed") if not getattr(post.meta, key)]
    if missing:
        meta = post.meta
        yield Issue(f"medical article without {' and '.join(missing)}",
                    'add `reviewed_by: "Dr …, médecin-chef"` and `last_reviewed: 2026-11-22`: the physician '
                    "who checked the medical content, and when",
                    meta.line_of("reviewed_by") or meta.line_of("last_reviewed") or meta.line_of("title"))


def check_medical_sources(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A medicine or prevention article that does not say on what it rests: no ``sources:``."""
    if post.meta.category in MEDICAL_CATEGORIES and not post.meta.sources:
        meta = post.meta
        yield Issue("medical article without sources",
                    'add sources: then, for each work the article rests on, `- title: "…"`, `publisher: "…"`, '
                    "`year: 2025` and `url: https://…` (a health authority, a learned society, a guideline)",
                    meta.line_of("sources") or meta.line_of("reviewed_by") or meta.line_of("title"))


def check_review_age(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A medical review older than ``[checks] review_max_months``: the advice may be out of date."""
    reviewed = post.meta.last_reviewed
    months = context.config.checks.review_max_months
    if reviewed is not None and reviewed < months_before(context.today, months):
        yield Issue(f"the medical review of {reviewed:%Y-%m-%d} is more than {months} months old",
                    "have the article reviewed again, then update `last_reviewed:` (and `reviewed_by:`)",
                    post.meta.line_of("last_reviewed"))


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_after(day: date, months: int) -> date:
    """The same day ``months`` months later (the month's last day when it is shorter)."""
    return months_before(day, -months)


def next_change(posts: Iterable[Post], config: SiteConfig, *, today: date) -> datetime | None:
    """The next local midnight at which a date-based rule (consents, reviews) gives other findings.

    A build that skips an unchanged site must not skip that day: a consent that expires changes
    nothing in the sources. (Scheduled posts are the build's own business.)
    """
    days = [day for post in posts for day in _change_days(post, config) if day > today]
    return datetime.combine(min(days), time(0, 0), tzinfo=config.zone) if days else None


def _change_days(post: Post, config: SiteConfig) -> list[date]:
    days: list[date] = []
    consent = post.meta.consent
    if consent is not None and consent.expires is not None:
        days.append(consent.expires - timedelta(days=CONSENT_WARNING_DAYS - 1))
    if consent is not None and consent.ends_on is not None:
        days.append(consent.ends_on)
    if post.meta.last_reviewed is not None:
        days.append(months_after(post.meta.last_reviewed, config.checks.review_max_months) + timedelta(days=1))
    job = post.meta.job
    if job is not None and job.ends_on is not None:
        # Closed, an offer no longer needs a salary or an address to apply; a month later it is worth removing.
        days += [job.ends_on, job.ends_on + timedelta(days=JOB_CLOSED_DAYS)]
    return days


def check_testimonial_consent(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A testimonial without recorded consent covering the web, or published before the consent was given."""
    if post.meta.category != TESTIMONIAL_CATEGORY:
        return
    consent = post.meta.consent
    if consent is None:
        yield Issue("testimonial without the recorded consent of the person who speaks",
                    "add consent: then, indented, `given: 2026-09-20` and `scope: [web, social]`, as signed "
                    "on the consent form; a patient's story is health data",
                    post.meta.line_of("title"))
        return
    line = post.meta.line_of("consent")
    if "web" not in consent.scope:
        yield Issue(f"the consent covers {', '.join(consent.scope) or 'nothing'}, not the web",
                    "publish it only with a consent whose scope includes web; otherwise keep it as a draft", line)
    published = post.meta.date.date()
    if consent.given > published:
        yield Issue(f"the consent was given on {consent.given:%Y-%m-%d}, after the article's date "
                    f"{published:%Y-%m-%d}", "check the date on the consent form, or the article's date", line)


def check_consent_expired(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A consent that expired or was withdrawn: the build leaves the testimonial out by itself and says so."""
    consent = post.meta.consent
    if consent is None or not consent.ended(context.today):
        return
    if consent.withdrawn is not None and consent.withdrawn <= context.today:
        what = f"the consent was withdrawn on {consent.withdrawn:%Y-%m-%d}"
    else:
        what = f"the consent expired on {consent.expires:%Y-%m-%d}"
    yield Issue(f"{what}: this testimonial is left out of the site (its address shows a short notice "
                "that it was withdrawn, without its content)",
                "nothing to do; to publish it again, record a renewed consent (a new `expires:` date and no "
                "`withdrawn:`)", post.meta.line_of("consent"))


def check_consent_expiring(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A consent that ends within 30 days: time to renew it before the testimonial leaves the site."""
    consent = post.meta.consent
    if consent is None or consent.expires is None or consent.ended(context.today):
        return
    if context.today <= consent.expires < context.today + timedelta(days=CONSENT_WARNING_DAYS):
        yield Issue(f"the consent expires on {consent.expires:%Y-%m-%d}, in less than {CONSENT_WARNING_DAYS} days",
                    "ask the person to renew their consent (a new `expires:` date); otherwise the first build "
                    f"from {consent.ends_on:%Y-%m-%d} on leaves the testimonial out of the site",
                    post.meta.line_of("consent"))


def check_consent_social(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A consent without ``social`` on an article the social kit offers for the hospital's accounts."""
    consent = post.meta.consent
    if consent is not None and "social" not in consent.scope and in_social_kit(post):
        yield Issue("the consent does not cover social networks, but the social kit offers this article",
                    "add social to `scope:` if the consent form says so; otherwise write `social: {}` to keep "
                    "the article off the social kit", post.meta.line_of("social") or post.meta.line_of("consent"))


# -- events -------------------------------------------------------------------------------------------------------


def check_event_dates(post: Post, context: CheckContext) -> Iterator[Issue]:
    """An event that ends before it starts."""
    event = post.meta.event
    if event is None or event.end is None or event.end >= event.start:
        return
    zone = context.config.zone
    yield Issue(f"event.end: the event ends on {_moment(event.end, event.all_day, zone)}, before it starts "
                f"({_moment(event.start, event.all_day, zone)})",
                "correct `end:` (or `start:`) under `event:`; an all-day event's `end:` is its last day",
                _event_line(post, "end"))


def check_event_place(post: Post, context: CheckContext) -> Iterator[Issue]:
    """An event with neither a place nor an online address, or moved online without the address."""
    event = post.meta.event
    if event is None:
        return
    if event.status == "online" and not event.online:
        yield Issue("event.status: the event moved online, but `online:` gives no address to follow it",
                    "add `online: https://…` under `event:` with the address of the online event",
                    _event_line(post, "status"))
    elif event.location is None and not event.online:
        yield Issue("event: neither `location:` nor `online:`: readers cannot know where the event takes place",
                    "add `location:` with the place's `name:` and `address:`, or `online: https://…` for an "
                    "online event", _event_line(post, ""))


def check_event_registration(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A registration that is neither a web address nor an e-mail address: the page cannot link to it."""
    event = post.meta.event
    if event is not None and event.registration and not registration_link(event.registration):
        yield Issue(f"event.registration: '{event.registration}' is neither a web address nor an e-mail address",
                    "write the address of the registration form (`registration: https://…`) or an e-mail address "
                    "(`registration: inscription@hopital.ch`); say anything else in the article's text",
                    _event_line(post, "registration"))


def check_event_past(post: Post, context: CheckContext) -> Iterator[Issue]:
    """An article published after its event is over: feeds and the home page would announce it as new."""
    event = post.meta.event
    if event is None or post.meta.date < event.ends_at:
        return
    zone = context.config.zone
    yield Issue(f"the article is published on {post.meta.date.astimezone(zone):%Y-%m-%d %H:%M}, after its event "
                f"({_moment(event.start, event.all_day, zone)}) is over: it would be announced as new",
                "date the article before the event; an article that reports on an event afterwards needs no "
                "`event:` block", post.meta.line_of("date"))


def check_event_updated(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A cancelled or postponed event without ``updated:``: calendars that imported it would not take the change."""
    event = post.meta.event
    if event is not None and event.status in ("cancelled", "postponed") and post.meta.updated is None:
        yield Issue(f"the event is {event.status} but the article has no `updated:`: calendars that imported it "
                    "will not take the change",
                    "add `updated:` with the date and time of the change (e.g. `updated: 2026-11-19 14:00`); set it "
                    "again whenever the event changes", _event_line(post, "status"))


def _event_line(post: Post, key: str) -> int | None:
    """The line of ``event.<key>``, else that of ``event:``."""
    return (post.meta.line_of(f"event.{key}") if key else None) or post.meta.line_of("event")


def _moment(moment: datetime, all_day: bool, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d}" if all_day else f"{local:%Y-%m-%d %H:%M}"


# -- job offers ---------------------------------------------------------------------------------------------------


def _open_offer(post: Post, context: CheckContext) -> JobOffer | None:
    """The post's job offer while applications are open, else None (a closed offer needs no salary nor address)."""
    job = post.meta.job
    return job if job is not None and not job.closed(context.today) else None


def _job_line(post: Post, *keys: str) -> int | None:
    """The line of the first of ``keys`` written in the post, else that of ``job:``."""
    return next((line for key in keys if (line := post.meta.line_of(key))), post.meta.line_of("job"))


def check_job_closed(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A job offer closed more than 30 days ago that is still published: the position is likely filled."""
    job = post.meta.job
    if job is None or job.closes is None:
        return
    days = (context.today - job.closes).days
    if days > JOB_CLOSED_DAYS:
        yield Issue(f"the job offer closed on {job.closes:%Y-%m-%d}, {days} days ago, and is still published",
                    "delete the file once the position is filled, or make it a draft (`draft: true`); until then "
                    "its page says applications are closed and it is on neither the jobs page nor its feed",
                    _job_line(post, "job.closes"))


def check_job_closes_missing(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A job offer without a closing date: it stays on the jobs page until the file changes."""
    job = post.meta.job
    if job is not None and job.closes is None:
        yield Issue("the job offer has no closing date (job.closes): it stays on the jobs page and in its feed "
                    "until someone removes it", "add `closes: 2027-01-31` under `job:`, the last day candidates can "
                    "apply: the next build after that day takes the offer off by itself", _job_line(post))


def check_job_apply_missing(post: Post, context: CheckContext) -> Iterator[Issue]:
    """An open job offer that says nowhere how to apply: its page would have no « Postuler » button."""
    job = _open_offer(post, context)
    if job is not None and not job.apply:
        yield Issue("the job offer does not say how to apply (job.apply): its page has no button to apply",
                    "add `apply:` under `job:` with the address of the application form (https://…) or an "
                    "e-mail address", _job_line(post))


def check_job_salary_missing(post: Post, context: CheckContext) -> Iterator[Issue]:
    """An open job offer without a salary: candidates expect it, and job search engines show it."""
    job = _open_offer(post, context)
    if job is not None and job.salary is None:
        yield Issue("the job offer gives no salary (job.salary): candidates expect it",
                    "add `salary:` under `job:` with, indented, `min: 6350`, `max: 8900` and `unit: month` "
                    "(or year, hour)", _job_line(post))


def check_job_salary_range(post: Post, context: CheckContext) -> Iterator[Issue]:
    """A salary whose minimum is above its maximum."""
    salary = post.meta.job.salary if post.meta.job is not None else None
    if salary is None or salary.minimum is None or salary.maximum is None or salary.minimum <= salary.maximum:
        return
    yield Issue(f"job.salary: the minimum {salary.minimum:g} is above the maximum {salary.maximum:g}",
                "swap `min:` and `max:`, or correct the figures", _job_line(post, "job.salary.min", "job.salary"))


# -- the table ----------------------------------------------------------------------------------------------------

FRONT_MATTER = "front-matter"
CHECKS_CONFIG = "checks-config"

RULES: tuple[Rule, ...] = (
    Rule(FRONT_MATTER, ERROR, "the file cannot be read, or its front matter has a wrong field or value",
         configurable=False),
    Rule(CHECKS_CONFIG, ERROR, "[checks.rules] in site.toml names an unknown rule or level", configurable=False),
    Rule("broken-link", ERROR, "a link to an article that does not exist, is a draft, or goes online later",
         check_links),
    Rule("unknown-author", ERROR, "author: names no author of site.toml", check_author),
    Rule("unknown-campaign", ERROR, "campaign: names no campaign of site.toml", check_campaign),
    Rule("duplicate-url", ERROR, "two articles would be published at the same URL (or one at listing pages')",
         check_duplicate_url, configurable=False),
    Rule("missing-image", ERROR, "an image that is not under static/ or cannot be read", check_missing_images,
         check_config=check_config_images),
    Rule("image-too-large", WARNING, "an image file heavier than [checks] image_max_kb", check_image_size),
    Rule("image-too-small", WARNING, "a share or hero image smaller than 1200×630, blurred on networks",
         check_image_too_small),
    Rule("image-too-wide", WARNING, "an image more than twice as wide as the theme publishes it (too_wide)",
         check_image_too_wide, check_config=check_config_image_too_wide),
    Rule("image-gps", WARNING, "an image file that says where it was taken (EXIF GPS); the site publishes it without",
         check_image_gps, check_config=check_config_image_gps),
    Rule("image-alt", ERROR, "an image without alternative text, or with a file name as one", check_image_alt),
    Rule("video-transcript", WARNING, "a video without transcription, or whose transcription is not in the article",
         check_video_transcript),
    Rule("title-length", WARNING, "a title longer than [checks] title_max: too long for a share card",
         check_title_length),
    Rule("summary-missing", WARNING, "an article without summary", check_summary_missing),
    Rule("summary-length", WARNING, "a summary longer than [checks] summary_max", check_summary_length),
    Rule("heading-order", WARNING, "a heading that skips a level, or a level-1 heading in the text",
         check_heading_order),
    Rule("medical-review", WARNING, "a medicine or prevention article without reviewed_by and last_reviewed",
         check_medical_review),
    Rule("medical-sources", WARNING, "a medicine or prevention article without sources", check_medical_sources),
    Rule("review-outdated", WARNING, "a medical review older than [checks] review_max_months", check_review_age),
    Rule("testimonial-consent", ERROR, "a testimonial without consent covering the web, or given after publication",
         check_testimonial_consent),
    Rule(CONSENT_ENDED, WARNING, "a testimonial whose consent expired or was withdrawn: left out of the site",
         check_consent_expired),
    Rule("consent-expiring", WARNING, "a consent that expires within 30 days", check_consent_expiring),
    Rule("consent-social", ERROR, "a consent without social on an article offered by the social kit",
         check_consent_social),
    Rule("event-dates", ERROR, "an event that ends before it starts", check_event_dates),
    Rule("event-place", ERROR, "an event with neither a place nor an online address", check_event_place),
    Rule("event-registration", ERROR, "an event registration that is neither a web nor an e-mail address",
         check_event_registration),
    Rule("event-past", WARNING, "an article published after its event is over (announced as new)",
         check_event_past),
    Rule("event-updated", WARNING, "a cancelled or postponed event without updated: (calendars miss the change)",
         check_event_updated),
    Rule("job-apply-missing", ERROR, "an open job offer without job.apply: no way to apply", check_job_apply_missing),
    Rule("job-salary-range", ERROR, "a job offer whose salary minimum is above its maximum", check_job_salary_range),
    Rule("job-closes-missing", WARNING, "a job offer without a closing date: it never leaves the jobs page",
         check_job_closes_missing),
    Rule("job-salary-missing", WARNING, "an open job offer without a salary", check_job_salary_missing),
    Rule("job-closed", WARNING, "a job offer closed more than 30 days ago is still published", check_job_closed),
    Rule("unknown-language", ERROR, "an article in a language that a site in several languages does not list",
         check_language),
    Rule("translation-duplicate", ERROR, "two articles of one language with the same translation_key",
         check_translation_duplicate),
    Rule("translation-missing", WARNING, "an article without a translation into every language of the site "
         "(off unless [checks.rules] gives it a level)", check_translation_missing, off_by_default=True),
)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
