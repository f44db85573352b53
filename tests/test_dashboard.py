"""The live dashboard, kernel side: what is drawn and sent when, throttling, clicks to items, opening views."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from span_corpus import LABELS as SPAN_LABELS
from span_corpus import make_corpus

import nblabel as nl
from nblabel import charts
from nblabel._kernel import ThreadScheduler, default_scheduler
from nblabel.dashboard import Dashboard, dashboard, drawing
from nblabel.dashboard.panels import PANELS
from nblabel.dashboard.throttle import Throttle

INTENTS = list(nl.datasets.SUPPORT_TICKET_INTENTS)


class FakeScheduler:
    """A clock that only moves when told, a queue of callbacks and timers run on demand."""

    def __init__(self) -> None:
        self.time = 100.0
        self.queue: list = []
        self.timers: list[list] = []

    def now(self) -> float:
        return self.time

    def soon(self, callback) -> None:
        self.queue.append(callback)

    def later(self, delay, callback):
        timer = [self.time + delay, callback]
        self.timers.append(timer)
        return timer

    def run(self) -> None:
        while self.queue:
            self.queue.pop(0)()

    def advance(self, seconds: float) -> None:
        self.time += seconds
        self.run()
        for timer in [t for t in self.timers if t[0] <= self.time]:
            self.timers.remove(timer)
            timer[1]()
        self.run()


@pytest.fixture
def clock() -> FakeScheduler:
    return FakeScheduler()


@pytest.fixture
def tickets(tmp_path):
    df = nl.datasets.load_support_tickets()
    proj = nl.Project(df, nl.Classify(INTENTS, text="text"), store=tmp_path / "t.db", name="t")
    yield proj
    proj.close()


def make(project, clock, **options) -> Dashboard:
    """A dashboard whose messages to the browser are kept in ``dash.sent``."""
    dash = Dashboard(project, scheduler=clock, **options)
    dash.sent = []
    dash.send = lambda content, buffers=None: dash.sent.append(content)
    clock.run()  # the first draw (in a kernel: once the cell has returned)
    return dash


def browser_says(dash: Dashboard, content: dict) -> None:
    """Deliver a message from the browser, as the widget's comm does."""
    dash._handle_custom_msg(content, [])


def sent_panels(dash: Dashboard) -> dict[str, dict]:
    """The panels sent since the last call, by name (the latest state of each)."""
    panels = {p["name"]: p for m in dash.sent if m["kind"] == "charts" for p in m["panels"]}
    dash.sent.clear()
    return panels


def label_truth(proj, n: int, annotator: str = "ana", start: int = 0) -> None:
    for item, intent in proj.df["intent"].iloc[start : start + n].items():
        proj.add(item, intent, annotator)


def chart_data(dash: Dashboard, name: str) -> pd.DataFrame:
    spec = dash.slots[name].spec
    datasets = spec["datasets"]
    return pd.DataFrame(next(iter(datasets.values())))


# -- the throttle -------------------------------------------------------------------------------
def test_throttle_draws_at_once_then_once_more_at_the_end_of_the_interval(clock):
    seen = []
    state = {"n": 0}
    throttle = Throttle(lambda: seen.append(state["n"]), 1.0, clock)
    state["n"] = 1
    throttle.poke()
    clock.run()
    assert seen == [1]  # leading edge: at once
    for n in range(2, 500):  # a burst within the interval
        state["n"] = n
        throttle.poke()
        assert len(clock.queue) <= 1  # never a queue of redraws
        clock.run()
    assert seen == [1] and len(clock.timers) == 1
    clock.advance(0.5)
    assert seen == [1]
    clock.advance(0.5)
    assert seen == [1, 499]  # trailing edge: the last state, once
    assert clock.timers == []
    clock.advance(5.0)
    state["n"] = 500
    throttle.poke()
    clock.run()
    assert seen == [1, 499, 500]  # after a quiet spell: at once again


