"""What a model is fitted on: features aligned to the DataFrame's rows, and the estimator to fit.

:func:`resolve_features` turns the ``features=`` argument of the model loop into a matrix (or a
column of text, or a frame of columns) with one row per DataFrame row, and wraps the user's
estimator in what it needs to read it: a TF-IDF vectoriser for text, a ``ColumnTransformer`` for
a mix of column kinds. The user's estimator is never fitted or changed: every fit starts from a
clone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ..tasks import Classify

#: Feature kinds reported by :attr:`Features.kind`.
KINDS = ("text", "numeric", "columns", "matrix")


def classification_inputs(task: Any, features: Any, caller: str) -> tuple[tuple[str, ...], Any]:
    """Return a single-label classification task's labels and what a model of it reads.

    ``features`` defaults to the task's text column. ``caller`` (e.g. ``"learn()"``) names the
    function in the errors: a task of another kind is a ``TypeError``, a task with no text and
    no ``features`` a ``ValueError``.
    """
    if not isinstance(task, Classify) or task.multi:
        raise TypeError(
            f"{caller} needs a single-label classification task (nl.Classify([...], text=...) "
            f"without multi=True); got {task!r}."
        )
    return tuple(task.labels), task_features(task, features)


def task_features(task: Classify, features: Any) -> Any:
    """Return ``features``, or by default the classification task's text column."""
    if features is not None:
        return features
    if task.text is None:
        raise ValueError(
            "the task shows no text column, so features= must say what the model reads "
            "(a column, a list of columns, or a matrix aligned to df.index)."
        )
    return task.text


def text_vectorizer() -> TfidfVectorizer:
    """Return the vectoriser used for text columns.

    Character n-grams of 2 to 4 within word boundaries, sublinear term frequency, float32: robust
    to typos, inflection and scripts without spaces between words (Chinese, Japanese), which a
    word tokeniser would read as one long token.
    """
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32
    )


@dataclass(frozen=True)
class Features:
    """Features resolved for a DataFrame, and how to wrap an estimator around them.

    Attributes
    ----------
    X : numpy.ndarray, scipy sparse matrix, pandas.Series or pandas.DataFrame
        One row per DataFrame row, in the DataFrame's order: a 2-D float array (numeric
        columns), a CSR matrix, a text Series (one text column) or a frame of columns (a mix).
    kind : {"text", "numeric", "columns", "matrix"}
        How ``X`` was built: one text column, numeric column(s), a mix of column kinds handled
        by a ``ColumnTransformer``, or a matrix/frame given as is.
    columns : tuple of str
        The DataFrame columns used (empty for a matrix given as is).
    """

    X: Any
    kind: str
    columns: tuple[str, ...]
    _text: tuple[str, ...] = ()
    _numeric: tuple[str, ...] = ()
    _categorical: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.X.shape[0])

    def rows(self, positions: np.ndarray) -> Any:
        """Return the rows of ``X`` at integer ``positions`` (in that order)."""
        positions = np.asarray(positions, dtype=np.intp)
        if isinstance(self.X, (pd.Series, pd.DataFrame)):
            return self.X.iloc[positions]
        return self.X[positions]

    def wrap(self, estimator: Any) -> Any:
        """Return an unfitted clone of ``estimator`` that reads ``X``.

        Text: ``make_pipeline(text_vectorizer(), estimator)``. A mix of columns: a pipeline of a
        ``ColumnTransformer`` (one :func:`text_vectorizer` per text column, ``StandardScaler``
        for numeric columns, ``OneHotEncoder`` for categorical ones) and the estimator.
        Otherwise the clone itself.
        """
        estimator = clone(estimator)
        if self.kind == "text":
            return make_pipeline(text_vectorizer(), estimator)
        if self.kind == "columns":
            parts: list[tuple[str, Any, Any]] = [
                (f"text_{i}", text_vectorizer(), name) for i, name in enumerate(self._text)
            ]
            if self._numeric:
                parts.append(("numeric", StandardScaler(), list(self._numeric)))
            if self._categorical:
                parts.append(
                    ("categorical", OneHotEncoder(handle_unknown="ignore"), list(self._categorical))
                )
            return make_pipeline(ColumnTransformer(parts), estimator)
        return estimator


