"""The site's configuration: ``site.toml`` read once into frozen, typed dataclasses.

Nothing after :func:`load_config` looks a setting up by string. Every error names
the key, its line in ``site.toml`` and, for a misspelt key, the closest valid one.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
import tomllib
import types
import typing
import zoneinfo
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Union

from .colors import AA_CONTRAST, contrast_ratio, hex_color, parse_color, readable_background
from .errors import BuildFailed, ConfigError, HospiblogError, SourceLocation
from .typography import french_typography
from .urls import RESERVED_SEGMENTS, Paths, split_url

CONFIG_FILE = "site.toml"
SUPPORTED_LANGUAGES = ("fr", "de", "en")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEY = re.compile(r"^[a-z0-9_-]+$")


@dataclass(frozen=True)
class Organization:
    """The hospital that publishes the blog."""

    name: str
    """Full name, shown in the footer, feeds, cards and structured data."""
    url: str = ""
    """The institutional website."""
    logo: str = ""
    """Path of the logo under ``static/`` (PNG or SVG)."""
    address: str = ""
    """Postal address, one line."""
    phone: str = ""
    """Main phone number, international format."""


@dataclass(frozen=True)
class SocialAccounts:
    """The hospital's own accounts, as full URLs; empty means none."""

    facebook: str = ""
    """Facebook page URL."""
    instagram: str = ""
    """Instagram profile URL."""
    linkedin: str = ""
    """LinkedIn page URL."""
    x: str = ""
    """X profile URL (its handle is used for ``twitter:site``)."""
    youtube: str = ""
    """YouTube channel URL."""


@dataclass(frozen=True)
class CategoryText:
    """A category in another language of the site: ``[categories.medicine.de]``."""

    slug: str
    """URL segment under the language's prefix: ``/de/<slug>/``."""
    label: str
    """Name shown to readers of that language."""
    description: str = ""
    """One sentence, shown on the category page and in its feeds."""


@dataclass(frozen=True)
class AuthorText:
    """An author's texts in another language of the site: ``[authors.<key>.de]``."""

    role: str = ""
    service: str = ""
    bio: str = ""


@dataclass(frozen=True)
class CampaignText:
    """A campaign in another language of the site: ``[campaigns.<key>.de]``."""

    label: str
    description: str = ""


@dataclass(frozen=True)
class LanguageConfig:
    """A language of the site besides its default one (``language``): ``[languages.de]``. Its pages are published
    under its prefix (``/de/``)."""

    title: str
    """The blog's name in that language."""
    description: str
    """One sentence: home page, feeds and share cards."""
    organization_name: str = ""
    """The hospital's name in that language; by default ``[organization] name``."""
    medical_notice: str | None = None
    """The medical notice in that language; by default the theme's text."""
    tags: dict[str, str] = field(default_factory=dict)
    """A tag of the default language → the same tag in this language (``sommeil = "Schlaf"``): the language
    switcher and hreflang link the two tag pages."""
    key: str = ""
    """Filled from the table name: the language code."""


@dataclass(frozen=True)
class CategoryConfig:
    """One of the blog's categories; its key is the folder name under ``posts/``."""

    slug: str
    """URL segment: ``/<slug>/``."""
    label: str
    """Name shown to readers."""
    description: str = ""
    """One sentence, shown on the category page and in its feeds."""
    color: str = "#35506b"
    """Colour as ``#rrggbb``; white text is drawn on it."""
    translations: dict[str, CategoryText] = field(default_factory=dict)
    """The category in the site's other languages, written ``[categories.<key>.de]``."""
    key: str = ""
    """Filled from the table name."""


@dataclass(frozen=True)
class PartnerConfig:
    """An organisation a campaign is run with, linked from the campaign's page."""

    name: str
    """Its name, as readers see it."""
    url: str = ""
    """Its website, a full http(s) URL; empty for none."""


