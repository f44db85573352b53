"""The base of every task: labels, their keys, guidelines, compatibility and JSON round trips."""

from __future__ import annotations

import json
import pathlib
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Mapping
from typing import Any, ClassVar

from .._checks import check
from .._guidelines import Guideline, guideline_version

#: Keys the widgets use for navigation and actions; labels cannot be bound to them.
RESERVED_KEYS: Mapping[str, str] = {
    "u": "undo",
    "s": "skip",
    "c": "comment",
    "g": "guidelines",
    "?": "flag unsure",
    "/": "find a label",
    "!": "feedback",
    " ": "space",
}

_DEFAULT_KEYS = "123456789" + "".join(
    ch for ch in "abdefhijklmnopqrtvwxyz" if ch not in RESERVED_KEYS
)


class TaskMismatchError(ValueError):
    """A store holds a project whose task is incompatible with the one given."""


#: Every kind of task, by its ``kind`` (filled as task classes are defined).
_KINDS: dict[str, type[Task]] = {}


class Task(ABC):
    """Common behaviour of every task: labels, their keys, guidelines and JSON round trips.

    Subclasses set ``kind`` and implement :meth:`validate`, :meth:`columns` and
    :meth:`_params`.
    """

    kind: ClassVar[str] = ""

    labels: tuple[str, ...]
    keys: tuple[str | None, ...]
    guidelines: str | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            _KINDS[cls.kind] = cls

    # -- shared construction helpers -------------------------------------------------------
    def _set_labels(self, labels: Any, keys: Any) -> None:
        self.labels = _check_labels(labels)
        self.keys = _check_keys(self.labels, keys)

    def _set_guidelines(self, guidelines: Any) -> None:
        self.guideline_name: str | None = None
        if isinstance(guidelines, Mapping) and set(guidelines) == {"text", "name"}:
            guidelines = Guideline(guidelines["text"], guidelines["name"])  # from to_dict()
        if isinstance(guidelines, Guideline):
            self.guideline_name = guidelines.name
            guidelines = guidelines.text
        if guidelines is None:
            self.guidelines = None
        elif isinstance(guidelines, pathlib.Path):
            self.guidelines = guidelines.read_text(encoding="utf-8")
        elif isinstance(guidelines, str):
            self.guidelines = guidelines
        else:
            raise TypeError(
                "guidelines must be Markdown text (str), a pathlib.Path to a Markdown file or "
                f"nl.Guideline(text, name=...), got {type(guidelines).__name__}."
            )

    # -- public API --------------------------------------------------------------------------
    @property
    def guideline_version(self) -> str | None:
        """The version of the guideline text: a 12-hex-digit content hash (None if none)."""
        return guideline_version(self.guidelines)

    @abstractmethod
    def columns(self) -> list[str]:
        """Return the DataFrame columns this task reads, in display order."""

    def check_frame(self, df: Any) -> None:
        """Raise ``ValueError`` unless ``df`` has every column this task reads, all usable.

        Pre-labels in a column are checked here too (:meth:`suggestion_problems`), so a
        widget never offers an answer it would refuse.
        """
        missing = [col for col in self.columns() if col not in df.columns]
        if missing:
            raise ValueError(
                f"the task shows columns {missing} that df does not have; "
                f"its columns are {[str(c) for c in df.columns]}."
            )
        problems = self.suggestion_problems(df)
        if problems:
            shown = "; ".join(
                f"item {item!r}: {problem.rstrip('.')}" for item, problem in problems[:5]
            )
            more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
            raise ValueError(
                f"{len(problems)} pre-labels cannot be offered as suggestions: {shown}{more}. "
                "Fix or clear them (missing values offer none)."
            )

    def suggestion_problems(self, df: Any) -> list[tuple[Any, str]]:
        """Return ``(item, what is wrong)`` for each pre-label of ``df`` this task would refuse.

        The base task takes no pre-labels; tasks with a ``suggest`` column override this.
        """
        return []

    @abstractmethod
    def validate(self, value: Any) -> Any:
        """Return ``value`` normalised, or raise ``ValueError`` saying what is wrong."""

    def validate_for(self, value: Any, row: Any) -> Any:
        """Return ``value`` normalised as an answer for one item (``row``, a row of the data).

        The widget and :meth:`nblabel.Project.add` check answers with this. Tasks whose answers
        depend on the item override it (span offsets must lie inside the item's text); the
        default is :meth:`validate`.
        """
        return self.validate(value)

    def suggestion(self, row: Any) -> dict[str, Any] | None:
        """Return a pre-made answer to offer for ``row`` (``{"value", "confidence"}``), or None.

        Tasks with a column of pre-labels override this; the base offers none.
        """
        return None

    def validate_meta(self, meta: Any) -> dict[str, Any] | None:
        """Return the details a view records with an answer (``meta``), checked, or None.

        Views of some tasks record more than the answer (e.g. which suggestions were accepted,
        the order options were shown in); each task accepts only the keys it knows. The base
        accepts none.
        """
        if meta in (None, {}):
            return None
        raise ValueError(f"{type(self).__name__} answers carry no details, got {meta!r}.")

    def validate_meta_for(self, meta: Any, value: Any) -> dict[str, Any] | None:
        """Return an answer's details checked alone and against the (validated) ``value``.

        Details can contradict the answer they come with (e.g. a ranking's "all bad" with a
        strict order); tasks where they can override this. The base checks ``meta`` alone.
        """
        return self.validate_meta(meta)

    def tally(self, value: Any) -> list[str]:
        """Return what an answer counts toward in the annotator's progress (``by_label``).

        A label counts toward itself, a multi-label answer toward each of its labels; tasks
        with structured answers (rankings, spans) override this to say what to count.
        """
        return [str(v) for v in (value if isinstance(value, list) else [value])]

    def tally_labels(self) -> list[str]:
        """Return everything :meth:`tally` may count an answer toward, in order: the labels."""
        return list(self.labels)

    def describe(self, value: Any, row: Any) -> str:
        """Return an answer in words, as feedback shows it (``row``: the item's row of the data).

        A label as itself, a multi-label answer as its labels joined by commas (``"none"`` for
        an empty one); tasks with structured answers (spans, rankings) override this.
        """
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) if value else "none"
        return str(value)

    def to_dict(self) -> dict[str, Any]:
        """Return the task as plain, JSON-serialisable data (``{"kind": ..., ...}``)."""
        data = {"kind": self.kind, **self._params()}
        if getattr(self, "guideline_name", None):
            data["guidelines"] = {"text": self.guidelines, "name": self.guideline_name}
        return data

    def to_json(self) -> str:
        """Return the task as JSON text; :func:`task_from_json` reads it back."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    def check_compatible(self, stored: Task, used: Collection[str] | None = None) -> list[str]:
        """Raise :class:`TaskMismatchError` if answers stored for ``stored`` no longer fit.

        Adding labels is allowed, and so is leaving out a label no stored answer uses
        (``used``: the labels stored answers use; None: count every stored label as used);
        removing or renaming a used label, or changing the kind of task, is not. Returns the
        labels that were added (empty when nothing changed).
        """
        if stored.kind != self.kind:
            raise TaskMismatchError(
                f"the store holds a {stored.kind!r} task for this project, not a {self.kind!r} "
                "task; open it with the same task, or pass another name= or store=."
            )
        missing = [
            label
            for label in stored.labels
            if label not in self.labels and (used is None or label in used)
        ]
        if missing:
            added = [label for label in self.labels if label not in stored.labels]
            renamed = f" (renamed to {added}?)" if added else ""
            raise TaskMismatchError(
                f"labels {missing} of the project's stored task are missing from this task"
                f"{renamed}, and stored answers use them; they would no longer be valid. Keep "
                "them in the label list (you may add new ones), or pass another name= or "
                "store= to start afresh."
            )
        return [label for label in self.labels if label not in stored.labels]

    def key_for(self, label: str) -> str | None:
        """Return the keyboard key bound to ``label`` (None if it has none)."""
        return self.keys[self.labels.index(label)]

    @abstractmethod
    def _params(self) -> dict[str, Any]:
        """Return the constructor arguments that recreate this task."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Task) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(self.to_json())

    def __repr__(self) -> str:
        params = ", ".join(
            f"{name}={value!r}"
            for name, value in self._params().items()
            if value not in (None, False, {}) and name not in ("keys", "guidelines")
        )
        return f"{type(self).__name__}({params})"


