"""Dates, times and amounts the way readers of a language write them, through Babel (CLDR).

Pages format dates with :meth:`hospiblog.views.ViewFactory.date_text`, in the site's language; share cards and
the social kit speak the post's language. Both come here, so a date reads the same everywhere.
"""

from __future__ import annotations

import functools
import re
from datetime import date, time

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_time
from babel.numbers import format_decimal

_DAY_TOKEN = re.compile(r"(^|\s)d(?=\s)")


@functools.lru_cache(maxsize=32)
def locale_of(language: str) -> Locale:
    """Babel's locale for a language tag (``fr``, ``de-CH``, ``en_GB``); English when Babel does not know it."""
    for tag in (language, language.replace("-", "_").split("_")[0]):
        try:
            return Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("en")


def long_date(day: date, language: str, *, weekday: bool = False) -> str:
    """``22 novembre 2026`` (``dimanche 22 novembre 2026`` with ``weekday``), ``1er mars 2026`` in French."""
    locale = locale_of(language)
    pattern = locale.date_formats["full" if weekday else "long"].pattern
    if day.day == 1 and locale.language == "fr":
        # French writes the first day of a month as an ordinal, "1er" (Imprimerie nationale's rules);
        # CLDR's pattern, which Babel follows, has a plain "1".
        pattern = _DAY_TOKEN.sub(r"\1'1er'", pattern, count=1)
    return format_date(day, format=pattern, locale=locale)


def short_time(moment: time, language: str) -> str:
    """``18:30`` (``6:30 PM`` in English)."""
    return format_time(moment, format="short", locale=locale_of(language))


def time_range(start: time, end: time, language: str) -> str:
    """``18:30 – 20:00`` (German ``18:30–20:00 Uhr``, English ``6:30 – 8:00 PM``)."""
    locale = locale_of(language)
    skeleton = "Hm" if "H" in locale.time_formats["short"].pattern else "hm"
    return format_interval(start, end, skeleton, locale=locale)


def day_range(first: date, last: date, language: str) -> str:
    """``24 – 25 mai 2025``: days of one event, the month and year written once where they are shared."""
    return format_interval(first, last, "yMMMMd", locale=locale_of(language))


def amount_text(value: float, language: str) -> str:
    """An amount of money without its currency: "6 350" (French), "6.350" (German), "42,50" with cents."""
    pattern = "#,##0" if value == int(value) else "#,##0.00"
    return format_decimal(value, format=pattern, locale=locale_of(language))
