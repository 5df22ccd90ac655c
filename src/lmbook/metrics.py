r"""Classification metrics from scratch in NumPy, written to equal ``sklearn.metrics`` exactly.

Everything starts from the confusion matrix :math:`C`, with :math:`C_{ij}` the number of
examples of true class :math:`i` predicted as class :math:`j`. For one class taken as
*positive*: :math:`TP = C_{pp}`, :math:`FP = \sum_i C_{ip} - TP`, :math:`FN = \sum_j C_{pj} - TP`.

- accuracy :math:`= \operatorname{tr} C / \sum_{ij} C_{ij}`
- precision :math:`= TP / (TP + FP)`, recall :math:`= TP / (TP + FN)`
- F1 :math:`= 2PR/(P+R) = 2TP / (2TP + FP + FN)`
- ROC curve: (false-positive rate, true-positive rate) at every distinct score threshold;
  AUC :math:`= P(s^+ > s^-) + \tfrac12 P(s^+ = s^-)`.

Where a ratio has a zero denominator the result is ``zero_division`` (default 0.0), as in
scikit-learn with ``zero_division=0``.
"""

from __future__ import annotations

import numpy as np

AVERAGES = ("binary", "macro", "micro", "weighted")


def _labels(y: object, name: str) -> np.ndarray:
    """A 1-D array of class labels; floats are accepted only if they are whole numbers."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one label per example (1-D), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: a metric over zero examples is undefined")
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} must be finite (found NaN or inf)")
        if not np.array_equal(arr, np.round(arr)):
            raise TypeError(
                f"{name} holds non-integer floats, which look like scores or probabilities: "
                "threshold them into class labels first (e.g. (p >= 0.5).astype(int))"
            )
    elif arr.dtype.kind not in "iub":
        raise TypeError(f"{name} must hold integer or boolean class labels, got dtype {arr.dtype}")
    return arr.astype(np.int64)


def _pair(y_true: object, y_pred: object) -> tuple[np.ndarray, np.ndarray]:
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {t.size} and {p.size}")
    return t, p


def confusion_matrix(y_true: object, y_pred: object, *, labels: object = None) -> np.ndarray:
    r"""Counts :math:`C_{ij}` of true class ``labels[i]`` predicted as ``labels[j]`` (rows: truth).

    ``labels`` defaults to the sorted union of the classes in ``y_true`` and ``y_pred``.
    """
    t, p = _pair(y_true, y_pred)
    labs = np.union1d(t, p) if labels is None else _labels(labels, "labels")
    if labels is not None and np.unique(labs).size != labs.size:
        raise ValueError("labels must not repeat")
    index = {int(c): k for k, c in enumerate(labs)}
    keep = np.isin(t, labs) & np.isin(p, labs)
    ti = np.array([index[int(c)] for c in t[keep]], dtype=np.int64)
    pi = np.array([index[int(c)] for c in p[keep]], dtype=np.int64)
    out = np.zeros((labs.size, labs.size), dtype=np.int64)
    np.add.at(out, (ti, pi), 1)
    return out


def accuracy(y_true: object, y_pred: object) -> float:
    r"""Share of correct predictions, :math:`\frac{1}{m}\sum_i [\hat y_i = y_i]`."""
    t, p = _pair(y_true, y_pred)
    return float(np.mean(t == p))


def _ratio(num: np.ndarray, den: np.ndarray, zero_division: float) -> np.ndarray:
    num, den = np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64)
    out = np.full(num.shape, float(zero_division))
    np.divide(num, den, out=out, where=den > 0)
    return out


def _counts(
    y_true: object, y_pred: object, average: str, positive: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-class (TP, FP, FN, support) arrays, already reduced to one class for ``average='binary'``."""
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {', '.join(AVERAGES)}, got {average!r}")
    t, p = _pair(y_true, y_pred)
    labs = np.union1d(t, p)
    cm = confusion_matrix(t, p, labels=labs)
    tp = np.diag(cm)
    fp, fn, support = cm.sum(axis=0) - tp, cm.sum(axis=1) - tp, cm.sum(axis=1)
    if average == "binary":
        if labs.size > 2:
            raise ValueError(
                f"average='binary' needs at most two classes, found {labs.size}: choose 'macro', 'micro' or 'weighted'"
            )
        if positive not in labs:
            if not set(labs.tolist()) <= {0, 1}:
                raise ValueError(f"positive={positive!r} is not one of the labels {labs.tolist()}")
            return np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1)  # no positives anywhere
        k = int(np.flatnonzero(labs == positive)[0])
        return tp[k : k + 1], fp[k : k + 1], fn[k : k + 1], support[k : k + 1]
    return tp, fp, fn, support


def _reduce(per_class: np.ndarray, support: np.ndarray, average: str) -> float:
    if average == "weighted":
        return float(np.average(per_class, weights=support)) if support.sum() > 0 else 0.0
    return float(np.mean(per_class))


def precision(
    y_true: object, y_pred: object, *, average: str = "binary", positive: int = 1, zero_division: float = 0.0
) -> float:
    r"""Precision :math:`TP/(TP+FP)`: of the examples predicted positive, the share that are.

    ``average``: ``'binary'`` (class ``positive`` only), ``'macro'`` (unweighted mean over classes),
    ``'weighted'`` (mean weighted by each class's support) or ``'micro'`` (pooled counts).
    """
    tp, fp, fn, support = _counts(y_true, y_pred, average, positive)
    if average == "micro":
        return float(_ratio(tp.sum(), tp.sum() + fp.sum(), zero_division))
    return _reduce(_ratio(tp, tp + fp, zero_division), support, average)