def task_from_dict(data: Mapping[str, Any]) -> Task:
    """Return the task described by ``data`` (as produced by :meth:`Task.to_dict`)."""
    if not isinstance(data, Mapping) or "kind" not in data:
        raise ValueError(f"not a task description (no 'kind'): {data!r}")
    params = dict(data)
    kind = params.pop("kind")
    if kind not in _KINDS:
        raise ValueError(f"unknown task kind {kind!r}; known: {sorted(_KINDS)}.")
    return _KINDS[kind](**params)


def task_from_json(text: str) -> Task:
    """Return the task stored as JSON by :meth:`Task.to_json`."""
    return task_from_dict(json.loads(text))


def _check_labels(labels: Any) -> tuple[str, ...]:
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Iterable):
        raise TypeError(
            f"labels must be a list of strings, e.g. ['pos', 'neg'], got {labels!r}."
        )
    labels = list(labels)
    if not labels:
        raise ValueError("labels is empty: give at least one label, e.g. ['pos', 'neg'].")
    for label in labels:
        check("label", label)
    seen: set[str] = set()
    dupes = [label for label in labels if label in seen or seen.add(label)]
    if dupes:
        raise ValueError(f"labels must be unique; duplicated: {sorted(set(dupes))}.")
    return tuple(labels)


