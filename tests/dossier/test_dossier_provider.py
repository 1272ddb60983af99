"""The HTTP provider against the real sandbox on 127.0.0.1, made to misbehave."""

from __future__ import annotations

import http.server
import threading
import time

import pytest
from dossier_support import API_KEY, TEST_TIMEOUT, TODAY, free_port, set_faults

from actions.dossier.config import ConfigError, load_config, parse_config
from actions.dossier.provider import (
    MAX_TIMEOUT,
    BackendAuthError,
    BackendHTTPError,
    BackendTimeout,
    BackendUnavailable,
    CircuitBreaker,
    CircuitOpen,
    HttpDossierProvider,
    MalformedResponse,
    UnknownStatus,
    UnsafeBackend,
    default_provider,
)
from actions.dossier.records import public_view
from onestop_sandbox.seed import DEMOS
from procedure_kb.working_days import add_working_days

ON_TIME = "000.00.01.H29-261103-0004"
DEMO = {d.code: d for d in DEMOS}[ON_TIME]


def test_fetch_maps_fields_dates_and_status(provider):
    record = provider.fetch(ON_TIME)
    assert record.code == ON_TIME and record.status == "dang_xu_ly"
    assert record.due_at == add_working_days(TODAY, 4)
    assert record.received_at == add_working_days(TODAY, -8)
    assert record.result_method == "truc_tiep"
    assert record.matches_factor(DEMO.phone_last4)
    assert record.matches_factor(DEMO.lookup_code.lower())
    assert not record.matches_factor("0000")
    assert DEMO.name not in repr(record) and DEMO.phone not in str(record)


def test_public_view_has_no_personal_data(provider):
    view = public_view(provider.fetch(ON_TIME))
    flat = str(view)
    for secret in (DEMO.name, DEMO.phone, DEMO.id_number, DEMO.address, DEMO.lookup_code):
        assert secret not in flat
    assert view["applicant"] == "P*** T*** H***"


def test_unknown_code_is_none(provider):
    assert provider.fetch("000.00.01.H29-261103-0999") is None


def test_wrong_api_key_is_an_auth_error(onestop):
    provider = HttpDossierProvider(onestop.url, "wrong-key", load_config(), timeout=TEST_TIMEOUT)
    with pytest.raises(BackendAuthError):
        provider.fetch(ON_TIME)


def test_nobody_listening_is_unavailable():
    provider = HttpDossierProvider(
        f"http://127.0.0.1:{free_port()}", API_KEY, load_config(), timeout=TEST_TIMEOUT
    )
    with pytest.raises(BackendUnavailable):
        provider.fetch(ON_TIME)


def test_connection_dropped_is_unavailable(provider, onestop):
    set_faults(onestop, mode="down")
    with pytest.raises(BackendUnavailable):
        provider.fetch(ON_TIME)


def test_slow_backend_times_out_within_the_budget(provider, onestop):
    set_faults(onestop, mode="slow", delay=2.0)
    started = time.monotonic()
    with pytest.raises(BackendTimeout):
        provider.fetch(ON_TIME)
    assert time.monotonic() - started < TEST_TIMEOUT + 0.5


def test_timeout_is_capped_at_three_seconds(onestop):
    provider = HttpDossierProvider(onestop.url, API_KEY, load_config(), timeout=30)
    assert provider.timeout == MAX_TIMEOUT == 3.0


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_after_retries(provider, onestop, status):
    set_faults(onestop, mode="http_error", status=status)
    with pytest.raises(BackendHTTPError) as error:
        provider.fetch(ON_TIME)
    assert error.value.status_code == status


def test_a_transient_error_is_retried_with_backoff(onestop):
    pauses: list[float] = []
    # the pauses count against the time budget: 0.2 + 0.4 s leave room for a third try only
    # within the production budget of 3 s
    provider = HttpDossierProvider(
        onestop.url, API_KEY, load_config(), timeout=MAX_TIMEOUT, sleep=pauses.append
    )
    set_faults(onestop, mode="http_error", status=503, times=2)
    assert provider.fetch(ON_TIME).status == "dang_xu_ly"
    assert pauses == [0.2, 0.4]


def test_client_errors_are_not_retried(onestop):
    pauses: list[float] = []
    provider = HttpDossierProvider(
        onestop.url, API_KEY, load_config(), timeout=TEST_TIMEOUT, sleep=pauses.append
    )
    set_faults(onestop, mode="http_error", status=400, times=1)
    with pytest.raises(BackendHTTPError):
        provider.fetch(ON_TIME)
    assert pauses == []


def test_malformed_json(provider, onestop):
    set_faults(onestop, mode="malformed")
    with pytest.raises(MalformedResponse):
        provider.fetch(ON_TIME)


def test_unknown_status_value(provider, onestop):
    set_faults(onestop, mode="unknown_status")
    with pytest.raises(UnknownStatus):
        provider.fetch(ON_TIME)
    assert provider.breaker.state == "closed"


def test_wrong_record_path_is_malformed(onestop):
    raw = _default_raw()
    raw["response"]["record_path"] = "result.item"
    provider = HttpDossierProvider(onestop.url, API_KEY, parse_config(raw), timeout=TEST_TIMEOUT)
    with pytest.raises(MalformedResponse):
        provider.fetch(ON_TIME)