@dataclass(frozen=True)
class CampaignConfig:
    """A campaign (Octobre rose, Mois sans tabac): its key is what front matter ``campaign:`` names, and its URL
    segment (``/campagnes/<key>/``)."""

    label: str
    """Name shown to readers: the campaign's page title, the posts' badge, the share cards' label."""
    description: str = ""
    """One or two sentences, shown at the top of the campaign's page."""
    start: date | None = None
    """First day of the campaign, written without quotes: ``start = 2026-11-01``."""
    end: date | None = None
    """Last day of the campaign."""
    color: str = "#35506b"
    """Colour as ``#rrggbb``; white text is drawn on it, so it must reach WCAG AA contrast (4.5:1) with white."""
    hashtags: tuple[str, ...] = ()
    """Hashtags added to the social kit's texts, with or without ``#``: ``["MoisSansTabac"]``."""
    partner: PartnerConfig | None = None
    """An organisation the campaign is run with: ``partner = { name = "…", url = "https://…" }``."""
    translations: dict[str, CampaignText] = field(default_factory=dict)
    """The campaign in the site's other languages, written ``[campaigns.<key>.de]``."""
    key: str = ""
    """Filled from the table name."""


@dataclass(frozen=True)
class MedicalConfig:
    """What medicine and prevention articles show besides their text."""

    notice: str | None = None
    """A short notice that the article does not replace a consultation, shown on every medicine and prevention
    article; by default the theme's text (``medical_disclaimer``); ``""`` shows none."""


MEDICAL_CATEGORIES = ("medicine", "prevention")
"""Categories whose articles give medical information: reviewed, with sources and the medical notice."""


@dataclass(frozen=True)
class AuthorConfig:
    """A person who signs articles; its key is what front matter ``author:`` names."""

    name: str
    """Full name with title, as readers see it."""
    role: str = ""
    """Job title."""
    service: str = ""
    """The hospital service the person works in."""
    portrait: str = ""
    """Path of a portrait under ``static/``."""
    bio: str = ""
    """One or two sentences."""
    translations: dict[str, AuthorText] = field(default_factory=dict)
    """Role, service and bio in the site's other languages, written ``[authors.<key>.de]``; a text left out is
    the default language's."""
    key: str = ""
    """Filled from the table name."""


@dataclass(frozen=True)
class ChecksConfig:
    """The content rules run by ``hospiblog check`` and by every build."""

    rules: dict[str, str] = field(default_factory=dict)
    """Level per rule id: "off", "warning" or "error" (overrides the rule's default)."""
    review_max_months: int = 24
    """A medical article last reviewed longer ago than this gets a finding."""
    title_max: int = 70
    """Longest title, in characters, that fits a share card."""
    summary_max: int = 160
    """Longest summary, in characters (search results and cards cut longer ones)."""
    image_max_kb: int = 500
    """Largest image file, in kilobytes."""


@dataclass(frozen=True)
class SharingConfig:
    """How articles are shared on social networks."""

    cards: bool = True
    """Draw share card images for every post (off only for experiments: networks then show the post's image)."""
    utm: bool = True
    """Add utm_source / utm_medium / utm_campaign to shared links."""
    utm_medium: str = "social"
    """Value of utm_medium."""
    utm_campaign: str = "blog"
    """Value of utm_campaign."""
    hashtags_max: int = 5
    """Most hashtags in an Instagram caption."""
    x_handle: str = ""
    """The X account for twitter:site, e.g. "@hopital"; by default taken from social.x."""


@dataclass(frozen=True)
class SearchConfig:
    """The site's search page and its index (Pagefind, made by each build: no service, no third party)."""

    enabled: bool = True
    """Publish the search page, the header's search field and the index; false removes all three."""


