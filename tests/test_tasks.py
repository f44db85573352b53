import json
import pathlib

import pytest

import nblabel as nl
from nblabel.tasks import RESERVED_KEYS, TaskMismatchError, task_from_dict, task_from_json


def test_validate_single_label():
    task = nl.Classify(["pos", "neg"], text="t")
    assert task.validate("pos") == "pos"
    with pytest.raises(ValueError, match=r"'maybe' is not a label of this task; allowed: \['pos', 'neg'\]"):
        task.validate("maybe")
    with pytest.raises(ValueError, match="not a label"):
        task.validate(1)
    with pytest.raises(ValueError, match="not a label"):
        task.validate(["pos"])


def test_validate_multi_label_sorts_and_deduplicates():
    task = nl.Classify(["b", "a", "c"], text="t", multi=True)
    assert task.validate(["c", "a", "c"]) == ["a", "c"]
    assert task.validate(("b",)) == ["b"]
    assert task.validate([]) == []
    with pytest.raises(ValueError, match="not a multi-label answer"):
        task.validate("a")
    with pytest.raises(ValueError, match="'z' is not a label"):
        task.validate(["a", "z"])


@pytest.mark.parametrize(
    ("labels", "error", "message"),
    [
        ([], ValueError, "labels is empty"),
        (["a", "a", "b"], ValueError, r"duplicated: \['a'\]"),
        (["a", ""], ValueError, "non-empty string"),
        (["a", "  "], ValueError, "non-empty string"),
        (["a", 3], ValueError, "non-empty string"),
        ("pos", TypeError, "list of strings"),
        (None, TypeError, "list of strings"),
    ],
)
def test_bad_labels(labels, error, message):
    with pytest.raises(error, match=message):
        nl.Classify(labels, text="t")


def test_needs_something_to_show():
    with pytest.raises(ValueError, match="needs something to show"):
        nl.Classify(["a"])


def test_default_keys_skip_reserved_letters():
    task = nl.Classify([f"l{i}" for i in range(20)], text="t")
    assert task.keys[:9] == tuple("123456789")
    assert not set(task.keys) & set(RESERVED_KEYS)
    assert len(set(task.keys)) == 20


def test_many_labels_get_no_key_beyond_defaults():
    task = nl.Classify([f"l{i}" for i in range(40)], text="t")
    assert task.keys[-1] is None
    assert sum(k is not None for k in task.keys) == 31


def test_custom_keys():
    task = nl.Classify(["pos", "neg"], text="t", keys={"pos": "p", "neg": "n"})
    assert task.key_for("neg") == "n"
    assert nl.Classify(["a", "b"], text="t", keys=["x", "y"]).keys == ("x", "y")


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (["s", "x"], "reserved for 'skip'"),
        (["U", "x"], "reserved for 'undo'"),
        (["x", "x"], "bound to both"),
        (["x"], "has 1 entries for 2 labels"),
        (["xy", "z"], "single character"),
        ({"nope": "x"}, "not in the task"),
        ("xy", "one key per label"),
    ],
)
def test_bad_keys(keys, message):
    with pytest.raises((ValueError, TypeError), match=message):
        nl.Classify(["a", "b"], text="t", keys=keys)


def test_fields_and_columns():
    task = nl.Classify(["a"], text="body", fields={"Title": "title", "From": "sender"}, image="img")
    assert task.columns() == ["body", "img", "title", "sender"]
    assert nl.Classify(["a"], fields=["x", "y"]).fields == {"x": "x", "y": "y"}
    with pytest.raises(TypeError, match="fields="):
        nl.Classify(["a"], fields=3)


def test_json_round_trip(tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text("# Rules\nBe kind 😀", encoding="utf-8")
    task = nl.Classify(["pos", "neg"], text="t", multi=True, keys=["p", "n"], guidelines=guide)
    again = task_from_json(task.to_json())
    assert again == task
    assert again.guidelines == "# Rules\nBe kind 😀"
    assert json.loads(task.to_json())["kind"] == "classify"
    assert task_from_dict(task.to_dict()) == task


def test_guideline_version_is_a_content_hash():
    a = nl.Classify(["x"], text="t", guidelines="v1 text")
    b = nl.Classify(["x"], text="t", guidelines="v1 text")
    c = nl.Classify(["x"], text="t", guidelines="v2 text")
    assert a.guideline_version == b.guideline_version != c.guideline_version
    assert len(a.guideline_version) == 12
    assert nl.Classify(["x"], text="t").guideline_version is None
    with pytest.raises(TypeError, match="guidelines must be"):
        nl.Classify(["x"], text="t", guidelines=3)


def test_unknown_task_descriptions():
    with pytest.raises(ValueError, match="unknown task kind 'poll'"):
        task_from_dict({"kind": "poll"})
    with pytest.raises(ValueError, match="no 'kind'"):
        task_from_dict({"labels": []})


def test_compatibility_rules():
    stored = nl.Classify(["pos", "neg"], text="t")
    assert nl.Classify(["pos", "neg", "mixed"], text="t").check_compatible(stored) == ["mixed"]
    with pytest.raises(TaskMismatchError, match=r"\['neg'\].*renamed to \['negative'\]"):
        nl.Classify(["pos", "negative"], text="t").check_compatible(stored)
    with pytest.raises(TaskMismatchError, match="multi=False"):
        nl.Classify(["pos", "neg"], text="t", multi=True).check_compatible(stored)


def test_unknown_keyword_names_the_valid_ones():
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['txt'\]; valid ones are"):
        nl.Classify(["a"], txt="t")


def test_repr_is_informative():
    assert repr(nl.Classify(["a", "b"], text="t")) == "Classify(labels=['a', 'b'], text='t')"


def test_path_guidelines_must_exist(tmp_path):
    with pytest.raises(FileNotFoundError):
        nl.Classify(["a"], text="t", guidelines=pathlib.Path(tmp_path / "missing.md"))
