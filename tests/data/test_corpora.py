"""Composed corpora: determinism, required content, ground-truth bracket/quote arrays."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from rnnviz.data.corpora import (
    ANCHOR_SENTENCES, bracket_depth_of, bracket_quote_corpus, char_lm_text, inside_quote_of,
    sentiment_sentences,
)
from rnnviz.data.tokenize import WordTokenizer
from rnnviz.errors import RnnvizError

REQUIRED_PHRASES = [
    "the food was terrible but the service was amazing",
    "i love eating",
    "the bank was steep , so i slid down it .",
]


# ---- bracket / quote corpus ------------------------------------------------------------

def test_bracket_corpus_deterministic_and_exact_length():
    a = bracket_quote_corpus(5000, seed=1)
    assert len(a) == 5000
    assert a == bracket_quote_corpus(5000, seed=1)
    assert a != bracket_quote_corpus(5000, seed=2)
    assert bracket_quote_corpus(100, seed=1) == a[:100]


def test_bracket_corpus_lines_balanced_depth_up_to_four():
    text = bracket_quote_corpus(50_000, seed=0)
    lines = text.split("\n")[:-1]  # the last line may be cut
    assert len(lines) > 200
    depth = bracket_depth_of(text)
    quoted = inside_quote_of(text)
    assert depth.max() == 4
    for k in range(5):
        assert (depth == k).sum() > 100, f"depth {k} too rare"
    ends = np.flatnonzero(np.array(list(text)) == "\n")
    assert (depth[ends] == 0).all() and not quoted[ends].any()  # every full line balances
    assert 0.05 < quoted.mean() < 0.5
    # brackets of all three kinds and matched pairs per line
    for line in lines[:300]:
        stack = []
        for ch, q in zip(line, inside_quote_of(line)):
            if q or ch == '"':
                continue
            if ch in "([{":
                stack.append(ch)
            elif ch in ")]}":
                assert stack and "([{"[")]}".index(ch)] == stack.pop()
        assert not stack
    assert all(c in text for c in "()[]{}\"")


def test_bracket_depth_of_examples():
    text = 'a(b[c]{"(x"}) )'
    assert bracket_depth_of(text).tolist() == [0, 1, 1, 2, 2, 1, 2, 2, 2, 2, 2, 1, 0, 0, 0]
    assert inside_quote_of(text).tolist() == [False] * 7 + [True, True, True] + [False] * 5


def test_inside_quote_resets_at_newline():
    assert inside_quote_of('"ab\ncd"').tolist() == [True, True, True, False, False, False, True]


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_ground_truth_arrays_any_text(text):
    d, q = bracket_depth_of(text), inside_quote_of(text)
    assert d.shape == q.shape == (len(text),)
    assert d.dtype == np.int64 and q.dtype == bool
    assert (d >= 0).all()
    if len(d) > 1:
        assert (np.abs(np.diff(d)) <= 1).all()


# ---- sentiment -------------------------------------------------------------------------

def test_sentiment_deterministic_and_balanced():
    a = sentiment_sentences(1001, seed=3)
    assert a == sentiment_sentences(1001, seed=3)
    assert a != sentiment_sentences(1001, seed=4)
    labels = [lab for _, lab in a]
    assert set(labels) == {0, 1}
    assert sum(labels) == 501 and len(labels) == 1001
    for n in (1, 2, 3, 4, 5, 10):
        labs = [lab for _, lab in sentiment_sentences(n, 0)]
        assert len(labs) == n and abs(2 * sum(labs) - n) <= 1


def test_sentiment_contains_required_sentences_and_words():
    pairs = sentiment_sentences(200, seed=0)
    sentences = [s for s, _ in pairs]
    for s, lab in ANCHOR_SENTENCES:
        assert (s, lab) in pairs
    assert ("the food was terrible but the service was amazing", 1) in pairs
    tok = WordTokenizer.from_text("\n".join(sentences))
    for phrase in REQUIRED_PHRASES:
        assert not any(tok.is_unknown(t) for t in tok.tokenize(phrase)), phrase
    assert not any(tok.is_unknown(t) for t in tok.tokenize("The food was terrible, but"))
    for w in ("not", "but", "movie", "staff", "room"):
        assert not tok.is_unknown(w)


def test_contrast_label_follows_clause_after_but():
    from rnnviz.data.corpora import NEGATIVE_ADJECTIVES, POSITIVE_ADJECTIVES
    pos, neg = set(POSITIVE_ADJECTIVES), set(NEGATIVE_ADJECTIVES)
    n_checked = 0
    for s, lab in sentiment_sentences(2000, seed=5):
        if " but the " not in s:
            continue
        after = s.split(" but ")[1].split()
        adj = after[-1]
        negated = "not" in after
        polarity = (adj in pos) != negated
        assert adj in pos | neg
        assert lab == int(polarity), s
        n_checked += 1
    assert n_checked > 100


def test_sentences_lowercase_with_spaced_punctuation():
    tok = WordTokenizer.from_text("x")
    for s, _ in sentiment_sentences(300, seed=1):
        assert s == s.lower()
        assert " ".join(tok.tokenize(s)) == s


# ---- language-model text ---------------------------------------------------------------

def test_char_lm_text_size_determinism_and_content():
    text = char_lm_text(0)
    assert len(text) == 200_000
    assert text == char_lm_text(0) and text != char_lm_text(1)
    assert char_lm_text(0, n_chars=1000) == text[:1000]
    for phrase in REQUIRED_PHRASES:
        assert phrase in text
    assert bracket_depth_of(text).max() == 4 and inside_quote_of(text).any()
    assert len(set(text)) < 80  # a small character vocabulary


@pytest.mark.parametrize("call, field", [
    (lambda: bracket_quote_corpus(0, 0), "n_chars"),
    (lambda: bracket_quote_corpus(10, -1), "seed"),
    (lambda: bracket_quote_corpus(10, 1.5), "seed"),
    (lambda: bracket_quote_corpus(10**12, 0), "n_chars"),
    (lambda: sentiment_sentences(0, 0), "n"),
    (lambda: sentiment_sentences("5", 0), "n"),
    (lambda: char_lm_text(seed=None), "seed"),
    (lambda: bracket_depth_of(None), "text"),
    (lambda: inside_quote_of(b"x"), "text"),
])
def test_bad_arguments_raise_naming_field(call, field):
    with pytest.raises(RnnvizError, match=f"^{field}"):
        call()
