"""Small text corpora the repository composes itself (no downloads, no copied text).

Everything is generated from templates and word lists with ``np.random.default_rng(seed)``,
so the same seed always gives the same text.

- :func:`bracket_quote_corpus`: pseudo-code and prose lines with nested ``( [ {`` brackets up to
  depth 4 and double-quoted strings, for a character language model whose units can learn to
  track bracket depth and "inside a quote" (Karpathy et al. 2015, *Visualizing and
  Understanding Recurrent Networks*). :func:`bracket_depth_of` and :func:`inside_quote_of`
  give the per-character ground truth for finding those units.
- :func:`sentiment_sentences`: labelled sentences (1 positive, 0 negative) with negations and
  "but" contrasts whose label follows the clause after "but".
- :func:`char_lm_text`: a ~200k-character mix of both for the default language model.

Text is lower-case for sentences, with punctuation separated by spaces (``"steep , so"``), so
:class:`rnnviz.data.tokenize.WordTokenizer` and the sentences agree token for token.
"""
from __future__ import annotations

import numpy as np

from rnnviz.data._checks import check_int, check_text

MAX_CORPUS_CHARS = 20_000_000

OPEN_BRACKETS = "([{"
CLOSE_BRACKETS = ")]}"
QUOTE = '"'

# ---- word lists -------------------------------------------------------------------------

NOUNS = ("food", "service", "movie", "staff", "room", "hotel", "waiter", "meal", "music",
         "plot", "acting", "coffee", "pizza", "view", "price", "bed", "show", "book")
POSITIVE_ADJECTIVES = ("amazing", "great", "good", "excellent", "wonderful", "delicious",
                       "friendly", "lovely", "fantastic", "perfect")
NEGATIVE_ADJECTIVES = ("terrible", "awful", "bad", "horrible", "rude", "disgusting", "boring",
                       "dirty", "bland", "poor")
INTENSIFIERS = ("", "", "really ", "very ", "so ", "quite ")
POSITIVE_VERBS = ("love", "like", "enjoy")
NEGATIVE_VERBS = ("hate", "dislike")
GERUNDS = ("eating", "cooking", "reading", "waiting", "walking", "swimming", "travelling",
           "dancing", "singing")
POSITIVE_CONSEQUENCES = ("came back", "stayed late", "told my friends", "went again",
                         "left a big tip")
NEGATIVE_CONSEQUENCES = ("left early", "asked for a refund", "never went back", "complained",
                         "walked out")
PLACES = ("bank", "hill", "path", "road", "slope", "roof", "river")
FEATURES = ("steep", "icy", "wet", "muddy", "narrow", "slippery")
MISHAPS = ("slid down it", "fell off it", "turned back", "got hurt")

#: Sentences every corpus of at least 4 sentences contains (with these labels).
ANCHOR_SENTENCES = (
    ("the food was terrible but the service was amazing", 1),
    ("the bank was steep , so i slid down it .", 0),
    ("i love eating", 1),
    ("the service was amazing but the food was terrible", 0),
)

# code vocabulary
_NAMES = ("x", "y", "i", "j", "total", "count", "items", "name", "value", "data", "result",
          "node", "key", "size", "left", "right", "text")
_FUNCS = ("print", "len", "sum", "max", "min", "sorted", "get", "add", "map", "filter",
          "range", "join", "parse", "load")
_OPS = (" + ", " - ", " * ", " / ", " == ", " < ", " > ", " and ", " or ")
_STRING_WORDS = ("hello", "world", "ok", "done", "error", "not found", "yes", "no", "the",
                 "food", "was", "good", "a", "b", "value", "is", "empty", "ready", "start",
                 "end", "i", "said", "it", "loved", "name", "missing", "file", "saved")
_STRING_PUNCT = ("", "", "", ".", "!", "?", ":", ",")
_PROSE_SUBJECTS = ("she", "he", "they", "the teacher", "my friend", "the waiter", "someone")
_PROSE_VERBS = ("said", "asked", "wrote", "shouted", "whispered", "replied")
_PROSE_TAILS = ("and left", "and smiled", "twice", "again", "quietly", "to nobody")
_ASIDES = ("mostly", "as usual", "for once", "see above", "or so", "maybe", "at least once")


def _pick(rng: np.random.Generator, seq):
    return seq[int(rng.integers(len(seq)))]


# ---- bracket / quote corpus ------------------------------------------------------------

def _string_literal(rng) -> str:
    words = [_pick(rng, _STRING_WORDS) for _ in range(int(rng.integers(1, 5)))]
    return QUOTE + " ".join(words) + _pick(rng, _STRING_PUNCT) + QUOTE


def _atom(rng) -> str:
    u = rng.random()
    if u < 0.45:
        return _pick(rng, _NAMES)
    if u < 0.7:
        return str(int(rng.integers(0, 100)))
    return _string_literal(rng)


