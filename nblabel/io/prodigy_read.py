"""Reading Prodigy examples: which task they ask, which items they are about, their answers.

See :mod:`nblabel.io.prodigy` for the format and what each answer becomes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..tasks import Classify, Rank, Spans, Task
from .answers import Imported, answers_frame, index_of, item_from_json, suggestions_frame

#: Prodigy's hashes, kept as columns of the items.
HASH_COLUMNS = ("_input_hash", "_task_hash")
#: The comment of a skip read from a rejected classification or span example.
REJECTED = "Prodigy: rejected"
#: Prodigy's answers.
ANSWERS = ("accept", "reject", "ignore")


def read_examples(records: list[Any], task: Task | None, annotator: str | None) -> Imported:
    """Return the items, task and answers of Prodigy examples (see :func:`read_prodigy`)."""
    for number, record in enumerate(records, start=1):
        if not isinstance(record, Mapping):
            raise ValueError(f"example {number} is not a JSON object: {record!r}.")
        if record.get("answer") not in ANSWERS:
            raise ValueError(
                f"example {number} has answer {record.get('answer')!r}; Prodigy answers are "
                f"{list(ANSWERS)} (an example without one was not annotated)."
            )
    shape = _shape(records)
    if task is None:
        task = _infer(records, shape)
    items = _items(records)
    df = _frame(records, items, task, shape)
    reader = _Answers(df, task, shape, annotator)
    rows = [reader.answer(number, record, item)
            for number, (record, item) in enumerate(zip(records, items, strict=True), start=1)]
    task.check_frame(df)
    return Imported(df, task, answers_frame(rows), suggestions_frame([]))


# -- what the examples ask -------------------------------------------------------------------
def _shape(records: list[Any]) -> str:
    """Return the examples' form: ``spans``, ``compare``, ``choice`` or ``binary``."""
    if any("spans" in r or "tokens" in r for r in records):
        return "spans"
    if any(isinstance(r.get("mapping"), Mapping) for r in records):
        return "compare"
    if any("options" in r for r in records):
        return "choice"
    if any("label" in r for r in records):
        return "binary"
    raise ValueError(
        "these examples hold no question nblabel reads: no 'spans' or 'tokens', 'options', "
        "'label' or compare 'mapping'."
    )


def _options(record: Mapping[str, Any], number: int) -> list[tuple[str, Any]]:
    options = record.get("options")
    if not isinstance(options, list) or not all(isinstance(o, Mapping) and "id" in o
                                                for o in options):
        raise ValueError(f"example {number}: 'options' must be a list of {{'id', 'text'}}.")
    return [(_label(o), o.get("text")) for o in options]


def _label(option: Mapping[str, Any]) -> str:
    """Return an option's label: its id, or its text when the id is a number."""
    if not isinstance(option["id"], str) and isinstance(option.get("text"), str):
        return option["text"]
    return str(option["id"])


def _infer(records: list[Any], shape: str) -> Task:
    if shape == "spans":
        labels = sorted({s.get("label") for r in records for s in r.get("spans") or []
                         if isinstance(s, Mapping) and isinstance(s.get("label"), str)})
        if not labels:
            raise ValueError("no span has a label: pass task=nl.Spans([...], text='text').")
        return Spans(labels, text="text", overlap=any(_overlap(r) for r in records))
    if shape == "compare":
        names = sorted({name for r in records for name in r.get("mapping") or {}})
        return Rank(names, prompt="input", ties=False)
    if shape == "binary":
        labels = sorted({r["label"] for r in records if isinstance(r.get("label"), str)})
        return Classify(labels, **_shown(records))
    offered = [_options(r, n) for n, r in enumerate(records, start=1)]
    multiple = any((r.get("config") or {}).get("choice_style") == "multiple"
                   or len(r.get("accept") or []) > 1 for r in records)
    if all(o == offered[0] for o in offered):
        return Classify([label for label, _ in offered[0]], multi=multiple, **_shown(records))
    options = [label for label, _ in offered[0]]
    if any([label for label, _ in o] != options for o in offered):
        raise ValueError(
            "the examples offer different options: a classification offers the same labels "
            "in every example, a ranking the same option ids. Pass task= to say which."
        )
    ties = multiple or any(r["answer"] == "reject" for r in records)
    return Rank(options, prompt="text" if any("text" in r for r in records) else None,
                ties=ties, partial=len(options) > 2)


