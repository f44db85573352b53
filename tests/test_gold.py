import warnings

import pandas as pd
import pytest

import nblabel as nl
from nblabel.agreement import AgreementWarning


def tickets(n=20):
    df = pd.DataFrame({"text": [f"ticket {i}" for i in range(n)]}, index=[f"t{i}" for i in range(n)])
    df["known"] = None
    df.loc[["t0", "t5", "t10", "t15", "t19"], "known"] = ["bug", "billing", "bug", "praise", "billing"]
    df["why"] = None
    df.loc["t5", "why"] = "An invoice question is billing, even when it mentions an error."
    return df


TASK = nl.Classify(["bug", "billing", "praise"], text="text")


class View:
    def __init__(self, project, annotator, window=4):
        self.widget = project.label(annotator, window=window)
        self.messages = []
        self.widget.send = lambda content, buffers=None: self.messages.append(content)
        self.widget._on_message(self.widget, {"kind": "hello", "to": "v"}, [])
        self.items = list(self.messages[-1]["upcoming"])

    def answer(self, value):
        item = self.items.pop(0)
        before = len(self.messages)
        self.widget._on_message(self.widget, {"kind": "answer", "req": "r", "pos": item["pos"], "event": "label", "value": value}, [])
        for message in self.messages[before:]:
            if message["kind"] == "ack":
                self.items += message["append"]
            elif message["kind"] == "append":
                self.items += message["items"]
        return item


def stream(project, annotator, count, value="bug"):
    view = View(project, annotator)
    return [view.answer(value) for _ in range(count)], view


def test_gold_items_are_mixed_in_at_the_rate():
    df = tickets()
    proj = nl.Project(df, TASK, store=":memory:", gold=nl.Gold("known", rate=0.25))
    shown, _ = stream(proj, "ana", 16)
    ids = [df.index[item["pos"]] for item in shown]
    gold = {"t0", "t5", "t10", "t15", "t19"}
    assert [i for i, item in enumerate(ids) if item in gold] == [3, 7, 11, 15], ids
    assert all("teach" not in item for item in shown), "annotators are not told which items are gold"
    assert len(set(ids)) == len(ids)


def test_qualification_round_comes_first_and_decides_who_counts():
    df = tickets()
    gold = nl.Gold("known", rate=0, qualify=3, threshold=0.6)
    proj = nl.Project(df, TASK, store=":memory:", gold=gold)
    shown, view = stream(proj, "ana", 3, value="bug")  # t0 right, t5 wrong, t10 right
    assert [df.index[i["pos"]] for i in shown] == ["t0", "t5", "t10"]
    assert view.widget.progress["qualification"] == {"done": 3, "needed": 3, "correct": 2, "passed": True}
    assert proj.qualified("ana") is True
    shown, view = stream(proj, "ben", 2, value="praise")
    assert view.widget.progress["qualification"]["passed"] is None and proj.qualified("ben") is None
    view.answer("praise")
    assert proj.qualified("ben") is False
    view.answer("praise")  # a regular item: stored, but ben's answers do not count
    assert proj.labels(annotator="ben").notna().sum() == 4
    counted = proj.labels()
    assert counted.dropna().to_dict() == {"t0": "bug", "t5": "bug", "t10": "bug"}
    assert proj.qualified("nobody") is None


def test_unqualified_answers_are_left_out_of_agreement_and_consensus():
    df = tickets()
    proj = nl.Project(df, TASK, store=":memory:", gold=nl.Gold("known", rate=0, qualify=2))
    for annotator, value in (("ana", "bug"), ("ben", "bug"), ("cy", "praise")):
        view = View(proj, annotator)
        view.answer("bug" if annotator != "cy" else "praise")
        view.answer("billing" if annotator != "cy" else "praise")
        for _ in range(3):
            view.answer(value)
    assert [proj.qualified(a) for a in ("ana", "ben", "cy")] == [True, True, False]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AgreementWarning)
        table = proj.agreement(n=50)
    assert table.loc[0, "answers"] == 10, "cy's five answers are not counted"
    assert "praise" not in set(proj.labels(how="majority").dropna())


def test_teaching_mode_sends_the_answer_and_why():
    df = tickets()
    proj = nl.Project(df, TASK, store=":memory:", gold=nl.Gold("known", explanation="why", rate=0.5, teach=True))
    shown, _ = stream(proj, "ana", 4)
    taught = {df.index[i["pos"]]: i["teach"] for i in shown if "teach" in i}
    assert taught == {
        "t0": {"expected": "bug", "explanation": None},
        "t5": {"expected": "billing", "explanation": "An invoice question is billing, even when it mentions an error."},
    }


def test_gold_accuracy_overall_and_over_time():
    df = tickets()
    proj = nl.Project(df, TASK, store=":memory:", gold="known")
    for item, value in [("t0", "bug"), ("t5", "bug"), ("t10", "bug"), ("t1", "praise")]:
        proj.add(item, value, annotator="ana")
    proj.add("t5", "billing", annotator="ben")
    table = proj.gold_accuracy()
    assert table.loc["ana"].tolist() == [3, 2, 2 / 3]
    assert table.loc["ben"].tolist() == [1, 1, 1.0]
    curve = proj.gold_accuracy(over_time=True)
    assert curve[curve["annotator"] == "ana"]["accuracy"].round(3).tolist() == [1.0, 0.5, 0.667]
    assert curve["item"].tolist() == ["t0", "t5", "t10", "t5"]


def test_gold_with_overlap_goes_to_everyone():
    df = tickets()
    proj = nl.Project(df, TASK, store=":memory:", overlap=1, gold=nl.Gold("known", rate=0, qualify=2))
    first, _ = stream(proj, "ana", 3)
    second, _ = stream(proj, "ben", 3)
    assert [df.index[i["pos"]] for i in first[:2]] == [df.index[i["pos"]] for i in second[:2]] == ["t0", "t5"]
    assert df.index[first[2]["pos"]] != df.index[second[2]["pos"]], "regular items go to one annotator"


@pytest.mark.parametrize(
    ("gold", "error", "message"),
    [
        (nl.Gold("nope"), ValueError, r"gold column 'nope' is not in df"),
        (nl.Gold(pd.Series({"zz": "bug"})), ValueError, "not in df's index"),
        (nl.Gold(pd.Series({"t1": "spam"})), ValueError, "gold answer for item 't1' is not valid"),
        (nl.Gold(pd.Series(dtype=object)), ValueError, "no gold answers"),
        (nl.Gold("known", qualify=9), ValueError, "qualify=9 needs at least that many"),
        (nl.Gold("known", explanation="nope"), ValueError, "explanation column 'nope'"),
        (42, TypeError, "gold must be"),
    ],
)
def test_bad_gold(gold, error, message):
    with pytest.raises(error, match=message):
        nl.Project(tickets(), TASK, store=":memory:", gold=gold)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"rate": 1.5}, "rate must be"), ({"qualify": -1}, "qualify must be"), ({"threshold": 0}, "threshold must be"), ({"teach": "yes"}, "teach must be")],
)
def test_gold_arguments(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        nl.Gold("known", **kwargs)


def test_projects_without_gold():
    proj = nl.Project(tickets(), TASK, store=":memory:")
    assert proj.qualified("ana") is True
    with pytest.raises(ValueError, match="no gold items"):
        proj.gold_accuracy()
