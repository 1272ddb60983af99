"""Dossier status lookup: code parsing, the one-stop provider, statuses, rate limiting, wording.

The rasa-sdk actions that use it live in ``actions/dossier_actions.py``; see docs/dossier.md.
"""