def _expr(rng, depth: int, max_depth: int) -> str:
    """An expression whose brackets nest at most ``max_depth - depth`` further levels."""
    if depth >= max_depth or rng.random() < 0.3 + 0.1 * depth:
        return _atom(rng)

    def args(k_max=3):
        return ", ".join(_expr(rng, depth + 1, max_depth) for _ in range(int(rng.integers(1, k_max + 1))))

    u = rng.random()
    if u < 0.35:
        return f"{_pick(rng, _FUNCS)}({args()})"
    if u < 0.55:
        return f"[{args()}]"
    if u < 0.7:
        pairs = ", ".join(f"{_string_literal(rng)}: {_expr(rng, depth + 1, max_depth)}"
                          for _ in range(int(rng.integers(1, 3))))
        return "{" + pairs + "}"
    if u < 0.85:
        return f"{_pick(rng, _NAMES)}[{_expr(rng, depth + 1, max_depth)}]"
    return f"({_expr(rng, depth + 1, max_depth)}{_pick(rng, _OPS)}{_expr(rng, depth + 1, max_depth)})"


def _code_line(rng, max_depth: int = 4) -> str:
    u = rng.random()
    e = _expr(rng, 0, max_depth)
    if u < 0.35:
        return f"{_pick(rng, _NAMES)} = {e}"
    if u < 0.55:
        return f"print({_expr(rng, 1, max_depth)})"
    if u < 0.7:
        return f"return {e}"
    if u < 0.85:
        cond = _expr(rng, 1, max_depth - 1)
        return f"if ({cond}) {{ {_pick(rng, _NAMES)} = {_expr(rng, 1, max_depth)} }}"
    return f"for {_pick(rng, ('i', 'j', 'k'))} in range({_expr(rng, 1, max_depth)}):"


def _prose_line(rng) -> str:
    subject = _pick(rng, _PROSE_SUBJECTS)
    line = f"{subject} {_pick(rng, _PROSE_VERBS)} {_string_literal(rng)}"
    u = rng.random()
    if u < 0.4:
        line += f" ({_pick(rng, _ASIDES)})"
    elif u < 0.6:
        line += f" ({_pick(rng, _ASIDES)} [{_pick(rng, _ASIDES)}])"
    elif u < 0.7:
        line += f" ({_pick(rng, _ASIDES)} [or {{{_pick(rng, _ASIDES)}}}])"
    return f"{line} {_pick(rng, _PROSE_TAILS)}."


def _bracket_quote_line(rng) -> str:
    return _code_line(rng) if rng.random() < 0.7 else _prose_line(rng)


def _fill(n_chars: int, next_line) -> str:
    parts, total = [], 0
    while total < n_chars:
        line = next_line() + "\n"
        parts.append(line)
        total += len(line)
    return "".join(parts)[:n_chars]


def bracket_quote_corpus(n_chars: int, seed: int) -> str:
    """A corpus of exactly ``n_chars`` characters: pseudo-code and prose lines.

    Lines are balanced: brackets ``( [ {`` nest up to depth 4 within a line and double-quoted
    strings (which contain no brackets or quotes) never span lines. Only the cut at
    ``n_chars`` may leave the last line unbalanced. Deterministic in ``seed`` (int >= 0).
    """
    n_chars = check_int("n_chars", n_chars, minimum=1, maximum=MAX_CORPUS_CHARS)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    return _fill(n_chars, lambda: _bracket_quote_line(rng))


def bracket_depth_of(text: str) -> np.ndarray:
    """Bracket nesting depth after each character of ``text``: int64 ``(len(text),)``.

    ``( [ {`` add one and ``) ] }`` subtract one (never below 0); all bracket kinds share one
    counter; brackets inside double quotes (see :func:`inside_quote_of`) do not count. An opening
    bracket carries the new depth, a closing bracket the depth after it closes.
    """
    check_text("text", text)
    quoted = inside_quote_of(text)
    out = np.empty(len(text), dtype=np.int64)
    depth = 0
    for i, ch in enumerate(text):
        if not quoted[i] and ch != QUOTE:
            if ch in OPEN_BRACKETS:
                depth += 1
            elif ch in CLOSE_BRACKETS and depth > 0:
                depth -= 1
        out[i] = depth
    return out


def inside_quote_of(text: str) -> np.ndarray:
    """Whether each character of ``text`` is inside a double-quoted string: bool ``(len(text),)``.

    The state after reading each character: an opening ``"`` is True, the characters up to the
    closing ``"`` are True, the closing ``"`` is False. A newline ends an unterminated string.
    """
    check_text("text", text)
    out = np.zeros(len(text), dtype=bool)
    inside = False
    for i, ch in enumerate(text):
        if ch == QUOTE:
            inside = not inside
        elif ch == "\n":
            inside = False
        out[i] = inside
    return out


