"""The HTML pages: the check form, a check's progress, the report, the dashboard, and
forgetting a site. Module-level handlers; who may call them is decided by the gates in front
of their routes (auth.py), what they hold by the lifespan (state.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from oitwatch.errors import CheckAborted, TargetRefused
from oitwatch.fleet.store import fleet_progress
from oitwatch.pipeline.site import normalise_site_url
from oitwatch.present.model import ReportView, report_view, site_summaries
from oitwatch.web import views, words
from oitwatch.web.auth import client_address, is_admin, same_origin
from oitwatch.web.jobs import Job, JobState, RateLimited
from oitwatch.web.queries import forget_site, sort_lines
from oitwatch.web.render import PageError, lang_of, page, with_lang
from oitwatch.web.state import web_state
from oitwatch.web.words import HTTP_ERRORS, Said

MAX_URL_LENGTH = 2048
# Database ids are 64-bit: a larger number in a path is no such page, not a server error.
_MAX_ID = 2**63 - 1
NO_REPORT = Said("เว็บไซต์นี้ยังไม่มีผลการตรวจที่เสร็จสมบูรณ์", "no completed check for this site")
NO_CHECK = Said("ไม่พบการตรวจนี้ (อาจเริ่มเซิร์ฟเวอร์ใหม่แล้ว)", "no such check")


def path_id(request: Request, name: str) -> int:
    value = int(request.path_params[name])
    if not 0 < value <= _MAX_ID:
        raise PageError(404, HTTP_ERRORS[404])
    return value


def find_job(request: Request) -> Job:
    job = web_state(request).queue.jobs.get(path_id(request, "job_id"))
    if job is None:
        raise PageError(404, NO_CHECK)
    return job


def job_data(request: Request, job: Job) -> dict[str, Any]:
    """The job as the progress page and its script show it: raw values for programs, words
    for people (``state_label``, ``phase_label``, ``problem``) in the reader's language."""
    lang = lang_of(request)
    return {
        "id": job.id,
        "url": job.url,
        "state": job.state.value,
        "phase": job.phase,
        "state_label": words.label(words.JOB_STATES, job.state.value, lang),
        "phase_label": words.label(words.PHASES, job.phase, lang),
        "pages": job.pages,
        "position": web_state(request).queue.position(job),
        "site_id": job.site_id,
        "error": job.error,
        "problem": job.problem.text(lang) if job.problem else "",
        "fix": job.problem.fix(lang) if job.problem else "",
    }


def find_report(request: Request) -> ReportView:
    view = report_view(web_state(request).db, path_id(request, "site_id"))
    if view is None:
        raise PageError(404, NO_REPORT)
    return view


async def index(request: Request) -> Response:
    return page("index.html", request)


async def submit(request: Request) -> Response:
    state = web_state(request)
    lang = lang_of(request)
    form = await request.form()
    raw = str(form.get("url", ""))
    if len(raw) > MAX_URL_LENGTH:
        return page("index.html", request, status=400, said=words.too_long(MAX_URL_LENGTH))
    try:
        url = normalise_site_url(raw)
        await state.guard(url)
        job = state.queue.submit(url, client_address(request, state.settings.web.trusted_proxies))
    except (CheckAborted, TargetRefused) as exc:
        said = words.explain_error(exc, raw if "//" in raw else f"http://{raw.strip()}")
        return page("index.html", request, status=400, said=said, value=raw)
    except RateLimited as exc:
        return page("index.html", request, status=429, said=exc.said, value=raw)
    return RedirectResponse(with_lang(f"/jobs/{job.id}", lang), status_code=303)


async def job_page(request: Request) -> Response:
    job = find_job(request)
    if job.state is JobState.DONE:
        return RedirectResponse(with_lang(f"/sites/{job.site_id}", lang_of(request)), 303)
    return page("job.html", request, job=job_data(request, job))


async def report(request: Request) -> Response:
    view = find_report(request)
    lang = lang_of(request)
    notes, hidden = views.notes(view, lang)
    return page(
        "report.html",
        request,
        view=view,
        counts=views.counts(view, lang),
        to_fix=views.to_fix(view),
        warnings=views.warnings(view, lang),
        why=lambda item: views.why(item, lang),
        notes=notes,
        hidden_notes=hidden,
        only_fix=request.query_params.get("only") == "fix",
        printable="print" in request.query_params,
    )


