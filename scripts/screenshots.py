"""Regenerate docs/report-375.png and docs/report-1280.png: the report page as Chromium shows
it on a 375 px phone and a 1280 px desktop, from the browser test that checks those widths.

    python3 scripts/screenshots.py

Needs the test extras and Chromium at /usr/bin/chromium; the PNGs it writes are committed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/unit/web/test_report_page.py::test_the_report_fits_the_screen_with_counts_first_and_the_fix_before_the_evidence"


def main() -> int:
    env = {**os.environ, "OITWATCH_DOCS_SCREENSHOTS": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", TEST], cwd=ROOT, env=env)
    if done.returncode == 0:
        for width in (375, 1280):
            print(ROOT / "docs" / f"report-{width}.png")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