def recall(
    y_true: object, y_pred: object, *, average: str = "binary", positive: int = 1, zero_division: float = 0.0
) -> float:
    r"""Recall :math:`TP/(TP+FN)`: of the truly positive examples, the share found. See :func:`precision`."""
    tp, fp, fn, support = _counts(y_true, y_pred, average, positive)
    if average == "micro":
        return float(_ratio(tp.sum(), tp.sum() + fn.sum(), zero_division))
    return _reduce(_ratio(tp, tp + fn, zero_division), support, average)


def f1_score(
    y_true: object, y_pred: object, *, average: str = "binary", positive: int = 1, zero_division: float = 0.0
) -> float:
    r"""F1, the harmonic mean of precision and recall: :math:`2PR/(P+R) = 2TP/(2TP+FP+FN)`.

    ``'macro'`` averages the per-class F1 values (it is *not* the F1 of macro precision and recall).
    """
    tp, fp, fn, support = _counts(y_true, y_pred, average, positive)
    if average == "micro":
        return float(_ratio(2 * tp.sum(), 2 * tp.sum() + fp.sum() + fn.sum(), zero_division))
    return _reduce(_ratio(2 * tp, 2 * tp + fp + fn, zero_division), support, average)


def _binary_scores(y_true: object, scores: object, positive: int) -> tuple[np.ndarray, np.ndarray]:
    """(is_positive as 0/1, scores as float64) after validation; both classes must be present."""
    t = _labels(y_true, "y_true")
    s = np.asarray(scores, dtype=np.float64)
    if s.shape != t.shape:
        raise ValueError(f"y_true and scores must have the same shape, got {t.shape} and {s.shape}")
    if not np.isfinite(s).all():
        raise ValueError("scores must be finite (found NaN or inf)")
    if np.unique(t).size > 2:
        raise ValueError("ROC analysis is for two classes; for more, score each class against the rest")
    pos = (t == positive).astype(np.int64)
    if pos.sum() in (0, pos.size):
        raise ValueError("ROC needs both classes in y_true: with one class a true- or false-positive rate is 0/0")
    return pos, s


def roc_curve(y_true: object, scores: object, *, positive: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Points of the ROC curve, one per distinct score, highest threshold first.

    At threshold :math:`\tau` an example is predicted positive when its score is :math:`\ge \tau`;
    :math:`\mathrm{FPR}(\tau) = FP/(FP+TN)`, :math:`\mathrm{TPR}(\tau) = TP/(TP+FN)`. The first
    threshold is :math:`+\infty` (nothing predicted positive), as in
    ``sklearn.metrics.roc_curve(..., drop_intermediate=False)``. Returns ``(fpr, tpr, thresholds)``.
    """
    pos, s = _binary_scores(y_true, scores, positive)
    order = np.argsort(-s, kind="mergesort")
    s_sorted, pos_sorted = s[order], pos[order]
    last_of_run = np.r_[np.flatnonzero(np.diff(s_sorted)), s_sorted.size - 1]  # last index of each tied run
    tps = np.cumsum(pos_sorted)[last_of_run]
    fps = (last_of_run + 1) - tps
    tps, fps = np.r_[0, tps], np.r_[0, fps]
    return fps / fps[-1], tps / tps[-1], np.r_[np.inf, s_sorted[last_of_run]]


def auc(x: object, y: object) -> float:
    r"""Area under a curve by the trapezoidal rule, :math:`\sum_k (x_{k+1}-x_k)\,\frac{y_k+y_{k+1}}{2}`.

    ``x`` must be monotonic (increasing or decreasing).
    """
    xa, ya = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if xa.ndim != 1 or xa.shape != ya.shape or xa.size < 2:
        raise ValueError("x and y must be 1-D arrays of the same length, at least 2 points")
    dx = np.diff(xa)
    if (dx < 0).any() and (dx > 0).any():
        raise ValueError("x must be monotonic for the trapezoidal rule")
    area = float(np.sum(dx * (ya[1:] + ya[:-1]) / 2))
    return -area if (dx <= 0).all() else area


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, tied values sharing the mean of their ranks."""
    uniq, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    first = np.r_[0, np.cumsum(counts)[:-1]]
    return (first + (counts + 1) / 2)[inverse]


def roc_auc(y_true: object, scores: object, *, positive: int = 1) -> float:
    r"""Area under the ROC curve through its rank form (Mann-Whitney):

    :math:`\mathrm{AUC} = \dfrac{\sum_{i:\,y_i=1} r_i - n_+(n_++1)/2}{n_+\,n_-}
    = P(s^+ > s^-) + \tfrac12 P(s^+ = s^-)`, with :math:`r_i` the average rank of score :math:`s_i`.
    """
    pos, s = _binary_scores(y_true, scores, positive)
    n_pos, n_neg = int(pos.sum()), int(pos.size - pos.sum())
    ranks = _average_ranks(s)
    return float((ranks[pos == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
