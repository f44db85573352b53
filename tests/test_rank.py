"""The Rank task: validation of rankings and their details, option order, compatibility, and the
ranking widget's side of the item-window protocol."""

import pandas as pd
import pytest

import nblabel as nl
from nblabel.tasks import Rank, TaskMismatchError, task_from_dict, task_from_json
from nblabel.widgets import STATIC, view_class
from nblabel.widgets.rank import RankWidget

OPTIONS = ["model_a", "model_b", "model_c"]


@pytest.fixture
def three():
    return Rank(OPTIONS, prompt="question", rating=(1, 5))


# -- validation ---------------------------------------------------------------------------------
def test_rankings_are_normalised(three):
    assert three.validate([["model_c"], ["model_b", "model_a"]]) == [["model_c"], ["model_a", "model_b"]]
    assert three.validate(["model_b", "model_c", "model_a"]) == [["model_b"], ["model_c"], ["model_a"]]
    assert three.validate(("model_a", ["model_c", "model_b"])) == [["model_a"], ["model_b", "model_c"]]
    assert three.validate([OPTIONS]) == [OPTIONS]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("model_a", r"is not a ranking: give a list of groups of options, best first"),
        ({"model_a": 1}, "is not a ranking"),
        (None, "is not a ranking"),
        ([["model_a"], 3], "3 in .* is not a group of options"),
        ([["model_a"], [], ["model_b", "model_c"]], "has an empty group; drop it"),
        ([["model_a", "model_x"], ["model_b", "model_c"]], r"'model_x' is not an option of this task; options: \['model_a'"),
        ([["model_a"], ["model_a", "model_b", "model_c"]], "option 'model_a' appears twice"),
        ([["model_a"], ["model_b"]], r"leaves out \['model_c'\]; rank every option .*partial=True"),
        ([], r"leaves out"),
    ],
)
def test_bad_rankings_say_what_is_wrong(three, value, message):
    with pytest.raises(ValueError, match=message):
        three.validate(value)


def test_ties_can_be_forbidden_and_options_left_out():
    strict = Rank(OPTIONS, ties=False)
    assert strict.validate(["model_b", "model_a", "model_c"]) == [["model_b"], ["model_a"], ["model_c"]]
    with pytest.raises(ValueError, match=r"is a tie, but this task does not allow ties \(ties=False\)"):
        strict.validate([["model_a", "model_b"], ["model_c"]])
    partial = Rank(OPTIONS, partial=True)
    assert partial.validate([["model_c"]]) == [["model_c"]]
    with pytest.raises(ValueError, match="the ranking is empty"):
        partial.validate([])


def test_answer_details_are_checked_and_normalised(three):
    meta = {"shown": ["model_b", "model_c", "model_a"], "ratings": {"model_c": 2, "model_a": 5}, "all_bad": False}
    assert three.validate_meta(meta) == {"shown": ["model_b", "model_c", "model_a"], "ratings": {"model_a": 5, "model_c": 2}}
    assert three.validate_meta({"all_bad": True}) == {"all_bad": True}
    assert three.validate_meta(None) is None
    assert three.validate_meta({}) is None
    assert three.validate_meta({"ratings": {}}) is None
    stored = three.validate_meta({"ratings": {"model_a": 4.0}})["ratings"]["model_a"]
    assert stored == 4 and type(stored) is int, "a level that came through JSON as 4.0 is the level 4"


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ("shown", "answer details must be a dict"),
        ({"suggestions": []}, r"unknown answer details \['suggestions'\]; a ranking records \['shown', 'ratings', 'all_bad'\]"),
        ({"shown": ["model_a", "model_b"]}, "shown must list every option once"),
        ({"shown": ["model_a", "model_a", "model_b"]}, "shown must list every option once"),
        ({"shown": [["model_a"], ["model_b"], ["model_c"]]}, "shown must list every option once"),
        ({"ratings": {"model_x": 3}}, "ratings name 'model_x', which is not an option"),
        ({"ratings": {"model_a": 6}}, r"6 is not a level of the rating scale; levels: \[1, 2, 3, 4, 5\]"),
        ({"ratings": {"model_a": True}}, "is not a level"),
        ({"ratings": ["model_a", 3]}, "ratings must be a dict"),
        ({"all_bad": "yes"}, "all_bad must be true or false"),
    ],
)
def test_bad_details_are_refused(three, meta, message):
    with pytest.raises(ValueError, match=message):
        three.validate_meta(meta)


