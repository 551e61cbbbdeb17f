"""Pages from templates, in the reader's language, and the error page for every error."""

from __future__ import annotations

import logging
import re
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from oitwatch.present import labels
from oitwatch.present.labels import Lang
from oitwatch.web import words
from oitwatch.web.words import HTTP_ERRORS, Said

log = logging.getLogger(__name__)

_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+")


def urls_breakable(text: str) -> Markup:
    """Text (escaped) whose URLs may break anywhere, its Thai words only between words: a
    long URL inside a reason or a fix must not push a phone's screen sideways."""
    escaped = str(escape(text))
    return Markup(_URL_IN_TEXT.sub(lambda m: f'<span class="url">{m.group(0)}</span>', escaped))


TEMPLATES = Environment(
    loader=PackageLoader("oitwatch.web", "templates"),
    autoescape=select_autoescape(["html"], default_for_string=True),
)
TEMPLATES.filters["urls_breakable"] = urls_breakable
TEMPLATES.globals.update(
    format_date=labels.format_date,
    format_when=labels.format_when,
    site_status_label=labels.site_status_label,
    display_url=words.display_url,
    display_host=words.display_host,
)


def lang_of(request: Request) -> Lang:
    return Lang.EN if request.query_params.get("lang") == "en" else Lang.TH


def with_lang(path: str, lang: Lang) -> str:
    """A link that keeps the reader's language."""
    if lang != Lang.EN:
        return path
    return path + ("&" if "?" in path else "?") + "lang=en"


def page(name: str, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    html = TEMPLATES.get_template(name).render(
        request=request, lang=lang, link=lambda path: with_lang(path, lang), **context
    )
    return HTMLResponse(html, status_code=status)


class PageError(HTTPException):
    """An error to show as a page, said in both languages."""

    def __init__(self, status: int, said: Said) -> None:
        super().__init__(status, said.en)
        self.said = said


async def on_http_error(request: Request, exc: Exception) -> Response:
    """Every HTTP error, Starlette's own (an unknown path, a wrong method) included, as a page
    in the reader's language."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    said = exc.said if isinstance(exc, PageError) else HTTP_ERRORS.get(status, HTTP_ERRORS[400])
    return page("error.html", request, status=status, said=said)


async def on_crash(request: Request, exc: Exception) -> Response:
    log.error("error on %s", request.url.path, exc_info=exc)
    return page("error.html", request, status=500, said=HTTP_ERRORS[500])
