"""View › Find the unit that tracks …: search the model's memory for a property of the text
(:mod:`rnnviz.analysis.unit_search`) and show that unit in the live panel.

Each find searches afresh (about 70 ms for the default model): the weights of the model shown
can change in place (File › Import PyTorch Weights…), so a result is never reused.

One action per feature (``view.find_unit.bracket_depth``, ``view.find_unit.inside_quote``),
enabled when the current model can read the feature (a character model whose vocabulary holds
brackets or quotes) and the window is not in compare mode. Finding a unit switches the layer
and direction selectors to its layer, selects it (the text is coloured by it and the line plot
shows it, named with what it tracks and how well) and says the result in the status bar.
"""
from __future__ import annotations

from rnnviz.analysis import unit_search
from rnnviz.analysis.unit_search import UnitMatch
from rnnviz.errors import RnnvizError


class UnitFinder:
    """The Find-unit actions of a :class:`~rnnviz.ui.main_window.MainWindow`."""

    def __init__(self, window) -> None:
        self.window = window
        for feature in unit_search.FEATURES.values():
            window.actions.add(
                self.action_id(feature.id), f"Find the unit that tracks {feature.name}",
                slot=lambda f=feature.id: self.find(f),
                tip=f"Search every unit of h and c for the one whose value follows {feature.name} "
                    f"over a generated text, and show it")

    @staticmethod
    def action_id(feature_id: str) -> str:
        """The id of the action that finds the unit of ``feature_id``."""
        return f"view.find_unit.{feature_id}"

    def action_ids(self) -> list[str]:
        """The ids of all Find-unit actions, in menu order."""
        return [self.action_id(f) for f in unit_search.FEATURES]

    def can_find(self, feature_id: str) -> bool:
        """Whether the current model and mode allow a search for ``feature_id``."""
        w = self.window
        return (w.model is not None and not w.compare_mode
                and any(f.id == feature_id for f in unit_search.searchable_features(w.model)))

    def refresh(self) -> None:
        """Enable the actions the current model and mode allow."""
        for feature_id in unit_search.FEATURES:
            self.window.actions[self.action_id(feature_id)].setEnabled(self.can_find(feature_id))

    def find(self, feature_id: str) -> UnitMatch | None:
        """Find and show the unit of the current model that tracks ``feature_id``; None (and a
        status message) when it cannot be searched."""
        w = self.window
        if w.model is None or w.compare_mode:
            w.show_message("Finding a unit works on the model of the Memory tab, not in compare mode.")
            return None
        try:
            match = unit_search.find_unit(w.model, feature_id)
        except RnnvizError as exc:
            w.show_message(f"Cannot find a unit: {exc}")
            return None
        w.set_layer_direction(match.layer, match.direction)
        w.live.select_unit(match.key, match.unit, note=match.note())
        w.show_message(match.describe())
        return match
