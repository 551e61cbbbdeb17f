"""Score estimate: item 100/50/0, then mean per sub-indicator, per indicator, and for the tool.

The official weights are not public; this is the older method described in seed 004, and is
labelled as an estimate wherever it is shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import mean

from oitwatch.checklist.findings import ItemResult, Status
from oitwatch.checklist.model import Checklist

METHOD = "estimate: item 100/50/0 -> mean per sub-indicator -> mean per indicator -> mean"


def item_score(status: Status, partial_score: int) -> int:
    if status is Status.PASS:
        return 100
    if status is Status.PARTIAL:
        return partial_score
    return 0


@dataclass(frozen=True)
class ScoreEstimate:
    oit: float
    indicators: dict[str, float]
    sub_indicators: dict[str, float]
    method: str = METHOD


def estimate(checklist: Checklist, results: list[ItemResult]) -> ScoreEstimate:
    by_id = {r.id: r for r in results}
    subs: dict[str, list[int]] = defaultdict(list)
    sub_to_indicator: dict[str, str] = {}
    for item in checklist.items:
        subs[item.sub_indicator].append(by_id[item.id].score if item.id in by_id else 0)
        sub_to_indicator[item.sub_indicator] = item.indicator
    sub_means = {sub: round(mean(scores), 2) for sub, scores in subs.items()}
    grouped: dict[str, list[float]] = defaultdict(list)
    for sub, value in sub_means.items():
        grouped[sub_to_indicator[sub]].append(value)
    indicator_means = {ind: round(mean(values), 2) for ind, values in grouped.items()}
    return ScoreEstimate(round(mean(indicator_means.values()), 2), indicator_means, sub_means)
