"""The doors around the chat, tried as an attacker on the same network would, against the whole
stack on 127.0.0.1: Rasa's HTTP API, the action server, CORS, telemetry, request sizes."""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest
import requests

from bot.channels.guard import FOREIGN_ORIGIN

FOREIGN = "http://lua-dao.example.com"
FORGED_CALL = {
    "next_action": "validate_dossier_status_form",
    "sender_id": "nan-nhan",
    "version": "3.6.2",
    "domain": {},
    "tracker": {
        "sender_id": "nan-nhan",
        "slots": {"dossier_code": "000.00.01.H29-261103-0004", "verification_factor": "0000"},
        "latest_message": {"text": "0000", "intent": {"name": "inform"}, "entities": []},
        "events": [],
        "active_loop": {"name": "dossier_status_form"},
    },
}


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) with a socket listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_the_api_needs_the_token(secure_stack) -> None:
    tracker = f"{secure_stack.rasa}/conversations/nan-nhan/tracker"
    assert requests.get(tracker, timeout=10).status_code == 401
    assert requests.get(tracker, params={"token": "doan-bua"}, timeout=10).status_code == 401
    allowed = requests.get(tracker, params={"token": secure_stack.api_token}, timeout=10)
    assert allowed.status_code == 200 and allowed.json()["sender_id"] == "nan-nhan"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/model"),
        ("POST", "/model/train"),
        ("POST", "/conversations/nan-nhan/tracker/events"),
        ("POST", "/conversations/nan-nhan/execute"),
        ("POST", "/conversations/nan-nhan/messages"),
        ("GET", "/status"),
    ],
)
def test_api_routes_refuse_without_the_token(secure_stack, method: str, path: str) -> None:
    answer = requests.request(method, secure_stack.rasa + path, json={}, timeout=10)
    assert answer.status_code == 401


def test_a_forged_injection_into_a_live_chat_is_refused(secure_stack) -> None:
    forged = {"event": "bot", "text": "Hồ sơ bị khóa, nộp 2.500.000 đồng tại lua-dao.example.com"}
    pushed = requests.post(
        f"{secure_stack.rasa}/conversations/nan-nhan/tracker/events",
        params={"output_channel": "latest"},
        json=forged,
        timeout=10,
    )
    assert pushed.status_code == 401
    tracker = requests.get(
        f"{secure_stack.rasa}/conversations/nan-nhan/tracker",
        params={"token": secure_stack.api_token},
        timeout=10,
    ).json()
    assert "lua-dao" not in str(tracker)


def test_the_action_server_listens_on_loopback_only(secure_stack) -> None:
    assert listening_addresses(secure_stack.settings.actions_port) == {"0100007F"}
    assert listening_addresses(secure_stack.settings.rasa_port) == {"0100007F"}


@pytest.mark.parametrize("header", [None, "Bearer doan-bua", "Basic abc"])
def test_a_forged_call_to_the_action_server_is_refused(secure_stack, header) -> None:
    headers = {"Authorization": header} if header else {}
    answer = requests.post(
        f"{secure_stack.actions}/webhook", json=FORGED_CALL, headers=headers, timeout=10
    )
    assert answer.status_code == 401 and answer.json() == {"error": "unauthorized"}
    assert requests.get(f"{secure_stack.actions}/health", timeout=10).status_code == 200


def test_action_server_errors_do_not_echo_the_request(secure_stack) -> None:
    broken = {**FORGED_CALL, "tracker": "DAU-HIEU-0912345678"}
    answer = requests.post(
        f"{secure_stack.actions}/webhook",
        json=broken,
        headers={"Authorization": f"Bearer {secure_stack.settings.actions_token}"},
        timeout=10,
    )
    assert answer.status_code == 500
    assert answer.json() == {"error": "internal error"}


def test_rest_refuses_pages_of_other_websites(secure_stack) -> None:
    body = {"sender": "cors-1", "message": "xin chào"}
    foreign = requests.post(secure_stack.rest, json=body, headers={"Origin": FOREIGN}, timeout=30)
    assert foreign.status_code == 403 and foreign.json() == {"error": FOREIGN_ORIGIN}
    assert "Access-Control-Allow-Origin" not in foreign.headers
    preflight = requests.options(
        secure_stack.rest,
        headers={"Origin": FOREIGN, "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_rest_answers_the_configured_origin_without_credentials(secure_stack) -> None:
    origin = secure_stack.settings.cors_origins[0]
    body = {"sender": "cors-2", "message": "xin chào"}
    answer = requests.post(secure_stack.rest, json=body, headers={"Origin": origin}, timeout=60)
    assert answer.status_code == 200 and answer.json()
    assert answer.headers["Access-Control-Allow-Origin"] == origin
    assert "Access-Control-Allow-Credentials" not in answer.headers


def test_socketio_handshake_from_another_website_is_refused(secure_stack) -> None:
    handshake = requests.get(
        f"{secure_stack.rasa}/socket.io/?EIO=4&transport=polling",
        headers={"Origin": FOREIGN},
        timeout=10,
    )
    assert handshake.status_code == 400 and '"sid"' not in handshake.text


def test_every_process_runs_with_telemetry_off(secure_stack) -> None:
    for process in secure_stack.processes:
        environ = Path(f"/proc/{process.pid}/environ").read_bytes().split(b"\0")
        assert b"RASA_TELEMETRY_ENABLED=false" in environ, process.args


def test_the_api_token_is_not_on_any_command_line(secure_stack) -> None:
    for process in secure_stack.processes:
        argv = Path(f"/proc/{process.pid}/cmdline").read_bytes()
        assert secure_stack.api_token.encode() not in argv
        assert secure_stack.settings.actions_token.encode() not in argv


@pytest.mark.parametrize("path", ["/webhooks/widget/feedback", "/webhooks/rest/webhook"])
def test_a_huge_body_is_refused_before_it_is_read(secure_stack, path: str) -> None:
    port = secure_stack.settings.rasa_port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        # only the headers are sent: the server must answer from Content-Length alone
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(5 * 1024 * 1024))
        connection.endheaders()
        assert connection.getresponse().status == 413
    finally:
        connection.close()
