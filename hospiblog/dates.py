"""Dates and amounts written the way readers of a language write them, through Babel (CLDR).

Pages get them through :meth:`hospiblog.views.ViewFactory.date_text`; texts made outside a page (the social kit's)
call these functions with the language they are written in.
"""

from __future__ import annotations

import functools
from datetime import date

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal


@functools.lru_cache(maxsize=16)
def locale_of(language: str) -> Locale:
    """Babel's locale for a language code (``fr``, ``de``, ``en``)."""
    return Locale.parse(language)


def long_date(value: date, language: str) -> str:
    """A date in full: "22 novembre 2026", "1er mars 2026", "22. November 2026"."""
    locale = locale_of(language)
    pattern = locale.date_formats["long"].pattern
    if value.day == 1 and locale.language == "fr" and pattern.startswith("d "):
        # French writes the first day of a month as an ordinal, "1er" (Imprimerie nationale's rules);
        # CLDR's pattern, which Babel follows, has a plain "1".
        return format_date(value, format="'1er'" + pattern[1:], locale=locale)
    return format_date(value, format=pattern, locale=locale)


def amount_text(value: float, language: str) -> str:
    """An amount of money without its currency: "6 350" (French), "6.350" (German), "42,50" with cents."""
    pattern = "#,##0" if value == int(value) else "#,##0.00"
    return format_decimal(value, format=pattern, locale=locale_of(language))
