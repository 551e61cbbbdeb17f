"""The web's downloads are present's renderers: the JSON is the CLI's contract (the shipped
JSON Schema, the same item fields), the CSV is in the reader's language."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import httpx
from click.testing import CliRunner

from oitwatch.cli import main
from tests.support.cli import FAST_ENV
from tests.support.server import FixtureSite
from tests.unit.present.schema import assert_valid_report
from tests.unit.web.helpers import Server, settings_for


def test_the_web_json_is_the_cli_json(
    good: FixtureSite, unreachable_url: str, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, allow_loopback=True)
    runs = {}
    for n, url in enumerate((good.url, unreachable_url), start=1):
        result = CliRunner().invoke(
            main, ["check", url, "--format", "json", "--db", settings.database], env=FAST_ENV
        )
        runs[n] = json.loads(result.stdout)
    with Server(settings) as base, httpx.Client(base_url=base) as client:
        for site_id, cli in runs.items():
            response = client.get(f"/sites/{site_id}.json")
            assert response.status_code == 200
            assert "attachment" in response.headers["content-disposition"]
            web = response.json()
            assert_valid_report(web)
            assert_valid_report(cli)
            assert web.keys() == cli.keys()
            assert [set(i) for i in web["items"]] == [set(i) for i in cli["items"]]
            # The same facts too: storage keeps everything a report shows.
            assert web == cli
        assert runs[2]["site_problem"] is not None  # an unreachable site: its cause said once

        thai = list(csv.reader(io.StringIO(client.get("/sites/1.csv").text.lstrip("\ufeff"))))
        english = list(csv.reader(io.StringIO(client.get("/sites/1.csv?lang=en").text[1:])))
        assert len(thai) == len(english) == 29  # a header and 28 items
        o1_th, o1_en = thai[1], english[1]
        assert o1_th[0] == o1_en[0] == "O1" and o1_th[2] == o1_en[2]  # the status value, raw
        assert o1_th[3] == "ผ่าน" and o1_en[3] == "pass"  # and in words
        down = list(csv.reader(io.StringIO(client.get("/sites/2.csv").text[1:])))
        assert len(down) == 2  # an unreachable site is one row, not 28 identical ones
