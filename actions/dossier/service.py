"""One verified dossier lookup: rate limit → provider → factor check → safe view.

The outcome never says whether a code exists: an unknown code and a wrong factor are both
``not_found``, counted as a failed verification in the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from actions.dossier.provider import DossierProvider, ProviderError, default_provider
from actions.dossier.rate_limit import VerificationRateLimiter
from actions.dossier.records import public_view
from bot.settings import load

logger = logging.getLogger(__name__)

FOUND = "found"
NOT_FOUND = "not_found"
RATE_LIMITED = "rate_limited"
UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Outcome:
    """What a lookup gave; ``view`` holds only data that may be shown (see ``public_view``)."""

    kind: str
    view: dict[str, Any] = field(default_factory=dict)
    retry_after_seconds: int = 0
    attempts_left: int = 0
    error: str | None = None


class LookupService:
    """Verified lookups against one provider, with shared rate limiting."""

    def __init__(self, provider: DossierProvider, limiter: VerificationRateLimiter) -> None:
        self.provider = provider
        self.limiter = limiter

    def retry_after(self, keys: Sequence[str]) -> int:
        """Seconds the keys must still wait (0 = may look up); raises on a database error."""
        wait = self.limiter.retry_after(keys)
        return int(wait.total_seconds()) + 1 if wait else 0

    def lookup(self, code: str, factor: str, keys: Sequence[str]) -> Outcome:
        """Look up ``code`` and check ``factor``; every failure is an :class:`Outcome`."""
        try:
            wait = self.retry_after(keys)
        except SQLAlchemyError:
            logger.error("dossier lookup failed: state_store")
            return Outcome(UNAVAILABLE, error="state_store")
        if wait:
            return Outcome(RATE_LIMITED, retry_after_seconds=wait)
        try:
            record = self.provider.fetch(code)
        except ProviderError as error:
            # logged once, here, with the failure kind only (no code, no personal data)
            logger.error("dossier lookup failed: %s", error.kind)
            return Outcome(UNAVAILABLE, error=error.kind)
        if record is not None and record.matches_factor(factor):
            return Outcome(FOUND, view=public_view(record))
        try:
            wait_td = self.limiter.record_failure(keys)
            left = self.limiter.attempts_left(keys)
        except SQLAlchemyError:
            logger.error("dossier lookup failed: state_store")
            return Outcome(UNAVAILABLE, error="state_store")
        if wait_td:
            return Outcome(RATE_LIMITED, retry_after_seconds=int(wait_td.total_seconds()) + 1)
        return Outcome(NOT_FOUND, attempts_left=left)


@lru_cache(maxsize=4)
def _service(state_url: str) -> LookupService:
    return LookupService(default_provider(), VerificationRateLimiter(state_url))


def default_service() -> LookupService:
    """The service for the configured one-stop system and state database."""
    return _service(load().state_database_url)
