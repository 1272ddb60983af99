"""Citizens helped by community digital teams (tổ công nghệ số cộng đồng) in the widget's helper
mode: counted, not identified.

One row per helper-mode conversation that ended ("Người tiếp theo" or the idle timeout): when,
the team's own code, how it ended, how many messages the citizen sent and which procedures were
answered. No text, no session, device or citizen id is ever stored, so the table can be kept and
shown to a commune as it is. The staff dashboard reads it through :meth:`HelperStats.summary`
(``python -m procedure_kb helper-stats`` prints the same).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from procedure_kb.database import make_engine
from procedure_kb.models import HelperSession

SESSIONS = HelperSession.__table__

ENDED_BY = ("next", "idle")  # "Người tiếp theo" pressed / the idle timeout
TEAM_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
PROCEDURE_ID = re.compile(r"^[a-z0-9-]{1,100}$")
MAX_PROCEDURES = 20  # distinct procedures kept per conversation
MAX_QUESTIONS = 500  # a bound on the citizen's message count (the widget keeps 200 messages)
VIETNAM = timezone(timedelta(hours=7))  # days are counted as the commune sees them


class DailyLimitReached(RuntimeError):
    """The team (or the teamless widget) already recorded the day's maximum of conversations."""


def clean_team_code(raw: str | None) -> str | None:
    """A team code in upper case (1–32 letters without diacritics, digits, "-" or "_"), None for
    none; ValueError for anything else."""
    if raw is None or not str(raw).strip():
        return None
    code = str(raw).strip().upper()
    if not TEAM_CODE.match(code):
        raise ValueError("team_code: 1-32 characters A-Z, 0-9, '-' or '_'")
    return code


def clean_procedures(ids: Iterable[str]) -> list[str]:
    """Distinct well-formed procedure ids, in first-seen order, at most :data:`MAX_PROCEDURES`."""
    out: list[str] = []
    for value in ids:
        if isinstance(value, str) and PROCEDURE_ID.match(value) and value not in out:
            out.append(value)
    return out[:MAX_PROCEDURES]


def vietnam_day(moment: datetime) -> date:
    """The calendar day in Vietnam of ``moment`` (naive datetimes are UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(VIETNAM).date()


@dataclass
class HelperSummary:
    """Counts for a range of days: people helped per day and team, per team, top procedures."""

    first_day: date
    last_day: date
    per_day: list[tuple[date, str | None, int, int]] = field(default_factory=list)
    """(day, team code, people, messages), by day then team."""
    per_team: list[tuple[str | None, int]] = field(default_factory=list)
    """(team code, people), most first."""
    procedures: list[tuple[str, int]] = field(default_factory=list)
    """(procedure id, conversations that asked about it), most first."""
    ended_by: dict[str, int] = field(default_factory=dict)

    @property
    def people(self) -> int:
        """Citizens helped in the range."""
        return sum(people for _, people in self.per_team)


class HelperStats:
    """The helper-mode counts in the knowledge-base database at ``url`` (migrated beforehand)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[Connection]:
        with self.engine.begin() if write else self.engine.connect() as connection:
            yield connection

    def record(
        self,
        team_code: str | None,
        ended_by: str,
        questions: int,
        procedures: Iterable[str] = (),
        *,
        max_per_day: int | None = None,
        now: datetime | None = None,
    ) -> int:
        """Store one ended helper-mode conversation; return its row id.

        ValueError for a bad team code, ``ended_by`` or ``questions``; :class:`DailyLimitReached`
        when the team already has ``max_per_day`` rows on this Vietnamese day (counted in the
        database, so every process agrees).
        """
        team = clean_team_code(team_code)
        if ended_by not in ENDED_BY:
            raise ValueError(f"ended_by: {ended_by!r} is not one of {ENDED_BY}")
        if isinstance(questions, bool) or not isinstance(questions, int) or questions < 0:
            raise ValueError("questions: a whole number, 0 or more")
        moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)
        day = vietnam_day(moment)
        row = {
            "created_at": moment,
            "day": day,
            "team_code": team,
            "ended_by": ended_by,
            "questions": min(questions, MAX_QUESTIONS),
            "procedures": clean_procedures(procedures),
        }
        with self._connect(write=True) as conn:
            if max_per_day is not None:
                same_team = (
                    SESSIONS.c.team_code.is_(None) if team is None else SESSIONS.c.team_code == team
                )
                count = conn.execute(
                    select(func.count())
                    .select_from(SESSIONS)
                    .where(SESSIONS.c.day == day, same_team)
                ).scalar()
                if (count or 0) >= max_per_day:
                    raise DailyLimitReached(f"team {team!r}: {count} conversations on {day}")
            result = conn.execute(insert(SESSIONS).values(**row))
            return int(result.inserted_primary_key[0])

    def list_sessions(self, limit: int = 100) -> list[dict]:
        """The latest ``limit`` rows, newest first (every stored column)."""
        query = select(SESSIONS).order_by(SESSIONS.c.id.desc()).limit(limit)
        with self._connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def summary(
        self,
        first_day: date,
        last_day: date,
        team_code: str | None = None,
        top: int = 10,
    ) -> HelperSummary:
        """Counts from ``first_day`` to ``last_day`` (Vietnamese days, both included); only for
        ``team_code`` when given; the ``top`` procedures."""
        query = select(
            SESSIONS.c.day,
            SESSIONS.c.team_code,
            SESSIONS.c.ended_by,
            SESSIONS.c.questions,
            SESSIONS.c.procedures,
        ).where(SESSIONS.c.day >= first_day, SESSIONS.c.day <= last_day)
        team = clean_team_code(team_code)
        if team is not None:
            query = query.where(SESSIONS.c.team_code == team)
        days: Counter = Counter()
        messages: Counter = Counter()
        teams: Counter = Counter()
        procedures: Counter = Counter()
        ended: Counter = Counter(dict.fromkeys(ENDED_BY, 0))
        with self._connect() as conn:
            for row in conn.execute(query):
                days[(row.day, row.team_code)] += 1
                messages[(row.day, row.team_code)] += row.questions
                teams[row.team_code] += 1
                procedures.update(set(row.procedures or []))
                ended[row.ended_by] += 1
        order = sorted(days, key=lambda key: (key[0], key[1] or ""))
        return HelperSummary(
            first_day=first_day,
            last_day=last_day,
            per_day=[(day, code, days[(day, code)], messages[(day, code)]) for day, code in order],
            per_team=sorted(teams.items(), key=lambda item: (-item[1], item[0] or "")),
            procedures=sorted(procedures.items(), key=lambda item: (-item[1], item[0]))[:top],
            ended_by=dict(ended),
        )
