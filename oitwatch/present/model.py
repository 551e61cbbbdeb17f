"""One report model: what a check found, as every screen and file shows it.

A ``ReportView`` is built from a fresh check (``view_from_check``) or from stored rows
(``view_from_stored``); both turn their source into the same ``_ItemFacts`` and hand them to one
``_build``, so the same facts give the same view whichever way they came. Renderers (json.py,
spreadsheet.py, table.py, the web templates, e-mail) read only this model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from types import MappingProxyType
from typing import Any

from oitwatch.alerts.transitions import GOOD, PROBLEMS
from oitwatch.checklist import Checklist, ChecklistError, load_checklist
from oitwatch.checklist.findings import ItemResult, SiteStatus, Status
from oitwatch.checklist.score import METHOD, ScoreEstimate, estimate
from oitwatch.pipeline import capabilities
from oitwatch.pipeline.site import CheckReport
from oitwatch.present.labels import Bilingual, split_note, status_label
from oitwatch.storage import Database, HistoryRow
from oitwatch.storage.schema import ItemResultRow, Run, Site

_CONFIDENCE_TH = {"official": "ตามคู่มือ", "medium": "ปานกลาง", "low": "ต่ำ"}


@dataclass(frozen=True, slots=True)
class ElementView:
    id: str  # for machines (JSON); people read ``name``
    name: Bilingual
    found: bool


@dataclass(frozen=True, slots=True)
class StatusChange:
    run_id: int
    when: datetime  # as stored: naive UTC (labels.format_when shows it in Bangkok)
    status: Status
    url: str | None


@dataclass(frozen=True, slots=True)
class ItemHistory:
    """One item over a site's completed runs: only the runs where its status changed."""

    item_id: str
    changes: tuple[StatusChange, ...]  # oldest first

    @property
    def since(self) -> datetime | None:
        """When the item took its current status."""
        return self.changes[-1].when if self.changes else None


@dataclass(frozen=True, slots=True)
class ItemView:
    id: str
    heading: Bilingual
    status: Status
    url: str | None
    declared: bool  # judged from a link the site's ITA page (or --declared) gave
    score: int
    elements: tuple[ElementView, ...]
    years_found: tuple[int, ...]
    evidence_urls: tuple[str, ...]
    evidence: Mapping[str, Any]  # sources judged, period read, snippets (ItemResult.evidence())
    reason: Bilingual
    fix: Bilingual
    ocr: bool
    screenshot: str | None
    weakened_by: tuple[str, ...]  # capabilities (ocr, chromium) whose absence weakened it
    rule_confidence: str  # official | medium | low
    rule_note: Bilingual | None  # said where the rule is inferred, not from the manual
    since: datetime | None  # when the status last changed (naive UTC)

    @property
    def status_label(self) -> Bilingual:
        return status_label(self.status)

    @property
    def missing(self) -> tuple[ElementView, ...]:
        return tuple(e for e in self.elements if not e.found)

    @property
    def found(self) -> tuple[ElementView, ...]:
        return tuple(e for e in self.elements if e.found)


@dataclass(frozen=True, slots=True)
class ScoreView:
    oit: float
    indicators: Mapping[str, float]
    sub_indicators: Mapping[str, float]
    method: str = METHOD


@dataclass(frozen=True, slots=True)
class Warning:
    """A capability this machine lacks, which weakened verdicts: the top of every report."""

    capability: str  # ocr | chromium
    text: Bilingual
    command: str  # what fixes it

    @property
    def stored(self) -> str:
        """As the run's notes hold it (and the JSON ``warnings`` list says it)."""
        return capabilities.weakened_warning(self.capability)


