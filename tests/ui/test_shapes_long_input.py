"""A long input to the encoder-decoder demo neither widens the window nor keeps it wide."""
import pytest

from rnnviz.ui.main_window import MainWindow

SCREEN = (1366, 768)


@pytest.fixture
def shapes_window(qtbot, models_dir):
    """The main window at 1366 x 768 on the Sequence shapes tab."""
    w = MainWindow(models_dir=models_dir)
    qtbot.addWidget(w)
    w.resize(*SCREEN)
    w.show()
    qtbot.waitExposed(w)
    w.actions.trigger("view.shapes")
    qtbot.wait(50)
    yield w
    w.shapes.shutdown()
    w.close()


@pytest.mark.parametrize("length", [128, 256])
def test_pasted_long_input_keeps_the_window_on_screen(qtbot, shapes_window, length):
    demo = shapes_window.shapes.reversal
    demo.input_edit.selectAll()
    demo.input_edit.insert("ABCDEFGH" * (length // 8))  # a paste: one edit
    qtbot.wait(100)
    hint = shapes_window.minimumSizeHint()
    assert hint.width() <= SCREEN[0] and hint.height() <= SCREEN[1]
    assert shapes_window.width() == SCREEN[0]
    text = demo.output_label.text()
    assert f"/{length} right" in text  # the score still counts every symbol
    assert "more)" in text  # the letters past the first ones are cut, and it says so


def test_window_keeps_its_width_after_the_input_is_shortened(qtbot, shapes_window):
    demo = shapes_window.shapes.reversal
    demo.input_edit.setText("ABCDEFGH" * 32)
    qtbot.wait(100)
    demo.input_edit.setText("ABC")
    qtbot.wait(100)
    assert shapes_window.width() == SCREEN[0]
    assert "the answer is CBA" in demo.output_label.text()