def test_after_a_slow_redraw_the_throttle_waits_as_long_as_it_took(clock):
    seen = []

    def slow():
        seen.append(clock.time)
        clock.time += 3.0  # the redraw itself took 3 s

    throttle = Throttle(slow, 1.0, clock)
    throttle.poke()
    clock.run()
    throttle.poke()
    clock.run()
    # It ended at +3 s and took 3 s (more than min_interval): the next waits until +6 s.
    assert len(seen) == 1 and clock.timers and clock.timers[0][0] == seen[0] + 6.0
    clock.advance(2.9)
    assert len(seen) == 1
    clock.advance(0.1)
    assert len(seen) == 2


def test_pokes_from_many_threads_queue_one_redraw(clock):
    throttle = Throttle(lambda: None, 1.0, clock)
    threads = [threading.Thread(target=lambda: [throttle.poke() for _ in range(200)])
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(clock.queue) == 1
    clock.run()
    assert throttle.redraws == 1


def test_a_failing_redraw_is_logged_and_later_pokes_still_draw(clock, caplog):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")

    throttle = Throttle(flaky, 0.0, clock)
    throttle.poke()
    clock.run()
    throttle.poke()
    clock.run()
    assert len(calls) == 2
    assert "could not redraw" in caplog.text


def test_closed_throttle_drops_pokes(clock):
    throttle = Throttle(lambda: None, 0.0, clock)
    throttle.close()
    throttle.poke()
    assert clock.queue == []


def test_outside_a_kernel_redraws_run_on_the_caller_and_timer_threads():
    assert isinstance(default_scheduler(), ThreadScheduler)
    done = threading.Event()
    seen = []
    throttle = Throttle(lambda: (seen.append(1), done.set()), 0.05, ThreadScheduler())
    throttle.poke()
    assert seen == [1]
    done.clear()
    throttle.poke()
    throttle.poke()
    assert done.wait(5)
    assert seen == [1, 1]


# -- what is drawn when -------------------------------------------------------------------------
def test_before_answers_overlap_and_a_model_the_dashboard_says_what_is_missing(project, clock):
    dash = make(project, clock)
    assert dash.draws["labels"] == 1 and dash.draws["progress"] == 1
    assert set(chart_data(dash, "labels").columns) >= {"label", "annotator", "count"} or (
        chart_data(dash, "labels").empty
    )
    assert "needs two annotators on the same items" in dash.slots["agreement"].note
    assert dash.slots["agreement"].spec is None and dash.slots["pairs"].spec is None
    assert dash.status["status"] == "none"
    assert "proj.learn(estimator)" in dash.status["message"]
    assert all(dash.slots[name].spec is None for name in ("uncertainty", "confusion"))
    dash.close()


def test_a_new_view_gets_every_panel_and_later_only_the_changed_ones(project, clock):
    dash = make(project, clock, min_interval=0)
    assert dash.heading == "Dashboard of demo"
    assert [p["name"] for p in dash.panels] == [p.name for p in PANELS]
    assert all(p["purpose"] and p["title"] for p in dash.panels), "every chart says what it is for"
    browser_says(dash, {"kind": "hello"})
    first = sent_panels(dash)
    assert list(first) == [p.name for p in PANELS]
    assert first["labels"]["spec"]["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert first["labels"]["title"] == "Labels given" and "title" not in first["labels"]["spec"]
    project.add("t0", "pos", "ana")
    clock.run()
    changed = sent_panels(dash)
    assert set(changed) == {"labels", "progress", "throughput", "agreement"}
    assert all(changed[name]["version"] > first[name]["version"] for name in changed)
    assert all("spec" in changed[name] for name in ("labels", "progress", "throughput"))
    assert "(1 annotator so far)" in changed["agreement"]["note"]
    dash.refresh()
    assert sent_panels(dash) == {}, "nothing changed: nothing sent"
    dash.close()


def test_charts_widen_to_their_panel_except_the_squares(project, clock):
    dash = make(project, clock, min_interval=0)
    fits = {p["name"]: p["fit"] for p in dash.panels}
    assert fits["labels"] and fits["progress"] and not fits["pairs"] and not fits["confusion"]
    assert dash.slots["progress"].spec["height"] == 180, "a grid row stays short"
    assert dash.slots["labels"].spec["width"] == 320, "the browser widens it from there"
    dash.close()


def test_agreement_appears_once_two_annotators_answer_the_same_item(project, clock):
    dash = make(project, clock, min_interval=0, agreement_resamples=20)
    project.add("t0", "pos", "ana")
    project.add("t1", "neg", "ben")
    clock.run()
    assert "no item has answers from two annotators yet (2 annotators" in (
        dash.slots["agreement"].note
    )
    project.add("t0", "pos", "ben")
    project.add("t1", "neg", "ana")
    project.add("t2", "neutral", "ana")
    project.add("t2", "pos", "ben")
    clock.run()
    assert dash.slots["agreement"].spec is not None and dash.slots["agreement"].note == ""
    rows = set(chart_data(dash, "agreement")["row"])
    assert {"overall", "pos", "neg"} <= rows
    pairs = chart_data(dash, "pairs")
    assert set(pairs["annotator_a"]) == {"ana", "ben"}
    dash.close()


def overlap(project) -> None:
    for i, (a, b) in enumerate([("pos", "pos"), ("neg", "neg"), ("neutral", "pos")]):
        project.add(f"t{i}", a, "ana")
        project.add(f"t{i}", b, "ben")


def test_agreement_that_takes_long_is_recomputed_on_demand(project, clock, monkeypatch):
    dash = make(project, clock, min_interval=0, agreement_resamples=20)
    overlap(project)
    clock.run()
    assert dash.slots["agreement"].spec is not None
    drawn = dash.slots["agreement"].spec
    monkeypatch.setattr(drawing, "AGREEMENT_BUDGET", 0.0)  # the last computation was "too long"
    sent_panels(dash)
    project.add("t3", "pos", "ana")
    project.add("t3", "neg", "ben")
    clock.run()
    assert dash.slots["agreement"].spec == drawn, "not recomputed after each answer"
    lag = dash.slots["agreement"].stale
    assert lag.startswith("Computed at 6 answers; 2 newer events since (about ")
    assert dash.slots["pairs"].stale == lag
    changed = sent_panels(dash)
    assert changed["agreement"]["stale"] == lag and "spec" not in changed["agreement"], (
        "the chart the browser has stays: only the line under it changes")
    browser_says(dash, {"kind": "update", "panel": "agreement"})  # the panel's button
    assert dash.slots["agreement"].stale == "" and dash.slots["agreement"].spec != drawn
    assert chart_data(dash, "agreement").query("row == 'overall'")["items"].max() == 4
    assert sent_panels(dash)["agreement"]["stale"] == ""
    dash.close()


def test_a_burst_of_answers_redraws_twice_and_shows_the_last_state(project, clock):
    dash = make(project, clock, min_interval=1.0)
    assert dash.throttle.redraws == 1
    clock.advance(5.0)  # a quiet spell after the first draw
    for i in range(40):
        project.add(f"t{i % 8}", ["pos", "neg", "neutral"][i % 3], f"a{i // 8}")
        clock.run()
    assert dash.throttle.redraws == 2  # the first answer at once, the rest wait
    clock.advance(1.0)
    assert dash.throttle.redraws == 3  # one trailing redraw
    counts = chart_data(dash, "labels").groupby("label")["count"].sum()
    expected = project.annotations.drop_duplicates(["item", "annotator"], keep="last")
    assert counts.to_dict() == expected["value"].value_counts().to_dict()
    assert chart_data(dash, "progress").groupby("annotator")["answers"].max().sum() == 40
    dash.close()


def test_without_changes_nothing_is_sent_again(project, clock):
    dash = make(project, clock, min_interval=0)
    project.add("t0", "pos", "ana")
    clock.run()
    before = dash.draws
    dash.sent.clear()
    dash.refresh()
    dash.refresh()
    assert dash.draws == before and dash.sent == []


def test_model_charts_follow_the_learner_and_only_they_redraw_after_a_retrain(tickets, clock):
    dash = make(tickets, clock, min_interval=0, agreement_resamples=20)
    label_truth(tickets, 60)
    clock.run()
    learner = tickets.learn(LogisticRegression(max_iter=300), retrain_every=1000, seed=0, cv=3)
    tickets.add(tickets.df.index[60], tickets.df["intent"].iloc[60], "ana")  # the dashboard hears
    clock.run()
    assert learner.wait(60)
    clock.run()
    assert dash.slots["confusion"].spec is not None, dash.status
    assert dash.status["status"] == "ready" and dash.status["message"].startswith("Model v")
    labeling = {name: dash.draws[name] for name in ("labels", "progress", "throughput")}
    model = {name: dash.draws[name] for name in ("confusion", "learning_curve")}
    before = dash.draws
    sent_panels(dash)
    learner.request()  # a retrain with no new answers
    assert learner.wait(60)
    assert clock.queue, "the learner's listener asks for a redraw"
    assert dash.draws == before  # nothing drawn on the learner's thread
    clock.run()
    assert {name: dash.draws[name] for name in labeling} == labeling
    assert dash.draws["learning_curve"] == model["learning_curve"] + 1
    assert not set(sent_panels(dash)) & set(labeling), "unchanged charts are not sent"
    assert len(chart_data(dash, "learning_curve")["n_labels"]) >= 2
    assert chart_data(dash, "confusion")["count"].sum() == 61
    assert chart_data(dash, "uncertainty")["count"].sum() == len(tickets.df) - 61
    dash.close()


def test_a_failing_fit_shows_its_message(project, clock):
    class Broken(LogisticRegression):
        def fit(self, X, y, sample_weight=None):
            raise ValueError("the <GPU> is on fire")

    dash = make(project, clock, min_interval=0)
    learner = project.learn(Broken(), retrain_every=1, cv=0)
    for item, label in zip(["t0", "t1", "t2"], ["pos", "neg", "neutral"], strict=True):
        project.add(item, label, "ana")
    assert learner.wait(30)
    clock.run()
    assert dash.status["status"] == "failed"
    assert "ValueError: the <GPU> is on fire" in dash.status["message"], "text, shown as text"
    assert "Shown once a model is trained." in dash.slots["confusion"].note
    dash.close()


def test_without_cross_validation_the_confusion_matrix_says_it_is_in_sample(tickets, clock):
    dash = make(tickets, clock, min_interval=0, agreement_resamples=20)
    label_truth(tickets, 40)
    learner = tickets.learn(LogisticRegression(max_iter=300), retrain_every=1000, seed=0, cv=0)
    learner.request()
    assert learner.wait(60)
    clock.run()
    assert "in-sample" in dash.slots["confusion"].title
    assert chart_data(dash, "confusion")["count"].sum() == 40
    assert "needs cross-validated predictions" in dash.slots["calibration"].note
    dash.close()


def test_cold_model_says_so(project, clock):
    dash = make(project, clock, min_interval=0)
    project.learn(LogisticRegression(), retrain_every=1, cv=0)
    project.add("t0", "pos", "ana")
    project.learner.wait(30)
    clock.run()
    assert dash.status["status"] == "cold" and "Cold start" in dash.status["message"]
    assert "starts with the first trained model" in dash.slots["learning_curve"].note
    dash.close()


# -- clicks to items ----------------------------------------------------------------------------
def click(dash: Dashboard, name: str, points: list[dict]) -> None:
    """Do what the browser does when marks are clicked: send the points of the selection."""
    browser_says(dash, {"kind": "select", "panel": name, "points": points})


@pytest.fixture
def trained(tickets, clock):
    dash = make(tickets, clock, min_interval=0, agreement_resamples=20)
    label_truth(tickets, 60)
    learner = tickets.learn(LogisticRegression(max_iter=300), retrain_every=1000, seed=0, cv=3)
    learner.request()
    assert learner.wait(60)
    dash.refresh()
    clock.run()
    yield dash
    dash.close()


def test_clicking_a_confusion_cell_lists_its_items(trained):
    dash = trained
    predictions = tickets_predictions(dash)
    given = predictions[predictions["label"].notna()]
    cell = given.groupby(["label", "heldout"]).size().idxmax()
    click(dash, "confusion", [{"label": cell[0], "predicted": cell[1]}])
    expected = given.index[(given["label"] == cell[0]) & (given["heldout"] == cell[1])]
    assert dash.selected.tolist() == expected.tolist()
    shown = dash.selection
    assert shown["caption"] == f"{len(expected)} items: given {cell[0]}, model {cell[1]}"
    assert shown["columns"] == ["item", "text", "label", "suggestion", "confidence"]
    assert [row[0] for row in shown["rows"]] == expected.tolist() and shown["total"] == len(expected)
    assert all(isinstance(cell, str) for row in shown["rows"] for cell in row)


def test_clicking_histogram_bars_lists_their_pool_items(trained):
    dash = trained
    bars = chart_data(dash, "uncertainty")
    bars = bars[bars["count"] > 0].head(2)
    click(dash, "uncertainty", bars[["bin_start", "bin_end"]].to_dict("records"))
    assert len(dash.selected) == bars["count"].sum()
    pool = tickets_predictions(dash)
    assert pool.loc[dash.selected, "label"].isna().all()


def test_a_click_beside_the_marks_keeps_the_list(trained):
    dash = trained
    click(dash, "confusion", [{"label": "bug", "predicted": "bug"}])
    chosen = dash.selected.tolist()
    click(dash, "confusion", [])
    assert dash.selected.tolist() == chosen
    click(dash, "labels", [{"label": "bug"}])  # not a chart that lists items
    assert dash.selected.tolist() == chosen


def test_long_tables_send_their_first_rows(trained):
    dash = trained
    dash.select(dash.project.df.index[:150])
    assert dash.selection["total"] == 150 and len(dash.selection["rows"]) == 100


class FakeDisplay:
    """Stands in for IPython's display(): records what is shown and each update of a handle."""

    def __init__(self) -> None:
        self.shown: list = []
        self.updates: list = []

    def __call__(self, obj, *, raw=False, metadata=None, display_id=None):
        self.shown.append(obj)
        return self if display_id else None

    def update(self, obj) -> None:
        self.updates.append(obj)


def test_relabel_these_opens_a_labeling_widget_below_over_exactly_those_items(trained, monkeypatch):
    import IPython.display

    dash = trained
    shown = FakeDisplay()
    monkeypatch.setattr(IPython.display, "display", shown)
    dash._ipython_display_()  # as Jupyter shows it: the dashboard, then a place below it
    bundle, placeholder = shown.shown
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == dash.model_id
    assert placeholder == {"text/plain": ""}
    click(dash, "confusion", [{"label": "bug", "predicted": "bug"}])
    chosen = dash.selected.tolist()
    dash.request = {"what": "relabel", "serial": 1}  # the browser's "Relabel these"
    view = dash.opened
    assert shown.updates == [view]
    assert dash.opened_view == {"what": "relabel", "items": len(chosen), "where": "below"}
    assert view.annotator == nl.project.default_annotator()
    df = dash.project.df
    assert [df.index[pos] for pos in view._session.positions] == chosen
    dash.request = {"what": "review", "serial": 2}
    assert dash.opened is not view and shown.updates[-1] is dash.opened
    review = dash.opened._session
    assert review.review_total == len(chosen)
    assert [df.index[pos] for pos in review.sent] == chosen[: len(review.sent)]


def test_without_a_place_below_code_opens_what_a_press_asks_for(trained):
    dash = trained  # shown through anywidget alone, as marimo does
    click(dash, "uncertainty", [{"bin_start": 0.0, "bin_end": 1.0}])
    assert dash.view_for(dash.request) is None, "no press yet"
    dash.request = {"what": "relabel", "serial": 1}
    assert dash.opened is None
    assert dash.opened_view == {"what": "relabel", "items": len(dash.selected), "where": "waiting"}
    view = dash.view_for(dash.request)  # what the app's cell that reads the dashboard's value does
    assert dash.opened is view and view.annotator == nl.project.default_annotator()
    assert dash.opened_view == {"what": "relabel", "items": len(dash.selected), "where": "opened"}
    assert dash.view_for(dash.request) is view, "the same press opens one widget"
    dash.request = {"what": "review", "serial": 2}
    review = dash.view_for(dash.request)
    assert review is dash.opened and review is not view and review.review
    assert dash.relabel() is dash.opened, "from code, without the buttons"


def tickets_predictions(dash: Dashboard) -> pd.DataFrame:
    return dash.project.learner.state.predictions()


def test_relabel_without_a_selection_says_what_to_do(project, clock, monkeypatch):
    import IPython.display

    dash = make(project, clock, annotator="lead")
    with pytest.raises(ValueError, match="click a confusion cell"):
        dash.relabel()
    assert dash.selection["total"] == 0 and "Click a cell" in dash.selection["caption"]
    monkeypatch.setattr(IPython.display, "display", FakeDisplay())
    dash._ipython_display_()
    dash.request = {"what": "relabel", "serial": 1}
    assert "click a confusion cell" in dash.opened_view["error"]


def test_listed_text_goes_to_the_browser_as_it_is(project, clock):
    dash = make(project, clock, annotator="lead")
    table = dash.select(["t6", "t2"], "<b>why</b>")
    assert dash.selection["caption"] == "2 items: <b>why</b>", "text, set as textContent"
    assert dash.selection["rows"][0][:2] == ["t6", "<script>alert(1)</script><img src=x onerror=alert(2)>"]
    assert table.index.tolist() == ["t6", "t2"]
    long = "x" * 300
    project.df.loc["t7", "text"] = long
    assert len(dash.select(["t7"]).loc["t7", "text"]) == 80
    with pytest.raises(ValueError, match="not in the project's DataFrame"):
        dash.select(["nope"])


# -- arguments and lifetime ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"min_interval": -1}, ValueError, "min_interval must be seconds"),
        ({"bins": 0}, ValueError, "bins must be an int"),
        ({"every": "often"}, ValueError, "is not a time window"),
        ({"agreement_resamples": 0}, ValueError, "agreement_resamples"),
        ({"annotator": " "}, ValueError, "annotator must be"),
        ({"colour": "red"}, TypeError, "valid ones are"),
    ],
)
def test_bad_options_say_what_is_wrong(project, options, error, message):
    with pytest.raises(error, match=message):
        dashboard(project, **options)


