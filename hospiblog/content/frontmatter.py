"""Splitting a post into front matter and body, with YAML errors mapped to file lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from ..errors import ContentError, SourceLocation

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_KEY_LINE = re.compile(r"^([^\s#:\-\[{'\"][^:]*?|'[^']*'|\"[^\"]*\")\s*:(?:\s|$)")
_PLAIN_SCALAR = re.compile(r"^[^:]+?:\s+([^\s'\"\[{&*!|>#][^#]*?)\s*(?:#.*)?$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_TOKEN = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


@dataclass(frozen=True)
class SplitPost:
    """A post's front matter (as YAML data) and Markdown body."""

    metadata: dict[str, Any]
    body: str
    body_line: int
    key_lines: dict[str, int]
    raw_values: dict[str, str]
    """Each top-level key's value as written, when it is a plain one-line scalar."""


def decode(data: bytes, path: Path) -> str:
    """The file's text: UTF-8 (a BOM is dropped), line endings made ``\\n``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContentError(
            "this file is not saved as UTF-8 text (it may be Latin-1 or Windows-1252)",
            location=SourceLocation(path, line),
            hint="open it in your editor and save it again with the UTF-8 encoding",
        ) from error
    if "\x00" in text:
        raise ContentError("this file contains NUL characters; it is not a text file",
                           location=SourceLocation(path, text[: text.index("\x00")].count("\n") + 1),
                           hint="save the article again as plain UTF-8 text")
    # Word's manual line break (U+000B) and other control characters have no place in an article.
    return _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def split(text: str, path: Path) -> SplitPost:
    """Separates the YAML front matter from the Markdown body."""
    handler = YAMLHandler()
    if not handler.detect(text):
        raise ContentError(
            "the file does not start with front matter",
            location=SourceLocation(path, 1),
            hint='start the file with a line "---", then title: and date:, then a line "---"',
        )
    parts = handler.FM_BOUNDARY.split(text, 2)  # type: ignore[union-attr]
    if len(parts) < 3:
        raise ContentError(
            "the front matter is never closed",
            location=SourceLocation(path, 1),
            hint='end the front matter with a line "---" before the text of the article',
        )
    _, front, body = parts
    body_line = text[: len(text) - len(body)].count("\n") + 1
    return SplitPost(
        metadata=_load(front, path),
        body=body,
        body_line=body_line,
        key_lines=_key_lines(front),
        raw_values=_raw_values(front),
    )


def _load(front: str, path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(front, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        # YAML notices an unclosed [ or " where it gives up; the line it was opened on is the one to fix.
        marks = [mark for mark in (error.context_mark, error.problem_mark) if mark is not None]
        line = min(mark.line for mark in marks) + 1 if marks else 1
        problem = error.problem or str(error)
        if error.context and error.context_mark is not None:
            problem = f"{problem} ({error.context} on this line)"
        raise ContentError(
            f"invalid front matter: {problem}",
            location=SourceLocation(path, line),
            hint="check the line: each field is `name: value`, and text with a colon needs quotes",
        ) from error
    except yaml.YAMLError as error:
        raise ContentError(f"invalid front matter: {error}", location=SourceLocation(path, 2),
                           hint="check the YAML syntax of the front matter") from error
    except (ValueError, OverflowError) as error:
        date_line = _bad_date_line(front)
        raise ContentError(
            f"invalid value in front matter: {str(error)[:200]}",
            location=SourceLocation(path, date_line or 2),
            hint="dates are written YYYY-MM-DD and must exist in the calendar (e.g. 2026-02-28)" if date_line
            else "check the values: a `!!` type marker or a number of thousands of digits cannot be read",
        ) from error
    except (TypeError, AttributeError, KeyError, IndexError, RecursionError) as error:
        # PyYAML's constructors fail this way on explicit tags such as `!!bool peut-être`.
        raise ContentError(
            "invalid value in front matter: a `!!` type marker does not match its value",
            location=SourceLocation(path, _tagged_line(front)),
            hint="remove the `!!…` marker and write the value plainly, in quotes if it is text",
        ) from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError("the front matter must be a list of `name: value` fields",
                           location=SourceLocation(path, 2),
                           hint="write one field per line, e.g. `title: Mon article`")
    return data


def _tagged_line(front: str) -> int:
    for number, line in enumerate(front.split("\n")):
        if "!!" in line:
            return number + 1
    return 2


def _bad_date_line(front: str) -> int | None:
    for number, line in enumerate(front.split("\n")):
        for match in _DATE_TOKEN.finditer(line):
            try:
                date(*(int(group) for group in match.groups()))
            except ValueError:
                return number + 1
    return None


def _raw_values(front: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in front.split("\n"):
        key, value = _KEY_LINE.match(line), _PLAIN_SCALAR.match(line)
        if key and value:
            values.setdefault(key.group(1).strip("'\""), value.group(1))
    return values


def _key_lines(front: str) -> dict[str, int]:
    """Line in the file of each top-level key (the opening ``---`` is line 1)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(front.split("\n")):
        match = _KEY_LINE.match(line)
        if match:
            lines.setdefault(match.group(1).strip("'\""), number + 1)
    return lines
