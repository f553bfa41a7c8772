"""Splitting a post into front matter and body, with YAML errors mapped to file lines."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from ..errors import ContentError, SourceLocation

_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class _Loader(_BASE_LOADER):  # type: ignore[valid-type,misc]
    """PyYAML's safe loader without YAML 1.1's implicit numbers.

    No field of a post is a number: YAML 1.1 would read `12:30` as 750 (base 60), `010` as 8, `0x1F` as 31 and
    `1.0e+400` as infinity, wherever they are written (in a list, on the next line). Unquoted, they stay the
    text the editor wrote. Dates and true/false are still read as such.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in _NUMBER_TAGS]
    for first, resolvers in _BASE_LOADER.yaml_implicit_resolvers.items()
}
_KEY_LINE = re.compile(r"^([^\s#:\-\[{'\"][^:]*?|'[^']*'|\"[^\"]*\")\s*:(?:\s|$)")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_TOKEN = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


@dataclass(frozen=True)
class SplitPost:
    """A post's front matter (as YAML data) and Markdown body."""

    metadata: dict[str, Any]
    body: str
    body_line: int
    key_lines: dict[str, int]


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
    key_lines = _key_lines(front)
    return SplitPost(
        metadata=_named_keys(_load(front, path), key_lines),
        body=body,
        body_line=body_line,
        key_lines=key_lines,
    )


def _named_keys(data: dict[Any, Any], key_lines: dict[str, int]) -> dict[str, Any]:
    """The fields by the names written in the file: a key YAML reads as something else than text (`~:` is
    null, `yes:` is true) keeps its written name, so that a message can quote it and point at its line."""
    if all(isinstance(key, str) for key in data):
        return data
    written: dict[Any, str] = {}
    for name in key_lines:
        # Only a guess at how YAML reads the name (a line inside a quoted value looks like a key too): whatever
        # fails to load is no name of a key. PyYAML raises KeyError or IndexError on some `!!` markers.
        with contextlib.suppress(Exception):
            loaded = yaml.load(f"{name}: 0", Loader=_Loader)
            if isinstance(loaded, dict) and len(loaded) == 1:
                written.setdefault(next(iter(loaded)), name)
    return {key if isinstance(key, str) else written.get(key, str(key)): value for key, value in data.items()}


def _load(front: str, path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(front, Loader=_Loader)
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


def _key_lines(front: str) -> dict[str, int]:
    """Line in the file of each key (the opening ``---`` is line 1): top-level keys by name, keys of an indented
    block by their dotted path (``job.closes``, ``job.salary.min``), so that a message can point at them. A block
    written on one line (``job: {closes: …}``) has only its own line."""
    lines: dict[str, int] = {}
    parents: list[tuple[int, str]] = []
    """The enclosing keys of the current line: (indentation, name)."""
    for number, line in enumerate(front.split("\n")):
        content = line.lstrip(" ")
        indent = len(line) - len(content)
        match = _KEY_LINE.match(content)
        if not match:
            continue
        name = match.group(1).strip("'\"")
        while parents and parents[-1][0] >= indent:
            parents.pop()
        if indent and not parents:
            continue  # an indented line under no key: the continuation of a text
        lines.setdefault(".".join([*(parent for _indent, parent in parents), name]), number + 1)
        parents.append((indent, name))
    return lines