@dataclass(frozen=True, slots=True)
class ReportView:
    site_url: str
    site_id: int
    agency: str | None  # the site's name, from the registry or its home page (untrusted text)
    run_id: int
    checked_at: datetime | None  # naive UTC
    checklist_id: str
    fiscal_year: int
    checklist_title: Bilingual
    site_status: SiteStatus
    pages_fetched: int
    pages_rendered: int | None  # None for runs stored before it was (migration 0011)
    score: ScoreView
    notes: tuple[str, ...]  # as the run stored them: bilingual strings
    form_note: str  # which form was used and why
    warnings: tuple[Warning, ...]
    inferred_rules: int  # rules of the form inferred from agency pages, not the manual
    items: tuple[ItemView, ...]

    @property
    def unreachable(self) -> bool:
        return self.site_status is SiteStatus.UNREACHABLE

    @property
    def site_problem(self) -> tuple[Bilingual, Bilingual] | None:
        """(cause, fix) of an unreachable site: said once, not on every item."""
        if not self.unreachable or not self.items:
            return None
        return self.items[0].reason, self.items[0].fix

    @property
    def all_pass(self) -> bool:
        return all(item.status is Status.PASS for item in self.items)

    @property
    def counts(self) -> dict[Status, int]:
        """Items per status, in the order of the Status enum (only those that occur)."""
        found = {s: 0 for s in Status}
        for item in self.items:
            found[item.status] += 1
        return {s: n for s, n in found.items() if n}

    @property
    def other_notes(self) -> tuple[Bilingual, ...]:
        """Notes besides the form note and the warnings, each split into its two languages."""
        shown = {self.form_note, *(w.stored for w in self.warnings)}
        return tuple(split_note(n) for n in self.notes if n not in shown)

    @property
    def agency_or_host(self) -> str:
        return self.agency or self.site_url.split("/")[2]


@dataclass(frozen=True, slots=True)
class SiteSummary:
    """A site over its latest completed run: a row of `oitwatch report` and of the dashboard."""

    site_id: int
    url: str
    host: str
    agency: str  # its name, else its host
    agency_type: str
    province: str
    run_id: int
    checked_at: datetime  # naive UTC
    site_status: SiteStatus
    oit_estimate: float | None
    passed: int
    items: int
    failing: tuple[tuple[str, Status], ...]  # (item id, status) of each item not passing
    new_problems: int = 0  # items good in the previous run and a problem now (with_changes)


# -- facts: what both builders turn their source into ----------------------------------------


@dataclass(frozen=True, slots=True)
class _ItemFacts:
    id: str
    status: Status
    url: str | None
    declared: bool
    score: int
    elements: tuple[tuple[str, bool], ...]
    years: tuple[int, ...]
    evidence_urls: tuple[str, ...]
    evidence: Mapping[str, Any]
    reason: Bilingual
    fix: Bilingual
    ocr: bool
    screenshot: str | None
    weakened_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _RunFacts:
    site_url: str
    site_id: int
    agency: str | None
    run_id: int
    checked_at: datetime | None
    checklist_id: str
    fiscal_year: int
    site_status: SiteStatus
    pages_fetched: int
    pages_rendered: int | None
    notes: tuple[str, ...]
    form_note: str
    items: tuple[_ItemFacts, ...] = field(default=())


def _checklist(fiscal_year: int) -> Checklist | None:
    try:
        return load_checklist(fiscal_year)
    except ChecklistError:  # a stored run of a form this version no longer ships
        return None


def _rule_note(checklist: Checklist | None, item_id: str) -> tuple[str, Bilingual | None]:
    try:
        rule = checklist.item(item_id) if checklist is not None else None
    except KeyError:
        rule = None
    if rule is None:
        return "official", None
    confidence = rule.confidence.value
    if not rule.inferred:
        return confidence, None
    return confidence, Bilingual(
        f"กฎข้อนี้อนุมานจากหน้าเว็บของหน่วยงานที่เผยแพร่ (ความเชื่อมั่น: {_CONFIDENCE_TH[confidence]})",
        f"rule inferred from public agency pages (confidence: {confidence})",
    )


def _warnings(weakened_by: Iterable[tuple[str, ...]]) -> tuple[Warning, ...]:
    """A warning for each missing capability that weakened a verdict of the run (``weakened_by``:
    each item's)."""
    held = {capability for lost in weakened_by for capability in lost}
    out = []
    for capability, (th, en) in capabilities.WEAKENED.items():
        if capability in held:
            command = capabilities.APT_OCR if capability == "ocr" else capabilities.APT_CHROMIUM
            out.append(
                Warning(
                    capability,
                    Bilingual(
                        f"ตรวจได้ไม่เต็มที่: {th} แก้ได้ด้วยคำสั่ง {command}",
                        f"verdicts weakened: {en}. Fix: {command} (oitwatch doctor)",
                    ),
                    command,
                )
            )
    return tuple(out)