def test_province_mapping_from_config(onestop):
    """A province whose system calls the status field differently and uses other values."""
    raw = _default_raw()
    raw["fields"]["status"] = "TrangThaiHoSo"
    raw["statuses"] = {"4": "da_xu_ly_xong", **{str(n): "dang_xu_ly" for n in (1, 2, 3)}}
    provider = HttpDossierProvider(onestop.url, API_KEY, parse_config(raw), timeout=TEST_TIMEOUT)
    assert provider.fetch(ON_TIME).status == "da_xu_ly_xong"


def test_circuit_breaker_opens_fails_fast_and_recovers(onestop):
    now = [1000.0]
    breaker = CircuitBreaker(threshold=2, reset_seconds=30, clock=lambda: now[0])
    provider = HttpDossierProvider(
        onestop.url, API_KEY, load_config(), timeout=TEST_TIMEOUT, breaker=breaker
    )
    set_faults(onestop, mode="http_error", status=503)
    for _ in range(2):
        with pytest.raises(BackendHTTPError):
            provider.fetch(ON_TIME)
    assert breaker.state == "open"
    set_faults(onestop, mode="none")
    with pytest.raises(CircuitOpen):  # not even tried although the backend is back
        provider.fetch(ON_TIME)
    now[0] += 31
    assert breaker.state == "half_open"
    assert provider.fetch(ON_TIME).status == "dang_xu_ly"
    assert breaker.state == "closed"


def test_half_open_failure_opens_again():
    now = [0.0]
    breaker = CircuitBreaker(threshold=1, reset_seconds=10, clock=lambda: now[0])
    breaker.before_call()
    breaker.record_failure()
    now[0] = 11
    breaker.before_call()  # the one trial
    with pytest.raises(CircuitOpen):
        breaker.before_call()  # others wait while the trial runs
    breaker.record_failure()
    assert breaker.state == "open"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["statuses"].update({"11": "dang_cho"}), "national status"),
        (lambda r: r["fields"].pop("status"), "fields.status"),
        (lambda r: r["fields"].update({"mystery": "X"}), "unknown fields"),
        (lambda r: r["request"].update({"path": "/api/dossiers"}), "{code}"),
        (lambda r: r["dossier_code"].update({"pattern": "([a-z"}), "not a valid regex"),
        (lambda r: r["result_methods"].update({"4": "drone"}), "result_methods"),
    ],
)
def test_invalid_profiles_are_rejected(change, message):
    raw = _default_raw()
    change(raw)
    with pytest.raises(ConfigError, match=message):
        parse_config(raw)


def test_profile_from_a_file(tmp_path):
    import yaml

    raw = _default_raw()
    raw["name"] = "Tỉnh thử nghiệm"
    path = tmp_path / "province.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert load_config(str(path)).name == "Tỉnh thử nghiệm"
    with pytest.raises(ConfigError):
        load_config(str(tmp_path / "missing.yml"))


def test_sandbox_dates_follow_the_seeding_day(onestop):
    record = HttpDossierProvider(onestop.url, API_KEY, load_config()).fetch(
        "000.00.12.H29-261012-0011"
    )
    assert record.due_at == add_working_days(TODAY, -3)


def _default_raw() -> dict:
    import yaml

    from actions.dossier.config import DEFAULT_CONFIG

    return yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every GET with a redirect (``redirect_to`` set) or 200, recording headers."""

    redirect_to: str | None = None
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        type(self).seen.append(dict(self.headers))
        self.send_response(302 if self.redirect_to else 200)
        if self.redirect_to:
            self.send_header("Location", self.redirect_to + self.path)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args) -> None:
        pass


def _serve(handler: type) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def test_a_redirect_is_not_followed_and_the_key_stays_home():
    elsewhere_handler = type("Elsewhere", (_Recorder,), {"seen": []})
    elsewhere, elsewhere_url = _serve(elsewhere_handler)
    redirecting = type("Redirecting", (_Recorder,), {"seen": [], "redirect_to": elsewhere_url})
    origin, origin_url = _serve(redirecting)
    try:
        provider = HttpDossierProvider(origin_url, API_KEY, load_config(), timeout=TEST_TIMEOUT)
        with pytest.raises(BackendHTTPError):
            provider.fetch(ON_TIME)
        assert redirecting.seen  # the configured system was asked
        assert elsewhere_handler.seen == []  # nothing, and no key, went to the redirect target
    finally:
        origin.shutdown()
        elsewhere.shutdown()


@pytest.mark.parametrize(
    ("env", "refused"),
    [
        ({"ONESTOP_URL": "http://mot-cua.tinh.gov.vn"}, "https"),
        ({"ONESTOP_URL": "https://mot-cua.tinh.gov.vn", "BOT_ENV": "production"}, "API_KEY"),
        (
            {
                "ONESTOP_URL": "https://mot-cua.tinh.gov.vn",
                "BOT_ENV": "production",
                "ONESTOP_API_KEY": "sandbox-demo-key",
            },
            "API_KEY",
        ),
    ],
    ids=["plain-http", "no-key", "sandbox-key"],
)
def test_an_unsafe_backend_is_refused_at_start_up(monkeypatch, env, refused):
    for name in ("BOT_ENV", "ONESTOP_API_KEY", "ONESTOP_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UnsafeBackend, match=refused):
        default_provider()


def test_https_with_a_real_key_in_production_is_accepted(monkeypatch):
    monkeypatch.setenv("BOT_ENV", "production")
    monkeypatch.setenv("ONESTOP_URL", "https://mot-cua.tinh.gov.vn")
    monkeypatch.setenv("ONESTOP_API_KEY", "khoa-that-cua-tinh")
    assert default_provider().base_url == "https://mot-cua.tinh.gov.vn"
