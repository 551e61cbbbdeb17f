"""Alerts: what changed since the last run (transitions.py), the e-mails that say so in Thai
and English (compose.py), and their delivery through an outbox that survives a dead SMTP
server (outbox.py, smtp.py)."""
