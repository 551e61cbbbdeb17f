"""The README keeps up with the code: every command of the ``oitwatch`` group (walked at run
time, so a command added later is caught) has an example line in a code block, and every
section of the typed Settings is named in the README's Settings section."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from pydantic import BaseModel

from oitwatch.cli.main import main
from oitwatch.config.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand path under ``group``, groups included."""
    found: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        found.append((*path, name))
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
    return found


def _global_options_taking_a_value() -> set[str]:
    return {
        opt
        for param in main.params
        if isinstance(param, click.Option) and not param.is_flag and not param.count
        for opt in param.opts
    }


def _example_paths(readme: str) -> set[tuple[str, ...]]:
    """The words after ``oitwatch`` and its global options on each line of a code block
    (``.venv/bin/oitwatch`` and a ``$`` prompt allowed), as far as they are command names."""
    valued = _global_options_taking_a_value()
    paths: set[tuple[str, ...]] = set()
    for block in _FENCE.findall(readme):
        for line in block.splitlines():
            line = line.strip().removeprefix("$ ").split(" #")[0]
            try:
                words = shlex.split(line)
            except ValueError:
                continue
            if not words or not re.fullmatch(r"(?:\S*/)?oitwatch", words[0]):
                continue
            rest = words[1:]
            while rest and rest[0].startswith("-"):  # oitwatch --settings FILE run ...
                rest = rest[2:] if rest[0] in valued else rest[1:]
            paths.add(tuple(w for w in rest if re.fullmatch(r"[a-z][a-z-]*", w)))
    return paths


COMMANDS = _commands(main)


def test_the_command_walk_sees_nested_and_fleet_commands() -> None:
    # The walk itself can fail: it must reach subcommands and the fleet's commands.
    assert {("sites", "import"), ("checklist", "show"), ("worker",), ("status",)} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_an_example_in_the_readme(path: tuple[str, ...]) -> None:
    examples = _example_paths(README.read_text(encoding="utf-8"))
    assert any(example[: len(path)] == path for example in examples), (
        f"README.md has no example line `oitwatch {' '.join(path)} ...` in a code block"
    )


def _settings_section(readme: str) -> str:
    start = readme.index("\n## Settings\n")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end != -1 else None]


def _sections() -> list[str]:
    """The nested setting groups (``[crawl]``, ``[smtp]``...) of the Settings model."""
    return [
        name
        for name, field in Settings.model_fields.items()
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
    ]


def test_the_settings_walk_sees_the_sections() -> None:
    assert {"crawl", "smtp", "fleet", "checklist"} <= set(_sections())


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_every_setting_is_in_the_readme_settings_section(name: str) -> None:
    section = _settings_section(README.read_text(encoding="utf-8"))
    if name in _sections():
        assert f"[{name}]" in section, f"README.md's Settings section does not name [{name}]"
    else:  # a top-level setting: in backticks, or a key of the TOML example
        named = f"`{name}`" in section or re.search(rf"^{name} =", section, re.M)
        assert named, f"README.md's Settings section does not name `{name}`"
