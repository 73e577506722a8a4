"""Data layer (NumPy only, never Qt or torch): tokenisers, synthetic tasks, corpora, batching.

Arrays are time-major: inputs ``(T, B, D)`` or ids ``(T, B)``. Bad input raises
:class:`rnnviz.errors.RnnvizError` naming the argument or field.
"""
from rnnviz.data.batching import lm_batches, pad_sequences, train_val_split
from rnnviz.data.corpora import (
    ANCHOR_SENTENCES,
    bracket_depth_of,
    bracket_quote_corpus,
    char_lm_text,
    inside_quote_of,
    sentiment_sentences,
)
from rnnviz.data.tasks import (
    BRACKET_ALPHABET,
    TARGET_KINDS,
    TASKS,
    Batch,
    adding_problem,
    bracket_depth,
    bracket_depth_targets,
    delayed_recall,
    make_task,
    sequence_reversal,
    sine_prediction,
    task_params,
)
from rnnviz.data.tokenize import UNK, CharTokenizer, WordTokenizer, tokenizer_from_config

__all__ = [
    "lm_batches", "pad_sequences", "train_val_split",
    "ANCHOR_SENTENCES", "bracket_depth_of", "bracket_quote_corpus", "char_lm_text",
    "inside_quote_of", "sentiment_sentences",
    "BRACKET_ALPHABET", "TARGET_KINDS", "TASKS", "Batch", "adding_problem", "bracket_depth",
    "bracket_depth_targets", "delayed_recall", "make_task", "sequence_reversal",
    "sine_prediction", "task_params",
    "UNK", "CharTokenizer", "WordTokenizer", "tokenizer_from_config",
]
