"""Small helpers shared by the public API."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
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
