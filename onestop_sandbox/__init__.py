"""A small one-stop information system for development and tests (not for production).

It serves demo dossiers in every national status over the HTTP API that the bundled one-stop
profile (``actions/dossier/onestop_default.yml``) describes:

    GET /health                         -> {"status": "ok"}
    GET /api/v1/dossiers/{code}         -> {"data": {...}} | 404 | 401 (header X-API-Key)
    POST /_faults  (only with --faults) -> make the next requests misbehave (tests)

Run it with ``python -m onestop_sandbox`` (127.0.0.1:ONESTOP_PORT, SQLite at
ONESTOP_DATABASE_URL). The demo codes and verification digits are listed in docs/dossier.md.
"""
