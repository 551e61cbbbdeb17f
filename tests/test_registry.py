"""The site registry and imports of the messy public registry export."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest

from oitwatch.config.registry import import_registry_csv, load_registry, normalise_address
from oitwatch.errors import ConfigError
from tests.conftest import SHARED, run_cli

SAMPLE = SHARED / "registry" / "dla-sample.csv"


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("www.Khlongphon go.th", "http://www.khlongphon.go.th/"),
        ("WWW..Aolueknuea.go.th", "http://www.aolueknuea.go.th/"),
        ("www,tlpm.go.th", "http://www.tlpm.go.th/"),
        ("http s://www.huayyung.go.th", "https://www.huayyung.go.th/"),
        ("www.thungsaithong.go.th/", "http://www.thungsaithong.go.th/"),
        ("http://hindad.go.th/public/", "http://hindad.go.th/public/"),
        ("pagiew.abt.in.th", "http://pagiew.abt.in.th/"),
        (
            "https://sites.google.com/view/rammasak-site",
            "https://sites.google.com/view/rammasak-site",
        ),
        ("www.aoluktai.org", "http://www.aoluktai.org/"),
    ],
)
def test_messy_addresses_are_normalised(raw: str, url: str) -> None:
    assert normalise_address(raw) == (url, "")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "no website"),
        ("-", "no website"),
        ("yaansue2565@gmail.com", "e-mail"),
        (".org", "host"),
    ],
)
def test_unusable_addresses_say_why(raw: str, reason: str) -> None:
    url, why = normalise_address(raw)
    assert url is None and reason in why


def test_real_registry_sample_accounts_for_every_agency() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    result = import_registry_csv(text)
    codes = {row[3] for row in list(csv.reader(text.splitlines()))[1:]}
    assert result.rows == 523
    assert len(codes) == 76
    # Every agency is either imported or reported, never dropped silently.
    assert {s.code for s in result.sites} | {r.code for r in result.rejected} == codes
    assert not {s.code for s in result.sites} & {r.code for r in result.rejected}
    assert len(result.rejected) == 33  # registry/README.md: 33 of 76 have no usable website
    assert all(r.line >= 2 and r.reason for r in result.rejected)
    khlongphon = next(s for s in result.sites if s.code == "5810402")
    assert (khlongphon.url, khlongphon.name, khlongphon.province) == (
        "http://www.khlongphon.go.th/",
        "คลองพน",
        "กระบี่",
    )


def test_quoted_fields_are_parsed() -> None:
    header = "จังหวัด,อำเภอ,ตำบล,รหัส อปท.,ประเภท อปท.,อปท.,x,y,z,a,LAT,LONG,เว็ปไซต์ของอปท\n"
    row = 'กระบี่,เมือง,ไสไทย,6810101,อบต.,"ไสไทย, เมือง",,,,,,,"www,tlpm.go.th"\n'
    result = import_registry_csv(header + row)
    assert [(s.name, s.url) for s in result.sites] == [("ไสไทย, เมือง", "http://www.tlpm.go.th/")]


def test_cli_import_merges_and_keeps_recipients(tmp_path: Path) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text(
        '[[sites]]\nurl = "http://www.khlongphon.go.th/"\ncode = "5810402"\nname = "old name"\n'
        'recipients = ["webmaster@khlongphon.go.th"]\n',
        encoding="utf-8",
    )
    result = run_cli("sites", "import", str(SAMPLE), "--to", str(registry))
    assert result.code == 0, result.stderr
    assert "43 agencies with a usable website (42 new, 1 updated)" in result.stdout
    assert "line 16: 5810404 คลองพนพัฒนา: no website given" in result.stdout
    sites = load_registry(registry)
    assert len(sites) == 43
    khlongphon = next(s for s in sites if s.code == "5810402")
    assert khlongphon.name == "คลองพน" and khlongphon.recipients == ["webmaster@khlongphon.go.th"]
    assert tomllib.loads(registry.read_text(encoding="utf-8"))["sites"]


def test_registry_typo_names_the_site(tmp_path: Path) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text(
        '[[sites]]\nurl = "http://a.go.th/"\nname = "อบต.ก"\nrecipent = ["x@y.th"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"site #1 \(อบต.ก\).*recipent"):
        load_registry(registry)
    result = run_cli("run", "--sites", str(registry), "--db", str(tmp_path / "r.db"))
    assert result.code == 2 and "recipent" in result.stderr and "Traceback" not in result.stderr
