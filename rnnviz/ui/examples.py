"""Example texts for the Examples menu: each shows one behaviour of a shipped model.

``model`` names the model the example is meant for (None: keep the current model);
``unit_feature`` names a feature of :mod:`rnnviz.analysis.unit_search` whose unit the example
shows (found and selected when the model can read it). Examples are plain data (no Qt) so
lessons, tests and the command line can share them.
"""
from __future__ import annotations

from dataclasses import dataclass

from rnnviz.resources import DEFAULT_MODEL, SENTIMENT_MODEL


@dataclass(frozen=True)
class Example:
    title: str        # menu entry
    text: str         # what is typed into the text box
    model: str | None  # preferred model name, or None for the current one
    hint: str         # one sentence: what to look at
    unit_feature: str | None = None  # select the unit that tracks this feature (unit_search id)

    @property
    def action_id(self) -> str:
        return f"examples.{EXAMPLES.index(self)}"


EXAMPLES: list[Example] = [
    Example("Memory: 'The bank was steep…'", "The bank was steep, so I slid down it.", None,
            "Hover the steps after 'bank': which rows of the cell state c keep their colour until "
            "'slid down'? Those units carry the word forward. Do the rows of h hold it as well?"),
    Example("Prediction: 'I love eating'", "I love eating", None,
            "Hover the last token: the top-5 panel shows what a language model expects next "
            "(brackets_lstm: the end of the line, ⏎); a classifier shows P(class) instead."),
    Example("Sentiment swing: food / service",
            "The food was terrible but the service was amazing", SENTIMENT_MODEL,
            "P(positive) drops at 'terrible' and climbs again at 'amazing'."),
    Example("Sentiment: negative then positive", "The plot was boring but the acting was great",
            SENTIMENT_MODEL, "P(positive) sinks at 'boring' and climbs back at 'great', after 'but': "
            "the last clause decides."),
    Example("Sentiment: positive then negative", "The room was lovely but the staff was rude",
            SENTIMENT_MODEL, "P(positive) is near 1 after 'lovely', falls at 'but' and ends near 0 at "
            "'rude': the clause after 'but' decides."),
    Example("Brackets: nested", "f(a, (b + c) * [d - (e / 2)]) + g([x, (y)])", DEFAULT_MODEL,
            "View \u25b8 Find the unit that tracks bracket depth (done for you when the model can): "
            "it rises inside brackets, the more the deeper they nest, and falls as they close.",
            unit_feature="bracket_depth"),
    Example("Brackets: deep nesting", "((((a))) + [[b]] + {(c)})", DEFAULT_MODEL,
            "The unit that tracks bracket depth (View \u25b8 Find …) climbs through '((((' and comes "
            "back down as they close.", unit_feature="bracket_depth"),
    Example("Quotes", 'x = "ok" + "not found" and print("done", "error")', DEFAULT_MODEL,
            "The unit that tracks being inside a quote (View \u25b8 Find …) flips at every '\"': one "
            "colour inside the quotes, the other outside. Then add print(\"hello (world)\"): the model "
            "never saw a bracket inside a quote, and the unit flips at the '(' as if the quote had closed.",
            unit_feature="inside_quote"),
    Example("Unclosed bracket", "print(data[key", DEFAULT_MODEL,
            "At the end the top-5 panel expects the closing ']' first, not ')': the innermost open "
            "bracket is a '['. Type ']' and it expects ')' next."),
]


def starter_for(model_name: str) -> Example | None:
    """The example a window showing ``model_name`` opens on: the first one meant for that
    model, else the first one meant for any model."""
    for ex in EXAMPLES:
        if ex.model == model_name:
            return ex
    return next((ex for ex in EXAMPLES if ex.model is None), None)


def example_by_id(action_id: str) -> Example:
    """The example of an action id ``examples.<n>``."""
    prefix = "examples."
    if not action_id.startswith(prefix) or not action_id[len(prefix):].isdigit():
        raise KeyError(action_id)
    return EXAMPLES[int(action_id[len(prefix):])]
