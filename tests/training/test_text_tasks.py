"""The training loop on text: language modelling and sentence classification."""
import re

import pytest

from rnnviz.errors import RnnvizError
from rnnviz.training.config import TrainConfig
from rnnviz.training.loop import build_model, train, validation_batch


def _run(cfg):
    snaps = list(train(cfg))
    return snaps[0], snaps[-1]


def test_char_language_model_loss_falls_and_model_carries_tokenizer():
    cfg = TrainConfig(task="text", corpus="brackets", tokens="char", cell="gru", hidden=(24,), length=16,
                      batch=16, lr=1e-2, steps=80, val_every=40, val_batch=16, metrics_every=40)
    first, last = _run(cfg)
    assert last.train_loss < first.train_loss - 0.5
    m = build_model(cfg)
    assert m.tokenizer is not None and m.tokenizer.kind == "char" and m.output_size == len(m.tokenizer.vocab)
    vb = validation_batch(cfg)
    assert vb.x.shape == (16, 16) and vb.kind == "classification_each"


def test_sentiment_classifier_is_many_to_one_with_padding():
    cfg = TrainConfig(task="classify", corpus="sentiment", tokens="word", cell="lstm", hidden=(16,),
                      batch=32, lr=1e-2, steps=60, val_every=30, val_batch=64, metrics_every=30)
    first, last = _run(cfg)
    assert last.val_accuracy is not None and last.train_loss < first.train_loss
    m = build_model(cfg)
    assert m.target == "classification_last" and m.class_names == ["negative", "positive"]
    assert validation_batch(cfg).lengths is not None


def test_text_config_errors_name_the_field(tmp_path):
    with pytest.raises(RnnvizError, match="^tokens"):
        TrainConfig(task="text", tokens="bytes").validate()
    with pytest.raises(RnnvizError, match="use task 'classify'"):
        build_model(TrainConfig(task="text", corpus="sentiment"))
    short = tmp_path / "short.txt"
    short.write_text("abc", encoding="utf-8")
    cfg = TrainConfig(task="text", corpus=str(short), length=50, steps=2)
    with pytest.raises(RnnvizError, match="shorter than one training sequence"):
        list(train(cfg))


def test_text_dataset_messages_name_the_corpus_file(tmp_path):
    from rnnviz.training.loop import make_batch

    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\t\n", encoding="utf-8")
    with pytest.raises(RnnvizError, match=rf"^corpus: {re.escape(str(blank))}: the text holds only whitespace "
                                          r"\(4 spaces, tabs or line breaks\)"):
        build_model(TrainConfig(task="text", corpus=str(blank)))
    short = tmp_path / "short.txt"
    short.write_text("abcdefgh" * 3, encoding="utf-8")
    cfg = TrainConfig(task="text", corpus=str(short), length=30, val_batch=2)
    with pytest.raises(RnnvizError, match=rf"^corpus: {re.escape(str(short))}: the training text has 23 tokens"):
        make_batch(cfg, 2, rng=0)
    with pytest.raises(RnnvizError, match=rf"^corpus: {re.escape(str(short))}: the validation text has 1 tokens"):
        validation_batch(cfg)


@pytest.mark.parametrize("task,corpus,rows", [("classify", "sentiment", 12), ("text", "brackets", 8)])
def test_validation_during_training_is_on_the_held_out_rows(task, corpus, rows):
    """The val_loss of every validation step is the loss on validation_batch (the held-out split,
    the same batch headless_train reports at the end), not on rows drawn from the training split."""
    from rnnviz.training.loop import evaluate

    cfg = TrainConfig(task=task, corpus=corpus, cell="gru", hidden=(8,), length=12, batch=4, lr=1e-2,
                      steps=3, val_every=3, val_batch=rows, metrics_every=3)
    model = build_model(cfg)
    last = list(train(cfg, model))[-1]
    held_out = evaluate(model, validation_batch(cfg))
    assert last.val_step == 3
    assert last.val_loss == pytest.approx(held_out["loss"], rel=1e-6)


def test_a_text_too_short_to_hold_out_a_sequence_is_refused_before_training(tmp_path):
    from rnnviz.training.loop import headless_train

    corpus = tmp_path / "short.txt"
    corpus.write_text("f(a, [b]) and g(c)\n" * 40, encoding="utf-8")  # 760 characters, 38 held out
    cfg = TrainConfig(task="text", corpus=str(corpus), cell="gru", hidden=(4,), length=50, batch=2,
                      val_batch=2, steps=20, log_every=10)
    lines = []
    with pytest.raises(RnnvizError, match="validation text has 38 tokens.*50 \\+ 1"):
        headless_train(cfg, out=tmp_path / "m.npz", print_fn=lines.append)
    assert lines == []  # no step was run
