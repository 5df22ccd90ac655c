"""lmbook.text: the fixed corpus split, vocabularies with an honest fallback, bits per character, n-grams."""

import math

import numpy as np
import pytest

from lmbook.text import (
    SPLIT_SEED,
    UNICODE_SIZE,
    UNK,
    KneserNey,
    Unigram,
    Vocab,
    bits_per_char,
    peoples_daily_split,
    split_lines,
)

LINES = [f"第{i}行，内容{i % 7}。" for i in range(1000)]


def test_split_is_fixed_disjoint_and_complete():
    a = split_lines(LINES, block_lines=10)
    b = split_lines(LINES, block_lines=10)
    assert a == b
    parts = [a.train, a.validation, a.test]
    lines = [line for part in parts for line in part.splitlines()]
    assert sorted(lines) == sorted(LINES)  # every line exactly once
    assert all(part.endswith("\n") for part in parts)
    assert a.validation.count("\n") == 50 and a.test.count("\n") == 50  # 5 % of 100 blocks of 10 lines
    assert split_lines(LINES, block_lines=10, seed=SPLIT_SEED + 1) != a


def test_split_keeps_blocks_together():
    split = split_lines(LINES, block_lines=10)
    first_lines = split.test.splitlines()[::10]
    # each test block starts at a multiple of 10 and holds the next 9 lines in order
    for start in (int(line[1 : line.index("行")]) for line in first_lines):
        assert start % 10 == 0


def test_peoples_daily_split_sizes():
    split = peoples_daily_split()
    sizes = split.sizes()
    total = sum(sizes.values())
    assert 1_700_000 < total < 1_900_000
    assert 0.04 < sizes["test"] / total < 0.07 and 0.04 < sizes["validation"] / total < 0.07
    assert split.seed == SPLIT_SEED


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"validation": 0.0}, ValueError), ({"test": 0.6}, ValueError), ({"block_lines": 0}, ValueError), ({"block_lines": 400}, ValueError)],
)
def test_split_rejects_bad_settings(kwargs, error):
    with pytest.raises(error):
        split_lines(LINES, **kwargs)


def test_split_rejects_a_single_string():
    with pytest.raises(TypeError, match="sequence of str"):
        split_lines("一行文字\n另一行")


def test_vocab_round_trip_and_unknowns():
    vocab = Vocab.from_tokens("aaabbc", max_size=3)
    assert vocab.tokens == (UNK, "a", "b")
    ids = vocab.encode("abcz")
    assert ids.tolist() == [1, 2, 0, 0]
    assert vocab.decode(ids) == "ab□□"
    with pytest.raises(ValueError, match="outside the vocabulary"):
        vocab.decode([7])


def test_char_fallback_is_a_probability_over_all_code_points():
    vocab = Vocab.from_tokens("aaaaabbbbcccdde", max_size=3)
    # Witten-Bell over the left-out characters c, d, e (N = 6 occurrences, D = 3 distinct)
    seen = {"c": 3, "d": 2, "e": 1}
    total = sum(math.exp(vocab.fallback_log_prob(ch)) for ch in seen)
    assert total == pytest.approx(6 / 9)
    rest = (UNICODE_SIZE - 3) * math.exp(vocab.fallback_log_prob("z"))
    assert total + rest == pytest.approx(1.0, abs=1e-9)
    assert vocab.fallback_log_prob("c") > vocab.fallback_log_prob("e") > vocab.fallback_log_prob("z")
    assert vocab.oov_log_prob("abz") == pytest.approx(vocab.fallback_log_prob("z"))
    assert vocab.stop == 1.0 and vocab.fallback_log_prob("cc") == -math.inf  # characters only


def test_word_fallback_charges_length():
    vocab = Vocab.from_tokens(["ab", "ab", "c", "dd", "eee"], max_size=2)
    assert vocab.stop == pytest.approx(3 / 6)  # left-out tokens c, dd, eee: mean length 2
    full = Vocab.from_tokens(["ab", "ab", "c"])  # nothing left out: the spelling model uses every token
    assert full.stop == pytest.approx(3 / 5) and math.isfinite(full.fallback_log_prob("xyz"))
    assert vocab.fallback_log_prob("dd") > vocab.fallback_log_prob("dddd")
    with pytest.raises(ValueError, match="empty"):
        vocab.fallback_log_prob("")


def test_vocab_rejects_bad_input():
    with pytest.raises(ValueError, match="max_size"):
        Vocab.from_tokens("abc", max_size=1)
    with pytest.raises(ValueError, match="no tokens"):
        Vocab.from_tokens([])
    with pytest.raises(ValueError, match="first token"):
        Vocab(tokens=("a", "b"))


