"""A fleet: many machines checking one registry through one PostgreSQL database.

`oitwatch run --queue` puts one job per site of a batch on a procrastinate queue (batch.py);
`oitwatch worker` on any number of machines takes them (worker.py, site_job.py, ocr_job.py);
the database decides what must happen once, whoever gets there first (store.py). A single
machine on SQLite never imports any of this.
"""
