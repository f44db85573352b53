"""Maximum-likelihood fit of Bradley–Terry models with ties (Davidson, Rao–Kupper).

Comparisons are aggregated per unordered pair of players ``i < j``: how often ``i`` won, ``j``
won, and how often they tied. Players have log-strengths ``beta``; the tie parameter is fitted on
an unconstrained scale (``log nu`` for Davidson, ``log(theta - 1)`` for Rao–Kupper). The
likelihood does not change when a constant is added to every ``beta``: the fit reports them
centred (mean zero), with the covariance from the observed information on that subspace.

Davidson (1970): ``P(i) = pi_i / D``, ``P(tie) = nu sqrt(pi_i pi_j) / D`` with
``D = pi_i + pi_j + nu sqrt(pi_i pi_j)``.
Rao–Kupper (1967): ``P(i) = pi_i / (pi_i + theta pi_j)``,
``P(tie) = (theta² - 1) pi_i pi_j / ((pi_i + theta pi_j)(pi_j + theta pi_i))``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import linalg, optimize
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

MODELS = ("davidson", "rao-kupper")


@dataclass(frozen=True)
class Counts:
    """Outcomes per unordered pair ``i < j``: ``i`` won, ``j`` won, tied."""

    i: np.ndarray
    j: np.ndarray
    won: np.ndarray
    lost: np.ndarray
    tied: np.ndarray
    n_players: int


@dataclass(frozen=True)
class Fit:
    """Fitted log-strengths (centred), their covariance, the tie parameter and its interval."""

    beta: np.ndarray
    cov: np.ndarray
    tie: float
    tie_log_se: float
    log_likelihood: float


def count_outcomes(winner: np.ndarray, loser: np.ndarray, tie: np.ndarray, n: int) -> Counts:
    """Aggregate comparisons (player codes; ``tie`` marks ties) per unordered pair."""
    i, j = np.minimum(winner, loser), np.maximum(winner, loser)
    key = i * n + j
    cells, inverse = np.unique(key, return_inverse=True)
    size = len(cells)
    first_won = (~tie) & (winner == i)
    won = np.bincount(inverse, first_won, minlength=size)
    lost = np.bincount(inverse, (~tie) & ~first_won, minlength=size)
    tied = np.bincount(inverse, tie, minlength=size)
    return Counts(cells // n, cells % n, won, lost, tied, n)


def separation(counts: Counts) -> tuple[str, np.ndarray] | None:
    """Why maximum likelihood has no finite answer, or None when it has one.

    Returns ``("apart", players)`` when ``players`` were never compared with the rest, and
    ``("unbeaten", players)`` when they never lost to (nor tied with) anyone else.
    """
    n = counts.n_players
    both = np.concatenate
    edges = coo_matrix(
        (np.ones(2 * len(counts.i)), (both([counts.i, counts.j]), both([counts.j, counts.i]))),
        shape=(n, n),
    )
    n_weak, weak = connected_components(edges, directed=False)
    if n_weak > 1:
        return "apart", np.flatnonzero(weak == weak[0]) if (
            weak == weak[0]
        ).sum() < n else np.flatnonzero(weak != weak[0])
    # an edge a → b means a beat or tied b at least once
    beats_i = (counts.won + counts.tied) > 0
    beats_j = (counts.lost + counts.tied) > 0
    src = both([counts.i[beats_i], counts.j[beats_j]])
    dst = both([counts.j[beats_i], counts.i[beats_j]])
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n)).tocsr()
    n_strong, strong = connected_components(graph, directed=True, connection="strong")
    if n_strong == 1:
        return None
    entered = np.zeros(n_strong, dtype=bool)
    rows, cols = graph.nonzero()
    crossing = strong[rows] != strong[cols]
    entered[strong[cols[crossing]]] = True
    source = int(np.flatnonzero(~entered)[0])
    return "unbeaten", np.flatnonzero(strong == source)


def fit(counts: Counts, model: str, prior: float) -> Fit:
    """Fit the model by maximum likelihood (with a Gaussian prior of precision ``prior``)."""
    n = counts.n_players
    with_ties = bool(counts.tied.sum() > 0)
    objective = _davidson if model == "davidson" else _rao_kupper

    def loss(x: np.ndarray) -> tuple[float, np.ndarray]:
        beta, tie = x[:n], (x[n] if with_ties else None)
        value, grad_beta, grad_tie = objective(beta, tie, counts)
        value += 0.5 * prior * float(beta @ beta)
        grad = grad_beta + prior * beta
        if with_ties:
            grad = np.append(grad, grad_tie)
        return value, grad

    start = np.zeros(n + with_ties)
    result = optimize.minimize(
        loss, start, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 10_000}
    )
    x = result.x
    gradient_norm = float(np.max(np.abs(loss(x)[1])))
    if gradient_norm > 1e-5 * max(
        1.0, float(counts.won.sum() + counts.lost.sum() + counts.tied.sum())
    ):
        raise RuntimeError(f"the Bradley–Terry fit did not converge ({result.message}).")
    # Covariance under the centring: invert the information on the subspace sum(beta) = 0.
    basis = np.zeros((n + with_ties, n - 1 + with_ties))
    basis[:n, : n - 1] = linalg.null_space(np.ones((1, n)))
    if with_ties:
        basis[n, n - 1] = 1.0
    hessian = _hessian(lambda v: loss(v)[1], x)
    cov = basis @ np.linalg.inv(basis.T @ hessian @ basis) @ basis.T
    beta = x[:n] - x[:n].mean()
    if with_ties:
        tie = float(np.exp(x[n])) if model == "davidson" else float(1 + np.exp(x[n]))
        tie_log_se = float(np.sqrt(max(cov[n, n], 0.0)))
    else:
        tie, tie_log_se = (0.0 if model == "davidson" else 1.0), float("nan")
    return Fit(
        beta, cov[:n, :n], tie, tie_log_se, -float(loss(x)[0]) + 0.5 * prior * float(x[:n] @ x[:n])
    )


def probabilities(
    beta_a: float, beta_b: float, tie: float, model: str
) -> tuple[float, float, float]:
    """Return ``(P(a wins), P(tie), P(b wins))`` under the fitted model."""
    if model == "davidson":
        terms = np.array(
            [beta_a, np.log(tie) + (beta_a + beta_b) / 2 if tie > 0 else -np.inf, beta_b]
        )
        p = np.exp(terms - np.logaddexp.reduce(terms))
        return float(p[0]), float(p[1]), float(p[2])
    log_theta = np.log(tie)
    a_wins = float(np.exp(beta_a - np.logaddexp(beta_a, log_theta + beta_b)))
    b_wins = float(np.exp(beta_b - np.logaddexp(beta_b, log_theta + beta_a)))
    return a_wins, 1.0 - a_wins - b_wins, b_wins


def _davidson(beta: np.ndarray, tau: float | None, c: Counts) -> tuple[float, np.ndarray, float]:
    a, b = beta[c.i], beta[c.j]
    mid = (a + b) / 2
    if tau is None:
        log_d = np.logaddexp(a, b)
        p_tie = np.zeros_like(a)
    else:
        log_d = np.logaddexp.reduce(np.stack([a, b, tau + mid]), axis=0)
        p_tie = np.exp(tau + mid - log_d)
    p_i, p_j = np.exp(a - log_d), np.exp(b - log_d)
    total = c.won + c.lost + c.tied
    tie_term = c.tied * (tau + mid) if tau is not None else 0.0
    value = -float(np.sum(c.won * a + c.lost * b + tie_term - total * log_d))
    d_a = -(c.won + c.tied / 2) + total * (p_i + p_tie / 2)
    d_b = -(c.lost + c.tied / 2) + total * (p_j + p_tie / 2)
    grad = np.bincount(c.i, d_a, minlength=c.n_players) + np.bincount(
        c.j, d_b, minlength=c.n_players
    )
    d_tau = float(np.sum(-c.tied + total * p_tie))
    return value, grad, d_tau


def _rao_kupper(beta: np.ndarray, rho: float | None, c: Counts) -> tuple[float, np.ndarray, float]:
    a, b = beta[c.i], beta[c.j]
    theta = 1.0 if rho is None else 1.0 + np.exp(rho)
    log_theta = np.log(theta)
    log_a = np.logaddexp(a, log_theta + b)  # log(e^a + theta e^b)
    log_b = np.logaddexp(b, log_theta + a)  # log(e^b + theta e^a)
    c1, c2 = c.won + c.tied, c.lost + c.tied
    tie_term = 0.0 if rho is None else c.tied * (rho + np.log(2.0 + np.exp(rho)))
    value = -float(np.sum(c1 * a + c2 * b + tie_term - c1 * log_a - c2 * log_b))
    d_a = -(c1 - c1 * np.exp(a - log_a) - c2 * np.exp(log_theta + a - log_b))
    d_b = -(c2 - c1 * np.exp(log_theta + b - log_a) - c2 * np.exp(b - log_b))
    grad = np.bincount(c.i, d_a, minlength=c.n_players) + np.bincount(
        c.j, d_b, minlength=c.n_players
    )
    if rho is None:
        return value, grad, 0.0
    d_theta = (
        c.tied * 2 * theta / (theta * theta - 1) - c1 * np.exp(b - log_a) - c2 * np.exp(a - log_b)
    )
    return value, grad, -float(np.sum(d_theta)) * (theta - 1.0)


def _hessian(
    gradient: Callable[[np.ndarray], np.ndarray], x: np.ndarray, step: float = 1e-5
) -> np.ndarray:
    """Central-difference Hessian of a function given its gradient, symmetrised."""
    k = len(x)
    columns = []
    for m in range(k):
        shift = np.zeros(k)
        shift[m] = step
        columns.append((gradient(x + shift) - gradient(x - shift)) / (2 * step))
    hessian = np.array(columns)
    return (hessian + hessian.T) / 2
