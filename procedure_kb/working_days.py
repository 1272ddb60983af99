"""Working days in Viet Nam: Monday to Friday, minus public holidays, plus make-up Saturdays.

The calendar comes from ``procedure_kb/data/holidays.yml`` (see the comments there for the legal
basis and which dates still need review). Processing times of administrative procedures and
office hours are counted in these working days.

    >>> from datetime import date
    >>> is_working_day(date(2026, 2, 17))          # mùng 1 Tết Bính Ngọ
    False
    >>> add_working_days(date(2026, 2, 13), 1)      # Friday before Tết -> Monday after
    datetime.date(2026, 2, 23)
    >>> working_days_between(date(2026, 2, 13), date(2026, 2, 23))
    1

This module imports nothing from Rasa.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays.yml"
VIETNAM_TZ = timezone(timedelta(hours=7))  # one time zone, no daylight saving time
# A backwards or forwards walk longer than this is a caller bug, not a real deadline.
MAX_SPAN_DAYS = 366 * 20


def today_in_vietnam() -> date:
    """Today's date in Viet Nam (the server may run in UTC)."""
    return datetime.now(VIETNAM_TZ).date()


@dataclass(frozen=True)
class Calendar:
    """Days off and make-up working days read from a holidays file."""

    days_off: dict[date, str]
    working_days: dict[date, str]
    needs_review: dict[date, list[str]] = field(default_factory=dict)
    years: frozenset[int] = frozenset()
    reviewed_at: date | None = None

    def is_working_day(self, day: date) -> bool:
        """Mon–Fri that is not a day off, or a make-up Saturday/Sunday."""
        if day in self.working_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday on ``day``, if it is one."""
        return self.days_off.get(day)


def _as_date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise ValueError(f"{where}: '{value}' is not a date (YYYY-MM-DD)") from error


def _entries(raw: dict[str, Any], key: str, path: Path) -> list[dict[str, Any]]:
    entries = raw.get(key) or []
    if not isinstance(entries, list):
        raise ValueError(f"{path}: '{key}' must be a list")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or "date" not in entry or not entry.get("name"):
            raise ValueError(f"{path}: {key}[{i}] needs a date and a name")
    return entries


def load_holidays(path: str | Path | None = None) -> Calendar:
    """Read and check a holidays file (default: the bundled ``data/holidays.yml``)."""
    path = Path(path) if path else HOLIDAYS_FILE
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    sources = raw.get("sources") or {}
    days_off: dict[date, str] = {}
    working: dict[date, str] = {}
    review: dict[date, list[str]] = {}
    for key, target in (("days_off", days_off), ("working_days", working)):
        for i, entry in enumerate(_entries(raw, key, path)):
            day = _as_date(entry["date"], f"{path}: {key}[{i}]")
            if day in days_off or day in working:
                raise ValueError(f"{path}: {day} is listed twice")
            source = entry.get("source")
            if not source or (source not in sources and "://" not in str(source)):
                raise ValueError(f"{path}: {key}[{i}] ({day}) needs a known source")
            target[day] = str(entry["name"])
            if entry.get("needs_review"):
                review[day] = [str(note) for note in entry["needs_review"]]
    for day in working:
        if day.weekday() < 5:
            raise ValueError(f"{path}: make-up working day {day} is not a weekend day")
    years = frozenset(d.year for d in days_off)
    reviewed = raw.get("reviewed_at")
    return Calendar(
        days_off=days_off,
        working_days=working,
        needs_review=review,
        years=years,
        reviewed_at=_as_date(reviewed, f"{path}: reviewed_at") if reviewed else None,
    )


@lru_cache(maxsize=1)
def default_calendar() -> Calendar:
    """The bundled calendar, read once per process."""
    return load_holidays()


_warned_years: set[int] = set()


def _calendar(calendar: Calendar | None) -> Calendar:
    return calendar or default_calendar()


def _check_year(calendar: Calendar, day: date) -> None:
    if calendar.years and day.year not in calendar.years and day.year not in _warned_years:
        _warned_years.add(day.year)
        logger.warning(
            "No public holidays listed for %s in holidays.yml; counting weekends only.", day.year
        )


def is_working_day(day: date, calendar: Calendar | None = None) -> bool:
    """True on Monday–Friday that is not a public holiday, and on make-up Saturdays."""
    cal = _calendar(calendar)
    _check_year(cal, day)
    return cal.is_working_day(day)


def add_working_days(start: date, n: int, calendar: Calendar | None = None) -> date:
    """The ``n``-th working day after ``start`` (before it when ``n`` < 0); ``start`` if n == 0."""
    cal = _calendar(calendar)
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    day = start
    walked = 0
    while remaining:
        day += timedelta(days=step)
        walked += 1
        if walked > MAX_SPAN_DAYS:
            raise ValueError(f"add_working_days: {n} working days is out of range")
        if is_working_day(day, cal):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, calendar: Calendar | None = None) -> int:
    """Working days ``d`` with ``start < d <= end``; negative when ``end`` is before ``start``.

    ``working_days_between(due, today)`` is how many working days a deadline is overdue
    (positive) or still has left (negative).
    """
    if end == start:
        return 0
    if end < start:
        return -working_days_between(end, start, calendar)
    if (end - start).days > MAX_SPAN_DAYS:
        raise ValueError("working_days_between: span out of range")
    cal = _calendar(calendar)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, cal):
            count += 1
    return count
