"""Argument checks: one rule and one message per field, for every entry point.

A field that several functions take (``ci``, ``window``, ``annotator``, ``comment``, …) is
checked by the rule registered for its name in :data:`FIELDS`, so ``proj.add`` and the widget,
``agreement.summary`` and ``proj.agreement`` accept the same values and say the same thing when
a value is wrong. Fields that belong to one function use the generic rules directly
(``Integer(low=1)("bins", bins)``). Every message names the field, says what it must be and
shows what was given. A value of the wrong type raises :class:`ArgumentTypeError`, which is both
a ``TypeError`` and a ``ValueError`` (callers catching either keep working); a value of the
right type that breaks the rule raises ``ValueError``.

Examples
--------
>>> check("window", 20)
20
>>> Integer(low=2)("members", 1)
Traceback (most recent call last):
...
ValueError: members must be an int of at least 2, got 1.
"""

from __future__ import annotations

import functools
import getpass
import inspect
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def check_kwargs(func: F) -> F:
    """Make unknown keyword arguments raise ``TypeError`` naming the valid ones.

    Python's own message names only the bad argument; users of a notebook API benefit from
    seeing what they could have typed instead.
    """
    parameters = inspect.signature(func).parameters.values()
    valid = [
        p.name
        for p in parameters
        if p.name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    accepted = set(valid)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        unknown = [name for name in kwargs if name not in accepted]
        if unknown:
            raise TypeError(
                f"{func.__qualname__.replace('.__init__', '')}() got unexpected keyword "
                f"argument(s) {unknown}; valid ones are {valid}."
            )
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type (both a ``TypeError`` and a ``ValueError``)."""


def _fail(name: str, requirement: str, value: Any, error: type[Exception] = ValueError) -> None:
    raise error(f"{name} must be {requirement}, got {value!r}.")


def is_int(value: Any) -> bool:
    """Whether ``value`` is an int (numpy's included) and not a bool."""
    return isinstance(value, int | _np_integer()) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """Whether ``value`` is a real number (int or float, numpy's included) and not a bool."""
    return (
        isinstance(value, int | float | _np_integer() | _np_floating())
        and not isinstance(value, bool)
    )


@functools.cache
def _np_integer() -> type:
    import numpy as np

    return np.integer


@functools.cache
def _np_floating() -> type:
    import numpy as np

    return np.floating


@dataclass(frozen=True)
class Integer:
    """An int within ``[low, high]``; None too when ``none``; ``what`` overrides the wording."""

    low: int | None = None
    high: int | None = None
    none: bool = False
    what: str | None = None

    def __call__(self, name: str, value: Any) -> int | None:
        """Return ``value`` as an int, or raise ``ValueError`` naming ``name``."""
        if value is None and self.none:
            return None
        if not is_int(value):
            _fail(name, self.requirement, value, ArgumentTypeError)
        if not (
            (self.low is None or value >= self.low) and (self.high is None or value <= self.high)
        ):
            _fail(name, self.requirement, value)
        return int(value)

    @property
    def requirement(self) -> str:
        """What a valid value is, in words."""
        if self.what is not None:
            text = self.what
        elif self.low is not None and self.high is not None:
            text = f"an int between {self.low} and {self.high}"
        elif self.low == 1:
            text = "a positive int"
        elif self.low == 0:
            text = "a non-negative int"
        elif self.low is not None:
            text = f"an int of at least {self.low}"
        else:
            text = "an int"
        return f"{text} or None" if self.none else text


@dataclass(frozen=True)
class Number:
    """A finite real number between ``low`` and ``high`` (each bound open or closed)."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    none: bool = False
    what: str | None = None

    def __call__(self, name: str, value: Any) -> float | None:
        """Return ``value`` as a float, or raise ``ValueError`` naming ``name``."""
        if value is None and self.none:
            return None
        if not is_number(value):
            _fail(name, self.requirement, value, ArgumentTypeError)
        if not math.isfinite(value) or not self._within(float(value)):
            _fail(name, self.requirement, value)
        return float(value)

    def _within(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return self.high is None or (value < self.high if self.high_open else value <= self.high)

    @property
    def requirement(self) -> str:
        """What a valid value is, in words."""
        if self.what is not None:
            text = self.what
        elif self.low is not None and self.high is not None:
            text = f"a number between {self.low:g} and {self.high:g}"
        elif self.low == 0:
            text = "a positive number" if self.low_open else "a number >= 0"
        elif self.low is not None:
            text = f"a number {'>' if self.low_open else '>='} {self.low:g}"
        else:
            text = "a finite number"
        return f"{text} or None" if self.none else text


@dataclass(frozen=True)
class Boolean:
    """True or False (a ``TypeError`` otherwise)."""

    def __call__(self, name: str, value: Any) -> bool:
        """Return ``value``, or raise ``TypeError`` naming ``name``."""
        if not isinstance(value, bool | _np_bool()):
            _fail(name, "True or False", value, ArgumentTypeError)
        return bool(value)


@functools.cache
def _np_bool() -> type:
    import numpy as np

    return np.bool_


@dataclass(frozen=True)
class OneOf:
    """One of a fixed set of values."""

    options: tuple[Any, ...]

    def __call__(self, name: str, value: Any) -> Any:
        """Return ``value``, or raise ``ValueError`` listing the options."""
        try:
            known = value in self.options
        except TypeError:  # unhashable, incomparable
            known = False
        if not known:
            raise ValueError(f"{name}={value!r} is not one of {list(self.options)}.")
        return value


@dataclass(frozen=True)
class Text:
    """Text of at most ``max_chars`` characters, encodable as UTF-8.

    ``none``: None and (when ``blank`` is False) the empty string are accepted and give None.
    ``blank``: whether text of only whitespace is accepted. ``line``: a single line (no line
    breaks). Control characters other than tab and line breaks are refused: SQLite would store
    them and PostgreSQL refuse them, so both engines get the same answer.
    """

    max_chars: int
    none: bool = False
    blank: bool = True
    line: bool = False
    what: str = "text"

    def __call__(self, name: str, value: Any) -> str | None:
        """Return the text (None for no text), or raise naming ``name``."""
        if self.none and (value is None or value == ""):
            return None
        if not isinstance(value, str):
            _fail(name, f"{self.requirement} (str)", value, ArgumentTypeError)
        if not self.blank and not value.strip():
            _fail(name, self.requirement, value)
        if len(value) > self.max_chars:
            raise ValueError(
                f"{name} is too long: {len(value)} characters, at most {self.max_chars}."
            )
        bad = _first_bad_character(value, self.line)
        if bad is not None:
            raise ValueError(
                f"{name} holds the character U+{ord(bad):04X} at position "
                f"{value.index(bad) + 1}, which cannot be stored; remove it "
                f"(got {_excerpt(value)!r})."
            )
        return value

    @property
    def requirement(self) -> str:
        """What a valid value is, in words."""
        text = self.what if self.blank else f"a non-empty {self.what}"
        return f"{text} or None" if self.none else text


#: Characters no stored text may hold: lone surrogates (not UTF-8) and control characters;
#: the second pattern also refuses line breaks and tabs (one-line text).
_BAD_IN_TEXT = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BAD_IN_LINE = re.compile("[\ud800-\udfff\x00-\x1f\x7f]")


def _first_bad_character(value: str, line: bool) -> str | None:
    found = (_BAD_IN_LINE if line else _BAD_IN_TEXT).search(value)
    return None if found is None else found.group()


def _excerpt(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


@dataclass(frozen=True)
class Flag:
    """An answer's flag: True, False, None or ``"unsure"``; stored as ``"unsure"`` or None."""

    def __call__(self, name: str, value: Any) -> str | None:
        """Return ``"unsure"`` or None, or raise ``ValueError`` naming ``name``."""
        if value is None or value is False:
            return None
        if value is True or value == "unsure":
            return "unsure"
        raise ValueError(f"{name} must be True, False, None or 'unsure', got {value!r}.")


@dataclass(frozen=True)
class EventOrTime:
    """A point of a project's log: an event id (an int >= 0) or a time, or None for now.

    A time is a ``datetime``, ``pandas.Timestamp``, ``numpy.datetime64`` or ISO text; a time
    without a zone is taken as UTC. Times come back as UTC ``pandas.Timestamp``.
    """

    requirement = (
        "an event id (an int >= 0), a time (datetime, pandas Timestamp or ISO text such as "
        "'2024-05-01 12:00'; UTC unless it names a zone) or None"
    )

    def __call__(self, name: str, value: Any) -> Any:
        """Return the event id, the UTC time or None, or raise naming ``name``."""
        if value is None:
            return None
        if is_int(value):
            if value < 0:
                _fail(name, self.requirement, value)
            return int(value)
        import datetime

        import numpy as np
        import pandas as pd

        if not isinstance(value, str | datetime.datetime | datetime.date | np.datetime64):
            _fail(name, self.requirement, value, ArgumentTypeError)
        try:
            moment = pd.Timestamp(value)
        except (TypeError, ValueError):
            moment = pd.NaT
        if moment is pd.NaT:
            _fail(name, self.requirement, value)
        return moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")


_ABSENT = object()


def offers(value: Any, protocol: type) -> bool:
    """Whether ``value`` has every public attribute and method ``protocol`` declares.

    Attributes are looked up without being evaluated (a property such as a project's
    ``annotations`` is not computed), so asking is cheap and has no side effects.
    """
    return all(
        inspect.getattr_static(value, name, _ABSENT) is not _ABSENT
        for name in _protocol_members(protocol)
    )


@functools.cache
def _protocol_members(protocol: type) -> tuple[str, ...]:
    names: set[str] = set()
    for cls in protocol.__mro__[:-1]:  # all but object
        names.update(vars(cls), getattr(cls, "__annotations__", {}))
    return tuple(sorted(name for name in names if not name.startswith("_")))


@dataclass(frozen=True)
class Offers:
    """An object that offers what ``protocol`` declares (see :func:`offers`), whatever its class.

    A part below the ``Project`` facade takes "a project" this way, without importing it;
    ``what`` names what is expected, e.g. ``"an nl.Project"``.
    """

    protocol: type
    what: str

    def __call__(self, name: str, value: Any) -> Any:
        """Return ``value``, or raise ``TypeError`` naming ``name`` and the type given."""
        if not offers(value, self.protocol):
            raise ArgumentTypeError(f"{name} must be {self.what}, got {type(value).__name__}.")
        return value


#: Longest annotator name, in characters.
MAX_ANNOTATOR_CHARS = 200
#: Longest label of a task, in characters (labels are shown on buttons and in charts).
MAX_LABEL_CHARS = 200
#: Longest comment kept with an answer, in characters.
MAX_COMMENT_CHARS = 10_000

#: The rule of each field that several entry points take, by the field's name.
FIELDS: dict[str, Callable[[str, Any], Any]] = {
    "annotator": Text(MAX_ANNOTATOR_CHARS, blank=False, line=True, what="name"),
    "reviewer": Text(MAX_ANNOTATOR_CHARS, blank=False, line=True, what="name"),
    "prelabeler": Text(MAX_ANNOTATOR_CHARS, blank=False, line=True, what="name"),
    "comment": Text(MAX_COMMENT_CHARS, none=True),
    "passage": Text(MAX_LABEL_CHARS, blank=False, line=True, what="guideline heading"),
    "flag": Flag(),
    "ci": Number(0, 1, low_open=True, high_open=True,
                 what="a confidence level between 0 and 1, e.g. 0.95"),
    "n": Integer(low=1, what="a positive number of resamples"),
    "seed": Integer(low=0, none=True),
    "window": Integer(1, 10_000),
    "threshold": Number(0, 1, low_open=True, what="a share between 0 and 1"),
    "top": Integer(low=1, what="a positive number of rows"),
    "bins": Integer(low=1),
    "batch_size": Integer(low=1),
    "retrain_every": Integer(low=1),
    "max_iter": Integer(low=1),
    "show_suggestions": Boolean(),
    "hide_suggestions": Number(0, 1, high_open=True, what="a share of items between 0 and 1"),
    "overlap": Integer(low=1, none=True, what="a positive number of annotators per item"),
    "lease_seconds": Number(0, low_open=True),
    "name": Text(200, blank=False, line=True),
    "label": Text(MAX_LABEL_CHARS, blank=False, line=True, what="string"),
    "training": Boolean(),
    "blind": Boolean(),
    "over_time": Boolean(),
    "as_of": EventOrTime(),
}


def check(name: str, value: Any) -> Any:
    """Check ``value`` by the rule of field ``name`` (see :data:`FIELDS`); return it normalised."""
    return FIELDS[name](name, value)


def default_annotator() -> str:
    """Return the annotator name to use when none is given: ``JUPYTERHUB_USER``, else the login."""
    name = os.environ.get("JUPYTERHUB_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "anonymous"


def annotator_or_default(value: Any, field: str = "annotator") -> str:
    """Return ``value`` checked as an annotator's name, or :func:`default_annotator` for None."""
    return default_annotator() if value is None else check(field, value)