def _shown(records: list[Any]) -> dict[str, str]:
    if any("text" in r for r in records):
        return {"text": "text"}
    if any("image" in r for r in records):
        return {"image": "image"}
    raise ValueError("the examples have neither 'text' nor 'image' to show; pass task=.")


def _overlap(record: Mapping[str, Any]) -> bool:
    spans = sorted((s.get("start", 0), s.get("end", 0)) for s in record.get("spans") or []
                   if isinstance(s, Mapping))
    return any(b[0] < a[1] for a, b in zip(spans, spans[1:], strict=False))


# -- the items -------------------------------------------------------------------------------
def _items(records: list[Any]) -> list[Any]:
    """Return each example's item: ``meta.item``, else ``_input_hash``, else its input."""
    metas = [r.get("meta") if isinstance(r.get("meta"), Mapping) else {} for r in records]
    if all("item" in meta for meta in metas):
        return [item_from_json(meta["item"]) for meta in metas]
    if all("_input_hash" in r for r in records):
        return [r["_input_hash"] for r in records]
    seen: dict[str, int] = {}
    inputs = [json.dumps({k: r.get(k) for k in ("text", "image", "input", "options")},
                         sort_keys=True, ensure_ascii=False) for r in records]
    return [seen.setdefault(text, len(seen)) for text in inputs]


def _frame(records: list[Any], items: list[Any], task: Task, shape: str) -> pd.DataFrame:
    rows: dict[Any, dict[str, Any]] = {}
    for number, (record, item) in enumerate(zip(records, items, strict=True), start=1):
        if item in rows:
            continue
        row = _input(record, task, shape, number)
        for column in HASH_COLUMNS:
            if column in record:
                row[column] = record[column]
        rows[item] = row
    return pd.DataFrame(list(rows.values()), index=index_of(list(rows)))


def _input(record: Mapping[str, Any], task: Task, shape: str, number: int) -> dict[str, Any]:
    if isinstance(task, Spans):
        return {task.text: record.get("text")}
    if isinstance(task, Classify):
        return {column: record.get(key) for column, key in
                ((task.text, "text"), (task.image, "image")) if column is not None}
    assert isinstance(task, Rank)
    if shape == "compare":
        prompt = record.get("input") if isinstance(record.get("input"), Mapping) else {}
        texts = {
            name: (record.get(side) or {}).get("text")
            for name, side in (record.get("mapping") or {}).items()
        }
        row = {name: texts.get(name) for name in task.options}
        return {**({task.prompt: prompt.get("text")} if task.prompt else {}), **row}
    offered = dict(_options(record, number))
    row = {option: offered.get(option) for option in task.options}
    return {**({task.prompt: record.get("text")} if task.prompt else {}), **row}


