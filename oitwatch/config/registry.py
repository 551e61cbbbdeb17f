"""The site registry: a TOML file of agencies (``[[sites]]``), and import from registry exports.

Public registry exports are messy (``www.Khlongphon go.th``, ``WWW..x.go.th``, ``www,tlpm.go.th``,
``http s://``, e-mail addresses, blanks, ``-``). What can be normalised is; every row that
cannot be used is reported with its line number and reason, never dropped silently.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from oitwatch.config.settings import read_toml
from oitwatch.errors import ConfigError
from oitwatch.text.urls import normalise_url

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class SiteEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    name: str = ""
    type: str = ""  # อบต., เทศบาลตำบล, อบจ. ...
    province: str = ""
    code: str = ""  # DLA agency code (รหัส อปท.)
    recipients: list[str] = Field(default_factory=list)
    declared: str | None = None  # CSV of item,url rows for this site

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        url, reason = normalise_address(value)
        if url is None:
            raise ValueError(reason)
        return url

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
                raise ValueError(f"not an e-mail address: {address!r}")
        return value

    @property
    def label(self) -> str:
        return self.name or self.url


def _valid_host(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        labels = host.split(".")
        return len(labels) >= 2 and all(_LABEL.match(x) for x in labels) and labels[-1].isalpha()
    return True


def normalise_address(raw: str) -> tuple[str | None, str]:
    """A website address from a registry cell, or None and why not."""
    text = raw.strip().strip("\"'")
    if not text or text in {"-", "–", "ไม่มี", "n/a", "N/A"}:
        return None, "no website given"
    if "@" in text and "://" not in text:
        return None, f"an e-mail address, not a website: {text!r}"
    text = re.sub(
        r"^h\s*t\s*t\s*p\s*(s?)\s*:\s*/\s*/", lambda m: f"http{m.group(1)}://", text, flags=re.I
    )
    scheme = "http://"
    if "://" in text:
        scheme, text = text.split("://", 1)[0].lower() + "://", text.split("://", 1)[1]
    host, slash, path = text.partition("/")
    host, colon, port = host.strip().rpartition(":") if ":" in host else (host, "", "")
    if colon and not port.isdigit():
        return None, f"not a valid port: {raw.strip()!r}"
    # Typists' slips inside the host: "www.Khlongphon go.th", "www,tlpm.go.th", "WWW..x.go.th".
    host = re.sub(r"[\s,;]+", ".", host.strip()).lower()
    host = re.sub(r"\.{2,}", ".", host).strip(".")
    if not _valid_host(host):
        return None, f"not a valid host name: {raw.strip()!r}"
    url = normalise_url(f"{scheme}{host}{colon}{port}{slash}{path}")
    if url is None:
        return None, f"not a web address: {raw.strip()!r}"
    return url, ""


@dataclass
class Rejected:
    line: int
    code: str
    name: str
    reason: str


@dataclass
class ImportResult:
    sites: list[SiteEntry] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    rows: int = 0


# Column headers of the DLA export (dlads_05_01); see shared/registry/README.md.
_DLA_COLUMNS = {
    "province": "จังหวัด",
    "code": "รหัส อปท.",
    "type": "ประเภท อปท.",
    "name": "อปท.",
    "website": "เว็ปไซต์ของอปท",
}


def _rows(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """Rows, with a cell past the csv module's 128 kB limit as a ConfigError naming the line."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = getattr(reader, "line_num", "?")
            raise ConfigError(
                f"line {line}: {exc} (a cell over 128 kB: is this really the registry export?)"
            ) from None


def import_registry_csv(text: str) -> ImportResult:
    """Agencies from a DLA registry export: one row per subdistrict, so agencies repeat."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip() for h in next(_rows(reader))]
    except StopIteration:
        raise ConfigError("the registry file is empty") from None
    missing = [h for h in _DLA_COLUMNS.values() if h not in header]
    if missing:
        raise ConfigError(f"the registry file lacks the columns {missing} (found {header})")
    index = {key: header.index(title) for key, title in _DLA_COLUMNS.items()}
    result = ImportResult()
    by_code: dict[str, SiteEntry] = {}
    failed: dict[str, Rejected] = {}
    for line, row in enumerate(_rows(reader), start=2):
        if not any(cell.strip() for cell in row):
            continue
        result.rows += 1
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        code = row[index["code"]].strip()
        name = " ".join(row[index["name"]].split())
        if not code:
            result.rejected.append(Rejected(line, "", name, "no agency code"))
            continue
        if code in by_code:
            continue  # the same agency again, for another subdistrict
        url, reason = normalise_address(row[index["website"]])
        if url is None:
            failed.setdefault(code, Rejected(line, code, name, reason))
            continue
        failed.pop(code, None)
        by_code[code] = SiteEntry(
            url=url,
            name=name,
            type=row[index["type"]].strip(),
            province=row[index["province"]].strip(),
            code=code,
        )
    result.sites = list(by_code.values())
    result.rejected.extend(failed.values())
    result.rejected.sort(key=lambda r: r.line)
    return result


def load_registry(path: Path) -> list[SiteEntry]:
    try:
        raw = read_toml(path, "site registry")
    except FileNotFoundError:
        raise ConfigError(
            f"no site registry at {path} (create it or run 'oitwatch sites import')"
        ) from None
    sites = []
    for position, entry in enumerate(raw.get("sites", []), start=1):
        try:
            sites.append(SiteEntry.model_validate(entry))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            name = entry.get("name") or entry.get("url") if isinstance(entry, dict) else None
            raise ConfigError(
                f"site registry {path}: site #{position} ({name}): {problems}"
            ) from exc
    return sites


def save_registry(path: Path, sites: list[SiteEntry]) -> None:
    """Write atomically: a crash mid-write leaves the old file, never half of a new one."""
    document = {"sites": [s.model_dump(exclude_defaults=True) | {"url": s.url} for s in sites]}
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(tomli_w.dumps(document), encoding="utf-8")
    temporary.replace(path)


def merge_sites(
    existing: list[SiteEntry], incoming: list[SiteEntry]
) -> tuple[list[SiteEntry], int, int]:
    """Imported agencies update name/type/province/url; recipients and declared files stay."""
    merged = list(existing)
    by_key = {s.code or s.url: i for i, s in enumerate(merged)}
    added = updated = 0
    for site in incoming:
        key = site.code or site.url
        if key in by_key:
            old = merged[by_key[key]]
            merged[by_key[key]] = site.model_copy(
                update={"recipients": old.recipients, "declared": old.declared}
            )
            updated += 1
        else:
            by_key[key] = len(merged)
            merged.append(site)
            added += 1
    return merged, added, updated
