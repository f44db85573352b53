"""Label Studio JSON tasks: a project out to Label Studio, and a Label Studio export in.

The format is a list of tasks, as Label Studio's import API takes and its "JSON" export gives::

    {"data": {...}, "meta": {"item": ...},
     "annotations": [{"result": [...], "completed_by": {"email": ...}, "created_at": ...,
                      "lead_time": 1.25, "was_cancelled": false, "ground_truth": false}],
     "predictions": [{"result": [...], "model_version": "...", "score": 0.9}]}

How nblabel's answers map (see :mod:`.label_studio_tags` for the tags and
:mod:`.label_studio_results` for the regions):

* **Items** are tasks; ``data`` holds the columns the task shows, ``meta["item"]`` the item's
  id (read back as the index; without it, Label Studio's task ``id``).
* **Answers**: each annotator's current answer is one annotation (``completed_by`` their
  e-mail, ``created_at`` the answer's time, ``lead_time`` its time on screen in seconds). A
  skip is a cancelled annotation (``was_cancelled``, Label Studio's "Skip"), read back as a
  skip whatever its result holds. Answers from a model (``source="model"``) are predictions.
  Read back, every annotation is an answer, in time order (an annotator's latest is their
  current one); one with no region of the control read is the empty answer of a multi-label
  or span task, and otherwise holds no answer to this question: it is left out, with a warning
  naming it (e.g. an annotator who answered only another question of the config).
* **Suggestions**: a pre-labeler's ``suggest`` events, the task's column of pre-labels (as the
  pre-labeler ``column:<name>``) and model answers are ``predictions`` (``model_version``: the
  pre-labeler's name, ``name@version`` when it has a version; ``score``: its confidence). Read
  back, every prediction becomes a suggestion of the pre-labeler its ``model_version`` names
  (``name@version`` is split at the first ``@``; the last prediction of a version per task
  counts), with its score as the confidence when the score lies in [0, 1].
* **Not read**: drafts (unsubmitted work), ``ground_truth`` (Label Studio's import marks every
  annotation as ground truth), results of other controls of the config (a config with several
  questions needs ``from_name=``), predictions listed by id only (Label Studio's quick export;
  export a snapshot with predictions instead).
* **Lost** on the way out: the events an answer replaced (Label Studio keeps one annotation
  per answer), comments, "unsure" flags, the guideline version, the answer's source (gold and
  adjudicated answers are ordinary annotations), a ranking's shown order, columns the task
  does not show. Label Studio's import API sets ``created_at`` to the time of the import and
  keeps ``lead_time``, so times survive a round trip through a file but not through a server.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .._checks import check_kwargs
from .._payload import display_text
from ..tasks import Classify, Rank, Spans, Task
from .answers import (
    Imported,
    current_answers,
    item_json,
    missing,
    plain,
    read_json,
    suggestions,
    write_json,
)
from .export import CURRENT, ExportedRecords, encoded, exporting, manifest_for
from .label_studio_read import read_tasks
from .label_studio_results import Unexpressible, to_results
from .label_studio_tags import Interface, interface_for

#: What Label Studio's tasks do not hold (recorded in the export's manifest).
LOST = (
    "the events an answer replaced (one annotation per annotator's current answer)",
    "comments", "'unsure' flags", "guideline versions",
    "answer sources (gold and adjudicated answers are ordinary annotations)",
    "a ranking's shown order", "columns the task does not show",
)


@check_kwargs
def to_label_studio(
    project: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    annotators: Mapping[str, str] | None = None,
    as_of: Any = None,
) -> ExportedRecords:
    """Return a project as Label Studio tasks (and write them as JSON when ``path`` is given).

    Parameters
    ----------
    project : nblabel.Project or nblabel.io.Snapshot
        What to export: one task per item, one annotation per annotator's current answer, its
        suggestions as predictions (see the module's notes for what maps where).
    path : str or os.PathLike, optional
        A ``.json`` file to write (UTF-8), for Label Studio's import; its manifest is written
        beside it (``<path>.manifest.json``).
    annotators : dict, optional
        ``{annotator: e-mail}``. Label Studio's import matches ``completed_by`` by the e-mail
        of a user of its organisation and refuses unknown ones; annotators not listed are
        written under their own name.
    as_of : int, datetime or str, optional
        The event id or time to export as of (a project only; see :func:`~nblabel.io.snapshot`).

    Returns
    -------
    list of dict
        The tasks, in the order of the project's DataFrame; its ``manifest`` says which events
        they hold and what Label Studio cannot (see :mod:`nblabel.io.export`).

    Raises
    ------
    ValueError
        Naming the items whose answers the config cannot hold (a ranking of three or more
        options with a tie or an option left out), or a shown column Label Studio cannot use.

    Examples
    --------
    >>> tasks = nl.io.to_label_studio(proj, "tasks.json")  # doctest: +SKIP
    >>> config = nl.io.label_studio_config(proj.task)  # doctest: +SKIP
    """
    project = exporting(project, as_of)
    task, df = project.task, project.df
    layout = interface_for(task)
    emails = _mapping(annotators, "annotators")
    answers = current_answers(project)
    answers = _by_item(answers.assign(created_at=_iso_column(answers["created_at"])))
    suggested = _by_item(suggestions(project))
    tasks, refused = [], []
    rows = df.to_dict("records")  # plain rows; a pre-labeling function gets the DataFrame's row
    for pos, item in enumerate(df.index):
        row = rows[pos]
        text = display_text(row[task.text]) if isinstance(task, Spans) else None
        record: dict[str, Any] = {
            "data": _data(task, layout, row), "meta": {"item": item_json(item)}
        }
        try:
            record["annotations"] = [
                _annotation(answer, task, layout, text, emails)
                for answer in answers.get(item, []) if answer["source"] != "model"
            ]
            record["predictions"] = _predictions(
                task, layout, df.iloc[pos] if getattr(task, "suggest", None) else row, text,
                answers.get(item, []), suggested.get(item, []),
            )
        except Unexpressible:
            refused.append(item)
            continue
        tasks.append(record)
    if refused:
        raise ValueError(
            f"Label Studio's Ranker orders every option strictly, but answers for "
            f"{len(refused)} items hold ties or leave options out (items {refused[:10]}); "
            "retract or relabel those answers, or export them another way (e.g. "
            "proj.annotations or nl.io.to_prodigy)."
        )
    lines, digest = encoded(tasks)
    manifest = manifest_for(
        project, tasks, path, format="label_studio", how=CURRENT, lost=LOST, data_hash=digest
    )
    if path is not None:
        write_json(path, lines)
    return ExportedRecords(tasks, manifest)


@check_kwargs
def read_label_studio(
    tasks_or_path: Any,
    *,
    config: str | None = None,
    task: Task | None = None,
    from_name: str | None = None,
    annotators: Mapping[Any, str] | None = None,
) -> Imported:
    """Return the items, task, answers and suggestions of a Label Studio JSON export.

    Parameters
    ----------
    tasks_or_path : list of dict, str or os.PathLike
        The tasks, or a JSON file of them (Label Studio's "JSON" export, or
        :func:`to_label_studio`'s output).
    config : str, optional
        The project's labeling config (XML); the task is built from it (see
        :func:`~nblabel.io.label_studio_tags.read_config`).
    task : Task, optional
        The task, instead of (or besides) the config; its shown columns must be data fields.
    from_name : str, optional
        Which control of the config holds the answers, when it has several.
    annotators : dict, optional
        ``{e-mail or user id: name}``: the names annotators get. Otherwise an annotation's
        annotator is its ``completed_by`` e-mail, or the user id (as text) when the export
        holds ids only.

    Returns
    -------
    Imported
        ``df`` (one row per task, indexed by ``meta["item"]`` or the task ``id``; a Ranker's
        list becomes one column per option), ``task``, ``answers`` (see
        :mod:`nblabel.io.answers`; ``key`` is the annotation's ``unique_id`` or ``id``) and
        ``suggestions`` (see :mod:`nblabel.io.answers`).

    Raises
    ------
    ValueError
        Naming the task and annotation that cannot be read: neither config nor task, an
        answer the task refuses, span offsets that do not match the region's text.

    Warns
    -----
    UserWarning
        When annotations hold no answer for the control read (e.g. another question of the
        config was answered) or predictions are listed by id only; they are left out.
    """
    records = read_json(tasks_or_path, "Label Studio")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValueError("a Label Studio export is a JSON list of tasks (dicts with 'data').")
    if not records:
        raise ValueError("the Label Studio export has no tasks.")
    return read_tasks(records, config, task, from_name, _mapping(annotators, "annotators"))


# -- writing ------------------------------------------------------------------------------------
def _mapping(value: Any, name: str) -> Mapping[Any, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, got {type(value).__name__}.")
    return value


def _iso_column(times: pd.Series) -> pd.Series:
    """Return UTC times as ISO 8601 text with microseconds and a ``Z`` (None where missing)."""
    text = times.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ").astype(object)
    return text.where(times.notna(), None)


def _by_item(frame: pd.DataFrame) -> dict[Any, list[dict[str, Any]]]:
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for record in frame.to_dict("records"):
        grouped.setdefault(record["item"], []).append(record)
    return grouped


def _data(task: Task, layout: Interface, row: Mapping[str, Any]) -> dict[str, Any]:
    if layout.kind != "ranker":
        data = {column: plain(row[column]) for column in layout.columns}
        if isinstance(task, Classify) and task.image is not None:
            if not isinstance(data[task.image], str | None):
                raise ValueError(
                    f"column {task.image!r} holds {type(data[task.image]).__name__} images; "
                    "Label Studio opens images by URL: give URLs or paths it can serve."
                )
        return data
    assert isinstance(task, Rank) and layout.list_key is not None
    data = {task.prompt: plain(row[task.prompt])} if task.prompt else {}
    data[layout.list_key] = [
        {"id": option, "title": option, "body": plain(row[option])} for option in task.options
    ]
    return data


def _annotation(
    answer: dict[str, Any], task: Task, layout: Interface, text: str | None,
    emails: Mapping[Any, str],
) -> dict[str, Any]:
    skip = answer["event"] == "skip"
    record: dict[str, Any] = {
        "result": [] if skip else to_results(answer["value"], answer["meta"], task, layout, text),
        "completed_by": {"email": emails.get(answer["annotator"], answer["annotator"])},
        "created_at": answer["created_at"],
        "was_cancelled": skip,
        "ground_truth": False,
    }
    if not missing(answer["duration_ms"]):
        record["lead_time"] = int(answer["duration_ms"]) / 1000
    return record


def _predictions(
    task: Task, layout: Interface, row: pd.Series, text: str | None,
    answers: list[dict[str, Any]], suggested: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    found: list[tuple[str, Any, float | None]] = []
    column = _column_suggestion(task, row)
    if column is not None:
        found.append(column)
    for event in suggested:
        meta = event["meta"] or {}
        version = meta.get("version")
        name = event["annotator"] if version in (None, event["annotator"]) else (
            f"{event['annotator']}@{version}")
        found.append((name, event["value"], meta.get("confidence")))
    found.extend((a["annotator"], a["value"], None) for a in answers
                 if a["source"] == "model" and a["event"] == "label")
    predictions = []
    for model_version, value, score in found:
        prediction: dict[str, Any] = {
            "model_version": model_version,
            "result": to_results(value, None, task, layout, text),
        }
        if score is not None:
            prediction["score"] = score
        predictions.append(prediction)
    return predictions


def _column_suggestion(task: Task, row: pd.Series) -> tuple[str, Any, float | None] | None:
    """Return the task's pre-label for ``row`` from its column (or function), if any."""
    if isinstance(task, Classify) and task.suggest is not None:
        offered = task.suggestion(row)
        if offered is not None:
            return f"column:{task.suggest}", offered["value"], offered["confidence"]
    if isinstance(task, Spans) and task.suggest is not None and task.suggest_source:
        spans = task.suggestions(row)
        if spans:
            return task.suggest_source, spans, None
    return None
