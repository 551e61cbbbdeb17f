"""The verdict gate: oitwatch checked against the assessor-labelled corpus in tests/verdicts/,
with the floors pinned in tests/verdicts/baseline.toml. One scoring run per module."""

from __future__ import annotations

import tomllib
from collections import Counter

import pytest

from tests.verdicts.corpus import (
    CLASSES,
    LAYOUTS,
    ROOT,
    STATUSES,
    build,
    load_corpus,
    site_names,
)
from tests.verdicts.score import Score, run

BASELINE = tomllib.loads((ROOT / "baseline.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def score() -> Score:
    return run()  # sites that need Chromium are skipped, and listed, when it is missing


def _skip_if_partial(score: Score) -> None:
    if score.skipped:
        pytest.skip(
            "corpus-wide figures need every site; skipped: "
            + "; ".join(f"{site} ({why})" for site, why in score.skipped.items())
        )


def test_labels_are_well_formed() -> None:
    """The corpus itself: valid statuses and classes, every class twice, every URL served."""
    classes: Counter[str] = Counter()
    for site in load_corpus():
        served = build(site, "http://127.0.1.250:1", "http://127.0.1.251:1/" + site.name)
        assert site.labels, site.name
        for label in site.labels.values():
            where = f"{site.name}/{label.item}"
            assert label.status in STATUSES, where
            assert label.why.strip(), where
            assert set(label.classes) <= set(CLASSES) | set(LAYOUTS), where
            assert (label.status == "missing") == (not label.urls), where
            classes.update(label.classes)
            for url in label.urls:
                if url.startswith("EXTERNAL/"):
                    assert url.removeprefix("EXTERNAL") in served.external, (where, url)
                elif label.status != "broken":  # a broken link may point nowhere
                    assert url in served.routes, (where, url)
    thin = [code for code in (*CLASSES, *LAYOUTS) if classes[code] < 2]
    assert not thin, f"classes exercised fewer than twice: {thin}"


def test_no_site_crashed_the_check(score: Score) -> None:
    assert not score.site_errors


def test_corpus_floors(score: Score) -> None:
    _skip_if_partial(score)
    figures = {
        "fine_accuracy": score.fine_accuracy,
        "coarse_accuracy": score.coarse_accuracy,
        "url_accuracy": score.url_accuracy,
    }
    below = {k: v for k, v in figures.items() if v < BASELINE[k]}
    assert not below, f"below the pinned floors {below}; disagreements: {_disagreements(score)}"


def test_false_passes_do_not_rise(score: Score) -> None:
    passes = [f"{o.site}/{o.item} (label {o.label})" for o in score.false_passes]
    assert len(passes) <= BASELINE["max_false_passes"], passes


def test_issue_15_rows_mapped(score: Score) -> None:
    mapped = score.rows_mapped()
    below = {
        code: mapped[code]["mapped"]
        for code, floor in BASELINE["rows_mapped"].items()
        if code in mapped and mapped[code]["mapped"] < floor
    }
    assert not below, below


@pytest.mark.parametrize("site", site_names())
def test_site_floor(score: Score, site: str) -> None:
    if site in score.skipped:
        pytest.skip(f"{site}: {score.skipped[site]}")
    fine = score.per_site()[site]["fine"]
    assert fine >= BASELINE["sites"][site], _disagreements(score, site)


def test_every_site_has_a_floor() -> None:
    assert set(BASELINE["sites"]) == set(site_names())


def _disagreements(score: Score, site: str | None = None) -> list[str]:
    return [
        f"{o.site}/{o.item}: {o.label} -> {o.got}"
        for o in score.disagreements()
        if site is None or o.site == site
    ]
