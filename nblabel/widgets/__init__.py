"""The Python half of every view: anywidget classes bound to an annotator's session.

State that must survive a re-render or a second view lives in traits (the task, the
guideline, progress); the item window travels as custom messages (see
:mod:`nblabel.session.protocol`), and a view asks for a snapshot when it starts, so no message
sent before a view exists is ever needed.

Each kind of task has its view in a module of this package named after the task's ``kind``
(``classify.py`` → ``ClassifyWidget``), registered with :func:`register`; its browser half is
``widgets/<kind>/`` in the source tree, bundled to ``nblabel/static/<kind>.js``.
"""

from __future__ import annotations

import importlib
import json
import logging
import pathlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import anywidget
import pandas as pd
import traitlets

from .._guidelines import guideline_passages, render_guideline
from .._payload import Buffers
from ..session import AnnotatorSession, protocol

if TYPE_CHECKING:
    from ..tasks import Task

log = logging.getLogger(__name__)
STATIC = pathlib.Path(__file__).resolve().parent.parent / "static"
_VIEWS: dict[str, type[LabelerWidget]] = {}
W = TypeVar("W", bound="type[LabelerWidget]")


class LabelerWidget(anywidget.AnyWidget):
    """A labeling view of one annotator's session on a project.

    Create it with :meth:`nblabel.Project.label` (or :func:`nblabel.label`), not directly.
    """

    annotator = traitlets.Unicode(read_only=True).tag(sync=True)
    """Who is labeling in this view."""

    task = traitlets.Dict(read_only=True).tag(sync=True)
    """The task as plain data (labels, keys, options), without the guideline text."""

    guideline = traitlets.Dict(read_only=True).tag(sync=True)
    """The guideline shown: ``{"html": sanitised HTML, "version": content hash, "passages":
    [heading, ...]}`` (may be empty); a reviewer's decision may cite a passage by its heading."""

    review = traitlets.Bool(False, read_only=True).tag(sync=True)
    """True in the adjudication view (:meth:`nblabel.Project.review`)."""

    progress = traitlets.Dict().tag(sync=True)
    """This annotator's counts: ``done``, ``total``, ``labeled``, ``skipped``, ``flagged``,
    ``by_label``."""

    model = traitlets.Dict().tag(sync=True)
    """The model in the loop (:meth:`nblabel.Project.learn`): ``status`` (cold, ready or
    failed), ``message`` (shown under the header), ``version`` and ``error``; empty without."""

    feedback = traitlets.Dict().tag(sync=True)
    """The annotator's answers a reviewer overruled or that missed a gold item: ``count`` and
    the newest ``items`` (``kind``, ``answer``, ``correct``, ``by``, ``comment``, ``passage``
    (``{"heading", "text"}`` of the guideline passage the decision cites, or None), ``at``,
    ``id``, ``snippet``), all plain text; empty in the adjudication view. It follows decisions
    made in any view or kernel."""

    storage_key = traitlets.Unicode(read_only=True).tag(sync=True)
    """Names this annotator's views of this project in the browser's storage: the store (its
    password hidden), the project, the annotator and the session's kind. Answers a lost kernel
    never saved are kept under it, and the next view with the same key offers to submit them
    (empty: nothing is kept)."""

    def __init__(self, session: AnnotatorSession, project: Any = None) -> None:
        task = session.task
        spec = task.to_dict()
        spec.pop("guidelines", None)
        super().__init__()
        self.set_trait("annotator", session.annotator)
        self.set_trait("review", session.source == "adjudicated")
        self.set_trait("task", spec)
        self.set_trait("storage_key", _storage_key(project, session))
        self.set_trait(
            "guideline",
            {
                "html": render_guideline(task.guidelines),
                "version": task.guideline_version,
                "passages": [passage.heading for passage in guideline_passages(task.guidelines)],
            },
        )
        #: The project this view belongs to (for the user's convenience; views use the session).
        self.project = project
        self._session = session
        self.model = session.model_status()
        if session.feedback is not None:
            self.feedback = session.feedback.summary()
        self.on_msg(self._on_message)
        session.attach(self)

    # -- Listener protocol (called by the session) ------------------------------------------
    def deliver(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        """Send a protocol message to this view's browser side."""
        self.send(content, buffers or None)

    def show_progress(self, progress: dict[str, Any]) -> None:
        """Show the annotator's progress."""
        self.progress = progress

    def show_model(self, status: dict[str, Any]) -> None:
        """Show the model's status (called from the learner's thread after each retrain)."""
        self.model = status

    def show_feedback(self, feedback: dict[str, Any]) -> None:
        """Show the annotator's feedback (it changed)."""
        self.feedback = feedback

    # -- browser messages ----------------------------------------------------------------------
    def _on_message(self, widget: Any, content: Any, buffers: list[bytes]) -> None:
        if isinstance(content, dict) and content.get("kind") == "batch":
            # What the browser answered while its previous request was in flight, in order:
            # each message is handled (and replied to) as if it had come alone.
            messages = content.get("messages")
            if not isinstance(messages, list):
                log.warning("ignoring a batch without a list of messages: %r", content)
                return
            for message in messages:
                self._on_message(widget, message, buffers)
            return
        try:
            self._session.handle(content, self)
        except Exception as error:  # an answer must never vanish silently: reject it
            log.exception("nblabel failed to handle %r", content)
            req = content.get("req") if isinstance(content, dict) else None
            pos = content.get("pos") if isinstance(content, dict) else None
            reason = f"internal error, not saved: {type(error).__name__}: {error}"
            self.deliver(protocol.reject(req, pos, reason), [])

    def close(self) -> None:
        """Close the view and stop sending it messages."""
        self._session.detach(self)
        super().close()

    @staticmethod
    def item_view(task: Task, row: pd.Series, buffers: Buffers) -> dict[str, Any]:
        """Return what the browser shows for one item (a row of the bound DataFrame).

        Subclasses build plain data (text as strings, binary data as ``buffers`` indexes);
        the browser never receives HTML built from data.
        """
        raise TypeError(f"{type(task).__name__} has no item view")

    @classmethod
    def item_view_for(cls, annotator: str) -> Callable[[Task, pd.Series, Buffers], dict[str, Any]]:
        """Return the :meth:`item_view` used in ``annotator``'s session.

        The same for everyone by default; views that show items differently per annotator
        (e.g. options in an order drawn per annotator) override this.
        """
        return cls.item_view


def _storage_key(project: Any, session: AnnotatorSession) -> str:
    """Return the browser storage key of ``session``'s views (empty without a project)."""
    store = getattr(project, "store", None)
    if store is None:
        return ""
    return json.dumps([store.url, project.name, session.annotator, session.source])


def register(kind: str) -> Callable[[W], W]:
    """Class decorator: make a widget class the view of tasks of ``kind``."""

    def decorate(cls: W) -> W:
        _VIEWS[kind] = cls
        return cls

    return decorate


def view_class(task: Task) -> type[LabelerWidget]:
    """Return the widget class for ``task`` (importing ``nblabel.widgets.<kind>`` on first use)."""
    if task.kind not in _VIEWS:
        try:
            importlib.import_module(f"{__name__}.{task.kind}")
        except ModuleNotFoundError as error:
            raise TypeError(f"no labeling widget for task kind {task.kind!r}.") from error
    return _VIEWS[task.kind]
