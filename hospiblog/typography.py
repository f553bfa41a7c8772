"""French typography on plain text, without Markdown: the rules the body extension applies to a body's text
nodes (:mod:`hospiblog.content.typography`), for titles, summaries, site.toml's texts and theme strings.

French puts a narrow no-break space (U+202F) before ``; : ! ?`` and inside ``« »``, and writes its apostrophe
as U+2019 (``l’hôpital``). Editors type ordinary spaces or none, and the keyboard's straight ``'``.
"""

from __future__ import annotations

import re

NARROW_NBSP = "\u202f"
APOSTROPHE = "\u2019"
_BEFORE_PUNCTUATION = re.compile(r"(?:(?<=[^\s\u202f\u00a0(\[;:!?«])|^)[ \u00a0]?([;:!?])(?=\s|$|[»)\]\"'.,;:!?…])")
_AFTER_OPENING = re.compile(r"«[ \u00a0]?")
_BEFORE_CLOSING = re.compile(r"[ \u00a0]?»")


def french_spacing(text: str) -> str:
    """Puts narrow no-break spaces where French typography wants them."""
    if not any(mark in text for mark in ";:!?«»"):
        return text
    text = _BEFORE_PUNCTUATION.sub(NARROW_NBSP + r"\1", text)
    text = _AFTER_OPENING.sub("«" + NARROW_NBSP, text)
    return _BEFORE_CLOSING.sub(NARROW_NBSP + "»", text)


def french_apostrophes(text: str) -> str:
    """Writes every straight ``'`` as the typographic apostrophe U+2019: ``l'hôpital`` → ``l’hôpital``.

    French quotes with « », so its ``'`` is an elision (l', d', qu', aujourd'hui): every one becomes
    U+2019, and no pair is guessed into ‘ ’ quotation marks.
    """
    return text.replace("'", APOSTROPHE)


def french_typography(text: str) -> str:
    """Spaces, then apostrophes: spacing reads a straight ``'`` after ``?`` as a closing mark."""
    return french_apostrophes(french_spacing(text))
