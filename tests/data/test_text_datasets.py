"""Text datasets: language-model windows and padded labelled sentences."""
import numpy as np
import pytest

from rnnviz.data.text_datasets import (LabelledTextDataset, TextLMDataset, builtin_corpus, lm_corpus_text,
                                       natural_sentence)
from rnnviz.engine.model import SequenceModel
from rnnviz.errors import RnnvizError


def test_natural_sentence():
    assert natural_sentence("the bank was steep , so i slid down it .") == "The bank was steep, so I slid down it."


def test_lm_corpus_is_deterministic_and_holds_the_examples():
    t = lm_corpus_text(0, 50_000)
    assert t == lm_corpus_text(0, 50_000) and len(t) == 50_000
    for s in ("The bank was steep, so I slid down it.", "I love eating",
              "The food was terrible but the service was amazing"):
        assert s in t
    assert "(" in t and '"' in t and "[" in t


def test_lm_batches_are_next_token_windows():
    d = TextLMDataset("abcabcabcabcabcabcabc" * 10, kind="char", val_fraction=0.2)
    b = d.batch(5, 3, rng=0)
    assert b.x.shape == (5, 3) and b.kind == "classification_each"
    dec = d.tokenizer.decode
    for col in range(3):
        xs, ys = dec(b.x[:, col]), dec(b.y[:, col])
        assert xs[1:] == ys[:-1]
    with pytest.raises(RnnvizError, match="shorter than one training sequence"):
        d.batch(1000, 2, rng=0)
    with pytest.raises(RnnvizError, match="the text holds only whitespace"):
        TextLMDataset("   ")


def test_labelled_batches_are_padded_with_lengths_and_train_a_model():
    pairs = builtin_corpus("sentiment")[:400]
    d = LabelledTextDataset(pairs, class_names=["negative", "positive"])
    b = d.batch(8, rng=1)
    assert b.lengths.shape == (8,) and b.x.shape[0] == b.lengths.max()
    for col in range(8):
        assert np.all(b.x[b.lengths[col]:, col] == 0)
    m = SequenceModel("gru", encoding="embedding", embedding_dim=8, hidden_size=16, **d.model_kwargs())
    res = m.loss_on_batch(b)
    assert np.isfinite(res.loss) and res.outputs.shape == (8, 2)


def test_labelled_needs_two_classes():
    with pytest.raises(RnnvizError, match="two classes"):
        LabelledTextDataset([("good", 1), ("great", 1)])
    with pytest.raises(RnnvizError, match="no labelled"):
        LabelledTextDataset([])


def test_lm_dataset_says_empty_or_whitespace_and_names_its_source():
    with pytest.raises(RnnvizError, match=r"^the text is empty"):
        TextLMDataset("")
    with pytest.raises(RnnvizError, match=r"^the text holds only whitespace \(4 spaces, tabs or line breaks\)"):
        TextLMDataset(" \t\n ")
    with pytest.raises(RnnvizError, match=r"^notes\.txt: the text holds only whitespace"):
        TextLMDataset("\n\n", name="notes.txt")
    d = TextLMDataset("abcdefgh" * 3, name="notes.txt", val_fraction=0.25)
    with pytest.raises(RnnvizError, match=r"^notes\.txt: the training text has 18 tokens, shorter than one"):
        d.batch(50, 2, rng=0)
    with pytest.raises(RnnvizError, match=r"^notes\.txt: the validation text has 6 tokens"):
        d.batch(50, 2, rng=0, validation=True)


def test_loaded_text_dataset_names_its_file_in_later_messages(tmp_path):
    from rnnviz.data.loaders import load_text_dataset

    p = tmp_path / "short.txt"
    p.write_text("hello world, a short text")
    _, ds = load_text_dataset(p)
    with pytest.raises(RnnvizError, match=r"short\.txt: the training text has \d+ tokens"):
        ds.batch(500, 2, rng=0)
