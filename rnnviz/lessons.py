"""Guided lessons: one idea of the textbook chapter on RNNs each, as plain data (no NumPy, no Qt).

A :class:`Lesson` says how to set the app up (:class:`Setup`: which tab, model, text, training
settings, sub-view), what to look at (a few sentences), which equations to show (keys of
:data:`EQUATIONS`, written with the symbols the views use: h_t, c_t, i_t, f_t, g_t, o_t, r_t,
z_t, n_t, ||dL/dh_t||) and one thing to try. ``rnnviz lessons`` lists them; the Lessons panel
(:mod:`rnnviz.ui.lessons_panel`) applies them to the window; ``python main.py --lesson ID
--screenshot PATH`` renders one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: tabs of the main window a lesson can open
TABS = ("memory", "training", "shapes")
#: sub-tabs of the Training panel ("gradients" = Loss & gradients)
TRAINING_TABS = ("gradients", "gates", "compare")
#: sequence shapes the Shapes tab can highlight
SHAPES = ("one_to_many", "many_to_one", "many_to_many", "encoder_decoder")


@dataclass(frozen=True)
class Setup:
    """The state a lesson puts the app in.

    ``tab``: one of :data:`TABS`. ``model``: name of a shipped model for the Memory tab (None:
    keep the current one). ``text``: text typed into the Memory tab's box (None: keep).
    ``compare``: Memory tab in compare mode (RNN / GRU / LSTM side by side). ``layer``: layer of a
    stacked model shown (0 = bottom; None: the bottom one, for a lesson on the Memory tab). ``train``: :class:`rnnviz.training.config.TrainConfig`
    fields put in the Training form. ``training_tab``: one of :data:`TRAINING_TABS`. ``shape``:
    one of :data:`SHAPES` highlighted on the Shapes tab. ``screenshot_steps``: training steps run
    before ``--screenshot`` renders the lesson (0: none), so a picture shows curves.
    """

    tab: str = "memory"
    model: str | None = None
    text: str | None = None
    compare: bool = False
    layer: int | None = None
    train: dict = field(default_factory=dict)
    training_tab: str | None = None
    shape: str | None = None
    screenshot_steps: int = 0


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    setup: Setup
    look: str            # what to look at: a few sentences (plain text, may hold <b> and <i>)
    equations: tuple     # keys of EQUATIONS, shown in this order
    suggestion: str      # one thing to try

    def summary(self) -> str:
        """One line: the id, then the title (what ``rnnviz lessons`` prints)."""
        return f"{self.id}\t{self.title}"


# ----------------------------------------------------------------------------- equations
#: title and lines of each block of equations, with the views' symbols (⊙ = element-wise product);
#: a tab separates an equation from its note
EQUATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "rnn": ("tanh RNN (Elman)", (
        "h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)",
        "ŷ_t = softmax(W_hy h_t + b_y)",
    )),
    "lstm": ("LSTM (gate order i, f, g, o)", (
        "i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)\tinput gate",
        "f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)\tforget gate",
        "g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)\tcandidate",
        "o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)\toutput gate",
        "c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t\tcell state",
        "h_t = o_t ⊙ tanh(c_t)\thidden state",
    )),
    "gru": ("GRU (gate order r, z, n)", (
        "r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)\treset gate",
        "z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)\tupdate gate",
        "n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))",
        "h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}",
    )),
    "shapes": ("Sequence shapes", (
        "one-to-many: x_1 → h_1 → ŷ_1,  ŷ_t fed back as x_{t+1}",
        "many-to-one: h_T = f(x_1 … x_T),  ŷ = softmax(W h_T + b)",
        "many-to-many: ŷ_t = softmax(W h_t + b) at every t",
        "encoder-decoder: the encoder's h_T = f(x_1 … x_T) starts the decoder state s_0; s_k = f(ŷ_{k-1}, s_{k-1})",
    )),
    "sampling": ("Sampling with a temperature τ", (
        "p(token) ∝ exp(logit / τ)",
        "τ → 0: always the most likely token;  τ = 1: the model's own distribution;  τ > 1: flatter",
    )),
    "bptt": ("Backpropagation through time (tanh RNN)", (
        "dL/dh_t = ∂L_t/∂h_t + W_hhᵀ (diag(1 - h_{t+1}²) dL/dh_{t+1})",
        "||dL/dh_t|| ≤ ||∂L/∂h_T|| · Π_{k=t+1..T} ||W_hhᵀ diag(1 - h_k²)||",
        "factors < 1 shrink it geometrically as t moves away from the loss: vanishing gradient",
    )),
    "clip": ("Exploding gradients and clipping", (
        "largest singular value of W_hh > 1  ⇒  ||dL/dh_t|| can grow like σ_max^(T-t)",
        "g = all parameter gradients;  if ||g|| > clip:  g ← g · clip / ||g||",
    )),
    "cell_path": ("The cell-state path (LSTM)", (
        "∂c_t/∂c_{t-1} = diag(f_t)   (plus small terms through the gates)",
        "f_t ≈ 1 and i_t ≈ 0  ⇒  c_t ≈ c_{t-1}: memory and gradient both pass unchanged",
        "GRU: ∂h_t/∂h_{t-1} ⊇ diag(z_t): z_t ≈ 1 copies h_{t-1} forward",
    )),
    "bidirectional": ("Bidirectional and stacked networks", (
        "forward:  h→_t = f(x_t, h→_{t-1});   backward:  h←_t = f(x_t, h←_{t+1})",
        "output at t sees both:  ŷ_t = softmax(W [h→_t ; h←_t] + b)",
        "stacked: layer l reads layer l-1's states:  h^(l)_t = f(h^(l-1)_t, h^(l)_{t-1})",
    )),
}

# ----------------------------------------------------------------------------- lessons
_ADDING_RNN = dict(task="adding", length=50, cell="rnn_tanh", hidden=(64,), layers=1, bidirectional=False,
                   init="default", recurrent_scale=1.0, optimizer="adam", lr=1e-3, batch=64, clip=1.0,
                   truncate=None, steps=2000, seed=0)

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "memory", "Memory: the hidden state as a running summary",
        Setup(tab="memory", model="brackets_lstm", text="The bank was steep, so I slid down it."),
        "The network reads one character at a time and keeps everything it knows about the past in "
        "its hidden state h_t (and, for an LSTM, its cell state c_t). Each <b>column</b> of the "
        "heatmaps is one step, each <b>row</b> one unit: red = positive, blue = negative. Hover the "
        "columns after <i>bank</i>: some rows of c_t keep their colour until <i>slid down</i> — those "
        "units carry the word forward. The rows of h_t = o_t ⊙ tanh(c_t) change more often: the output "
        "gate decides at each step how much of the memory shows. The coloured text above shows the "
        "selected unit over the sentence.",
        ("lstm",),
        "Replace the text with \"The cat sat down\": which rows look the same at \"down\", and which "
        "differ because \"bank\" is no longer in the summary? Click a row to paint that unit.",
    ),
    Lesson(
        "shapes-generate", "Sequence shapes 1: one-to-many — generate text with a temperature",
        Setup(tab="shapes", model="brackets_lstm", shape="one_to_many"),
        "One-to-many: a seed goes in, then each sampled character is fed back as the next input, so "
        "one prompt yields a whole sequence. The diagram marks which inputs and outputs are used. "
        "The temperature τ divides the logits before the softmax: low τ repeats the most likely "
        "characters, high τ takes risks.",
        ("shapes", "sampling"),
        "Generate from the seed \"print(f(\" at τ = 0.2, then at τ = 1.5: are the brackets still "
        "closed in the right order?",
    ),
    Lesson(
        "shapes-sentiment", "Sequence shapes 2: many-to-one — sentiment of a sentence",
        Setup(tab="memory", model="sentiment_lstm", text="The food was terrible but the service was amazing",
              shape="many_to_one"),
        "Many-to-one: the network reads the whole sentence and only its last state h_T is used to "
        "classify it. The P(class) panel shows what the classifier would say if the sentence ended "
        "at each word: it drops at <i>terrible</i> and climbs again at <i>amazing</i>. Only the last "
        "value counts as the answer.",
        ("shapes", "lstm"),
        "Swap the two adjectives (\"amazing … terrible\"): does the final P(positive) follow the "
        "last clause?",
    ),
    Lesson(
        "shapes-next-char", "Sequence shapes 3: many-to-many — next character at every step",
        Setup(tab="memory", model="brackets_lstm", text="print(items[len(data)])", shape="many_to_many"),
        "Many-to-many of the same length: an output at every step (here the next character; a tagger "
        "would output a label per word). The top-5 panel shows ŷ_t for the step under the cursor. "
        "Hover the ')' after <i>data</i>: the model expects ']' next, the kind of bracket still open, "
        "and after that ']' it expects ')'. Right after an opening bracket it expects an argument, "
        "not a closing bracket: something has to come first.",
        ("shapes", "lstm"),
        "Hover the last ')': every bracket is closed now. Does the model know, or does it still "
        "expect one?",
    ),
    Lesson(
        "shapes-reversal", "Sequence shapes 4: encoder-decoder — reverse a sequence",
        Setup(tab="shapes", shape="encoder_decoder"),
        "Different lengths in and out: an encoder reads the whole input and hands its final state to "
        "a decoder, which writes the output one symbol at a time, feeding each back in. The demo "
        "trains a small GRU encoder-decoder to write its input backwards; the decoder only ever sees "
        "the encoder's last state.",
        ("shapes", "gru"),
        "Train the demo, then type a longer sequence than it was trained on (8+ symbols): where do "
        "the mistakes start, at the beginning or the end of the reversed output?",
    ),
    Lesson(
        "bptt-vanishing", "Backpropagation through time and vanishing gradients (adding problem)",
        Setup(tab="training", train=dict(_ADDING_RNN), training_tab="gradients", screenshot_steps=60),
        "The adding problem: two numbers in the first half of a 50-step sequence are marked (one "
        "among the first ten steps), and the answer (their sum) is only asked for at the end, at "
        "least 25 steps later. BPTT sends dL/dh_t back from the last step; the "
        "<b>||dL/dh_t|| per step</b> plot (log scale) shows it shrinking steeply towards t = 1 in a "
        "tanh RNN — the early marked number gets almost no learning signal, and the loss stays near "
        "0.167 (always answering 1).",
        ("rnn", "bptt"),
        "Press Space to train, watch ||dL/dh_t||; then Reset, set the cell to LSTM and train again: "
        "far more gradient reaches t = 1, and after a plateau at the baseline (a thousand steps or "
        "two) the loss drops well below it. Try the LSTM with forget bias 0: at the start it passes back "
        "as little gradient as the RNN, and the loss stays at the baseline for thousands of steps.",
    ),
    Lesson(
        "exploding-clipping", "Exploding gradients and clipping",
        Setup(tab="training", train=dict(_ADDING_RNN, init="identity", recurrent_scale=1.5, clip=1.0, lr=1e-3),
              training_tab="gradients", screenshot_steps=40),
        "With W_hh = 1.5 · I the largest singular value is above 1, so backward products grow "
        "instead of shrink wherever the units are not saturated: on the <b>||dL/dh_t|| per step</b> "
        "plot the curve climbs again towards t = 1, ×1.5 per step over the first ~30 steps (the "
        "later, saturated steps still shrink it: a V on the log scale), and over the first dozen "
        "updates the <b>global gradient norm</b> is huge (tens, at times hundreds, against a clip "
        "of 1). "
        "Clipping rescales the whole gradient to the clip norm before each update — the marks on the "
        "global-norm plot show each step where it engaged. The spectrum plot shows σ_max of W_hh.",
        ("rnn", "clip"),
        "Reset, set the optimiser to SGD, the learning rate to 0.1 and clip norm to 'off', and train: "
        "the loss overflows within a few dozen steps (rnnviz pauses and restores the last finite "
        "weights). Reset and train again with clip norm 1: it stays finite. (With Adam, clipping "
        "changes little: Adam scales each update by the gradient's running size.)",
    ),
    Lesson(
        "gates-compare", "Gates to the rescue: RNN vs GRU vs LSTM on the same task",
        Setup(tab="training", train=dict(_ADDING_RNN, task="delayed_recall", length=40, lag=20, hidden=(32,),
                                         cell="lstm", steps=600),
              training_tab="compare", screenshot_steps=0),
        "Delayed recall: output the symbol seen 20 steps earlier. The compare tab trains a tanh RNN, a "
        "GRU and an LSTM on the same data with the same seed — only the cell differs. Watch the "
        "||dL/dh_t|| curves: the RNN's falls away from the loss, and in 600 steps so does the GRU's; "
        "the LSTM's stays level, because its forget gate f_t starts near 1 (forget bias 2) and opens a "
        "near-identity path through time. A GRU's update gate z_t can open the same path, but has to "
        "learn to.",
        ("rnn", "gru", "lstm"),
        "Press 'Train all three', then type the lags 5, 10, 20, 40 into the Sweep box and run it: at "
        "which lag does each cell fall to chance (1 in 8)?",
    ),
    Lesson(
        "gates-cell-state", "Gates to the rescue: forget gates near 1 and the cell-state path",
        Setup(tab="memory", compare=True, text="f((a + [b * c]) - d)"),
        "The same text through a trained RNN, GRU and LSTM, side by side: each column shows h_t and, "
        "below it, what decides how much memory survives a step. In the LSTM column many rows of the "
        "forget gate f_t are yellow (near 1): those units of the cell state are copied forward almost "
        "unchanged — the cell-state path (the cell state itself is not drawn here). The GRU's update "
        "gate z_t is mostly dark (near 0, h_t is rewritten), with a few yellow cells where it keeps "
        "the old h_t. The plain RNN has no gate: its pre-activation is new at every step.",
        ("lstm", "gru", "cell_path"),
        "Choose View ▸ Find the unit that tracks bracket depth: each column marks the unit of h_t that "
        "follows the depth best, with its r. Which cell has a clear counter in h_t, and where does the "
        "status bar say the LSTM keeps its count? Add more nested brackets and watch the marked rows.",
    ),
    Lesson(
        "bidirectional", "Bidirectional networks: a task where the future matters",
        Setup(tab="shapes", shape="bidirectional"),
        "Some outputs depend on what comes <i>later</i> (a word's role in a sentence, whether a bracket "
        "is ever closed). The demo asks for the symbol two steps ahead at every step. A forward-only "
        "GRU cannot know it and stays at chance (25%); a bidirectional GRU runs a second network "
        "backwards in time and concatenates [h→_t ; h←_t], so each output sees both sides — its "
        "accuracy climbs to 100%.",
        ("bidirectional", "gru"),
        "Press Train in the look-ahead demo and compare the two curves. Why is the forward network "
        "exactly at chance, not a little above?",
    ),
    Lesson(
        "deep", "Deep (stacked) networks: what each layer sees",
        Setup(tab="memory", model="brackets_lstm", layer=1, text="say(\"a (b\") + f([x, (y + z)])"),
        "brackets_lstm stacks two LSTM layers: layer 1 reads the characters, layer 2 reads layer 1's "
        "h_t. The heatmaps now show the <b>top</b> layer (2 of 2). Compare it with the bottom layer: "
        "lower layers tend to react to single characters, higher ones to structure — depth inside "
        "brackets, being inside a string.",
        ("lstm", "bidirectional"),
        "Switch layers with Ctrl+[ and Ctrl+] (or the Layer box): which layer has a unit of c_t that "
        "climbs while brackets are open and drops at each ')'? View ▸ Find the unit that tracks "
        "bracket depth checks your answer. Does that unit count the '(' inside the quotes?",
    ),
)

LESSON_IDS = tuple(lesson.id for lesson in LESSONS)


def get_lesson(lesson_id: str) -> Lesson:
    """The lesson called ``lesson_id``; KeyError naming the known ids otherwise."""
    for lesson in LESSONS:
        if lesson.id == lesson_id:
            return lesson
    raise KeyError(f"no lesson {lesson_id!r}; the lessons are: {', '.join(LESSON_IDS)}")


def equations_text(keys) -> str:
    """Plain-text rendering of the equation blocks ``keys`` (for the command line and tests)."""
    out = []
    for key in keys:
        title, lines = EQUATIONS[key]
        out.append(title)
        out.extend("    " + line.replace("\t", "    ") for line in lines)
    return "\n".join(out)
