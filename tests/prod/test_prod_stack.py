"""The production shape as ``make prod`` starts it (``python -m bot.prod start``): PostgreSQL
conversations, a Redis lock store, two Rasa servers and two action servers behind Debian's nginx,
all on 127.0.0.1, driven from outside over HTTP and socket.io.

A test that kills a process starts the shape again before it ends (``start`` brings back what is
missing), so the tests run in any order.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import ROOT, free_port
from tests.support.socketio_chat import conversation, joined

DOCUMENTS = "Tờ khai đề nghị cấp hộ chiếu"  # only the passport's document list has it
FEE = "200.000"  # the passport's fee (procedure_kb/data/procedures/cap-ho-chieu.yml)


@dataclass
class Shape:
    env: dict[str, str]
    folder: Path
    rasa_ports: tuple[int, int]
    redis_port: int

    @property
    def entry(self) -> str:
        return f"http://127.0.0.1:{self.env['PROD_PORT']}"

    def rest(self, base: str | None = None) -> str:
        return f"{base or self.entry}/webhooks/rest/webhook"

    def command(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot.prod", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    def pids(self) -> dict[str, int]:
        return json.loads((self.folder / "processes.json").read_text())["pids"]

    def upstreams(self) -> list[str]:
        """The Rasa process (upstream address) nginx sent each REST call to, oldest first."""
        log = (self.folder / "nginx" / "access.log").read_text().splitlines()
        return [line.split()[-1] for line in log if "/webhooks/rest/webhook" in line]


def fresh_database(server: str) -> tuple[str, str]:
    name = f"prod_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(server).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def shape(trained_model, tmp_path_factory) -> Iterator[Shape]:
    server = os.environ.get("KB_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("PostgreSQL: KB_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
    folder = tmp_path_factory.mktemp("prod")
    name, database = fresh_database(server)
    rasa_ports = (free_port(), free_port())
    redis_port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.endswith("_URL") or key == "KB_TEST_POSTGRES_URL"
    }
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        PROD_DIR=str(folder),
        PROD_DATABASE_URL=database,
        PROD_PORT=str(free_port()),
        PROD_ACTIONS_PORT=str(free_port()),
        PROD_RASA_PORTS=" ".join(map(str, rasa_ports)),
        PROD_ACTIONS_PORTS=f"{free_port()} {free_port()}",
        PROD_WEB_PORT=str(free_port()),
        PROD_ONESTOP_PORT=str(free_port()),
        ONESTOP_DATABASE_URL=f"sqlite:///{folder / 'onestop.sqlite3'}",
        REDIS_PORT=str(redis_port),  # bot.prod starts its own Redis here
        REDIS_DIR=str(folder / "redis"),
    )
    running = Shape(env, folder, rasa_ports, redis_port)
    started = running.command("start", "--model", str(trained_model))
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield running
    finally:
        stopped = running.command("stop")
        admin = create_engine(server, future=True, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr


def say(url: str, sender: str, message: str) -> str:
    response = requests.post(url, json={"sender": sender, "message": message}, timeout=60)
    assert response.status_code == 200, response.text
    return "\n".join(reply.get("text", "") for reply in response.json())


def test_turns_alternating_between_the_two_rasa_processes_keep_the_topic(shape: Shape) -> None:
    first, second = (f"http://127.0.0.1:{port}" for port in shape.rasa_ports)
    sender = f"xen-ke-{uuid.uuid4().hex[:8]}"
    assert DOCUMENTS in say(shape.rest(first), sender, "làm hộ chiếu cần gì")
    assert FEE in say(shape.rest(second), sender, "lệ phí bao nhiêu")  # the other process
    assert DOCUMENTS in say(shape.rest(first), sender, "cần giấy tờ gì")
    assert FEE not in say(shape.rest(second), f"moi-{uuid.uuid4().hex[:8]}", "lệ phí bao nhiêu")


def test_nginx_spreads_the_turns_over_both_processes(shape: Shape) -> None:
    before = len(shape.upstreams())
    for turn in range(4):
        say(shape.rest(), f"chia-{turn}-{uuid.uuid4().hex[:6]}", "xin chào")
    served = set(shape.upstreams()[before:])
    assert served == {f"127.0.0.1:{port}" for port in shape.rasa_ports}


def test_a_killed_rasa_process_loses_no_conversation(shape: Shape) -> None:
    sender = f"sap-{uuid.uuid4().hex[:8]}"
    assert DOCUMENTS in say(shape.rest(), sender, "làm hộ chiếu cần gì")
    victim = f"rasa-{shape.rasa_ports[0]}"
    os.killpg(shape.pids()[victim], signal.SIGKILL)  # no clean shutdown
    try:
        time.sleep(1)
        # Both next turns are served (nginx skips the dead process) and keep the topic.
        assert FEE in say(shape.rest(), sender, "lệ phí bao nhiêu")
        assert DOCUMENTS in say(shape.rest(), sender, "cần giấy tờ gì")
        assert shape.command("status").returncode == 1  # the loss is visible
    finally:
        healed = shape.command("start")
    assert healed.returncode == 0, healed.stdout + healed.stderr
    assert f"Đang khởi động {victim}" in healed.stdout  # only the dead one was started again
    assert "Đang khởi động rasa-" + str(shape.rasa_ports[1]) not in healed.stdout
    assert shape.command("status").returncode == 0


def test_the_rasa_processes_take_their_locks_in_redis(shape: Shape) -> None:
    client = redis.Redis(host="127.0.0.1", port=shape.redis_port)
    calls = lambda: client.info("commandstats").get("cmdstat_set", {}).get("calls", 0)  # noqa: E731
    before = calls()
    say(shape.rest(), f"khoa-{uuid.uuid4().hex[:8]}", "xin chào")
    assert calls() > before  # Rasa's RedisLockStore wrote the conversation's lock


@pytest.mark.parametrize("transports", [["polling", "websocket"], ["websocket"]])
def test_the_widget_talks_through_nginx_over_socketio(shape: Shape, transports) -> None:
    with conversation(shape.entry, transports, headers={"Origin": shape.entry}) as talk:
        answer = joined(talk.say("làm thẻ căn cước cần giấy tờ gì"))
        assert FEE not in answer
    link = next(word for word in answer.split() if "/webhooks/widget/checklist/" in word)
    assert link.startswith(shape.entry)  # links point at the public entry, not at one process
    page = requests.get(link.rstrip(".,)"), timeout=30)
    assert page.status_code == 200 and "căn cước" in page.text.lower()


def test_the_entry_serves_the_widget_page_and_never_rasas_api(shape: Shape) -> None:
    page = requests.get(shape.entry + "/", timeout=30)
    assert page.status_code == 200
    assert f'serverUrl: "{shape.entry}"' in page.text
    script = requests.get(shape.entry + "/webhooks/widget/widget.js", timeout=30)
    assert script.status_code == 200 and "socket" in script.text
    for path in ("/conversations/x/tracker", "/model", "/status"):
        assert requests.get(shape.entry + path, timeout=30).status_code == 404
