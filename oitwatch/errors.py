"""The exception tree: every error oitwatch raises derives from OitwatchError, so a caller that
must not die (the CLI, a batch's site boundary, the web form) catches one class. Where a class
is defined elsewhere, the module is named; tests/unit/test_errors.py checks this drawing against
the code.

OitwatchError
├── ConfigError          settings, the site registry or a declared-URL file is wrong
├── ChecklistError       a checklist data file is missing or malformed   (checklist/loader.py)
├── StorageError         the database cannot be opened or written: read-only, disk full, damaged
├── CheckAborted         a check cannot start (the URL is not a web address)
├── TargetRefused        an address the guard will not reach: private, loopback, metadata...
│   └── NameNotResolved  ...or cannot vet, because the name does not resolve
├── RateLimited          one client asked the web form for too many checks   (web/jobs.py)
├── RenderUnavailable    no browser here: pages are read over HTTP only   (crawler/render.py)
├── TooLarge             a body decodes past its byte cap                 (crawler/decoding.py)
├── BadEncoding          stacked, unknown or corrupt Content-Encoding     (crawler/decoding.py)
└── UnreadableDocument   bytes arrived but hold no readable text, and why  (documents/errors.py)

Fetch failures are not exceptions past the fetcher: TooLarge and BadEncoding (and the private
crawler.fetcher._NoTime) are caught there and become typed outcomes (crawler/outcomes.py), as
RenderUnavailable becomes "read without rendering" in the crawl.
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


class StorageError(OitwatchError):
    """The database cannot be opened or written: says which file and what to do."""