def _build(run: _RunFacts, score: ScoreEstimate, history: Mapping[str, ItemHistory]) -> ReportView:
    """The one place a view is made: every field of every item from the facts and the form."""
    checklist = _checklist(run.fiscal_year)
    rules = {i.id: i for i in checklist.items} if checklist is not None else {}
    items = []
    for facts in run.items:
        rule = rules.get(facts.id)
        names = {e.id: Bilingual(e.th, e.en) for e in rule.elements} if rule is not None else {}
        confidence, note = _rule_note(checklist, facts.id)
        changes = history.get(facts.id)
        items.append(
            ItemView(
                id=facts.id,
                heading=Bilingual(rule.heading_th, rule.gloss_en)
                if rule is not None
                else Bilingual(facts.id, facts.id),
                status=facts.status,
                url=facts.url,
                declared=facts.declared,
                score=facts.score,
                elements=tuple(
                    ElementView(eid, names.get(eid, Bilingual(eid, eid)), found)
                    for eid, found in facts.elements
                ),
                years_found=facts.years,
                evidence_urls=facts.evidence_urls,
                evidence=facts.evidence,
                reason=facts.reason,
                fix=facts.fix,
                ocr=facts.ocr,
                screenshot=facts.screenshot,
                weakened_by=facts.weakened_by,
                rule_confidence=confidence,
                rule_note=note,
                since=changes.since if changes is not None else None,
            )
        )
    return ReportView(
        site_url=run.site_url,
        site_id=run.site_id,
        agency=run.agency,
        run_id=run.run_id,
        checked_at=run.checked_at,
        checklist_id=run.checklist_id,
        fiscal_year=run.fiscal_year,
        checklist_title=Bilingual(checklist.title_th, checklist.title_en)
        if checklist is not None
        else Bilingual(run.checklist_id, run.checklist_id),
        site_status=run.site_status,
        pages_fetched=run.pages_fetched,
        pages_rendered=run.pages_rendered,
        score=ScoreView(
            score.oit,
            MappingProxyType(dict(score.indicators)),
            MappingProxyType(dict(score.sub_indicators)),
            score.method,
        ),
        notes=run.notes,
        form_note=run.form_note,
        warnings=_warnings(item.weakened_by for item in run.items),
        inferred_rules=sum(i.inferred for i in checklist.items) if checklist is not None else 0,
        items=tuple(items),
    )


def _estimate(
    checklist: Checklist | None, items: Sequence[_ItemFacts], stored: float | None
) -> ScoreEstimate:
    """The estimate a check made, again from its stored item scores (the run keeps only the
    total); the stored total alone for a form this version no longer ships."""
    if checklist is None:
        return ScoreEstimate(stored or 0.0, {}, {})
    return estimate(checklist, [ItemResult(i.id, i.status, i.url, score=i.score) for i in items])


# -- from a fresh check ----------------------------------------------------------------------


def view_from_check(
    report: CheckReport,
    *,
    agency: str | None = None,
    checked_at: datetime | None = None,
    history: Mapping[str, ItemHistory] | None = None,
) -> ReportView:
    """The view of a check just made. ``agency``, ``checked_at`` and ``history`` are what the
    check itself does not carry (see ``check_view``, which reads them from the database)."""
    items = tuple(
        _ItemFacts(
            id=r.id,
            status=r.status,
            url=r.url,
            declared=r.declared,
            score=r.score,
            elements=tuple((e.id, e.found) for e in r.elements),
            years=tuple(r.years_found),
            evidence_urls=tuple(r.evidence_urls),
            evidence=MappingProxyType(r.evidence()),
            reason=Bilingual(r.reason_th, r.reason_en),
            fix=Bilingual(r.fix_th, r.fix_en),
            ocr=r.ocr,
            screenshot=r.screenshot,
            weakened_by=tuple(report.weakened.get(r.id, ())),
        )
        for r in report.items
    )
    run = _RunFacts(
        site_url=report.site,
        site_id=report.site_id,
        agency=agency,
        run_id=report.run_id,
        checked_at=checked_at,
        checklist_id=report.checklist.id,
        fiscal_year=report.checklist.fiscal_year,
        site_status=report.site_status,
        pages_fetched=report.pages_fetched,
        pages_rendered=report.pages_rendered,
        notes=tuple(report.notes),
        form_note=report.form_note,
        items=items,
    )
    return _build(run, report.estimate, history or {})


def check_view(db: Database, report: CheckReport) -> ReportView:
    """``view_from_check`` with what the database knows of the run: the site's name, when the
    run started, and each item's history (which this run has just joined)."""
    with db.session() as session:
        site = session.get(Site, report.site_id)
        run = session.get(Run, report.run_id)
        agency = site.name if site is not None else None
        checked_at = run.started_at if run is not None else None
    return view_from_check(
        report, agency=agency, checked_at=checked_at, history=load_history(db, report.site)
    )


