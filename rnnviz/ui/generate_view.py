"""One-to-many: generate text from a seed with a next-token model, with a temperature slider.

The model reads the seed, then samples a token from p(token) ∝ exp(logit / τ), feeds it back in
as the next input, and so on (:meth:`rnnviz.engine.model.SequenceModel.generate`). The output
shows the seed in the normal text colour and the generated part in the accent colour.
"""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSlider, QSpinBox,
                               QTextBrowser, QVBoxLayout, QWidget)

from rnnviz.errors import RnnvizError
from rnnviz.ui import theme

TOOLTIP = ("One-to-many generation: the model reads the seed, then each sampled token is fed back as\n"
           "the next input. Normal colour = the seed you typed; accent colour = generated tokens.\n"
           "Temperature τ divides the logits: low = safe and repetitive, high = surprising.")


def why_cannot_generate(model, name: str = "") -> str:
    """Why ``model`` cannot write text one token at a time ("" when it can)."""
    if model is None:
        return "No model is open. Choose a language model such as brackets_lstm in the Model box."
    who = name or "This model"
    tokenizer = getattr(model, "tokenizer", None)
    if tokenizer is None:
        return f"{who} reads numbers, not text: it has no tokens to write. Choose brackets_lstm in the Model box."
    if getattr(model, "target", "") != "classification_each":
        return (f"{who} answers once for a whole text (many-to-one), not with the next token. "
                "Choose a language model such as brackets_lstm in the Model box.")
    if model.output_size != len(tokenizer.vocab):
        return (f"{who} puts a label on each token (many-to-many), it does not predict the next one. "
                "Choose a language model such as brackets_lstm in the Model box.")
    if model.net.bidirectional:
        return (f"{who} is bidirectional: each output reads the future, which does not exist yet while "
                "writing. Choose a unidirectional language model such as brackets_lstm.")
    return ""


class GenerateView(QWidget):
    """Seed box, temperature slider (τ from 0.05 to 2.0), length, Generate button and output."""

    generated = Signal(str)
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("generate_view")
        self.setToolTip(TOOLTIP)
        self.model = None
        self.model_name = ""
        self._given = None  # the model last passed to set_model (self.model is None if it cannot generate)
        self.last_output = ""
        self._rng = np.random.default_rng(0)

        self.seed_edit = QLineEdit("print(f(")
        self.seed_edit.setToolTip("The seed (prompt) the model reads before it starts writing")
        self.seed_edit.returnPressed.connect(self.generate)
        self.temp_slider = QSlider(Qt.Orientation.Horizontal)
        self.temp_slider.setRange(5, 200)
        self.temp_slider.setValue(80)
        self.temp_slider.setToolTip("Temperature τ: p(token) ∝ exp(logit / τ). Left: nearly always the most\n"
                                    "likely token; right: flatter, more random choices")
        self.temp_label = QLabel()
        self.temp_slider.valueChanged.connect(self._update_temp_label)
        self.length_spin = QSpinBox()
        self.length_spin.setRange(1, 2000)
        self.length_spin.setValue(120)
        self.length_spin.setToolTip("How many tokens to generate")
        self.greedy_check = QCheckBox("greedy")
        self.greedy_check.setToolTip("Always take the most likely token (the limit τ → 0)")
        self.button = QPushButton("Generate")
        self.button.setToolTip("Sample a continuation of the seed")
        self.button.clicked.connect(self.generate)
        self.output = QTextBrowser()
        self.output.setToolTip(TOOLTIP)
        self.output.setMinimumHeight(80)
        self.title = QLabel("<b>One-to-many</b>: generate from a seed")
        self.title.setWordWrap(True)  # (it says why a model cannot generate)

        row1 = QHBoxLayout()
        row1.addWidget(QLabel("seed"))
        row1.addWidget(self.seed_edit, 1)
        row1.addWidget(self.button)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel("temperature"))
        row2.addWidget(self.temp_slider, 1)
        row2.addWidget(self.temp_label)
        row2.addWidget(QLabel("length"))
        row2.addWidget(self.length_spin)
        row2.addWidget(self.greedy_check)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.title)
        lay.addLayout(row1)
        lay.addLayout(row2)
        lay.addWidget(self.output, 1)
        self._update_temp_label()
        self.set_model(None)

    # ------------------------------------------------------------------ state
    @property
    def temperature(self) -> float:
        return self.temp_slider.value() / 100.0

    def set_temperature(self, tau: float) -> None:
        self.temp_slider.setValue(int(round(tau * 100)))

    def _update_temp_label(self) -> None:
        self.temp_label.setText(f"τ = {self.temperature:.2f}")

    def set_model(self, model, name: str = "") -> None:
        """Use ``model`` (a unidirectional next-token SequenceModel) or None. Another model than
        the one shown clears the output (it was that model's text); one that cannot generate
        says why in the output area."""
        why = why_cannot_generate(model, name)
        if model is not self._given:
            self.output.clear()
            self.last_output = ""
        self._given = model
        self.model = None if why else model
        self.model_name = "" if why else name
        self.title.setText(f"<b>One-to-many</b>: needs a next-token language model. {html.escape(why)}" if why
                           else f"<b>One-to-many</b>: generate from a seed with <i>{html.escape(name)}</i>")
        self.output.setPlaceholderText("" if why else "Press Generate: the text appears here.")
        self._update_enabled()

    def _update_enabled(self) -> None:
        for w in (self.button, self.seed_edit, self.temp_slider, self.length_spin, self.greedy_check):
            w.setEnabled(self.model is not None)

    # ------------------------------------------------------------------ generate
    def generate(self, rng=None) -> str:
        """Generate ``length`` tokens after the seed; returns the generated text ('' on failure)."""
        if self.model is None:
            self.message.emit("Generation needs a next-token language model; choose brackets_lstm.")
            return ""
        tok = self.model.tokenizer
        seed = self.seed_edit.text()
        try:
            ids = tok.encode(seed) if seed else np.zeros(0, np.int64)
            out = self.model.generate(ids, self.length_spin.value(), temperature=self.temperature,
                                      rng=self._rng if rng is None or isinstance(rng, bool) else rng,
                                      greedy=self.greedy_check.isChecked())
        except RnnvizError as exc:
            self.message.emit(f"Cannot generate: {exc}")
            return ""
        text = tok.decode(out)
        self.last_output = text
        accent = theme.accent_color().name()
        self.output.setHtml(f"<pre style='white-space: pre-wrap'>{html.escape(seed)}"
                            f"<span style='color:{accent}; font-weight:bold'>{html.escape(text)}</span></pre>")
        self.generated.emit(text)
        return text
