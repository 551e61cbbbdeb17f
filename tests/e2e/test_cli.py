"""The command line as a person uses it: global options in either place, JSON for scripts,
removing a site, the progress bar on a terminal and silence with --quiet. In process with
click's CliRunner, except the terminal test, where a real terminal (a pty) is the point."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

from click.testing import CliRunner

from oitwatch import __version__
from oitwatch.cli import main
from oitwatch.cli.progress import ProgressLine
from tests.support.cli import FAST_ENV
from tests.support.server import FixtureSite

REGISTRY = """[[sites]]
url = "https://www.khlongphon.go.th/"
name = "อบต.คลองพน"
province = "กระบี่"
recipients = ["webmaster@khlongphon.go.th"]

[[sites]]
url = "http://www.banna.go.th/"
name = "อบต.บ้านนา"
province = "ตรัง"
"""


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=FAST_ENV)
    return result.exit_code, result.stdout, result.stderr


def test_global_options_work_before_and_after_the_command(tmp_path: Path) -> None:
    registry = tmp_path / "mine.toml"
    registry.write_text(REGISTRY, encoding="utf-8")
    settings = tmp_path / "x.toml"
    settings.write_text(f'sites_file = "{registry}"\n', encoding="utf-8")
    before = _invoke("--settings", str(settings), "sites", "list")
    after = _invoke("sites", "list", "--settings", str(settings))
    assert before[0] == after[0] == 0
    assert before[1] == after[1] and "อบต.คลองพน" in after[1]
    # a settings file that does not exist fails the same way in either place
    missing = str(tmp_path / "nowhere.toml")
    assert _invoke("--settings", missing, "sites", "list")[0] == 2
    assert _invoke("sites", "list", "--settings", missing)[0] == 2
    # serve parses --settings after its name (it failed with "no such option" before)
    bad = _invoke("serve", "--settings", missing)
    assert bad[0] == 2 and "no such option" not in bad[2].lower()


def test_version_is_kept() -> None:
    code, out, _ = _invoke("--version")
    assert code == 0 and __version__ in out


def test_sites_list_as_json_and_remove(tmp_path: Path) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text(REGISTRY, encoding="utf-8")
    code, out, _ = _invoke("sites", "list", "--format", "json", "--sites-file-unused", "x")
    assert code == 2  # an unknown option is refused, not ignored
    settings = tmp_path / "s.toml"
    settings.write_text(f'sites_file = "{registry}"\n', encoding="utf-8")
    code, out, _ = _invoke("sites", "list", "--format", "json", "--settings", str(settings))
    assert code == 0
    sites = json.loads(out)["sites"]
    assert [s["url"] for s in sites] == ["https://www.khlongphon.go.th/", "http://www.banna.go.th/"]
    assert sites[0]["recipients"] == ["webmaster@khlongphon.go.th"]

    code, out, _ = _invoke("--settings", str(settings), "sites", "remove", "www.banna.go.th")
    assert code == 0 and "ลบ" in out
    code, out, _ = _invoke("sites", "list", "--format", "json", "--settings", str(settings))
    assert [s["url"] for s in json.loads(out)["sites"]] == ["https://www.khlongphon.go.th/"]
    code, _, err = _invoke("sites", "remove", "www.banna.go.th", "--settings", str(settings))
    assert code == 2 and "not in" in err  # removing what is not there says so
    code, _, _ = _invoke("sites", "remove", "khlongphon.go.th", "--from", str(registry))
    assert code == 2  # another host than www.khlongphon.go.th
    code, out, _ = _invoke(
        "sites", "remove", "www.khlongphon.go.th", "--lang", "en", "--from", str(registry)
    )
    assert code == 0 and out.startswith("removed https://www.khlongphon.go.th/")  # any scheme


def test_progress_line_is_a_bar_on_a_terminal_and_plain_in_a_log() -> None:
    tty = io.StringIO()
    line = ProgressLine(stream=tty, tty=True, width=60)
    line.show(100, 400, "100/400 หน้า", force=True)
    line.done()
    assert tty.getvalue().startswith("\r\x1b[2K[oitwatch] [######..................]")
    assert tty.getvalue().endswith("\r\x1b[2K")
    log = io.StringIO()
    ProgressLine(stream=log, tty=False).show(3, 10, "x", force=True)
    assert log.getvalue() == "[oitwatch] [#######.................] x\n"
    quiet = io.StringIO()
    ProgressLine(stream=quiet, tty=True, quiet=True).show(1, 2, "x", force=True)
    assert quiet.getvalue() == ""


def _check_on_a_terminal(url: str, db: Path, *extra: str) -> str:
    """`oitwatch check` with stderr on a real terminal (a pty): what the terminal showed."""
    controller, terminal = pty.openpty()
    shown = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    proc = subprocess.run(
        [sys.executable, "-m", "oitwatch", "check", url, "--db", str(db), *extra],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env={**os.environ, **FAST_ENV},
        timeout=180,
        check=False,
    )
    os.close(terminal)
    reader.join(timeout=5)
    os.close(controller)
    assert proc.returncode == 1, proc.stdout[-500:]
    return shown.decode("utf-8", "replace")


def test_check_shows_a_bar_on_a_terminal_and_nothing_with_quiet(
    good: FixtureSite, tmp_path: Path
) -> None:
    shown = _check_on_a_terminal(good.url, tmp_path / "p.db", "--max-pages", "80")
    assert "\r\x1b[2K[oitwatch] [" in shown and "/80 หน้า" in shown
    quiet = _check_on_a_terminal(good.url, tmp_path / "p.db", "--max-pages", "80", "--quiet")
    assert "[oitwatch]" not in quiet
