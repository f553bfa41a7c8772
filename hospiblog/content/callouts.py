"""Callouts for health advice, written between ``:::`` lines.

```
:::consulter
Une fièvre qui dure plus de trois jours.
:::
```
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Protocol

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension

CALLOUT_TITLES: dict[str, dict[str, str]] = {
    "retenir": {"fr": "À retenir", "de": "Das Wichtigste", "en": "Key points"},
    "important": {"fr": "Important", "de": "Wichtig", "en": "Important"},
    "consulter": {"fr": "Quand consulter ?", "de": "Wann zum Arzt?", "en": "When to see a doctor"},
    "conseil": {"fr": "Conseil", "de": "Tipp", "en": "Tip"},
}
class ProblemSink(Protocol):
    """Where problems of the current conversion go (the renderer swaps it per post)."""

    @property
    def problems(self) -> list[tuple[str, str]]: ...


_OPEN = re.compile(r"^:::[ \t]*([\w-]+)[ \t]*(.*?)[ \t]*$")
_CLOSE = re.compile(r"^:::[ \t]*$", re.MULTILINE)


class CalloutProcessor(BlockProcessor):
    """Turns a ``:::kind`` … ``:::`` section into ``<div class="callout callout-kind">``."""

    def __init__(self, parser: object, language: str, sink: ProblemSink) -> None:
        super().__init__(parser)  # type: ignore[arg-type]
        self.language = language
        self.sink = sink

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(_OPEN.match(block.split("\n", 1)[0]))

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        first = blocks.pop(0)
        opening, _, rest = first.partition("\n")
        match = _OPEN.match(opening)
        assert match is not None
        kind, title = match.group(1).lower(), match.group(2)
        inner = self._collect(rest, blocks, opening)
        if kind not in CALLOUT_TITLES:
            self.sink.problems.append((
                f"unknown callout kind '{kind}'; use one of: {', '.join(CALLOUT_TITLES)}",
                opening,
            ))
            kind = "important"
        box = etree.SubElement(parent, "div", {"class": f"callout callout-{kind}", "role": "note"})
        heading = etree.SubElement(box, "p", {"class": "callout-title"})
        heading.text = title or CALLOUT_TITLES[kind].get(self.language, CALLOUT_TITLES[kind]["en"])
        self.parser.parseBlocks(box, inner)
        return True

    def _collect(self, rest: str, blocks: list[str], opening: str) -> list[str]:
        """Blocks up to the closing ``:::`` line; the rest of that block goes back."""
        inner: list[str] = []
        current = rest
        while True:
            close = _CLOSE.search(current)
            if close:
                inner.append(current[: close.start()])
                after = current[close.end():].lstrip("\n")
                if after:
                    blocks.insert(0, after)
                return [block for block in inner if block.strip()]
            inner.append(current)
            if not blocks:
                message = f"callout '{opening.strip()}' is never closed; end it with a line ':::'"
                self.sink.problems.append((message, opening))
                return [block for block in inner if block.strip()]
            current = blocks.pop(0)


class CalloutExtension(Extension):
    """Registers the callout processor before paragraphs are made."""

    def __init__(self, language: str, sink: ProblemSink) -> None:
        super().__init__()
        self.language = language
        self.sink = sink

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (python-markdown's API name)
        md.parser.blockprocessors.register(
            CalloutProcessor(md.parser, self.language, self.sink), "callout", 105
        )
