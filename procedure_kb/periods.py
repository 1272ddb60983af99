"""Values with a validity period: the record as it holds on a given day.

A way to submit may list dated fees (``fees: [{valid_from, valid_until, fee, fee_vnd}]``) instead
of one ``fee``; a legal text may carry ``valid_from`` / ``valid_until``. :func:`as_of` returns a
copy of a procedure with the fee in force on that day in ``fee`` / ``fee_vnd``, the end of its
period in ``fee_until`` and the next period in ``fee_next`` when the period ends within
:data:`SOON`, and without the legal texts no longer in force. A way whose dated fees leave that day
uncovered gets a ``submission[i].fee`` review note, so no surface states an amount for it.

The day is always passed in: callers take it from an injectable clock (:func:`today_in_vietnam`
by default), so tests pin it on both sides of a boundary.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

from procedure_kb.office import load_office

# A period ending within this time is announced ("đến hết ngày 31/12/2026").
SOON = timedelta(days=366)


def today_in_vietnam() -> date:
    """Today's date in Vietnam (UTC+7, from office.yml)."""
    offset = float(load_office().get("utc_offset_hours", 7))
    return datetime.now(timezone(timedelta(hours=offset))).date()


def in_force(entry: Mapping[str, Any], day: date) -> bool:
    """Whether ``day`` lies in the entry's period (both ends inclusive, open ends unbounded)."""
    start, end = entry.get("valid_from"), entry.get("valid_until")
    return (start is None or start <= day) and (end is None or day <= end)


def day_text(day: date) -> str:
    """'31/12/2026'."""
    return day.strftime("%d/%m/%Y")


def _way_as_of(way: Mapping[str, Any], day: date) -> tuple[dict[str, Any], bool]:
    """The way with the fee in force on ``day``; False when its dated fees do not cover it."""
    fees = list(way.get("fees") or [])
    out = dict(way, fee_until=None, fee_next=None)
    if not fees:
        return out, True
    current = next((f for f in fees if in_force(f, day)), None)
    out["fee"] = current.get("fee") if current else None
    out["fee_vnd"] = current.get("fee_vnd") if current else None
    end = current.get("valid_until") if current else None
    if end is not None and end - day <= SOON:
        out["fee_until"] = end
        upcoming = [f for f in fees if f.get("valid_from") and f["valid_from"] > day]
        if upcoming:
            out["fee_next"] = min(upcoming, key=lambda f: f["valid_from"])
    return out, current is not None


def as_of(procedure: Mapping[str, Any], day: date) -> dict[str, Any]:
    """A copy of ``procedure`` with the values that hold on ``day`` (see the module docstring)."""
    ways, notes = [], list(procedure.get("needs_review") or [])
    for index, way in enumerate(procedure.get("submission") or []):
        resolved, covered = _way_as_of(way, day)
        ways.append(resolved)
        if not covered:
            gap = f"chưa có mức lệ phí áp dụng ngày {day_text(day)}"
            notes.append(f"submission[{index}].fee: {gap}")
    laws = [
        law
        for law in procedure.get("legal_basis") or []
        if law.get("valid_until") is None or day <= law["valid_until"]
    ]
    return dict(procedure, submission=ways, legal_basis=laws, needs_review=notes)
