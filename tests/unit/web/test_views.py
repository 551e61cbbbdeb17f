"""What the page adds to present's report model: notes a Thai page can say, warnings with
their command apart, counts in words, the why of a verdict in words."""

from __future__ import annotations

from pathlib import Path

from oitwatch.checklist.findings import Status
from oitwatch.checklist.loader import FormChoice
from oitwatch.pipeline import capabilities
from oitwatch.present.labels import Lang
from oitwatch.present.model import report_view
from oitwatch.storage import open_database
from oitwatch.web import views
from tests.unit.web.helpers import store

FORM = FormChoice(2568, 2570, pinned=True)


def test_notes_warnings_and_counts_in_the_readers_language(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'v.db'}")
    try:
        site = store(
            db,
            "http://a.go.th/",
            {"O1": Status.BROKEN, "O2": Status.BROKEN, "O3": Status.PARTIAL},
            weakened={"O2": ["ocr"]},
            notes=(
                capabilities.weakened_warning("ocr"),
                "time limit (600 s) reached: 3 URL(s) not fetched; หมดเวลาตรวจก่อนครบทุกหน้า",
                "an administrator's note in English only",
                FORM.note,  # the pipeline adds the form's note last
            ),
        )
        view = report_view(db, site)
    finally:
        db.close()
    assert view is not None
    said, english_only = views.notes(view, Lang.TH)
    assert said == [FORM.note_th, "หมดเวลาตรวจก่อนครบทุกหน้า"]
    assert english_only == 1  # said to exist, in Thai; shown on the English page
    said_en, _ = views.notes(view, Lang.EN)
    assert "an administrator's note in English only" in said_en and FORM.note_en in said_en

    (warning,) = views.warnings(view, Lang.TH)
    assert warning.command == capabilities.APT_OCR  # set as code, apart from the Thai
    assert warning.before.startswith("ตรวจได้ไม่เต็มที่") and capabilities.APT_OCR not in (
        warning.before + warning.after
    )

    counts = [(c.status, c.label, c.n) for c in views.counts(view, Lang.TH)]
    assert counts == [("pass", "ผ่าน", 25), ("partial", "ไม่ครบ", 1), ("broken", "ลิงก์เสีย", 2)]
    assert views.to_fix(view) == 3