def _check_keys(labels: tuple[str, ...], keys: Any) -> tuple[str | None, ...]:
    if keys is None:
        defaults = list(_DEFAULT_KEYS[: len(labels)])
        return tuple(defaults + [None] * (len(labels) - len(defaults)))
    if isinstance(keys, Mapping):
        unknown = [label for label in keys if label not in labels]
        if unknown:
            raise ValueError(f"keys= names labels that are not in the task: {unknown}.")
        keys = [keys.get(label) for label in labels]
    elif isinstance(keys, str) or not isinstance(keys, Iterable):
        raise TypeError("keys must be a list with one key per label, or a {label: key} dict.")
    else:
        keys = list(keys)
        if len(keys) != len(labels):
            raise ValueError(
                f"keys= has {len(keys)} entries for {len(labels)} labels; give one per label."
            )
    bound: dict[str, str] = {}
    for label, key in zip(labels, keys, strict=True):
        if key is None:
            continue
        if not isinstance(key, str) or len(key) != 1:
            raise ValueError(f"the key for {label!r} must be a single character, got {key!r}.")
        if key.lower() in RESERVED_KEYS:
            raise ValueError(
                f"key {key!r} for {label!r} is reserved for {RESERVED_KEYS[key.lower()]!r}; "
                f"choose another (reserved: {sorted(RESERVED_KEYS)})."
            )
        if key in bound:
            raise ValueError(f"key {key!r} is bound to both {bound[key]!r} and {label!r}.")
        bound[key] = label
    return tuple(keys)


def check_column_name(name: Any, argument: str) -> str | None:
    if name is None or isinstance(name, str):
        return name
    raise TypeError(f"{argument}= must be a column name (str), got {name!r}.")


def check_fields(fields: Any) -> dict[str, str]:
    if fields is None:
        return {}
    if isinstance(fields, str):
        return {fields: fields}
    if isinstance(fields, Mapping):
        pairs = list(fields.items())
    elif isinstance(fields, Iterable):
        pairs = [(name, name) for name in fields]
    else:
        raise TypeError("fields= must be a list of column names or a {shown name: column} dict.")
    for shown, column in pairs:
        if not isinstance(shown, str) or not isinstance(column, str):
            raise TypeError(f"fields= entries must be strings, got {shown!r}: {column!r}.")
    return dict(pairs)
