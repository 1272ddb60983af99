"""The production shape on one machine: ``python -m bot.prod start|stop|status``.

``make prod`` starts, and ``make prod-stop`` stops, everything in the background:

* PostgreSQL (``scripts/postgres.sh``) for conversations, the knowledge base and the rate-limit
  state, unless ``PROD_DATABASE_URL`` names a server of the province's own;
* Redis (``scripts/redis.sh``) for Rasa's lock store, unless ``LOCK_STORE_URL`` is set;
* the Rasa servers (``PROD_RASA_PORTS``, two by default) and the action servers
  (``PROD_ACTIONS_PORTS``), the one-stop sandbox (only when ``ONESTOP_URL`` is not set) and the
  demo page;
* nginx (``scripts/nginx.sh``, Debian's package) in front, on ``127.0.0.1:PROD_PORT``
  (:mod:`bot.nginx_config`).

Every service listens on ``BOT_HOST`` (127.0.0.1). ``start`` is safe to repeat: it starts again
only what is not running, so it also brings back a process that died. Logs, the pid table and
nginx's files are under ``var/prod/`` (``PROD_DIR``). See docs/deployment.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bot.evaluate import latest_model
from bot.nginx_config import render
from bot.run import child_environment, commands, wait_until_up
from bot.settings import PROJECT_ROOT, VAR_DIR, Settings, load, problems

SANDBOX, ACTIONS, RASA, WEB = range(4)  # positions in bot.run.commands()


@dataclass(frozen=True)
class Part:
    """One process to keep running: its name, command, health URL and environment."""

    name: str
    argv: list[str]
    health: str
    env: dict[str, str]


def prod_dir(env: dict[str, str]) -> Path:
    return Path(env.get("PROD_DIR") or VAR_DIR / "prod")


def script(name: str, *args: str, env: dict[str, str]) -> str:
    """Run scripts/<name> and return the last line it printed (a URL or a path, or "")."""
    done = subprocess.run(
        ["bash", str(PROJECT_ROOT / "scripts" / name), *args],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"scripts/{name} {' '.join(args)} không chạy được.")
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def shared_services(env: dict[str, str], record: dict) -> dict[str, str]:
    """The database and Redis every process shares, started here when not given; returns the
    variables that point the processes at them."""
    settings = load(env)
    database = settings.prod_database_url
    if not database:
        database = script("postgres.sh", "start", env={**env, "KB_PG_DATABASE": "tro_ly"})
        record["postgres"] = True
    lock = settings.lock_store_url
    if not lock:
        lock = script("redis.sh", "start", env=env)
        record["redis"] = True
    shared = {
        "KB_DATABASE_URL": database,
        "STATE_DATABASE_URL": database,
        "TRACKER_STORE_URL": database,
        "LOCK_STORE_URL": lock,
    }
    for name in ("KB_DATABASE_URL", "STATE_DATABASE_URL", "TRACKER_STORE_URL"):
        if env.get(name):  # an operator's own choice for one of them wins
            shared[name] = env[name]
    return shared


def base_environment(env: dict[str, str], shared: dict[str, str]) -> dict[str, str]:
    """What every process of the shape gets: the shared stores, the public address, nginx as
    the one proxy in front, and the prod ports of the sandbox and the demo page."""
    settings = load(env)
    public = f"http://{settings.host}:{settings.prod_port}"
    origins = f"{public} http://localhost:{settings.prod_port}"
    base = {
        **env,
        **shared,
        "WEB_PORT": str(settings.prod_web_port),
        "ONESTOP_PORT": str(settings.prod_onestop_port),
    }
    base.setdefault("PUBLIC_URL", public)
    base.setdefault("CORS_ORIGINS", origins)
    base.setdefault("PROXIES_COUNT", "1")
    return base


def parts(base: dict[str, str], model: Path) -> list[Part]:
    """Every process, in start order: sandbox, action servers, Rasa servers, demo page."""
    settings = load(base)
    found: list[Part] = []

    def add(name: str, position: int, **overrides: str) -> None:
        env = {**base, **overrides}
        part_settings = load(env)
        _, argv, health = commands(part_settings, model)[position]
        found.append(Part(name, argv, health, child_environment(part_settings, env)))

    if not base.get("ONESTOP_URL"):
        add("sandbox", SANDBOX)
    for port in settings.prod_actions_ports:
        add(f"actions-{port}", ACTIONS, ACTIONS_PORT=str(port))
    for port in settings.prod_rasa_ports:
        # Rasa calls the actions through nginx's private listener, which spreads the calls.
        add(f"rasa-{port}", RASA, RASA_PORT=str(port), ACTIONS_PORT=str(settings.prod_actions_port))
    add("web", WEB)
    return found


def alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:  # a zombie (exited, not yet reaped) is not running
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


def start_parts(wanted: list[Part], record: dict, logs: Path) -> None:
    """Start the parts not running yet, a group at a time (the action servers together, then
    the Rasa servers together), and wait until each answers."""
    pids: dict[str, int] = record.setdefault("pids", {})
    groups: list[list[Part]] = []
    for part in wanted:
        kind = part.name.split("-")[0]
        if groups and groups[-1][0].name.split("-")[0] == kind:
            groups[-1].append(part)
        else:
            groups.append([part])
    for group in groups:
        started = []
        for part in group:
            if part.name in pids and alive(pids[part.name]):
                continue
            print(f"Đang khởi động {part.name}...", flush=True)
            with (logs / f"{part.name}.log").open("a", encoding="utf-8") as log:
                process = subprocess.Popen(
                    part.argv,
                    cwd=PROJECT_ROOT,
                    env=part.env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            pids[part.name] = process.pid
            started.append((part, process))
        for part, process in started:
            if not wait_until_up(part.health, process):
                raise RuntimeError(
                    f"Không khởi động được {part.name} (xem {logs}/{part.name}.log)."
                )


def start_nginx(settings: Settings, folder: Path, env: dict[str, str]) -> None:
    """Write nginx.conf and start nginx, or reload it when it already runs."""
    nginx = script("nginx.sh", env=env)
    root = os.geteuid() == 0
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(render(settings, folder, "www-data" if root else None), encoding="utf-8")
    command = [nginx, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
    subprocess.run([*command, "-t", "-q"], check=True)
    pid_file = folder / "nginx.pid"
    if pid_file.exists() and alive(int(pid_file.read_text().strip() or 0)):
        subprocess.run([*command, "-s", "reload"], check=True)
    else:
        subprocess.run(command, check=True)


def load_record(folder: Path) -> dict:
    path = folder / "processes.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save_record(folder: Path, record: dict) -> None:
    path = folder / "processes.json"
    path.write_text(json.dumps(record, indent=2), encoding="utf-8")


def start(env: dict[str, str], model: Path) -> int:
    """Start (or complete) the production shape and wait until the public entry answers."""
    settings = load(env)
    found = problems(settings)
    if found:
        print("Cấu hình chưa an toàn, không khởi động:\n- " + "\n- ".join(found), file=sys.stderr)
        return 2
    folder = prod_dir(env)
    logs = folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    record = load_record(folder)
    record["model"] = str(model)
    try:
        shared = shared_services(env, record)
        base = base_environment(env, shared)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "procedure_kb",
                "--db",
                shared["KB_DATABASE_URL"],
                "load",
                "--if-empty",
            ],
            cwd=PROJECT_ROOT,
            env=child_environment(load(base), base),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        start_parts(parts(base, model), record, logs)
        public = load(base)
        start_nginx(public, folder / "nginx", base)
        record["nginx"] = True
    except (RuntimeError, subprocess.CalledProcessError) as error:
        save_record(folder, record)
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1
    save_record(folder, record)
    entry = f"http://{public.host}:{public.prod_port}"
    if not wait_until_up(f"{entry}/webhooks/rest/", timeout=60):
        print(f"Lỗi: {entry} chưa trả lời (xem {folder}/nginx/error.log).", file=sys.stderr)
        return 1
    print(
        "\nTrợ lý Dịch vụ công (bản triển khai) đã sẵn sàng.\n"
        f"  REST:      POST {entry}/webhooks/rest/webhook\n"
        f"  socket.io: {entry}/socket.io\n"
        f"  Trang minh hoạ: {entry}/\n"
        f"  Rasa: {', '.join(map(str, public.prod_rasa_ports))}; "
        f"actions: {', '.join(map(str, public.prod_actions_ports))}; nhật ký: {logs}\n"
        "Dừng: make prod-stop",
        flush=True,
    )
    return 0


def terminate(pid: int, wait: float = 15.0) -> None:
    """SIGTERM the process group of ``pid``, then SIGKILL it if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and alive(pid):
            time.sleep(0.2)
        if not alive(pid):
            return


