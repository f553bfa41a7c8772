"""The ``job:`` block of a post's front matter: a job offer, read and checked field by field.

Every problem names its key by its dotted path (``job.salary.min: …``) and says how to fix it; the parse places
it at that key's line when the block is written indented, else at the line of ``job:``. Editors may write the
employment type and the salary's unit in French, German or English; what reaches the model is schema.org's
vocabulary (``FULL_TIME``) and :data:`hospiblog.model.SALARY_UNITS`.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..model import JobOffer, Salary
from ..urls import split_url
from .values import describe as _describe
from .values import short as _short

JOB_FIELDS = ("title", "service", "employment", "rate", "salary", "start", "closes", "apply", "location", "contact")
SALARY_FIELDS = ("min", "max", "currency", "unit")
EMPLOYMENT_TYPES = ("FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "VOLUNTEER", "PER_DIEM", "OTHER")
"""schema.org's and Google's values of ``employmentType``."""
_EMPLOYMENT_WORDS = {
    "FULL_TIME": ("full time", "fulltime", "plein temps", "temps plein", "vollzeit"),
    "PART_TIME": ("part time", "parttime", "temps partiel", "mi temps", "teilzeit"),
    "CONTRACTOR": ("contractor", "freelance", "independant", "mandat", "freie mitarbeit"),
    "TEMPORARY": ("temporary", "fixed term", "temporaire", "duree determinee", "cdd", "remplacement", "befristet"),
    "INTERN": ("intern", "internship", "stage", "stagiaire", "praktikum"),
    "VOLUNTEER": ("volunteer", "benevole", "benevolat", "freiwillig", "freiwilligenarbeit"),
    "PER_DIEM": ("per diem", "on call", "sur appel", "auf abruf"),
    "OTHER": ("other", "autre", "andere"),
}
EMPLOYMENT_WORDS: dict[str, str] = {word: kind for kind, words in _EMPLOYMENT_WORDS.items() for word in words}
"""The words editors write for each employment type, without accents or case (``temps partiel`` → PART_TIME)."""
SALARY_UNIT_WORDS: dict[str, str] = {
    **dict.fromkeys(("year", "yearly", "annual", "an", "annee", "annuel", "par an", "jahr", "jahrlich", "pro jahr"),
                    "year"),
    **dict.fromkeys(("month", "monthly", "mois", "mensuel", "par mois", "monat", "monatlich", "pro monat"), "month"),
    **dict.fromkeys(("hour", "hourly", "heure", "horaire", "par heure", "stunde", "pro stunde"), "hour"),
}
DEFAULT_CURRENCY = "CHF"
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_AMOUNT = re.compile(r"^\d{1,9}(?:\.\d{1,2})?$")
_THOUSANDS = re.compile("[ '\u2019\u202f\u00a0_]")
_EMAIL = re.compile(r"^[^@\s<>\"'()\[\],;:]+@[^@\s<>\"'()\[\],;:]+\.[^@\s<>\"'()\[\],;:.]+$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SEPARATORS = re.compile(r"[\s_\-–/'’]+")
_SPACE_BEFORE_PERCENT = re.compile(r"\s+%")
"""Replaced by a no-break space: "80–100 %" never breaks before its sign."""
_EMPLOYMENT_HINT = ("write one type, or a list such as `employment: [plein temps, temps partiel]`, among: "
                    "plein temps / full-time, temps partiel / part-time, durée déterminée / temporary, "
                    "stage / internship, indépendant / contractor, bénévole / volunteer, sur appel / per diem, "
                    "autre / other (or schema.org's FULL_TIME, PART_TIME, TEMPORARY, INTERN, CONTRACTOR, "
                    "VOLUNTEER, PER_DIEM, OTHER)")

Problem = Callable[[str, str, str], None]
"""Reports a problem: (dotted key such as ``job.closes``, message, how to fix it)."""
DateReader = Callable[[Any], date | None]
"""A front-matter value as a date in the site's zone, or None when it is none."""


