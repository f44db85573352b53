"""The agreement metrics on parsed answers: argument checks, then the computation.

The public functions of :mod:`nblabel.agreement` read the caller's frame and call these;
:func:`~nblabel.agreement.pairwise` and :func:`~nblabel.agreement.bootstrap` call them on
subsets and resamples of answers already read.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from .._checks import Boolean, OneOf
from .data import Answers, warn_undefined
from .rank import kendall_w_by_item, parse_rankings, preferences, tau_b_by_pair
from .spans import SPAN_MODES, by_label_table, pair_f1, span_counts
from .stat import NO_PAIRS, ONE_VALUE, Stat
from .stats import alpha_stat, cohen_stat, fleiss_stat, percent_stat
from .values import Coded, code_values

LEVELS = ("nominal", "ordinal", "interval", "ratio")
WEIGHTS = (None, "linear", "quadratic")
SET_DISTANCES = ("masi", "jaccard")


def evaluate(stat: Stat) -> float:
    """Return the statistic, warning (and returning NaN) when it is undefined."""
    if stat.n_units == 0:
        warn_undefined(NO_PAIRS)
        return float("nan")
    result = stat.value()
    if np.isnan(result):
        warn_undefined(ONE_VALUE)
    return result


def need_two(answers: Answers, caller: str) -> None:
    """Raise ``ValueError`` unless the answers come from two annotators or more."""
    present = answers.present_annotators()
    if len(present) < 2:
        raise ValueError(
            f"{caller} compares annotators, but the answers come from {len(present)} "
            f"({answers.annotators[present].tolist()}); agreement needs at least two."
        )


def percent(answers: Answers) -> Stat:
    """Percent agreement (Fleiss' P̄), single- or multi-label."""
    coded = code_values(answers, sets=True, caller="percent_agreement")
    need_two(answers, "percent_agreement")
    return percent_stat(answers.item, coded.code, len(answers.items), coded.n_categories)


def cohen(
    answers: Answers, weights: str | None = None, labels: Sequence[Any] | None = None
) -> Stat:
    """Cohen's kappa between two annotators, unweighted or with linear or quadratic weights."""
    return cohen_stat(cohen_coded(answers, weights, labels), weights)


def cohen_coded(
    answers: Answers, weights: str | None = None, labels: Sequence[Any] | None = None
) -> Coded:
    """Check Cohen's kappa's options and code the answers for it."""
    OneOf(WEIGHTS)("weights", weights)
    coded = code_values(answers, labels, sets=False, caller="cohen_kappa")
    if weights is not None and not coded.ordered:
        raise ValueError(
            f"weights={weights!r} needs an order of the labels, but {coded.categories[:6]} "
            "cannot be sorted; pass labels=[...] in order."
        )
    return coded


def fleiss(answers: Answers) -> Stat:
    """Fleiss' kappa: every item has the same number of answers."""
    coded = code_values(answers, sets=False, caller="fleiss_kappa")
    need_two(answers, "fleiss_kappa")
    return fleiss_stat(coded)


def alpha(
    answers: Answers,
    level: str = "nominal",
    labels: Sequence[Any] | None = None,
    distance: str | None = None,
) -> Stat:
    """Krippendorff's alpha at a level of measurement, or with a set distance (multi-label)."""
    OneOf(LEVELS)("level", level)
    if labels is not None and level in ("interval", "ratio"):
        raise ValueError(
            f"labels= gives the order of categories; level={level!r} uses the numeric values "
            "themselves. Leave labels= out, or use level='ordinal'."
        )
    if level in ("interval", "ratio"):  # the values themselves count, not a label order
        answers = replace(answers, label_order=None)
    coded = code_values(answers, labels, sets=True, caller="krippendorff_alpha")
    need_two(answers, "krippendorff_alpha")
    if coded.kind == "set":
        if level != "nominal":
            raise ValueError(
                f"level={level!r} does not apply to multi-label answers (lists); they use a set "
                "distance: leave level='nominal' and choose distance='masi' or 'jaccard'."
            )
        if distance is None:
            distance = "masi"
        OneOf(SET_DISTANCES)("distance", distance)
    elif distance is not None:
        raise ValueError(
            "distance= applies to multi-label answers (lists of labels) only; single labels "
            "use level= instead."
        )
    if level == "ordinal" and not coded.ordered:
        raise ValueError(
            f"level='ordinal' needs an order of the values, but {coded.categories[:6]} cannot "
            "be sorted; pass labels=[...] in order."
        )
    return alpha_stat(coded, level, distance or "")


def spans(answers: Answers, mode: str = "exact", by_label: bool = False) -> Any:
    """Mean pairwise F1 of spans (a float), or per label (a DataFrame)."""
    OneOf(SPAN_MODES)("mode", mode)
    by_label = Boolean()("by_label", by_label)
    need_two(answers, "span_agreement")
    counts = span_counts(answers, mode)
    if by_label:
        return by_label_table(counts)
    f1 = pair_f1(counts.total.sum(axis=2), counts.matched.sum(axis=2))
    return _mean_defined(f1, "no annotator pair has a span on an item both answered")


def kendall_w(answers: Answers, by_item: bool = False) -> Any:
    """Kendall's W averaged over items (a float), or per item (a Series)."""
    by_item = Boolean()("by_item", by_item)
    ranks = parse_rankings(answers)
    need_two(answers, "kendall_w")
    w = kendall_w_by_item(answers, ranks)
    if by_item:
        return w
    if (np.bincount(answers.item) < 2).all():
        warn_undefined(NO_PAIRS)
        return float("nan")
    return _mean_defined(
        w.to_numpy(),
        "on every item answered twice, the rankings tie all options (or there is a single option)",
    )


def kendall_tau(answers: Answers) -> float:
    """Kendall's tau-b between rankings, averaged over annotator pairs."""
    ranks = parse_rankings(answers)
    need_two(answers, "kendall_tau")
    tau = tau_b_by_pair(preferences(answers, ranks), len(answers.annotators))
    return _mean_defined(
        tau, "no annotator pair ranked a shared item with at least one untied pair of options"
    )


def preference(answers: Answers) -> float:
    """Percent agreement on the preference between every pair of options."""
    ranks = parse_rankings(answers)
    need_two(answers, "preference_agreement")
    prefs = preferences(answers, ranks)
    return evaluate(percent_stat(prefs.unit, prefs.sign + 1, prefs.n_units, 3))


def _mean_defined(values: np.ndarray, reason: str) -> float:
    defined = values[~np.isnan(values)]
    if len(defined) == 0:
        warn_undefined(reason)
        return float("nan")
    return float(defined.mean())


def _evaluated(builder: Callable[..., Stat]) -> Callable[..., float]:
    def compute(answers: Answers, **options: Any) -> float:
        return evaluate(builder(answers, **options))

    return compute


#: Metrics computed from additive per-item statistics (so their bootstrap is vectorised).
STATS: dict[str, Callable[..., Stat]] = {
    "percent_agreement": percent,
    "cohen_kappa": cohen,
    "fleiss_kappa": fleiss,
    "krippendorff_alpha": alpha,
}
#: Every metric, as a function of (answers, **options).
METRICS: dict[str, Callable[..., Any]] = {
    **{name: _evaluated(builder) for name, builder in STATS.items()},
    "span_agreement": spans,
    "kendall_w": kendall_w,
    "kendall_tau": kendall_tau,
    "preference_agreement": preference,
}


def options_of(name: str) -> list[str]:
    """Return the options (keyword arguments besides the answers) the metric ``name`` takes."""
    builder = STATS.get(name, METRICS[name])
    return [p for p in inspect.signature(builder).parameters if p != "answers"]
