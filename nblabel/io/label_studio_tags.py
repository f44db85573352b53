"""Label Studio labeling configs: the XML for a task, and a task from the XML.

Each task becomes the Label Studio tags that ask the same question, named so that a config
written here is read back as the same task:

* ``Classify`` → a ``<Choices name="label">`` (``choice="single"`` or ``"multiple"``) on the
  shown column: ``<Text>`` for ``text=``, ``<Image>`` for ``image=`` (the column must hold URLs
  or paths Label Studio can open), a ``<Header>`` and a ``<Text>`` per column of ``fields=``;
* ``Spans`` → ``<Labels name="label">`` on a ``<Text>`` of the text column;
* ``Rank`` with two options → ``<Pairwise name="preference">`` between two ``<Text>`` tags (the
  first option on the left), the prompt as a ``<Text>`` above them. With ``ties=True`` a
  ``<Choices name="preference_verdict">`` offers ``tie`` and ``all bad`` (a Pairwise has neither);
  with ``rating=`` a ``<Choices name="preference_rating_<option>">`` per option holds its level;
* ``Rank`` with three or more options → ``<Ranker name="ranking">`` on a ``<List>`` of the
  options (a data field ``candidates`` of ``{"id", "title", "body"}`` items), ratings as above.
  A Ranker orders every option strictly: ties and rankings that leave options out cannot be
  expressed, and :func:`~nblabel.io.to_label_studio` refuses them, naming the items.

Label keys become ``hotkey`` attributes. What a config cannot hold: the guideline text (Label
Studio keeps instructions in the project's settings), a span task's ``tokens=`` (Label Studio
selects characters or its own words), and ``shuffle`` (Label Studio shows options in the
config's order). Data columns must be names Label Studio can use as ``$variables`` (letters,
digits, ``_`` and ``-``).

Reading a config (:func:`read_config`) finds the control that holds the answers — a
``Choices``, ``Labels``, ``Pairwise`` or ``Ranker`` — and rebuilds the task from it; the
auxiliary Choices above belong to their Pairwise or Ranker. A config with several such controls
needs ``from_name=`` to say which one the project is about; results of the other controls are
not read.
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..tasks import Classify, Rank, Spans, Task

#: Name of the control a classification or span task's answers go to.
LABEL = "label"
#: Name of the Pairwise control of a two-option ranking.
PAIRWISE = "preference"
#: Name of the Ranker control of a ranking of three or more options.
RANKER = "ranking"
#: Data field holding a Ranker's list of options.
CANDIDATES = "candidates"
#: Choices of the verdict control (a two-option ranking with ties).
TIE, ALL_BAD = "tie", "all bad"
#: Controls whose results are answers.
ANSWER_CONTROLS = ("choices", "labels", "pairwise", "ranker")

_VARIABLE = re.compile(r"[\w-]+")
_NOT_VARIABLE = re.compile(r"[^\w-]+")


@dataclass(frozen=True)
class Interface:
    """How a task's question appears in a Label Studio config, by the names of its tags.

    Attributes
    ----------
    kind : {"choices", "labels", "pairwise", "ranker"}
        The type of the control that holds answers (Label Studio's result ``type``).
    control : str
        Its name (results' ``from_name``).
    to_name : str
        Its ``toName``: the object tag(s) it labels.
    columns : dict
        Data field of each object tag (``{tag name: data key}``).
    labels : tuple of str
        Classification and span labels, in the config's order (empty for rankings).
    multi : bool
        A ``Choices`` with ``choice="multiple"``.
    verdict : str or None
        The Choices offering ``tie`` and ``all bad`` beside a Pairwise.
    ratings : dict
        The Choices holding each option's rating (``{option: control name}``) and their levels.
    levels : tuple
        The rating levels as the Choices name them (text).
    shown : str or None
        The data field of the object a ``Choices`` or ``Labels`` is on (the text or image).
    image : bool
        Whether that object is an ``<Image>``.
    fields : dict
        ``{header: data key}`` of the other ``Text`` tags a ``Choices`` shows (``fields=``).
    prompt : str or None
        The data field of a ranking's prompt.
    options : tuple of str
        A Pairwise's two data fields (left, right); empty for a Ranker, whose options are the
        ids of the items in its list.
    list_key : str or None
        The data field of a Ranker's list.
    """

    kind: str
    control: str
    to_name: str
    columns: dict[str, str]
    labels: tuple[str, ...] = ()
    multi: bool = False
    verdict: str | None = None
    ratings: dict[str, str] = field(default_factory=dict)
    levels: tuple[str, ...] = ()
    shown: str | None = None
    image: bool = False
    fields: dict[str, str] = field(default_factory=dict)
    prompt: str | None = None
    options: tuple[str, ...] = ()
    list_key: str | None = None

    def task(self, *, overlap: bool = False, options: Sequence[str] = ()) -> Task:
        """Return the nblabel task this interface asks.

        ``overlap`` (spans): whether answers hold overlapping spans. ``options`` (Ranker): the
        ids of the list's items.
        """
        if self.kind == "choices":
            if self.image:
                return Classify(list(self.labels), image=self.shown, multi=self.multi)
            if self.fields:
                return Classify(list(self.labels), fields=self.fields, multi=self.multi)
            return Classify(list(self.labels), text=self.shown, multi=self.multi)
        if self.kind == "labels":
            return Spans(list(self.labels), text=self.shown, overlap=overlap)
        rating = _rating(self.levels)
        if self.kind == "pairwise":
            return Rank(list(self.options), prompt=self.prompt, ties=self.verdict is not None,
                        rating=rating)
        return Rank(list(options), prompt=self.prompt, ties=False, rating=rating)


def interface_for(task: Task) -> Interface:
    """Return how ``task`` is written in a Label Studio config (the names of its tags).

    Raises
    ------
    ValueError
        If a column the task shows is not a name Label Studio can use as a data field.
    TypeError
        If ``task`` is not a Classify, Spans or Rank task.
    """
    if not isinstance(task, Classify | Spans | Rank):
        raise TypeError(f"task must be nl.Classify, nl.Spans or nl.Rank, got {task!r}.")
    for column in _shown_columns(task):
        if not _VARIABLE.fullmatch(column):
            fixed = _NOT_VARIABLE.sub("_", column)
            raise ValueError(
                f"column {column!r} cannot be a Label Studio data field ($variable): use "
                f"letters, digits, '_' and '-' only, e.g. df.rename(columns={{{column!r}: "
                f"{fixed!r}}})."
            )
    taken = set(_shown_columns(task))
    if isinstance(task, Classify):
        shown = task.image or task.text
        fields = {} if shown is not None else dict(task.fields)
        control = _free(LABEL, taken)
        first = shown if shown is not None else next(iter(fields.values()))
        return Interface(
            "choices", control, first, {c: c for c in _shown_columns(task)},
            labels=task.labels, multi=task.multi, shown=shown, image=task.image is not None,
            fields=fields,
        )
    if isinstance(task, Spans):
        return Interface("labels", _free(LABEL, taken), task.text, {task.text: task.text},
                         labels=task.labels, shown=task.text)
    levels = tuple(str(level) for level in task.levels or ())
    pairwise = len(task.options) == 2
    if pairwise:
        control = _free(PAIRWISE, taken)
        to_name = ",".join(task.options)
        columns = {c: c for c in _shown_columns(task)}
        list_key = None
    else:
        list_key = _free(CANDIDATES, taken)
        taken.add(list_key)
        control = _free(RANKER, taken)
        to_name = list_key
        columns = {**({task.prompt: task.prompt} if task.prompt else {}), list_key: list_key}
    taken.add(control)
    verdict = _free(f"{control}_verdict", taken) if pairwise and task.ties else None
    ratings = {}
    if levels:
        for option in task.options:
            ratings[option] = _free(f"{control}_rating_{option}", taken | {verdict})
            taken.add(ratings[option])
    return Interface(
        "pairwise" if pairwise else "ranker", control, to_name, columns, verdict=verdict,
        ratings=ratings, levels=levels, prompt=task.prompt,
        options=tuple(task.options) if pairwise else (), list_key=list_key,
    )


def label_studio_config(task: Task) -> str:
    """Return the Label Studio labeling config (XML) that asks what ``task`` asks.

    Parameters
    ----------
    task : Classify, Spans or Rank
        The task. See the module's notes for the tags each becomes and what Label Studio
        cannot hold (the guideline text, span tokens, shuffling, ties among three or more
        options).

    Returns
    -------
    str
        The ``<View>…</View>`` config, for a Label Studio project's "Labeling Interface".

    Raises
    ------
    ValueError
        If a shown column is not a name Label Studio can use as a data field.

    Warns
    -----
    UserWarning
        For a ranking of three or more options that allows ties or partial rankings, which a
        Ranker cannot hold.

    Examples
    --------
    >>> import nblabel as nl
    >>> print(label_studio_config(nl.Classify(["pos", "neg"], text="review")))
    <View>
      <Text name="review" value="$review" />
      <Choices name="label" toName="review" choice="single" showInline="true">
        <Choice value="pos" hotkey="1" />
        <Choice value="neg" hotkey="2" />
      </Choices>
    </View>
    """
    layout = interface_for(task)
    view = ET.Element("View")
    if isinstance(task, Classify):
        _classify_tags(view, task, layout)
    elif isinstance(task, Spans):
        labels = ET.SubElement(view, "Labels", name=layout.control, toName=task.text)
        _choices(labels, "Label", task.labels, task.keys)
        ET.SubElement(view, "Text", name=task.text, value=f"${task.text}")
    else:
        _rank_tags(view, task, layout)
        if layout.kind == "ranker" and (task.ties or task.partial):
            allowed = " and ".join(n for n, on in (("ties", task.ties),
                                                   ("partial rankings", task.partial)) if on)
            warnings.warn(
                f"the task allows {allowed}, which Label Studio's Ranker cannot hold: annotators "
                "there order every option strictly, and nl.io.to_label_studio refuses answers "
                "with them. Pass ties=False (and partial=False) to say the task has none.",
                UserWarning, stacklevel=2,
            )
    ET.indent(view)
    return ET.tostring(view, encoding="unicode")


def read_config(config: str, from_name: str | None = None) -> Interface:
    """Return the interface of a Label Studio config: the answer control and its objects.

    Parameters
    ----------
    config : str
        The labeling config (``<View>…</View>``).
    from_name : str, optional
        The control whose answers to read, when the config has several.

    Raises
    ------
    ValueError
        If the config is not XML, has no control nblabel can read (Choices, Labels on a
        Text, Pairwise, Ranker on a List), or several without ``from_name=``.
    """
    if not isinstance(config, str):
        raise TypeError(f"config must be the labeling config's XML text, got {config!r}.")
    try:
        root = ET.fromstring(config)
    except ET.ParseError as error:
        raise ValueError(f"config is not valid XML ({error}).") from None
    objects, controls, headers = _tags(root)
    ranking = [c for c in controls if c.tag.lower() in ("pairwise", "ranker")]
    auxiliary = {
        name
        for c in ranking
        for name in (n.get("name", "") for n in controls)
        if name.startswith(f"{c.get('name')}_verdict")
        or name.startswith(f"{c.get('name')}_rating_")
    }
    answers = [c for c in controls if c.get("name") not in auxiliary]
    names = [c.get("name") for c in answers]
    if from_name is not None:
        if from_name not in names:
            raise ValueError(
                f"from_name={from_name!r} is not a control of the config that holds answers; "
                f"its controls: {names}."
            )
        answers = [c for c in answers if c.get("name") == from_name]
    if not answers:
        raise ValueError(
            "the config has no control nblabel can read: it reads <Choices>, <Labels> on a "
            "<Text>, <Pairwise> and <Ranker>."
        )
    if len(answers) > 1:
        raise ValueError(
            f"the config has several controls that hold answers, {names}; a project asks one "
            "question: pass from_name= to choose one (the others' results are not read)."
        )
    control = answers[0]
    kind = control.tag.lower()
    to_name = control.get("toName", "")
    columns = {name: tag.get("value", "")[1:] for name, tag in objects.items()}
    targets = to_name.split(",")
    missing = [name for name in targets if name not in objects]
    if missing:
        raise ValueError(f"control {control.get('name')!r} points at unknown objects {missing}.")
    common = {"kind": kind, "control": control.get("name", ""), "to_name": to_name,
              "columns": columns}
    if kind in ("choices", "labels"):
        return _read_labeling(control, common, objects, headers)
    return _read_ranking(control, common, controls, objects)


# -- writing ------------------------------------------------------------------------------------
def _shown_columns(task: Task) -> list[str]:
    if isinstance(task, Classify):
        return [c for c in (task.text, task.image, *task.fields.values()) if c is not None]
    if isinstance(task, Spans):
        return [task.text]
    return [*([task.prompt] if task.prompt else []), *task.options]


def _free(name: str, taken: set[Any]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}_{number}", number + 1
    return candidate


def _choices(parent: ET.Element, tag: str, values: Sequence[Any], keys: Sequence[Any]) -> None:
    for value, key in zip(values, keys, strict=True):
        attributes = {"value": str(value)}
        if key is not None:
            attributes["hotkey"] = key
        ET.SubElement(parent, tag, attributes)


def _classify_tags(view: ET.Element, task: Classify, layout: Interface) -> None:
    if task.image is not None:
        ET.SubElement(view, "Image", name=task.image, value=f"${task.image}")
    elif task.text is not None:
        ET.SubElement(view, "Text", name=task.text, value=f"${task.text}")
    else:
        for header, column in task.fields.items():
            ET.SubElement(view, "Header", value=header)
            ET.SubElement(view, "Text", name=column, value=f"${column}")
    choices = ET.SubElement(
        view, "Choices", name=layout.control, toName=layout.to_name,
        choice="multiple" if task.multi else "single", showInline="true",
    )
    _choices(choices, "Choice", task.labels, task.keys)


def _rank_tags(view: ET.Element, task: Rank, layout: Interface) -> None:
    if task.prompt is not None:
        ET.SubElement(view, "Text", name=task.prompt, value=f"${task.prompt}")
    if layout.kind == "pairwise":
        for option in task.options:
            ET.SubElement(view, "Text", name=option, value=f"${option}")
        ET.SubElement(view, "Pairwise", name=layout.control, toName=layout.to_name)
    else:
        ET.SubElement(view, "List", name=layout.list_key, value=f"${layout.list_key}",
                      title="Candidates")
        ET.SubElement(view, "Ranker", name=layout.control, toName=layout.to_name)
    if layout.verdict is not None:
        verdict = ET.SubElement(view, "Choices", name=layout.verdict, toName=task.options[0],
                                choice="single", showInline="true")
        _choices(verdict, "Choice", (TIE, ALL_BAD), ("t", "x"))
    for option, name in layout.ratings.items():
        ET.SubElement(view, "Header", value=f"Rating of {option}")
        target = option if layout.kind == "pairwise" else layout.to_name
        rating = ET.SubElement(view, "Choices", name=name, toName=target, choice="single",
                               showInline="true")
        _choices(rating, "Choice", layout.levels, [None] * len(layout.levels))


# -- reading ------------------------------------------------------------------------------------
def _tags(root: ET.Element) -> tuple[dict[str, ET.Element], list[ET.Element], dict[str, str]]:
    """Return the object tags by name, the answer controls, and each Text's preceding header."""
    objects: dict[str, ET.Element] = {}
    controls: list[ET.Element] = []
    headers: dict[str, str] = {}
    header = None
    for tag in root.iter():
        kind = tag.tag.lower()
        if kind == "header":
            header = tag.get("value")
        elif kind in ANSWER_CONTROLS:
            controls.append(tag)
            header = None
        elif tag.get("name") and (tag.get("value") or "").startswith("$"):
            objects[tag.get("name", "")] = tag
            if header is not None:
                headers[tag.get("name", "")] = header
            header = None
    return objects, controls, headers


def _values(control: ET.Element, child: str) -> tuple[str, ...]:
    return tuple(
        tag.get("alias") or tag.get("value", "")
        for tag in control.iter()
        if tag.tag.lower() == child
    )


def _read_labeling(
    control: ET.Element, common: dict[str, Any], objects: dict[str, ET.Element],
    headers: dict[str, str],
) -> Interface:
    kind = common["kind"]
    target = objects[common["to_name"].split(",")[0]]
    object_kind = target.tag.lower()
    labels = _values(control, "choice" if kind == "choices" else "label")
    if kind == "labels" and object_kind != "text":
        raise ValueError(
            f"<Labels name={common['control']!r}> is on a <{target.tag}>; nblabel reads spans "
            "on a <Text> only (offsets in code points)."
        )
    if kind == "choices" and object_kind not in ("text", "image", "hypertext"):
        raise ValueError(
            f"<Choices name={common['control']!r}> is on a <{target.tag}>; nblabel shows text "
            "and images only."
        )
    shown = common["columns"][target.get("name", "")]
    texts = [name for name, tag in objects.items() if tag.tag.lower() in ("text", "hypertext")]
    fields: dict[str, str] = {}
    if kind == "choices" and object_kind != "image" and len(texts) > 1:
        fields = {headers.get(name, common["columns"][name]): common["columns"][name]
                  for name in texts}
        shown = None
    return Interface(
        **common, labels=labels, multi=control.get("choice", "single") == "multiple",
        shown=shown, image=object_kind == "image", fields=fields,
    )


def _read_ranking(
    control: ET.Element, common: dict[str, Any], controls: list[ET.Element],
    objects: dict[str, ET.Element],
) -> Interface:
    name = common["control"]
    targets = common["to_name"].split(",")
    kind = common["kind"]
    if kind == "pairwise" and len(targets) != 2:
        raise ValueError(f"<Pairwise name={name!r}> needs two objects in toName, got {targets}.")
    if kind == "ranker" and objects[targets[0]].tag.lower() != "list":
        raise ValueError(f"<Ranker name={name!r}> must be on a <List> of the options.")
    columns = common["columns"]
    others = [n for n, tag in objects.items() if n not in targets and tag.tag.lower() == "text"]
    verdict = next((c.get("name") for c in controls if c.get("name") == f"{name}_verdict"), None)
    prefix = f"{name}_rating_"
    ratings = {
        c.get("name", "")[len(prefix):]: c.get("name", "")
        for c in controls
        if c.get("name", "").startswith(prefix)
    }
    levels = next((_values(c, "choice") for c in controls if c.get("name") in ratings.values()),
                  ())
    return Interface(
        **common, verdict=verdict, ratings=ratings, levels=levels,
        prompt=columns[others[0]] if len(others) == 1 else None,
        options=tuple(columns[t] for t in targets) if kind == "pairwise" else (),
        list_key=columns[targets[0]] if kind == "ranker" else None,
    )


def _rating(levels: tuple[str, ...]) -> tuple[int, int] | tuple[str, ...] | None:
    """Return the rating scale Choices name: whole numbers in a row, or named levels."""
    if not levels:
        return None
    if all(level.isdigit() for level in levels):
        numbers = [int(level) for level in levels]
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            return numbers[0], numbers[-1]
    return levels
