"""Data layer (NumPy only, never Qt or torch): tokenisers, synthetic tasks, corpora, batching."""
from rnnviz.data.tasks import (
    BRACKET_ALPHABET,
    TASKS,
    Batch,
    adding_problem,
    bracket_depth,
    delayed_recall,
    make_task,
    sequence_reversal,
    sine_prediction,
)
from rnnviz.data.tokenize import CharTokenizer, WordTokenizer, tokenizer_from_config

__all__ = [
    "BRACKET_ALPHABET", "TASKS", "Batch", "adding_problem", "bracket_depth", "delayed_recall",
    "make_task", "sequence_reversal", "sine_prediction",
    "CharTokenizer", "WordTokenizer", "tokenizer_from_config",
]