# -- from stored rows ------------------------------------------------------------------------


def _stored_items(rows: Iterable[ItemResultRow]) -> tuple[_ItemFacts, ...]:
    return tuple(
        _ItemFacts(
            id=row.item_id,
            status=Status(row.status),
            url=row.url,
            declared=row.declared,
            score=row.score,
            elements=tuple((str(e["id"]), bool(e["found"])) for e in row.elements),
            years=tuple(int(y) for y in row.years),
            evidence_urls=tuple(str(u) for u in row.evidence),
            evidence=MappingProxyType(dict(row.reasoning or {})),
            reason=Bilingual(row.reason_th, row.reason_en),
            fix=Bilingual(row.fix_th, row.fix_en),
            ocr=row.ocr,
            screenshot=row.screenshot,
            weakened_by=tuple(str(c) for c in row.weakened),
        )
        for row in rows
    )


def view_from_stored(
    site: Site,
    run: Run,
    rows: Sequence[ItemResultRow],
    history: Mapping[str, ItemHistory] | None = None,
) -> ReportView:
    """The view of a stored run. The form note is the last of the run's notes: the pipeline
    adds it last, on every run."""
    notes = tuple(str(n) for n in run.notes or [])
    facts = _RunFacts(
        site_url=site.url,
        site_id=site.id,
        agency=site.name,
        run_id=run.id,
        checked_at=run.started_at,
        checklist_id=run.checklist_id,
        fiscal_year=run.fiscal_year,
        site_status=SiteStatus(run.site_status or SiteStatus.OK),
        pages_fetched=run.pages_fetched,
        pages_rendered=run.pages_rendered,
        notes=notes,
        form_note=notes[-1] if notes else "",
        items=_stored_items(rows),
    )
    score = _estimate(_checklist(run.fiscal_year), facts.items, run.oit_estimate)
    return _build(facts, score, history or {})


def report_view(db: Database, site_id: int) -> ReportView | None:
    """The latest completed run of a site, or None when it has none (the web's report page)."""
    site = db.site_by_id(site_id)
    latest = db.latest_run(site_id) if site is not None else None
    if site is None or latest is None:
        return None
    run, rows = latest
    return view_from_stored(site, run, rows, load_history(db, site.url))


# -- history ---------------------------------------------------------------------------------


def _order(item_id: str) -> int:
    return int(item_id[1:]) if item_id[1:].isdigit() else 0


def histories(rows: Iterable[HistoryRow]) -> dict[str, ItemHistory]:
    """Rows of ``Database.item_history`` (one per item per completed run) as each item's
    changes, items in form order."""
    ordered = sorted(rows, key=lambda r: (_order(r.item_id), r.run_id))
    out: dict[str, ItemHistory] = {}
    for item_id, entries in groupby(ordered, key=lambda r: r.item_id):
        changes: list[StatusChange] = []
        for row in entries:
            if not changes or changes[-1].status is not row.status:
                changes.append(StatusChange(row.run_id, row.started_at, row.status, row.url))
        out[item_id] = ItemHistory(item_id, tuple(changes))
    return out


def load_history(db: Database, url: str, item_id: str | None = None) -> dict[str, ItemHistory]:
    return histories(db.item_history(url, item_id))


# -- many sites ------------------------------------------------------------------------------


def site_summaries(
    db: Database,
    province: str | None = None,
    agency_type: str | None = None,
    *,
    with_changes: bool = False,
) -> list[SiteSummary]:
    """Each site's latest completed run, in province, name, URL order, from one query
    (``Database.latest_runs``). ``with_changes`` counts the new problems: items that are a
    problem now and were fine in the run before."""
    out = []
    for line in db.latest_runs(province or None, agency_type or None):
        site, run = line.site, line.run
        new = (
            sum(
                1
                for i in line.items
                if i.status in PROBLEMS and i.previous is not None and i.previous in GOOD
            )
            if with_changes
            else 0
        )
        out.append(
            SiteSummary(
                site_id=site.id,
                url=site.url,
                host=site.host,
                agency=site.label,
                agency_type=site.agency_type or "",
                province=site.province or "",
                run_id=run.id,
                checked_at=run.started_at,
                site_status=run.site_status,
                oit_estimate=run.oit_estimate,
                passed=line.passed,
                items=len(line.items),
                failing=tuple((i.item_id, i.status) for i in line.failing),
                new_problems=new,
            )
        )
    return out
