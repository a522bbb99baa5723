"""The fitter of a site model's correction (moderation.logistic): logistic regression with a
fixed offset, fitted on the columns the rows use."""

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from moderation.logistic import logistic_fit_with_offset


def _data(seed=0, rows=120, width=5000, used=60):
    """Sparse rows over a wide hashed space of which only `used` columns occur, and labels
    that depend on some of them."""
    draw = np.random.default_rng(seed)
    columns = draw.choice(width, size=used, replace=False)
    dense = np.zeros((rows, width))
    for row in range(rows):
        picked = draw.choice(columns, size=4, replace=False)
        dense[row, picked] = draw.random(4)
    truth = np.zeros(width)
    truth[columns[:10]] = 3.0
    labels = (dense @ truth + draw.normal(0, 0.5, rows) > 1.0).astype(int)
    return sp.csr_matrix(dense), labels, columns


def test_with_no_offset_it_is_scikit_learns_logistic_regression():
    rows, labels, _ = _data()
    coef, intercept = logistic_fit_with_offset(rows, labels, offset=np.zeros(len(labels)), C=5.0)
    reference = LogisticRegression(C=5.0, tol=1e-10, max_iter=10_000).fit(rows, labels)
    assert coef.shape == (rows.shape[1],)
    # L-BFGS stops at its own tolerance: the same weights to about 1e-4 of weights near 4.
    assert np.allclose(coef, reference.coef_.ravel(), atol=1e-3)
    assert abs(intercept - reference.intercept_[0]) < 1e-3


def test_columns_no_row_uses_keep_a_zero_weight():
    rows, labels, columns = _data(seed=1)
    coef, _ = logistic_fit_with_offset(rows, labels, offset=np.zeros(len(labels)), C=5.0)
    unused = np.setdiff1d(np.arange(rows.shape[1]), columns)
    assert np.all(coef[unused] == 0.0)
    assert np.count_nonzero(coef[columns]) > 0


def test_labels_the_offset_already_explains_need_almost_no_correction():
    rows, labels, _ = _data(seed=2)
    explained = np.where(labels == 1, 8.0, -8.0)
    coef, _ = logistic_fit_with_offset(rows, labels, offset=explained, C=5.0)
    unexplained, _ = logistic_fit_with_offset(rows, labels, offset=np.zeros(len(labels)), C=5.0)
    assert np.abs(coef).max() < 0.05 * np.abs(unexplained).max()


def test_without_an_intercept_it_stays_zero_and_the_weights_carry_the_labels():
    rows, labels, _ = _data(seed=3)
    coef, intercept = logistic_fit_with_offset(
        rows, labels, offset=np.zeros(len(labels)), C=5.0, fit_intercept=False
    )
    assert intercept == 0.0
    assert ((rows @ coef > 0).astype(int) == labels).mean() > 0.9