def test_a_project_is_required():
    with pytest.raises(TypeError, match="must be an nl.Project"):
        dashboard(pd.DataFrame())


def test_closing_stops_listening(project, clock):
    dash = make(project, clock, min_interval=0)
    dash.close()
    project.add("t0", "pos", "ana")
    assert clock.queue == []
    assert dash.draws["labels"] == 1


def test_dashboard_of_a_spans_project_counts_spans_per_label(tmp_path, texts, clock):
    proj = nl.Project(texts, nl.Spans(["PER", "LOC"], text="text"), store=tmp_path / "s.db", name="s")
    dash = make(proj, clock, min_interval=0)
    proj.add("t0", [{"start": 0, "end": 5, "label": "PER"}, {"start": 6, "end": 13, "label": "PER"}], "ana")
    proj.add("t1", [{"start": 0, "end": 7, "label": "LOC"}], "ben")
    clock.run()
    counts = chart_data(dash, "labels").set_index(["label", "annotator"])["count"].to_dict()
    assert counts == {("PER", "ana"): 2, ("LOC", "ben"): 1}, "each span counts once for its label"
    assert dash.slots["progress"].draws == 2
    dash.close()
    proj.close()


# -- label sets and spans -----------------------------------------------------------------------
def ticket_sets(df: pd.DataFrame) -> dict:
    """Each ticket's label set: its intent, and "urgent" when it is urgent."""
    return {item: [df.at[item, "intent"], *(["urgent"] if df.at[item, "urgent"] else [])]
            for item in df.index}