def embed(fitted: Any, rows: Any) -> Any:
    """Return the representation the final step of ``fitted`` sees for ``rows``.

    For a pipeline, the rows transformed by every step but the last (e.g. TF-IDF vectors);
    otherwise the rows themselves, which must then be numeric. Used to measure distances
    between items (diversity-aware batches).
    """
    if isinstance(fitted, Pipeline) and len(fitted.steps) > 1:
        return fitted[:-1].transform(rows)
    if isinstance(rows, (pd.Series, pd.DataFrame)):
        return rows.to_numpy(dtype=float)
    return rows


def check_estimator(estimator: Any, argument: str = "estimator") -> None:
    """Raise ``TypeError`` unless ``estimator`` can be cloned, fitted and give probabilities."""
    if isinstance(estimator, type):
        raise TypeError(
            f"{argument} must be an estimator instance, got the class {estimator.__name__}; "
            f"call it, e.g. {estimator.__name__}()."
        )
    if not hasattr(estimator, "fit") or not hasattr(estimator, "get_params"):
        raise TypeError(
            f"{argument} must be a scikit-learn estimator or pipeline (with fit and get_params), "
            f"got {type(estimator).__name__}."
        )
    if not hasattr(estimator, "predict_proba"):
        raise TypeError(
            f"{argument} {type(estimator).__name__} has no predict_proba, which the model loop "
            "needs for confidences and uncertainty; use a probabilistic classifier (e.g. "
            "LogisticRegression(), or SVC(probability=True))."
        )


def resolve_features(df: pd.DataFrame, features: Any) -> Features:
    """Return the features named by ``features``, one row per row of ``df``.

    Parameters
    ----------
    df : pandas.DataFrame
        The items.
    features : str, list of str, array-like, sparse matrix, pandas.Series or pandas.DataFrame
        * a text column: the raw texts; :meth:`Features.wrap` puts a TF-IDF vectoriser
          (:func:`text_vectorizer`) in front of the estimator;
        * a numeric or boolean column, or a list of them: a 2-D float array;
        * a list mixing text, numeric and categorical (``category`` dtype) columns: the columns
          as a frame, read by a ``ColumnTransformer`` (see :meth:`Features.wrap`);
        * a 2-D array or sparse matrix with ``len(df)`` rows, or a Series/DataFrame indexed
          like ``df``: used as is (your estimator or pipeline must accept it).

    Returns
    -------
    Features

    Raises
    ------
    ValueError
        Missing columns (listed), missing values, a wrong number of rows, or a misaligned index.
    TypeError
        A column that holds neither text nor numbers, or an unsupported ``features`` type.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["ok", "bad"], "stars": [5, 1]})
    >>> resolve_features(df, "text").kind
    'text'
    >>> resolve_features(df, ["stars"]).X.shape
    (2, 1)
    """
    if isinstance(features, str):
        return _from_columns(df, [features])
    if isinstance(features, (pd.Series, pd.DataFrame)):
        return _from_frame(df, features)
    if isinstance(features, Sequence) and features and all(isinstance(f, str) for f in features):
        return _from_columns(df, list(features))
    if sp.issparse(features) or isinstance(features, np.ndarray):
        return _from_matrix(df, features)
    if isinstance(features, Sequence) and not features:
        raise ValueError("features= is an empty list; name at least one column.")
    raise TypeError(
        "features= must be a column name, a list of column names, or an array / sparse matrix / "
        f"DataFrame with one row per item; got {type(features).__name__}."
    )


