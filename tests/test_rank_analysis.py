"""Preference data from rankings: the pairwise table, training pairs, ratings and position bias."""

import numpy as np
import pandas as pd
import pytest

import nblabel as nl
from nblabel import rank
from nblabel.tasks import Rank


def tidy(rows):
    """A tidy answers table from (item, annotator, value, meta) rows."""
    return pd.DataFrame(rows, columns=["item", "annotator", "value", "meta"])


def pairs_of(table):
    return [tuple(row) for row in table[["item", "annotator", "chosen", "rejected", "tie"]].itertuples(index=False)]


# -- the pairwise table ------------------------------------------------------------------------
def test_every_pair_of_a_ranking_with_a_tie():
    shown = {"shown": ["c", "a", "b"]}
    table = rank.preferences(tidy([(7, "ana", [["b"], ["a", "c"]], shown)]))
    assert list(table.columns) == list(rank.PAIR_COLUMNS)
    assert pairs_of(table) == [(7, "ana", "b", "a", False), (7, "ana", "b", "c", False), (7, "ana", "a", "c", True)]
    assert table["chosen_position"].tolist() == [3, 3, 2]
    assert table["rejected_position"].tolist() == [2, 1, 1]
    assert not table["all_bad"].any()
    assert table["item"].dtype == np.int64 and table["tie"].dtype == bool


def test_all_bad_and_unknown_positions():
    table = rank.preferences(tidy([("q1", "ana", [["a", "b"]], {"shown": ["b", "a"], "all_bad": True}), ("q2", "ana", [["b"], ["a"]], None)]))
    assert pairs_of(table) == [("q1", "ana", "a", "b", True), ("q2", "ana", "b", "a", False)]
    assert table["all_bad"].tolist() == [True, False]
    assert table["chosen_position"].isna().tolist() == [False, True]


def test_an_event_log_counts_each_annotators_current_answer(tmp_path):
    df = pd.DataFrame({"a": ["x", "y", "z"], "b": ["X", "Y", "Z"]}, index=["i1", "i2", "i3"])
    proj = nl.Project(df, Rank(["a", "b"]), store=tmp_path / "p.db")
    proj.add("i1", [["a"], ["b"]], annotator="ana")
    proj.add("i1", [["b"], ["a"]], annotator="ana")  # changed her mind: the latest counts
    proj.add("i2", [["a", "b"]], annotator="ana")
    proj.retract("i2", annotator="ana")  # undone: no answer
    proj.add("i3", [["a"], ["b"]], annotator="ana")
    proj.skip("i3", annotator="ana")  # skipped after all: no answer
    proj.add("i3", [["b"], ["a"]], annotator="ben")
    table = proj.preferences()
    assert pairs_of(table) == [("i1", "ana", "b", "a", False), ("i3", "ben", "b", "a", False)]
    shuffled = proj.annotations.sample(frac=1, random_state=1)
    assert pairs_of(rank.preferences(shuffled)) == pairs_of(table), "event order comes from event_id"


def test_no_answers_give_an_empty_table():
    table = rank.preferences(tidy([]))
    assert list(table.columns) == list(rank.PAIR_COLUMNS) and len(table) == 0


@pytest.mark.parametrize(
    ("answers", "error", "message"),
    [
        ([1, 2], TypeError, "expected a pandas DataFrame of answers"),
        (pd.DataFrame({"item": [1], "value": [[["a"]]]}), ValueError, r"no column\(s\) \['annotator'\]"),
        (tidy([(1, "ana", "a", None)]), ValueError, "'a' is not a ranking"),
        (tidy([(1, "ana", [["a"], []], None)]), ValueError, "not a list of non-empty groups"),
        (tidy([(1, "ana", [["a"], ["a", "b"]], None)]), ValueError, "lists an option twice"),
        (tidy([(1, "ana", [["a"], ["b"]], None), (1, "ana", [["b"], ["a"]], None)]), ValueError, "item 1 has several answers by 'ana'"),
    ],
)
def test_bad_answer_tables_say_what_is_wrong(answers, error, message):
    with pytest.raises(error, match=message):
        rank.preferences(answers)


def test_ratings_table():
    answers = tidy([(1, "ana", [["a"], ["b"]], {"ratings": {"a": 5, "b": 2}}), (2, "ben", [["b"], ["a"]], {"shown": ["a", "b"]})])
    table = rank.ratings(answers)
    assert table.values.tolist() == [[1, "ana", "a", 5], [1, "ana", "b", 2]]
    assert list(rank.ratings(tidy([])).columns) == ["item", "annotator", "option", "rating"]


