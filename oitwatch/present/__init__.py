"""Showing findings to people: the terminal table, stored reports, history."""