def _from_columns(df: pd.DataFrame, names: list[str]) -> Features:
    missing = [name for name in names if name not in df.columns]
    if missing:
        raise ValueError(
            f"features= names columns {missing} that df does not have; its columns are "
            f"{[str(c) for c in df.columns]}."
        )
    dupes = sorted({name for name in names if names.count(name) > 1})
    if dupes:
        raise ValueError(f"features= lists columns more than once: {dupes}.")
    kinds = {name: _column_kind(df, name) for name in names}
    text = tuple(n for n in names if kinds[n] == "text")
    numeric = tuple(n for n in names if kinds[n] == "numeric")
    categorical = tuple(n for n in names if kinds[n] == "categorical")
    if len(names) == 1 and text:
        return Features(df[names[0]], "text", tuple(names), _text=text)
    if len(numeric) == len(names):
        return Features(df[names].to_numpy(dtype=float), "numeric", tuple(names))
    return Features(
        df[names], "columns", tuple(names), _text=text, _numeric=numeric, _categorical=categorical
    )


def _column_kind(df: pd.DataFrame, name: str) -> str:
    column = df[name]
    missing = column.isna()
    if missing.any():
        where = column.index[missing.to_numpy()][:3].tolist()
        fill = "''" if not pd.api.types.is_numeric_dtype(column) else "a number"
        raise ValueError(
            f"column {name!r} has {int(missing.sum())} missing values (e.g. at items {where}); "
            f"a model cannot read them. Fill them (df[{name!r}].fillna({fill})) or pass "
            "features as your own matrix or pipeline."
        )
    if isinstance(column.dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
        return "numeric"
    if column.dtype == object:
        strange = column[~column.map(lambda v: isinstance(v, str))]
        if strange.empty:
            return "text"
        raise TypeError(
            f"column {name!r} mixes text with other values (e.g. {strange.iloc[0]!r} at item "
            f"{strange.index[0]!r}); convert it with df[{name!r}].astype(str) or choose "
            "another column."
        )
    if pd.api.types.is_string_dtype(column.dtype):
        return "text"
    raise TypeError(
        f"column {name!r} has dtype {column.dtype}, which holds neither text nor numbers; "
        "pass a text, numeric, boolean or category column, or your own feature matrix."
    )


def _from_frame(df: pd.DataFrame, frame: pd.Series | pd.DataFrame) -> Features:
    if len(frame) != len(df) or not frame.index.equals(df.index):
        raise ValueError(
            f"the features {type(frame).__name__} is not indexed like df ({len(frame)} rows vs "
            f"{len(df)}); align it with features.reindex(df.index), or pass features.to_numpy() "
            "if its rows are already in df's order."
        )
    return Features(frame, "matrix", ())


def _from_matrix(df: pd.DataFrame, matrix: Any) -> Features:
    if matrix.ndim != 2:
        raise ValueError(
            f"a features array must be 2-D (rows × features), got shape {matrix.shape}; a single "
            "feature per item is x.reshape(-1, 1)."
        )
    if matrix.shape[0] != len(df):
        raise ValueError(
            f"the features matrix has {matrix.shape[0]} rows but df has {len(df)}; it needs one "
            "row per item, in df's order."
        )
    if sp.issparse(matrix):
        matrix = sp.csr_matrix(matrix)
        coo = matrix.tocoo()
        bad = np.unique(coo.row[np.isnan(coo.data)]) if _is_float(coo.data) else []
    else:
        bad = np.flatnonzero(np.isnan(matrix).any(axis=1)) if _is_float(matrix) else []
    if len(bad):
        raise ValueError(
            f"the features matrix has missing values (NaN) in {len(bad)} rows (e.g. items "
            f"{df.index[bad[:3]].tolist()}); impute them (e.g. sklearn.impute.SimpleImputer) "
            "or drop those rows."
        )
    return Features(matrix, "matrix", ())


def _is_float(values: np.ndarray) -> bool:
    return bool(np.issubdtype(values.dtype, np.floating))
