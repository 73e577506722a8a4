"""Small models saved to a temporary folder, shaped like the shipped ones (for the window tests)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from rnnviz.data.tokenize import CharTokenizer, WordTokenizer
from rnnviz.engine.model import SequenceModel

CHAR_TEXT = "The bank was steep, so I slid down it. f(a, (b + c) * [d]) \"quote\" I love eating\n"
WORD_TEXT = "the food was terrible but the service was amazing i love eating it"


def char_lm(cell: str = "lstm", hidden=(8, 8), bidirectional: bool = False, seed: int = 0) -> SequenceModel:
    tok = CharTokenizer.from_text(CHAR_TEXT)
    return SequenceModel(cell, len(tok.vocab), list(hidden), len(tok.vocab), num_layers=len(hidden),
                         bidirectional=bidirectional, target="classification_each", encoding="embedding",
                         embedding_dim=4, tokenizer=tok, seed=seed)


def word_classifier() -> SequenceModel:
    tok = WordTokenizer.from_text(WORD_TEXT)
    return SequenceModel("lstm", len(tok.vocab), [6], 2, target="classification_last",
                         encoding="embedding", embedding_dim=4, tokenizer=tok, seed=1,
                         class_names=["negative", "positive"])


def make_models_dir(folder: Path, compare: bool = True) -> Path:
    """brackets_lstm (2-layer bidirectional LSTM LM), sentiment_lstm, and the compare trio."""
    folder.mkdir(parents=True, exist_ok=True)
    char_lm("lstm", (8, 8), bidirectional=True).save(folder / "brackets_lstm.npz")
    word_classifier().save(folder / "sentiment_lstm.npz")
    if compare:
        for name, cell in (("compare_rnn", "rnn_tanh"), ("compare_gru", "gru"), ("compare_lstm", "lstm")):
            char_lm(cell, (6,), seed=3).save(folder / f"{name}.npz")
    return folder


def forward_states(model, text: str, layer: int = 0, direction: int = 0) -> dict[str, np.ndarray]:
    """The engine's (T, H) arrays for ``text`` from one full forward pass (batch of 1)."""
    ids = model.tokenizer.encode(text)[:, None]
    trace = model.net.forward(model.encode(ids))
    return {k: np.asarray(v[:, 0], dtype=np.float64) for k, v in trace.states(layer, direction).items()}


def type_text(qtbot, window, text: str) -> None:
    """Type ``text`` into the main window's text box, key by key, and wait until the live view
    has applied it."""
    qtbot.keyClicks(window.text_edit, text)
    qtbot.waitUntil(lambda: not window.live._pending and window.live.text() == window.text_edit.toPlainText())