def stop(env: dict[str, str]) -> int:
    """Stop everything ``start`` started (newest first), nginx first of all."""
    folder = prod_dir(env)
    record = load_record(folder)
    if record.pop("nginx", False):
        pid_file = folder / "nginx" / "nginx.pid"
        if pid_file.exists():
            terminate(int(pid_file.read_text().strip() or 0))
    for name, pid in reversed(list(record.pop("pids", {}).items())):
        if alive(pid):
            print(f"Đang dừng {name}...", flush=True)
            terminate(pid)
    if record.pop("redis", False):
        script("redis.sh", "stop", env=env)
    if record.pop("postgres", False):
        script("postgres.sh", "stop", env=env)
    save_record(folder, record)
    print("Đã dừng.", flush=True)
    return 0


def status(env: dict[str, str]) -> int:
    """Print each process and whether it runs; exit 0 only when all do."""
    record = load_record(prod_dir(env))
    pids = record.get("pids", {})
    for name, pid in pids.items():
        print(f"{name}: {'đang chạy' if alive(pid) else 'đã dừng'} (pid {pid})")
    return 0 if pids and all(alive(pid) for pid in pids.values()) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.prod", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["start", "stop", "status"])
    parser.add_argument("--model", type=Path, help="model archive (default: the newest in models/)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.command == "stop":
        return stop(env)
    if args.command == "status":
        return status(env)
    # Started again without --model: the model the running processes were started with.
    model = args.model or Path(load_record(prod_dir(env)).get("model") or "")
    try:
        model = model if model.is_file() else latest_model(PROJECT_ROOT / "models")
    except FileNotFoundError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1
    return start(env, model.resolve())


if __name__ == "__main__":
    sys.exit(main())
