"""Text from data is never markup: in reprs, reports, tables, the dashboard and charts.

Every HTML that nblabel writes is built from data whose every text field (labels, option and
annotator names, item ids and text, comments, guideline and project names, column names) holds
hostile strings. The HTML is parsed as a browser would: no element or event handler may come from
data, and each hostile string must still be shown, literally, as text (``&lt;b&gt;`` included:
already-escaped text is shown as written, not read as an entity). Charts are checked on their
spec: Vega draws titles, axes and legends as text, and vega-embed's tooltip handler escapes what
it shows as long as nothing in the spec replaces it.

The cases are listed by class (each class of nblabel with ``_repr_html_``) and by chart builder
(each function or method returning an altair chart); guards fail when one is missing.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import nblabel as nl
from nblabel import charts, rank
from nblabel._guidelines import render_guideline
from nblabel._html import element, frame_html
from nblabel._kernel import ThreadScheduler
from nblabel.agreement import AgreementWarning
from nblabel.charts import display as chart_display
from nblabel.charts.display import EMBED_OPTIONS
from nblabel.consensus.model import DawidSkeneResult
from nblabel.dashboard import Dashboard
from nblabel.pilot import PilotReport
from nblabel.prelabel import SuggestionReport
from nblabel.rank.strengths import BradleyTerry

PACKAGE = Path(nl.__file__).parent

HOSTILE = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "&lt;b&gt;",
)
LABELS = [f"{h} label" for h in HOSTILE]
ANNOTATORS = [f"{h} annotator" for h in HOSTILE]
ITEMS = [f"{h} item {i}" for i, h in enumerate(HOSTILE * 2)]
TEXTS = [f"{h} text {i}" for i, h in enumerate(HOSTILE * 2)]
GUIDELINES = [f"{h} guideline" for h in HOSTILE]
OPTIONS = [f"{h} option" for h in HOSTILE]
COMMENT = " ".join(HOSTILE) + " comment"
NAME = " ".join(HOSTILE) + " project"
WHY = " ".join(HOSTILE) + " why"
ERROR = " ".join(HOSTILE) + " error"


# -- reading HTML as a browser does ------------------------------------------------------------
class Page(HTMLParser):
    """The elements (with their attributes) and the text a browser makes of an HTML string."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        """The text shown (character references decoded, as on screen)."""
        return "\n".join(self.chunks)


def live_from_data(page: Page) -> list[tuple[str, dict[str, str | None]]]:
    """Elements that only hostile data could have put there: img, script, svg, on* handlers."""
    return [
        (tag, attrs) for tag, attrs in page.elements
        if tag in ("img", "script", "svg") or any(name.startswith("on") for name in attrs)
    ]


def assert_inert(markup: str, shown: list[str]) -> None:
    """No element from data, and every string of ``shown`` is on screen as written."""
    page = Page(markup)
    assert not live_from_data(page), f"data became markup: {live_from_data(page)}"
    missing = [s for s in shown if s not in page.text]
    assert not missing, f"not shown as text: {missing}"


# -- the data ----------------------------------------------------------------------------------
def add_rounds(df: pd.DataFrame, store: Path) -> nl.Project:
    """Four guideline versions; in each, four annotators label every item, one of them off by one."""
    for round_, guideline in enumerate(GUIDELINES):
        task = nl.Classify(
            LABELS, text="text", guidelines=nl.Guideline(f"Round {round_}.", name=guideline)
        )
        proj = nl.Project(df, task, store=store, name=NAME)
        for a, annotator in enumerate(ANNOTATORS):
            for i, item in enumerate(ITEMS):
                value = LABELS[(i + round_ + (a == 3)) % len(LABELS)]
                proj.add(item, value, annotator=annotator, comment=COMMENT)
        if round_ < len(GUIDELINES) - 1:
            proj.close()
    return proj


@pytest.fixture(scope="module")
def proj(tmp_path_factory: pytest.TempPathFactory) -> Iterator[nl.Project]:
    df = pd.DataFrame({"text": TEXTS}, index=pd.Index(ITEMS, name="item"))
    project = add_rounds(df, tmp_path_factory.mktemp("escaping") / "hostile.db")
    yield project
    project.close()


def pairs() -> pd.DataFrame:
    """Comparisons between options with hostile names (as ``rank.preferences`` returns them)."""
    chosen = [0, 1, 2, 3, 0, 2, 1, 3]
    rejected = [1, 2, 3, 0, 2, 1, 3, 1]
    return pd.DataFrame({
        "chosen": [OPTIONS[i] for i in chosen],
        "rejected": [OPTIONS[i] for i in rejected],
        "tie": [False, False, True, False, False, False, False, True],
    })


def predictions() -> pd.DataFrame:
    """Shaped like ``LearnerState.predictions()``, with hostile labels and item ids."""
    rng = np.random.default_rng(0)
    given = np.array([LABELS[i % 4] for i in range(40)] + [None] * 20, dtype=object)
    heldout = np.roll(given[:40], 1).tolist() + [None] * 20
    return pd.DataFrame(
        {"label": given, "heldout": heldout, "suggestion": heldout,
         "heldout_confidence": np.r_[rng.uniform(0.3, 1, 40), [np.nan] * 20],
         "uncertainty": rng.uniform(0, 1, 60)},
        index=pd.Index([f"{HOSTILE[i % 4]} item {i}" for i in range(60)], name="item"),
    )


def quiet(build: Callable[[], Any]) -> Any:
    """Build something whose statistics may be undefined on this small round (NaN, not errors)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AgreementWarning)
        return build()


