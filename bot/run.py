"""Start everything a person needs to chat: sandbox one-stop service, action server, Rasa server,
and the demo page with the web chat widget.

    python -m bot.run            # what `make run` calls after setup and training

Ports and URLs come from :mod:`bot.settings` (RASA_PORT, ACTIONS_PORT, ONESTOP_PORT, WEB_PORT, ...).
Ctrl-C stops every process it started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

import yaml
from sqlalchemy.engine import make_url

from bot.evaluate import latest_model
from bot.settings import PROJECT_ROOT, VAR_DIR, Settings, load, problems

BIN = Path(sys.executable).parent


def endpoints_file(settings: Settings) -> Path:
    """endpoints.yml as committed, or a copy under var/run/ with a Redis lock store added.

    The committed file names its values as environment variables (the action server's URL and
    token, the tracker store's URL); :func:`child_environment` sets them for every process.
    """
    committed = PROJECT_ROOT / "endpoints.yml"
    if not settings.lock_store_url:
        return committed
    lock = make_url(settings.lock_store_url)
    section = {
        "lock_store": {
            "type": "redis",
            "url": lock.host or "127.0.0.1",
            "port": lock.port or 6379,
            "db": int(lock.database or 0),
            **({"password": lock.password} if lock.password else {}),
        }
    }
    runtime = VAR_DIR / "run" / f"endpoints-{settings.rasa_port}.yml"
    runtime.parent.mkdir(parents=True, exist_ok=True)
    text = committed.read_text(encoding="utf-8") + "\n" + yaml.safe_dump(section)
    fd = os.open(runtime, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return runtime


# What a newcomer need not read at start-up: deprecations inside dependencies, TensorFlow's logs.
QUIET = {
    "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore::PendingDeprecationWarning",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}


def child_environment(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment every started process gets: the project on the path, telemetry off,
    the values endpoints.yml refers to, and the secrets resolved once here. Dependencies'
    deprecation notices and TensorFlow's start-up chatter are hidden unless asked for (set
    ``PYTHONWARNINGS`` or ``TF_CPP_MIN_LOG_LEVEL`` yourself to see them)."""
    env = dict(os.environ if base is None else base)
    for name, value in QUIET.items():
        env.setdefault(name, value)
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        RASA_TELEMETRY_ENABLED="false",
        SANIC_HOST=settings.host,
        ACTION_ENDPOINT_URL=settings.action_endpoint_url,
        ACTIONS_TOKEN=settings.actions_token,
        STATE_SECRET=settings.state_secret,
        TRACKER_STORE_URL=settings.tracker_store_url,
    )
    return env


def commands(settings: Settings, model: Path) -> list[tuple[str, list[str], str]]:
    """(name, argv, health URL) of each process to start, in start order."""
    host = settings.host
    return [
        (
            "hệ thống một cửa (sandbox)",
            [sys.executable, "-m", "onestop_sandbox"],
            f"{settings.onestop_url}/health",
        ),
        (
            "máy chủ actions",
            [
                str(BIN / "rasa"),
                "run",
                "actions",
                "--actions",
                "actions",
                "--port",
                str(settings.actions_port),
            ],
            f"http://{host}:{settings.actions_port}/health",
        ),
        (
            "máy chủ Rasa",
            [
                sys.executable,
                "-m",
                "bot.rasa_server",
                "--model",
                str(model),
                "--endpoints",
                str(endpoints_file(settings)),
            ],
            f"http://{host}:{settings.rasa_port}/",
        ),
        (
            "trang minh hoạ",
            [sys.executable, "-m", "bot.web.demo_server"],
            f"http://{host}:{settings.web_port}/health",
        ),
    ]


# `make shell` needs only these in the background (the sandbox and the action server).
SHELL_BACKGROUND = 2


def wait_until_up(
    url: str, process: subprocess.Popen | None = None, timeout: float = 300.0
) -> bool:
    """Poll ``url`` until it answers 200, ``process`` (if given) dies or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(1)
    return False


def stop_all(processes: list[subprocess.Popen]) -> None:
    """Terminate children (newest first), then kill any that linger."""
    for process in reversed(processes):
        if process.poll() is None:
            process.terminate()
    for process in reversed(processes):
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def start(
    settings: Settings,
    model: Path,
    env: dict[str, str],
    with_rasa: bool = True,
    output: IO[str] | None = None,
) -> list[subprocess.Popen]:
    """Start every process (only the sandbox and the action server when ``with_rasa`` is false)
    and wait until each answers; stop them all if one fails. ``output``: where their logs go
    (default: this terminal)."""
    processes: list[subprocess.Popen] = []
    env = child_environment(settings, env)
    wanted = commands(settings, model)
    for name, argv, health in wanted if with_rasa else wanted[:SHELL_BACKGROUND]:
        print(f"Đang khởi động {name}...", flush=True)
        # Own session: a terminal Ctrl-C reaches only this script, which then stops the children
        # in order (newest first) instead of all of them dying at once.
        process = subprocess.Popen(
            argv,
            cwd=PROJECT_ROOT,
            env=env,
            start_new_session=True,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
        )
        processes.append(process)
        if not wait_until_up(health, process):
            stop_all(processes)
            raise RuntimeError(f"Không khởi động được {name}.")
    return processes


def shell(settings: Settings, model: Path, env: dict[str, str]) -> int:
    """Chat in the terminal: sandbox and action server in the background, `rasa shell` in front."""
    processes = start(settings, model, env, with_rasa=False)
    env = child_environment(settings, env)
    try:
        argv = [
            str(BIN / "rasa"),
            "shell",
            "--model",
            str(model),
            "--endpoints",
            str(endpoints_file(settings)),
        ]
        return subprocess.call(argv, cwd=PROJECT_ROOT, env=env)
    finally:
        stop_all(processes)


def main(argv: list[str] | None = None) -> int:
    """Start the stack and wait for Ctrl-C; with ``--shell``, chat in the terminal instead."""
    args = sys.argv[1:] if argv is None else argv
    settings = load()
    found = problems(settings)
    if found:
        print("Cấu hình chưa an toàn, không khởi động:\n- " + "\n- ".join(found), file=sys.stderr)
        return 2
    env = child_environment(settings)
    if args == ["--shell"]:
        return shell(settings, latest_model(PROJECT_ROOT / "models"), env)
    processes: list[subprocess.Popen] = []
    # Ctrl-C and SIGTERM both stop everything cleanly (SIGINT may arrive ignored when started from
    # a non-interactive shell, so its handler is set explicitly).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        processes = start(settings, latest_model(PROJECT_ROOT / "models"), env)
        rest = f"http://{settings.host}:{settings.rasa_port}/webhooks/rest/webhook"
        print(
            "\nTrợ lý Dịch vụ công đã sẵn sàng.\n"
            f'  REST:      POST {rest}  (JSON: {{"sender": "ten", "message": "xin chào"}})\n'
            f"  socket.io: http://{settings.host}:{settings.rasa_port}/socket.io\n"
            f"  Trang minh hoạ có trợ lý: http://{settings.host}:{settings.web_port}/\n"
            "  Chat trong terminal: make shell\n"
            "Nhấn Ctrl-C để dừng.",
            flush=True,
        )
        while all(p.poll() is None for p in processes):
            time.sleep(1)
        print(
            "Một tiến trình đã dừng bất thường; đang tắt các tiến trình còn lại.", file=sys.stderr
        )
        return 1
    except RuntimeError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nĐang dừng...", flush=True)
        return 0
    finally:
        stop_all(processes)


if __name__ == "__main__":
    sys.exit(main())
