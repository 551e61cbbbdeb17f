"""A run over many sites: the nightly batch (batch.py) and its schedule (scheduler.py)."""