# -- every class with _repr_html_ --------------------------------------------------------------
def pilot_report(proj: nl.Project) -> tuple[str, list[str]]:
    report = proj.pilot_report(n=20)
    return report._repr_html_(), LABELS + ANNOTATORS + GUIDELINES + ITEMS + TEXTS


def bradley_terry(proj: nl.Project) -> tuple[str, list[str]]:
    return rank.bradley_terry(pairs(), prior=1.0)._repr_html_(), OPTIONS


def dawid_skene(proj: nl.Project) -> tuple[str, list[str]]:
    result = nl.consensus.dawid_skene(proj.annotations)
    return result._repr_html_(), LABELS + ITEMS + [f"p_{label}" for label in LABELS]


def suggestion_report(proj: nl.Project) -> tuple[str, list[str]]:
    """A pre-labeler with a hostile name suggests hostile labels; hostile annotators accept them."""
    fresh = nl.Project(proj.df, proj.task, store=":memory:")
    prelabeler = HOSTILE[2]
    fresh.prelabel(lambda batch: [{"value": LABELS[0], "confidence": 0.5}] * len(batch),
                   name=prelabeler, version=HOSTILE[3], progress=False)
    for annotator in ANNOTATORS:
        for item in ITEMS:
            fresh.add(item, LABELS[0], annotator=annotator,
                      meta={"suggestion": LABELS[0], "accepted": True})
    markup = fresh.suggestion_report()._repr_html_()
    fresh.close()
    return markup, ANNOTATORS + [LABELS[0], prelabeler, HOSTILE[3]]


#: Each class of nblabel that has ``_repr_html_``, and how to build one from hostile data.
REPR_CASES: dict[type, Callable[[nl.Project], tuple[str, list[str]]]] = {
    PilotReport: pilot_report,
    BradleyTerry: bradley_terry,
    DawidSkeneResult: dawid_skene,
    SuggestionReport: suggestion_report,
}


@pytest.mark.parametrize("cls", list(REPR_CASES), ids=lambda cls: cls.__name__)
def test_repr_html_shows_data_as_text(cls, proj):
    markup, shown = REPR_CASES[cls](proj)
    assert_inert(markup, shown)


def nblabel_modules() -> list[Any]:
    names = [m.name for m in pkgutil.walk_packages([str(PACKAGE)], "nblabel.")]
    return [importlib.import_module(name) for name in ["nblabel", *names]]


def nblabel_classes() -> set[type]:
    return {
        obj for module in nblabel_modules() for obj in vars(module).values()
        if inspect.isclass(obj) and obj.__module__ == module.__name__
    }


def defines_repr_html(cls: type) -> bool:
    """Whether nblabel itself writes ``cls``'s HTML (not, say, scikit-learn's estimator repr)."""
    return any(
        "_repr_html_" in vars(klass) for klass in cls.__mro__
        if klass.__module__.startswith("nblabel")
    )


def test_every_class_with_repr_html_is_checked():
    with_html = {cls for cls in nblabel_classes() if defines_repr_html(cls)}
    unchecked = sorted(cls.__qualname__ for cls in with_html - set(REPR_CASES))
    assert not unchecked, f"add these to REPR_CASES: {unchecked}"


# -- tables nblabel returns, the dashboard, guidelines -----------------------------------------
def test_tables_of_a_project_show_data_as_text(proj):
    events = proj.annotations
    with pd.option_context("display.max_rows", None, "display.max_colwidth", None):
        assert_inert(events._repr_html_(), ANNOTATORS + ITEMS + LABELS + [COMMENT])
    assert_inert(proj.guideline_history()._repr_html_(), GUIDELINES)
    assert events["comment"].eq(COMMENT).all(), "the data itself is left as it is"


