"""The parse stage: a source file to a :class:`Post`, or every problem found in it."""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

from .. import state
from ..config import SiteConfig
from ..errors import BuildFailed, ContentError, HospiblogError, SourceLocation
from ..model import Consent, JobOffer, Post, PostMeta, Source, SourceFile, reading_minutes
from ..urls import MAX_SLUG, short_slug, slugify, split_url
from .discover import source_bytes
from .event import read_event
from .frontmatter import SplitPost, decode, split
from .images import adopt_raw_images
from .jobs import read_job
from .outline import outline_of
from .sanitize import sanitize
from .typography import french_typography
from .values import YEARS
from .values import describe as _describe
from .values import short as _short

FIELDS = (
    "title", "date", "category", "summary", "author", "tags", "image", "image_alt", "draft",
    "updated", "slug", "lang", "reviewed_by", "last_reviewed", "consent", "share_image", "social",
    "campaign", "sources", "event", "job", "translation_key",
)
SOCIAL_NETWORKS = ("facebook", "instagram", "linkedin", "x", "whatsapp")
CONSENT_SCOPES = ("web", "social", "print")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_WORD = re.compile(r"\w+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
"""Characters no text field may hold (XML forbids them: feeds could not carry them)."""
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")
_TAG = re.compile(r"<[^>]+>")
_LOCAL_DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class ParseSettings:
    """What a parse depends on besides the file; part of every cache key."""

    language: str
    timezone: str
    categories: tuple[str, ...]
    allow_raw_html: bool = False

    @classmethod
    def of(cls, config: SiteConfig) -> ParseSettings:
        return cls(config.language, config.timezone, tuple(sorted(config.categories)), config.allow_raw_html)

    def digest(self) -> str:
        text = (f"{code_fingerprint()}|{self.language}|{self.timezone}|{','.join(self.categories)}"
                f"|{self.allow_raw_html}")
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """Hash of the parsing code itself and of the model it makes (a kept Post is a pickle of model.py's classes),
    with the versions of the libraries whose output a parse keeps (python-markdown, PyYAML, nh3, lxml, and Unidecode,
    which makes the slugs), so neither a new hospiblog nor an upgraded library reuses an old parse. (This module's
    imports have loaded them: PyYAML with frontmatter.py, nh3 with sanitize.py, lxml with outline.py, python-markdown's
    core with typography.py, Unidecode with urls.py; Unidecode names no version of its own.)"""
    import lxml.etree
    import markdown
    import nh3
    import yaml

    versions = (f"markdown {markdown.__version__}|yaml {yaml.__version__}|nh3 {getattr(nh3, '__version__', '')}"
                f"|lxml {lxml.etree.__version__}|unidecode {state.installed('Unidecode')}")
    return f"{state.code_fingerprint('content', 'model.py')}|{versions}"


def listing_fingerprint(relative: str, meta: PostMeta, words: int) -> str:
    """What a listing shows of a post (:attr:`Post.listing_fingerprint`): its path, its front matter (a tree of
    frozen dataclasses, tuples, strings, numbers and dates, whose ``repr`` is the same in every process) but for the
    line of each key (which only messages show), and its reading time, not its body: an edit of the body alone
    leaves the pages listing the post as they were."""
    text = f"{relative}\0{replace(meta, lines=())!r}\0{reading_minutes(words)}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def parse_key(source: SourceFile, settings: ParseSettings) -> str:
    """Cache key of a parse: the file's bytes, its path and the settings."""
    text = f"{source.fingerprint}|{source.relative}|{settings.digest()}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def parse_post(source: SourceFile, settings: ParseSettings) -> Post:
    """Parses one post; raises ContentError or BuildFailed with every problem of the file."""
    from .markdown import render_markdown  # python-markdown and its extensions: only a build that parses needs them

    text = decode(source_bytes(source), source.path)
    parts = split(text, source.path)
    fields = _FieldReader(source, parts, ZoneInfo(settings.timezone))
    meta = fields.read(settings)
    language = meta.lang or settings.language if meta else settings.language
    folder = source.relative.rsplit("/", 1)[0]
    rendered = render_markdown(parts.body, language=language, post_folder=folder)
    for message, needle in rendered.problems:
        fields.problem("body", message, "fix the callout as shown in the documentation",
                       line=_line_of(parts, needle))
    for message, needle, hint in rendered.hinted_problems:
        fields.problem("body", message, hint, line=_line_of(parts, needle))
    if fields.problems:
        raise fields.problems[0] if len(fields.problems) == 1 else BuildFailed(fields.problems)
    assert meta is not None
    html, shown = (rendered.html, []) if settings.allow_raw_html else adopt_raw_images(sanitize(rendered.html))
    markdown_images = set(rendered.local_images)
    local_images = [*rendered.local_images, *dict.fromkeys(path for path in shown if path not in markdown_images)]
    videos = tuple(replace(video, line=_line_of(parts, opening)) for video, opening in rendered.videos)
    posters = [video.poster for video in videos if video.poster]  # checked and sized as the body's images are
    words = len(_WORD.findall(_TAG.sub(" ", html)))
    return Post(
        source_path=source.path,
        relative=source.relative,
        meta=meta,
        html_utf8=html.encode(),
        toc_html=rendered.toc_html,
        word_count=words,
        fingerprint=parse_key(source, settings),
        listing_fingerprint=listing_fingerprint(source.relative, meta, words),
        body_line=parts.body_line,
        post_links=tuple((target, _line_of(parts, target.rsplit("/", 1)[-1])) for target in rendered.post_links),
        local_images=tuple((image, _line_of(parts, image.lstrip("/"))) for image in [*local_images, *posters]),
        outline=outline_of(html),
        videos=videos,
    )


def _line_of(parts: SplitPost, needle: str) -> int:
    index = parts.body.find(needle)
    return parts.body_line + (parts.body[:index].count("\n") if index >= 0 else 0)


class _FieldReader:
    """Validates front-matter fields one by one, collecting every problem."""

    def __init__(self, source: SourceFile, parts: SplitPost, zone: ZoneInfo) -> None:
        self.source = source
        self.data = parts.metadata
        self.lines = parts.key_lines
        self.zone = zone
        self.problems: list[HospiblogError] = []

    def problem(self, key: str, message: str, hint: str, *, line: int | None = None) -> None:
        where = SourceLocation(self.source.path, line or self.lines.get(key) or 1)
        self.problems.append(ContentError(message, location=where, hint=hint))

    def read(self, settings: ParseSettings) -> PostMeta | None:
        self._unknown_fields()
        title = self._text("title", required=True)
        when = self._datetime("date", required=True)
        category = self._category(settings.categories)
        image = self._local_path("image")
        image_alt = self._text("image_alt")
        if image and not image_alt:
            self.problem("image", "the image has no alternative text (image_alt)",
                         "add `image_alt:` with a short description of what the image shows, "
                         "for readers who cannot see it")
        slug = self._slug(title)  # from the title as written: typography never moves a URL
        lang = self._language()
        meta = PostMeta(
            title=_typeset(title, lang or settings.language),
            date=when or datetime.min,
            category=category or "",
            slug=slug,
            summary=_typeset(self._text("summary"), lang or settings.language),
            author=self._text("author") or None,
            tags=self._tags(),
            image=image or None,
            image_alt=image_alt,
            draft=self._bool("draft"),
            updated=self._datetime("updated"),
            lang=lang,
            translation_key=self._text("translation_key") or None,
            reviewed_by=_typeset(self._text("reviewed_by"), lang or settings.language) or None,
            last_reviewed=self._date("last_reviewed"),
            consent=self._consent(),
            share_image=self._local_path("share_image") or None,
            social=self._social(),
            campaign=self._text("campaign") or None,
            sources=self._sources(),
            event=read_event(self.data.get("event"), lines=self.lines, zone=self.zone, problem=self.problem,
                             typeset=lambda text: _typeset(text, lang or settings.language)),
            job=self._job(lang or settings.language),
            lines=tuple(sorted(self.lines.items())),
        )
        return None if self.problems else meta

    def _unknown_fields(self) -> None:
        for key in self.data:
            if key not in FIELDS:
                close = difflib.get_close_matches(str(key), FIELDS, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"valid fields: {', '.join(FIELDS)}"
                self.problem(str(key), f"unknown front-matter field '{key}'", hint)

    def _text(self, key: str, *, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.problem(key, f"missing '{key}'", f"add a line `{key}: …` to the front matter",
                             line=self.lines.get(key, 2))
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(key, f"'{key}' must be text, not {_describe(value)}",
                         f'write `{key}: "…"` with the text in quotes')
            return ""
        if not isinstance(value, str):
            value = str(value)  # a number given a `!!int` or `!!float` marker (plain numbers are read as text)
        return _CONTROL.sub(" ", value).strip()

    def _language(self) -> str | None:
        value = self._text("lang")
        if value and not _LANGUAGE_TAG.match(value):
            self.problem("lang", f"'lang' must be a language code such as fr, de or en, not {value[:40]!r}",
                         "write `lang: de` for an article in German, or remove the line")
            return None
        return value or None

    def _local_path(self, key: str) -> str:
        """A file under static/: a URL of any scheme (javascript:, data:, https:) is refused."""
        value = self._text(key)
        parts = split_url(value)
        if value and (parts is None or parts.scheme or value.startswith("//")):
            self.problem(key, f"'{key}' must be the path of a file under static/, not a URL",
                         f"put the image in static/images/ and write `{key}: /images/name.jpg`")
            return ""
        return value

    def _bool(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.problem(key, f"'{key}' must be true or false, not {_describe(value)}",
                         f"write `{key}: true` or `{key}: false`")
            return False
        return value

    def _datetime(self, key: str, *, required: bool = False) -> datetime | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(key, f"missing '{key}'", f"add a line `{key}: 2026-11-22` to the front matter",
                             line=self.lines.get(key, 2))
            return None
        parsed = to_datetime(value, self.zone)
        if parsed is None:
            self.problem(key, f"'{key}' is not a valid date: {_short(value)}",
                         f"write `{key}: 2026-11-22` or `{key}: 2026-11-22 09:30`")
        return parsed

    def _date(self, key: str) -> date | None:
        value = self.data.get(key)
        if value is None:
            return None
        parsed = to_datetime(value, self.zone)
        if parsed is None:
            self.problem(key, f"'{key}' is not a valid date: {_short(value)}", f"write `{key}: 2026-11-22`")
            return None
        return parsed.date()

    def _category(self, valid: tuple[str, ...]) -> str | None:
        folder = self.source.folder_category
        given = self._text("category") or None
        if given and folder and given != folder:
            self.problem("category", f"category '{given}' does not agree with the folder posts/{folder}/",
                         f"remove the `category:` line, or move the file to posts/{given}/")
            return None
        category = given or folder
        if category is None:
            self.problem("title", "the article has no category",
                         f"move it into a category folder (posts/<category>/) or add `category:` "
                         f"with one of: {', '.join(valid)}")
            return None
        if category not in valid:
            close = difflib.get_close_matches(category, valid, n=1, cutoff=0.5)
            suggestion = f"did you mean '{close[0]}'? " if close else ""
            self.problem("category", f"unknown category '{category}'",
                         f"{suggestion}valid categories: {', '.join(valid)}",
                         line=self.lines.get("category", 1))
            return None
        return category

    def _slug(self, title: str) -> str:
        given = self._text("slug")
        if given and not _SLUG.match(given):
            self.problem("slug", f"slug '{given}' may only hold lower-case letters, digits and dashes",
                         f"write `slug: {slugify(given) or 'mon-article'}`")
        if given and len(given) > MAX_SLUG:
            self.problem("slug", f"the slug has {len(given)} characters; at most {MAX_SLUG} fit a URL and a file",
                         "write a shorter slug")
        slug = given or short_slug(title)
        if not slug and title:
            self.problem("title", "no URL can be made from this title",
                         "add `slug:` with lower-case letters, digits and dashes")
        return slug

    def _tags(self) -> tuple[str, ...]:
        value = self.data.get("tags")
        if value is None:
            return ()
        if isinstance(value, str):
            value = [part for part in value.split(",")]
        if not isinstance(value, list) or not all(isinstance(tag, (str, int)) and not isinstance(tag, bool)
                                                  for tag in value):
            self.problem("tags", "'tags' must be a list of words",
                         "write `tags: [sommeil, enfants]`")
            return ()
        tags = [_CONTROL.sub(" ", str(tag)).strip() for tag in value]
        if any(not slugify(tag) for tag in tags):
            self.problem("tags", "a tag is empty or has no letter or digit", "remove the empty tag")
        return tuple(dict.fromkeys(tag for tag in tags if slugify(tag)))

    def _consent(self) -> Consent | None:
        value = self.data.get("consent")
        if value is None:
            return None
        hint = "write consent: then, indented, `given: 2026-09-20` and `scope: [web, social]`"
        if not isinstance(value, dict):
            self.problem("consent", "'consent' must hold 'given' and 'scope'", hint)
            return None
        given = to_datetime(value.get("given"), self.zone) if value.get("given") is not None else None
        scope = value.get("scope")
        expires, withdrawn = (self._optional_day(value, key) for key in ("expires", "withdrawn"))
        bad_scope = not isinstance(scope, list) or any(item not in CONSENT_SCOPES for item in scope)
        extra = set(value) - {"given", "scope", "expires", "withdrawn"}
        if given is None or bad_scope or expires is False or withdrawn is False or extra:
            self.problem("consent", "'consent' needs a valid 'given' date, a 'scope' list "
                         f"among {', '.join(CONSENT_SCOPES)}, and optionally an 'expires' date (the last day "
                         "it covers) or a 'withdrawn' date (the day the person withdrew it)", hint)
            return None
        assert given is not None and isinstance(scope, list)
        return Consent(given=given.date(), scope=tuple(scope), expires=expires, withdrawn=withdrawn)

    def _job(self, language: str) -> JobOffer | None:
        value = self.data.get("job")
        if value is None:
            return None
        return read_job(value, problem=self._nested_problem, to_date=self._to_date,
                        typeset=lambda text: _typeset(text, language))

    def _nested_problem(self, key: str, message: str, hint: str) -> None:
        """A problem of a key inside a block (``job.closes``): at its line when written indented, else at the line
        of the nearest enclosing key that has one."""
        path = key.split(".")
        lines = (self.lines.get(".".join(path[:end])) for end in range(len(path), 0, -1))
        self.problem(path[0], message, hint, line=next((line for line in lines if line), None))

    def _to_date(self, value: Any) -> date | None:
        moment = to_datetime(value, self.zone)
        return moment.date() if moment is not None else None

    def _optional_day(self, consent: dict[Any, Any], key: str) -> date | Literal[False] | None:
        """The date of an optional consent key, None when absent, False when it is not a date."""
        raw = consent.get(key)
        if raw is None:
            return None
        moment = to_datetime(raw, self.zone)
        return moment.date() if moment is not None else False

    def _social(self) -> tuple[tuple[str, str], ...]:
        value = self.data.get("social")
        if value is None:
            return ()
        if not isinstance(value, dict) or not all(isinstance(text, str) for text in value.values()):
            self.problem("social", "'social' must give a text per network",
                         'write social: then, indented, `x: "…"` or `linkedin: "…"`')
            return ()
        unknown = [str(key) for key in value if key not in SOCIAL_NETWORKS]
        if unknown:
            self.problem("social", f"unknown network '{unknown[0]}' in 'social'",
                         f"use one of: {', '.join(SOCIAL_NETWORKS)}")
        return tuple(sorted((str(key), text) for key, text in value.items() if key in SOCIAL_NETWORKS))


    def _sources(self) -> tuple[Source, ...]:
        value = self.data.get("sources")
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.problem("sources", "'sources' must be a list of works, each with a title",
                         _SOURCES_HINT)
            return ()
        sources = [self._source(item, number) for number, item in enumerate(value, start=1)]
        return tuple(source for source in sources if source is not None)

    def _source(self, item: Any, number: int) -> Source | None:
        """One entry of ``sources:``; ``number`` counts from 1, for messages."""
        if not isinstance(item, dict) or not isinstance(item.get("title"), str) or not item["title"].strip():
            self.problem("sources", f"source {number} has no title", _SOURCES_HINT)
            return None
        unknown = [str(key) for key in item if key not in SOURCE_FIELDS]
        texts = {key: item.get(key) for key in SOURCE_FIELDS}
        wrong = [key for key, text in texts.items() if text is not None and not isinstance(text, str)]
        year = str(texts["year"] or "").strip()
        url = str(texts["url"] or "").strip()
        if unknown or wrong:
            close = difflib.get_close_matches((unknown or wrong)[0], SOURCE_FIELDS, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close and unknown else _SOURCES_HINT
            self.problem("sources", f"source {number}: " + (f"unknown field '{unknown[0]}'" if unknown
                                                             else f"'{wrong[0]}' must be text"), hint)
            return None
        if year and not (year.isdigit() and YEARS[0] <= int(year) <= YEARS[1]):
            self.problem("sources", f"source {number}: the year must be four digits, not {year[:20]!r}",
                         "write `year: 2024`, or leave the year out")
            return None
        parts = split_url(url)
        if url and (parts is None or parts.scheme not in ("http", "https")):
            self.problem("sources", f"source {number}: the url must start with https:// or http://",
                         "give the full address of the page, e.g. `url: https://www.who.int/`")
            return None
        clean = {key: _CONTROL.sub(" ", str(texts[key] or "")).strip() for key in ("title", "publisher")}
        return Source(title=clean["title"], publisher=clean["publisher"], year=year, url=url)


SOURCE_FIELDS = ("title", "publisher", "year", "url")
_SOURCES_HINT = ("write sources: then, for each work, indented: `- title: \"…\"`, `publisher: \"…\"`, "
                 "`year: 2024`, `url: https://…`")



def _typeset(text: str, language: str) -> str:
    """A title or summary in the post's language: French gets its spaces and apostrophes, as its body does."""
    return french_typography(text) if language == "fr" else text



def to_datetime(value: Any, zone: ZoneInfo) -> datetime | None:
    """A front-matter date as an aware datetime; a bare date is midnight in the site's zone.

    Years outside 1900–2999 are refused: they are typing mistakes, and date arithmetic near year 9999
    overflows (a consent that never ends simply has no ``expires``).
    """
    parsed = _to_datetime(value, zone)
    return parsed if parsed is not None and YEARS[0] <= parsed.year <= YEARS[1] else None




def _to_datetime(value: Any, zone: ZoneInfo) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=zone)
    if not isinstance(value, str):
        return None
    text = value.strip()
    for parser in _DATE_PARSERS:
        try:
            parsed = parser(text)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    return None


def _fixed(fmt: str) -> Callable[[str], datetime]:
    return lambda text: datetime.strptime(text, fmt)


_DATE_PARSERS: tuple[Callable[[str], datetime], ...] = (
    lambda text: datetime.combine(date.fromisoformat(text), time(0, 0)),
    *(_fixed(fmt) for fmt in _LOCAL_DATETIME_FORMATS),
    datetime.fromisoformat,
)