def key(element):
    """A label of a label set as it is; a span as (start, end, label)."""
    return (element["start"], element["end"], element["label"]) if isinstance(element, dict) else element


def outcome_counts(frame: pd.DataFrame, column: str = "heldout") -> dict:
    """(label, outcome) -> count, counted here from the frame without nblabel's code."""
    counts: dict = {}
    for given, guessed in zip(frame["label"], frame[column], strict=True):
        truth, model = {key(e) for e in given}, {key(e) for e in guessed}
        for keys, outcome in ((truth & model, "agreed"), (truth - model, "missed"), (model - truth, "extra")):
            for k in keys:
                name = k[2] if isinstance(k, tuple) else k
                counts[(name, outcome)] = counts.get((name, outcome), 0) + 1
    return counts


@pytest.fixture
def multi_label(tmp_path, clock):
    df = nl.datasets.load_support_tickets()
    labels = [*INTENTS, "urgent"]
    proj = nl.Project(df, nl.Classify(labels, text="text", multi=True), store=tmp_path / "m.db", name="m")
    dash = make(proj, clock, min_interval=0, agreement_resamples=20)
    sets = ticket_sets(df)
    for item in df.index[:80]:
        proj.add(item, sets[item], "ana")
    for item in df.index[:30]:  # ben never marks anything urgent
        proj.add(item, sets[item][:1], "ben")
    learner = proj.learn(LogisticRegression(max_iter=300, C=20), retrain_every=1000, seed=0, cv=3)
    learner.request()
    assert learner.wait(60)
    clock.run()
    yield proj, dash
    dash.close()
    proj.close()


