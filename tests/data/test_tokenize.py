"""Tokenisers: vocabulary, encode/decode round trips, spans, configs, bad input."""
import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from rnnviz.data.tokenize import CharTokenizer, WordTokenizer, tokenizer_from_config
from rnnviz.errors import RnnvizError

TOKENIZERS = [CharTokenizer, WordTokenizer]


def test_word_tokens_lowercase_and_split_punctuation():
    tok = WordTokenizer.from_text("The food was terrible, but")
    assert tok.tokenize("The food was terrible, but") == ["the", "food", "was", "terrible", ",", "but"]
    assert tok.kind == "word"
    assert tok.vocab[0] == "<unk>"
    assert sorted(tok.vocab[1:]) == sorted(["the", "food", "was", "terrible", ",", "but"])


def test_word_apostrophes_stay_inside_words():
    tok = WordTokenizer.from_text("I don't know 'x'")
    assert tok.tokenize("I don't know 'x'") == ["i", "don't", "know", "'", "x", "'"]


def test_word_spans_point_at_original_text():
    text = "  The FOOD,was\tterrible!!"
    tok = WordTokenizer.from_text(text)
    spans = tok.spans(text)
    assert [text[a:b] for a, b in spans] == ["The", "FOOD", ",", "was", "terrible", "!", "!"]
    assert [text[a:b].lower() for a, b in spans] == tok.tokenize(text)


def test_char_tokens_include_spaces_and_case():
    tok = CharTokenizer.from_text("Ab a\n")
    assert tok.kind == "char"
    assert tok.tokenize("Ab a\n") == ["A", "b", " ", "a", "\n"]
    assert tok.spans("ab") == [(0, 1), (1, 2)]
    assert tok.decode(tok.encode("Ab a\n")) == "Ab a\n"


def test_unknowns_encode_to_zero_and_decode_as_unk():
    tok = WordTokenizer.from_text("the cat sat")
    ids = tok.encode("the dog sat")
    assert ids.dtype == np.int64 and ids.shape == (3,)
    assert ids[1] == 0 and ids[0] != 0 and ids[2] != 0
    assert tok.decode(ids) == "the <unk> sat"
    assert tok.is_unknown("dog") and not tok.is_unknown("cat") and not tok.is_unknown("CAT")
    assert tok.is_unknown("<unk>")


def test_vocab_cap_keeps_most_frequent_ties_by_codepoint():
    tok = CharTokenizer.from_text("cccbbbaad", max_vocab=4)
    # c and b have 3, a has 2, d has 1; the tie c/b breaks by code point
    assert tok.vocab == ["<unk>", "b", "c", "a"]
    tok2 = CharTokenizer.from_text("dbbbaaccc", max_vocab=4)
    assert tok2.vocab == tok.vocab
    assert list(tok.encode("abcd")) == [3, 1, 2, 0]


def test_vocab_cap_one_leaves_only_unk():
    tok = WordTokenizer.from_text("a b c", max_vocab=1)
    assert tok.vocab == ["<unk>"]
    assert list(tok.encode("a b")) == [0, 0]


@pytest.mark.parametrize("cls", TOKENIZERS)
def test_config_round_trip_through_json(cls):
    tok = cls.from_text("Hello, world! Hello again.")
    cfg = json.loads(json.dumps(tok.to_config()))
    back = tokenizer_from_config(cfg)
    assert type(back) is cls and back == tok
    assert cls.from_config(cfg).vocab == tok.vocab


@pytest.mark.parametrize("cfg, field", [
    ("nope", "config"),
    ({"kind": "byte", "vocab": ["<unk>"]}, "config.kind"),
    ({"kind": "char"}, "config.vocab"),
    ({"kind": "char", "vocab": "abc"}, "config.vocab"),
    ({"kind": "char", "vocab": ["a", "b"]}, "config.vocab"),
    ({"kind": "char", "vocab": ["<unk>", "ab"]}, "config.vocab[1]"),
    ({"kind": "char", "vocab": ["<unk>", "a", "a"]}, "config.vocab[2]"),
    ({"kind": "word", "vocab": ["<unk>", 3]}, "config.vocab[1]"),
    ({"kind": "word", "vocab": ["<unk>", "Hello"]}, "config.vocab[1]"),
    ({"kind": "word", "vocab": ["<unk>", "two words"]}, "config.vocab[1]"),
    ({"kind": "word", "version": 99, "vocab": ["<unk>"]}, "config.version"),
])
def test_bad_configs_raise_naming_the_field(cfg, field):
    with pytest.raises(RnnvizError, match=field.replace("[", r"\[").replace("]", r"\]")):
        tokenizer_from_config(cfg)


