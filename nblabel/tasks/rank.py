"""Rankings: order two or more candidates (pairwise A/B with ties, or N-way), optionally rated.

An answer is a *ranking*: a list of groups of option keys, best first, where a group of two or
more options is a tie, e.g. ``[["answer_b"], ["answer_a", "answer_c"]]``. The option keys are
the names of the DataFrame columns holding each item's candidates. What the view records beside
the ranking goes in the answer's details (``meta``, see :meth:`Rank.validate_meta`): the order
the options were shown in, per-option ratings and the "all bad" verdict. The annotator's
rationale is the answer's comment.
"""

from __future__ import annotations

import hashlib
import pathlib
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from .._checks import Boolean, check_kwargs, is_int
from .._items import encode_item
from ._base import Task, TaskMismatchError, check_column_name

#: Keys the ranking views use for their own actions; options cannot be bound to them.
VIEW_KEYS: Mapping[str, str] = {
    "t": "tie",
    "x": "all bad",
    "r": "rate",
    "d": "highlight differences",
    "e": "expand texts",
    "j": "select next",
    "k": "select previous",
    "o": "leave out",
}
#: Most levels a rating scale may have: one key each (1–9, then 0).
MAX_LEVELS = 10
#: Answer details (``meta``) a ranking view records.
META_KEYS = ("shown", "ratings", "all_bad")
#: What :meth:`Rank.tally` counts when the best group is a tie.
TIE = "(tie)"


