"""What the web pages say: pure functions, no server."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from oitwatch.crawler.guard import NameNotResolved, TargetRefused, check_target
from oitwatch.errors import CheckAborted
from oitwatch.pipeline.site import Progress, check_site, normalise_site_url
from oitwatch.present.labels import Lang
from oitwatch.web import words
from oitwatch.web.jobs import Job, JobState


def test_every_job_state_and_status_has_thai_words() -> None:
    for state in JobState:
        th = words.label(words.JOB_STATES, state.value, Lang.TH)
        assert th != words.label(words.JOB_STATES, "no such state", Lang.TH), state
        assert re.search("[ก-๙]", th), state
    # Every phase a check reports (pipeline/site.py, and the queue's own) has words.
    phases = set(re.findall(r'phase = "(\w+)"', Path(check_site.__code__.co_filename).read_text()))
    phases |= {Progress().phase, Job(0, "").phase, "done"}
    assert phases <= words.PHASES.keys(), phases - words.PHASES.keys()
    assert words.label(words.PHASES, "crawl", Lang.TH) == "กำลังเปิดหน้าเว็บและเอกสาร"
    assert words.label(words.PHASES, "nonsense", Lang.TH) == "อื่น ๆ"  # never the raw value
    assert words.cue_seen("[map]", Lang.TH) == "พบแผนที่"
    assert words.cue_seen("[ภาพ] ผังองค์กร", Lang.TH) is None  # text read, not a cue


def _refusal(url: str) -> TargetRefused:
    with pytest.raises(TargetRefused) as caught:
        asyncio.run(check_target(url, allow_loopback=False))
    return caught.value


@pytest.mark.parametrize(
    ("url", "thai"),
    [
        ("http://169.254.169.254/latest/", "ระบบคลาวด์"),
        ("http://127.0.0.1/", "เครื่องเซิร์ฟเวอร์นี้เอง"),
        ("http://10.1.2.3/", "เครือข่ายภายใน"),
        ("http://224.0.0.1/", "เปิดเว็บไซต์ไม่ได้"),
        ("ftp://www.example.go.th/", "http:// หรือ https://"),
        ("http://www.example.go.th:99999/", "พอร์ต"),
    ],
)
def test_the_guards_refusals_are_said_in_thai(url: str, thai: str) -> None:
    """Built from the guard's real messages: a new wording there fails here, not on a page."""
    said = words.explain_error(_refusal(url), url)
    assert thai in said.th and said.fix_th
    assert not re.search("[A-Za-z]{3,} [A-Za-z]{3,}", said.th), said.th  # no English in Thai


def test_a_thai_domain_that_does_not_resolve_is_shown_in_thai_without_errno() -> None:
    url = normalise_site_url("อบต.ทดสอบ.ไทย")  # punycode in the URL, as the crawler holds it
    assert "xn--" in url
    exc = NameNotResolved(f"the name {url.split('/')[2]} does not resolve: [Errno -2] Name")
    said = words.explain_error(exc, url)
    assert "อบต.ทดสอบ.ไทย" in said.th and "อบต.ทดสอบ.ไทย" in said.en
    for text in (said.th, said.en, said.fix_th):
        assert "xn--" not in text and "Errno" not in text


def test_input_errors_and_crashes_have_a_cause_and_a_fix() -> None:
    assert words.explain_error(CheckAborted("no website address given")).th == ("ยังไม่ได้ใส่ที่อยู่เว็บไซต์")
    crash = words.explain_error(RuntimeError("[Errno 28] No space left on device"))
    assert "Errno" not in crash.th + crash.en and crash.fix_th
    assert "2048" in words.too_long(2048).th


def test_a_thai_host_is_shown_in_thai_and_others_unchanged() -> None:
    url = normalise_site_url("อบต.ทดสอบ.ไทย/ita")
    assert words.display_url(url) == "http://อบต.ทดสอบ.ไทย/ita"
    assert words.display_url("http://www.example.go.th/a?b=xn--") == (
        "http://www.example.go.th/a?b=xn--"
    )