def test_bits_per_char():
    assert bits_per_char(np.full(8, math.log(0.5)), 8) == pytest.approx(1.0)
    assert bits_per_char(np.full(4, math.log(0.25)), 8) == pytest.approx(1.0)  # 4 tokens of 2 characters
    with pytest.raises(ValueError, match="n_chars"):
        bits_per_char(np.zeros(3), 0)
    with pytest.raises(ValueError, match="<= 0"):
        bits_per_char(np.ones(3), 3)


def test_unigram_add_one():
    model = Unigram(3).fit(np.array([0, 0, 1]))
    assert np.exp(model.log_prob(np.array([0, 1, 2]))) == pytest.approx([3 / 6, 2 / 6, 1 / 6])
    with pytest.raises(ValueError, match="fit"):
        Unigram(3).log_prob(np.array([0]))


def _markov_text(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    ids = [0]
    for _ in range(n - 1):
        ids.append((ids[-1] + rng.choice([1, 2, 5], p=[0.6, 0.3, 0.1])) % 9)
    return np.array(ids)


@pytest.mark.parametrize("order", [2, 3, 4])
def test_kneser_ney_equals_nltk(order):
    from nltk.lm import KneserNeyInterpolated
    from nltk.util import everygrams

    train = np.concatenate([[9], _markov_text(400)])  # a unique first token, as nltk has no left context there
    query = _markov_text(40, seed=1)
    ours = np.exp(KneserNey(order, 10, discount=0.1, uniform_floor=False).fit(train).log_prob(query))
    words = [str(i) for i in train]
    lm = KneserNeyInterpolated(order, discount=0.1)
    lm.fit([everygrams(words, max_len=order)], vocabulary_text=words)
    q = [str(i) for i in query]
    theirs = np.array([lm.score(q[t], q[max(0, t - order + 1) : t]) for t in range(len(q))])
    assert np.max(np.abs(ours - theirs)) < 1e-12


@pytest.mark.parametrize("discount", [None, 0.7])
def test_kneser_ney_is_normalized_and_open(discount):
    train = _markov_text(3000)
    model = KneserNey(4, 12, discount=discount).fit(train)  # ids 9..11 never occur in training
    for context in ([], [3], [3, 4], [4, 5, 6], [10, 11, 1]):
        p = np.exp(model.next_log_prob(np.array(context, dtype=int)))
        assert p.sum() == pytest.approx(1.0, abs=1e-12)
        assert p.min() > 0
    # the vectorized scorer agrees with next_log_prob position by position
    query = _markov_text(30, seed=2)
    lp = model.log_prob(query)
    for t in (0, 1, 2, 3, 17):
        assert lp[t] == pytest.approx(model.next_log_prob(query[:t])[query[t]], abs=1e-12)


@pytest.mark.parametrize("discount", [None, 0.5])
def test_lower_orders_equal_separately_fitted_models(discount):
    train, held = _markov_text(3000), _markov_text(300, seed=4)
    big = KneserNey(4, 9, discount=discount).fit(train)
    for order in (1, 2, 3):
        alone = KneserNey(order, 9, discount=discount).fit(train)
        assert np.allclose(big.log_prob(held, order=order), alone.log_prob(held), atol=1e-12)
        assert np.allclose(big.next_log_prob(held[:5], order=order), alone.next_log_prob(held[:5]), atol=1e-12)


def test_kneser_ney_beats_unigram_and_lower_orders_are_available():
    train, held = _markov_text(5000), _markov_text(2000, seed=3)
    model = KneserNey(3, 9).fit(train)
    uni = Unigram(9).fit(train)
    assert model.log_prob(held).mean() > model.log_prob(held, order=1).mean() > uni.log_prob(held).mean() - 0.05
    assert model.log_prob(held).mean() > uni.log_prob(held).mean() + 0.5


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: KneserNey(0, 5), "order"),
        (lambda: KneserNey(2, 0), "vocab_size"),
        (lambda: KneserNey(2, 5, discount=1.5), "discount"),
        (lambda: KneserNey(2, 5).fit(np.array([1, 7])), r"\[0, 5\)"),
        (lambda: KneserNey(2, 5).log_prob(np.array([1])), "fit"),
        (lambda: KneserNey(2, 5).fit(np.array([1, 2, 3])).log_prob(np.array([1]), order=3), "order"),
        (lambda: KneserNey(3, 5).fit(np.array([1, 2])), "at least"),
    ],
)
def test_kneser_ney_rejects_bad_input(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_kneser_ney_rejects_text():
    with pytest.raises(TypeError, match="integer array"):
        KneserNey(2, 5).fit("abc")


def test_kneser_ney_counts_distinct_ngrams():
    ids = np.array([1, 2, 1, 2, 3, 1, 2])
    with pytest.raises(ValueError, match="fit"):
        KneserNey(2, 4).n_grams()
    # order 1: the 4 ids of the vocabulary; bigrams 12, 21, 23, 31
    assert KneserNey(2, 4).fit(ids).n_grams() == [4, 4]