def test_all_bad_must_come_with_one_tie_of_every_option(three):
    assert three.validate_meta_for({"all_bad": True, "ratings": {"model_a": 1}}, [OPTIONS]) == {"all_bad": True, "ratings": {"model_a": 1}}
    assert three.validate_meta_for({"shown": OPTIONS}, [["model_a"], ["model_b"], ["model_c"]]) == {"shown": OPTIONS}
    assert three.validate_meta_for(None, [OPTIONS]) is None
    expected = r"all_bad says every option is bad, so the ranking must be one tie of all options, \[\['model_a', 'model_b', 'model_c'\]\]; got .*Record that ranking, or drop all_bad"
    with pytest.raises(ValueError, match=expected):
        three.validate_meta_for({"all_bad": True}, [["model_a"], ["model_b"], ["model_c"]])
    with pytest.raises(ValueError, match=expected):
        three.validate_meta_for({"all_bad": True}, [["model_a", "model_b"], ["model_c"]])
    partial = Rank(OPTIONS, partial=True)
    with pytest.raises(ValueError, match="must be one tie of all options"):
        partial.validate_meta_for({"all_bad": True}, [["model_a", "model_b"]])
    with pytest.raises(ValueError, match=r"does not allow ties \(ties=False\); drop all_bad"):
        Rank(OPTIONS, ties=False).validate_meta_for({"all_bad": True}, [["model_a"], ["model_b"], ["model_c"]])
    with pytest.raises(ValueError, match="all_bad must be true or false"):
        three.validate_meta_for({"all_bad": "yes"}, [OPTIONS])


def test_ratings_need_a_scale_and_named_levels_work():
    with pytest.raises(ValueError, match="this task has no rating scale"):
        Rank(OPTIONS).validate_meta({"ratings": {"model_a": 1}})
    named = Rank(OPTIONS, rating=["bad", "ok", "good"])
    assert named.levels == ["bad", "ok", "good"]
    assert named.validate_meta({"ratings": {"model_b": "ok"}}) == {"ratings": {"model_b": "ok"}}
    with pytest.raises(ValueError, match="'great' is not a level"):
        named.validate_meta({"ratings": {"model_b": "great"}})


# -- construction -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"options": "model_a"}, TypeError, "options must be a list of column names"),
        ({"options": ["only"]}, ValueError, "at least two options"),
        ({"options": ["a", "a"]}, ValueError, "labels must be unique"),
        ({"options": OPTIONS, "prompt": "model_a"}, ValueError, "prompt='model_a' is also an option"),
        ({"options": OPTIONS, "prompt": 3}, TypeError, "prompt= must be a column name"),
        ({"options": OPTIONS, "ties": "yes"}, TypeError, "ties must be True or False"),
        ({"options": OPTIONS, "shuffle": 1}, TypeError, "shuffle must be True or False"),
        ({"options": OPTIONS, "rating": (0, 11)}, ValueError, r"0 <= low < high <= 10"),
        ({"options": OPTIONS, "rating": (5, 1)}, ValueError, r"0 <= low < high <= 10"),
        ({"options": OPTIONS, "rating": ["only"]}, ValueError, "2 to 10 named levels"),
        ({"options": OPTIONS, "rating": ["a", "a"]}, ValueError, "unique, non-empty names"),
        ({"options": OPTIONS, "rating": [1, "b"]}, ValueError, "is not a scale"),
        ({"options": OPTIONS, "rating": 5}, TypeError, "rating must be a scale"),
        ({"options": OPTIONS, "keys": {"model_a": "a"}}, TypeError, "one key per position on screen"),
        ({"options": OPTIONS, "keys": ["a", "b"]}, ValueError, "keys= has 2 keys for 3 options"),
        ({"options": OPTIONS, "keys": ["a", "b", "u"]}, ValueError, "reserved for 'undo'"),
        ({"options": OPTIONS, "keys": ["a", "b", "t"]}, ValueError, "key 't' for position 3 is used by the ranking view for 'tie'"),
        ({"options": OPTIONS, "keys": ["a", "b", "X"]}, ValueError, "used by the ranking view for 'all bad'"),
    ],
)
def test_bad_tasks_say_what_is_wrong(kwargs, error, message):
    with pytest.raises(error, match=message):
        Rank(**kwargs)


