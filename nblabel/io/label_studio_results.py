"""Label Studio results: one nblabel answer as a list of result regions, and back.

A Label Studio annotation (or prediction) holds its answer as ``result``: a list of regions
``{"from_name", "to_name", "type", "value"}``. :func:`to_results` writes an answer for an
:class:`~nblabel.io.label_studio_tags.Interface`; :func:`from_results` reads one back, with the
details (``meta``) nblabel keeps beside a ranking. Span offsets are Python code points on both
sides, as Label Studio's own front end counts them; a region's ``text`` must be exactly
``text[start:end]``, which catches exports whose offsets count something else.
"""

from __future__ import annotations

from typing import Any

from ..tasks import Classify, Rank, Spans, Task
from .label_studio_tags import ALL_BAD, TIE, Interface


class Unexpressible(ValueError):
    """An answer the Label Studio config cannot hold (e.g. a tie among three options)."""


def to_results(
    value: Any, meta: dict[str, Any] | None, task: Task, layout: Interface, text: str | None
) -> list[dict[str, Any]]:
    """Return the result regions of one answer (``text``: the item's text, for spans).

    Raises
    ------
    Unexpressible
        If the answer is a ranking a Ranker cannot hold (a tie, or options left out).
    """
    if isinstance(task, Classify):
        chosen = value if isinstance(value, list) else [value]
        if not chosen:
            return []
        return [_region(layout.control, layout.to_name, "choices", {"choices": chosen})]
    if isinstance(task, Spans):
        return [
            {
                "id": f"span{number}",
                **_region(layout.control, layout.to_name, "labels", {
                    "start": span["start"], "end": span["end"],
                    "text": (text or "")[span["start"]:span["end"]], "labels": [span["label"]],
                }),
            }
            for number, span in enumerate(value)
        ]
    assert isinstance(task, Rank)
    meta = meta or {}
    results = _ranking_results(value, meta, task, layout)
    for option, level in (meta.get("ratings") or {}).items():
        target = option if layout.kind == "pairwise" else layout.to_name
        results.append(
            _region(layout.ratings[option], target, "choices", {"choices": [str(level)]})
        )
    return results


def from_results(
    results: Any, task: Task, layout: Interface, text: str | None, where: str
) -> tuple[Any, dict[str, Any] | None]:
    """Return the answer and its details held by ``results``; ``where`` names them in errors.

    Regions of other controls are left aside. Returns ``(None, None)`` when no region holds
    an answer for a task whose answers cannot be empty.

    Raises
    ------
    ValueError
        Naming ``where``: a region that is not a dict, a span whose ``text`` is not
        ``text[start:end]``, a Pairwise selection other than left or right, a bucketed Ranker.
    """
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise ValueError(f"{where}: result must be a list of regions (dicts), got {results!r}.")
    mine = [r for r in results if r.get("from_name") == layout.control]
    if isinstance(task, Classify):
        chosen = [c for r in mine for c in (r.get("value") or {}).get("choices", [])]
        if task.multi:
            return chosen, None
        return (chosen[0] if len(chosen) == 1 else chosen or None), None
    if isinstance(task, Spans):
        return _spans(mine, text, where), None
    assert isinstance(task, Rank)
    return _ranking(results, mine, task, layout, where)


# -- writing -----------------------------------------------------------------------------------
def _region(from_name: str, to_name: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"from_name": from_name, "to_name": to_name, "type": kind, "value": value}


def _ranking_results(
    value: list[list[str]], meta: dict[str, Any], task: Rank, layout: Interface
) -> list[dict[str, Any]]:
    if layout.kind == "ranker":
        if any(len(group) > 1 for group in value) or sum(map(len, value)) < len(task.options):
            raise Unexpressible("a Ranker orders every option strictly")
        order = [group[0] for group in value]
        return [_region(layout.control, layout.to_name, "ranker",
                        {"ranker": {layout.control: order}})]
    if len(value) == 1:  # one group of both options: a tie, or both bad
        verdict = ALL_BAD if meta.get("all_bad") else TIE
        assert layout.verdict is not None  # a tie needs ties=True, which writes the verdict
        return [_region(layout.verdict, task.options[0], "choices", {"choices": [verdict]})]
    selected = "left" if value[0][0] == task.options[0] else "right"
    return [_region(layout.control, layout.control, "pairwise", {"selected": selected})]


# -- reading -----------------------------------------------------------------------------------
def _spans(regions: list[dict[str, Any]], text: str | None, where: str) -> list[dict[str, Any]]:
    spans = []
    for region in regions:
        value = region.get("value") or {}
        start, end = value.get("start"), value.get("end")
        shown = value.get("text")
        if shown is not None and text is not None and isinstance(start, int) and isinstance(
            end, int
        ) and text[start:end] != shown:
            raise ValueError(
                f"{where}: the span ({start}, {end}) covers {text[start:end]!r} but its text is "
                f"{shown!r}; its offsets do not count Python code points of the item's text "
                "(an export that counts UTF-16 units or bytes?)."
            )
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels:
            raise ValueError(f"{where}: span region {value!r} has no labels.")
        spans.extend({"start": start, "end": end, "label": label} for label in labels)
    return spans


def _ranking(
    results: list[dict[str, Any]], mine: list[dict[str, Any]], task: Rank, layout: Interface,
    where: str,
) -> tuple[list[list[str]] | None, dict[str, Any] | None]:
    meta: dict[str, Any] = {}
    ratings = {}
    for option, name in layout.ratings.items():
        chosen = [c for r in results if r.get("from_name") == name
                  for c in (r.get("value") or {}).get("choices", [])]
        if chosen:
            ratings[option] = _level(chosen[0], task)
    if ratings:
        meta["ratings"] = ratings
    verdicts = [c for r in results if layout.verdict and r.get("from_name") == layout.verdict
                for c in (r.get("value") or {}).get("choices", [])]
    ranking: list[list[str]] | None = None
    for region in mine:
        value = region.get("value") or {}
        if layout.kind == "pairwise":
            selected = value.get("selected")
            if selected not in ("left", "right"):
                raise ValueError(
                    f"{where}: a Pairwise selects 'left' or 'right', got {selected!r}."
                )
            left, right = task.options
            ranking = [[left], [right]] if selected == "left" else [[right], [left]]
        else:
            lists = value.get("ranker")
            if not isinstance(lists, dict) or list(lists) != [layout.control]:
                raise ValueError(
                    f"{where}: nblabel reads a Ranker's plain order "
                    f"{{'ranker': {{{layout.control!r}: [...]}}}}, not {lists!r} (buckets)."
                )
            ranking = [[option] for option in lists[layout.control]]
    if ranking is None and verdicts:
        ranking = [list(task.options)]
        if verdicts[0] == ALL_BAD:
            meta["all_bad"] = True
    return ranking, meta or None


def _level(choice: str, task: Rank) -> Any:
    for level in task.levels or ():
        if str(level) == choice:
            return level
    return choice  # not a level: the task's check names it
