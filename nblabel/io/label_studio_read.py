"""Reading a Label Studio export: its items, the question it asks, its answers and predictions.

See :mod:`nblabel.io.label_studio` for the format and what each part becomes.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .._payload import display_text
from ..tasks import Spans, Task
from .answers import Imported, answers_frame, index_of, item_from_json, suggestions_frame
from .label_studio_results import from_results
from .label_studio_tags import Interface, interface_for, read_config


def read_tasks(
    records: list[dict[str, Any]], config: str | None, task: Task | None,
    from_name: str | None, names: Mapping[Any, str],
) -> Imported:
    """Return what :func:`~nblabel.io.read_label_studio` returns, for checked ``records``."""
    layout = _layout(records, config, task, from_name)
    df, options = _frame(records, layout)
    if task is None:
        task = layout.task(overlap=True, options=options)  # spans: settled once answers are read
        reader = _Reader(records, df, layout, task, names, settle=True)
    else:
        reader = _Reader(records, df, layout, task, names, settle=False)
    return reader.read()


def _layout(
    records: list[dict[str, Any]], config: str | None, task: Task | None, from_name: str | None
) -> Interface:
    if config is not None:
        layout = read_config(config, from_name)
        if task is not None and interface_for(task).kind != layout.kind:
            raise ValueError(
                f"task= is a {task!r} but the config's control {layout.control!r} is a "
                f"{layout.kind} control; give a task that asks the same question."
            )
        return layout
    if task is None:
        raise ValueError(
            "pass config= (the project's labeling config: Settings → Labeling Interface → "
            "Code, or GET /api/projects/<id> 'label_config') or task= (an nl task)."
        )
    layout = interface_for(task)
    used = {
        region.get("from_name")
        for record in records
        for entry in (record.get("annotations") or []) + (record.get("predictions") or [])
        if isinstance(entry, dict)
        for region in entry.get("result") or []
        if isinstance(region, dict) and region.get("type") == layout.kind
    }
    if from_name is not None:
        used &= {from_name}
    if len(used) > 1:
        raise ValueError(
            f"the results hold {layout.kind} answers of several controls, {sorted(used)}; "
            "pass from_name= (or config=) to say which one to read."
        )
    return dataclasses.replace(layout, control=used.pop()) if used else layout


def _frame(records: list[dict[str, Any]], layout: Interface) -> tuple[pd.DataFrame, list[str]]:
    """Return the items of the tasks, and a Ranker's options (the ids of its list's items)."""
    metas = [r.get("meta") if isinstance(r.get("meta"), dict) else {} for r in records]
    if all("item" in meta for meta in metas):
        items = [item_from_json(meta["item"]) for meta in metas]
    elif all("id" in r for r in records):
        items = [r["id"] for r in records]
    else:
        items = list(range(len(records)))
    rows, options = [], []
    for number, record in enumerate(records):
        data = record.get("data")
        if not isinstance(data, dict):
            raise ValueError(f"task {number} has no 'data' dict: {record!r}.")
        if layout.list_key is not None:
            listed = _options_of(data.get(layout.list_key), number)
            if number and list(listed) != options:
                raise ValueError(
                    f"task {number}: its list's ids {list(listed)} differ from the first task's "
                    f"{options}; a ranking project ranks the same options in every item."
                )
            options = list(listed)
            data = {key: value for key, value in data.items() if key != layout.list_key}
            data.update(listed)
        rows.append(data)
    frame = pd.DataFrame(rows, index=index_of(items))
    missing_columns = [c for c in layout.columns.values() if c not in frame.columns
                       and c != layout.list_key]
    if missing_columns:
        raise ValueError(f"the tasks' data has no field {missing_columns}, which the config shows.")
    return frame, options


def _options_of(candidates: Any, number: int) -> dict[str, Any]:
    if not isinstance(candidates, list) or not all(isinstance(c, dict) and "id" in c
                                                   for c in candidates):
        raise ValueError(
            f"task {number}: a Ranker's list is a list of {{'id', 'title', 'body'}} items, got "
            f"{candidates!r}."
        )
    return {str(c["id"]): c.get("body", c.get("title")) for c in candidates}


class _Reader:
    """Read the answers and suggestions of the tasks of one export."""

    def __init__(
        self, records: list[dict[str, Any]], df: pd.DataFrame, layout: Interface, task: Task,
        names: Mapping[Any, str], *, settle: bool,
    ) -> None:
        self.records, self.df, self.layout, self.task = records, df, layout, task
        self.names, self.settle = names, settle
        self.unanswered: list[str] = []
        self.by_id: set[int] = set()

    def read(self) -> Imported:
        rows, suggested = [], []
        for number, record in enumerate(self.records):
            pos = number
            for entry in record.get("annotations") or []:
                rows.extend(self._answer(pos, number, entry))
            for entry in record.get("predictions") or []:
                suggested.extend(self._prediction(pos, number, entry))
        task = self.task
        if self.settle and isinstance(task, Spans):
            overlapping = any(_overlaps(row["value"]) for row in rows if row["event"] == "label")
            task = self.layout.task(overlap=overlapping)
        task.check_frame(self.df)
        self._warn()
        return Imported(self.df, task, answers_frame(rows), suggestions_frame(suggested))

    def _where(self, number: int, kind: str, entry: dict[str, Any]) -> str:
        return f"task {self.records[number].get('id', number)!r} {kind} {entry.get('id', '')!r}"

    def _answer(self, pos: int, number: int, entry: Any) -> list[dict[str, Any]]:
        if not isinstance(entry, dict):
            raise ValueError(f"task {number}: an annotation must be a dict, got {entry!r}.")
        where = self._where(number, "annotation", entry)
        answer: dict[str, Any] = {
            "item": self.df.index[pos],
            "annotator": self._annotator(entry.get("completed_by"), where),
            "created_at": entry.get("created_at"),
            "duration_ms": _duration(entry.get("lead_time"), where),
            "key": _key(entry),
        }
        if entry.get("was_cancelled"):
            return [{**answer, "event": "skip"}]
        value, meta = self._value(entry.get("result") or [], pos, where)
        if value is None:
            self.unanswered.append(where)
            return []
        return [{**answer, "event": "label", "value": value, "meta": meta}]

    def _prediction(self, pos: int, number: int, entry: Any) -> list[dict[str, Any]]:
        if not isinstance(entry, dict):
            self.by_id.add(number)
            return []
        where = self._where(number, "prediction", entry)
        value, _ = self._value(entry.get("result") or [], pos, where)
        if value is None:
            return []
        model = str(entry.get("model_version") or "label-studio")
        name, _, version = model.partition("@")
        score = entry.get("score")
        confident = isinstance(score, int | float) and 0 <= score <= 1
        return [{"item": self.df.index[pos], "name": name or model, "version": version or None,
                 "value": value, "confidence": float(score) if confident else None}]

    def _value(self, results: Any, pos: int, where: str) -> tuple[Any, Any]:
        row = self.df.iloc[pos]
        text = display_text(row[self.task.text]) if isinstance(self.task, Spans) else None
        value, meta = from_results(results, self.task, self.layout, text, where)
        if value is None:
            return None, None
        try:
            value = self.task.validate_for(value, row)
            meta = self.task.validate_meta_for(meta, value)
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from None
        return value, meta

    def _annotator(self, who: Any, where: str) -> str:
        if isinstance(who, dict):
            email, user = who.get("email"), who.get("id")
            for known in (email, user):
                if known is not None and known in self.names:
                    return self.names[known]
            if email:
                return str(email)
            who = user
        if who is None:
            raise ValueError(f"{where} has no completed_by: it does not say who answered.")
        return self.names.get(who, str(who))

    def _warn(self) -> None:
        if self.unanswered:
            shown = "; ".join(self.unanswered[:5])
            warnings.warn(
                f"{len(self.unanswered)} annotations hold no answer for control "
                f"{self.layout.control!r} and are left out ({shown}); pass from_name= to read "
                "another control.", UserWarning, stacklevel=5,
            )
        if self.by_id:
            warnings.warn(
                f"the predictions of {len(self.by_id)} tasks are listed by id only (Label "
                "Studio's quick export) and are left out; export a snapshot with predictions "
                "(POST /api/projects/<id>/exports with serialization_options) to read them.",
                UserWarning, stacklevel=5,
            )


def _duration(lead_time: Any, where: str) -> int | None:
    if lead_time is None:
        return None
    if not isinstance(lead_time, int | float) or lead_time < 0:
        raise ValueError(f"{where}: lead_time must be seconds (>= 0), got {lead_time!r}.")
    return round(lead_time * 1000)


def _key(entry: dict[str, Any]) -> str | None:
    for name in ("unique_id", "id"):
        if entry.get(name) is not None:
            return f"label-studio:{entry[name]}"
    return None


def _overlaps(spans: list[dict[str, Any]]) -> bool:
    reach = -1
    for span in sorted(spans, key=lambda s: (s["start"], s["end"])):
        if span["start"] < reach:
            return True
        reach = max(reach, span["end"])
    return False