@dataclass(frozen=True)
class SiteConfig:
    """Everything ``site.toml`` says, validated."""

    title: str
    """The blog's name."""
    description: str
    """One sentence: home page, feeds and share cards."""
    base_url: str
    """Absolute URL the site is published at (feeds and cards need it)."""
    organization: Organization
    """The hospital."""
    language: str = "fr"
    """The default language (fr, de or en): of the interface, the dates and the pages at the root of the site.
    In :meth:`edition`'s projections, the language of that edition."""
    languages: dict[str, LanguageConfig] = field(default_factory=dict)
    """The site's other languages, each published under its prefix (``[languages.de]`` → ``/de/``)."""
    timezone: str = "Europe/Zurich"
    """IANA time zone in which bare dates are read."""
    posts_per_page: int = 10
    """Posts on each page of a listing."""
    theme: str = "default"
    """Theme folder under ``themes/``, or ``default``."""
    output_dir: str = "public"
    """Output folder, relative to the site folder."""
    feed_size: int = 20
    """Entries in each feed."""
    feed_full_content: bool = True
    """Whole articles in feeds; false gives summaries only."""
    social: SocialAccounts = field(default_factory=SocialAccounts)
    """The hospital's social accounts."""
    categories: dict[str, CategoryConfig] = field(default_factory=dict)
    """The categories, by key."""
    authors: dict[str, AuthorConfig] = field(default_factory=dict)
    """The authors, by key."""
    campaigns: dict[str, CampaignConfig] = field(default_factory=dict)
    """The campaigns, by key."""
    medical: MedicalConfig = field(default_factory=MedicalConfig)
    """The medical notice of medicine and prevention articles."""
    checks: ChecksConfig = field(default_factory=ChecksConfig)
    """Content rules and their settings."""
    sharing: SharingConfig = field(default_factory=SharingConfig)
    """Share links and the social kit."""
    search: SearchConfig = field(default_factory=SearchConfig)
    """The search page and its index."""
    allow_raw_html: bool = False
    """Keep raw HTML in Markdown as written, unsanitised (a warning is shown in every build)."""
    site_dir: Path = Path(".")
    """Folder holding site.toml (filled by the loader)."""
    fingerprint: str = ""
    """Hash of site.toml's bytes (filled by the loader)."""
    default_language: str = ""
    """The site's default language, in every edition (filled by :meth:`edition`; "" in the site's own config)."""
    prefix: str = ""
    """The edition's URL prefix: "" for the default language, ``de`` for ``/de/`` (filled by :meth:`edition`)."""
    origin: SiteConfig | None = field(default=None, repr=False, compare=False)
    """The site's own configuration, in an edition made by :meth:`edition` (None in the site's own)."""

    @property
    def main_language(self) -> str:
        """The site's default language: the one at the root."""
        return self.default_language or self.language

    @property
    def site_languages(self) -> tuple[str, ...]:
        """Every language of the site, the default one first."""
        return (self.main_language, *(key for key in self.languages if key != self.main_language))

    @property
    def multilingual(self) -> bool:
        """Whether the site has more than one language (prefixes, alternates and the switcher)."""
        return len(self.site_languages) > 1

    @functools.cached_property
    def paths(self) -> Paths:
        """The URLs of this edition's pages."""
        return Paths.of(self.language, self.prefix)

    def edition_of(self, lang: str | None) -> str:
        """The site language a post written in ``lang`` is published in: its base language when the site lists it
        (``de-CH`` → ``de``), else the default one (a one-language site keeps every post, whatever its lang)."""
        base = (lang or "").split("-")[0].split("_")[0].lower()
        return base if base in self.site_languages else self.main_language

    def edition(self, language: str) -> SiteConfig:
        """The site as readers of ``language`` see it: its texts in that language, its URLs under its prefix."""
        return (self.origin or self)._editions[language]

    @functools.cached_property
    def _editions(self) -> dict[str, SiteConfig]:
        return {language: (self if language == self.main_language else _project(self, language))
                for language in self.site_languages}

    def edition_for(self, lang: str | None) -> SiteConfig:
        """The site as the readers of a post written in ``lang`` see it (:meth:`edition_of`, :meth:`edition`)."""
        return self.edition(self.edition_of(lang))

    def post_url(self, category: str, slug: str, lang: str | None) -> str:
        """The URL of a post of ``category`` with ``slug``, written in ``lang``."""
        edition = self.edition_for(lang)
        return edition.paths.post(edition.categories[category].slug, slug)

    @property
    def source_path(self) -> Path:
        """The site.toml this configuration was read from."""
        return self.site_dir / CONFIG_FILE

    @property
    def posts_dir(self) -> Path:
        """The folder of the articles."""
        return self.site_dir / "posts"

    @property
    def static_dir(self) -> Path:
        """The site's own static files, published at the root."""
        return self.site_dir / "static"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The time zone object."""
        return zoneinfo.ZoneInfo(self.timezone)


DEFAULT_CATEGORIES: dict[str, dict[str, str]] = {
    "medicine": {"slug": "medecine", "label": "Médecine et soins", "color": "#0b5cad"},
    "prevention": {"slug": "prevention", "label": "Prévention et conseils", "color": "#1d6b3a"},
    "news": {"slug": "actualites", "label": "Actualités et événements", "color": "#8a3b00"},
    "testimonials": {"slug": "temoignages", "label": "Témoignages", "color": "#6b2d7b"},
}
RESERVED_SLUGS = RESERVED_SEGMENTS


class _Reader:
    """Builds dataclasses from TOML tables, collecting every error with its line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = _key_lines(text)
        self.errors: list[HospiblogError] = []

    def error(self, key_path: tuple[str, ...], message: str, hint: str | None = None) -> None:
        # A translation is written [categories.<key>.de], read into the category's `translations`.
        line = _nearest_line(self.lines, tuple(part for part in key_path if part != TRANSLATIONS))
        self.errors.append(
            ConfigError(message, location=SourceLocation(self.path, line), hint=hint)
        )

    def build(self, cls: type, table: dict[str, Any], key_path: tuple[str, ...]) -> Any:
        hints = typing.get_type_hints(cls)
        known = {f.name for f in fields(cls) if f.name not in _FILLED}
        for key in table:
            if key not in known:
                self._unknown((*key_path, key), sorted(known))
        values: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name in _FILLED:
                continue
            where = (*key_path, spec.name)
            if spec.name in table:
                values[spec.name] = self.convert(hints[spec.name], table[spec.name], where)
            elif spec.default is MISSING and spec.default_factory is MISSING:
                name = ".".join(where)
                self.error(key_path or ("",), f"missing required key '{name}'",
                           f"add `{spec.name} = …` to {_table_name(key_path)}")
        if any(value is _INVALID for value in values.values()):
            return None  # already reported
        try:
            return cls(**values)
        except TypeError:
            return None  # a required value was missing; already reported

    def convert(self, hint: Any, value: Any, where: tuple[str, ...]) -> Any:
        origin = typing.get_origin(hint)
        if origin is dict:
            _, item_type = typing.get_args(hint)
            if not isinstance(value, dict):
                name = ".".join(where)
                self.error(where, f"'{name}' must be a table", f"write it as [{name}.<key>] tables")
                return _INVALID
            items = {key: self._keyed(item_type, item, (*where, key)) for key, item in value.items()}
            return _INVALID if any(item is None or item is _INVALID for item in items.values()) else items
        if origin in (Union, types.UnionType):
            hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        if isinstance(hint, type) and is_dataclass(hint):
            if not isinstance(value, dict):
                self.error(where, f"'{'.'.join(where)}' must be a table", f"write it as [{'.'.join(where)}]")
                return _INVALID
            return self.build(hint, value, where)
        if origin is tuple:
            return self._text_list(value, where)
        expected = hint if isinstance(hint, type) else str
        name, key = ".".join(where), where[-1]
        if expected is date and (isinstance(value, datetime) or not isinstance(value, date)):
            self.error(where, f"'{name}' must be a date, not {_describe(value)}",
                       f"write the date without quotes: `{key} = 2026-11-01`")
        elif expected is int and (isinstance(value, bool) or not isinstance(value, int)):
            self.error(where, f"'{name}' must be a whole number, not {_describe(value)}",
                       f"write for example `{key} = 10`")
        elif expected is bool and not isinstance(value, bool):
            self.error(where, f"'{name}' must be true or false, not {_describe(value)}",
                       f"write `{key} = true` or `{key} = false`")
        elif expected is str and not isinstance(value, str):
            self.error(where, f"'{name}' must be text in quotes, not {_describe(value)}", f'write `{key} = "…"`')
        else:
            return value
        return _INVALID

    def _text_list(self, value: Any, where: tuple[str, ...]) -> Any:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            name = ".".join(where)
            self.error(where, f"'{name}' must be a list of texts, not {_describe(value)}",
                       f'write for example `{where[-1]} = ["MoisSansTabac"]`')
            return _INVALID
        return tuple(value)

    def _keyed(self, item_type: type, item: Any, where: tuple[str, ...]) -> Any:
        built = self.convert(item_type, item, where)
        return built if built is None or built is _INVALID else _replace_key(built, where[-1])

    def _unknown(self, key_path: tuple[str, ...], known: list[str]) -> None:
        key = key_path[-1]
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"valid keys here: {', '.join(known)}"
        self.error(key_path, f"unknown key '{'.'.join(key_path)}'", hint)


