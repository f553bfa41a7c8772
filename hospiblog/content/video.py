"""The ``:::video`` block: a YouTube or Vimeo video in an article, written like a callout.

```
:::video https://www.youtube.com/watch?v=AbCdEfGhIjK
Le sommeil en deux minutes
poster: /images/video-sommeil.jpg
transcription: sommeil-transcription.md
date: 2026-10-01
:::
```

The video's address is on the opening line and its title on the next one; ``poster``, ``transcription`` and
``date`` are optional. The block renders as a paragraph linking to the video on its host (``<p class="video-link">``):
what feeds show, and the place where the post page puts the poster and the player (``partials/video.html``). The
video is recorded for the parse stage (:class:`hospiblog.model.Video`); every mistake is reported with the text
that finds its line and how to fix it.
"""

from __future__ import annotations

import difflib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.util import AtomicString

from ..model import Video
from ..typography import french_typography
from ..urls import split_url
from ..videos import FALLBACK_CLASS, HOSTS, VideoUrlError, parse_video_url, video_anchor
from .images import local_path
from .values import YEARS

FIELDS = ("poster", "transcription", "date")
TRANSCRIPT_LABELS = {"fr": "transcription", "de": "Transkript", "en": "transcript"}
"""The transcript link's text in the paragraph feeds show (pages show the theme's ``video_transcript``)."""
SYNTAX_HINT = ("write the address after :::video, the title on the next line, then `poster: /images/x.jpg`, "
               "`transcription: …` or `date: 2026-10-01` lines, and end with a line :::")
_OPEN = re.compile(r"^:::[ \t]*video(?:[ \t]+(.*?))?[ \t]*$", re.IGNORECASE)
_CLOSE = re.compile(r"^:::[ \t]*$")
_FIELD = re.compile(r"^([a-z_]+)[ \t]*:[ \t]*(.*?)[ \t]*$")


class VideoSink(Protocol):
    """Where the videos and problems of the current conversion go (the renderer, swapped per post)."""

    @property
    def videos(self) -> list[tuple[Video, str]]: ...

    @property
    def hinted_problems(self) -> list[tuple[str, str, str]]: ...

    def post_link(self, href: str) -> str | None:
        """The marked address of a link to an article's file, or None for any other link."""


@dataclass
class _Block:
    """One ``:::video`` block as written, and the problems found in it."""

    opening: str
    lines: list[str]
    """The lines between the opening and the closing ``:::``, blank ones left out."""
    closed: bool
    problems: list[tuple[str, str, str]] = field(default_factory=list)

    def problem(self, message: str, needle: str, hint: str = SYNTAX_HINT) -> None:
        self.problems.append((f"video: {message}", needle, hint))


class VideoProcessor(BlockProcessor):
    """Turns a ``:::video`` … ``:::`` section into a link to the video, and records the video."""

    def __init__(self, parser: object, language: str, sink: VideoSink) -> None:
        super().__init__(parser)  # type: ignore[arg-type]
        self.language = language
        self.sink = sink

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(_OPEN.match(block.split("\n", 1)[0]))

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        opening, _, rest = blocks.pop(0).partition("\n")
        block = _Block(opening, *_collect(rest, blocks))
        if not block.closed:
            block.problem(f"'{opening.strip()}' is never closed", opening, "end the block with a line :::")
        video, transcript = self._read(block)
        self.sink.hinted_problems.extend(block.problems)
        if video is not None and not block.problems:
            self.sink.videos.append((video, opening))
            _fallback(parent, video, transcript, self.language)
        return True

    def _read(self, block: _Block) -> tuple[Video | None, str]:
        """The video, and its transcript's address as written (the link in the paragraph records it)."""
        match = _OPEN.match(block.opening)
        assert match is not None
        address = match.group(1) or ""
        where: tuple[str, str] | None = None
        if not address:
            block.problem("the video has no address", block.opening,
                          "write the address of the video's page after :::video, on the same line")
        else:
            try:
                where = parse_video_url(address)
            except VideoUrlError as error:
                block.problem(str(error), block.opening, error.hint)
        title = self._title(block)
        fields = _fields(block, block.lines[1:] if title else block.lines)
        poster, transcript = _poster(block, fields), _transcript(block, fields)
        upload_date = _upload_date(block, fields)
        if where is None or not title:
            return None, transcript
        host, video_id = where
        taken = [video.anchor for video, _needle in self.sink.videos]
        video = Video(host=host, video_id=video_id, title=title, anchor=video_anchor(host, video_id, taken),
                      poster=poster, transcript=self.sink.post_link(transcript) or transcript,
                      upload_date=upload_date)
        return video, transcript

    def _title(self, block: _Block) -> str:
        first = block.lines[0] if block.lines else ""
        field_match = _FIELD.match(first)
        if not first or (field_match and field_match.group(1) in FIELDS):
            block.problem("the video has no title", first or block.opening,
                          "write the video's title on the line after :::video: it is shown under the poster and "
                          "names the player for screen readers")
            return ""
        return french_typography(first) if self.language == "fr" else first