def plain_word(text: str) -> str:
    """A word as compared with the vocabularies: lower case, no accents, one space between parts."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(character for character in decomposed if not unicodedata.combining(character))
    return _SEPARATORS.sub(" ", bare).strip()


@dataclass
class JobReader:
    """Reads a ``job:`` block, reporting each problem once through ``problem``."""

    problem: Problem
    to_date: DateReader
    typeset: Callable[[str], str]
    """The post's typography for texts readers see (French spaces and apostrophes)."""
    problems: int = 0
    """How many problems were reported."""

    def report(self, key: str, message: str, hint: str) -> None:
        self.problems += 1
        self.problem(key, message, hint)

    def read(self, value: Any) -> JobOffer | None:
        """The offer, or None when the block has a problem (reported)."""
        if not isinstance(value, dict):
            self.report("job", "'job' must be a block of fields: title, closes, apply…",
                        "write `job:` then, indented, `title: Infirmier·ère`, `closes: 2027-01-31` and "
                        "`apply: https://…` (see the README for every field)")
            return None
        reported = self.problems
        self._unknown(value, "job", JOB_FIELDS)
        title = self._text(value, "title")
        if not title:
            self.report("job.title", "job.title: missing: the position offered",
                        "add `title:` under `job:`, e.g. `title: Infirmier·ère en soins intensifs`")
        start, start_text = self._start(value)
        offer = JobOffer(
            title=title, service=self._text(value, "service"), employment=self._employment(value),
            rate=_SPACE_BEFORE_PERCENT.sub("\u00a0%", self._text(value, "rate")),
            salary=self._salary(value.get("salary")), start=start, start_text=start_text, closes=self._closes(value),
            apply=self._apply(value),
            location=self._text(value, "location"), contact=self._text(value, "contact"),
        )
        return offer if self.problems == reported else None

    def _unknown(self, block: Mapping[Any, Any], path: str, known: tuple[str, ...]) -> None:
        for key in block:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"valid fields: {', '.join(known)}"
                self.report(f"{path}.{key}", f"{path}.{key}: unknown field", hint)

    def _raw_text(self, block: Mapping[Any, Any], key: str, path: str) -> str:
        value = block.get(key)
        if value is None or value == "":
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.report(path, f"{path}: must be text, not {_describe(value)}",
                        f'write `{key}: "…"` with the text in quotes')
            return ""
        return _CONTROL.sub(" ", str(value)).strip()

    def _text(self, block: Mapping[Any, Any], key: str) -> str:
        return self.typeset(self._raw_text(block, key, f"job.{key}"))

    def _employment(self, block: Mapping[Any, Any]) -> tuple[str, ...]:
        value = block.get("employment")
        if value is None:
            return ()
        words = value if isinstance(value, list) else [value]
        kinds: list[str] = []
        for word in words:
            kind = EMPLOYMENT_WORDS.get(plain_word(str(word))) if isinstance(word, str) else None
            if kind is None:
                self.report("job.employment", f"job.employment: {_short(word)} is not an employment type",
                            _EMPLOYMENT_HINT)
            elif kind not in kinds:
                kinds.append(kind)
        return tuple(kinds)

    def _salary(self, value: Any) -> Salary | None:
        if value is None:
            return None
        hint = ("write `salary:` then, indented, `min: 6350`, `max: 8900` and `unit: month` (or year, hour); "
                f"the currency is {DEFAULT_CURRENCY} unless `currency:` says otherwise")
        if not isinstance(value, dict):
            self.report("job.salary", "job.salary: must hold min and/or max, and unit", hint)
            return None
        self._unknown(value, "job.salary", SALARY_FIELDS)
        minimum, maximum = self._amount(value, "min"), self._amount(value, "max")
        if value.get("min") is None and value.get("max") is None:
            self.report("job.salary", "job.salary: give `min:`, `max:` or both", hint)
        return Salary(minimum, maximum, self._unit(value), self._currency(value))

    def _amount(self, salary: Mapping[Any, Any], key: str) -> float | None:
        value = salary.get(key)
        if value is None:
            return None
        text = _THOUSANDS.sub("", str(value)) if isinstance(value, (str, int, float)) else ""
        if isinstance(value, bool) or not _AMOUNT.match(text) or not math.isfinite(float(text)):
            self.report(f"job.salary.{key}", f"job.salary.{key}: {_short(value)} is not an amount",
                        f"write the amount in figures, e.g. `{key}: 6350` (6'350 and 6 350 are read too; "
                        "a decimal point, not a comma, before cents)")
            return None
        return float(text)

    def _unit(self, salary: Mapping[Any, Any]) -> str:
        value = salary.get("unit")
        hint = "write `unit: year`, `unit: month` or `unit: hour` (an, mois, heure) under `salary:`"
        if value is None:
            self.report("job.salary.unit", "job.salary.unit: missing: is the salary per year, month or hour?", hint)
            return "year"
        unit = SALARY_UNIT_WORDS.get(plain_word(value)) if isinstance(value, str) else None
        if unit is None:
            self.report("job.salary.unit", f"job.salary.unit: {_short(value)} is not a unit", hint)
            return "year"
        return unit

    def _currency(self, salary: Mapping[Any, Any]) -> str:
        value = salary.get("currency")
        if value is None:
            return DEFAULT_CURRENCY
        code = value.strip().upper() if isinstance(value, str) else ""
        if not _CURRENCY.match(code):
            self.report("job.salary.currency", f"job.salary.currency: {_short(value)} is not a currency code",
                        "write the three-letter ISO 4217 code, e.g. `currency: CHF` or `currency: EUR`")
            return DEFAULT_CURRENCY
        return code

    def _start(self, block: Mapping[Any, Any]) -> tuple[date | None, str]:
        value = block.get("start")
        if value is None:
            return None, ""
        day = self.to_date(value)
        if day is not None:
            return day, ""
        return None, self._text(block, "start")

    def _closes(self, block: Mapping[Any, Any]) -> date | None:
        value = block.get("closes")
        if value is None:
            return None
        day = self.to_date(value)
        if day is None:
            self.report("job.closes", f"job.closes: {_short(value)} is not a date",
                        "write `closes: 2027-01-31`: the last day candidates can apply")
        return day

    def _apply(self, block: Mapping[Any, Any]) -> str:
        text = self._raw_text(block, "apply", "job.apply")
        address = text.removeprefix("mailto:")
        if not text or _EMAIL.match(address):
            return address
        parts = split_url(text)
        if (parts is not None and parts.scheme in ("http", "https") and parts.netloc
                and not any(space in text for space in " \t\n")):
            return text
        self.report("job.apply", f"job.apply: must be a web address (https://…) or an e-mail address, "
                    f"not {_short(text)}",
                    "write the address of the application form, `apply: https://…`, or an e-mail address, "
                    "`apply: rh@hopital.example`")
        return ""


def read_job(value: Any, *, problem: Problem, to_date: DateReader, typeset: Callable[[str], str]) -> JobOffer | None:
    """The job offer of a ``job:`` block, or None when it has problems (each reported through ``problem``)."""
    return JobReader(problem, to_date, typeset).read(value)

