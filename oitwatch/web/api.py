"""What programs read and write: a job's JSON, a report's downloads and screenshots, the
registry editor and the run-all button (admin, behind the gate in app.py), the health check."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from oitwatch.config.registry import SiteEntry, load_registry, merge_sites, save_registry
from oitwatch.errors import NameNotResolved, OitwatchError, TargetRefused
from oitwatch.present.json_report import report_json_text
from oitwatch.present.spreadsheet import report_csv
from oitwatch.web.jobs import RateLimited
from oitwatch.web.pages import MAX_URL_LENGTH, find_job, find_report, job_data
from oitwatch.web.render import PageError, lang_of
from oitwatch.web.state import web_state
from oitwatch.web.words import HTTP_ERRORS, Said

NO_SCREENSHOT = Said("ไม่มีภาพหน้าจอของข้อนี้", "no screenshot")


async def job_json(request: Request) -> Response:
    return JSONResponse(job_data(request, find_job(request)))


async def report_download(request: Request) -> Response:
    if request.path_params["fmt"] not in ("csv", "json"):
        raise PageError(404, HTTP_ERRORS[404])
    view = find_report(request)
    name = f"oitwatch-{urlsplit(view.site_url).hostname}-run{view.run_id}"
    if request.path_params["fmt"] == "csv":  # in the reader's language, as the page
        return Response(
            "\ufeff"
            + report_csv(view, lang_of(request)),  # the BOM: Excel then reads the Thai as UTF-8
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(  # the one JSON contract, the CLI's too: both languages, for programs
        report_json_text(view),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
    )


async def screenshot(request: Request) -> Response:
    view = find_report(request)
    item = next((i for i in view.items if i.id == request.path_params["item"]), None)
    if item is None or not item.screenshot or not Path(item.screenshot).is_file():
        raise PageError(404, NO_SCREENSHOT)
    return FileResponse(item.screenshot, media_type="image/png")


async def edit_site(request: Request) -> Response:
    """Add a site to the registry, or update the one with the same code or URL (admin only)."""
    state = web_state(request)
    try:
        body = await request.json()
        if isinstance(body, dict) and len(str(body.get("url", ""))) > MAX_URL_LENGTH:
            raise ValueError(f"the address is longer than {MAX_URL_LENGTH} characters")
        entry = SiteEntry.model_validate(body)
    except (ValueError, ValidationError) as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    try:
        # What the registry holds, the nightly run fetches: the same guard as the form.
        await state.guard(entry.url)
    except NameNotResolved:
        pass  # a site that is down today may be registered; the nightly run guards again
    except TargetRefused as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    path = Path(state.settings.sites_file)
    async with state.registry_lock:
        try:
            existing = load_registry(path) if path.exists() else []
        except OitwatchError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        merged, added, _ = merge_sites(existing, [entry])
        # An edit replaces recipients and declared file too (merge keeps them for imports).
        merged = [entry if (s.code or s.url) == (entry.code or entry.url) else s for s in merged]
        save_registry(path, merged)
    return JSONResponse({"site": entry.model_dump(), "added": bool(added)})


async def run_all(request: Request) -> Response:
    """Re-check every registered site (admin only)."""
    state = web_state(request)
    try:
        sites = load_registry(Path(state.settings.sites_file))
    except OitwatchError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    jobs = []
    for site in sites:
        try:
            jobs.append(state.queue.submit(site.url, "admin").id)
        except RateLimited:
            break
    return JSONResponse({"queued": jobs})


async def healthz(request: Request) -> Response:
    return JSONResponse({"ok": True, "queued": web_state(request).queue.waiting})
