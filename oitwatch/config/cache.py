"""Where third-party libraries may write, set before they are imported.

pythainlp creates ``~/pythainlp-data`` on import; a service user often has no writable home,
and the import would fail before oitwatch could say anything. Its data folder goes under the
XDG cache (``~/.cache/oitwatch``), else the temporary folder; if neither can be written,
pythainlp runs read-only (oitwatch downloads no pythainlp data).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _writable_folder(candidates: list[Path]) -> Path | None:
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".oitwatch-probe"
            probe.touch()
            probe.unlink()
            return folder
        except OSError:
            continue
    return None


def prepare_library_folders() -> None:
    """Point pythainlp at a folder it can write, unless the user already chose one."""
    if os.environ.get("PYTHAINLP_DATA") or os.environ.get("PYTHAINLP_DATA_DIR"):
        return
    candidates = []
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        candidates.append(Path(xdg) / "oitwatch" / "pythainlp-data")
    home = os.environ.get("HOME")
    if home:
        candidates.append(Path(home) / ".cache" / "oitwatch" / "pythainlp-data")
    candidates.append(Path(tempfile.gettempdir()) / f"oitwatch-{os.getuid()}" / "pythainlp-data")
    folder = _writable_folder(candidates)
    if folder is None:
        os.environ["PYTHAINLP_READ_ONLY"] = "1"
    else:
        os.environ["PYTHAINLP_DATA"] = str(folder)