class Rank(Task):
    """Ask for a ranking of an item's candidates: pairwise A/B (with ties) or N-way.

    Parameters
    ----------
    options : sequence of str
        Columns holding each item's candidates (two or more), e.g. the answers of two models.
        Their names are the option keys a ranking is made of.
    prompt : str, optional
        Column shown above the candidates (e.g. the question they answer).
    ties : bool, default True
        Allow ties (several options in one group), "tie" and "both bad" in the A/B view.
    rating : tuple of int or sequence of str, optional
        Also rate each option: ``(low, high)`` for a numeric scale of whole numbers between 0
        and 10 (at most ten levels), or the names of the levels, from worst to best (at most
        ten). Ratings are optional per option and stored in the answer's details.
    shuffle : bool, default True
        Show the options in an order drawn per item and annotator (the same on every reload);
        the order shown is stored with each answer, so position bias can be measured.
    keys : sequence of str, optional
        One key per position on screen: the first picks the option shown first (A, on the
        left, in the A/B view: "this one is better"; the top one in the N-way view: select it),
        and so on. Defaults to 1–9; positions after the ninth get none (select them with j/k).
        Keys the views use (u, s, c, g, ?, /, space, t, x, r, d, e, j, k, o) cannot be bound.
    guidelines : str or pathlib.Path, optional
        Markdown guideline shown (collapsible) in the widget; its content hash versions every
        answer.
    partial : bool, default False
        Allow rankings that leave options out (the N-way view then has a "leave out" key).
        By default every option must be ranked exactly once.

    Examples
    --------
    >>> from nblabel.tasks import Rank
    >>> task = Rank(["answer_a", "answer_b"], prompt="question", rating=(1, 5))
    >>> task.validate([["answer_b"], ["answer_a"]])
    [['answer_b'], ['answer_a']]
    >>> task.validate(["answer_a", "answer_b"])  # a strict order may be given flat
    [['answer_a'], ['answer_b']]
    """

    kind = "rank"

    @check_kwargs
    def __init__(
        self,
        options: Sequence[str],
        prompt: str | None = None,
        ties: bool = True,
        rating: tuple[int, int] | Sequence[str] | None = None,
        shuffle: bool = True,
        keys: Sequence[str | None] | None = None,
        guidelines: str | pathlib.Path | None = None,
        *,
        partial: bool = False,
    ) -> None:
        if isinstance(options, (str, bytes)):
            raise TypeError(
                f"options must be a list of column names, e.g. ['answer_a', 'answer_b'], "
                f"got the string {options!r}."
            )
        if isinstance(keys, Mapping):
            raise TypeError(
                "keys= gives one key per position on screen (the options' order is drawn per "
                "item), e.g. keys=['a', 'b']; a {option: key} dict does not apply to rankings."
            )
        if isinstance(keys, (list, tuple)) and isinstance(options, (list, tuple)):
            if len(keys) != len(options):
                raise ValueError(
                    f"keys= has {len(keys)} keys for {len(options)} options; give one key per "
                    "position on screen (None for none), e.g. keys=['a', 'b']."
                )
        self._set_labels(options, keys if keys is not None else _default_keys(options))
        if len(self.labels) < 2:
            raise ValueError(
                f"a ranking needs at least two options to compare, got {list(self.labels)}."
            )
        _check_view_keys(self.keys)
        self.prompt = check_column_name(prompt, "prompt")
        if self.prompt is not None and self.prompt in self.labels:
            raise ValueError(
                f"prompt={self.prompt!r} is also an option; the prompt column is shown above "
                "the options, so it must be another column."
            )
        self.ties = Boolean()("ties", ties)
        self.shuffle = Boolean()("shuffle", shuffle)
        self.partial = Boolean()("partial", partial)
        self.rating, self.levels = _check_rating(rating)
        self._set_guidelines(guidelines)

    # -- what is shown ---------------------------------------------------------------------------
    @property
    def options(self) -> tuple[str, ...]:
        """The option keys (column names), in the order given."""
        return self.labels

    def columns(self) -> list[str]:
        """Return the DataFrame columns this task reads: the prompt, then the options."""
        return ([self.prompt] if self.prompt is not None else []) + list(self.labels)

    def order_for(self, item: Any, annotator: str) -> list[str]:
        """Return the order ``annotator`` sees the options of ``item`` in.

        With ``shuffle=True`` the order is drawn from a hash of the item id, the annotator and
        the option, so it differs between items and annotators but is the same every time the
        item is shown again; with ``shuffle=False`` it is the order of ``options``.

        Parameters
        ----------
        item : index value
            The item's id (its ``df.index`` value).
        annotator : str
            Who is shown the item.

        Examples
        --------
        >>> from nblabel.tasks import Rank
        >>> task = Rank(["a", "b", "c"])
        >>> task.order_for(7, "ana") == task.order_for(7, "ana")
        True
        >>> sorted(task.order_for(7, "ana"))
        ['a', 'b', 'c']
        """
        if not isinstance(annotator, str):
            raise TypeError(f"annotator must be a name (str), got {annotator!r}.")
        if not self.shuffle:
            return list(self.labels)
        seed = f"{encode_item(item)}\x00{annotator}\x00"

        def draw(option: str) -> bytes:
            return hashlib.sha256((seed + option).encode("utf-8")).digest()

        return sorted(self.labels, key=draw)

    # -- answers -----------------------------------------------------------------------------------
    def validate(self, value: Any) -> list[list[str]]:
        """Return the ranking normalised: a list of groups, options in task order within a group.

        A strict order may be given flat (``["b", "a"]``); a group may be a single key.

        Raises
        ------
        ValueError
            If ``value`` is not a ranking of this task's options: not a list of groups, an
            unknown or repeated option, an empty group, a tie when ``ties=False``, or an option
            left out when ``partial=False``.
        """
        example = [[self.labels[1]], [self.labels[0], *self.labels[2:]]]
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
            raise ValueError(
                f"{value!r} is not a ranking: give a list of groups of options, best first "
                f"(a group of several is a tie), e.g. {example}."
            )
        order = {option: i for i, option in enumerate(self.labels)}
        groups: list[list[str]] = []
        seen: set[str] = set()
        for group in value:
            members = [group] if isinstance(group, str) else group
            if isinstance(members, (bytes, Mapping)) or not isinstance(members, (list, tuple)):
                raise ValueError(
                    f"{group!r} in {value!r} is not a group of options; each group is a list "
                    f"of option keys, e.g. {example}."
                )
            if not members:
                raise ValueError(f"the ranking {value!r} has an empty group; drop it.")
            for option in members:
                if not isinstance(option, str) or option not in order:
                    raise ValueError(
                        f"{option!r} is not an option of this task; options: {list(self.labels)}."
                    )
                if option in seen:
                    raise ValueError(
                        f"option {option!r} appears twice in {value!r}; rank each option once."
                    )
                seen.add(option)
            if len(members) > 1 and not self.ties:
                raise ValueError(
                    f"{list(members)} is a tie, but this task does not allow ties (ties=False): "
                    "put every option in a group of its own."
                )
            groups.append(sorted(members, key=order.__getitem__))
        missing = [option for option in self.labels if option not in seen]
        if missing and not self.partial:
            raise ValueError(
                f"the ranking {value!r} leaves out {missing}; rank every option (use "
                "Rank(..., partial=True) to allow leaving options out)."
            )
        if not groups:
            raise ValueError("the ranking is empty; rank at least one option.")
        return groups

    def validate_meta(self, meta: Any) -> dict[str, Any] | None:
        """Return the details recorded with an answer, checked, or None when there are none.

        The keys a ranking view records:

        ``shown`` : list of str
            Every option, in the order shown (left to right, top to bottom).
        ``ratings`` : dict
            ``{option: level}`` for the options rated (needs ``rating=``).
        ``all_bad`` : bool
            The annotator judged every option bad ("both bad" in the A/B view); the ranking
            must then be one tie of all options, which :meth:`validate_meta_for` checks.

        Raises
        ------
        ValueError
            If ``meta`` holds another key or a value of the wrong shape.
        """
        if meta is None:
            return None
        if not isinstance(meta, Mapping):
            raise ValueError(f"answer details must be a dict, got {meta!r}.")
        unknown = sorted(str(key) for key in meta if key not in META_KEYS)
        if unknown:
            raise ValueError(
                f"unknown answer details {unknown}; a ranking records {list(META_KEYS)}."
            )
        checked: dict[str, Any] = {}
        if meta.get("shown") is not None:
            checked["shown"] = self._check_shown(meta["shown"])
        if meta.get("ratings"):
            checked["ratings"] = self._check_ratings(meta["ratings"])
        all_bad = meta.get("all_bad", False)
        if not isinstance(all_bad, bool):
            raise ValueError(f"all_bad must be true or false, got {all_bad!r}.")
        if all_bad:
            checked["all_bad"] = True
        return checked or None

    def validate_meta_for(self, meta: Any, value: list[list[str]]) -> dict[str, Any] | None:
        """Return an answer's details checked, alone and against the ranking they go with.

        ``all_bad`` says the annotator judged every option bad; the views record that verdict
        with a ranking of one tie of all options, and any other ranking contradicts it.

        Parameters
        ----------
        meta : dict or None
            The details, as for :meth:`validate_meta`.
        value : list of list of str
            The ranking recorded with them, as returned by :meth:`validate`.

        Raises
        ------
        ValueError
            If :meth:`validate_meta` rejects ``meta``, or it says ``all_bad`` with a ranking
            other than one group of every option.

        Examples
        --------
        >>> from nblabel.tasks import Rank
        >>> task = Rank(["a", "b"])
        >>> meta = {"all_bad": True}
        >>> task.validate_meta_for(meta, [["a", "b"]])
        {'all_bad': True}
        >>> task.validate_meta_for(meta, [["a"], ["b"]])  # doctest: +IGNORE_EXCEPTION_DETAIL
        Traceback (most recent call last):
        ValueError: all_bad says every option is bad, so the ranking must be one tie of all ...
        """
        checked = self.validate_meta(meta)
        everything = [list(self.labels)]
        if checked and checked.get("all_bad") and value != everything:
            if not self.ties:
                raise ValueError(
                    "all_bad is recorded as one tie of all options, but this task does not "
                    "allow ties (ties=False); drop all_bad."
                )
            raise ValueError(
                f"all_bad says every option is bad, so the ranking must be one tie of all "
                f"options, {everything}; got {value!r}. Record that ranking, or drop all_bad."
            )
        return checked

    def _check_shown(self, shown: Any) -> list[str]:
        if (
            not isinstance(shown, (list, tuple))
            or not all(isinstance(option, str) for option in shown)
            or len(shown) != len(self.labels)
            or set(shown) != set(self.labels)
        ):
            raise ValueError(
                f"shown must list every option once, in the order shown; got {shown!r} for "
                f"options {list(self.labels)}."
            )
        return list(shown)

    def _check_ratings(self, ratings: Any) -> dict[str, Any]:
        if self.levels is None:
            raise ValueError("this task has no rating scale; pass Rank(..., rating=...) to rate.")
        if not isinstance(ratings, Mapping):
            raise ValueError(f"ratings must be a dict {{option: level}}, got {ratings!r}.")
        for option, level in ratings.items():
            if option not in self.labels:
                raise ValueError(
                    f"ratings name {option!r}, which is not an option; options: "
                    f"{list(self.labels)}."
                )
            if isinstance(level, bool) or level not in self.levels:
                raise ValueError(
                    f"{level!r} is not a level of the rating scale; levels: {self.levels}."
                )
        # Stored as the scale's own level (2.0 from JSON is the level 2).
        return {
            option: self.levels[self.levels.index(ratings[option])]
            for option in self.labels
            if option in ratings
        }

    def tally(self, value: Any) -> list[str]:
        """Return what an answer counts toward in progress: the best option, or ``"(tie)"``."""
        best = value[0] if value else []
        return [best[0]] if len(best) == 1 else [TIE]

    def tally_labels(self) -> list[str]:
        """Return what :meth:`tally` counts toward: each option, then ``"(tie)"``."""
        return [*super().tally_labels(), TIE]

    def describe(self, value: Any, row: Any) -> str:
        """Return a ranking in words, best first: ``"a > b = c"`` (``=`` joins a tie)."""
        return " > ".join(" = ".join(group) for group in value)

    def check_compatible(self, stored: Task, used: Collection[str] | None = None) -> list[str]:
        """Raise :class:`TaskMismatchError` unless stored rankings still fit this task.

        The options must be the same (their order and keys may change); ties, partial rankings
        and rating levels may be allowed where they were not, but not taken away.
        """
        if not isinstance(stored, Rank):
            return super().check_compatible(stored, used)
        removed = [o for o in stored.labels if o not in self.labels]
        added = [o for o in self.labels if o not in stored.labels]
        if removed or added:
            raise TaskMismatchError(
                f"the project's stored task ranks {list(stored.labels)}, this one "
                f"{list(self.labels)}; stored rankings would no longer rank the same options. "
                "Keep the options, or pass another name= or store= to start afresh."
            )
        for name in ("ties", "partial"):
            if getattr(stored, name) and not getattr(self, name):
                raise TaskMismatchError(
                    f"the project was labelled with {name}=True; stored rankings may use it. "
                    f"Keep {name}=True, or pass another name= or store=."
                )
        lost = [level for level in stored.levels or [] if level not in (self.levels or [])]
        if lost:
            raise TaskMismatchError(
                f"rating levels {lost} of the stored task are missing from this task; stored "
                "ratings would no longer be valid. Keep them, or pass another name= or store=."
            )
        return []

    def _params(self) -> dict[str, Any]:
        return {
            "options": list(self.labels),
            "prompt": self.prompt,
            "ties": self.ties,
            "rating": None if self.rating is None else list(self.rating),
            "shuffle": self.shuffle,
            "keys": list(self.keys),
            "guidelines": self.guidelines,
            "partial": self.partial,
        }

    def __repr__(self) -> str:
        shown = [f"{list(self.labels)!r}"]
        if self.prompt is not None:
            shown.append(f"prompt={self.prompt!r}")
        if not self.ties:
            shown.append("ties=False")
        if self.rating is not None:
            shown.append(f"rating={self.rating!r}")
        if not self.shuffle:
            shown.append("shuffle=False")
        if self.partial:
            shown.append("partial=True")
        return f"Rank({', '.join(shown)})"


