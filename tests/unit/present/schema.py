"""Validate a report against the JSON Schema the package ships: the CLI's JSON here, the web
download in the web tests (``from tests.unit.present.schema import assert_valid_report``)."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from oitwatch.present.json_report import report_schema


def report_errors(data: Any) -> list[str]:
    """Every way ``data`` breaks the contract, as "path: message" lines (none when valid)."""
    validator = Draft202012Validator(
        report_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    ]


def assert_valid_report(data: Any) -> None:
    errors = report_errors(data)
    assert not errors, "report breaks report.schema.json:\n" + "\n".join(errors[:20])