def test_a_multi_label_model_is_drawn_per_label(multi_label):
    proj, dash = multi_label
    assert dash.status["status"] == "ready", dash.status
    for name in ("labels", "agreement", "pairs", "uncertainty", "confusion", "learning_curve", "calibration"):
        assert dash.slots[name].spec is not None, (name, dash.slots[name].note)
    assert dash.slots["pairs"].title == "Pairwise krippendorff_alpha", "MASI alpha for label sets, not kappa"
    predictions = proj.learner.state.predictions()
    given = predictions[predictions["label"].notna()]
    data = chart_data(dash, "confusion")
    drawn = {(row.label, row.outcome): row.count for row in data.itertuples() if row.count}
    assert drawn == outcome_counts(given)
    assert set(data["label"]) == {*INTENTS, "urgent"}, "every label has a row, used or not"
    assert dash.slots["confusion"].title.startswith("Model vs given labels, per label (80 items")
    bug = data[(data["label"] == "bug") & (data["outcome"] == "agreed")].iloc[0]
    agreed, missed, extra = (drawn.get(("bug", o), 0) for o in ("agreed", "missed", "extra"))
    assert bug["recall"] == pytest.approx(agreed / (agreed + missed))
    assert bug["precision"] == pytest.approx(agreed / (agreed + extra))
    assert bug["row"] == f"bug · F1 {2 * agreed / (2 * agreed + missed + extra):.2f}"
    assert "held-out predictions" in dash.slots["calibration"].title


