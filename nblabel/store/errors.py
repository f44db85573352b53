"""The store's errors, and what a driver's error means to the person at the notebook.

Every public :class:`~nblabel.store.Store` method raises :class:`StoreError` (never a raw
driver error) when the database fails, with a message from :func:`explain`: what happened and
what to do, the password masked (messages end up in notebooks that get shared).
"""

from __future__ import annotations

import re

import sqlalchemy as sa


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says why and what to do."""


class ItemFull(StoreError):
    """An item already has its ``overlap`` answers (or holders); this annotator cannot take it."""


class StaleAnswer(StoreError):
    """An answer based on an older state of its item than the store holds (nothing written).

    Another view or kernel of the same annotator wrote event ``latest`` on ``item`` after the
    event the answer was based on (``based_on``).
    """

    def __init__(self, item: str, annotator: str, based_on: int, latest: int) -> None:
        super().__init__(
            f"{annotator!r} answered item {item} elsewhere (event {latest}) after the answer "
            f"this one replaces (event {based_on}); nothing was written."
        )
        self.item, self.annotator, self.based_on, self.latest = item, annotator, based_on, latest


class LogChanged(StoreError):
    """A batch checked against an older state of the project's log (nothing written).

    The writer had read the log up to event ``expected``; the store's newest event is ``last``.
    Read the new events, check the batch again, and write it again.
    """

    def __init__(self, expected: int, last: int) -> None:
        super().__init__(
            f"the project's log changed while this batch was being checked (newest event "
            f"{last}, expected {expected}); nothing was written."
        )
        self.expected, self.last = expected, last


class AccessDenied(StoreError):
    """The database refused the connected role what it tried (its grants or row-level security).

    On a PostgreSQL store set up with :func:`nblabel.admin.setup_postgres`, ``role`` is the
    team member the connection logs in as, ``what`` says what it tried and why it may not, and
    ``reason`` is the database's own words.
    """

    def __init__(self, role: str | None, what: str, reason: str) -> None:
        super().__init__(f"the database refuses: connected as {role!r}, {what} ({reason})")
        self.role, self.what, self.reason = role, what, reason


#: The driver errors :func:`explain` knows how to word: a refused statement or connection, and
#: a connection pool that gave up waiting for a free connection.
DRIVER_ERRORS = (sa.exc.DBAPIError, sa.exc.TimeoutError)

_URL_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")
_CONNINFO_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)


def hide_password(text: str) -> str:
    """Return ``text`` with the passwords of URLs and ``password=`` settings masked.

    Examples
    --------
    >>> hide_password("postgresql://ana:s3cret@db/labels")
    'postgresql://ana:***@db/labels'
    """
    return _CONNINFO_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***@", text))


def explain(error: sa.exc.SQLAlchemyError, url: str, busy_timeout_s: float) -> str:
    """Return what ``error`` (from the store at ``url``) means and what to do about it.

    ``busy_timeout_s`` is how long a writer waits for another's lock before giving up.
    """
    orig = getattr(error, "orig", None)
    reason = hide_password(str(orig) if orig is not None else str(error)).strip()
    lowered = reason.lower()
    if "not a database" in lowered or "malformed" in lowered or "file is encrypted" in lowered:
        return (
            f"{url} is not a readable nblabel store ({reason}). The file is damaged or is not a "
            "SQLite database: move it aside (keep it for recovery) or pass another store=."
        )
    if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        return (
            f"cannot write to {url} ({reason}). Check that the file and its directory are "
            "writable, or pass another store=."
        )
    if "locked" in lowered or "busy" in lowered:
        return (
            f"{url} stayed locked by another writer for over {busy_timeout_s:.0f} s ({reason}); "
            "nothing was written. Try again, or check for a stuck process holding the file."
        )
    if "disk is full" in lowered or "no space left" in lowered or "disk full" in lowered:
        return (
            f"the disk holding {url} is full ({reason}); nothing was written. Free some space "
            "and try again, or pass another store=."
        )
    if any(
        sign in lowered
        for sign in ("connection refused", "could not connect", "could not translate host")
    ):
        return (
            f"the store {url} cannot be reached ({reason}). Check that the server runs and "
            "accepts connections at this host and port, or pass another store=."
        )
    return f"the store {url} failed: {reason}"
