"""Features and query strategies of the model loop (nblabel.learn)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC

from nblabel import learn
from nblabel.learn.features import embed


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": ["app crashes", "love it", "refund please", "crash on start", "great app", "charge twice"],
            "stars": [1, 5, 2, 1, 5, 2],
            "length": [11.0, 7.0, 13.0, 14.0, 9.0, 12.0],
            "channel": pd.Categorical(["mail", "chat", "mail", "chat", "mail", "chat"]),
            "urgent": [True, False, True, True, False, False],
            "label": ["bug", "praise", "billing", "bug", "praise", "billing"],
        },
        index=pd.Index([f"t{i}" for i in range(6)], name="ticket"),
    )


# -- features ----------------------------------------------------------------------------------
def test_text_column_gets_a_vectoriser_in_front_of_a_clone(frame):
    estimator = LogisticRegression(C=3.0)
    features = learn.resolve_features(frame, "text")
    assert features.kind == "text" and features.columns == ("text",)
    assert features.X.tolist() == frame["text"].tolist()
    wrapped = features.wrap(estimator)
    assert isinstance(wrapped, Pipeline)
    assert isinstance(wrapped.steps[0][1], TfidfVectorizer)
    assert wrapped.steps[-1][1] is not estimator and wrapped.steps[-1][1].C == 3.0
    wrapped.fit(features.rows(np.arange(6)), frame["label"])
    assert not hasattr(estimator, "coef_"), "the user's estimator is never fitted"
    assert embed(wrapped, features.rows([0, 1])).shape[0] == 2


def test_numeric_columns_become_a_float_matrix(frame):
    one = learn.resolve_features(frame, "stars")
    assert one.kind == "numeric" and one.X.shape == (6, 1) and one.X.dtype == float
    several = learn.resolve_features(frame, ["stars", "length", "urgent"])
    assert several.X.shape == (6, 3)
    assert several.X[:, 2].tolist() == [1.0, 0.0, 1.0, 1.0, 0.0, 0.0]
    estimator = LogisticRegression()
    assert type(several.wrap(estimator)) is LogisticRegression
    assert several.wrap(estimator) is not estimator


def test_mixed_columns_use_a_column_transformer(frame):
    features = learn.resolve_features(frame, ["text", "stars", "channel"])
    assert features.kind == "columns"
    assert list(features.X.columns) == ["text", "stars", "channel"]
    wrapped = features.wrap(LogisticRegression())
    transformer = wrapped.steps[0][1]
    assert isinstance(transformer, ColumnTransformer)
    assert [name for name, _, _ in transformer.transformers] == ["text_0", "numeric", "categorical"]
    wrapped.fit(features.rows(np.arange(6)), frame["label"])
    assert wrapped.predict_proba(features.rows([0, 1])).shape == (2, 3)


def test_matrices_and_aligned_frames_are_used_as_is(frame):
    dense = np.arange(12.0).reshape(6, 2)
    assert learn.resolve_features(frame, dense).X is dense
    sparse = sp.coo_matrix(dense)
    resolved = learn.resolve_features(frame, sparse)
    assert sp.issparse(resolved.X) and resolved.X.format == "csr"
    assert resolved.rows([4, 1]).toarray().tolist() == [[8.0, 9.0], [2.0, 3.0]]
    aligned = frame[["stars", "length"]]
    assert learn.resolve_features(frame, aligned).kind == "matrix"


@pytest.mark.parametrize(
    ("features", "error", "message"),
    [
        (["text", "nope", "gone"], ValueError, r"columns \['nope', 'gone'\] that df does not have"),
        ([], ValueError, "empty list"),
        (["stars", "stars"], ValueError, "more than once"),
        (np.zeros(6), ValueError, "must be 2-D"),
        (np.zeros((5, 2)), ValueError, "has 5 rows but df has 6"),
        (42, TypeError, "features= must be a column name"),
    ],
)
def test_bad_features_say_what_is_wrong(frame, features, error, message):
    with pytest.raises(error, match=message):
        learn.resolve_features(frame, features)


def test_missing_values_and_odd_columns_are_refused(frame):
    holes = frame.assign(stars=[1, None, 2, 1, 5, 2], text=["a", None, "b", "c", "d", "e"])
    with pytest.raises(ValueError, match=r"column 'stars' has 1 missing values \(e.g. at items \['t1'\]\)"):
        learn.resolve_features(holes, "stars")
    with pytest.raises(ValueError, match=r"fillna\(''\)"):
        learn.resolve_features(holes, "text")
    nan_matrix = np.ones((6, 2))
    nan_matrix[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN\) in 1 rows \(e.g. items \['t3'\]\)"):
        learn.resolve_features(frame, nan_matrix)
    with pytest.raises(ValueError, match="NaN"):
        learn.resolve_features(frame, sp.csr_matrix(nan_matrix))
    mixed = frame.assign(text=pd.Series(["a", 1, "b", "c", "d", "e"], index=frame.index, dtype=object))
    with pytest.raises(TypeError, match="mixes text with other values"):
        learn.resolve_features(mixed, "text")
    dates = frame.assign(when=pd.Timestamp("2024-01-01"))
    with pytest.raises(TypeError, match="holds neither text nor numbers"):
        learn.resolve_features(dates, "when")
    with pytest.raises(ValueError, match="not indexed like df"):
        learn.resolve_features(frame, frame[["stars"]].reset_index(drop=True))


def test_estimators_without_probabilities_are_refused(frame):
    with pytest.raises(TypeError, match=r"has no predict_proba.*SVC\(probability=True\)"):
        learn.ActiveLearner(SVC(), frame, "text")
    with pytest.raises(TypeError, match=r"call it, e.g. LogisticRegression\(\)"):
        learn.ActiveLearner(LogisticRegression, frame, "text")
    with pytest.raises(TypeError, match="scikit-learn estimator"):
        learn.ActiveLearner(object(), frame, "text")


# -- strategies --------------------------------------------------------------------------------
PROBA = np.array([[0.9, 0.05, 0.05], [0.4, 0.4, 0.2], [0.5, 0.3, 0.2], [1.0, 0.0, 0.0]])


def test_uncertainty_scores_match_their_definitions():
    assert np.allclose(learn.LeastConfident().score(PROBA), [0.1, 0.6, 0.5, 0.0])
    assert np.allclose(learn.Margin().score(PROBA), [1 - 0.85, 1.0, 1 - 0.2, 0.0])
    expected = [-sum(p * np.log(p) for p in row if p > 0) for row in PROBA]
    assert np.allclose(learn.Entropy().score(PROBA), expected)
    assert learn.Random().score(PROBA).tolist() == [0.0] * 4


def test_rank_pool_orders_by_score_and_maps_to_pool_positions():
    assert learn.rank_pool(PROBA, "least_confident").tolist() == [1, 2, 0, 3]
    assert learn.rank_pool(PROBA, "entropy").tolist() == [1, 2, 0, 3]
    pool = np.array([40, 10, 30, 20])
    assert learn.rank_pool(PROBA, learn.Margin(), pool=pool).tolist() == [10, 30, 40, 20]


def test_ties_are_broken_at_random_but_reproducibly():
    flat = np.full((50, 2), 0.5)
    first = learn.rank_pool(flat, "random", seed=1)
    assert sorted(first.tolist()) == list(range(50))
    assert learn.rank_pool(flat, "random", seed=1).tolist() == first.tolist()
    assert learn.rank_pool(flat, "random", seed=2).tolist() != first.tolist()
    assert first.tolist() != list(range(50))


def test_a_function_is_a_strategy():
    def most_likely_first_class(proba):
        return proba[:, 0]

    order = learn.rank_pool(PROBA, most_likely_first_class)
    assert order.tolist() == [3, 0, 2, 1]
    assert learn.get_strategy(most_likely_first_class).name == "most_likely_first_class"


def test_bad_strategies_and_scores_are_refused():
    with pytest.raises(ValueError, match=r"strategy='smart' is not known; use one of \['random'"):
        learn.rank_pool(PROBA, "smart")
    with pytest.raises(ValueError, match=r"returned scores of shape \(2,\)"):
        learn.rank_pool(PROBA, lambda proba: [1.0, 2.0])
    with pytest.raises(ValueError, match="NaN or infinite scores"):
        learn.rank_pool(PROBA, lambda proba: np.full(len(proba), np.nan))
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        learn.rank_pool(PROBA, "margin", batch_size=0)
    with pytest.raises(ValueError, match=r"proba must have shape \(n_items, n_classes\)"):
        learn.rank_pool(np.array([0.1, 0.9]), "margin")
    with pytest.raises(ValueError, match="NaN or infinite values"):
        learn.rank_pool(np.array([[np.nan, 1.0]]), "margin")
    with pytest.raises(ValueError, match="pool= has"):
        learn.rank_pool(PROBA, "margin", pool=np.arange(3))
    with pytest.raises(TypeError, match="strategy must be a name"):
        learn.get_strategy(3)


def test_committee_vote_entropy_and_kl():
    agree = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3]])
    split = np.array([[0.6, 0.4], [0.4, 0.6], [0.6, 0.4]])
    members = np.stack([np.tile([0.9, 0.1], (3, 1)), np.tile([0.6, 0.4], (3, 1))])
    assert learn.Committee().score(members).tolist() == [0.0, 0.0, 0.0]
    stacked = np.stack([agree, split])  # members × items × classes
    votes = learn.Committee().score(stacked)
    assert votes[0] == 0.0 and votes[1] == pytest.approx(np.log(2)) and votes[2] == 0.0
    kl = learn.Committee(measure="kl").score(stacked)
    mean = stacked.mean(axis=0)
    expected = (stacked * np.log(stacked / mean)).sum(axis=2).mean(axis=0)
    assert np.allclose(kl, expected)
    assert learn.rank_pool(stacked, learn.Committee(measure="kl"))[0] == 1
    with pytest.raises(ValueError, match=r"\(n_members, n_items, n_classes\)"):
        learn.rank_pool(agree, "committee")
    with pytest.raises(ValueError, match="measure="):
        learn.Committee(measure="votes")
    with pytest.raises(ValueError, match="at least two models"):
        learn.Committee(estimators=[LogisticRegression()])
    with pytest.raises(TypeError, match="predict_proba"):
        learn.Committee(estimators=[LogisticRegression(), SVC()])


def test_single_model_strategies_score_a_committee_by_its_mean():
    stacked = np.stack([PROBA, PROBA[::-1]])
    assert learn.rank_pool(stacked, "least_confident", seed=0).tolist() == learn.rank_pool(
        stacked.mean(axis=0), "least_confident", seed=0
    ).tolist()


def test_diverse_batches_spread_over_the_pool():
    # Two tight groups of equally uncertain items; entropy alone takes the batch from one group.
    proba = np.array([[0.5, 0.5]] * 4 + [[0.55, 0.45]] * 4 + [[0.99, 0.01]] * 2)
    embedding = np.array([[0, 0], [0, 0.01], [0.01, 0], [0.01, 0.01],
                          [5, 5], [5, 5.01], [5.01, 5], [5.01, 5.01],
                          [9, 0], [9, 0.01]])
    plain = learn.rank_pool(proba, "entropy", batch_size=2, seed=0)
    assert set(plain[:2]) <= {0, 1, 2, 3}
    # Candidates are the pool_factor × batch_size most uncertain items: both groups.
    strategy = learn.Diverse(pool_factor=4)
    diverse = learn.rank_pool(proba, strategy, batch_size=2, seed=0, embedding=embedding)
    assert diverse[0] in {0, 1, 2, 3} and diverse[1] in {4, 5, 6, 7}
    assert sorted(diverse.tolist()) == list(range(10))
    assert diverse[2:].tolist() == [i for i in plain if i not in diverse[:2]]
    # Labeled items near the first group push the batch away from it.
    away = learn.rank_pool(proba, strategy, batch_size=2, seed=0, embedding=embedding,
                           labeled=np.array([[-1.0, -1.0]]))
    assert away[0] in {4, 5, 6, 7} and away[1] in {0, 1, 2, 3}
    # More candidates reach the confident but remote items.
    wide = learn.rank_pool(proba, learn.Diverse(pool_factor=5), batch_size=2, seed=0,
                           embedding=embedding, labeled=np.array([[-1.0, -1.0]]))
    assert wide[0] in {8, 9} and wide[1] in {4, 5, 6, 7}
    as_function = learn.rank_pool(proba, strategy, batch_size=2, seed=0,
                                  embedding=lambda rows: embedding[rows])
    assert as_function.tolist() == diverse.tolist()
    with pytest.raises(ValueError, match="needs embedding="):
        learn.rank_pool(proba, "diverse", batch_size=2)
    with pytest.raises(ValueError, match="single-model uncertainty score"):
        learn.Diverse("committee")
