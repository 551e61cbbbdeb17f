"""What PostgreSQL needs that SQLite does not.

PostgreSQL text cannot hold the NUL character, which SQLite stores without complaint; a page
title or a document's text with a stray NUL would otherwise fail a whole site's storing. NULs
carry no meaning in anything oitwatch stores, so they are dropped on the way in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event


def _clean(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    return value


def _clean_parameters(parameters: Any) -> Any:
    if isinstance(parameters, dict):
        return {key: _clean(value) for key, value in parameters.items()}
    if isinstance(parameters, list | tuple):
        return type(parameters)(
            _clean_parameters(p) if isinstance(p, dict | list | tuple) else _clean(p)
            for p in parameters
        )
    return parameters


def prepare(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _drop_nul(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> tuple[str, Any]:
        return statement, _clean_parameters(parameters)