# -- training pairs ------------------------------------------------------------------------------
@pytest.fixture
def texts():
    return pd.DataFrame(
        {
            "question": ["Capital of France?", "2 + 2?", "Colour of the sky?", None],
            "short": ["Paris.", "4", "Blue.", "n/a"],
            "long": ["It is Paris, on the Seine.", "Four.", None, "n/a too"],
            "odd": ["Lyon", "5", "Green", "?"],
        },
        index=pd.Index(["p1", "p2", "p3", "p4"], name="id"),
    )


def test_training_pairs_in_the_prompt_chosen_rejected_shape(texts):
    answers = tidy(
        [
            ("p1", "ana", [["long"], ["short"], ["odd"]], None),
            ("p2", "ana", [["short", "long"], ["odd"]], None),
            ("p3", "ana", [["short"], ["long"], ["odd"]], None),  # 'long' is missing for p3
            ("p4", "ana", [["short"], ["long"], ["odd"]], None),  # no prompt for p4
        ]
    )
    pairs = rank.training_pairs(answers, texts, "question")
    assert list(pairs.columns) == ["prompt", "chosen", "rejected"]
    assert pairs.values.tolist() == [
        ["Capital of France?", "It is Paris, on the Seine.", "Paris."],
        ["Capital of France?", "It is Paris, on the Seine.", "Lyon"],
        ["Capital of France?", "Paris.", "Lyon"],
        ["2 + 2?", "4", "5"],
        ["2 + 2?", "Four.", "5"],
        ["Colour of the sky?", "Blue.", "Green"],
    ]
    detailed = rank.training_pairs(answers, texts, "question", details=True)
    assert list(detailed.columns) == ["prompt", "chosen", "rejected", "item", "annotator", "chosen_option", "rejected_option"]
    assert detailed.iloc[0][["item", "annotator", "chosen_option", "rejected_option"]].tolist() == ["p1", "ana", "long", "short"]
    no_prompt = rank.training_pairs(answers, texts)
    assert set(no_prompt["prompt"]) == {""} and len(no_prompt) == 9


def test_majority_keeps_pairs_most_annotators_decided_one_way(texts):
    answers = tidy(
        [
            ("p1", "ana", [["long"], ["short"], ["odd"]], None),
            ("p1", "ben", [["long"], ["short", "odd"]], None),
            ("p1", "cat", [["short"], ["long"], ["odd"]], None),
            ("p2", "ana", [["short"], ["long"], ["odd"]], None),
            ("p2", "ben", [["long"], ["short"], ["odd"]], None),
        ]
    )
    pairs = rank.training_pairs(answers, texts, "question", how="majority", details=True)
    decided = {(row.item, row.chosen_option, row.rejected_option): row.votes for row in pairs.itertuples()}
    assert decided == {
        ("p1", "long", "short"): (2, 1),
        ("p1", "long", "odd"): (3, 0),
        ("p1", "short", "odd"): (2, 0),  # ben's tie counts for neither side
        ("p2", "short", "odd"): (2, 0),
        ("p2", "long", "odd"): (2, 0),
    }


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"how": "all"}, ValueError, r"how='all' is not supported; use one of \['each', 'majority'\]"),
        ({"prompt": "title"}, ValueError, "prompt='title' is not a column of df"),
        ({"df": "texts"}, TypeError, "df must be the items' DataFrame"),
        ({"answers": tidy([("p9", "ana", [["short"], ["long"], ["odd"]], None)])}, ValueError, "item 'p9' of the answers is not in df's index"),
        ({"answers": tidy([("p1", "ana", [["short"], ["gone"]], None)])}, ValueError, r"options \['gone'\] are not columns of df"),
        ({"style": "dpo"}, TypeError, "valid ones are"),
    ],
)
def test_bad_training_arguments(texts, kwargs, error, message):
    arguments = {"answers": tidy([("p1", "ana", [["short"], ["long"], ["odd"]], None)]), "df": texts, **kwargs}
    with pytest.raises(error, match=message):
        rank.training_pairs(**arguments)


