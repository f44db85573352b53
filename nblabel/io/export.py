"""What every export shares: it is made from a snapshot, and it carries the snapshot's manifest.

Each writer (:func:`~nblabel.io.to_label_studio`, :func:`~nblabel.io.to_prodigy`,
:func:`~nblabel.io.to_conll`, :func:`~nblabel.io.to_hf_dataset`) takes a project or a
:class:`~nblabel.io.Snapshot`: from a project it first takes a snapshot (as of ``as_of``, or of
everything stored now), so the data and its manifest describe the same events. The manifest
(:meth:`Snapshot.export_manifest`: the task, the guideline versions, the annotators, the event-id
range, how labels were settled, what the format could not hold, the nblabel version and content
hashes) travels with the export: as ``.manifest`` of the records or text returned, beside the
file written (``<path>.manifest.json``), and in a dataset's ``info.description``.
:func:`manifest_of` reads it back from any of them.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
from collections.abc import Iterable, Sequence
from typing import Any

from .snapshot import Snapshot, snapshot, write_manifest

#: How exports of every annotator's answers (Label Studio, Prodigy) "settle" labels: they do not.
CURRENT = "current"
#: The rule of :data:`CURRENT`, in words (recorded in their manifests).
CURRENT_RULE = (
    "every annotator's current answer (their latest label or skip not retracted), one record "
    "each; nothing is settled"
)


#: Encodes records as :func:`~nblabel.io.content_hash` reads them: keys sorted, text unescaped.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def encoded(records: list[Any]) -> tuple[list[str], str]:
    """Return each record as JSON text (keys sorted), and the content hash of the list.

    The hash equals :func:`~nblabel.io.content_hash` of ``records``: the records are encoded
    once, for the file and for the manifest.
    """
    lines = [_CANONICAL.encode(record) for record in records]
    whole = "[" + ", ".join(lines) + "]"
    return lines, "sha256:" + hashlib.sha256(whole.encode("utf-8")).hexdigest()


class ExportedRecords(list):
    """The records of an export (a list of dicts), with the export's ``manifest``."""

    manifest: dict[str, Any]

    def __init__(self, records: Iterable[Any], manifest: dict[str, Any]) -> None:
        super().__init__(records)
        self.manifest = manifest


class ExportedText(str):
    """The text of an export, with the export's ``manifest``."""

    manifest: dict[str, Any]

    def __new__(cls, text: str, manifest: dict[str, Any]) -> ExportedText:  # noqa: D102
        exported = super().__new__(cls, text)
        exported.manifest = manifest
        return exported


def exporting(data: Any, as_of: Any) -> Snapshot:
    """Return the snapshot an export is made from: ``data``, or a project's as of ``as_of``."""
    return snapshot(data, as_of=as_of)


def manifest_for(
    snap: Snapshot,
    data: Any,
    path: str | os.PathLike[str] | None,
    *,
    format: str,
    how: str | None,
    annotator: str | None = None,
    rule: str | None = None,
    lost: Sequence[str] = (),
    data_hash: str | None = None,
    **details: Any,
) -> dict[str, Any]:
    """Return the manifest of an export of ``data`` from ``snap``, written beside ``path`` if given.

    See :meth:`Snapshot.export_manifest` for the keys; ``how=CURRENT`` records that every
    annotator's answers were exported as they are. ``data_hash``: the content hash of ``data``
    when the caller has it (see :func:`encoded`).
    """
    if how == CURRENT and rule is None:
        rule = CURRENT_RULE
    manifest = snap.export_manifest(
        data, format=format, how=how, annotator=annotator, rule=rule, lost=lost,
        data_hash=data_hash, **details,
    )
    if path is not None:
        write_manifest(path, manifest)
    return manifest


def manifest_of(exported: Any) -> dict[str, Any]:
    """Return the manifest of an export: its records or text, its file, or its dataset.

    Parameters
    ----------
    exported : list, str, os.PathLike, datasets.Dataset or datasets.DatasetDict
        What an ``nl.io.to_…`` function returned, the path of the file it wrote (its manifest
        is ``<path>.manifest.json``), or a Hugging Face dataset it made.

    Examples
    --------
    >>> tasks = nl.io.to_label_studio(proj, "tasks.json")  # doctest: +SKIP
    >>> nl.io.manifest_of("tasks.json") == tasks.manifest  # doctest: +SKIP
    True
    """
    manifest = getattr(exported, "manifest", None)
    if isinstance(manifest, dict):
        return manifest
    if isinstance(exported, os.PathLike) or (
        isinstance(exported, str) and not isinstance(exported, ExportedText)
    ):
        beside = pathlib.Path(exported)
        beside = beside.with_name(beside.name + ".manifest.json")
        if not beside.is_file():
            raise FileNotFoundError(
                f"no manifest beside {str(exported)!r} (looked for {str(beside)!r}); was the "
                "file written by an nl.io.to_… function?"
            )
        return json.loads(beside.read_text(encoding="utf-8"))
    if hasattr(exported, "info") or hasattr(exported, "values"):
        return dataset_manifest(exported)
    raise TypeError(
        "manifest_of takes what an nl.io.to_… function returned, the path of the file it "
        f"wrote, or a Hugging Face dataset; got {type(exported).__name__}."
    )


def dataset_manifest(dataset: Any) -> dict[str, Any]:
    """Return the manifest kept in a ``Dataset``'s (or a ``DatasetDict``'s first) description."""
    parts = list(dataset.values()) if hasattr(dataset, "values") else [dataset]
    description = parts[0].info.description if parts else ""
    try:
        return json.loads(description)
    except (TypeError, ValueError):
        raise ValueError(
            "this dataset carries no nblabel manifest (its info.description is not one); was "
            "it made by nl.io.to_hf_dataset?"
        ) from None
