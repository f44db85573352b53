"""Projects built from other tools' exports: Label Studio, Prodigy, CoNLL (see :mod:`nblabel.io`).

Each constructor reads the export with its :mod:`nblabel.io` reader (which checks every answer
against the task before anything is stored), creates the project, stores the answers with
:meth:`~nblabel.Project.add_many` (one transaction; importing the same export again adds
nothing) and the suggestions with :meth:`~nblabel.Project.prelabel`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .._checks import check_kwargs
from .base import ProjectBase

if TYPE_CHECKING:  # nblabel.io loads on first use: `import nblabel` stays fast
    from ..io import Imported
    from ..store import Store
    from ..tasks import Task

P = TypeVar("P", bound="Exchange")


class Exchange(ProjectBase):
    """Building a project from another tool's export (see :class:`nblabel.Project`)."""

    @classmethod
    @check_kwargs
    def from_label_studio(
        cls: type[P],
        tasks_or_path: Any,
        *,
        config: str | None = None,
        task: Task | None = None,
        store: str | os.PathLike[str] | Store | None = None,
        name: str | None = None,
        from_name: str | None = None,
        annotators: Mapping[Any, str] | None = None,
    ) -> P:
        """Return a project built from a Label Studio JSON export.

        Items come from each task's ``data``, the task from ``config`` (the labeling config)
        or ``task=``; every annotation is an answer of its annotator (``completed_by``'s
        e-mail or id, renamed by ``annotators={e-mail or id: name}``) with its time and
        ``lead_time``; a cancelled annotation is a skip; predictions are suggestions of the
        pre-labeler their ``model_version`` names. See :func:`nblabel.io.read_label_studio`
        for the options, and :mod:`nblabel.io.label_studio` for what is read and what not
        (drafts, other controls of the config). ``store`` and ``name`` are those of
        :class:`nblabel.Project`.

        Examples
        --------
        >>> proj = nl.Project.from_label_studio("export.json", config=xml)  # doctest: +SKIP
        """
        from ..io.label_studio import read_label_studio

        imported = read_label_studio(tasks_or_path, config=config, task=task,
                                     from_name=from_name, annotators=annotators)
        return cls._from_imported(imported, store, name)

    @classmethod
    @check_kwargs
    def from_prodigy(
        cls: type[P],
        examples_or_path: Any,
        *,
        task: Task | None = None,
        annotator: str | None = None,
        store: str | os.PathLike[str] | Store | None = None,
        name: str | None = None,
    ) -> P:
        """Return a project built from Prodigy examples (JSONL, e.g. from ``prodigy db-out``).

        The task is read from the examples unless ``task=`` is given; ``annotator`` names who
        answered examples without ``_annotator_id``; Prodigy's hashes are columns of the
        items. See :func:`nblabel.io.read_prodigy` and :mod:`nblabel.io.prodigy`.

        Examples
        --------
        >>> proj = nl.Project.from_prodigy("ner_news.jsonl", store="ner.db")  # doctest: +SKIP
        """
        from ..io.prodigy import read_prodigy

        imported = read_prodigy(examples_or_path, task=task, annotator=annotator)
        return cls._from_imported(imported, store, name)

    @classmethod
    @check_kwargs
    def from_conll(
        cls: type[P],
        source: Any,
        *,
        text: str = "text",
        labels: Sequence[str] | None = None,
        annotator: str = "conll",
        store: str | os.PathLike[str] | Store | None = None,
        name: str | None = None,
    ) -> P:
        """Return a span project built from a CoNLL / IOB2 file (one item per block).

        See :func:`nblabel.io.read_conll` for the options and :mod:`nblabel.io.conll` for the
        format.

        Examples
        --------
        >>> proj = nl.Project.from_conll("train.conll", store="ner.db")  # doctest: +SKIP
        """
        from ..io.conll import read_conll

        imported = read_conll(source, text=text, labels=labels, annotator=annotator)
        return cls._from_imported(imported, store, name)

    @classmethod
    def _from_imported(
        cls: type[P], imported: Imported, store: str | os.PathLike[str] | Store | None,
        name: str | None,
    ) -> P:
        project = cls(imported.df, imported.task, store, name)
        try:
            answers = imported.answers
            if len(answers):  # the source's ids when every answer has one, else content hashes
                keyed = answers["key"].notna().all()
                project.add_many(
                    answers if keyed else answers.drop(columns="key"),
                    key="key" if keyed else None,
                )
            for (who, version), group in imported.suggestions.groupby(
                ["name", "version"], sort=False, dropna=False
            ):
                offered = dict(zip(group["item"], group[["value", "confidence"]].to_dict(
                    "records"), strict=True))
                report = project.prelabel(
                    lambda rows, offered=offered: [offered.get(item) for item in rows.index],
                    name=who, version=version if isinstance(version, str) else who,
                    items=list(offered), progress=False,
                )
                refused = report[report["status"] == "refused"]
                if len(refused):
                    raise ValueError(
                        f"suggestions of {who!r} were refused: "
                        f"{refused[['item', 'detail']].head().to_dict('records')}."
                    )
        except BaseException:
            project.close()
            raise
        return project
