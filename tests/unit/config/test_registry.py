"""The site registry and imports of the messy public registry export."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest

from oitwatch.config.registry import import_registry_csv, load_registry, normalise_address
from oitwatch.errors import ConfigError
from tests.support.cli import invoke
from tests.support.files import write_registry
from tests.support.shared import SHARED, needs_shared

SAMPLE = SHARED / "registry" / "dla-sample.csv"
# Our own messy export, with the same classes of mess as the real sample (shared/registry):
# one row per subdistrict, CRLF, blank and "-" websites, spaces in domains and schemes, a
# double dot, a comma for a dot inside quotes, an e-mail, a path, dates in address columns.
MESSY = Path(__file__).parents[2] / "fixtures" / "registry-messy.csv"


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


def test_messy_registry_accounts_for_every_agency() -> None:
    raw = MESSY.read_bytes()
    assert b"\r\n" in raw  # CRLF, as the real export
    text = raw.decode("utf-8")
    result = import_registry_csv(text)
    codes = {row[3] for row in list(csv.reader(text.splitlines()))[1:]}
    assert result.rows == 16 and len(codes) == 11
    assert {s.code for s in result.sites} | {r.code for r in result.rejected} == codes
    assert not {s.code for s in result.sites} & {r.code for r in result.rejected}
    assert {(r.line, r.code) for r in result.rejected} == {
        (8, "9010104"),
        (11, "9010106"),
        (15, "9010110"),
        (16, "9010111"),
    }
    assert {s.code: s.url for s in result.sites} == {
        "9010101": "http://www.thotsopnuea.go.th/",
        "9010102": "http://www.khlongthotlong.go.th/",
        "9010103": "http://www.nasathit.go.th/",
        "9010105": "https://www.huaytuayang.go.th/",
        "9010107": "http://www.khaosathit.go.th/",
        "9010108": "http://palong.go.th/public/",
        "9010109": "http://www.saichamlong.go.th/",
    }
    quoted = next(s for s in result.sites if s.code == "9010109")
    assert quoted.name == "ไสจำลอง, เขาสาธิต"


@needs_shared
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
    old = {
        "url": "http://www.khlongthotlong.go.th/",
        "code": "9010102",
        "name": "old name",
        "recipients": ["webmaster@khlongthotlong.go.th"],
    }
    registry = write_registry(tmp_path / "sites.toml", [old])
    result = invoke("sites", "import", str(MESSY), "--to", str(registry))
    assert result.code == 0, result.stderr
    assert "7 agencies with a usable website (6 new, 1 updated)" in result.stdout
    assert "line 8: 9010104 บ้านจำลอง: no website given" in result.stdout
    sites = load_registry(registry)
    assert len(sites) == 7
    kept = next(s for s in sites if s.code == "9010102")
    assert kept.name == "คลองทดลอง" and kept.recipients == ["webmaster@khlongthotlong.go.th"]
    assert tomllib.loads(registry.read_text(encoding="utf-8"))["sites"]


def test_registry_typo_names_the_site(tmp_path: Path) -> None:
    typo = {"url": "http://a.go.th/", "name": "อบต.ก", "recipent": ["x@y.th"]}
    registry = write_registry(tmp_path / "sites.toml", [typo])
    with pytest.raises(ConfigError, match=r"site #1 \(อบต.ก\).*recipent"):
        load_registry(registry)
    result = invoke("run", "--sites", str(registry), "--db", str(tmp_path / "r.db"))
    assert result.code == 2 and "recipent" in result.stderr and "Traceback" not in result.stderr
