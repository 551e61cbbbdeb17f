"""../shared (seed documents, notes, the real registry sample) beside the project."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
# ../shared is beside the project on CI, not in a user's clone: tests that verify citations
# against it skip without it.
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason="../shared (seed documents, registry sample) is not beside this clone: "
    "citations against the seeds and the real registry sample cannot be checked",
)