_FILLED = {"key", "site_dir", "fingerprint", "default_language", "prefix", "origin"}
_INVALID = object()
"""Stands for a value of the wrong type, already reported."""


def _replace_key(value: Any, key: str) -> Any:
    return replace(value, key=key) if hasattr(value, "key") else value


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, date):
        return f"the date-time {value.isoformat()}" if isinstance(value, datetime) else f"the date {value}"
    return type(value).__name__


def _table_name(key_path: tuple[str, ...]) -> str:
    return f"[{'.'.join(key_path)}]" if key_path else "the top of site.toml"


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


def _split_dotted(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in text.split("."))


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Maps each key path to the line it is written on (tomllib keeps no positions)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _split_dotted(header.group(1))
            lines.setdefault(table, number)
            continue
        assign = _ASSIGN.match(line)
        if assign:
            lines.setdefault(table + _split_dotted(assign.group(1)), number)
    return lines


def _nearest_line(lines: dict[tuple[str, ...], int], key_path: tuple[str, ...]) -> int | None:
    for end in range(len(key_path), 0, -1):
        if key_path[:end] in lines:
            return lines[key_path[:end]]
    return None


def setting_line(config: SiteConfig, key_path: tuple[str, ...]) -> int | None:
    """The line of site.toml that writes ``key_path`` (``("organization", "logo")``), else its table's, for a
    message about a setting found wrong after loading (an image it names is missing)."""
    try:
        text = config.source_path.read_text("utf-8-sig")
    except OSError:
        return None
    return _nearest_line(_key_lines(text), key_path)