class Broken(LogisticRegression):
    def fit(self, X, y, sample_weight=None):
        raise ValueError(ERROR)


#: The dashboard's browser half, which writes text from data as text nodes only.
DASHBOARD_JS = sorted((PACKAGE.parent / "widgets" / "dashboard").glob("*.js"))
#: What a front-end module would use to turn a string into markup.
WRITES_MARKUP = re.compile(
    r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser"
)


def dashboard_wire(dash: Dashboard) -> list[Any]:
    """Everything the dashboard sends: its synced state, and the messages a new view receives."""
    sent: list[Any] = []
    dash.send = lambda content, buffers=None: sent.append(content)
    dash._handle_custom_msg({"kind": "hello"}, [])  # as a view does when it starts
    state = {name: value for name, value in dash.get_state().items() if not name.startswith("_")}
    return [state, *sent]


def test_dashboard_sends_data_as_text(tmp_path):
    df = pd.DataFrame({"text": TEXTS}, index=pd.Index(ITEMS, name="item"))
    proj = add_rounds(df, tmp_path / "dashboard.db")
    dash = quiet(lambda: Dashboard(proj, scheduler=ThreadScheduler(), min_interval=0,
                                   agreement_resamples=20))
    try:
        learner = proj.learn(Broken(), retrain_every=1, cv=0)
        proj.add(ITEMS[0], LABELS[1], annotator=ANNOTATORS[0])
        assert learner.wait(30)
        quiet(dash.refresh)
        table = dash.select(ITEMS[:4], WHY)
        wire = dashboard_wire(dash)
        given = table["label"].dropna().tolist()
        assert given and set(given) <= set(LABELS)
        texts = strings(wire)
        shown = [f"Dashboard of {NAME}", f"4 items: {WHY}", ERROR, *ITEMS[:4], *TEXTS[:4], *given]
        assert not [s for s in shown if not any(s in text for text in texts)], "sent as it is"
        escaped = [escape(h) for h in HOSTILE]
        assert not [t for t in texts if any(e in t for e in escaped)], "never escaped into markup"
        assert dash.status["status"] == "failed"
        assert wire[0]["embed_options"] == EMBED_OPTIONS, "vega-embed's own tooltip handler"
        specs = [p["spec"] for message in wire[1:] for p in message["panels"] if p["spec"]]
        assert len(specs) >= 5
        for spec in specs:
            assert_spec_inert(spec)
        assert table.index.tolist() == ITEMS[:4] and table["text"].tolist() == TEXTS[:4]
    finally:
        dash.close()
        proj.close()


def test_dashboard_front_end_writes_text_as_text_only():
    assert DASHBOARD_JS, "the dashboard's front-end modules"
    for path in DASHBOARD_JS:
        found = WRITES_MARKUP.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.name} writes markup ({found}): use textContent (js/dom.js)"


def test_guideline_markdown_shows_raw_html_as_text():
    markup = render_guideline("# Rules\n\n" + "\n\n".join(HOSTILE[:3]))
    # The fourth string is a Markdown character reference: Markdown reads it as "<b>" (as text).
    assert_inert(markup, list(HOSTILE[:3]))
    assert "<h1>Rules</h1>" in markup, "the guideline's own Markdown is formatted"


def test_frame_html_escapes_headers_index_names_cells_and_caption():
    frame = pd.DataFrame(
        [[0.123456, HOSTILE[0]], [2.0, HOSTILE[3]]],
        index=pd.MultiIndex.from_tuples([(HOSTILE[1], 1), (HOSTILE[2], 2)], names=list(HOSTILE[:2])),
        columns=pd.Index([HOSTILE[2], HOSTILE[3]], name=HOSTILE[0]),
    )
    markup = frame_html(frame, caption=" ".join(HOSTILE), precision=2)
    assert_inert(markup, [*HOSTILE, " ".join(HOSTILE), "0.12", "2.00"])
    assert markup.startswith('<table border="1" class="dataframe"><caption>')
    assert frame.iloc[0, 1] == HOSTILE[0], "the frame is not modified"
    assert_inert(element("h4", HOSTILE[0], class_=HOSTILE[2]), [HOSTILE[0]])
    assert Page(element("div", "x", data_status=HOSTILE[2])).elements == [
        ("div", {"data-status": HOSTILE[2]})
    ]


