"""The `oitwatch` command: the main group (main.py) and the fleet's commands (fleet.py)."""

from oitwatch.cli.main import main

__all__ = ["main"]
