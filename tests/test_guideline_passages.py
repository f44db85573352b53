"""A reviewer's decision cites a guideline passage: parsed, validated, stored, shown as feedback."""

import pandas as pd
import pytest
from test_widget_protocol import Browser

import nblabel as nl
from nblabel._guidelines import cite, guideline_passages, guideline_version
from nblabel.feedback import FEEDBACK_COLUMNS

LABELS = ["bug", "billing", "praise"]
GUIDE = """# Support tickets
Label what the customer needs.

## Bugs
Something that *stopped working*.

### Examples
- the app crashes on start

## Billing
Charges, refunds and invoices.
"""


def tickets(store, guidelines=GUIDE):
    df = pd.DataFrame({"text": ["card charged twice", "app crashes", "thanks!"]})
    task = nl.Classify(LABELS, text="text", guidelines=guidelines)
    return nl.Project(df, task, store=store, name="tickets")


def test_passages_run_to_the_next_heading_of_their_level_and_get_unique_names():
    text = GUIDE + "\nBugs\n----\nSetext heading, said again.\n\n## `code` and **bold**\nx\n"
    passages = guideline_passages(text)
    assert [p.heading for p in passages] == [
        "Support tickets", "Bugs", "Examples", "Billing", "Bugs (2)", "code and bold",
    ]
    by_heading = {p.heading: p for p in passages}
    assert by_heading["Bugs"].text == (
        "Something that *stopped working*.\n\n### Examples\n- the app crashes on start"
    ), "a section holds its subsections, as written (Markdown, shown as text)"
    assert by_heading["Billing"].text == "Charges, refunds and invoices."
    assert by_heading["Bugs (2)"].text == "Setext heading, said again."
    assert {p.guideline for p in passages} == {guideline_version(text)}
    assert guideline_passages("no headings at all") == ()
    assert guideline_passages(None) == ()


@pytest.mark.parametrize(
    ("guidelines", "heading", "message"),
    [
        (None, "Bugs", "the task has none: give the task guidelines="),
        ("only a paragraph", "Bugs", "the guideline has no Markdown headings"),
        (GUIDE, "Refunds", "its headings are 'Support tickets', 'Bugs', 'Examples', 'Billing'"),
    ],
)
def test_cite_says_what_can_be_cited(guidelines, heading, message):
    with pytest.raises(ValueError, match=message):
        cite(guidelines, heading)


def test_add_validates_a_passage_before_anything_is_stored(store_url):
    proj = tickets(store_url)
    proj.add(0, "bug", annotator="ana")
    with pytest.raises(ValueError, match=r"not by a 'human' answer: pass source='adjudicated'"):
        proj.add(0, "billing", annotator="lead", passage="Billing")
    with pytest.raises(ValueError, match=r"'Refunds' is not a heading.*'Bugs', 'Examples', 'Billing'"):
        proj.add(0, "billing", annotator="lead", source="adjudicated", passage="Refunds")
    with pytest.raises(TypeError, match="passage must be a non-empty guideline heading"):
        proj.add(0, "billing", annotator="lead", source="adjudicated", passage=2)
    with pytest.raises(ValueError, match="passage must be a non-empty guideline heading"):
        proj.add(0, "billing", annotator="lead", source="adjudicated", passage="  ")
    assert len(proj.annotations) == 1, "nothing refused was stored"
    proj.close()


def test_a_task_without_guidelines_cannot_cite(tmp_path):
    proj = tickets(tmp_path / "bare.db", guidelines=None)
    with pytest.raises(ValueError, match="the task has none"):
        proj.add(0, "billing", annotator="lead", source="adjudicated", passage="Billing")
    assert proj.annotations.empty
    proj.close()


def test_a_cited_passage_is_stored_with_the_decision_and_shown_in_feedback(store_url):
    proj = tickets(store_url)
    proj.add(0, "bug", annotator="ana"), proj.add(0, "billing", annotator="ben")
    proj.add(1, "praise", annotator="ana"), proj.add(1, "bug", annotator="ben")
    proj.add(0, "billing", annotator="lead", source="adjudicated", comment="a double charge",
             passage="Billing")
    proj.add(1, "bug", annotator="lead", source="adjudicated", comment="a crash")
    assert proj.annotations.iloc[-2]["meta"] == {"passage": {
        "heading": "Billing", "text": "Charges, refunds and invoices.",
        "guideline": guideline_version(GUIDE),
    }}
    table = proj.feedback("ana")
    assert tuple(table.columns) == FEEDBACK_COLUMNS
    assert table[["item", "comment", "passage"]].values.tolist() == [
        [1, "a crash", None],
        [0, "a double charge",
         nl.Passage("Billing", "Charges, refunds and invoices.", guideline_version(GUIDE))],
    ]
    assert proj.feedback("ben").empty, "ben's answer was the decision"
    proj.close()
    reopened = tickets(store_url)
    assert reopened.feedback("ana")["passage"].tolist() == table["passage"].tolist()
    reopened.close()


