"""Training panel: a run that meets a problem with its data while training (here a text too
short to hold out one validation sequence, which Start cannot see without reading the file)
pauses with its weights and its steps; the banner says "Training paused: <the problem>." as an
error, and Start tries the data again. The worker reports it as ``paused_for_data`` (not a
``failed`` message the panel would have to parse)."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from rnnviz.errors import DataError
from rnnviz.training.loop import build_model, validation_batch
from tests.ui._training_helpers import TIMEOUT, tiny

ERROR_BACKGROUND = "#fde2d8"   # the banner's error style
SENTENCE = "the quick brown fox jumps over the lazy dog. "


# ``panel``: the fixture of tests/ui/conftest.py


def test_a_data_problem_met_while_training_pauses_the_run_with_its_steps(qtbot, panel, tmp_path):
    book, twin = tmp_path / "book.txt", tmp_path / "twin.txt"
    book.write_text(SENTENCE * 3)    # too short to validate on at length 40
    twin.write_text(SENTENCE * 60)   # the same characters: the same vocabulary
    config = tiny(task="text", corpus=str(book), length=40, batch=4, steps=400)
    model = build_model(config.replace(corpus=str(twin)))
    weights = model.state_dict()
    panel.adopt_run(config, model, start_step=3)  # as a project's run, opened
    assert panel.state() == "paused" and panel.steps_trained() == 3
    assert panel.data_refusal(config) is None     # Start cannot tell before reading the file
    shown, states = [], []
    panel.message.connect(shown.append)
    panel.state_changed.connect(states.append)

    for attempt in (1, 2):  # the second Start reads the data again, and pauses again
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
        assert panel.state() == "running" and panel.banner_text() == ""
        qtbot.waitUntil(lambda: panel.state() == "paused" and panel.banner_text() != "", timeout=TIMEOUT)
        with pytest.raises(DataError) as short:
            validation_batch(config)
        expected = f"Training paused: {short.value}."
        assert "the validation text has 6 tokens" in expected, expected
        assert panel.banner_text() == expected
        assert shown == [expected] * attempt and states == ["running", "paused"] * attempt
        assert ERROR_BACKGROUND in panel.banner.styleSheet()
        assert panel.worker.state == "paused" and panel.worker.controls.paused
        assert panel.steps_trained() == 3 and len(panel.history) == 0
        assert panel.action("training.start").text() == "Resume"
        for k, v in weights.items():
            np.testing.assert_array_equal(panel.worker.model.params[k], v)
