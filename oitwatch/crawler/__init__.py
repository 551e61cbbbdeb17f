"""Fetching politely and safely: HTTP with caps and deadlines, robots.txt, the address guard
(guard.py, transport.py, guard_proxy.py) and Chromium for pages built by JavaScript."""
