"""Where dossiers come from: a provider interface and the HTTP provider for one-stop systems.

:class:`HttpDossierProvider` calls the system described by the one-stop profile with
``requests``: one total time budget (``ONESTOP_TIMEOUT``, at most 3 s) shared by every try,
retries with exponential backoff for connection errors and HTTP 429/5xx, and a per-process
:class:`CircuitBreaker` so a dead backend costs nothing after a few failures. The breaker is an
optimisation only: each action-server process keeps its own and correctness never depends on it.

Every failure is a :class:`ProviderError` with a short ``kind`` for logs; no message contains
personal data or the dossier code.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import quote

import requests

from actions.dossier.config import OnestopConfig, load_config
from actions.dossier.records import (
    DossierRecord,
    RecordError,
    UnknownStatusError,
    record_from_payload,
)
from bot.settings import SANDBOX_API_KEY, is_safe_backend_url, load

logger = logging.getLogger(__name__)

MAX_TIMEOUT = 3.0
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
# Do not start a try with less time than this left in the budget.
MIN_TRY_SECONDS = 0.1


class UnsafeBackend(RuntimeError):
    """The configured one-stop system cannot be called safely (start-up refuses it)."""


class ProviderError(Exception):
    """The one-stop system could not answer; ``kind`` names the failure for logs."""

    kind = "error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.kind)
        self.detail = detail


class BackendUnavailable(ProviderError):
    """Connection refused or reset, DNS failure: nobody answered."""

    kind = "unavailable"


class CircuitOpen(BackendUnavailable):
    """Recent calls failed; this one was not attempted."""

    kind = "circuit_open"


class BackendTimeout(ProviderError):
    """No answer within the time budget."""

    kind = "timeout"


class BackendHTTPError(ProviderError):
    """An HTTP error status (5xx after retries, or an unexpected 4xx)."""

    kind = "http_error"

    def __init__(self, status_code: int, detail: str = "") -> None:
        super().__init__(detail or f"HTTP {status_code}")
        self.status_code = status_code


class BackendAuthError(BackendHTTPError):
    """401/403: the credential in ONESTOP_API_KEY is wrong or missing."""

    kind = "auth"


class MalformedResponse(ProviderError):
    """The body is not JSON or does not hold a dossier where the profile says."""

    kind = "malformed"


class UnknownStatus(ProviderError):
    """The dossier's status value is not in the profile's status mapping."""

    kind = "unknown_status"


class DossierProvider(ABC):
    """Something that returns a dossier by its code."""

    @abstractmethod
    def fetch(self, code: str) -> DossierRecord | None:
        """The dossier with this canonical code, ``None`` if there is none.

        Raises :class:`ProviderError` when the system cannot answer.
        """


class CircuitBreaker:
    """Closed → open after ``threshold`` consecutive failures → one trial after ``reset`` s."""

    def __init__(
        self,
        threshold: int = 5,
        reset_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.reset_seconds = reset_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        """ "closed", "open" or "half_open"."""
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.reset_seconds:
            return "half_open"
        return "open"

    def before_call(self) -> None:
        """Raise :class:`CircuitOpen` unless a call may go out now."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return
            if state == "half_open" and not self._trial_running:
                self._trial_running = True
                return
        raise CircuitOpen("circuit open")

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            self._trial_running = False
            if self._opened_at is not None or self._failures >= self.threshold:
                self._opened_at = self._clock()


class HttpDossierProvider(DossierProvider):
    """A one-stop system over HTTP, shaped by an :class:`OnestopConfig` profile."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        config: OnestopConfig,
        timeout: float = MAX_TIMEOUT,
        breaker: CircuitBreaker | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.config = config
        self.timeout = max(0.2, min(float(timeout), MAX_TIMEOUT))
        self.breaker = breaker or CircuitBreaker(config.breaker_threshold, config.breaker_reset)
        self._session = session or requests.Session()
        self._sleep = sleep
        self._clock = clock
        self._headers = dict(config.headers)
        if api_key:
            self._headers[config.auth_header] = f"{config.auth_prefix}{api_key}"

    def url_for(self, code: str) -> str:
        return self.base_url + self.config.path.replace("{code}", quote(code, safe=""))

    def fetch(self, code: str) -> DossierRecord | None:
        self.breaker.before_call()
        try:
            record = self._fetch_with_retries(code)
        except UnknownStatus:
            self.breaker.record_success()  # the system answered; one odd dossier is not an outage
            raise
        except ProviderError:
            self.breaker.record_failure()
            raise
        self.breaker.record_success()
        return record

    def _fetch_with_retries(self, code: str) -> DossierRecord | None:
        deadline = self._clock() + self.timeout
        url = self.url_for(code)
        attempt = 0
        while True:
            attempt += 1
            remaining = deadline - self._clock()
            if remaining < MIN_TRY_SECONDS:
                raise BackendTimeout("time budget used up")
            try:
                return self._try_once(url, remaining)
            except (BackendUnavailable, BackendHTTPError) as error:
                transient = not isinstance(error, BackendAuthError) and (
                    isinstance(error, BackendUnavailable) or error.status_code in TRANSIENT_STATUS
                )
                pause = self.config.retry_backoff * (2 ** (attempt - 1))
                room = deadline - self._clock() - pause
                if not transient or attempt >= self.config.retry_attempts or room < MIN_TRY_SECONDS:
                    raise
                logger.debug("one-stop try %d failed (%s); retrying", attempt, error.kind)
                self._sleep(pause)

    def _try_once(self, url: str, budget: float) -> DossierRecord | None:
        try:
            # Never follow a redirect: the key would travel to wherever it points.
            response = self._session.request(
                self.config.method, url, headers=self._headers, timeout=budget,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            raise BackendTimeout("no answer in time") from error
        except requests.RequestException as error:
            raise BackendUnavailable(type(error).__name__) from error
        status = response.status_code
        if status in self.config.not_found_status:
            return None
        if status in (401, 403):
            raise BackendAuthError(status)
        if status >= 300:
            raise BackendHTTPError(status)
        try:
            body = response.json()
        except ValueError as error:
            raise MalformedResponse("body is not JSON") from error
        try:
            return record_from_payload(body, self.config)
        except UnknownStatusError as error:
            raise UnknownStatus(str(error)) from error
        except RecordError as error:
            raise MalformedResponse(str(error)) from error


@lru_cache(maxsize=4)
def _cached_provider(
    base_url: str, api_key: str, config_path: str | None, timeout: float
) -> HttpDossierProvider:
    return HttpDossierProvider(base_url, api_key, load_config(config_path), timeout)


def default_provider() -> HttpDossierProvider:
    """The provider for the configured one-stop system (one per process and settings).

    Refuses (:class:`UnsafeBackend`) a key-less or sandbox-keyed system outside development and
    plain http to anything but this machine: the key must never travel in clear.
    """
    settings = load()
    if not is_safe_backend_url(settings.onestop_url):
        raise UnsafeBackend("ONESTOP_URL must use https (plain http only to 127.0.0.1)")
    if settings.production and settings.onestop_api_key in ("", SANDBOX_API_KEY):
        raise UnsafeBackend("ONESTOP_API_KEY is not configured")
    return _cached_provider(
        settings.onestop_url,
        settings.onestop_api_key,
        settings.onestop_config,
        settings.onestop_timeout,
    )