def test_html_is_escaped_in_one_place():
    """Only ``nblabel/_html.py`` turns text into HTML (and ``_guidelines.py`` Markdown)."""
    risky = {"to_html", "style", "escape", "Styler"}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "_html.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = (
                node.attr if isinstance(node, ast.Attribute)
                else node.id if isinstance(node, ast.Name)
                else None
            )
            imports_html = isinstance(node, ast.Import) and any(
                alias.name == "html" for alias in node.names
            )
            if name in risky or imports_html:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not found, f"build HTML with nblabel._html (element, frame_html) instead: {found}"


# -- charts ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChartCase:
    """How to draw a chart from hostile data, and which hostile strings it must carry as is."""

    build: Callable[[nl.Project], alt.TopLevelMixin]
    carries: tuple[str, ...]


def curves() -> pd.DataFrame:
    return pd.DataFrame({
        "strategy": [OPTIONS[0]] * 2 + [OPTIONS[1]] * 2,
        "n_labels": [10, 20, 10, 20],
        LABELS[0]: [0.5, 0.7, 0.4, 0.6],
    })


def label_sets() -> pd.DataFrame:
    """Shaped like a multi-label ``LearnerState.predictions()``, with hostile labels and items."""
    given = [[LABELS[i % 4], LABELS[(i + 1) % 4]] for i in range(8)]
    return pd.DataFrame({"label": given, "heldout": [g[:1] for g in given[1:]] + [[]]},
                        index=ITEMS[:8])


def span_predictions() -> pd.DataFrame:
    """Shaped like a span model's ``predictions()``, with hostile labels."""
    given = [[{"start": 0, "end": 3, "label": LABELS[i % 4]}] for i in range(8)]
    guessed = [[{**g[0], "confidence": 0.1 * i}] if i % 2 else [] for i, g in enumerate(given)]
    return pd.DataFrame({"label": given, "heldout": guessed}, index=ITEMS[:8])


#: Each function or method of nblabel returning an altair chart, by qualified name.
CHART_CASES: dict[str, ChartCase] = {
    "nblabel.charts.labeling.label_distribution": ChartCase(
        lambda p: charts.label_distribution(p.annotations, LABELS), (*LABELS, *ANNOTATORS)),
    "nblabel.charts.labeling.progress": ChartCase(
        lambda p: charts.progress(p.annotations), tuple(ANNOTATORS)),
    "nblabel.charts.labeling.throughput": ChartCase(
        lambda p: charts.throughput(p.annotations), tuple(ANNOTATORS)),
    "nblabel.charts.labeling.agreement": ChartCase(
        lambda p: charts.agreement(quiet(lambda: p.agreement(n=20))), tuple(LABELS)),
    "nblabel.charts.labeling.pairwise_heatmap": ChartCase(
        lambda p: charts.pairwise_heatmap(
            quiet(lambda: nl.agreement.pairwise(p.annotations, "cohen_kappa")), NAME),
        (*ANNOTATORS, NAME)),
    "nblabel.charts.model.uncertainty_histogram": ChartCase(
        lambda p: charts.uncertainty_histogram(
            predictions().rename(columns={"uncertainty": NAME}), column=NAME),
        (NAME,)),
    "nblabel.charts.model.learning_curve": ChartCase(
        lambda p: charts.learning_curve(curves(), LABELS[0]), (LABELS[0], *OPTIONS[:2])),
    "nblabel.charts.model.calibration": ChartCase(
        lambda p: charts.calibration(predictions()), ()),
    "nblabel.charts.model.confusion": ChartCase(
        lambda p: charts.confusion(predictions(), LABELS), tuple(LABELS)),
    "nblabel.charts.outcomes.per_label": ChartCase(
        lambda p: charts.per_label(label_sets(), LABELS, what=NAME), (*LABELS, NAME)),
    "nblabel.charts.model.span_calibration": ChartCase(
        lambda p: charts.span_calibration(span_predictions()), ()),
    "nblabel.charts.model._reliability": ChartCase(
        lambda p: charts.span_calibration(span_predictions()), ()),
    "nblabel.pilot.PilotReport.chart": ChartCase(
        lambda p: p.pilot_report(n=20).chart(), (*LABELS, *GUIDELINES)),
    "nblabel.charts.slices.slices": ChartCase(
        lambda p: charts.slices(p.slice_audit(by=pd.Series(ITEMS, index=p.df.index), n=20)),
        tuple(ITEMS)),
}

#: vega-tooltip writes a tooltip's ``title`` entry as a heading and ``image`` as an image
#: source: data must only ever reach it as the value of an ordinary entry.
TOOLTIP_SPECIAL_KEYS = {"title", "image"}