async def dashboard(request: Request) -> Response:
    db = web_state(request).db
    province = request.query_params.get("province") or None
    agency_type = request.query_params.get("type") or None
    sort = request.query_params.get("sort", "score")
    facets = db.site_facets()
    forgotten = request.query_params.get("forgotten", "")
    return page(
        "dashboard.html",
        request,
        rows=sort_lines(site_summaries(db, province, agency_type, with_changes=True), sort),
        fleet=fleet_progress(db),  # a fleet's batch, on PostgreSQL; None elsewhere
        provinces=facets.provinces,
        types=facets.agency_types,
        province=province,
        agency_type=agency_type,
        sort=sort,
        forgotten=int(forgotten) if forgotten.isdigit() else None,
    )


# -- forgetting a site ----------------------------------------------------------------------


def _forget_page(
    request: Request, view: ReportView, status: int = 200, said: Said | None = None
) -> Response:
    state = web_state(request)
    return page(
        "forget.html",
        request,
        status=status,
        view=view,
        runs=state.db.run_count(view.site_id),
        needs_token=state.settings.web.admin_token is not None,
        said=said,
    )


async def forget_form(request: Request) -> Response:
    """Asks first: what will be deleted (this site's checks, nothing else) and a confirm box."""
    return _forget_page(request, find_report(request))


NOT_CONFIRMED = Said(
    "ยังไม่ได้ยืนยัน จึงยังไม่ได้ลบ", "not confirmed: nothing was deleted",
    "ติ๊กช่องยืนยันแล้วกดลบอีกครั้ง", "Tick the box and press the button again",
)  # fmt: skip
WRONG_TOKEN = Said(
    "รหัสผู้ดูแลระบบไม่ถูกต้อง จึงยังไม่ได้ลบ", "wrong admin token: nothing was deleted",
    "ใส่รหัสผู้ดูแลระบบที่ตั้งไว้ในไฟล์ตั้งค่า", "Enter the admin token set in the settings",
)  # fmt: skip
NO_TOKEN_SET = Said(
    "ยังไม่ได้ตั้งรหัสผู้ดูแลระบบ จึงลบประวัติจากหน้าเว็บไม่ได้",
    "no admin token is set, so history cannot be deleted from the web page",
    "ผู้ดูแลระบบตั้งรหัสได้ในไฟล์ตั้งค่า หัวข้อ [web] ค่า admin_token",
    "Set admin_token in the [web] section of the settings",
)
BUSY = Said(
    "เว็บไซต์นี้กำลังถูกตรวจอยู่ จึงยังลบไม่ได้", "this site is being checked: try again after",
    "รอให้ตรวจเสร็จแล้วลองอีกครั้ง", "Wait for the check to finish, then try again",
)  # fmt: skip
CROSS_SITE = Said("คำขอนี้ไม่ได้มาจากหน้าเว็บนี้", "this request did not come from this site's page")


async def forget(request: Request) -> Response:
    """Delete one site's history, once the user has confirmed with the admin token. The
    token is the CSRF defence (auth.py); every failure says nothing was deleted."""
    state = web_state(request)
    view = find_report(request)
    form = await request.form()
    if not same_origin(request):
        return _forget_page(request, view, 403, CROSS_SITE)
    if state.settings.web.admin_token is None:
        return _forget_page(request, view, 403, NO_TOKEN_SET)
    if not is_admin(request, state.settings.web, str(form.get("admin_token", ""))):
        return _forget_page(request, view, 403, WRONG_TOKEN)
    if form.get("confirm") != "yes":
        return _forget_page(request, view, 400, NOT_CONFIRMED)
    if state.queue.active(view.site_url):
        return _forget_page(request, view, 409, BUSY)
    gone = forget_site(state.db, view.site_id, Path(state.settings.render.screenshots_dir))
    runs = gone.runs if gone else 0
    return RedirectResponse(
        with_lang(f"/dashboard?forgotten={runs}", lang_of(request)), status_code=303
    )
