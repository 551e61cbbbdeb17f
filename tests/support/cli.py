"""The ``oitwatch`` command, as a test drives it.

``invoke`` runs it in this process with click's CliRunner: the same parsing, settings, exit
codes and output, without starting Python and importing oitwatch again (a second or more a
call). ``run_cli`` and ``start_cli`` start a real process: for what only a process shows
(signals, a kill and a resume, resource limits, what a fresh interpreter imports, workers
running side by side). Both take the settings a user would, through the environment.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from click.testing import CliRunner

# The suite's fixtures and expectations are written against the FY2568 form: pin it, as a user
# would with checklist.year. Tests of the year in force remove the pin (env value None).
PINNED_YEAR = {"OITWATCH_CHECKLIST__YEAR": "2568"}

# Fast, still-polite settings for fixture crawls, passed the way a user would: environment.
FAST_ENV = {
    "OITWATCH_CRAWL__DELAY": "0",
    "OITWATCH_CRAWL__READ_TIMEOUT": "1",
    "OITWATCH_CRAWL__CONNECT_TIMEOUT": "1",
    "OITWATCH_CRAWL__TOTAL_TIMEOUT": "2",
    "OITWATCH_CRAWL__RETRIES": "1",
    "OITWATCH_CRAWL__BACKOFF": "0.05",
    "OITWATCH_CRAWL__PER_HOST": "4",
    "OITWATCH_ALERTS__RECHECK_DELAY": "0",
    **PINNED_YEAR,
}

Env = Mapping[str, str | None]


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)  # type: ignore[no-any-return]


def invoke(*args: str, env: Env | None = None) -> CliResult:
    """``oitwatch ARGS`` in this process, over FAST_ENV and ``env`` (a value of None removes
    that variable); the environment is restored afterwards."""
    from oitwatch.cli.main import main

    result = CliRunner().invoke(
        main, list(args), env={**FAST_ENV, **(env or {})}, catch_exceptions=False
    )
    return CliResult(result.exit_code, result.stdout, result.stderr)


def process_env(env: Env | None = None) -> dict[str, str]:
    """This process's environment over FAST_ENV and ``env``; a value of None removes it."""
    merged: dict[str, str | None] = {**os.environ, **FAST_ENV, **(env or {})}
    return {k: v for k, v in merged.items() if v is not None}


def command(*args: str) -> list[str]:
    """The argv of ``oitwatch ARGS`` run by this interpreter (the worktree's code wins when
    PYTHONPATH points at it, as in CI)."""
    return [sys.executable, "-m", "oitwatch", *args]


def run_cli(*args: str, env: Env | None = None, timeout: float = 180, **popen: Any) -> CliResult:
    """``oitwatch ARGS`` in a process of its own, to the end; ``popen`` goes to subprocess
    (``preexec_fn`` for a resource limit, ``cwd``)."""
    proc = subprocess.run(
        command(*args),
        capture_output=True,
        text=True,
        env=process_env(env),
        timeout=timeout,
        check=False,
        **popen,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def _default_sigint() -> None:
    # As a terminal starts it: pytest run as a background job ignores SIGINT, its children
    # would inherit that, and a test's Ctrl-C would go unheard.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_cli(*args: str, env: Env | None = None, log: Path | None = None) -> subprocess.Popen[str]:
    """``oitwatch ARGS`` started in the background: to signal, kill or run beside others.
    Output goes to pipes (read them with ``communicate``), or both streams to ``log``, which
    a long-running process cannot fill up."""
    out: IO[str] | int = subprocess.PIPE
    if log is not None:
        out = log.open("w", encoding="utf-8")
    try:
        return subprocess.Popen(
            command(*args),
            env=process_env(env),
            stdout=out,
            stderr=subprocess.STDOUT if log is not None else subprocess.PIPE,
            text=True,
            preexec_fn=_default_sigint,
        )
    finally:
        if log is not None and not isinstance(out, int):
            out.close()  # the child holds its own copy


def check_json(url: str, db: Path | str, *extra: str, env: Env | None = None) -> CliResult:
    """``oitwatch check URL --format json --db DB EXTRA`` in this process: the JSON report."""
    return invoke("check", url, "--format", "json", "--db", str(db), *extra, env=env)


def stored_view(db_file: Path, site_id: int = 1) -> Any:
    """The report of a site's last stored run, as `oitwatch report` and the web page read it."""
    from oitwatch.present.model import report_view
    from oitwatch.storage import open_database

    db = open_database(f"sqlite:///{db_file}")
    try:
        view = report_view(db, site_id)
    finally:
        db.close()
    assert view is not None, f"no stored run of site {site_id} in {db_file}"
    return view
