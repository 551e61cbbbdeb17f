"""Shared test machinery, one implementation each: the CLI in-process and as a process
(cli.py), registries and declared-link files (files.py), loopback HTTP servers (server.py),
the web app on a thread (web.py), an SMTP inbox (smtp.py), waiting (wait.py) and the
../shared folder (shared.py).

Fixture *content* (sites, documents) lives in tests/fixtures/; pytest fixtures live in
conftest.py files. This package holds neither: plain functions and classes, imported.
"""
