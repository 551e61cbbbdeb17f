"""The web application (Starlette, server-rendered Jinja templates, one small local script)."""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from oitwatch.config import Settings
from oitwatch.config.registry import SiteEntry, load_registry, merge_sites, save_registry
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.crawler.render import Renderer
from oitwatch.errors import CheckAborted, OitwatchError
from oitwatch.site_check import CheckReport, check_site, normalise_site_url
from oitwatch.storage import Database, open_database
from oitwatch.web.guard import TargetRefused, check_target
from oitwatch.web.jobs import Job, JobQueue, JobState, RateLimited
from oitwatch.web.views import dashboard_rows, report_csv, report_json, report_view

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings) -> Starlette:
    templates = Environment(
        loader=PackageLoader("oitwatch.web", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True),
    )
    state: dict[str, Any] = {}
    web = settings.web

    def db() -> Database:
        database: Database = state["db"]
        return database

    allowed = frozenset(web.allow_hosts)

    async def guard(url: str) -> None:
        await check_target(url, allow_loopback=web.allow_loopback, allow=allowed)

    async def run_check(job: Job, progress: Any) -> CheckReport:
        async with (
            Fetcher(settings.crawl, guard=guard) as fetcher,
            Renderer(settings.render, settings.crawl.user_agent) as renderer,
        ):
            return await check_site(
                job.url, settings, db(), fetcher=fetcher, renderer=renderer, on_progress=progress
            )

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        state["db"] = open_database(settings.database_url)
        queue = JobQueue(run_check, workers=web.workers, per_client=web.checks_per_client)
        state["queue"] = queue
        state["registry_lock"] = asyncio.Lock()
        queue.start()
        try:
            yield
        finally:
            await queue.stop()
            state["db"].close()

    def page(name: str, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
        lang = "en" if request.query_params.get("lang") == "en" else "th"
        html = templates.get_template(name).render(request=request, lang=lang, **context)
        return HTMLResponse(html, status_code=status)

    def token_ok(given: str | None, secret: Any) -> bool:
        return (
            secret is not None
            and given is not None
            and hmac.compare_digest(given.encode(), secret.get_secret_value().encode())
        )

    def readable(request: Request) -> None:
        if not web.private:
            return
        given = request.query_params.get("token") or request.cookies.get("oitwatch_token")
        if not token_ok(given, web.read_token):
            raise HTTPException(401, "this oitwatch is private: a read token is needed")

    async def index(request: Request) -> Response:
        readable(request)
        return page("index.html", request)

    async def submit(request: Request) -> Response:
        readable(request)
        form = await request.form()
        raw = str(form.get("url", ""))
        try:
            url = normalise_site_url(raw)
            await guard(url)
            client = request.client.host if request.client else "unknown"
            job = state["queue"].submit(url, client)
        except (CheckAborted, TargetRefused) as exc:
            return page("index.html", request, status=400, error=str(exc), value=raw)
        except RateLimited as exc:
            return page("index.html", request, status=429, error=str(exc), value=raw)
        suffix = "?lang=en" if request.query_params.get("lang") == "en" else ""
        return RedirectResponse(f"/jobs/{job.id}{suffix}", status_code=303)

    def find_job(request: Request) -> Job:
        job = state["queue"].jobs.get(int(request.path_params["job_id"]))
        if job is None:
            raise HTTPException(404, "no such check")
        result: Job = job
        return result

    def job_data(job: Job) -> dict[str, Any]:
        return {
            "id": job.id,
            "url": job.url,
            "state": job.state.value,
            "phase": job.phase,
            "pages": job.pages,
            "position": state["queue"].position(job),
            "site_id": job.site_id,
            "error": job.error,
        }

    async def job_page(request: Request) -> Response:
        readable(request)
        job = find_job(request)
        if job.state is JobState.DONE:
            suffix = "?lang=en" if request.query_params.get("lang") == "en" else ""
            return RedirectResponse(f"/sites/{job.site_id}{suffix}", status_code=303)
        return page("job.html", request, job=job_data(job))

    async def job_json(request: Request) -> Response:
        readable(request)
        return JSONResponse(job_data(find_job(request)))

    def find_report(request: Request) -> Any:
        view = report_view(
            db(),
            int(request.path_params["site_id"]),
            "en" if request.query_params.get("lang") == "en" else "th",
        )
        if view is None:
            raise HTTPException(404, "no completed check for this site")
        return view

    async def report(request: Request) -> Response:
        readable(request)
        view = find_report(request)
        return page("report.html", request, view=view, printable="print" in request.query_params)

    async def report_download(request: Request) -> Response:
        readable(request)
        if request.path_params["fmt"] not in ("csv", "json"):
            raise HTTPException(404, "downloads are .csv or .json")
        view = find_report(request)
        name = f"oitwatch-{view.site.host}-run{view.run.id}"
        if request.path_params["fmt"] == "csv":
            return Response(
                "\ufeff" + report_csv(view),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
            )
        return Response(
            json.dumps(report_json(view), ensure_ascii=False, indent=2),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
        )

    async def screenshot(request: Request) -> Response:
        readable(request)
        view = find_report(request)
        item = next((i for i in view.items if i.id == request.path_params["item"]), None)
        if item is None or not item.screenshot or not Path(item.screenshot).is_file():
            raise HTTPException(404, "no screenshot")
        return FileResponse(item.screenshot, media_type="image/png")

    async def dashboard(request: Request) -> Response:
        readable(request)
        province = request.query_params.get("province") or None
        agency_type = request.query_params.get("type") or None
        sort = request.query_params.get("sort", "score")
        provinces, types = db().site_facets()
        rows = dashboard_rows(db(), province, agency_type, sort)
        from oitwatch.fleet.store import fleet_progress  # a fleet's batch, on PostgreSQL

        return page(
            "dashboard.html",
            request,
            rows=rows,
            fleet=fleet_progress(db()),
            provinces=provinces,
            types=types,
            province=province,
            agency_type=agency_type,
            sort=sort,
        )

    def admin(request: Request) -> None:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip() or None
        if not token_ok(given, web.admin_token):
            raise HTTPException(403, "an admin token is needed")

    async def edit_site(request: Request) -> Response:
        """Add a site to the registry, or update the one with the same code or URL (admin only)."""
        admin(request)
        try:
            entry = SiteEntry.model_validate(await request.json())
        except (ValueError, ValidationError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        path = Path(settings.sites_file)
        async with state["registry_lock"]:
            try:
                existing = load_registry(path) if path.exists() else []
            except OitwatchError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            merged, added, _ = merge_sites(existing, [entry])
            # An edit replaces recipients and declared file too (merge keeps them for imports).
            merged = [
                entry if (s.code or s.url) == (entry.code or entry.url) else s for s in merged
            ]
            save_registry(path, merged)
        return JSONResponse({"site": entry.model_dump(), "added": bool(added)})

    async def run_all(request: Request) -> Response:
        """Re-check every registered site (admin only)."""
        admin(request)
        try:
            sites = load_registry(Path(settings.sites_file))
        except OitwatchError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        jobs = []
        for site in sites:
            try:
                jobs.append(state["queue"].submit(site.url, "admin").id)
            except RateLimited:
                break
        return JSONResponse({"queued": jobs})

    async def healthz(_: Request) -> Response:
        return JSONResponse({"ok": True, "queued": state["queue"].waiting})

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/check", submit, methods=["POST"]),
            Route("/jobs/{job_id:int}", job_page),
            Route("/jobs/{job_id:int}.json", job_json),
            Route("/sites/{site_id:int}", report),
            Route("/sites/{site_id:int}.{fmt:str}", report_download),
            Route("/sites/{site_id:int}/screenshots/{item:str}.png", screenshot),
            Route("/dashboard", dashboard),
            Route("/admin/run-all", run_all, methods=["POST"]),
            Route("/admin/sites", edit_site, methods=["POST"]),
            Route("/healthz", healthz),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        lifespan=lifespan,
    )

    async def on_http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "error"
        return page("error.html", request, status=status, message=detail)

    app.add_exception_handler(HTTPException, on_http_error)
    return app
