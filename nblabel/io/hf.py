"""Hugging Face ``datasets``: labels out as typed datasets, items in from datasets.

:func:`to_hf_dataset` makes a ``datasets.Dataset`` (or a ``DatasetDict``, one per split) from a
project or a :class:`~nblabel.io.Snapshot`, with typed features:

- single-label classification: ``label`` is a ``ClassLabel`` of the task's labels, in order;
- multi-label: ``labels`` is a sequence of that ``ClassLabel``;
- spans: ``spans`` is a list of ``{start, end, label}`` (code points, ``label`` a
  ``ClassLabel``); with ``iob=True`` also ``tokens`` and ``ner_tags`` (IOB2, a ``ClassLabel`` of
  ``O``, ``B-…``, ``I-…``);
- rankings: ``prompt``, ``chosen``, ``rejected`` texts, the layout TRL's preference trainers
  read, or with ``conversational=True`` lists of ``{"role", "content"}`` messages.

Every row carries its ``item`` id and the item columns the task shows. The export's manifest
(see :meth:`~nblabel.io.Snapshot.export_manifest`) is the dataset's ``info.description``, as
JSON; :func:`hf_manifest` reads it back. One label per item is exported (settled as ``how``
says): individual answers, flags, comments and times stay in nblabel, and items without a
label are left out. :func:`from_hf_dataset` reads a dataset's rows as items, class labels as
their names. ``datasets`` is the optional extra ``nblabel[hf]``; nothing is downloaded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from .. import settle
from .._checks import check_kwargs
from ..tasks import Classify, Rank, Spans
from .export import dataset_manifest, exporting, manifest_for
from .iob import iob_names, iob_tags
from .snapshot import Snapshot
from .span_tokens import tokenizer

#: How preference rows combine annotators (see :func:`nblabel.rank.training_pairs`).
PREFERENCE_HOW = ("each", "majority")
#: What each way of combining preferences keeps (recorded in the manifest).
PREFERENCE_RULES = {
    "each": "one row per annotator's strict preference between two options (annotators' own "
    "current answers, qualified annotators only)",
    "majority": "one row per item and pair of options that more annotators preferred one way "
    "than the other (annotators' own current answers, qualified annotators only)",
}


@check_kwargs
def to_hf_dataset(
    data: Any,
    *,
    how: str | None = None,
    annotator: str | None = None,
    as_of: Any = None,
    split: str | None = None,
    iob: bool = False,
    tokens: str | Callable[[str], Any] | None = None,
    conversational: bool = False,
) -> Any:
    """Return a project's labels as a Hugging Face ``Dataset`` with typed features.

    Parameters
    ----------
    data : nblabel.Project or nblabel.io.Snapshot
        What to export (a project is exported as of ``as_of``).
    how : str, optional
        How one label per item is settled: ``"latest"`` (default), ``"majority"`` or
        ``"dawid_skene"`` (see :meth:`nblabel.Project.labels`); spans take ``"latest"`` (each
        item's most recent answer) or ``"majority"`` (the spans more than half of an item's
        annotators marked: :func:`nblabel.consensus.span_vote`); rankings ``"each"`` (default:
        a row per annotator's preference) or ``"majority"``.
    annotator : str, optional
        With ``how="latest"``, only this annotator's answers.
    as_of : int, datetime or str, optional
        The event id or time to export as of (a project only; see :func:`snapshot`).
    split : str, optional
        A column of the items naming each item's split: a ``DatasetDict`` is returned.
    iob : bool, default False
        Spans: also ``tokens`` and IOB2 ``ner_tags`` (spans that overlap or do not line up
        with the tokens raise ``ValueError``, naming the item).
    tokens : {"words", "whitespace"} or callable, optional
        Spans with ``iob``: the tokenizer (default: the task's ``tokens``, else ``"words"``).
    conversational : bool, default False
        Rankings: ``prompt`` as ``[{"role": "user", "content": …}]`` and ``chosen`` /
        ``rejected`` as ``[{"role": "assistant", "content": …}]``.

    Returns
    -------
    datasets.Dataset or datasets.DatasetDict

    Examples
    --------
    >>> ds = nl.io.to_hf_dataset(proj, how="majority")  # doctest: +SKIP
    >>> ds.features["label"].names  # doctest: +SKIP
    ['pos', 'neg', 'neutral']
    """
    datasets = _import_datasets("to_hf_dataset")
    snap = exporting(data, as_of)
    task = snap.task
    if split is not None and split not in snap.df.columns:
        raise ValueError(f"split={split!r} is not a column of the items: {list(snap.df.columns)}.")
    if not isinstance(task, Spans) and (iob or tokens is not None):
        raise ValueError("iob= and tokens= apply to span tasks (nl.Spans).")
    if not isinstance(task, Rank) and conversational:
        raise ValueError("conversational= applies to rankings (nl.Rank).")
    if isinstance(task, Rank):
        how = _check_how(how or "each", PREFERENCE_HOW, annotator)
        frame, features, lost = _preference_rows(snap, how, conversational, datasets)
    else:
        allowed = ("latest", "majority") if isinstance(task, Spans) else settle.HOW
        how = _check_how(how or "latest", allowed, annotator)
        frame, features, lost = _label_rows(snap, how, annotator, iob, tokens, datasets)
    frame = _with_split(frame, snap, split)
    manifest = manifest_for(
        snap, frame.drop(columns="__split__", errors="ignore"), None, format="huggingface",
        how=how, annotator=annotator,
        rule=PREFERENCE_RULES.get(how) if isinstance(task, Rank) else None, lost=lost,
        **({"splits": frame["__split__"].value_counts().to_dict()} if split else {}),
    )
    description = json.dumps(manifest, ensure_ascii=False)
    if split is None:
        return _dataset(frame, features, description, datasets)
    return datasets.DatasetDict({
        str(name): _dataset(part.drop(columns="__split__"), features, description, datasets)
        for name, part in frame.groupby("__split__", sort=False)
    })


def hf_manifest(dataset: Any) -> dict[str, Any]:
    """Return the manifest :func:`to_hf_dataset` stored in a ``Dataset`` or ``DatasetDict``."""
    return dataset_manifest(dataset)


@check_kwargs
def from_hf_dataset(
    dataset: Any, *, index: str | None = None, split_column: str = "split"
) -> pd.DataFrame:
    """Return a ``Dataset`` or ``DatasetDict`` as a DataFrame of items, one row per example.

    Class labels become their names (also inside sequences and span lists), images PIL images;
    every split's rows are kept, in order, with their split's name in ``split_column`` (None
    for a dataset that names no split).

    Parameters
    ----------
    dataset : datasets.Dataset or datasets.DatasetDict
        In memory or loaded from disk (nothing is downloaded).
    index : str, optional
        A column holding unique item ids to use as the index (e.g. ``"item"`` for a dataset
        made by :func:`to_hf_dataset`); default a new 0…n-1 index.
    split_column : str, default "split"
        The column that names each row's split.

    Examples
    --------
    >>> items = nl.io.from_hf_dataset(ds_dict, index="item")  # doctest: +SKIP
    >>> proj = nl.Project(items, nl.Classify(["pos", "neg"], text="text"))  # doctest: +SKIP
    """
    datasets = _import_datasets("from_hf_dataset")
    if isinstance(dataset, datasets.DatasetDict):
        parts = [(str(name), part) for name, part in dataset.items()]
    elif isinstance(dataset, datasets.Dataset):
        parts = [(None if dataset.split is None else str(dataset.split), dataset)]
    else:
        raise TypeError(
            f"dataset must be a datasets.Dataset or DatasetDict, got {type(dataset).__name__}."
        )
    frames = []
    for name, part in parts:
        if split_column in part.column_names:
            raise ValueError(
                f"the dataset already has a column {split_column!r}; pass another split_column=."
            )
        columns = part[:] if len(part) else {column: [] for column in part.column_names}
        decoded = {
            column: [_decode(part.features[column], value) for value in values]
            for column, values in columns.items()
        }
        frame = pd.DataFrame(decoded, columns=part.column_names)
        frame[split_column] = pd.Series([name] * len(frame), dtype=object)
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if index is None:
        return frame
    if index not in frame.columns:
        raise ValueError(f"index={index!r} is not a column of the dataset: {list(frame.columns)}.")
    if frame[index].duplicated().any():
        repeated = frame.loc[frame[index].duplicated(), index].head(3).tolist()
        raise ValueError(
            f"index={index!r} has repeated values (e.g. {repeated}); item ids must be unique."
        )
    return frame.set_index(index)


# -- rows of each task ----------------------------------------------------------------------------
def _label_rows(
    snap: Snapshot, how: str, annotator: str | None, iob: bool, tokens: Any, datasets: Any
) -> tuple[pd.DataFrame, dict[str, Any], list[str]]:
    task = snap.task
    labels = snap.labels(annotator, how).dropna()
    frame = _items(snap, labels.index)
    features = _item_features(frame, task, datasets)
    names = list(task.labels)
    lost = ["individual annotators' answers (one settled label per item)",
            "flags, comments, times and answer details", "items without a label"]
    if isinstance(task, Spans):
        frame["spans"] = _objects(labels.tolist(), frame.index)
        span = {"start": datasets.Value("int64"), "end": datasets.Value("int64"),
                "label": datasets.ClassLabel(names=names)}
        features["spans"] = [span]
        if iob:
            split = tokenizer(task, tokens)
            tagged = [
                _tagged(item, text, spans, split)
                for item, text, spans in zip(
                    frame["item"], frame[task.text], labels.tolist(), strict=True
                )
            ]
            frame["tokens"] = _objects([words for words, _ in tagged], frame.index)
            frame["ner_tags"] = _objects([tags for _, tags in tagged], frame.index)
            features["tokens"] = datasets.Sequence(datasets.Value("string"))
            features["ner_tags"] = datasets.Sequence(datasets.ClassLabel(names=iob_names(names)))
    elif isinstance(task, Classify) and task.multi:
        frame["labels"] = _objects(labels.tolist(), frame.index)
        features["labels"] = datasets.Sequence(datasets.ClassLabel(names=names))
    else:
        frame["label"] = labels.tolist()
        features["label"] = datasets.ClassLabel(names=names)
    return frame, features, lost


def _preference_rows(
    snap: Snapshot, how: str, conversational: bool, datasets: Any
) -> tuple[pd.DataFrame, dict[str, Any], list[str]]:
    from ..rank import training_pairs

    task = snap.task
    pairs = training_pairs(snap.counted(), snap.df, task.prompt, how=how, details=True)
    frame = pairs[["prompt", "chosen", "rejected", "item", "chosen_option", "rejected_option"]]
    frame = frame.reset_index(drop=True)
    text = datasets.Value("string")
    if conversational:
        frame = frame.assign(**{
            column: _objects([[{"role": role, "content": value}] for value in frame[column]],
                             frame.index)
            for column, role in (("prompt", "user"), ("chosen", "assistant"),
                                 ("rejected", "assistant"))
        })
        message = [{"role": text, "content": text}]
        features = {"prompt": message, "chosen": message, "rejected": message}
    else:
        features = {"prompt": text, "chosen": text, "rejected": text}
    features.update(item=_inferred(frame["item"], datasets), chosen_option=text,
                    rejected_option=text)
    lost = ["ties and 'all bad' answers (no preference to learn)", "ratings",
            "the order options were shown in", "who answered" if how == "majority" else
            "annotators' names"]
    return frame, features, lost


# -- helpers ---------------------------------------------------------------------------------------
def _items(snap: Snapshot, items: pd.Index) -> pd.DataFrame:
    shown = [column for column in snap.task.columns() if column in snap.df.columns]
    rows = snap.df.loc[items, shown]
    return pd.concat([pd.DataFrame({"item": list(items)}), rows.reset_index(drop=True)], axis=1)


def _item_features(frame: pd.DataFrame, task: Any, datasets: Any) -> dict[str, Any]:
    features: dict[str, Any] = {"item": _inferred(frame["item"], datasets)}
    for column in frame.columns[1:]:
        if getattr(task, "image", None) == column:
            features[column] = datasets.Image()
            continue
        features[column] = _inferred(frame[column], datasets)
    return features


def _inferred(values: pd.Series, datasets: Any) -> Any:
    """Return the feature Arrow infers for a column (text as ``string``, not ``large_string``)."""
    import pyarrow as pa

    schema = pa.Table.from_pandas(pd.DataFrame({"c": values}), preserve_index=False).schema
    feature = datasets.Features.from_arrow_schema(schema)["c"]
    if getattr(feature, "dtype", None) == "large_string":
        return datasets.Value("string")
    return feature


def _with_split(frame: pd.DataFrame, snap: Snapshot, split: str | None) -> pd.DataFrame:
    if split is None:
        return frame
    names = snap.df[split].reindex(frame["item"]).tolist()
    missing = [item for item, name in zip(frame["item"], names, strict=True) if pd.isna(name)]
    if missing:
        raise ValueError(f"items {missing[:5]} have no {split!r}; every exported item needs one.")
    return frame.assign(__split__=[str(name) for name in names])


def _objects(values: list[Any], index: pd.Index) -> pd.Series:
    """Return ``values`` (lists, dicts) as one object column, never spread over columns."""
    return pd.Series(values, index=index, dtype=object)


def _dataset(
    frame: pd.DataFrame, features: dict[str, Any], description: str, datasets: Any
) -> Any:
    typed = datasets.Features(features)
    info = datasets.DatasetInfo(description=description, features=typed)
    columns = {column: frame[column].tolist() for column in frame.columns}
    return datasets.Dataset.from_dict(columns, features=typed, info=info)


def _tagged(item: Any, text: Any, spans: Any, split: Callable[[str], Any]) -> tuple[list, list]:
    text = "" if not isinstance(text, str) else text
    found = split(text)
    try:
        tags = iob_tags(spans, found)
    except ValueError as error:
        raise ValueError(f"item {item!r}: {error}") from None
    return [text[start:end] for start, end in found], tags


def _check_how(how: str, allowed: Sequence[str], annotator: str | None) -> str:
    if how not in allowed:
        raise ValueError(f"how={how!r} is not supported for this task; use one of {list(allowed)}.")
    if annotator is not None and how != "latest":
        raise ValueError(f"annotator= picks one annotator's labels with how='latest', not {how!r}.")
    return how


def _decode(feature: Any, value: Any) -> Any:
    """Return ``value`` with class labels as their names, through sequences and structs."""
    if value is None:
        return None
    if hasattr(feature, "int2str") and hasattr(feature, "names"):  # a ClassLabel
        return feature.int2str(value) if value >= 0 else None
    inner = feature[0] if isinstance(feature, list) else getattr(feature, "feature", None)
    if isinstance(feature, dict):
        return {name: _decode(feature[name], part) for name, part in value.items()}
    if inner is not None and isinstance(value, dict):  # a sequence of structs kept as columns
        return {name: [_decode(inner[name], part) for part in parts]
                for name, parts in value.items()}
    if inner is not None:
        return [_decode(inner, part) for part in value]
    return value


def _import_datasets(what: str) -> Any:
    try:
        import datasets
    except ImportError:
        raise ImportError(
            f"nblabel.io.{what} needs the Hugging Face datasets library, an optional extra: "
            "pip install 'nblabel[hf]' (or pip install datasets)."
        ) from None
    return datasets