def test_unknown_keyword_names_the_valid_ones():
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['tie'\]; valid ones are \['options', 'prompt', 'ties'"):
        Rank(OPTIONS, tie=True)


def test_default_keys_are_positions_one_to_nine():
    assert Rank(OPTIONS).keys == ("1", "2", "3")
    many = Rank([f"o{i}" for i in range(11)])
    assert many.keys == (*"123456789", None, None)
    assert Rank(["a", "b"], keys=["q", "p"]).keys == ("q", "p")


def test_columns_json_round_trip_and_repr(three):
    assert three.columns() == ["question", *OPTIONS]
    assert Rank(OPTIONS).columns() == OPTIONS
    for task in (three, Rank(["a", "b"], ties=False, rating=["bad", "good"], shuffle=False, keys=["q", "p"], guidelines="# Be fair"), Rank(OPTIONS, partial=True)):
        again = task_from_json(task.to_json())
        assert again == task and again.to_dict() == task.to_dict()
        assert task_from_dict(task.to_dict()).levels == task.levels
    assert three.to_dict()["rating"] == [1, 5]
    assert repr(three) == "Rank(['model_a', 'model_b', 'model_c'], prompt='question', rating=(1, 5))"
    assert repr(Rank(["a", "b"], ties=False, shuffle=False, partial=True)) == "Rank(['a', 'b'], ties=False, shuffle=False, partial=True)"


def test_progress_counts_the_best_option_or_a_tie(three):
    assert three.tally([["model_b"], ["model_a", "model_c"]]) == ["model_b"]
    assert three.tally([["model_b", "model_a"], ["model_c"]]) == ["(tie)"]


# -- option order -------------------------------------------------------------------------------
def test_order_is_drawn_per_item_and_annotator_and_stays_put(three):
    orders = {(item, who): tuple(three.order_for(item, who)) for item in range(40) for who in ("ana", "ben")}
    assert all(sorted(order) == OPTIONS for order in orders.values())
    assert orders == {(item, who): tuple(three.order_for(item, who)) for item in range(40) for who in ("ana", "ben")}
    assert any(orders[(i, "ana")] != orders[(i, "ben")] for i in range(40)), "annotators see different orders"
    assert len({orders[(i, "ana")] for i in range(40)}) == 6, "every order of three options occurs"
    assert three.order_for("x", "ana") != three.order_for(0, "ana") or three.order_for("y", "ana") != three.order_for(1, "ana")
    assert Rank(OPTIONS, shuffle=False).order_for(5, "ana") == OPTIONS
    with pytest.raises(TypeError, match="annotator must be a name"):
        three.order_for(1, None)


def test_two_options_are_balanced_left_and_right():
    task = Rank(["a", "b"])
    left = sum(task.order_for(item, "ana")[0] == "a" for item in range(1000))
    assert 440 <= left <= 560


# -- compatibility ------------------------------------------------------------------------------
def test_reopening_a_store_checks_the_options_and_what_may_be_stored(tmp_path):
    df = pd.DataFrame({"q": ["?"], "model_a": ["x"], "model_b": ["y"], "model_c": ["z"], "model_d": ["w"]})
    nl.Project(df, Rank(OPTIONS, rating=(1, 5)), store=tmp_path / "r.db")
    nl.Project(df, Rank(list(reversed(OPTIONS)), rating=(0, 7), prompt="q"), store=tmp_path / "r.db")
    with pytest.raises(TaskMismatchError, match="stored rankings would no longer rank the same options"):
        nl.Project(df, Rank([*OPTIONS, "model_d"], rating=(1, 5)), store=tmp_path / "r.db")
    with pytest.raises(TaskMismatchError, match="stored rankings would no longer rank the same options"):
        nl.Project(df, Rank(OPTIONS[:2], rating=(1, 5)), store=tmp_path / "r.db")
    with pytest.raises(TaskMismatchError, match="labelled with ties=True"):
        nl.Project(df, Rank(OPTIONS, ties=False, rating=(1, 5)), store=tmp_path / "r.db")
    with pytest.raises(TaskMismatchError, match=r"rating levels \[0, 1, .*, 7\] of the stored task are missing"):
        nl.Project(df, Rank(OPTIONS, rating=["bad", "good"]), store=tmp_path / "r.db")
    with pytest.raises(TaskMismatchError, match="holds a 'rank' task"):
        nl.Project(df, nl.Classify(["a"], text="q"), store=tmp_path / "r.db")
    strict = tmp_path / "strict.db"
    nl.Project(df, Rank(OPTIONS, ties=False), store=strict)
    nl.Project(df, Rank(OPTIONS, ties=True, partial=True), store=strict)
    with pytest.raises(TaskMismatchError, match="labelled with partial=True"):
        nl.Project(df, Rank(OPTIONS), store=strict)


# -- the widget's side of the protocol --------------------------------------------------------
class Browser:
    """Stands in for a view's front end: records what the kernel sends to one widget."""

    def __init__(self, widget):
        self.widget = widget
        self.messages = []
        widget.send = lambda content, buffers=None: self.messages.append(content)

    def say(self, **message):
        before = len(self.messages)
        self.widget._on_message(self.widget, message, [])
        return self.messages[before:]

    def hello(self):
        [snapshot] = [m for m in self.say(kind="hello", to="view-1") if m["kind"] == "snapshot"]
        return snapshot

    def answer(self, pos, value, req="r", **extra):
        return self.say(kind="answer", req=req, pos=pos, event="label", value=value, flag=False, comment=None, duration_ms=10, **extra)


@pytest.fixture
def answers_df():
    return pd.DataFrame(
        {
            "question": [f"Question {i}?" for i in range(6)],
            "model_a": [f"A says {i}" for i in range(6)],
            "model_b": [f"B says {i}" for i in range(5)] + [None],
            "model_c": [f"C says {i}" for i in range(6)],
        },
        index=pd.Index([f"q{i}" for i in range(6)], name="prompt_id"),
    )


def test_the_view_shows_the_prompt_and_options_in_the_annotators_order(answers_df, three):
    proj = nl.Project(answers_df, three, store=":memory:")
    assert view_class(three) is RankWidget
    widget = proj.label("ana", window=6)
    assert isinstance(widget, RankWidget)
    assert (STATIC / "rank.js").exists() and (STATIC / "rank.css").exists()
    snap = Browser(widget).hello()
    for item in snap["upcoming"]:
        ident = answers_df.index[item["pos"]]
        order = three.order_for(ident, "ana")
        assert item["view"]["prompt"] == f"Question {item['pos']}?"
        assert [key for key, _ in item["view"]["options"]] == order
        assert dict(item["view"]["options"])["model_a"] == f"A says {item['pos']}"
    assert dict(snap["upcoming"][5]["view"]["options"])["model_b"] is None
    other = Browser(proj.label("ben", window=6)).hello()
    assert [i["view"]["options"] for i in other["upcoming"]] != [i["view"]["options"] for i in snap["upcoming"]]
    assert widget.task["options"] == OPTIONS and widget.task["rating"] == [1, 5]


def test_answers_keep_their_details_through_ack_progress_and_reload(tmp_path, answers_df, three):
    proj = nl.Project(answers_df, three, store=tmp_path / "p.db")
    browser = Browser(proj.label("ana", window=3))
    snap = browser.hello()
    shown = [key for key, _ in snap["upcoming"][0]["view"]["options"]]
    meta = {"shown": shown, "ratings": {"model_b": 4, "model_a": 2}}
    [ack] = browser.answer(0, [["model_b"], ["model_c", "model_a"]], req="r1", meta=meta)
    assert ack["kind"] == "ack"
    assert ack["answer"] == {
        "event": "label", "value": [["model_b"], ["model_a", "model_c"]], "flag": None, "comment": None,
        "meta": {"shown": shown, "ratings": {"model_a": 2, "model_b": 4}},
    }
    bad = {"shown": three.order_for("q1", "ana"), "all_bad": True}
    browser.answer(1, [["model_a", "model_b", "model_c"]], req="r2", meta=bad)
    assert browser.widget.progress["by_label"] == {"model_b": 1, "(tie)": 1}
    stored = proj.annotations
    assert stored["meta"].tolist()[1] == bad
    assert nl.agreement.kendall_w(pd.concat([stored.assign(annotator="x"), stored.assign(annotator="y")])) == pytest.approx(1.0)

    again = nl.Project(answers_df, three, store=tmp_path / "p.db")
    history = Browser(again.label("ana")).hello()["history"]
    assert [h["answer"]["meta"] for h in history] == [{"shown": shown, "ratings": {"model_a": 2, "model_b": 4}}, bad]


@pytest.mark.parametrize(
    ("value", "meta", "reason"),
    [
        ([["model_a"], ["model_b"]], None, "leaves out ['model_c']"),
        ([["model_a"], ["model_b"], ["model_c"]], {"shown": ["model_a"]}, "shown must list every option once"),
        ([["model_a"], ["model_b"], ["model_c"]], {"ratings": {"model_a": 9}}, "9 is not a level"),
        ([["model_a"], ["model_b"], ["model_c"]], {"order": [1]}, "unknown answer details ['order']"),
    ],
)
def test_bad_answers_from_the_browser_are_rejected_and_not_stored(answers_df, three, value, meta, reason):
    browser = Browser(nl.Project(answers_df, three, store=":memory:").label("ana"))
    browser.hello()
    [reject] = browser.answer(0, value, req="bad", meta=meta)
    assert reject["kind"] == "reject" and reject["req"] == "bad" and reason in reject["reason"]
    assert len(browser.widget.project.annotations) == 0


def test_an_answer_must_report_the_order_the_kernel_drew_for_its_annotator(answers_df, three):
    proj = nl.Project(answers_df, three, store=":memory:")
    browser = Browser(proj.label("ana"))
    browser.hello()
    drawn = three.order_for("q0", "ana")
    for shown in (drawn[::-1], three.order_for("q0", "lead")):
        [reject] = browser.answer(0, [OPTIONS], req="stale", meta={"shown": shown})
        assert reject == {
            "kind": "reject", "req": "stale", "pos": 0,
            "reason": f"the answer says the options were shown as {shown}, but this item is shown to 'ana' as {drawn}; reload the view and answer again.",
        }
    [reject] = browser.say(kind="answer", req="s", pos=0, event="skip", value=None, meta={"shown": drawn[::-1]})
    assert reject["kind"] == "reject" and "this item is shown to 'ana' as" in reject["reason"]
    assert len(proj.annotations) == 0
    [ack] = browser.answer(0, [OPTIONS], req="ok", meta={"shown": drawn})
    [ack_without] = browser.answer(1, [OPTIONS], req="ok2")
    assert ack["kind"] == ack_without["kind"] == "ack"
    assert proj.annotations["meta"].tolist() == [{"shown": drawn}, None]


def test_without_shuffle_the_order_an_answer_reports_must_be_the_options_order(answers_df):
    fixed = Rank(OPTIONS, shuffle=False)
    proj = nl.Project(answers_df, fixed, store=":memory:")
    browser = Browser(proj.label("ana"))
    browser.hello()
    [reject] = browser.answer(0, [OPTIONS], meta={"shown": Rank(OPTIONS).order_for("q0", "ana")})
    assert reject["kind"] == "reject" and f"shown to 'ana' as {OPTIONS}" in reject["reason"]
    [ack] = browser.answer(0, [OPTIONS], meta={"shown": OPTIONS})
    assert ack["kind"] == "ack"


def test_a_reviewer_answer_must_report_the_reviewers_own_order(answers_df, three):
    proj = nl.Project(answers_df, three, store=":memory:")
    proj.add("q0", ["model_a", "model_b", "model_c"], "ana")
    proj.add("q0", ["model_c", "model_b", "model_a"], "ben")
    lead = Browser(proj.review("lead"))
    lead.hello()
    picked = {"shown": three.order_for("q0", "ben")}
    [reject] = lead.answer(0, ["model_c", "model_b", "model_a"], meta=picked, picked="ben")
    assert reject["kind"] == "reject" and "shown to 'lead' as" in reject["reason"]
    [ack] = lead.answer(0, ["model_c", "model_b", "model_a"], meta={"shown": three.order_for("q0", "lead")}, picked="ben")
    assert ack["kind"] == "ack"


def test_imported_answers_keep_their_own_shown_order(answers_df, three):
    proj = nl.Project(answers_df, three, store=":memory:")
    elsewhere = three.order_for("q0", "ana")[::-1]
    proj.add("q0", [OPTIONS], "ana", meta={"shown": elsewhere})
    assert proj.annotations["meta"].tolist() == [{"shown": elsewhere}]


@pytest.mark.parametrize("options", [OPTIONS, OPTIONS[:2]])
def test_all_bad_from_the_browser_must_be_one_tie_of_every_option(answers_df, options):
    task = Rank(options)
    proj = nl.Project(answers_df, task, store=":memory:")
    browser = Browser(proj.label("ana"))
    browser.hello()
    meta = {"shown": task.order_for("q0", "ana"), "all_bad": True}
    [reject] = browser.answer(0, [[option] for option in options], req="bad", meta=meta)
    assert reject["kind"] == "reject" and reject["req"] == "bad"
    assert reject["reason"].startswith(f"all_bad says every option is bad, so the ranking must be one tie of all options, {[options]}")
    assert len(proj.annotations) == 0
    # What the view sends for "all bad" / "both bad": one group of the options, as shown.
    [ack] = browser.answer(0, [meta["shown"]], req="good", meta=meta)
    assert ack["kind"] == "ack" and ack["answer"]["value"] == [options] and ack["answer"]["meta"] == meta


def test_undo_then_answer_again(answers_df, three):
    proj = nl.Project(answers_df, three, store=":memory:")
    browser = Browser(proj.label("ana"))
    browser.hello()
    shown = three.order_for("q0", "ana")
    browser.answer(0, ["model_a", "model_b", "model_c"], meta={"shown": shown})
    [ack] = browser.say(kind="retract", req="u", pos=0)
    assert ack["answer"] is None and browser.widget.progress["by_label"] == {}
    browser.answer(0, ["model_c", "model_b", "model_a"], meta={"shown": shown, "ratings": {"model_c": 5}})
    assert proj.annotations["event"].tolist() == ["label", "retract", "label"]
    assert browser.widget.progress["by_label"] == {"model_c": 1}


def test_review_shows_each_ranking_with_its_details_and_stores_the_pick(answers_df, three):
    proj = nl.Project(answers_df, three, store=":memory:")
    ana, ben = Browser(proj.label("ana")), Browser(proj.label("ben"))
    ana.hello(), ben.hello()
    ana.answer(0, ["model_a", "model_b", "model_c"], meta={"shown": three.order_for("q0", "ana"), "ratings": {"model_a": 5}})
    ben.answer(0, [OPTIONS], meta={"shown": three.order_for("q0", "ben"), "all_bad": True})
    ben.answer(1, ["model_c", "model_b", "model_a"])  # nobody else answered q1: nothing to settle
    lead = Browser(proj.review("lead"))
    [item] = lead.hello()["upcoming"]
    assert item["review"] == [
        {"annotator": "ana", "value": [["model_a"], ["model_b"], ["model_c"]], "flag": None, "comment": None,
         "meta": {"shown": three.order_for("q0", "ana"), "ratings": {"model_a": 5}}},
        {"annotator": "ben", "value": [OPTIONS], "flag": None, "comment": None,
         "meta": {"shown": three.order_for("q0", "ben"), "all_bad": True}},
    ]
    shown = [key for key, _ in item["view"]["options"]]
    [ack] = lead.answer(0, [OPTIONS], meta={"shown": shown, "all_bad": True}, picked="ben")
    assert ack["kind"] == "ack"
    decision = proj.annotations.iloc[-1]
    assert (decision["annotator"], decision["source"]) == ("lead", "adjudicated")
    assert decision["meta"] == {"shown": shown, "all_bad": True, "picked": "ben"}
