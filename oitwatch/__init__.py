"""oitwatch: keeps Thai local-government websites ready for the ITA's OIT disclosure checklist."""

__version__ = "0.1.0"

# Before anything imports pythainlp, which writes to ~/pythainlp-data on import.
from oitwatch.config.cache import prepare_library_folders

prepare_library_folders()
