"""The discrete Laplace mixture model of Y-STR haplotype frequencies.

Andersen, Eriksen & Morling (2013), "The discrete Laplace exponential family and estimation
of Y-STR haplotype frequencies", J Theor Biol 329:39-51, doi:10.1016/j.jtbi.2013.03.009
(arXiv:1304.2129; R package disclapmix). Men descend from a few *central haplotypes*
y_1..y_J (one per clade); at each locus k a man of clade j lies |x_k - y_jk| repeat steps
from the centre with the discrete Laplace probability, loci independent within a clade::

    P(x) = sum_j  tau_j  prod_k  DL(x_k - y_jk; p_jk),
    DL(d; p) = (1 - p) / (1 + p) * p^|d|                         (d = ..., -1, 0, 1, ...)
    log p_jk = omega + alpha_j + beta_k                           (a GLM, log link)

(``scipy.stats.dlaplace`` with ``a = -log p``; the tests check the two agree). The fit is an
EM algorithm: the E step gives each man's posterior clade weights v_ij; the M step sets
tau_j to the mean weight, each centre y_jk to the v-weighted median of x_k (the discrete
Laplace location estimate), and (omega, alpha, beta) by Newton's method on the weighted log-
likelihood, which is concave in them. As in disclapmix, the number of clades is chosen by
BIC. A missing or non-standard value (an intermediate or null allele) is left out of that
man's product, which is the marginal probability of the values that were observed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp
from scipy.stats import dlaplace

from homeward.kinship.errors import ModelError

#: Smallest and largest p the fit allows (p -> 0 for a clade of one man).
_P_MIN, _P_MAX = 1e-8, 1 - 1e-9


@dataclass(frozen=True)
class DiscreteLaplaceMixture:
    """A fitted mixture: ``centres`` and ``p`` are J x D, ``weights`` (tau) has J."""

    dims: tuple[str, ...]
    centres: np.ndarray
    p: np.ndarray
    weights: np.ndarray
    log_likelihood: float
    n: int
    iterations: int

    @property
    def clusters(self) -> int:
        return len(self.weights)

    @property
    def parameter_count(self) -> int:
        """tau (J - 1), centres (J D) and the GLM (1 + (J - 1) + (D - 1))."""
        j, d = self.centres.shape
        return (j - 1) + j * d + (j + d - 1)

    @property
    def bic(self) -> float:
        """Schwarz's BIC, -2 log L + k log n (lower is better)."""
        return -2 * self.log_likelihood + self.parameter_count * np.log(self.n)

    def log_probability(self, values: np.ndarray) -> np.ndarray:
        """log P of each row of ``values`` (m x D, NaN where not used)."""
        values = np.atleast_2d(np.asarray(values, dtype=float))
        return logsumexp(_log_joint(values, self.centres, self.p, self.weights), axis=1)

    def probability(self, values: np.ndarray) -> float:
        """Probability of one haplotype's values (NaN dims marginalised out)."""
        return float(np.exp(self.log_probability(values)[0]))


def _log_joint(x: np.ndarray, centres: np.ndarray, p: np.ndarray,
               weights: np.ndarray) -> np.ndarray:
    """n x J matrix of log tau_j + sum over observed k of log DL(x_ik - y_jk; p_jk).

    log DL(d; p) = log((1 - p)/(1 + p)) + |d| log p, written out (rather than through
    ``scipy.stats.dlaplace.logpmf``) because this is the inner loop of the EM.
    """
    observed = ~np.isnan(x)
    distance = np.abs(np.where(observed, x, 0.0)[:, None, :] - centres[None, :, :])
    log_p = np.log(p)
    log_norm = np.log1p(-p) - np.log1p(p)
    logpmf = observed[:, None, :] * (log_norm[None] + distance * log_p[None])
    return np.log(weights)[None, :] + logpmf.sum(axis=2)


