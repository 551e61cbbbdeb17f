"""One site, start to finish: crawl it (crawl.py), judge it (site.py), reuse the last night (incremental.py)."""
