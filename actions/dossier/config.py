"""The one-stop connection profile: request shape, field and status mapping, retry settings.

Read from ``ONESTOP_CONFIG`` (a YAML file) or the bundled ``onestop_default.yml``; checked when
loaded so a wrong mapping fails at start-up, not in front of a citizen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from actions.dossier.statuses import BY_KEY, RESULT_METHODS

DEFAULT_CONFIG = Path(__file__).resolve().parent / "onestop_default.yml"
# Dossier-code patterns are verbose regexes: whitespace in them is ignored (write \s for a space).
CODE_FLAGS = re.VERBOSE
REQUIRED_FIELDS = ("code", "status")
KNOWN_FIELDS = (
    "code",
    "status",
    "procedure_name",
    "agency_name",
    "agency_phone",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "applicant_name",
    "applicant_phone",
    "applicant_id_number",
    "applicant_address",
    "lookup_code",
    "supplement_note",
    "supplement_deadline",
    "fee_amount",
    "result_method",
)


class ConfigError(ValueError):
    """The connection profile is invalid."""


@dataclass(frozen=True)
class OnestopConfig:
    """Everything about a one-stop system except URL, secret and timeout (those are env)."""

    name: str
    code_pattern: str
    code_example: str
    code_date_group: str | None
    method: str
    path: str
    auth_header: str
    auth_prefix: str
    headers: dict[str, str]
    record_path: str
    not_found_status: tuple[int, ...]
    date_formats: tuple[str, ...]
    fields: dict[str, str]
    statuses: dict[str, str]
    result_methods: dict[str, str]
    retry_attempts: int
    retry_backoff: float
    breaker_threshold: int
    breaker_reset: float
    portal_name: str
    portal_url: str
    hotline: str
    source: str = field(default="")


def _section(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"'{key}' must be a mapping")
    return value


def _str_map(raw: dict[str, Any], key: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in _section(raw, key).items()}


def parse_config(raw: dict[str, Any], source: str = "") -> OnestopConfig:
    """Build and check a profile from its YAML mapping."""
    if not isinstance(raw, dict):
        raise ConfigError("the profile must be a YAML mapping")
    code = _section(raw, "dossier_code")
    request = _section(raw, "request")
    response = _section(raw, "response")
    retry = _section(raw, "retry")
    breaker = _section(raw, "circuit_breaker")
    fallback = _section(raw, "fallback")
    fields = _str_map(raw, "fields")
    statuses = _str_map(raw, "statuses")
    methods = _str_map(raw, "result_methods")

    pattern = str(code.get("pattern") or "").strip()
    if not pattern:
        raise ConfigError("dossier_code.pattern is required")
    try:
        compiled = re.compile(pattern, CODE_FLAGS)
    except re.error as error:
        raise ConfigError(f"dossier_code.pattern is not a valid regex: {error}") from error
    date_group = code.get("date_group")
    if date_group and date_group not in compiled.groupindex:
        raise ConfigError(f"dossier_code.date_group '{date_group}' is not a group of the pattern")
    for name in REQUIRED_FIELDS:
        if not fields.get(name):
            raise ConfigError(f"fields.{name} is required")
    unknown = sorted(set(fields) - set(KNOWN_FIELDS))
    if unknown:
        raise ConfigError(f"unknown fields: {', '.join(unknown)}")
    bad = sorted({v for v in statuses.values() if v not in BY_KEY})
    if bad or not statuses:
        raise ConfigError(f"statuses must map to national status keys; bad: {bad}")
    bad = sorted({v for v in methods.values() if v not in RESULT_METHODS})
    if bad:
        raise ConfigError(f"result_methods must map to {sorted(RESULT_METHODS)}; bad: {bad}")
    path = str(request.get("path", ""))
    if "{code}" not in path:
        raise ConfigError("request.path must contain {code}")
    attempts = int(retry.get("attempts", 3))
    if not 1 <= attempts <= 5:
        raise ConfigError("retry.attempts must be between 1 and 5")
    return OnestopConfig(
        name=str(raw.get("name") or "one-stop system"),
        code_pattern=pattern,
        code_example=str(code.get("example") or ""),
        code_date_group=str(date_group) if date_group else None,
        method=str(request.get("method", "GET")).upper(),
        path=path,
        auth_header=str(request.get("auth_header", "X-API-Key")),
        auth_prefix=str(request.get("auth_prefix", "")),
        headers={str(k): str(v) for k, v in (request.get("headers") or {}).items()},
        record_path=str(response.get("record_path") or ""),
        not_found_status=tuple(int(s) for s in response.get("not_found_status") or (404,)),
        date_formats=tuple(str(f) for f in response.get("date_formats") or ("%Y-%m-%d",)),
        fields=fields,
        statuses=statuses,
        result_methods=methods,
        retry_attempts=attempts,
        retry_backoff=float(retry.get("backoff_seconds", 0.2)),
        breaker_threshold=max(1, int(breaker.get("failure_threshold", 5))),
        breaker_reset=float(breaker.get("reset_seconds", 30)),
        portal_name=str(fallback.get("portal_name") or "Cổng Dịch vụ công quốc gia"),
        portal_url=str(fallback.get("portal_url") or "https://dichvucong.gov.vn"),
        hotline=str(fallback.get("hotline") or "1800 1096"),
        source=source,
    )


@lru_cache(maxsize=8)
def load_config(path: str | None = None) -> OnestopConfig:
    """Read the profile at ``path`` (default: the bundled sandbox profile)."""
    file = Path(path) if path else DEFAULT_CONFIG
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read one-stop profile {file}: {error}") from error
    return parse_config(raw, source=str(file))