def test_a_passage_stays_what_was_cited_after_the_guideline_changes(store_url):
    proj = tickets(store_url)
    proj.add(0, "bug", annotator="ana")
    proj.add(0, "billing", annotator="lead", source="adjudicated", passage="Billing")
    proj.close()
    revised = GUIDE.replace("Charges, refunds and invoices.", "Anything about money.")
    proj = tickets(store_url, guidelines=revised)
    proj.add(1, "praise", annotator="ana")
    proj.add(1, "billing", annotator="lead", source="adjudicated", passage="Billing")
    cited = proj.feedback("ana").set_index("item")["passage"]
    assert cited[0] == nl.Passage("Billing", "Charges, refunds and invoices.",
                                  guideline_version(GUIDE))
    assert cited[1] == nl.Passage("Billing", "Anything about money.", guideline_version(revised))
    proj.close()


def test_a_reviewer_cites_a_passage_from_the_review_view(tmp_path):
    proj = tickets(tmp_path / "r.db")
    ana = Browser(proj.label("ana"))
    ana.hello()
    ana.answer(0, "bug", req="a0")
    proj.add(0, "billing", annotator="ben")
    lead = Browser(proj.review("lead"))
    assert lead.widget.guideline["passages"] == ["Support tickets", "Bugs", "Examples", "Billing"]
    [item] = lead.hello()["upcoming"]
    [refused] = lead.answer(0, "billing", req="d0", picked="ben", passage="Refunds")
    assert refused["kind"] == "reject" and "'Refunds' is not a heading" in refused["reason"]
    [refused] = lead.answer(0, None, req="d1", event="skip", passage="Billing")
    assert refused["kind"] == "reject" and "a decision (a label) cites" in refused["reason"]
    assert len(proj.annotations) == 2, "nothing refused was stored"
    reply = lead.answer(0, "billing", req="d2", picked="ben", comment="<b>x</b>", passage="Billing")
    assert reply[0]["kind"] == "ack"
    assert proj.annotations.iloc[-1]["meta"] == {
        "picked": "ben",
        "passage": {"heading": "Billing", "text": "Charges, refunds and invoices.",
                    "guideline": guideline_version(GUIDE)},
    }
    [entry] = ana.widget.feedback["items"]
    assert (entry["comment"], entry["passage"]) == (
        "<b>x</b>", {"heading": "Billing", "text": "Charges, refunds and invoices."},
    )
    proj.close()


def test_an_annotator_cannot_cite_a_passage(tmp_path):
    proj = tickets(tmp_path / "a.db")
    ana = Browser(proj.label("ana"))
    ana.hello()
    [refused] = ana.answer(0, "bug", req="a0", passage="Bugs")
    assert refused["kind"] == "reject" and "only a reviewer's decision" in refused["reason"]
    assert proj.annotations.empty
    proj.close()


def test_feedback_without_a_passage_has_none_in_the_view(tmp_path):
    proj = tickets(tmp_path / "n.db")
    widget = proj.label("ana")
    proj.add(2, "bug", annotator="ana")
    proj.add(2, "praise", annotator="lead", source="adjudicated")
    [entry] = widget.feedback["items"]
    assert entry["passage"] is None and entry["comment"] is None
    assert proj.feedback("ana")["passage"].tolist() == [None]
    proj.close()


@pytest.mark.parametrize("kind", ["spans", "rank"])
def test_spans_and_rank_decisions_cite_passages_too(tmp_path, kind):
    if kind == "spans":
        df = pd.DataFrame({"text": ["Ana works at Acme"]})
        task = nl.Spans(["PER", "ORG"], text="text", guidelines=GUIDE)
        mine, decided = [{"start": 0, "end": 3, "label": "ORG"}], [{"start": 0, "end": 3, "label": "PER"}]
    else:
        df = pd.DataFrame({"q": ["which is better?"], "a": ["yes"], "b": ["no"]})
        task = nl.Rank(["a", "b"], prompt="q", guidelines=GUIDE)
        mine, decided = [["a"], ["b"]], [["b"], ["a"]]
    proj = nl.Project(df, task, store=tmp_path / f"{kind}.db")
    widget = proj.label("ana")
    proj.add(0, mine, annotator="ana"), proj.add(0, decided, annotator="ben")
    lead = Browser(proj.review("lead"))
    [item] = lead.hello()["upcoming"]
    extra = {"meta": {"shown": [k for k, _ in item["view"]["options"]]}} if kind == "rank" else {}
    reply = lead.answer(0, decided, req="d", picked="ben", passage="Examples", **extra)
    assert reply[0]["kind"] == "ack", reply
    [entry] = widget.feedback["items"]
    assert entry["passage"] == {"heading": "Examples", "text": "- the app crashes on start"}
    assert proj.feedback("ana")["passage"][0].heading == "Examples"
    proj.close()