def spec_nodes(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) of a chart spec, the datasets (plain values) left out."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "datasets":
                continue
            yield key, value
            yield from spec_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from spec_nodes(value)


def strings(node: Any) -> set[str]:
    if isinstance(node, str):
        return {node}
    if isinstance(node, dict):
        return set().union(*(strings(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(strings(v) for v in node)) if node else set()
    return set()


@pytest.mark.parametrize("name", list(CHART_CASES))
def test_chart_keeps_data_out_of_markup(name, proj):
    case = CHART_CASES[name]
    spec = case.build(proj).to_dict()
    assert_spec_inert(spec)
    carried = strings(spec)
    assert set(case.carries) <= carried, "data reaches the chart as it is, not rewritten"


def assert_spec_inert(spec: dict[str, Any]) -> None:
    """Data in ``spec`` can only reach Vega as text: tooltips of fields, plain titles, no links."""
    # Nothing in the spec replaces vega-embed's options, so its tooltip handler keeps escaping.
    assert "embedOptions" not in spec.get("usermeta", {})
    tooltips = [value for key, value in spec_nodes(spec) if key == "tooltip"]
    assert tooltips, "the chart has tooltips"
    for tooltip in tooltips:
        for entry in tooltip if isinstance(tooltip, list) else [tooltip]:
            assert isinstance(entry, dict) and "field" in entry, f"a tooltip of fields: {entry}"
            assert entry.get("title", entry["field"]) not in TOOLTIP_SPECIAL_KEYS
    for key, value in spec_nodes(spec):
        assert key not in ("href", "url"), f"no links or loaded URLs in a chart: {key}={value}"
        if key == "title" and value is not None:
            texts = value if isinstance(value, list) else [value]
            assert all(isinstance(t, str) for t in texts), f"titles are plain text: {value}"


def test_every_chart_builder_is_checked():
    builders = set()
    for module in nblabel_modules():
        for obj in vars(module).values():
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            members = [obj, *vars(obj).values()] if inspect.isclass(obj) else [obj]
            for member in members:
                if not inspect.isfunction(member):
                    continue
                returns = str(inspect.signature(member).return_annotation)
                if returns.startswith("alt."):
                    builders.add(f"{member.__module__}.{member.__qualname__}")
    unchecked = sorted(builders - set(CHART_CASES))
    assert not unchecked, f"add these to CHART_CASES: {unchecked}"


def test_dashboard_charts_keep_vega_embeds_escaping_tooltips():
    # vega-embed's default tooltip handler (vega-tooltip) escapes "&" and "<" in every key and
    # value; "tooltip" in the embed options could replace it.
    assert "tooltip" not in EMBED_OPTIONS
    assert json.loads(json.dumps(EMBED_OPTIONS)) == EMBED_OPTIONS, "plain JSON options only"


@pytest.fixture
def shown_in_kernel(monkeypatch) -> Iterator[list]:
    """Display charts as in a Jupyter kernel; collect the chart widgets that show them."""
    monkeypatch.setattr(chart_display, "_in_jupyter_kernel", lambda: True)
    shown: list = []
    build = chart_display.widget

    def recording(chart, **kwargs):
        shown.append(build(chart, **kwargs))
        return shown[-1]

    monkeypatch.setattr(chart_display, "widget", recording)
    with alt.renderers.enable("default"):
        yield shown
    for widget in shown:
        widget.close()


@pytest.mark.parametrize("name", list(CHART_CASES))
def test_chart_display_keeps_data_out_of_markup(name, proj, shown_in_kernel):
    # altair's default renderer writes the spec's JSON into a <script> element without escaping
    # '</' (a '</script>' in data would end it). In a kernel nblabel's charts display as a chart
    # widget instead: the bundle holds no markup, and the data travels as JSON widget state.
    chart = CHART_CASES[name].build(proj)
    bundle = chart._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert set(data) == {"text/plain", "application/vnd.jupyter.widget-view+json"}
    assert data["text/plain"] == repr(chart) and "<" not in data["text/plain"]
    assert set(CHART_CASES[name].carries) <= strings(shown_in_kernel[-1].spec), "text as it is"


def test_chart_display_of_a_script_in_data_is_no_markup(shown_in_kernel):
    chart = charts.label_distribution(pd.Series(["</script><img src=x onerror=alert(1)>"]))
    bundle = chart._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "text/html" not in data
    assert "</script><img src=x onerror=alert(1)>" in strings(shown_in_kernel[-1].spec)