def test_project_preferences(texts):
    proj = nl.Project(texts, Rank(["short", "long", "odd"], prompt="question"), store=":memory:")
    proj.add("p2", [["long"], ["short"], ["odd"]], annotator="ana")
    assert len(proj.preferences()) == 3
    assert proj.preferences(training=True)["chosen"].tolist() == ["Four.", "Four.", "4"]
    assert len(proj.preferences(training=True, how="majority")) == 3
    with pytest.raises(ValueError, match="pass training=True"):
        proj.preferences(how="majority")
    with pytest.raises(TypeError, match="training must be True or False"):
        proj.preferences(training="yes")
    # Judgements made elsewhere keep the order they were shown in and their ratings.
    proj.add("p1", [["odd"], ["short", "long"]], annotator="ben", meta={"shown": ["odd", "long", "short"]})
    assert proj.preferences().query("annotator == 'ben'")["chosen_position"].tolist() == [1, 1, 3]
    assert rank.position_bias(proj.preferences()).loc["all", "comparisons"] == 3
    with pytest.raises(ValueError, match="all_bad says every option is bad"):
        proj.add("p1", [["odd"], ["short", "long"]], annotator="ben", meta={"all_bad": True})
    with pytest.raises(ValueError, match="shown must list every option once"):
        proj.add("p1", [["odd"], ["short", "long"]], annotator="ben", meta={"shown": ["odd"]})
    proj.retract("p1", annotator="ben")
    # A reviewer's adjudication and a model's answer are not extra annotators' preferences.
    proj.add("p2", [["short"], ["long"], ["odd"]], annotator="lead", source="adjudicated")
    proj.add("p2", [["odd"], ["long"], ["short"]], annotator="model", source="model")
    assert set(proj.preferences()["annotator"]) == {"ana"}
    assert proj.preferences(training=True)["chosen"].tolist() == ["Four.", "Four.", "4"]
    labels = nl.Project(texts, nl.Classify(["x"], text="short"), store=":memory:")
    with pytest.raises(TypeError, match="preferences\\(\\) reads rankings"):
        labels.preferences()


# -- position bias ---------------------------------------------------------------------------------
def ab(item, winner, shown, tie=False):
    value = [["a", "b"]] if tie else [[winner], ["b" if winner == "a" else "a"]]
    return (item, "ana", value, {"shown": shown})


def test_how_often_the_left_option_wins():
    rows = [ab(i, "a", ["a", "b"]) for i in range(30)] + [ab(30 + i, "a", ["b", "a"]) for i in range(10)]
    rows += [ab(40 + i, "a", ["a", "b"], tie=True) for i in range(5)]
    table = rank.position_bias(tidy(rows))
    assert list(table.index) == ["1 vs 2"]
    row = table.loc["1 vs 2"]
    assert (row["comparisons"], row["first_wins"], row["second_wins"], row["ties"]) == (45, 30, 10, 5)
    assert row["first_rate"] == pytest.approx(0.75)
    assert row["ci_low"] < 0.75 < row["ci_high"] and 0.5 < row["ci_low"]
    assert row["p_value"] == pytest.approx(0.002221, abs=1e-5)  # exact binomial test, 30 of 40


def test_position_pairs_with_three_options_and_pooled():
    shown = {"shown": ["a", "b", "c"]}
    rows = [(1, "ana", [["a"], ["b"], ["c"]], shown), (2, "ana", [["c"], ["a", "b"]], shown)]
    table = rank.position_bias(rank.preferences(tidy(rows)))
    assert list(table.index) == ["1 vs 2", "1 vs 3", "2 vs 3", "all"]
    assert table[["first_wins", "second_wins", "ties"]].values.tolist() == [[1, 0, 1], [1, 1, 0], [1, 1, 0], [3, 2, 1]]
    assert table["first_rate"].tolist() == [1.0, 0.5, 0.5, 0.6]


def test_position_bias_needs_the_order_shown():
    with pytest.raises(ValueError, match="no answer records the order its options were shown in"):
        rank.position_bias(tidy([(1, "ana", [["a"], ["b"]], None)]))
    with pytest.raises(ValueError, match="ci must be a confidence level between 0 and 1"):
        rank.position_bias(tidy([ab(1, "a", ["a", "b"])]), ci=95)


# -- the shipped example ------------------------------------------------------------------------
def test_shipped_answers_and_judgments():
    from nblabel._preference_data import load_answer_judgments, load_answer_pairs

    pairs, judgments = load_answer_pairs(), load_answer_judgments()
    assert pairs.shape == (40, 3) and list(pairs.columns) == ["prompt", "brief", "thorough"]
    assert pairs.notna().all().all() and (pairs.map(len) > 0).all().all()
    task = Rank(["brief", "thorough"], prompt="prompt")
    assert list(judgments.columns) == ["item", "annotator", "value", "meta", "comment"]
    for row in judgments.itertuples():
        assert task.validate(row.value) == row.value
        assert task.validate_meta(row.meta) == row.meta
        assert row.meta["shown"] == task.order_for(row.item, row.annotator), "the widget's order"
    assert judgments["comment"].isna().sum() == 112
    bias = {who: rank.position_bias(judgments[judgments["annotator"] == who]).loc["1 vs 2"] for who in ("ana", "ben", "chloe")}
    assert bias["ben"]["p_value"] < 0.01 and bias["ben"]["first_rate"] > 0.7
    assert bias["chloe"]["p_value"] > 0.5
    proj = nl.Project(pairs, task, store=":memory:")
    for row in judgments.itertuples():
        proj.add(row.item, row.value, annotator=row.annotator, comment=row.comment)
    assert len(proj.preferences()) == 120
    assert len(proj.preferences(training=True)) == 103
