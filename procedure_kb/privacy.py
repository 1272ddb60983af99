"""Masking of personal data in replies and logs.

Names, ID-card numbers, phone numbers, e-mail addresses and street addresses of citizens must never
reach a reply, a log line or the tracker store in clear. The helpers here are the one way to mask
them:

* :func:`mask_phone`, :func:`mask_id_number`, :func:`mask_name`, :func:`mask_address`, for a value
  known to be of that kind;
* :func:`scrub`, for free text that may contain phone, ID-card numbers or e-mail addresses;
* :class:`PrivacyLogFilter` / :func:`install_log_filter`, which scrub every log record.

A masked phone number never shows its last four digits: those are a verification factor of the
dossier lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Iterable

from procedure_kb.text import nfc

MASK = "***"

_DIGIT = re.compile(r"\d")
# A Vietnamese phone number as people type it: 0 or +84/84, then 9 digits (mobile) or 10
# (landline), maybe grouped by spaces, dots or dashes ("0912 345 678", "+84.912.345.678",
# "024-3825-1234").
_PHONE = re.compile(r"(?<![\w.+-])(?:\+?84|0)(?:[\s.-]?\d){9,10}(?![\w-])")
# ID-card numbers: 12-digit căn cước / CCCD, 9-digit CMND, possibly grouped by spaces, dots or
# dashes. Runs of 9–13 digits not already taken as a phone number are treated the same way.
_ID_NUMBER = re.compile(r"(?<![\w.-])\d(?:[\s.-]?\d){8,12}(?![\w-])")
_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")


def _digits(value: str) -> str:
    return "".join(_DIGIT.findall(value))


def mask_phone(phone: str | None) -> str:
    """Keep the first three digits (the network prefix): "0912345678" -> "091*******".

    The tail is never shown, so a masked number cannot give away the "last 4 digits" factor.
    """
    digits = _digits(phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    if len(digits) < 6:
        return MASK
    return digits[:3] + "*" * (len(digits) - 3)


def mask_id_number(number: str | None) -> str:
    """Keep the last three digits of an ID-card number: "001085012345" -> "*********345"."""
    digits = _digits(number or "")
    if len(digits) < 6:
        return MASK
    return "*" * (len(digits) - 3) + digits[-3:]


def mask_name(name: str | None) -> str:
    """Initials only, with a fixed-width mask: "Nguyễn Văn An" -> "N*** V*** A***"."""
    words = [w for w in nfc(name or "").split() if w]
    if not words:
        return MASK
    return " ".join(w[0].upper() + MASK for w in words)


def mask_address(address: str | None) -> str:
    """Only the last part (province or city) of a comma-separated address."""
    parts = [p.strip() for p in nfc(address or "").split(",") if p.strip()]
    if len(parts) < 2:
        return MASK
    return f"{MASK}, {parts[-1]}"


def _mask_email(match: re.Match[str]) -> str:
    return f"{match.group(1)}{MASK}@{match.group(2)}"


def scrub(
    text: str | None,
    known_names: Iterable[str | None] = (),
    known_addresses: Iterable[str | None] = (),
) -> str:
    """Mask every phone number, ID-card number and e-mail address found in free text.

    Names and addresses cannot be recognised in general; pass the ones known to belong to the
    person (``known_names``, ``known_addresses``) and they are masked too, in any letter case.
    Dossier codes ("000.00.01.H29-240115-0001") are not personal data and stay as they are.
    """
    if not text:
        return ""
    text = nfc(text)
    for address in sorted(filter(None, map(nfc, known_addresses)), key=len, reverse=True):
        text = re.sub(re.escape(address), mask_address(address), text, flags=re.IGNORECASE)
    for name in sorted(filter(None, map(nfc, known_names)), key=len, reverse=True):
        text = re.sub(re.escape(name), mask_name(name), text, flags=re.IGNORECASE)
    text = _EMAIL.sub(_mask_email, text)
    text = _PHONE.sub(lambda m: mask_phone(m.group(0)), text)
    return _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)


class PrivacyLogFilter(logging.Filter):
    """Scrub the formatted message (and exception text) of every record that passes through."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not stop logging
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


_FILTER = PrivacyLogFilter()


def install_log_filter(logger: logging.Logger | None = None) -> PrivacyLogFilter:
    """Attach the privacy filter to ``logger`` (default: root) and to each of its handlers.

    Handler filters also see records propagated from child loggers, so installing on the root
    logger's handlers covers Rasa, rasa-sdk, urllib3 and our own modules. Idempotent.
    """
    target = logger or logging.getLogger()
    for owner in (target, *target.handlers):
        if _FILTER not in owner.filters:
            owner.addFilter(_FILTER)
    return _FILTER


def keyed_hash(secret: str, kind: str, value: str) -> str:
    """A stable pseudonym for ``value`` (HMAC-SHA-256 with ``secret``): the same within one
    deployment, useless to anyone without the secret. For rate-limit keys and channel user ids."""
    if not secret:
        raise ValueError("keyed_hash needs a secret (STATE_SECRET)")
    message = f"{kind}:{value}".encode("utf-8", "surrogatepass")
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