def test_from_config_rejects_other_kind():
    cfg = CharTokenizer.from_text("abc").to_config()
    with pytest.raises(RnnvizError, match="config.kind"):
        WordTokenizer.from_config(cfg)


@pytest.mark.parametrize("cls", TOKENIZERS)
def test_bad_arguments_raise(cls):
    with pytest.raises(RnnvizError, match="text"):
        cls.from_text(b"bytes")
    with pytest.raises(RnnvizError, match="text"):
        cls.from_text("")
    with pytest.raises(RnnvizError, match="max_vocab"):
        cls.from_text("abc", max_vocab=0)
    with pytest.raises(RnnvizError, match="max_vocab"):
        cls.from_text("abc", max_vocab=2.5)
    tok = cls.from_text("abc")
    with pytest.raises(RnnvizError, match="text"):
        tok.encode(None)
    with pytest.raises(RnnvizError, match="ids"):
        tok.decode([0, 99])
    with pytest.raises(RnnvizError, match="ids"):
        tok.decode([-1])
    with pytest.raises(RnnvizError, match="ids"):
        tok.decode([0.5])
    with pytest.raises(RnnvizError, match="ids"):
        tok.decode([[0]])
    with pytest.raises(RnnvizError, match="token"):
        tok.is_unknown(3)


def test_fit_is_from_text():
    assert WordTokenizer.fit("a b a").vocab == WordTokenizer.from_text("a b a").vocab
    assert CharTokenizer.fit("aab", max_vocab=2).vocab == ["<unk>", "a"]


def test_decode_empty():
    tok = CharTokenizer.from_text("ab")
    assert tok.decode([]) == "" and tok.decode(np.array([], dtype=np.int64)) == ""
    assert tok.encode("").shape == (0,)


# ---- property tests --------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(text=st.text(), corpus=st.text())
def test_arbitrary_text_only_raises_rnnviz_error(text, corpus):
    for cls in TOKENIZERS:
        try:
            tok = cls.from_text(corpus)
        except RnnvizError:
            tok = cls.from_text("fallback corpus")
        ids = tok.encode(text)
        assert ids.dtype == np.int64 and len(ids) == len(tok.tokenize(text))
        assert ((ids >= 0) & (ids < len(tok.vocab))).all()
        assert isinstance(tok.decode(ids), str)
        for t in tok.tokenize(text):
            assert isinstance(tok.is_unknown(t), bool)


@settings(max_examples=200, deadline=None)
@given(text=st.text(min_size=1))
def test_char_round_trip_in_vocab(text):
    tok = CharTokenizer.from_text(text)
    assert tok.decode(tok.encode(text)) == text
    assert not any(tok.is_unknown(t) for t in tok.tokenize(text))


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_word_round_trip_in_vocab(text):
    try:
        tok = WordTokenizer.from_text(text)
    except RnnvizError:  # only when the text has no tokens at all
        assert WordTokenizer.from_text("x").tokenize(text) == []
        return
    tokens = tok.tokenize(text)
    assert not any(tok.is_unknown(t) for t in tokens)
    assert tok.tokenize(tok.decode(tok.encode(text))) == tokens


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_spans_cover_tokens_in_order(text):
    for cls in TOKENIZERS:
        tok = cls.from_text("seed text")
        spans = tok.spans(text)
        tokens = tok.tokenize(text)
        assert len(spans) == len(tokens)
        prev_end = 0
        for (a, b), t in zip(spans, tokens):
            assert prev_end <= a < b <= len(text)
            surface = text[a:b]
            if cls is WordTokenizer:  # words are lower-cased, punctuation kept
                assert t in (surface, surface.lower())
            else:
                assert t == surface
            prev_end = b
        covered = set()
        for a, b in spans:
            covered.update(range(a, b))
        if cls is CharTokenizer:
            assert covered == set(range(len(text)))
        else:  # everything not covered by a word token is whitespace
            assert all(text[i].isspace() for i in range(len(text)) if i not in covered)


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1), cap=st.integers(min_value=1, max_value=6))
def test_vocab_cap_respected_and_deterministic(text, cap):
    tok = CharTokenizer.from_text(text, max_vocab=cap)
    assert len(tok.vocab) <= cap
    assert tok.vocab == CharTokenizer.from_text(text[::-1], max_vocab=cap).vocab