def test_clicking_a_per_label_cell_lists_the_items_behind_it(multi_label):
    proj, dash = multi_label
    predictions = proj.learner.state.predictions()
    given = predictions[predictions["label"].notna()]
    label, outcome = max(((k, v) for k, v in outcome_counts(given).items() if k[1] != "agreed"), key=lambda kv: kv[1])[0]
    click(dash, "confusion", [{"label": label, "outcome": outcome}])
    if outcome == "missed":
        expected = [i for i in given.index if label in given.at[i, "label"] and label not in given.at[i, "heldout"]]
    else:
        expected = [i for i in given.index if label not in given.at[i, "label"] and label in given.at[i, "heldout"]]
    assert expected and dash.selected.tolist() == expected
    assert dash.selection["caption"].startswith(f"{len(expected)} items: {label}: ")


@pytest.fixture
def span_model(tmp_path, clock):
    df = make_corpus(120, seed=1)
    proj = nl.Project(df, nl.Spans(SPAN_LABELS, text="text"), store=tmp_path / "s.db", name="s")
    dash = make(proj, clock, min_interval=0, agreement_resamples=20)
    for item in df.index[:40]:
        proj.add(item, df.at[item, "gold"], "ana")
    for item in df.index[:20]:  # ben leaves out organisations
        proj.add(item, [s for s in df.at[item, "gold"] if s["label"] != "ORG"], "ben")
    learner = proj.learn(retrain_every=1000, seed=0, cv=3)
    learner.request()
    assert learner.wait(120)
    clock.run()
    yield proj, dash
    dash.close()
    proj.close()


