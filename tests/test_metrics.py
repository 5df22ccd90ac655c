"""The from-scratch metrics equal sklearn.metrics to 1e-12 and reject bad input clearly."""

import numpy as np
import pytest
from sklearn import metrics as skm

from lmbook import metrics

RNG = np.random.default_rng(0)
Y_BIN = RNG.integers(0, 2, size=300)
P_BIN = np.where(RNG.random(300) < 0.8, Y_BIN, 1 - Y_BIN)
S_BIN = np.round(Y_BIN + RNG.normal(0, 0.8, size=300), 1)  # rounded: many tied scores
Y_MC = RNG.integers(0, 5, size=400)
P_MC = np.where(RNG.random(400) < 0.6, Y_MC, RNG.integers(0, 5, size=400))
TOL = 1e-12


def test_confusion_matrix_equals_sklearn():
    assert np.array_equal(metrics.confusion_matrix(Y_MC, P_MC), skm.confusion_matrix(Y_MC, P_MC))
    labels = [4, 0, 2]
    assert np.array_equal(
        metrics.confusion_matrix(Y_MC, P_MC, labels=labels), skm.confusion_matrix(Y_MC, P_MC, labels=labels)
    )


def test_accuracy_equals_sklearn():
    assert metrics.accuracy(Y_MC, P_MC) == pytest.approx(skm.accuracy_score(Y_MC, P_MC), abs=TOL)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (metrics.precision, skm.precision_score),
        (metrics.recall, skm.recall_score),
        (metrics.f1_score, skm.f1_score),
    ],
)
@pytest.mark.parametrize("average", ["macro", "micro", "weighted"])
def test_multiclass_averages_equal_sklearn(ours, theirs, average):
    assert ours(Y_MC, P_MC, average=average) == pytest.approx(
        theirs(Y_MC, P_MC, average=average, zero_division=0), abs=TOL
    )


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (metrics.precision, skm.precision_score),
        (metrics.recall, skm.recall_score),
        (metrics.f1_score, skm.f1_score),
    ],
)
@pytest.mark.parametrize("positive", [0, 1])
def test_binary_equals_sklearn(ours, theirs, positive):
    assert ours(Y_BIN, P_BIN, positive=positive) == pytest.approx(
        theirs(Y_BIN, P_BIN, pos_label=positive, zero_division=0), abs=TOL
    )


def test_zero_division_like_sklearn():
    y, never = np.array([0, 1, 1, 0]), np.zeros(4, dtype=int)
    assert metrics.precision(y, never) == skm.precision_score(y, never, zero_division=0) == 0.0
    assert metrics.precision(y, never, zero_division=1.0) == 1.0
    assert metrics.f1_score(y, never) == 0.0


def test_roc_curve_and_auc_equal_sklearn():
    fpr, tpr, thr = metrics.roc_curve(Y_BIN, S_BIN)
    sk_fpr, sk_tpr, sk_thr = skm.roc_curve(Y_BIN, S_BIN, drop_intermediate=False)
    assert np.allclose(fpr, sk_fpr, atol=TOL, rtol=0) and np.allclose(tpr, sk_tpr, atol=TOL, rtol=0)
    assert thr[0] == np.inf and np.array_equal(thr[1:], sk_thr[1:])
    assert metrics.roc_auc(Y_BIN, S_BIN) == pytest.approx(skm.roc_auc_score(Y_BIN, S_BIN), abs=TOL)
    assert metrics.auc(fpr, tpr) == pytest.approx(skm.auc(sk_fpr, sk_tpr), abs=TOL)


def test_auc_is_the_probability_a_positive_outranks_a_negative():
    pos, neg = S_BIN[Y_BIN == 1], S_BIN[Y_BIN == 0]
    diff = pos[:, None] - neg[None, :]
    brute = np.mean(diff > 0) + 0.5 * np.mean(diff == 0)
    assert metrics.roc_auc(Y_BIN, S_BIN) == pytest.approx(brute, abs=TOL)


def test_auc_ignores_monotone_transforms_and_flips_with_the_positive_class():
    base = metrics.roc_auc(Y_BIN, S_BIN)
    assert metrics.roc_auc(Y_BIN, np.exp(S_BIN) + 5) == pytest.approx(base, abs=TOL)
    assert metrics.roc_auc(Y_BIN, S_BIN, positive=0) == pytest.approx(1 - base, abs=TOL)


def test_auc_of_a_decreasing_x():
    assert metrics.auc([1.0, 0.5, 0.0], [1.0, 1.0, 0.0]) == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: metrics.accuracy([0, 1], [0, 1, 1]), ValueError, "same length"),
        (lambda: metrics.accuracy([], []), ValueError, "empty"),
        (lambda: metrics.accuracy([[0, 1]], [[0, 1]]), ValueError, "1-D"),
        (lambda: metrics.precision([0, 1], [0.2, 0.9]), TypeError, "threshold"),
        (lambda: metrics.recall(["a", "b"], ["a", "b"]), TypeError, "integer or boolean"),
        (lambda: metrics.f1_score([0, 1, 2], [0, 1, 2]), ValueError, "at most two classes"),
        (lambda: metrics.f1_score([0, 1], [1, 0], average="mean"), ValueError, "average must be"),
        (lambda: metrics.precision([2, 3], [3, 2], positive=1), ValueError, "not one of the labels"),
        (lambda: metrics.roc_curve([1, 1, 1], [0.1, 0.2, 0.3]), ValueError, "both classes"),
        (lambda: metrics.roc_auc([0, 1], [0.1, np.nan]), ValueError, "finite"),
        (lambda: metrics.roc_auc([0, 1], [0.1, 0.2, 0.3]), ValueError, "same shape"),
        (lambda: metrics.auc([0, 1, 0.5], [0, 1, 1]), ValueError, "monotonic"),
        (lambda: metrics.confusion_matrix([0, 1], [0, 1], labels=[0, 0]), ValueError, "repeat"),
    ],
)
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()
