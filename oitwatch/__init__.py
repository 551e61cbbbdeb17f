"""oitwatch: keeps Thai local-government websites ready for the ITA's OIT disclosure checklist."""

__version__ = "0.1.0"
