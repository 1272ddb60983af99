"""``python -m onestop_sandbox``: serve the demo one-stop system until Ctrl-C or SIGTERM.

Host, port, database and API key default to BOT_HOST, ONESTOP_PORT, ONESTOP_DATABASE_URL and
ONESTOP_API_KEY (bot/settings.py). ``--faults`` enables POST /_faults for tests.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from bot.settings import load
from onestop_sandbox.seed import DEMOS
from onestop_sandbox.server import SandboxServer


def main(argv: list[str] | None = None) -> int:
    settings = load()
    parser = argparse.ArgumentParser(prog="python -m onestop_sandbox", description=__doc__)
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.onestop_port)
    parser.add_argument("--db", default=settings.onestop_database_url, help="SQLAlchemy URL")
    parser.add_argument("--faults", action="store_true", help="enable POST /_faults (tests only)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")

    try:
        server = SandboxServer(
            (args.host, args.port), args.db, settings.onestop_api_key, args.faults
        )
    except OSError as error:
        print(f"Không mở được cổng {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    signal.signal(
        signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start()
    )
    print(
        f"Sandbox một cửa chạy tại {server.url} ({len(DEMOS)} hồ sơ demo"
        f"{', bật /_faults' if args.faults else ''}). Nhấn Ctrl-C để dừng.",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