# -- the answers -----------------------------------------------------------------------------
class _Answers:
    """Turn each example into an answer row, checked by the task."""

    def __init__(self, df: pd.DataFrame, task: Task, shape: str, annotator: str | None) -> None:
        self.df, self.task, self.shape, self.annotator = df, task, shape, annotator

    def answer(self, number: int, record: Mapping[str, Any], item: Any) -> dict[str, Any]:
        who = record.get("_annotator_id") or record.get("_session_id") or self.annotator
        if who is None:
            raise ValueError(
                f"example {number} has neither _annotator_id nor _session_id; pass annotator= "
                "to name who answered."
            )
        stamp = record.get("_timestamp")
        row: dict[str, Any] = {
            "item": item,
            "annotator": str(who),
            "created_at": None if stamp is None else pd.Timestamp(stamp, unit="s", tz="UTC"),
            "flag": "unsure" if record.get("flagged") else None,
            "key": (f"prodigy:{record['_task_hash']}:{who}:{stamp}"
                    if "_task_hash" in record else None),
        }
        try:
            event = self._answer(record, row)
        except ValueError as error:
            raise ValueError(f"example {number}: {error}") from None
        return {**row, **event}

    def _answer(self, record: Mapping[str, Any], row: dict[str, Any]) -> dict[str, Any]:
        answer = record["answer"]
        if answer == "ignore":
            return {"event": "skip"}
        value: Any
        meta = None
        if isinstance(self.task, Rank):
            value, meta = self._ranking(record, answer)
        elif answer == "reject":
            chosen = record.get("accept") or ([record["label"]] if "label" in record else [])
            shown = f" ({', '.join(map(str, chosen))})" if chosen else ""
            return {"event": "skip", "comment": REJECTED + shown}
        elif isinstance(self.task, Spans):
            value = self._spans(record)
        else:
            value = self._labels(record)
        data = self.df.loc[row["item"]]
        value = self.task.validate_for(value, data)
        return {"event": "label", "value": value,
                "meta": self.task.validate_meta_for(meta, value)}

    def _labels(self, record: Mapping[str, Any]) -> Any:
        assert isinstance(self.task, Classify)
        if self.shape == "binary":
            if self.task.multi:
                raise ValueError("a binary example gives one label at a time, not a multi-label "
                                 "answer; pass a single-label task.")
            return record.get("label")
        by_id = {str(o["id"]): _label(o) for o in record.get("options") or []
                 if isinstance(o, Mapping) and "id" in o}
        chosen = [by_id.get(str(c), c) for c in record.get("accept") or []]
        if self.task.multi:
            return chosen
        if len(chosen) != 1:
            raise ValueError(f"a single-label answer accepts one option, got {chosen!r}.")
        return chosen[0]

    def _spans(self, record: Mapping[str, Any]) -> list[dict[str, Any]]:
        text = record.get("text") or ""
        tokens = [(t.get("start"), t.get("end")) for t in record.get("tokens") or []
                  if isinstance(t, Mapping)]
        spans = []
        for span in record.get("spans") or []:
            if not isinstance(span, Mapping):
                raise ValueError(f"a span must be a dict, got {span!r}.")
            start, end = span.get("start"), span.get("end")
            if start is None or end is None:
                first, last = span.get("token_start"), span.get("token_end")
                if not isinstance(first, int) or not isinstance(last, int) or not (
                        0 <= first <= last < len(tokens)):
                    raise ValueError(f"span {dict(span)!r} has no offsets nor valid tokens.")
                start, end = tokens[first][0], tokens[last][1]
            elif "text" in span and isinstance(start, int) and isinstance(end, int) and (
                    text[start:end] != span["text"]):
                raise ValueError(
                    f"span ({start}, {end}) covers {text[start:end]!r} but its text is "
                    f"{span['text']!r}: its offsets do not count code points of the text."
                )
            spans.append({"start": start, "end": end, "label": span.get("label")})
        return spans

    def _ranking(self, record: Mapping[str, Any], answer: str) -> tuple[Any, Any]:
        assert isinstance(self.task, Rank)
        options = list(self.task.options)
        if self.shape == "compare":
            mapping = record.get("mapping") or {}
            side = {v: k for k, v in mapping.items()}
            if answer == "reject":
                return [[side.get("reject")], [side.get("accept")]], None
            return [[side.get("accept")], [side.get("reject")]], None
        if answer == "reject":
            return [options], {"all_bad": True}
        by_id = {str(o["id"]): _label(o) for o in record.get("options") or []
                 if isinstance(o, Mapping) and "id" in o}
        chosen = [by_id.get(str(c), str(c)) for c in record.get("accept") or []]
        if not chosen:
            raise ValueError("an accepted preference chooses at least one option.")
        rest = [o for o in options if o not in chosen]
        return ([chosen, rest] if len(rest) == 1 else [chosen]), None
