"""Logistic regression with a fixed offset: a model that learns how another one is wrong.

A site's model is trained as a correction of the starter model: each comment's log-odds are
the starter's plus what the site model adds. The starter's log-odds are the offset, so the
weights found are only what this site's labels say against it, and the L2 penalty pulls them
to zero, where the starter decides alone. With few labels the correction stays small; with
many it can be large. scikit-learn's LogisticRegression takes no offset, hence this.
"""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize


def logistic_fit_with_offset(
    rows: sp.csr_matrix,
    targets: np.ndarray,
    *,
    offset: np.ndarray,
    weights: np.ndarray | None = None,
    C: float,
    fit_intercept: bool = True,
) -> tuple[np.ndarray, float]:
    """Minimise C * sum(weight * log-loss(offset + rows @ coef + intercept)) + |coef|^2 / 2;
    return (coef, intercept). The intercept is not penalised; without fit_intercept it stays
    zero, for labels whose share of each class says how they were chosen, not what the
    offset's model gets wrong (moderation.learning.CORRECTION_SETTINGS)."""
    # Only columns some row uses can move from zero: an unused column's gradient is its own
    # coefficient, zero from the start, so L-BFGS never moves it. The hashed features are
    # over half a million columns and a site's comments use a few percent of them; fitting
    # on those alone gives the same weights (the same model version, measured) about ten
    # times sooner, and a retraining's cross-validation with them.
    rows = sp.csr_matrix(rows)
    used = np.unique(rows.indices)
    full_width = rows.shape[1]
    rows = rows[:, used]
    signs = 2.0 * np.asarray(targets, dtype=np.float64) - 1.0
    weights = np.ones(len(signs)) if weights is None else np.asarray(weights, dtype=np.float64)
    offset = np.asarray(offset, dtype=np.float64)
    width = rows.shape[1]
    transposed = rows.T.tocsr()

    def loss_and_gradient(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, intercept = theta[:width], theta[width]
        margins = signs * (rows @ coef + intercept + offset)
        loss = C * float(weights @ np.logaddexp(0.0, -margins)) + 0.5 * float(coef @ coef)
        # d(loss)/d(log-odds) of each row: -sign * weight * P(the row's label is wrong).
        slopes = -C * signs * weights * np.exp(-np.logaddexp(0.0, margins))
        gradient = np.empty(width + 1)
        gradient[:width] = transposed @ slopes + coef
        gradient[width] = slopes.sum() if fit_intercept else 0.0
        return loss, gradient

    found = minimize(
        loss_and_gradient,
        np.zeros(width + 1),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 1000},
    )
    coef = np.zeros(full_width)
    coef[used] = found.x[:width]
    return coef, float(found.x[width])
