"""The facade's read queries and records, on SQLite and PostgreSQL: what they return, and that
the dashboard's query costs one statement however many sites there are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from oitwatch.checklist.findings import ItemResult, SiteStatus, Status
from oitwatch.config.registry import SiteEntry
from oitwatch.storage import (
    AlertState,
    Database,
    ItemStatus,
    Mail,
    PriorItem,
    RunStatus,
    open_database,
)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.close()


def _run(
    db: Database,
    url: str,
    statuses: dict[str, Status],
    *,
    site_status: SiteStatus = SiteStatus.OK,
    batch_id: int | None = None,
    province: str = "กระบี่",
) -> int:
    site = db.site(
        url, SiteEntry(url=url, name=f"อบต. {url[7:12]}", province=province, type="อบต.")
    )
    run_id = db.start_run(site.id, "ita-2568", 2568, batch_id)
    results = [
        ItemResult(item, status, f"{url}{item}", item, item) for item, status in statuses.items()
    ]
    db.finish_run(
        run_id, site_status=site_status, pages_fetched=3, results=results, oit_estimate=50.0
    )
    return run_id


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_latest_runs_is_one_statement_for_any_number_of_sites(db: Database) -> None:
    """The dashboard ran 1 + 3 statements per site; the summary is now one statement."""
    counts = []
    for sites in (1, 6):
        for n in range(len(counts) * 10, len(counts) * 10 + sites):
            _run(db, f"http://s{n:03d}.go.th/", {"O1": Status.PASS, "O2": Status.MISSING})
        with _statements(db) as seen:
            lines = db.latest_runs()
        assert len(lines) == (1 if not counts else 7)
        counts.append(len(seen))
    assert counts == [1, 1]


def test_latest_runs_holds_the_newest_run_and_the_one_before(db: Database) -> None:
    url = "http://a.go.th/"
    _run(db, url, {"O1": Status.PASS, "O2": Status.PASS, "O3": Status.MISSING})
    site = db.site(url)
    failed = db.start_run(site.id, "ita-2568", 2568)
    db.end_run(failed, RunStatus.FAILED, "crashed")  # not completed: skipped both as now and before
    newest = _run(db, url, {"O1": Status.PASS, "O2": Status.BROKEN, "O4": Status.PARTIAL})
    _run(
        db,
        "http://b.go.th/",
        {"O1": Status.PASS},
        site_status=SiteStatus.UNREACHABLE,
        province="ตรัง",
    )

    [a] = db.latest_runs(province="กระบี่")
    assert a.site.url == url and a.site.label == "อบต. a.go."
    assert a.run.id == newest and a.run.site_status is SiteStatus.OK
    assert a.items == (
        ItemStatus("O1", Status.PASS, Status.PASS),
        ItemStatus("O2", Status.BROKEN, Status.PASS),
        ItemStatus("O4", Status.PARTIAL, None),  # not in the run before
    )
    assert a.passed == 1 and [i.item_id for i in a.failing] == ["O2", "O4"]

    [b] = db.latest_runs(province="ตรัง")
    assert b.run.site_status is SiteStatus.UNREACHABLE
    assert b.items == (ItemStatus("O1", Status.PASS, None),)  # a first run: nothing before
    assert len(db.latest_runs()) == 2
    assert db.latest_runs(agency_type="เทศบาล") == []
    facets = db.site_facets()
    assert (facets.provinces, facets.agency_types) == (["กระบี่", "ตรัง"], ["อบต."])


def test_history_and_previous_items_are_records(db: Database) -> None:
    url = "http://h.go.th/"
    first = _run(db, url, {"O1": Status.PASS})
    second = _run(db, url, {"O1": Status.BROKEN})
    rows = db.item_history(url)
    assert [(r.run_id, r.item_id, r.status) for r in rows] == [
        (first, "O1", Status.PASS),
        (second, "O1", Status.BROKEN),
    ]
    assert rows[0].site_status is SiteStatus.OK and rows[0].url == f"{url}O1"
    site = db.site(url)
    assert db.previous_items(site.id, second) == {"O1": PriorItem(Status.PASS, f"{url}O1")}
    assert db.previous_items(site.id, first) == {}


def test_alert_states_and_the_outbox(db: Database) -> None:
    batch_id = db.start_batch(1, 2568, "manual")
    run_id = _run(db, "http://m.go.th/", {"O1": Status.MISSING}, batch_id=batch_id)
    site = db.site("http://m.go.th/")
    mail = Mail("problem", ["webmaster@m.go.th"], "[oitwatch] ปัญหาใหม่", "O1 ไม่พบ")
    db.save_alerts(
        site.id,
        run_id,
        {"O1": AlertState(Status.MISSING, True), "SITE": AlertState(SiteStatus.OK, False)},
        [mail],
        batch_id,
        {"new": ["O1"], "fixed": []},
    )
    db.enqueue(Mail("digest", ["staff@example.go.th"], "สรุป", "1 เว็บไซต์"), batch_id)
    assert db.alert_states(site.id) == {
        "O1": AlertState("missing", True),
        "SITE": AlertState("ok", False),
    }
    unsent = db.unsent_messages()
    assert [(m.kind, m.recipients, m.attempts) for m in unsent] == [
        ("problem", ["webmaster@m.go.th"], 0),
        ("digest", ["staff@example.go.th"], 0),
    ]
    db.message_failed(unsent[0].id, "connection refused")
    db.message_sent(unsent[1].id)
    assert [(m.id, m.attempts) for m in db.unsent_messages()] == [(unsent[0].id, 1)]
    assert db.count_unsent() == 1

    [line] = db.batch_lines(batch_id)
    assert (line.url, line.site_status, line.new_problems, line.recoveries) == (
        "http://m.go.th/",
        SiteStatus.OK,
        ["O1"],
        [],
    )