def test_a_span_model_is_drawn_per_label_over_spans(span_model):
    proj, dash = span_model
    assert dash.status["status"] == "ready", dash.status
    for name in ("labels", "agreement", "pairs", "uncertainty", "confusion", "calibration"):
        assert dash.slots[name].spec is not None, (name, dash.slots[name].note)
    assert dash.slots["pairs"].title == "Pairwise span_agreement"
    predictions = proj.learner.state.predictions()
    given = predictions[predictions["label"].notna()]
    data = chart_data(dash, "confusion")
    assert {(r.label, r.outcome): r.count for r in data.itertuples() if r.count} == outcome_counts(given)
    assert dash.slots["confusion"].title.startswith("Model vs given spans, per label (40 items")
    spans = sum(len(s) for s in given["heldout"])
    assert dash.slots["calibration"].title.endswith(f"over {spans} held-out spans")
    assert chart_data(dash, "uncertainty")["count"].sum() == 80


def test_clicked_span_cells_list_their_documents_with_the_spans_as_text(span_model):
    proj, dash = span_model
    predictions = proj.learner.state.predictions()
    given = predictions[predictions["label"].notna()]
    agreed = [i for i in given.index
              if {key(s) for s in given.at[i, "label"] if s["label"] == "PER"} & {key(s) for s in given.at[i, "heldout"]}]
    click(dash, "confusion", [{"label": "PER", "outcome": "agreed"}])
    assert agreed and dash.selected.tolist() == agreed
    first = dash.selection["rows"][0]
    text = proj.df.at[agreed[0], "text"]
    assert first[2] == "; ".join(f"{text[s['start']:s['end']]} ({s['label']})" for s in proj.labels()[agreed[0]])


def test_a_ranking_dashboard_says_label_counts_are_for_other_tasks(tmp_path, clock):
    options = pd.DataFrame({"a": ["x", "y", "z"], "b": ["p", "q", "r"]})
    proj = nl.Project(options, nl.Rank(["a", "b"]), store=tmp_path / "r.db", name="r")
    dash = make(proj, clock, min_interval=0)
    assert "classification and span tasks" in dash.slots["labels"].note
    dash.close()
    proj.close()


def test_the_clickable_charts_carry_the_selections_the_panels_name(trained):
    assert trained.slots["uncertainty"].spec and trained.slots["confusion"].spec
    for panel in PANELS:
        spec = trained.slots[panel.name].spec or {}
        params = [p["name"] for layer in [spec, *spec.get("layer", [])] for p in layer.get("params", [])]
        assert (panel.selection in params) if panel.selection else not any(
            name in (charts.CELL_SELECTION, charts.BIN_SELECTION) for name in params)
