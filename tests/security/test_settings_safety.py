"""Unsafe settings are refused before anything serves citizens."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.settings import load, problems
from tests.conftest import ROOT

PRODUCTION = {
    "BOT_ENV": "production",
    "ACTIONS_TOKEN": "a" * 32,
    "STATE_SECRET": "s" * 32,
    "ONESTOP_API_KEY": "khoa-cua-tinh",
    "ONESTOP_URL": "https://mot-cua.tinh.gov.vn",
    "CORS_ORIGINS": "https://dichvucong.tinh.gov.vn",
}


def test_a_complete_production_configuration_has_no_problem() -> None:
    assert problems(load(PRODUCTION)) == []


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"ACTIONS_TOKEN": ""}, "ACTIONS_TOKEN"),
        ({"STATE_SECRET": ""}, "STATE_SECRET"),
        ({"ONESTOP_API_KEY": ""}, "ONESTOP_API_KEY"),
        ({"ONESTOP_API_KEY": "sandbox-demo-key"}, "ONESTOP_API_KEY"),
        ({"CORS_ORIGINS": ""}, "CORS_ORIGINS"),
        ({"CORS_ORIGINS": "*"}, "CORS_ORIGINS"),
        ({"ONESTOP_URL": "http://mot-cua.tinh.gov.vn"}, "ONESTOP_URL"),
    ],
)
def test_each_missing_or_unsafe_production_setting_is_named(change, named) -> None:
    found = problems(load({**PRODUCTION, **change}))
    assert len(found) == 1 and named in found[0]


def test_development_makes_private_secrets_and_allows_only_the_demo_page() -> None:
    settings = load({})
    assert len(settings.actions_token) >= 32 and len(settings.state_secret) >= 32
    assert settings.actions_token != settings.state_secret
    assert load({}).actions_token == settings.actions_token  # the same for every process
    assert "*" not in settings.cors_origins and settings.rasa_api_token == ""
    assert problems(settings) == []
    assert problems(load({"CORS_ORIGINS": "*"}))  # never a wildcard, even in development


def test_production_has_no_default_secret() -> None:
    settings = load({"BOT_ENV": "production"})
    assert settings.actions_token == "" and settings.state_secret == ""
    assert settings.onestop_api_key == "" and settings.cors_origins == ()


@pytest.mark.parametrize(
    "argv",
    [
        [sys.executable, "-m", "bot.rasa_server", "--model", "m.tar.gz", "--endpoints", "e.yml"],
        [sys.executable, "-m", "bot.run"],
    ],
    ids=["rasa-server", "make-run"],
)
def test_servers_refuse_to_start_in_production_without_secrets(argv) -> None:
    env = {"PATH": "/usr/bin:/bin", "BOT_ENV": "production", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "ACTIONS_TOKEN" in result.stderr and "CORS_ORIGINS" in result.stderr


def test_the_action_server_refuses_to_start_in_production_without_secrets(tmp_path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "BOT_ENV": "production",
        "PYTHONPATH": str(ROOT),
        "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}",
        "RASA_TELEMETRY_ENABLED": "false",
    }
    result = subprocess.run(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode != 0
    assert "Không khởi động máy chủ actions" in result.stderr + result.stdout
    assert "ACTIONS_TOKEN" in result.stderr + result.stdout
