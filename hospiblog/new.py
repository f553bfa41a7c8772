"""The ``hospiblog new`` command: a new article, as a draft, with its front matter filled in.

The file it writes parses as it is, and guides the editor with comments: what each field
is for, and the fields a medical article or a testimonial needs before it can go online.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from .checks.rules import MEDICAL_CATEGORIES, TESTIMONIAL_CATEGORY
from .config import SiteConfig
from .content.discover import MARKDOWN_SUFFIXES
from .errors import ContentError, SourceLocation
from .urls import slugify

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SPACES = re.compile(r"\s+")
DATE_FORMAT = "%Y-%m-%d %H:%M"
"""How the article's date is written: a local time in the site's time zone."""

BODY = """\
Une ou deux phrases d'introduction : de quoi parle l'article, et à qui il s'adresse.

## Premier point

Le texte de cette partie.

## Deuxième point

Le texte de cette partie.

:::retenir
Le message essentiel de l'article, en une ou deux phrases.
:::
"""
"""The body of a new article: a French skeleton to write over."""


def new_post(
    config: SiteConfig,
    title: str,
    *,
    category: str,
    author: str | None,
    date: dt.datetime | None,
    now: dt.datetime,
    slug: str | None = None,
) -> Path:
    """Writes ``posts/<category>/<slug>.md`` as a draft and returns its path; never replaces a file.

    ``date`` is the article's date (``now`` when None); a naive datetime is read in the site's
    time zone. ``slug`` names the file (and the URL) instead of the one made from the title.
    Raises :class:`ContentError` for an unknown category or author, an empty title, or a file
    that already exists.
    """
    clean_title = _clean_title(title)
    _require_known("category", "categories", category, config.categories)
    if author:
        _require_known("author", "authors", author, config.authors)
    file_slug = _file_slug(clean_title, slug)
    folder = config.posts_dir / category
    _refuse_existing(folder, file_slug, config.site_dir)
    text = post_text(config, clean_title, category=category, author=author,
                     when=local_time(date or now, config), today=local_time(now, config), slug=slug)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{file_slug}.md"
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:  # "x": fails instead of overwriting
            file.write(text)
    except FileExistsError as error:  # created by someone else since the check above
        raise _exists_error(path, config.site_dir) from error
    return path


def post_text(
    config: SiteConfig,
    title: str,
    *,
    category: str,
    author: str | None,
    when: dt.datetime,
    today: dt.datetime,
    slug: str | None = None,
) -> str:
    """The text of a new article: front matter with guiding comments, then the body skeleton."""
    lines = ["---", f"title: {yaml_text(title)}"]
    if slug:
        lines.append(f"slug: {slug}")
    lines.append(f"date: {when.strftime(DATE_FORMAT)}")
    lines.append(_author_line(config, author))
    lines += [
        f'summary: ""  # one or two sentences, at most {config.checks.summary_max} characters '
        "(listings, feeds, share cards)",
        "tags: []  # free words, e.g. [sommeil, enfants]",
        "# image: /images/photo.jpg  # a file under static/",
        '# image_alt: ""  # required with image: what the image shows, for readers who cannot see it',
    ]
    lines += _category_lines(category, today)
    lines += ["draft: true  # remove this line to publish", "---", "", BODY]
    return "\n".join(lines)


def yaml_text(value: str) -> str:
    """A text as a double-quoted YAML scalar on one line: any title is safe (quotes, colons, #, "yes")."""
    dumped = yaml.safe_dump(value, allow_unicode=True, default_style='"', width=1_000_000)
    return dumped.rstrip("\n").removesuffix("\n...").rstrip("\n")


def local_time(moment: dt.datetime, config: SiteConfig) -> dt.datetime:
    """A datetime in the site's time zone; a naive one is taken as already local."""
    return moment.replace(tzinfo=config.zone) if moment.tzinfo is None else moment.astimezone(config.zone)


def _author_line(config: SiteConfig, author: str | None) -> str:
    if author:
        return f"author: {author}"
    return f"author:  # who signs the article, one of: {', '.join(config.authors) or '(none in site.toml yet)'}"


def _category_lines(category: str, today: dt.datetime) -> list[str]:
    """Commented fields the category needs before publication (the checks report them until filled)."""
    day = f"{today:%Y-%m-%d}"
    if category in MEDICAL_CATEGORIES:
        return [
            '# reviewed_by: "Dr …, médecin-chef"  # the physician who checked the medical content',
            f"# last_reviewed: {day}  # the date of that review",
            "# sources:  # the works the article rests on: a health authority, a learned society, a guideline",
            '#   - title: "…"',
            '#     publisher: "…"',
            f"#     year: {today:%Y}",
            "#     url: https://…",
        ]
    if category == TESTIMONIAL_CATEGORY:
        return [
            "# consent:  # required: as written on the consent form signed by the person who speaks",
            f"#   given: {day}",
            "#   scope: [web, social]  # among web, social, print",
            f"#   expires: {_years_later(today, 2):%Y-%m-%d}  # optional",
        ]
    return []


def _years_later(moment: dt.datetime, years: int) -> dt.date:
    day = moment.date()
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _clean_title(title: str) -> str:
    clean = _SPACES.sub(" ", title).strip()  # a title is one line: newlines and tabs become spaces
    if not clean:
        raise ContentError("the title is empty", hint='give the title in quotes: hospiblog new "Bien dormir"')
    return clean


def _require_known(kind: str, plural: str, value: str, valid: Iterable[str]) -> None:
    names = list(valid)
    if value in names:
        return
    close = difflib.get_close_matches(value, names, n=1, cutoff=0.6)
    suggestion = f"did you mean '{close[0]}'? " if close else ""
    listed = ", ".join(names) or f"none yet: add [{plural}.<key>] tables to site.toml"
    raise ContentError(f"unknown {kind} '{value}'", hint=f"{suggestion}valid {plural}: {listed}")


def _file_slug(title: str, slug: str | None) -> str:
    if slug is not None:
        if not _SLUG.match(slug):
            raise ContentError(f"the slug '{slug}' may only hold lower-case letters, digits and dashes",
                               hint=f"use for example --slug {slugify(slug) or 'mon-article'}")
        return slug
    made = slugify(title)
    if not made:
        raise ContentError("no file name can be made from this title",
                           hint="give one with --slug, e.g. --slug mon-article")
    return made


def _refuse_existing(folder: Path, slug: str, site_dir: Path) -> None:
    for suffix in MARKDOWN_SUFFIXES:
        existing = folder / f"{slug}{suffix}"
        if existing.exists():
            raise _exists_error(existing, site_dir)


def _exists_error(path: Path, site_dir: Path) -> ContentError:
    relative = path.relative_to(site_dir).as_posix() if path.is_relative_to(site_dir) else str(path)
    return ContentError(f"{relative} already exists; hospiblog new never replaces an article",
                        location=SourceLocation(path),
                        hint="choose another title, or another file name with --slug")


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_DROPPED = frozenset({"title", "slug", "date", "updated", "draft", "lang", "translation_key", "social"})
"""Fields of the original a translation does not copy: its own title and slug, its own dates, and the networks'
texts, which are written in the original's language."""


def new_translation(
    config: SiteConfig,
    original: Path,
    *,
    language: str,
    title: str | None,
    now: dt.datetime,
    slug: str | None = None,
) -> tuple[Path, bool]:
    """Writes the translation of ``original`` into ``language`` as a draft beside it: its front matter copied (the
    category, author, image, sources, review, consent, event or job), the shared ``translation_key``, and its text
    to translate over. Gives the original the key when it has none (its file stem).

    Returns the new file and whether the original was given its key. Raises :class:`ContentError` for a language
    the site does not list, an original in that language already, or a translation that exists.
    """
    if language not in config.site_languages:
        raise ContentError(f"the site has no language '{language}'",
                           hint=f"use one of {', '.join(config.site_languages)}, or add [languages.{language}] "
                           "to site.toml")
    source = _original(config, original)
    text = source.read_text("utf-8-sig")
    front, body = _front_and_body(text, source, config.site_dir)
    fields = _fields(front)
    from .content.frontmatter import split

    metadata = split(text.replace("\r\n", "\n"), source).metadata
    if config.edition_of(str(metadata.get("lang") or "")) == language:
        raise ContentError(f"{_relative(source, config.site_dir)} is already in {language}",
                           hint="give the language to translate into, e.g. --lang de")
    key = str(metadata.get("translation_key") or source.stem)
    _refuse_translated(config, key, language, source)
    clean_title = _clean_title(title) if title else str(metadata.get("title", ""))
    file_slug = _file_slug(clean_title, slug) if title or slug else f"{source.stem}-{language}"
    folder = source.parent
    _refuse_existing(folder, file_slug, config.site_dir)
    lines = ["---",
             f"# The {language} translation of {_relative(source, config.site_dir)}: translate the title, the summary,",
             "# the texts of the fields below (image_alt, tags, place names…) and the article, then remove draft.",
             f"title: {yaml_text(clean_title)}",
             f"lang: {language}",
             f"translation_key: {yaml_text(key)}",
             f"date: {local_time(now, config).strftime(DATE_FORMAT)}"]
    lines += [line for name, block in fields if name not in _DROPPED for line in block]
    lines += ["draft: true  # remove this line to publish", "---"]
    path = folder / f"{file_slug}.md"
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:
            file.write("\n".join(lines) + "\n" + body)
    except FileExistsError as error:
        raise _exists_error(path, config.site_dir) from error
    keyed = "translation_key" not in metadata
    if keyed:
        _add_key(source, text, key)
    return path, keyed


def _original(config: SiteConfig, original: Path) -> Path:
    source = original if original.is_absolute() else (config.site_dir / original)
    if not source.is_file():
        source = Path.cwd() / original
    if not source.is_file() or source.suffix not in MARKDOWN_SUFFIXES:
        raise ContentError(f"no article at {original}",
                           hint="give the original's file, e.g. --translation-of posts/prevention/bien-dormir.md")
    return source.resolve()


def _relative(path: Path, site_dir: Path) -> str:
    return path.relative_to(site_dir).as_posix() if path.is_relative_to(site_dir) else str(path)


def _front_and_body(text: str, source: Path, site_dir: Path) -> tuple[list[str], str]:
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---" or "---" not in (line.strip() for line in lines[1:]):
        raise ContentError(f"{_relative(source, site_dir)} has no front matter to copy",
                           location=SourceLocation(source, 1), hint="run hospiblog check on it first")
    end = next(index for index, line in enumerate(lines) if index and line.strip() == "---")
    return lines[1:end], "\n".join(lines[end + 1:])


def _fields(front: list[str]) -> list[tuple[str, list[str]]]:
    """The front matter's top-level fields, each with its lines (a block's indented lines included)."""
    fields: list[tuple[str, list[str]]] = []
    for line in front:
        match = _TOP_KEY.match(line)
        if match:
            fields.append((match.group(1), [line]))
        elif fields:
            fields[-1][1].append(line)
    return fields


def _refuse_translated(config: SiteConfig, key: str, language: str, source: Path) -> None:
    from .content.frontmatter import split

    for path in sorted(config.posts_dir.rglob("*")):
        if path.suffix not in MARKDOWN_SUFFIXES or path.resolve() == source or not path.is_file():
            continue
        try:
            metadata = split(path.read_text("utf-8-sig").replace("\r\n", "\n"), path).metadata
        except (ContentError, UnicodeDecodeError):
            continue
        if str(metadata.get("translation_key") or "") == key and \
                config.edition_of(str(metadata.get("lang") or "")) == language:
            raise ContentError(f"{_relative(path, config.site_dir)} is already the {language} translation "
                               f"(translation_key: {key})", location=SourceLocation(path),
                               hint="edit that file, or remove it first")


def _add_key(source: Path, text: str, key: str) -> None:
    """Gives the original its translation key, after its title line; nothing else of the file changes."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    title = next(index for index, line in enumerate(lines) if line.startswith("title:"))
    end = title + 1
    while end < len(lines) and lines[end][:1] in (" ", "\t"):
        end += 1  # a title written over several lines
    lines.insert(end, f"translation_key: {yaml_text(key)}")
    source.write_text(newline.join(lines), encoding="utf-8", newline="")
