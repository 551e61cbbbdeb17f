"""The web application (Starlette, server-rendered Jinja templates, one small local script).

The app is put together here and nowhere else: the route table with the gate each group sits
behind (auth.py), the lifespan that opens the database and the job queue (state.py), the
error pages (render.py) and the security headers (headers.py). The handlers live in pages.py
(HTML) and api.py (JSON, downloads, admin).
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from oitwatch.config import Settings
from oitwatch.web import api, pages
from oitwatch.web.auth import Gate
from oitwatch.web.headers import SecurityHeaders
from oitwatch.web.render import on_crash, on_http_error
from oitwatch.web.state import lifespan_for

STATIC = Path(__file__).parent / "static"

# Behind the read gate (open unless web.private).
READ_ROUTES: list[BaseRoute] = [
    Route("/", pages.index),
    Route("/check", pages.submit, methods=["POST"]),
    Route("/jobs/{job_id:int}", pages.job_page),
    Route("/jobs/{job_id:int}.json", api.job_json),
    Route("/sites/{site_id:int}", pages.report),
    Route("/sites/{site_id:int}.{fmt:str}", api.report_download),
    Route("/sites/{site_id:int}/screenshots/{item:str}.png", api.screenshot),
    # Asking is a read; doing needs the admin token too, checked with the form's confirm box.
    Route("/sites/{site_id:int}/forget", pages.forget_form, methods=["GET"]),
    Route("/sites/{site_id:int}/forget", pages.forget, methods=["POST"]),
    Route("/dashboard", pages.dashboard),
]
# Behind the admin gate: the Bearer token, always.
ADMIN_ROUTES: list[BaseRoute] = [
    Route("/run-all", api.run_all, methods=["POST"]),
    Route("/sites", api.edit_site, methods=["POST"]),
]


class OitwatchApp(Starlette):
    def build_middleware_stack(self) -> ASGIApp:
        # Outermost, around Starlette's own error middleware: a 500 page carries the headers.
        return SecurityHeaders(super().build_middleware_stack())


def create_app(settings: Settings) -> Starlette:
    web = settings.web
    return OitwatchApp(
        routes=[
            Route("/healthz", api.healthz),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
            Mount("/admin", routes=ADMIN_ROUTES, middleware=[Middleware(Gate, web, "admin")]),
            Mount("", routes=READ_ROUTES, middleware=[Middleware(Gate, web, "read")]),
        ],
        lifespan=lifespan_for(settings),
        exception_handlers={HTTPException: on_http_error, Exception: on_crash},
    )