def _default_keys(options: Any) -> list[str | None] | None:
    try:
        count = len(options)
    except TypeError:
        return None  # _set_labels explains what options must be
    return [str(i + 1) if i < 9 else None for i in range(count)]


def _check_view_keys(keys: tuple[str | None, ...]) -> None:
    for position, key in enumerate(keys, start=1):
        if key is not None and key.lower() in VIEW_KEYS:
            raise ValueError(
                f"key {key!r} for position {position} is used by the ranking view for "
                f"{VIEW_KEYS[key.lower()]!r}; choose another (taken: {sorted(VIEW_KEYS)})."
            )


def _check_rating(rating: Any) -> tuple[tuple[Any, ...] | None, list[Any] | None]:
    """Return the rating as given (normalised to a tuple) and its list of levels."""
    if rating is None:
        return None, None
    hint = (
        "give (low, high) whole numbers, e.g. rating=(1, 5), or level names from worst to "
        "best, e.g. ['bad', 'ok', 'good']"
    )
    if isinstance(rating, (str, bytes, Mapping)) or not isinstance(rating, Sequence):
        raise TypeError(f"rating must be a scale: {hint}; got {rating!r}.")
    values = list(rating)
    if all(is_int(v) for v in values) and len(values) == 2:
        low, high = values
        if not 0 <= low < high <= 10 or high - low + 1 > MAX_LEVELS:
            raise ValueError(
                f"rating=({low}, {high}) must be whole numbers with 0 <= low < high <= 10 and "
                f"at most {MAX_LEVELS} levels (one key each); for other scales name the levels."
            )
        return (low, high), list(range(low, high + 1))
    if values and all(isinstance(v, str) for v in values):
        if len(values) < 2 or len(values) > MAX_LEVELS:
            raise ValueError(
                f"a rating scale has 2 to {MAX_LEVELS} named levels (one key each), got "
                f"{len(values)}."
            )
        if any(not v.strip() for v in values) or len(set(values)) != len(values):
            raise ValueError(f"rating levels must be unique, non-empty names; got {values}.")
        return tuple(values), values
    raise ValueError(f"rating={rating!r} is not a scale: {hint}.")