def load_config(site_dir: Path) -> SiteConfig:
    """Reads and validates ``site_dir/site.toml``; raises :class:`ConfigError` or ``BuildFailed``.

    On a French site the texts readers see come back with typographic apostrophes (see :func:`_typeset_texts`).
    """
    site_dir = site_dir.resolve()
    path = site_dir / CONFIG_FILE
    if not path.is_file():
        raise ConfigError(
            f"no {CONFIG_FILE} in {site_dir}",
            location=SourceLocation(path),
            hint="run hospiblog in the site folder, or give it: hospiblog build path/to/site",
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
        data = tomllib.loads(text)
    except UnicodeDecodeError as error:
        raise ConfigError(f"{CONFIG_FILE} is not UTF-8 text", location=SourceLocation(path),
                          hint="save the file with the UTF-8 encoding") from error
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(str(error))
        raise ConfigError(f"invalid TOML: {error}", location=SourceLocation(path, line),
                          hint='check quotes around text and the `key = "value"` form') from error
    if "categories" not in data:
        data["categories"] = DEFAULT_CATEGORIES
    _gather_translations(data)
    reader = _Reader(path, text)
    config: SiteConfig | None = reader.build(SiteConfig, data, ())
    if config is not None:
        _check_values(config, reader)
    if reader.errors:
        raise reader.errors[0] if len(reader.errors) == 1 else BuildFailed(reader.errors)
    assert config is not None
    fingerprint = hashlib.blake2b(raw, digest_size=16).hexdigest()
    return replace(_typeset_texts(config), site_dir=site_dir, fingerprint=fingerprint)


TRANSLATIONS = "translations"
_TRANSLATED_TABLES = ("categories", "authors", "campaigns")


def _gather_translations(data: dict[str, Any]) -> None:
    """Moves each ``[categories.<key>.<language>]`` (authors, campaigns) into the item's ``translations`` table,
    where the dataclasses read it; any other key stays, to be reported if unknown."""
    for table in _TRANSLATED_TABLES:
        items = data.get(table)
        if not isinstance(items, dict):
            continue
        for item in items.values():
            if not isinstance(item, dict):
                continue
            found = {key: item.pop(key) for key in list(item)
                     if key in SUPPORTED_LANGUAGES and isinstance(item[key], dict)}
            if found:
                item[TRANSLATIONS] = found


def _project(config: SiteConfig, language: str) -> SiteConfig:
    """The configuration of the edition in ``language``, one of the site's other languages: texts from the
    translations (French ones with French typography), URLs under the language's prefix."""
    texts = config.languages[language]
    typeset: Callable[[str], str] = french_typography if language == "fr" else str
    categories = {}
    for key, category in config.categories.items():
        text = category.translations.get(language)
        categories[key] = replace(category, slug=text.slug, label=typeset(text.label),
                                  description=typeset(text.description)) if text else category
    authors = {}
    for key, author in config.authors.items():
        words = author.translations.get(language, AuthorText())
        authors[key] = replace(author, role=typeset(words.role) or author.role,
                               service=typeset(words.service) or author.service, bio=typeset(words.bio) or author.bio)
    campaigns = {}
    for key, campaign in config.campaigns.items():
        named = campaign.translations.get(language)
        campaigns[key] = replace(campaign, label=typeset(named.label),
                                 description=typeset(named.description)) if named else campaign
    notice = typeset(texts.medical_notice) if texts.medical_notice is not None else None
    return replace(
        config, language=language, default_language=config.main_language, prefix=language, origin=config,
        title=typeset(texts.title), description=typeset(texts.description),
        organization=replace(config.organization, name=typeset(texts.organization_name))
        if texts.organization_name else config.organization,
        categories=categories, authors=authors, campaigns=campaigns, medical=replace(config.medical, notice=notice),
    )


def _typeset_texts(config: SiteConfig) -> SiteConfig:
    """The texts readers see, with French typography (``l'Hôpital :`` → ``l’Hôpital :`` with its narrow space)
    on a French site, as articles get it.

    Set once here, so pages, feeds, JSON-LD, meta tags, share cards and the social kit all show the same text;
    URLs, paths, slugs, keys, colours and the phone number are not prose and stay as written.
    """
    if config.language != "fr":
        return config
    typeset = french_typography
    organization = config.organization
    return replace(
        config,
        title=typeset(config.title),
        description=typeset(config.description),
        organization=replace(organization, name=typeset(organization.name), address=typeset(organization.address)),
        categories={key: replace(category, label=typeset(category.label), description=typeset(category.description))
                    for key, category in config.categories.items()},
        authors={key: replace(author, name=typeset(author.name), role=typeset(author.role),
                              service=typeset(author.service), bio=typeset(author.bio))
                 for key, author in config.authors.items()},
        campaigns={key: _typeset_campaign(campaign) for key, campaign in config.campaigns.items()},
        medical=replace(config.medical, notice=typeset(config.medical.notice)
                        if config.medical.notice is not None else None),
    )


def _typeset_campaign(campaign: CampaignConfig) -> CampaignConfig:
    partner = campaign.partner
    return replace(campaign, label=french_typography(campaign.label),
                   description=french_typography(campaign.description),
                   partner=replace(partner, name=french_typography(partner.name)) if partner else None)


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _check_values(config: SiteConfig, reader: _Reader) -> None:
    base = split_url(config.base_url)
    if base is None or base.scheme not in ("http", "https") or not base.netloc:
        reader.error(("base_url",), f"base_url must be an absolute http(s) URL, not \"{config.base_url}\"",
                     'write for example `base_url = "https://blog.hopital.example"`')
    if config.language not in SUPPORTED_LANGUAGES:
        reader.error(("language",), f"unsupported language \"{config.language}\"",
                     f"use one of {', '.join(SUPPORTED_LANGUAGES)}")
    try:
        zoneinfo.ZoneInfo(config.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        reader.error(("timezone",), f"unknown time zone \"{config.timezone}\"",
                     'use an IANA name such as "Europe/Zurich"')
    for key, minimum in (("posts_per_page", 1), ("feed_size", 1)):
        if getattr(config, key) < minimum:
            reader.error((key,), f"{key} must be at least {minimum}")
    _check_urls(config, reader)
    _check_categories(config, reader)
    _check_campaigns(config, reader)
    _check_languages(config, reader)


def _check_urls(config: SiteConfig, reader: _Reader) -> None:
    checks: list[tuple[tuple[str, ...], str]] = [(("organization", "url"), config.organization.url)]
    checks += [(("social", f.name), getattr(config.social, f.name)) for f in fields(SocialAccounts)]
    checks += [(("campaigns", key, "partner", "url"), campaign.partner.url)
               for key, campaign in config.campaigns.items() if campaign.partner is not None]
    for key_path, value in checks:
        parts = split_url(value)
        if value and (parts is None or parts.scheme not in ("http", "https")):
            reader.error(key_path, f"'{'.'.join(key_path)}' must be an http(s) URL, not \"{value}\"",
                         'write the full address, starting with "https://"')


def _check_categories(config: SiteConfig, reader: _Reader) -> None:
    if not config.categories:
        reader.error(("categories",), "at least one category is needed", "add a [categories.<key>] table")
    seen: dict[str, str] = {}
    for key, category in config.categories.items():
        where = ("categories", key)
        if not _KEY.match(key):
            reader.error(where, f"category key '{key}' may only hold lower-case letters, digits, - and _",
                         "rename the table and the posts/ folder, e.g. [categories.prevention]")
        if not _SLUG.match(category.slug) or category.slug in RESERVED_SLUGS:
            reader.error((*where, "slug"), f"category slug \"{category.slug}\" cannot be used",
                         "use lower-case letters, digits and dashes, and none of: "
                         + ", ".join(sorted(RESERVED_SLUGS)))
        if category.slug in seen:
            reader.error((*where, "slug"), f"categories '{seen[category.slug]}' and '{key}' have the same slug")
        seen[category.slug] = key
        if not _COLOR.match(category.color):
            reader.error((*where, "color"), f"colour \"{category.color}\" is not of the form #rrggbb",
                         'write for example `color = "#0b5cad"`')


def _check_campaigns(config: SiteConfig, reader: _Reader) -> None:
    for key, campaign in config.campaigns.items():
        where = ("campaigns", key)
        if not _SLUG.match(key):
            reader.error(where, f"campaign key '{key}' may only hold lower-case letters, digits and dashes",
                         "it is the campaign's URL (/campagnes/<key>/): write e.g. [campaigns.octobre-rose]")
        if not campaign.label.strip():
            reader.error((*where, "label"), f"campaign '{key}' has an empty label", 'write `label = "…"`')
        _check_white_text_color(reader, (*where, "color"), campaign.color)
        if campaign.start and campaign.end and campaign.end < campaign.start:
            reader.error((*where, "end"), f"campaign '{key}' ends ({campaign.end}) before it starts "
                         f"({campaign.start})", "check the two dates: `end` is the campaign's last day")
        for tag in campaign.hashtags:
            if not re.search(r"[^\W_]", tag) or tag.lstrip("#").isdigit():
                reader.error((*where, "hashtags"), f"\"{tag}\" cannot be a hashtag",
                             "a hashtag needs letters: write e.g. `hashtags = [\"MoisSansTabac\"]`")


def _check_white_text_color(reader: _Reader, where: tuple[str, ...], color: str) -> None:
    """A colour written ``#rrggbb`` on which white text keeps WCAG AA contrast (badges and cards write on it)."""
    if not _COLOR.match(color):
        reader.error(where, f"colour \"{color}\" is not of the form #rrggbb", 'write for example `color = "#0b5cad"`')
        return
    white = (255, 255, 255)
    ratio = contrast_ratio(parse_color(color), white)
    if ratio < AA_CONTRAST:
        darker = hex_color(readable_background(parse_color(color), white))
        reader.error(where, f"white text on \"{color}\" has a contrast of {ratio:.2f}:1, below the 4.5:1 "
                     "that WCAG AA asks for", f'use a darker colour, e.g. `color = "{darker}"`')


def _check_languages(config: SiteConfig, reader: _Reader) -> None:
    """Each other language is one hospiblog speaks, and every category has its slug and label in it; a
    translation in a language the site does not list is a mistake (a typo in the table's name, say)."""
    for language in config.languages:
        if language == config.language:
            reader.error(("languages", language), f"[languages.{language}] names the default language",
                         f"the default language's texts are site.toml's own: remove [languages.{language}]")
        elif language not in SUPPORTED_LANGUAGES:
            reader.error(("languages", language), f"unsupported language \"{language}\"",
                         f"use one of {', '.join(SUPPORTED_LANGUAGES)}")
    listed = set(config.languages) - {config.language}
    for table, items in (("categories", config.categories), ("authors", config.authors),
                         ("campaigns", config.campaigns)):
        for key, item in items.items():
            for language in item.translations:
                if language not in listed:
                    reader.error((table, key, TRANSLATIONS, language),
                                 f"[{table}.{key}.{language}] is a translation into {language}, which the site does "
                                 "not list", f"add a [languages.{language}] table with its title and description, "
                                 "or remove this one")
    for language in sorted(listed & set(SUPPORTED_LANGUAGES)):
        _check_category_translations(config, reader, language)


def _check_category_translations(config: SiteConfig, reader: _Reader, language: str) -> None:
    seen: dict[str, str] = {}
    for key, category in config.categories.items():
        text = category.translations.get(language)
        if text is None:
            reader.error(("categories", key), f"category '{key}' has no translation into {language}",
                         f'add [categories.{key}.{language}] with its slug and label, e.g. slug = "…" and '
                         'label = "…"')
            continue
        where = ("categories", key, TRANSLATIONS, language)
        if not _SLUG.match(text.slug) or text.slug in RESERVED_SLUGS:
            reader.error((*where, "slug"), f"category slug \"{text.slug}\" cannot be used",
                         "use lower-case letters, digits and dashes, and none of: " + ", ".join(sorted(RESERVED_SLUGS)))
        if text.slug in seen:
            reader.error((*where, "slug"),
                         f"categories '{seen[text.slug]}' and '{key}' have the same slug in {language}")
        seen[text.slug] = key
        if category.description and not text.description.strip():
            reader.error((*where,), f"category '{key}' has no description in {language}",
                         f'add `description = "…"` to [categories.{key}.{language}]')
