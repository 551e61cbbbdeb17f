"""The exception tree. Fetch failures are not exceptions: they are typed outcomes (crawler.outcomes).

OitwatchError
├── ChecklistError     a checklist data file is missing or malformed
├── ConfigError        settings or input files are wrong
│   └── StorageError   the database cannot be written (read-only, disk full, damaged)
├── CheckAborted       a check cannot run at all (bad URL)
├── TargetRefused      an address the guard will not reach (private, loopback, metadata...)
│   └── NameNotResolved  ...or cannot vet, because the name does not resolve
└── UnreadableDocument a fetched file has no readable text (documents/errors.py)
"""


class OitwatchError(Exception):
    """Base of every error oitwatch raises on purpose; its message is shown to the user."""


class ConfigError(OitwatchError):
    """Settings, a declared-URL file or another input is wrong."""


class CheckAborted(OitwatchError):
    """A check cannot start (for example the URL is not a web address)."""


class TargetRefused(OitwatchError):
    """The address is not a public web server (crawler/guard.py): private, loopback, metadata."""


class NameNotResolved(TargetRefused):
    """The guard cannot vet a name that does not resolve (the site may simply be down)."""


class StorageError(ConfigError):
    """The database cannot be opened or written: says which file and what to do."""