def _sorted_columns(x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per column: the rows with a value, in increasing order, and those values."""
    columns = []
    for k in range(x.shape[1]):
        rows = np.flatnonzero(~np.isnan(x[:, k]))
        rows = rows[np.argsort(x[rows, k], kind="stable")]
        columns.append((rows, x[rows, k]))
    return columns


def _weighted_median(columns: list[tuple[np.ndarray, np.ndarray]],
                     weights: np.ndarray) -> np.ndarray:
    """J x D weighted medians of each column, with J weight vectors (n x J)."""
    out = np.zeros((weights.shape[1], len(columns)))
    for k, (rows, xs) in enumerate(columns):
        if rows.size == 0:
            continue
        cumulative = np.cumsum(weights[rows], axis=0)  # n_k x J
        below = cumulative < cumulative[-1] / 2
        out[:, k] = xs[np.minimum(below.sum(axis=0), xs.size - 1)]
    return out


def _fit_glm(w: np.ndarray, s: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Newton's method for log p_jk = omega + alpha_j + beta_k.

    Maximises sum_jk W_jk log((1 - p)/(1 + p)) + S_jk log p, where W_jk is the weight of
    clade j observed at locus k and S_jk its weighted sum of |x - y|. alpha_1 = beta_1 = 0.
    """
    j, d = w.shape
    design = np.zeros((j * d, j + d - 1))
    design[:, 0] = 1
    for row in range(j * d):
        cj, ck = divmod(row, d)
        if cj > 0:
            design[row, cj] = 1
        if ck > 0:
            design[row, j - 1 + ck] = 1
    wf, sf = w.ravel(), s.ravel()

    def loglik(eta: np.ndarray) -> float:
        q = np.exp(eta)
        return float(np.sum(wf * (np.log1p(-q) - np.log1p(q)) + sf * eta))

    for _ in range(100):
        eta = design @ theta
        q = np.exp(eta)
        grad_eta = sf - 2 * wf * q / (1 - q * q)
        hess_eta = -2 * wf * q * (1 + q * q) / (1 - q * q) ** 2
        grad = design.T @ grad_eta
        hess = design.T @ (design * hess_eta[:, None]) - 1e-9 * np.eye(len(theta))
        step = np.linalg.solve(hess, -grad)
        current, scale = loglik(eta), 1.0
        while scale > 1e-10:
            trial = theta + scale * step
            trial_eta = design @ trial
            if np.all(trial_eta < np.log(_P_MAX)) and np.all(trial_eta > np.log(_P_MIN)) \
                    and loglik(trial_eta) >= current - 1e-12:
                break
            scale /= 2
        else:
            break
        theta = trial
        if np.max(np.abs(scale * step)) < 1e-9:
            break
    return theta


def _initial_centres(x: np.ndarray, columns: list[tuple[np.ndarray, np.ndarray]],
                     clusters: int, rng: np.random.Generator) -> np.ndarray:
    """Seeded k-medians (L1): k-means++-style picks, then a few median updates."""
    observed = ~np.isnan(x)
    filled = np.where(observed, x, np.nanmedian(x, axis=0))
    centres = [filled[rng.integers(len(x))]]
    for _ in range(1, clusters):
        dist = np.min([np.abs(filled - c).sum(axis=1) for c in centres], axis=0)
        prob = dist / dist.sum() if dist.sum() > 0 else None
        centres.append(filled[rng.choice(len(x), p=prob)])
    c = np.array(centres)
    for _ in range(5):
        nearest = np.argmin(np.abs(filled[:, None, :] - c[None]).sum(axis=2), axis=1)
        c = _weighted_median(columns, np.eye(clusters)[nearest])
    return c


def fit_discrete_laplace(values: np.ndarray, clusters: int, *, dims: tuple[str, ...] = (),
                         seed: int = 1, restarts: int = 3, max_iterations: int = 500,
                         tolerance: float = 1e-6) -> DiscreteLaplaceMixture:
    """Fit a J-clade discrete Laplace mixture by EM (see the module docstring).

    EM finds a local maximum; the fit is run from ``restarts`` seeded starting centres
    and the one with the highest likelihood is kept.

    :param values: n x D repeat numbers, NaN where a man's value is missing or non-standard.
    :param clusters: J, the number of central haplotypes.
    :param seed: for the initial centres (k-means++-style picks), so a fit is reproducible.
    :raises ModelError: when there are fewer men than clades, or no values.
    """
    rng = np.random.default_rng(seed)
    fits = [_fit_once(values, clusters, dims=dims, rng=rng, max_iterations=max_iterations,
                      tolerance=tolerance) for _ in range(max(1, restarts))]
    return max(fits, key=lambda fit: fit.log_likelihood)


def _fit_once(values: np.ndarray, clusters: int, *, dims: tuple[str, ...],
              rng: np.random.Generator, max_iterations: int,
              tolerance: float) -> DiscreteLaplaceMixture:
    x = np.asarray(values, dtype=float)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise ModelError("the discrete Laplace fit needs a non-empty men x loci matrix")
    if clusters < 1 or clusters > x.shape[0]:
        raise ModelError(f"cannot fit {clusters} clades to {x.shape[0]} haplotypes")
    observed = ~np.isnan(x)
    columns = _sorted_columns(x)
    centres = _initial_centres(x, columns, clusters, rng)
    weights = np.full(clusters, 1 / clusters)
    theta = np.zeros(clusters + x.shape[1] - 1)
    theta[0] = np.log(0.3)
    p = np.full(centres.shape, 0.3)
    previous = -np.inf
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007 (reported in the fit)
        joint = _log_joint(x, centres, p, weights)
        total = logsumexp(joint, axis=1)
        log_likelihood = float(total.sum())
        v = np.exp(joint - total[:, None])
        if abs(log_likelihood - previous) <= tolerance * abs(log_likelihood):
            break
        previous = log_likelihood
        weights = np.clip(v.mean(axis=0), 1e-12, None)
        weights /= weights.sum()
        centres = _weighted_median(columns, v)
        dist = np.where(observed[:, None, :], np.abs(x[:, None, :] - centres[None]), 0.0)
        w = np.einsum("ij,ik->jk", v, observed.astype(float))
        s = np.einsum("ij,ijk->jk", v, dist)
        theta = _fit_glm(w, s, theta)
        j, d = centres.shape
        eta = theta[0] + np.r_[0.0, theta[1:j]][:, None] + np.r_[0.0, theta[j:]][None, :]
        p = np.clip(np.exp(eta), _P_MIN, _P_MAX)
    log_likelihood = float(logsumexp(_log_joint(x, centres, p, weights), axis=1).sum())
    return DiscreteLaplaceMixture(dims=tuple(dims), centres=centres, p=p, weights=weights,
                                  log_likelihood=log_likelihood, n=x.shape[0],
                                  iterations=iterations)


def fit_discrete_laplace_adaptive(values: np.ndarray, *, dims: tuple[str, ...] = (),
                                  max_clusters: int = 10, seed: int = 1,
                                  patience: int = 2) -> DiscreteLaplaceMixture:
    """Fit J = 1, 2, ... clades and keep the lowest BIC.

    Stops after ``patience`` successive fits that do not improve the best BIC, as
    disclapmix's ``disclapmix_adaptive`` does.
    """
    x = np.asarray(values, dtype=float)
    best: DiscreteLaplaceMixture | None = None
    worse = 0
    for clusters in range(1, min(max_clusters, x.shape[0]) + 1):
        fit = fit_discrete_laplace(x, clusters, dims=dims, seed=seed)
        if best is None or fit.bic < best.bic:
            best, worse = fit, 0
        else:
            worse += 1
            if worse >= patience:
                break
    assert best is not None
    return best


def simulate_discrete_laplace(centres: np.ndarray, p: np.ndarray, weights: np.ndarray,
                              n: int, *, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw n haplotypes from the mixture: returns (values n x D, clade of each man)."""
    rng = np.random.default_rng(seed)
    centres, p = np.asarray(centres, dtype=float), np.asarray(p, dtype=float)
    clade = rng.choice(len(weights), size=n, p=np.asarray(weights) / np.sum(weights))
    steps = dlaplace.rvs(-np.log(p[clade]), random_state=rng)
    return centres[clade] + steps, clade
