"""A dossier as the assistant sees it, read from a one-stop system's JSON with a profile.

:class:`DossierRecord` holds personal data (name, phone, ID number, address, lookup code); it
never leaves the action server: its ``repr`` is masked, and :func:`public_view` is the only form
that goes into a slot or a reply.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from actions.dossier.config import OnestopConfig
from procedure_kb.privacy import mask_name, scrub


class RecordError(ValueError):
    """The system's answer does not hold a usable dossier (message has no personal data)."""


class UnknownStatusError(RecordError):
    """The status value is not in the profile's status mapping."""


@dataclass(frozen=True)
class DossierRecord:
    """One dossier, in our field names; ``status`` is a national status key."""

    code: str
    status: str
    raw_status: str
    procedure_name: str | None = None
    agency_name: str | None = None
    agency_phone: str | None = None
    received_at: date | None = None
    due_at: date | None = None
    finished_at: date | None = None
    returned_at: date | None = None
    applicant_name: str | None = None
    applicant_phone: str | None = None
    applicant_id_number: str | None = None
    applicant_address: str | None = None
    lookup_code: str | None = None
    supplement_note: str | None = None
    supplement_deadline: date | None = None
    fee_amount: int | None = None
    result_method: str | None = None

    def __repr__(self) -> str:  # never print personal data, even in a traceback
        return f"DossierRecord(code={self.code!r}, status={self.status!r})"

    __str__ = __repr__

    def matches_factor(self, value: str) -> bool:
        """True when ``value`` is the lookup code or the last 4 digits of the phone number."""
        value = (value or "").strip().upper()
        if not value:
            return False
        digits = "".join(ch for ch in self.applicant_phone or "" if ch.isdigit())
        candidates = [digits[-4:] if len(digits) >= 4 else "", (self.lookup_code or "").upper()]
        # compare every candidate so timing does not tell which one matched
        results = [hmac.compare_digest(value.encode(), c.encode()) for c in candidates if c]
        return any(results)


_DATE_FIELDS = {"received_at", "due_at", "finished_at", "returned_at", "supplement_deadline"}
_TEXT_FIELDS = (
    {f.name for f in fields(DossierRecord)}
    - _DATE_FIELDS
    - {
        "code",
        "status",
        "raw_status",
        "fee_amount",
        "result_method",
    }
)


def _dig(payload: Any, path: str) -> Any:
    value = payload
    for part in [p for p in path.split(".") if p]:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _date(value: Any, formats: tuple[str, ...]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value))
    text = str(value).strip()
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None  # an unreadable optional date is left out rather than failing the lookup


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _amount(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value >= 0 else None
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return int(digits) if digits else None


def record_from_payload(body: Any, config: OnestopConfig) -> DossierRecord:
    """Map a decoded JSON body to a record, or raise :class:`RecordError`."""
    payload = _dig(body, config.record_path) if config.record_path else body
    if not isinstance(payload, dict):
        raise RecordError("no dossier object at the configured record path")
    values: dict[str, Any] = {}
    for name, source in config.fields.items():
        raw = _dig(payload, source)
        if name in _DATE_FIELDS:
            values[name] = _date(raw, config.date_formats)
        elif name == "fee_amount":
            values[name] = _amount(raw)
        elif name == "result_method":
            values[name] = config.result_methods.get(str(raw).strip()) if raw is not None else None
        elif name in _TEXT_FIELDS or name in ("code", "status"):
            values[name] = _text(raw)
    code, raw_status = values.pop("code", None), values.pop("status", None)
    if not code or raw_status is None:
        raise RecordError("the dossier has no code or no status")
    status = config.statuses.get(raw_status)
    if status is None:
        raise UnknownStatusError(f"status value {raw_status[:20]!r} is not mapped")
    return DossierRecord(code=code, status=status, raw_status=raw_status, **values)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def public_view(record: DossierRecord) -> dict[str, Any]:
    """What may be shown and stored in a slot: no phone, ID number, address or lookup code."""
    return {
        "code": record.code,
        "status": record.status,
        "procedure_name": record.procedure_name,
        "agency_name": record.agency_name,
        "agency_phone": record.agency_phone,
        "received_at": _iso(record.received_at),
        "due_at": _iso(record.due_at),
        "finished_at": _iso(record.finished_at),
        "returned_at": _iso(record.returned_at),
        "applicant": mask_name(record.applicant_name) if record.applicant_name else None,
        "supplement_note": (
            scrub(record.supplement_note, [record.applicant_name], [record.applicant_address])
            if record.supplement_note
            else None
        ),
        "supplement_deadline": _iso(record.supplement_deadline),
        "fee_amount": record.fee_amount,
        "result_method": record.result_method,
    }
