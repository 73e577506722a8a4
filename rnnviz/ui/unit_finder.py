"""View › Find the unit that tracks …: search the model's memory for a property of the text
(:mod:`rnnviz.analysis.unit_search`) and show that unit in the live panel, or in compare mode
in every column.

A search takes about 70 ms for the default model;
:func:`~rnnviz.analysis.unit_search.find_units` remembers it by a digest of the model (weights,
cell, tokenizer), so a repeat (an Examples click, the menu again) takes about 2 ms, and weights
changed in place (File › Import PyTorch Weights…) are searched afresh.

One action per feature (``view.find_unit.bracket_depth``, ``view.find_unit.inside_quote``),
enabled when the model shown can read the feature (a character model whose vocabulary holds
brackets or quotes). Finding a unit switches the layer and direction selectors to its layer,
selects it (the text is coloured by it and the line plot shows it, named with what it tracks
and how well) and says the result in the status bar.

In compare mode the search covers what the columns show, h of the first layer (forward), of
every model: each column's best unit is highlighted in its h heatmap and the status bar
compares them, adding an LSTM's cell state c when that tracks the feature better (on the
shipped trio: no clear bracket counter in the plain RNN, one in the GRU's h and the LSTM's c).
"""
from __future__ import annotations

from rnnviz.analysis import unit_search
from rnnviz.analysis.unit_search import UnitMatch
from rnnviz.errors import RnnvizError
from rnnviz.ui.compare_view import CELL_TITLES


class UnitFinder:
    """The Find-unit actions of a :class:`~rnnviz.ui.main_window.MainWindow`."""

    def __init__(self, window) -> None:
        self.window = window
        for feature in unit_search.FEATURES.values():
            window.actions.add(
                self.action_id(feature.id), f"Find the unit that tracks {feature.name}",
                slot=lambda f=feature.id: self.find(f),
                tip=f"Search every unit of h and c for the one whose value follows {feature.name} "
                    f"over generated texts, and show it (in compare mode: h of each model shown)")

    @staticmethod
    def action_id(feature_id: str) -> str:
        """The id of the action that finds the unit of ``feature_id``."""
        return f"view.find_unit.{feature_id}"

    def action_ids(self) -> list[str]:
        """The ids of all Find-unit actions, in menu order."""
        return [self.action_id(f) for f in unit_search.FEATURES]

    def can_find(self, feature_id: str) -> bool:
        """Whether a model shown (in compare mode: any column's) can be searched for ``feature_id``."""
        w = self.window
        models = [p.model for p in w.compare.panels] if w.compare_mode else [w.model]
        return any(m is not None and any(f.id == feature_id for f in unit_search.searchable_features(m))
                   for m in models)

    def refresh(self) -> None:
        """Enable the actions the current model and mode allow."""
        for feature_id in unit_search.FEATURES:
            self.window.actions[self.action_id(feature_id)].setEnabled(self.can_find(feature_id))

    def find(self, feature_id: str) -> UnitMatch | None:
        """Find and show the unit of the current model that tracks ``feature_id``; None (and a
        status message) when it cannot be searched. In compare mode: :meth:`find_in_compare`,
        and None."""
        w = self.window
        if w.compare_mode:
            self.find_in_compare(feature_id)
            return None
        if w.model is None:
            w.show_message("Open a model first: there is no unit to find.")
            return None
        try:
            match = unit_search.find_unit(w.model, feature_id)
        except RnnvizError as exc:
            w.show_message(f"Cannot find a unit: {exc}")
            return None
        with w.live.one_redraw():  # the layer and the unit: one redraw, not two
            w.set_layer_direction(match.layer, match.direction)
            w.live.select_unit(match.key, match.unit, note=match.note())
        w.show_message(match.describe())
        w.note_claim()  # the window clears that message once another layer, unit or model shows
        return match

    def find_in_compare(self, feature_id: str) -> list[UnitMatch | None]:
        """In compare mode: the unit of h (first layer, forward: what the columns show) of each
        column's model that tracks ``feature_id`` (None for a model that cannot read it),
        highlighted in its heatmap, and a status message comparing them."""
        w = self.window
        feature = unit_search.FEATURES[feature_id]
        matches, parts = [], []
        for p in w.compare.panels:
            try:  # an LSTM's memory may sit in the cell state, which no column shows
                found = unit_search.find_units(p.model, feature_id, keys=("h", "c"),
                                               layers=(0,), directions=(0,))
            except RnnvizError:
                found = {}
            m = found.get("h")
            matches.append(m)
            name = CELL_TITLES[p.family]
            if m is None:
                parts.append(f"{name}: cannot read it")
                continue
            if m.clear:
                parts.append(f"{name}: unit {m.unit} (r = {m.correlation:+.2f})")
            else:
                parts.append(f"{name}: no clear unit (closest: unit {m.unit}, r = {m.correlation:+.2f})")
            in_c = found.get("c")
            if in_c is not None and in_c.clear and abs(in_c.correlation) > abs(m.correlation):
                parts[-1] += (f", {'and' if m.clear else 'but'} in its cell state c: unit {in_c.unit} "
                              f"(r = {in_c.correlation:+.2f})")
        w.compare.select_units([m.unit if m is not None else None for m in matches],
                               [f"unit {m.unit} {m.note()}" if m is not None else "" for m in matches])
        w.show_message(f"The unit of h that tracks {feature.name} \u2014 " + "; ".join(parts) + ".")
        return matches
