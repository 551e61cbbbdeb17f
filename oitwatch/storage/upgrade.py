"""A schema upgrade in a process of its own, for the commands that run for hours.

Alembic and what an upgrade loads stay in a process's memory once imported (measured: 12 MB,
not given back when the modules are dropped). A nightly `run`, the scheduler, a fleet worker
and the web page would carry them for their whole length on the first night of a new database
and after every upgrade, so they migrate here, in a child that exits when the schema is new.

    python -m oitwatch.storage.upgrade   (the database URL on stdin: a password never shows
                                          in the process list)
"""

from __future__ import annotations

import subprocess
import sys

from oitwatch.errors import StorageError

_FAILED = 3  # the child's exit status when it explained the failure on its last stderr line
_DEADLINE = 600.0  # seconds: a large history's table rebuilds, or waiting for another migrator


def upgrade_apart(url: str) -> None:
    """Bring the database at ``url`` to the newest schema in a short-lived process."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "oitwatch.storage.upgrade"],
            input=url,
            capture_output=True,
            text=True,
            timeout=_DEADLINE,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StorageError(f"the schema upgrade did not finish: {exc}") from exc
    if done.returncode == 0:
        return
    lines = done.stderr.strip().splitlines()
    if done.returncode == _FAILED and lines:
        raise StorageError(lines[-1])
    raise StorageError(
        f"the schema upgrade stopped (exit status {done.returncode})"
        + (f": {lines[-1]}" if lines else "")
    )


def main() -> int:
    from oitwatch.storage.database import open_database

    try:
        open_database(sys.stdin.read().strip(), check=False).close()
    except StorageError as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return _FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main())