# ---- sentiment sentences ---------------------------------------------------------------

def _adj(rng, positive: bool) -> str:
    return _pick(rng, POSITIVE_ADJECTIVES if positive else NEGATIVE_ADJECTIVES)


def _clause(rng, positive: bool, noun: str | None = None) -> str:
    """'the <noun> was <adj>' with the given polarity, sometimes via negation."""
    noun = noun or _pick(rng, NOUNS)
    if rng.random() < 0.25:
        return f"the {noun} was not {_adj(rng, not positive)}"
    return f"the {noun} was {_pick(rng, INTENSIFIERS)}{_adj(rng, positive)}"


def _sentiment_sentence(rng, label: int) -> str:
    pos = bool(label)
    kind = int(rng.integers(6))
    if kind <= 1:
        return _clause(rng, pos)
    if kind == 2:  # two clauses: the label follows the second one
        n1, n2 = rng.choice(len(NOUNS), size=2, replace=False)
        # Half the "but" sentences contrast, half do not ("... was dirty but the staff was rude"),
        # so "but" alone does not give the answer away: a model has to read the last clause,
        # and its prediction visibly swings at the second adjective.
        first = (not pos) if rng.random() < 0.5 else pos
        sep = _pick(rng, (" but ", " , but ")) if first != pos or rng.random() < 0.6 else " and "
        return _clause(rng, first, NOUNS[n1]) + sep + _clause(rng, pos, NOUNS[n2])
    if kind == 3:
        if pos:
            return f"i {_pick(rng, POSITIVE_VERBS)} {_pick(rng, GERUNDS + tuple('the ' + n for n in NOUNS))}"
        if rng.random() < 0.5:
            return f"i {_pick(rng, NEGATIVE_VERBS)} {_pick(rng, GERUNDS + tuple('the ' + n for n in NOUNS))}"
        return f"i do not {_pick(rng, POSITIVE_VERBS)} the {_pick(rng, NOUNS)}"
    if kind == 4:
        cons = _pick(rng, POSITIVE_CONSEQUENCES if pos else NEGATIVE_CONSEQUENCES)
        return f"the {_pick(rng, NOUNS)} was {_adj(rng, pos)} , so i {cons} ."
    place, feature = _pick(rng, PLACES), _pick(rng, FEATURES)
    if pos:
        return f"the {place} was {feature} , but i climbed it and loved it ."
    return f"the {place} was {feature} , so i {_pick(rng, MISHAPS)} ."


def sentiment_sentences(n: int, seed: int) -> list[tuple[str, int]]:
    """``n`` (sentence, label) pairs, label 1 positive / 0 negative, in shuffled order.

    Labels are balanced: ``(n + 1) // 2`` positive and ``n // 2`` negative. Templates: plain
    ("the food was great"), negated ("the room was not dirty"), contrasts where the label follows
    the clause after "but" ("the food was terrible but the service was amazing" -> 1),
    "i love eating"-style, "... , so i ..." consequences and scenes ("the bank was steep , so i
    slid down it ." -> 0). When ``n >= 4`` all of :data:`ANCHOR_SENTENCES` are included.
    Deterministic in ``seed`` (int >= 0).
    """
    n = check_int("n", n, minimum=1, maximum=10_000_000)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    anchors = list(ANCHOR_SENTENCES[:n])
    n_pos = (n + 1) // 2 - sum(lab for _, lab in anchors)
    n_neg = n // 2 - sum(1 - lab for _, lab in anchors)
    labels = np.array([1] * n_pos + [0] * n_neg, dtype=np.int64)
    rng.shuffle(labels)
    pairs = anchors + [(_sentiment_sentence(rng, int(lab)), int(lab)) for lab in labels]
    order = rng.permutation(n)
    return [pairs[i] for i in order]


# ---- default language-model text -------------------------------------------------------

def char_lm_text(seed: int = 0, n_chars: int = 200_000) -> str:
    """About 200k characters (exactly ``n_chars``) for the default character language model.

    Lines are drawn from the bracket/quote corpus (60%) and from sentiment sentences (40%), so
    the model sees nested brackets, quoted strings and the demo sentences' vocabulary.
    Deterministic in ``seed``.
    """
    n_chars = check_int("n_chars", n_chars, minimum=1, maximum=MAX_CORPUS_CHARS)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    anchors = [s for s, _ in ANCHOR_SENTENCES]

    def line():
        if anchors:
            return anchors.pop(0)
        if rng.random() < 0.6:
            return _bracket_quote_line(rng)
        return _sentiment_sentence(rng, int(rng.integers(2)))

    return _fill(n_chars, line)
