"""Prodigy JSONL: a project's answers as Prodigy examples, and a Prodigy dataset in.

One line per answer, as Prodigy's ``db-out`` writes a dataset: the input, the question, the
``answer`` (``accept``, ``reject`` or ``ignore``) and Prodigy's bookkeeping keys.

* **Classification** — the ``choice`` view: ``options`` (``{"id", "text"}``, one per label),
  ``accept`` (the chosen labels), ``config.choice_style`` ``single`` or ``multiple``. Prodigy's
  binary form (``"label"`` and accept/reject) is read too: accept gives the label.
* **Spans** — ``ner_manual`` (``spans_manual`` when spans may overlap): ``tokens`` (``{"text",
  "start", "end", "id", "ws"}``) and ``spans`` (``{"start", "end", "label", "token_start",
  "token_end"}``, token ends inclusive; offsets are code points, as in Prodigy). Spans must lie
  on the tokens (see :mod:`.span_tokens`); an export names the items where they do not.
* **Preferences** — the ``choice`` view with one option per candidate (``id`` the option key,
  ``text`` the candidate) and the prompt as ``text``: ``accept`` holds the preferred option (both
  for a tie, with ``choice_style`` ``multiple`` when the task allows ties), and "all bad" is
  ``answer: "reject"``. Prodigy's ``compare`` records (``input``, ``accept``/``reject`` outputs,
  ``mapping``) are read too: the option keys are the mapping's names. A choice holds only the
  preferred group: the order of the other options of a ranking of three or more is not written
  (a warning says how many answers lose it), and read back as a ranking of that group alone
  (``partial=True``).

Answers: ``ignore`` is a skip. ``reject`` of a classification or of spans ("this example is
wrong", or "not this label" in the binary form) has no nblabel answer: it is read as a skip
whose comment says so (and written back as ``ignore``). ``flagged`` is the "unsure" flag.
``_annotator_id`` (else ``_session_id``) is the annotator, ``_timestamp`` (seconds) the time,
``meta.item`` the item (else ``_input_hash``, else the input itself). Answers from a model
(``source="model"``) are not written. Examples carry no label list: a task read from them has
its labels sorted (pass ``task=`` to keep an order, or column names other than ``text``).

Hashes: ``_input_hash`` and ``_task_hash`` are kept as columns of the items (the first seen per
item) and written back as they were. Prodigy computes them with MurmurHash over its own
serialisation of a task; for items without them an export makes its own, stable ones — a
signed 32-bit integer from SHA-256 of the input's JSON (keys sorted, characters unescaped), and
of the input hash with the view and the question (options or labels) for the task hash —
which Prodigy keeps as given but would not compute itself.

Lost on the way out: durations, comments, the guideline version, sub-second times (Prodigy
counts seconds), the answer's source, a ranking's shown order and ratings, suggestions
(Prodigy keeps pre-annotations in the stream, not the dataset), the events an answer replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Callable
from typing import Any

import pandas as pd

from .._checks import check, check_kwargs
from .._payload import display_text
from ..tasks import Classify, Rank, Spans, Task
from .answers import (
    Imported,
    current_answers,
    item_json,
    plain,
    read_lines,
    write_lines,
)
from .export import CURRENT, ExportedRecords, encoded, exporting, manifest_for
from .prodigy_read import read_examples
from .span_tokens import misaligned, token_span, tokenizer

#: What Prodigy's examples do not hold (recorded in the export's manifest).
LOST = (
    "durations", "comments", "guideline versions", "sub-second times", "answer sources",
    "answers from a model", "a ranking's shown order", "suggestions",
    "the events an answer replaced (one example per annotator's current answer)",
)


@check_kwargs
def to_prodigy(
    project: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    tokens: str | Callable[[str], Any] | None = None,
    as_of: Any = None,
) -> ExportedRecords:
    """Return a project's answers as Prodigy examples (and write them as JSONL with ``path``).

    Parameters
    ----------
    project : nblabel.Project or nblabel.io.Snapshot
        What to export: each annotator's current answer is one example, oldest first.
    path : str or os.PathLike, optional
        A ``.jsonl`` file to write (UTF-8), e.g. for ``prodigy db-in``; its manifest is written
        beside it (``<path>.manifest.json``).
    tokens : {"whitespace", "words"} or callable, optional
        How span texts are split into Prodigy's ``tokens``; default the task's ``tokens=``,
        else ``"words"``.
    as_of : int, datetime or str, optional
        The event id or time to export as of (a project only; see :func:`~nblabel.io.snapshot`).

    Returns
    -------
    list of dict
        The examples (see the module's notes for each kind of task); its ``manifest`` says
        which events they hold and what Prodigy cannot (see :mod:`nblabel.io.export`).

    Raises
    ------
    ValueError
        Naming the items whose spans do not start and end on the tokens.

    Warns
    -----
    UserWarning
        When rankings of three or more options or ratings cannot be written whole.

    Examples
    --------
    >>> examples = nl.io.to_prodigy(proj, "annotations.jsonl")  # doctest: +SKIP
    """
    project = exporting(project, as_of)
    task, df = project.task, project.df
    answers = current_answers(project)
    answers = answers[answers["source"] != "model"]
    writer = _Writer(task, df, tokens)
    examples = [writer.example(answer) for answer in answers.to_dict("records")]
    lost = [*LOST, *writer.finish()]
    lines, digest = encoded(examples)
    manifest = manifest_for(
        project, examples, path, format="prodigy", how=CURRENT, lost=lost, data_hash=digest
    )
    if path is not None:
        write_lines(path, lines)
    return ExportedRecords(examples, manifest)


@check_kwargs
def read_prodigy(
    examples_or_path: Any,
    *,
    task: Task | None = None,
    annotator: str | None = None,
) -> Imported:
    """Return the items, task and answers of Prodigy examples (a dataset's ``db-out``).

    Parameters
    ----------
    examples_or_path : list of dict, str or os.PathLike
        The examples, or a JSONL file of them.
    task : Task, optional
        The task; by default it is read from the examples: spans when they have ``spans`` or
        ``tokens``; classification when every example offers the same ``options`` (or has a
        binary ``label``); a ranking when the options' texts differ between examples (the
        candidates) or the examples are ``compare`` records. Pass it to settle an ambiguous
        case (e.g. a classification whose examples offer different options).
    annotator : str, optional
        Who answered examples that carry neither ``_annotator_id`` nor ``_session_id``.

    Returns
    -------
    Imported
        ``df`` (the input's fields, the option columns of a ranking, and ``_input_hash`` and
        ``_task_hash``), ``task``, ``answers`` (``key``: ``prodigy:<task hash>:<annotator>:<time>``
        when the example has a task hash) and no suggestions.

    Raises
    ------
    ValueError
        Naming the line that cannot be read.
    """
    records = read_lines(examples_or_path, "Prodigy")
    if not records:
        raise ValueError("the Prodigy examples are empty.")
    if annotator is not None:
        annotator = check("annotator", annotator)
    return read_examples(records, task, annotator)


def stable_hash(data: Any) -> int:
    """Return a signed 32-bit integer from SHA-256 of ``data``'s JSON (keys sorted)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big", signed=True)


class _Writer:
    """Write one project's answers as examples, counting what they cannot hold."""

    def __init__(self, task: Task, df: pd.DataFrame, tokens: Any) -> None:
        self.task = task
        self.tokenize = tokenizer(task, tokens) if isinstance(task, Spans) else None
        self.truncated = self.unrated = 0
        self.loose: list[str] = []
        self.rows = df.to_dict("records")
        self.position = dict(zip(df.index, range(len(df)), strict=True))
        self.hashes: dict[Any, tuple[int, int, dict]] = {}  # item -> hashes and meta

    def example(self, answer: dict[str, Any]) -> dict[str, Any]:
        item = answer["item"]
        row = self.rows[self.position[item]]
        example = self._input(row)
        known = self.hashes.get(item)  # the view and the question are the task's: one per item
        if known is None:
            input_hash = plain(row.get("_input_hash"))
            input_hash = stable_hash(example) if input_hash is None else int(input_hash)
        question = self._question(example, answer)
        if known is None:
            task_hash = plain(row.get("_task_hash"))
            if task_hash is None:
                task_hash = stable_hash([input_hash, example["_view_id"], question])
            known = self.hashes[item] = (input_hash, int(task_hash), {"item": item_json(item)})
        input_hash, task_hash, meta = known
        example["meta"] = dict(meta)
        example["_input_hash"], example["_task_hash"] = input_hash, task_hash
        if answer["event"] == "skip":
            example["answer"] = "ignore"
        if answer["flag"] == "unsure":
            example["flagged"] = True
        example["_annotator_id"] = example["_session_id"] = answer["annotator"]
        example["_timestamp"] = int(answer["created_at"].timestamp())
        return example

    def finish(self) -> list[str]:
        """Raise if spans did not fit the tokens; warn about, and return, what was not written."""
        if self.loose:
            raise ValueError(
                f"spans of {len(self.loose)} items do not start and end on Prodigy's tokens "
                f"({'; '.join(self.loose[:5])}); pass tokens= that splits where the spans do "
                "(e.g. the task's tokenizer, or a callable), or fix the spans."
            )
        lost = []
        if self.truncated:
            lost.append(f"the order below the preferred option of {self.truncated} rankings")
        if self.unrated:
            lost.append(f"the ratings of {self.unrated} answers")
        if lost:
            warnings.warn(
                f"Prodigy's choice holds one preferred group and no ratings: {' and '.join(lost)} "
                "are not written.", UserWarning, stacklevel=4,
            )
        return lost

    def _input(self, row: dict[str, Any]) -> dict[str, Any]:
        task = self.task
        if isinstance(task, Spans):
            return {"text": display_text(row[task.text]) or ""}
        if isinstance(task, Rank):
            shown = {"text": plain(row[task.prompt])} if task.prompt else {}
            return {**shown, "options": [{"id": o, "text": plain(row[o])} for o in task.options]}
        assert isinstance(task, Classify)
        if task.text is not None:
            return {"text": display_text(row[task.text]) or ""}
        if task.image is not None:
            return {"image": plain(row[task.image])}
        return {column: plain(row[column]) for column in task.fields.values()}

    def _question(self, example: dict[str, Any], answer: dict[str, Any]) -> Any:
        """Fill in the question and the answer; return what the task hash covers."""
        task, value = self.task, answer["value"]
        label = answer["event"] == "label"
        example["answer"] = "accept"
        if isinstance(task, Classify):
            example["options"] = [{"id": label_, "text": label_} for label_ in task.labels]
            chosen = value if isinstance(value, list) else [value]
            example["accept"] = chosen if label else []
            example["config"] = {"choice_style": "multiple" if task.multi else "single"}
            example["_view_id"] = "choice"
            return list(task.labels)
        if isinstance(task, Spans):
            return self._spans(example, answer)
        assert isinstance(task, Rank)
        example["accept"] = []
        if label:
            meta = answer["meta"] or {}
            self.unrated += bool(meta.get("ratings"))
            if meta.get("all_bad"):
                example["answer"] = "reject"
            else:
                example["accept"] = list(value[0])
                self.truncated += len(task.options) > 2 and len(value) > 2
        example["config"] = {"choice_style": "multiple" if task.ties else "single"}
        example["_view_id"] = "choice"
        return list(task.options)

    def _spans(self, example: dict[str, Any], answer: dict[str, Any]) -> list[str]:
        assert self.tokenize is not None and isinstance(self.task, Spans)
        text = example["text"]
        tokens = self.tokenize(text)
        example["tokens"] = [
            {"text": text[start:end], "start": start, "end": end, "id": number,
             "ws": text[end:end + 1].isspace()}
            for number, (start, end) in enumerate(tokens)
        ]
        spans = answer["value"] if answer["event"] == "label" else []
        wrong = misaligned([(answer["item"], text, spans)], lambda _: tokens)
        self.loose.extend(wrong)
        example["spans"] = [
            {**span, "token_start": found[0], "token_end": found[1]}
            for span in spans
            if (found := token_span(span, tokens)) is not None
        ]
        example["_view_id"] = "spans_manual" if self.task.overlap else "ner_manual"
        return list(self.task.labels)

