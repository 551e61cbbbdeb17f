"""One exception tree: every exception class oitwatch defines derives from OitwatchError, and the
tree drawn in oitwatch/errors.py is the tree in the code (same names, same parents)."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import oitwatch
from oitwatch import errors
from oitwatch.errors import OitwatchError

PACKAGE = Path(oitwatch.__file__).parent
# Alembic's env.py runs a migration when imported (the versions define no classes), and
# __main__ runs the CLI.
SKIPPED = ("storage/migrations/", "__main__.py")
# Exception classes allowed outside the tree, each with the reason. None today.
OUTSIDE_THE_TREE: dict[str, str] = {
    # Starlette's way to answer a request with an error page (raised in a handler, turned into
    # a response by the app's exception handler): an HTTP answer, not an error of the product.
    "oitwatch.web.render.PageError": "a starlette HTTPException carrying the page's words",
}


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(SKIPPED) or relative.endswith(SKIPPED):
            continue
        parts = ["oitwatch", *relative.removesuffix(".py").split("/")]
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def _exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined at the top of a module of the package, by qualified name."""
    found: dict[str, type[BaseException]] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == name
            ):
                found[f"{name}.{value.__qualname__}"] = value
    return found


def test_the_walk_finds_the_known_errors() -> None:
    found = _exception_classes()
    # Guards the walk itself: a walk that imported nothing would pass the tests below.
    assert len(_modules()) > 60
    for name in (
        "oitwatch.errors.StorageError",
        "oitwatch.crawler.render.RenderUnavailable",
        "oitwatch.documents.errors.UnreadableDocument",
        "oitwatch.web.jobs.RateLimited",
        "oitwatch.checklist.loader.ChecklistError",
    ):
        assert name in found


def test_every_exception_derives_from_oitwatch_error() -> None:
    outside = {
        name
        for name, cls in _exception_classes().items()
        if not issubclass(cls, OitwatchError) and name not in OUTSIDE_THE_TREE
    }
    assert outside == set(), "derive these from OitwatchError (oitwatch/errors.py)"


def test_no_exception_class_hides_inside_a_function() -> None:
    """The import-based walk sees module-level classes only; a class statement nested in a
    function or another class whose base is named like an error would escape it."""
    hidden = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and id(node) not in top:
                bases = [ast.unparse(base) for base in node.bases]
                if any(re.search(r"(Error|Exception)$", base) for base in bases):
                    hidden.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert hidden == []


def _drawn_tree() -> dict[str, str | None]:
    """{class name: parent name} as errors.py's docstring draws it."""
    drawn: dict[str, str | None] = {}
    stack: list[str] = []
    for line in (errors.__doc__ or "").splitlines():
        if line.startswith("OitwatchError"):
            drawn["OitwatchError"] = None
            stack = ["OitwatchError"]
            continue
        branch = re.match(r"^([│ ]*)[├└]── (\w+)", line)
        if branch is None or not stack:
            continue
        depth = len(branch.group(1)) // 4 + 1
        stack = stack[:depth]
        drawn[branch.group(2)] = stack[-1]
        stack.append(branch.group(2))
    return drawn


def test_the_drawing_in_errors_py_is_the_tree_in_the_code() -> None:
    drawn = _drawn_tree()
    assert len(drawn) > 5, "the tree in errors.py's docstring could not be read"
    actual: dict[str, str | None] = {"OitwatchError": None}
    for cls in _exception_classes().values():
        if issubclass(cls, OitwatchError) and cls is not OitwatchError:
            if cls.__name__.startswith("_"):
                continue  # private control flow: named in the prose, not drawn
            actual[cls.__name__] = cls.__bases__[0].__name__
    assert drawn == actual