def _collect(rest: str, blocks: list[str]) -> tuple[list[str], bool]:
    """The block's lines up to the closing ``:::`` (blank ones left out) and whether there is one; what follows it
    goes back to ``blocks``. Without a closing line the rest of the article is taken, and reported."""
    lines: list[str] = []
    current = rest.split("\n") if rest else []
    while True:
        for index, line in enumerate(current):
            if _CLOSE.match(line):
                after = "\n".join(current[index + 1:]).lstrip("\n")
                if after:
                    blocks.insert(0, after)
                return lines, True
            if line.strip():
                lines.append(line.strip())
        if not blocks:
            return lines, False
        current = blocks.pop(0).split("\n")


def _fields(block: _Block, lines: list[str]) -> dict[str, tuple[str, str]]:
    """The ``name: value`` lines by name: (value, the line as written)."""
    fields: dict[str, tuple[str, str]] = {}
    for line in lines:
        match = _FIELD.match(line)
        if match is None:
            block.problem(f"'{line}' is neither the title nor a field", line,
                          "the title is the one line after :::video; write the other lines as `poster: …`, "
                          "`transcription: …` or `date: …`")
            continue
        name, value = match.group(1), match.group(2)
        if name not in FIELDS:
            close = difflib.get_close_matches(name, FIELDS, n=1, cutoff=0.6)
            block.problem(f"unknown field '{name}'", line,
                          f"did you mean '{close[0]}'?" if close else f"the fields are: {', '.join(FIELDS)}")
        elif name in fields:
            block.problem(f"'{name}' is given twice", line, f"keep one `{name}:` line")
        elif not value:
            block.problem(f"'{name}' is empty", line, f"write a value after `{name}:` or remove the line")
        else:
            fields[name] = (value, line)
    return fields


def _transcript(block: _Block, fields: dict[str, tuple[str, str]]) -> str:
    value, line = fields.get("transcription", ("", ""))
    parts = split_url(value)
    if parts is None or (parts.scheme and (parts.scheme not in ("http", "https") or not parts.netloc)):
        block.problem(f"the transcription must be a page or a file, not '{value}'", line,
                      "write the path of an article's file (`transcription: transcription-video.md`), a page "
                      "of the site (`/prevention/transcription/`) or an https:// address")
        return ""
    return value


def _poster(block: _Block, fields: dict[str, tuple[str, str]]) -> str | None:
    value, line = fields.get("poster", ("", ""))
    if not value:
        return None
    path = local_path(value) if split_url(value) is not None else None
    if path is None or value.startswith("//"):
        block.problem("the poster must be an image of the site, not an address elsewhere", line,
                      "put the image in static/images/ and write `poster: /images/name.jpg`: a page with a video "
                      "loads nothing from another site until the reader asks for the video")
        return None
    return path





def _upload_date(block: _Block, fields: dict[str, tuple[str, str]]) -> date | None:
    value, line = fields.get("date", ("", ""))
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not YEARS[0] <= day.year <= YEARS[1]:
        block.problem(f"'date' is not a date: '{value}'", line,
                      "write the day the host published the video: `date: 2026-10-01`")
        return None
    return day


def _fallback(parent: etree.Element, video: Video, transcript: str, language: str) -> None:
    """The paragraph that stands for the video: its title linking to it on its host, and the transcript (as
    written: a link to an article's file is marked and recorded with the body's other links)."""
    host = HOSTS[video.host]
    paragraph = etree.SubElement(parent, "p", {"class": FALLBACK_CLASS, "id": video.anchor})
    link = etree.SubElement(paragraph, "a", {"href": host.watch_url(video.video_id)})
    link.text = AtomicString(video.title)  # as written: no Markdown inside a title
    link.tail = f" ({host.name})"
    if transcript:
        link.tail += " – "
        transcript_link = etree.SubElement(paragraph, "a", {"href": transcript})
        transcript_link.text = TRANSCRIPT_LABELS.get(language, TRANSCRIPT_LABELS["en"])


class VideoExtension(Extension):
    """Registers the video block before the callouts, which would read ``:::video`` as an unknown kind."""

    def __init__(self, language: str, sink: VideoSink) -> None:
        super().__init__()
        self.language = language
        self.sink = sink

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (python-markdown's API name)
        md.parser.blockprocessors.register(VideoProcessor(md.parser, self.language, self.sink), "video", 106)
