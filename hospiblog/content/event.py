"""The ``event:`` block of a post's front matter: an event the post announces.

::

    event:
      start: 2027-04-08 18:30        # a local date-time in the site's time zone, or a date (all-day event)
      end: 2027-04-08 20:00          # optional; a date for an all-day event (its last day, included)
      location:                      # or just `location: "Auditoire"`
        name: "Auditoire du bâtiment principal"
        address: "Route de l'Hôpital 12, 1700 Val-Clair"
      online: https://…              # a hybrid or online event
      registration: https://… or inscription@…   # optional
      price: "CHF 20.–"              # optional: free when absent
      status: scheduled              # scheduled, cancelled, postponed or online

Every problem names the key (``event.end: …``) and is reported at the line of that key when the block is written
one key a line, else at the line of ``event:``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from ..model import EVENT_STATUSES, Event, Place
from ..urls import split_url
from .values import describe as _describe
from .values import short as _short

KEY = "event"
EVENT_FIELDS = ("start", "end", "location", "online", "registration", "price", "status")
LOCATION_FIELDS = ("name", "address")
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_FRENCH = {"debut": "start", "début": "start", "fin": "end", "lieu": "location", "en_ligne": "online",
           "inscription": "registration", "prix": "price", "tarif": "price", "statut": "status", "nom": "name",
           "adresse": "address", "prevu": "scheduled", "prévu": "scheduled", "annule": "cancelled",
           "annulé": "cancelled", "reporte": "postponed", "reporté": "postponed", "en ligne": "online"}
"""What a French-speaking editor may write instead of the English names: the hint says which one is meant."""
_EXAMPLE = "event: then, indented, `start: 2027-04-08 18:30` and `location: \"Auditoire\"`"


class Problem(Protocol):
    """Records a front-matter problem (``_FieldReader.problem``)."""

    def __call__(self, key: str, message: str, hint: str, *, line: int | None = None) -> None: ...


class _EventReader:
    """Validates the fields of one ``event:`` block, reporting each problem at its key's line."""

    def __init__(self, lines: Mapping[str, int], zone: ZoneInfo, problem: Problem,
                 typeset: Callable[[str], str]) -> None:
        self.lines = lines
        self.zone = zone
        self.report = problem
        self.typeset = typeset
        self.failed = False

    def problem(self, path: str, message: str, hint: str) -> None:
        """A problem of ``event.<path>``, at the line of the deepest key of ``path`` written on a line of its own."""
        parts = f"{KEY}.{path}".split(".")
        line = next((self.lines[".".join(parts[:depth])] for depth in range(len(parts), 0, -1)
                     if ".".join(parts[:depth]) in self.lines), None)
        self.report(KEY, f"{KEY}.{path}: {message}", hint, line=line)
        self.failed = True

    def read(self, block: dict[Any, Any]) -> Event | None:
        self._unknown(block, EVENT_FIELDS, "")
        start, start_is_day = self._moment(block, "start", required=True)
        end, end_is_day = self._moment(block, "end", required=False)
        if start is not None and end is not None and start_is_day != end_is_day:
            self.problem("end", "give start and end both as dates (an all-day event) or both with a time",
                         f"write `end: {end.date().isoformat()}` for an all-day event, or add a time to `start:` "
                         f"and `end:` ({start.date().isoformat()} 18:30)")
        event = Event(
            start=start or datetime.min,
            end=end,
            all_day=start_is_day,
            location=self._location(block.get("location")),
            online=self._online(block.get("online")),
            registration=self._text(block, "registration", "write `registration:` with the address of the "
                                    "registration form (https://…) or an e-mail address"),
            price=self.typeset(self._text(block, "price", 'write `price: "CHF 20.–"`, or remove it for a free '
                                                           "event")),
            status=self._status(block.get("status")),
        )
        return None if self.failed else event

    def _unknown(self, block: dict[Any, Any], valid: tuple[str, ...], prefix: str) -> None:
        for key in block:
            if key not in valid:
                close = _closest(str(key), valid)
                hint = f"did you mean '{close[0]}'?" if close else f"valid fields: {', '.join(valid)}"
                self.problem(f"{prefix}{key}", "unknown field", hint)

    def _moment(self, block: dict[Any, Any], key: str, *, required: bool) -> tuple[datetime | None, bool]:
        """The moment written under ``key`` and whether it is a bare date (an all-day event)."""
        from .parse import to_datetime  # parse imports this module

        value = block.get(key)
        example = "2027-04-08 18:30" if key == "start" else "2027-04-08 20:00"
        if value is None:
            if required:
                self.problem(key, "missing: when does the event start?",
                             f"add `{key}: {example}` (or a date alone for an all-day event) under `event:`")
            return None, False
        moment = to_datetime(value, self.zone)
        if moment is None:
            self.problem(key, f"not a valid date: {_short(value)}",
                         f"write `{key}: {example}` (a local time in the site's time zone), or a date alone "
                         f"(`{key}: 2027-04-08`) for an all-day event")
            return None, False
        return moment, _is_day(value)

    def _location(self, value: Any) -> Place | None:
        if value is None:
            return None
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            name = _clean(str(value))
            return Place(self.typeset(name)) if name else None
        hint = ('write location: then, indented, `name: "Auditoire du bâtiment principal"` and `address: '
                '"Route de l\'Hôpital 12, 1700 Val-Clair"`')
        if not isinstance(value, dict):
            self.problem("location", f"must be a place's name or a group of fields, not {_describe(value)}", hint)
            return None
        self._unknown(value, LOCATION_FIELDS, "location.")
        name = self._text(value, "name", hint, path="location.name")
        address = self._text(value, "address", hint, path="location.address")
        if not name:
            self.problem("location.name", "missing: the place needs a name", hint)
            return None
        return Place(self.typeset(name), self.typeset(address))

    def _online(self, value: Any) -> str:
        if value is None:
            return ""
        text = _clean(value) if isinstance(value, str) else ""
        parts = split_url(text)
        if (parts is None or parts.scheme not in ("http", "https") or not parts.netloc
                or any(space in text for space in " <>\"'")):
            self.problem("online", f"must be the web address of the online event, not {_short(value)}",
                         "write `online: https://…` with the address where the event is followed online")
            return ""
        return text

    def _text(self, block: dict[Any, Any], key: str, hint: str, *, path: str | None = None) -> str:
        value = block.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(path or key, f"must be text, not {_describe(value)}", hint)
            return ""
        return _clean(str(value))

    def _status(self, value: Any) -> str:
        if value is None:
            return "scheduled"
        if not isinstance(value, str) or value.strip() not in EVENT_STATUSES:
            close = _closest(str(value), EVENT_STATUSES)
            suggestion = f"did you mean '{close[0]}'? " if close else ""
            self.problem("status", f"{_short(value)} is not a status",
                         f"{suggestion}write one of: {', '.join(EVENT_STATUSES)} (online: moved online)")
            return "scheduled"
        return value.strip()


def read_event(value: Any, *, lines: Mapping[str, int], zone: ZoneInfo, problem: Problem,
               typeset: Callable[[str], str]) -> Event | None:
    """The event of a post's ``event:`` block, or None when absent or wrong (each problem reported)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        problem(KEY, f"'{KEY}' must be a group of fields (start, end, location…), not {_describe(value)}",
                f"write {_EXAMPLE}", line=lines.get(KEY))
        return None
    return _EventReader(lines, zone, problem, typeset).read(value)


def _closest(written: str, valid: tuple[str, ...]) -> list[str]:
    """The valid name meant: its English name for a French word, else the closest spelling."""
    meant = _FRENCH.get(written.strip().lower())
    if meant in valid:
        return [meant]
    return difflib.get_close_matches(written, valid, n=1, cutoff=0.6)


def _is_day(value: Any) -> bool:
    """A date without a time of day: YAML's date, or a text written as one."""
    if isinstance(value, datetime):
        return False
    return isinstance(value, date) or (isinstance(value, str) and _DAY.match(value.strip()) is not None)


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text).strip()

