"""The web application (Starlette, server-rendered Jinja templates, one small local script)."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
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
from oitwatch.crawler.guard import AddressPolicy, NameNotResolved, TargetRefused, check_url
from oitwatch.crawler.guarded import guarded_clients
from oitwatch.errors import CheckAborted, OitwatchError
from oitwatch.pipeline.site import CheckReport, check_site, normalise_site_url
from oitwatch.storage import Database, open_database
from oitwatch.web.jobs import Job, JobQueue, JobState, RateLimited
from oitwatch.web.views import dashboard_rows, report_csv, report_json, report_view

STATIC = Path(__file__).parent / "static"
MAX_URL_LENGTH = 2048
# Database ids are 64-bit: a larger number in a path is no such page, not a server error.
_MAX_ID = 2**63 - 1
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        b" object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Every response, error pages and static files included, carries the security headers."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = [
                    *message.get("headers", []),
                    *((k, v) for k, v in SECURITY_HEADERS if k not in names),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


def _in_networks(address: str, networks: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in networks:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(request: Request, trusted_proxies: list[str]) -> str:
    """Who is asking, for the rate limit. X-Forwarded-For is anyone's to write: it counts only
    when the connection comes from a trusted proxy, and then its last untrusted hop."""
    peer = request.client.host if request.client else "unknown"
    if not trusted_proxies or not _in_networks(peer, trusted_proxies):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in_networks(hop, trusted_proxies):
            return hop
    return peer


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

    policy = AddressPolicy(web.allow_loopback, frozenset(web.allow_hosts))

    async def guard(url: str) -> None:
        await check_url(url, policy)

    async def run_check(job: Job, progress: Any) -> CheckReport:
        # Every connection, the browser's included, goes to an address vetted at that moment.
        async with guarded_clients(settings.crawl, settings.render, policy) as (fetcher, renderer):
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
        if len(raw) > MAX_URL_LENGTH:
            error = f"the address is longer than {MAX_URL_LENGTH} characters"
            return page("index.html", request, status=400, error=error, value="")
        try:
            url = normalise_site_url(raw)
            await guard(url)
            client = client_address(request, web.trusted_proxies)
            job = state["queue"].submit(url, client)
        except (CheckAborted, TargetRefused) as exc:
            return page("index.html", request, status=400, error=str(exc), value=raw)
        except RateLimited as exc:
            return page("index.html", request, status=429, error=str(exc), value=raw)
        suffix = "?lang=en" if request.query_params.get("lang") == "en" else ""
        return RedirectResponse(f"/jobs/{job.id}{suffix}", status_code=303)

    def path_id(request: Request, name: str) -> int:
        value = int(request.path_params[name])
        if not 0 < value <= _MAX_ID:
            raise HTTPException(404, "no such page")
        return value

    def find_job(request: Request) -> Job:
        job = state["queue"].jobs.get(path_id(request, "job_id"))
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
            path_id(request, "site_id"),
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
        facets = db().site_facets()
        rows = dashboard_rows(db(), province, agency_type, sort)
        from oitwatch.fleet.store import fleet_progress  # a fleet's batch, on PostgreSQL

        return page(
            "dashboard.html",
            request,
            rows=rows,
            fleet=fleet_progress(db()),
            provinces=facets.provinces,
            types=facets.agency_types,
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
            body = await request.json()
            if isinstance(body, dict) and len(str(body.get("url", ""))) > MAX_URL_LENGTH:
                raise ValueError(f"the address is longer than {MAX_URL_LENGTH} characters")
            entry = SiteEntry.model_validate(body)
        except (ValueError, ValidationError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        try:
            # What the registry holds, the nightly run fetches: the same guard as the form.
            await guard(entry.url)
        except NameNotResolved:
            pass  # a site that is down today may be registered; the nightly run guards again
        except TargetRefused as exc:
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
    # Outermost, around Starlette's own error middleware: a 500 page carries the headers too.
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build())  # type: ignore[method-assign]
    return app
