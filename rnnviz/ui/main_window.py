"""The rnnviz main window: type a sentence, watch the memory.

Layout: a toolbar (model, layer, direction, compare mode), the text box (focused at start),
then either the live panel (:class:`~rnnviz.ui.live_view.LiveView`) or, in compare mode, the
RNN/GRU/LSTM columns (:class:`~rnnviz.ui.compare_view.CompareView`). Every keystroke goes to
the visible panel, which coalesces bursts into one run and one redraw.

All actions come from :mod:`rnnviz.ui.actions` (ids like ``"file.quit"``, ``"view.compare"``,
``"examples.2"``). Errors (a bad model file, a missing model) go to the status bar; the
previous state is kept.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication, QComboBox, QFileDialog, QLabel, QMainWindow, QMessageBox, QPlainTextEdit,
    QSizePolicy, QStackedWidget, QStyle, QStyleOptionComboBox, QStylePainter, QTabWidget, QToolBar,
    QVBoxLayout, QWidget,
)

from rnnviz import resources
from rnnviz.errors import RnnvizError
from rnnviz.ui import settings
from rnnviz.ui.actions import ActionRegistry
from rnnviz.ui.compare_view import CompareView
from rnnviz.ui.examples import EXAMPLES, Example, starter_for
from rnnviz.ui.live_view import LiveView, direction_name, is_language_model
from rnnviz.ui.unit_finder import UnitFinder

#: the window's first size (later starts restore the last one): tall enough for six heatmaps
#: without scrolling; on a smaller screen the window system shrinks it and the heatmaps scroll
DEFAULT_SIZE = (1400, 975)
#: the prefix of the model selector's item data of a model of this session, with no file (a
#: training run's, or one whose weights were imported): each such model has its own entry,
#: ``f"{SESSION_ITEM}:{n}"`` (see :func:`is_session_item`)
SESSION_ITEM = "rnnviz:model-of-this-session"
SESSION_TIP = "{name}: a model of this session, not saved to a file (File > Save Model As saves it)"
TEXT_TOOLTIP = ("Type or paste text here. Every keystroke re-runs the model from the first "
                "changed token and updates every view below.")
MODEL_COMBO_TIP = "The model that reads the text (files in resources/models, and models of this session)"
NO_MODELS = ("No models found in {folder}. Train one with 'rnnviz train ... --out "
             "resources/models/NAME.npz' or open a model file with File \u25b8 Open model\u2026")


def is_session_item(data) -> bool:
    """Whether ``data`` (a model selector entry's item data) names a model of this session."""
    return isinstance(data, str) and data.startswith(SESSION_ITEM + ":")


def unique_text(text: str, taken) -> str:
    """``text``, or ``text (2)``, ``text (3)``, ... : the first not in ``taken``."""
    taken = set(taken)
    if text not in taken:
        return text
    n = 2
    while f"{text} ({n})" in taken:
        n += 1
    return f"{text} ({n})"


class ModelCombo(QComboBox):
    """The model selector: as wide as the name of the model chosen (``code (tanh RNN), step
    300``), between :attr:`MIN_CHARS` and :attr:`MAX_CHARS` average characters; a longer name
    is cut in the middle (its end, the step, stays). Its list is as wide as its longest name (up
    to :attr:`MAX_POPUP_CHARS`); every entry's tooltip (and the selector's, for the one chosen)
    has the whole name. Its least width stays that of :attr:`MIN_CHARS`, so a long name never
    makes the window's least width grow (a narrow window narrows the selector, down to that)."""

    MIN_CHARS, MAX_CHARS, MAX_POPUP_CHARS = 14, 44, 90

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumContentsLength(self.MIN_CHARS)
        self.currentIndexChanged.connect(self._fit)
        m = self.model()
        for signal in (m.rowsInserted, m.rowsRemoved, m.dataChanged, m.modelReset):
            signal.connect(self._fit)

    def _width_for(self, text: str) -> int:
        """The combo's width that shows ``text`` whole (frame and arrow included)."""
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        fm = self.fontMetrics()
        inner = QSize(fm.horizontalAdvance(text) + fm.averageCharWidth(), fm.height())
        return self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, opt, inner, self).width()

    def _chars(self, n: int) -> int:
        return self._width_for("") + n * self.fontMetrics().averageCharWidth()

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        width = min(max(self._width_for(self.currentText()), self._chars(self.MIN_CHARS)),
                    self._chars(self.MAX_CHARS))
        return QSize(width, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self._chars(self.MIN_CHARS), super().minimumSizeHint().height())

    def shown_text(self) -> str:
        """The current name as painted: whole when it fits, else cut in the middle."""
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        return self.fontMetrics().elidedText(self.currentText(), Qt.TextElideMode.ElideMiddle, field.width())

    def paintEvent(self, ev) -> None:  # noqa: N802
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        opt.currentText = self.shown_text()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)

    def _fit(self, *_) -> None:
        self.updateGeometry()
        widest = max((self._width_for(self.itemText(i)) for i in range(self.count())), default=0)
        self.view().setMinimumWidth(min(widest, self._chars(self.MAX_POPUP_CHARS)))
        tip = self.itemData(self.currentIndex(), Qt.ItemDataRole.ToolTipRole) if self.currentIndex() >= 0 else None
        self.setToolTip(f"{tip or self.currentText()}\n\n{MODEL_COMBO_TIP}" if self.count() else MODEL_COMBO_TIP)


class PageTabs(QTabWidget):
    """Tabs whose least size is that of the page shown, not that of the largest page.

    A ``QTabWidget`` asks for the largest least size of all its pages, so a hidden page (the
    Sequence shapes tab, about 890 px wide) kept the window that wide while the Memory tab was
    shown, and with the Lessons panel beside it wider than a 1024 px screen. Here the hidden
    pages are laid out with an ignored size policy (they ask for nothing) and the page shown
    has its own policy back; showing a page that needs more room grows the window, as before."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._policies: dict[QWidget, QSizePolicy] = {}  # each page's own size policy
        self.currentChanged.connect(self._size_by_current)

    def tabInserted(self, index: int) -> None:  # noqa: N802 - Qt
        page = self.widget(index)
        self._policies.setdefault(page, page.sizePolicy())
        super().tabInserted(index)
        self._size_by_current()

    def tabRemoved(self, index: int) -> None:  # noqa: N802 - Qt
        for page in [p for p in self._policies if self.indexOf(p) < 0]:
            page.setSizePolicy(self._policies.pop(page))
        super().tabRemoved(index)

    def _size_by_current(self, *_) -> None:
        current = self.currentWidget()
        ignored = QSizePolicy.Policy.Ignored
        for page, policy in self._policies.items():
            if page is current:
                page.setSizePolicy(policy)
            else:
                page.setSizePolicy(ignored, ignored)
        self.updateGeometry()


class MainWindow(QMainWindow):
    """Top-level window titled "rnnviz".

    Args:
        models_dir: folder of ``*.npz`` models for the model selector (default: the shipped
            ``resources/models``).
        model: name (in ``models_dir``) or path of the model to open; default
            :data:`rnnviz.resources.DEFAULT_MODEL` when present, else the first model found.
        text: text to put in the text box at start.
    """

    def __init__(self, models_dir: str | os.PathLike | None = None, model: str | None = None,
                 text: str | None = None, restore: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("rnnviz")
        self.models_dir = Path(models_dir) if models_dir is not None else resources.models_dir()
        self.model = None
        self.model_name = ""
        self.model_path: Path | None = None
        # the models of this session (no file), by their selector entry's data, oldest first;
        # each is kept until it is saved to a file or the window closes
        self._session_models: dict[str, object] = {}
        # their base names (the name each was given; the entry may show it as "name (2)")
        self._session_names: dict[str, str] = {}
        self._session_serial = 0
        self._compare_loaded = False
        # (status text, what the live panel showed) of a status message about the unit shown
        self._claim: tuple[str, tuple] | None = None
        self._close_confirmed = False  # the user chose to quit (and save or discard an unsaved run)
        self.initial_model_error = ""  # why the model asked for at start (``model``) is not shown

        # -- central widgets ----------------------------------------------------------------------
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText("Type a sentence here\u2026 (or pick one from the Examples menu)")
        self.text_edit.setToolTip(TEXT_TOOLTIP)
        self.text_edit.setTabChangesFocus(True)
        fm = self.text_edit.fontMetrics()
        self.text_edit.setFixedHeight(int(fm.lineSpacing() * 3.2 + 12))
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.hide()
        self.live = LiveView()
        self.compare = CompareView()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.live)
        self.stack.addWidget(self.compare)
        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        lay.addWidget(self.text_edit)
        lay.addWidget(self.hint_label)
        lay.addWidget(self.stack, 1)
        self.memory_page = central
        from rnnviz.ui.training_panel import TrainingPanel

        self.training = TrainingPanel()
        self.training.message.connect(self.show_message)
        self.tabs = PageTabs()
        self.tabs.setObjectName("tabs.main")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(central, "Memory: type and watch")
        self.tabs.addTab(self.training, "Training: watch gradients")
        self.tabs.setTabToolTip(0, "Type text and watch hidden states, cell states and gates per step")
        self.tabs.setTabToolTip(1, "Train a network on a task and watch ||dL/dh_t|| per time step")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.setCentralWidget(self.tabs)

        # -- selectors ------------------------------------------------------------------------------
        self.model_combo = ModelCombo()  # as wide as the name chosen; each entry's tooltip: name (and path)
        self.model_combo.setToolTip(MODEL_COMBO_TIP)
        self.layer_combo = QComboBox()
        self.layer_combo.setToolTip("Which layer of a stacked network the heatmaps show")
        self.direction_combo = QComboBox()
        self.direction_combo.setToolTip("Which direction of a bidirectional network the heatmaps show")

        self.actions = ActionRegistry(self)
        self._create_actions()
        self._create_menus_and_toolbar()
        from rnnviz.ui.file_actions import FileController

        self.files = FileController(self)  # File menu: open anything, projects, export, autosave
        from rnnviz.ui import desktop

        desktop.install(self)  # shapes tab, lessons dock, undo/redo, help (before the layout is restored)
        self.shapes.example_requested.connect(self.open_example)

        self._program_sets_text = False
        self.text_edit.textChanged.connect(self._on_text_changed)
        self.text_edit.cursorPositionChanged.connect(self._on_caret_moved)
        self.model_combo.activated.connect(self._on_model_combo)
        self.layer_combo.activated.connect(self._on_layer_direction)
        self.direction_combo.activated.connect(self._on_layer_direction)
        self.live.message.connect(self.show_message)
        self.live.rendered.connect(self._drop_stale_claim)
        self.compare.message.connect(self.show_message)

        self.resize(*DEFAULT_SIZE)
        if restore:
            settings.restore_window(self)
        self._populate_models()
        self._open_initial_model(model)
        if text is not None:
            self.replace_text(text)
        self.text_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ actions
    def _create_actions(self) -> None:
        a = self.actions
        a.add("file.open", "&Open model\u2026", shortcut=QKeySequence.StandardKey.Open,
              slot=self.open_model_dialog, tip="Open a model file (.npz) saved by rnnviz")
        a.add("file.quit", "&Quit", shortcut=QKeySequence.StandardKey.Quit, slot=self.request_quit,
              tip="Quit rnnviz (asks first when a training run or a model of this session has not been saved)")
        a.add("edit.clear", "&Clear text", shortcut="Ctrl+Shift+L", slot=self.clear_text,
              tip="Empty the text box (Undo brings the text back)")
        a.add("view.compare", "&Compare RNN / GRU / LSTM", shortcut="Ctrl+M", checkable=True,
              toggled=self.set_compare_mode,
              tip="Show a plain RNN, a GRU and an LSTM side by side on the same text")
        a.add("view.next_layer", "Next &layer", shortcut="Ctrl+]", slot=lambda: self._step_layer(1),
              tip="Show the next layer of a stacked network")
        a.add("view.previous_layer", "&Previous layer", shortcut="Ctrl+[",
              slot=lambda: self._step_layer(-1), tip="Show the previous layer of a stacked network")
        a.add("view.toggle_direction", "Switch &direction", shortcut="Ctrl+D",
              slot=self._toggle_direction, tip="Forward / backward direction of a bidirectional network")
        a.add("view.connectivity", "Connectivity at &cursor", shortcut="Ctrl+G",
              slot=self._connectivity_at_cursor,
              tip="Shade the tokens by how much each influences the output at the cursor step")
        self.unit_finder = UnitFinder(self)  # View > Find the unit that tracks ...
        for n, ex in enumerate(EXAMPLES):
            a.add(f"examples.{n}", ex.title, slot=lambda e=ex: self.load_example(e), tip=ex.hint)
        a.add("help.about", "&About rnnviz", slot=self._about, tip="Versions and what rnnviz is")
        a.add("view.memory", "&Memory (type and watch)", shortcut="Ctrl+1",
              slot=lambda: self.tabs.setCurrentIndex(0), tip="Show the live memory view")
        a.add("view.training", "&Training (watch gradients)", shortcut="Ctrl+2",
              slot=lambda: self.tabs.setCurrentIndex(1), tip="Show the training panel")
        for act in self.training.actions():
            a.register(act)

    def _create_menus_and_toolbar(self) -> None:
        a = self.actions
        mb = self.menuBar()
        m = mb.addMenu("&File")
        m.addAction(a["file.open"])
        m.addSeparator()
        m.addAction(a["file.quit"])
        m = mb.addMenu("&Edit")
        m.addAction(a["edit.clear"])
        m = mb.addMenu("&View")
        for i in ("view.compare", "view.next_layer", "view.previous_layer", "view.toggle_direction",
                  "view.connectivity"):
            m.addAction(a[i])
        m.addSeparator()
        for i in self.unit_finder.action_ids():
            m.addAction(a[i])
        m.addSeparator()
        m.addAction(a["view.memory"])
        m.addAction(a["view.training"])
        m = mb.addMenu("&Training")
        for i in ("training.start", "training.step", "training.reset", None, "training.show_in_memory"):
            if i is None:
                m.addSeparator()
            else:
                m.addAction(a[i])
        m = mb.addMenu("E&xamples")
        for i in a.ids("examples."):
            m.addAction(a[i])
        m = mb.addMenu("&Help")
        m.addAction(a["help.about"])

        tb = QToolBar("Main")
        tb.setObjectName("toolbar.main")
        tb.setMovable(False)
        tb.addWidget(QLabel(" Model "))
        tb.addWidget(self.model_combo)
        tb.addAction(a["file.open"])
        tb.addSeparator()
        self._layer_label = QLabel(" Layer ")
        tb.addWidget(self._layer_label)
        tb.addWidget(self.layer_combo)
        self._direction_label = QLabel(" Direction ")
        tb.addWidget(self._direction_label)
        tb.addWidget(self.direction_combo)
        tb.addSeparator()
        tb.addAction(a["view.compare"])
        self.addToolBar(tb)
        self.toolbar = tb

    # ------------------------------------------------------------------ models
    def _populate_models(self) -> None:
        self.model_combo.clear()
        for name, path in resources.list_models(self.models_dir).items():
            path = resources.resolved_path(path)  # entries name files by their resolved path: one file, one entry
            self.model_combo.addItem(name, str(path))
            self.model_combo.setItemData(self.model_combo.count() - 1, _file_tip(name, path),
                                         Qt.ItemDataRole.ToolTipRole)

    def _open_initial_model(self, model: str | None) -> None:
        if model:
            path = resources.find_model(model, self.models_dir)
            if path is None:
                self.initial_model_error = self._no_such_model(model)
                self.show_message(self.initial_model_error)
            elif self.load_model_file(path):
                return
            else:
                self.initial_model_error = self.status_text()
        available = resources.list_models(self.models_dir)
        if not available:
            self.show_message(NO_MODELS.format(folder=self.models_dir))
            self._update_layer_direction_combos()
            return
        for name, path in available.items():  # the default comes first
            if self.load_model_file(path):
                return
        self.show_message(f"None of the models in {self.models_dir} could be opened.")

    def _no_such_model(self, model: str) -> str:
        import difflib

        names = list(resources.list_models(self.models_dir))
        close = difflib.get_close_matches(Path(model).stem, names, n=3, cutoff=0.5) or \
            [n for n in names if n.startswith(Path(model).stem)]
        hint = (f"; did you mean {' or '.join(close)}?" if close else
                f"; the models there: {', '.join(names)}." if names else ".")
        return f"No model '{model}' in {self.models_dir} and no such file{hint}"

    def load_model_file(self, path: str | os.PathLike, loaded=None) -> bool:
        """Open the model at ``path`` (``loaded``: the model already read from it) in the live
        panel, all or nothing: on any failure (the file cannot be read, or the model cannot be
        shown) every panel goes back to the previous model and the status bar names the file
        and the problem."""
        path = Path(path)
        model, problem = (loaded, "") if loaded is not None else _read_model(path)
        if model is None:
            self.show_message(f"Cannot open {path.name}: {problem}")
            return False
        return self.show_model(model, path.stem, path)

    def show_model(self, model, name: str, path: Path | None = None) -> bool:
        """Show ``model`` (read from ``path``, or None for a model of this session: a training
        run's, see :meth:`FileController.show_run_in_memory`, or one with imported weights) in
        every panel, all or nothing: the model selector changes only once it is shown.

        Each model without a file has its own selector entry (data ``f"{SESSION_ITEM}:{n}"``),
        kept until it is saved to a file (:meth:`rename_model`) or the window closes; showing
        the same model object again (say with imported weights) renames its entry. The name is
        made unique among the selector's entries (``name (2)``; a file named like another
        entry, say a shipped model's, is ``name (its folder)``); :attr:`model_name` is the
        name used. A session model's base name (``name`` as given, without the ``(2)``) is
        kept apart: :meth:`session_model_name` gives it, and projects save it."""
        previous = self._model_state()
        key = None
        if path is None:
            key = self._session_key(model)
            if key is None:
                self._session_serial += 1
                key = f"{SESSION_ITEM}:{self._session_serial}"
            base = name if name.strip() else "model of this session"
            name = self._unique_entry_text(base, key)
        else:
            path = resources.resolved_path(path)  # "resources/models/x.npz" is the shipped x's entry, not another
            name = self._file_entry_text(name, path)
        try:
            self.live.set_model(model, name)
            self.shapes.set_model(model, name)
            self.model, self.model_name, self.model_path = model, name, path
            self._update_layer_direction_combos()
            self.live.set_text(self.text_edit.toPlainText())
            self.live.flush()
        except Exception as exc:  # noqa: BLE001 - the model loaded but cannot be shown
            self._model_failed(path.name if path is not None else name, exc, previous)
            return False
        if key is not None:
            self._session_models[key] = model
            self._session_names[key] = base
            self._select_entry(key, name, SESSION_TIP.format(name=name))
        else:
            self._select_entry(str(path), name, _file_tip(name, path))
        self.hint_label.hide()  # an example's or a lesson's hint: about the views of the model before
        self.show_message(self._describe_model())
        return True

    def rename_model(self, name: str, path: Path) -> None:
        """The model shown is now the file ``path`` (saved there): named ``name`` in every panel
        and the selector (made unique there like a file opened), with nothing run again."""
        path = resources.resolved_path(path)
        key = self._session_key(self.model)
        if key is not None:  # saved to a file: its session entry becomes the file's entry
            del self._session_models[key]
            del self._session_names[key]
            combo = self.model_combo
            idx = combo.findData(key)
            if combo.findData(str(path)) >= 0:
                combo.removeItem(idx)  # (the file had an entry: saved over it)
            else:
                combo.setItemData(idx, str(path))
        name = self._file_entry_text(name, path)
        self.model_name, self.model_path = name, path
        self.live.model_name = name
        self.shapes.set_model(self.model, name)
        self._select_entry(str(path), name, _file_tip(name, path))
        self.show_message(self._describe_model())

    # -- models of this session ------------------------------------------------------------------
    def _session_key(self, model) -> str | None:
        """The selector entry's data of ``model`` if it is a model of this session, else None."""
        if model is None:
            return None
        return next((k for k, m in self._session_models.items() if m is model), None)

    def session_models(self) -> list[tuple[str, object]]:
        """``(name, model)`` of every model of this session not saved to a file, in the
        selector's order."""
        combo = self.model_combo
        out = []
        for i in range(combo.count()):
            model = self._session_models.get(combo.itemData(i))
            if model is not None:
                out.append((combo.itemText(i), model))
        return out

    def session_model_name(self, model) -> str:
        """The base name of the model of this session ``model``: the name it was given, without
        the `` (2)`` its selector entry may add to tell it from another ("" if it is none)."""
        key = self._session_key(model)
        return self._session_names.get(key, "") if key is not None else ""

    def given_model_name(self) -> str:
        """The name the model shown was given: its file's stem, or a session model's base name;
        never the selector's ``(folder)`` or `` (2)`` that tells entries apart."""
        if self.model_path is not None:
            return self.model_path.stem
        return self.session_model_name(self.model) or self.model_name

    def session_model_like(self, model, name: str):
        """The model of this session called ``name`` (its base name) with the configuration and
        weights of ``model`` (the same tensors, shapes and values), or None: a project opened again in the
        same window shows the entry it had, not a copy beside it."""
        state, config = model.state_dict(), model.to_config()
        for key, kept in self._session_models.items():
            if (self._session_names.get(key) == name and kept.to_config() == config
                    and _same_weights(kept.state_dict(), state)):
                return kept
        return None

    def _texts_taken(self, data: str | None) -> set[str]:
        """The names of the selector's entries other than ``data``'s (a file's path or a session
        model's key): a new or renamed entry must differ from these."""
        combo = self.model_combo
        return {combo.itemText(i) for i in range(combo.count()) if combo.itemData(i) != data}

    def _unique_entry_text(self, text: str, data: str | None) -> str:
        """``text`` made unique among the selector's entries other than ``data``'s."""
        return unique_text(text, self._texts_taken(data))

    def _file_entry_text(self, name: str, path: Path) -> str:
        """The selector's name of the file ``path`` (``name``, its stem, when no other entry has
        it; else ``name (folder)``, then ``(2)``...): two files called brackets_lstm.npz, say
        the shipped one and a copy elsewhere, are told apart."""
        taken = self._texts_taken(str(path))
        if name in taken and path.parent.name:
            name = f"{name} ({path.parent.name})"
        return unique_text(name, taken)

    def _select_entry(self, data: str, text: str, tip: str | None = None) -> None:
        """Select the model selector's entry for ``data`` (a file's path, or a session model's
        key), adding it, or renaming it to ``text``."""
        combo = self.model_combo
        idx = combo.findData(data)
        if idx < 0:
            combo.addItem(text, data)
            idx = combo.count() - 1
        combo.setItemText(idx, text)
        if tip is not None:
            combo.setItemData(idx, tip, Qt.ItemDataRole.ToolTipRole)
        combo.setCurrentIndex(idx)

    def _model_state(self) -> tuple:
        """What :meth:`_restore_model` needs to go back to the model shown now."""
        return self.model, self.model_name, self.model_path, self.live.layer, self.live.direction

    def _model_failed(self, what: str, exc: BaseException, previous: tuple) -> None:
        """The model ``what`` (a file's or a session model's name) loaded but could not be shown:
        back to ``previous`` and say why."""
        self._restore_model(previous)
        still = f"; still showing {self.model_name}" if self.model is not None else ""
        self.show_message(f"Cannot open {what}: the model cannot be shown ({_problem(exc)}){still}.")

    def _restore_model(self, previous: tuple) -> None:
        """Show the model of :meth:`_model_state` again in every panel (after a failed open)."""
        model, name, path, layer, direction = previous
        self.model, self.model_name, self.model_path = model, name, path
        try:
            if self.live.model is model:
                pass  # the live panel never took the new model (its runner refused it)
            elif model is not None:
                self.live.set_model(model, name)
                try:
                    self.live.set_layer_direction(layer, direction)
                except RnnvizError:
                    pass
            else:  # nothing was shown before: show nothing rather than the broken model
                self.live.clear_model()
            self.shapes.set_model(model, name)
            self._select_current_in_combo()
            self._update_layer_direction_combos()
            if model is not None:
                self.live.set_text(self.text_edit.toPlainText())
                self.live.flush()
        except Exception as exc:  # noqa: BLE001 - the old model showed before; say so, keep going
            self.show_message(f"Could not show {name} again: {_problem(exc)}")

    def _describe_model(self) -> str:
        m = self.model
        net = m.net
        kind = ("language model (predicts the next token)" if m.target == "classification_each"
                and m.output_size == len(m.tokenizer.vocab) else
                "classifier (" + ", ".join(m.class_names or []) + ")" if m.is_classifier else "regression model")
        unit = "characters" if m.tokenizer.kind == "char" else "words"
        bi = "bidirectional " if net.num_directions == 2 else ""
        return (f"{self.model_name}: {bi}{net.cell.upper()} {kind}, reads {unit}, "
                f"{net.num_layers} layer(s) of {', '.join(map(str, net.hidden_sizes))} units, "
                f"vocabulary of {len(m.tokenizer.vocab)}")

    def open_model_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open model", str(self.models_dir),
                                              "rnnviz models (*.npz)")
        if path:
            self.load_model_file(path)

    def _on_model_combo(self, index: int) -> None:
        if index != self._current_entry():
            self._show_entry(index)

    def _show_entry(self, index: int, loaded=None) -> bool:
        """Show the model of the selector's entry ``index`` (a file's, read again unless
        ``loaded`` is the model already read from it; or a model of this session), all or
        nothing: on failure the selector names the model shown."""
        data = self.model_combo.itemData(index)
        if is_session_item(data):
            model = self._session_models.get(data)
            if model is None:
                ok = False
            elif model is self.model:
                ok = True
            else:
                ok = self.show_model(model, self._session_names.get(data, self.model_combo.itemText(index)))
        else:
            ok = bool(data) and self.load_model_file(data, loaded)
        if not ok:
            self._select_current_in_combo()
        return ok

    def _select_current_in_combo(self) -> None:
        if self.model_path is not None or self._session_key(self.model) is not None:
            self.model_combo.setCurrentIndex(self._current_entry())

    def select_model(self, name: str) -> bool:
        """Switch to the model called ``name`` in the selector (a file's is read again). When
        several files are called ``name`` (the shipped ``brackets_lstm`` and a file of that name
        opened from elsewhere), the one in :attr:`models_dir` is chosen."""
        idx = self._find_entry(name)
        if idx < 0:
            self.show_message(f"No model '{name}' in {self.models_dir}")
            return False
        return self._show_entry(idx)

    def _find_entry(self, name: str) -> int:
        """The selector's entry of the model called ``name`` (-1: none): a file in
        :attr:`models_dir` with that stem first, then the entry named so, then any file with
        that stem."""
        combo = self.model_combo
        files = []
        shipped = resources.resolved_path(self.models_dir)
        for i in range(combo.count()):
            data = combo.itemData(i)
            if data and not is_session_item(data) and Path(data).stem == name:
                files.append(i)
                if resources.resolved_path(data).parent == shipped:
                    return i
        idx = combo.findText(name)
        return idx if idx >= 0 else (files[0] if files else -1)

    def _current_entry(self) -> int:
        """The selector's entry of the model shown (-1: none)."""
        data = str(self.model_path) if self.model_path is not None else self._session_key(self.model)
        return self.model_combo.findData(data) if data is not None else -1

    # ------------------------------------------------------------------ layers
    def _update_layer_direction_combos(self) -> None:
        self.unit_finder.refresh()
        self.layer_combo.clear()
        self.direction_combo.clear()
        if self.model is None:
            for w in (self.layer_combo, self.direction_combo):
                w.setEnabled(False)
            return
        net = self.model.net
        for k in range(net.num_layers):
            self.layer_combo.addItem(f"{k + 1} of {net.num_layers}" + (" (bottom)" if k == 0 and net.num_layers > 1 else ""))
        for d in range(net.num_directions):
            self.direction_combo.addItem(direction_name(d, 2) if net.num_directions == 2 else "forward")
        self.layer_combo.setEnabled(net.num_layers > 1 and not self.compare_mode)
        self.direction_combo.setEnabled(net.num_directions > 1 and not self.compare_mode)
        self.layer_combo.setCurrentIndex(self.live.layer)
        self.direction_combo.setCurrentIndex(self.live.direction)

    def set_layer_direction(self, layer: int, direction: int = 0) -> None:
        self.layer_combo.setCurrentIndex(layer)
        self.direction_combo.setCurrentIndex(direction)
        self._on_layer_direction()

    def _on_layer_direction(self, *_):
        if self.model is None:
            return
        try:
            self.live.set_layer_direction(max(0, self.layer_combo.currentIndex()),
                                          max(0, self.direction_combo.currentIndex()))
        except RnnvizError as exc:
            self.show_message(str(exc))

    def _step_layer(self, delta: int) -> None:
        if self.model is None or self.compare_mode:
            return
        n = self.model.net.num_layers
        self.set_layer_direction((self.live.layer + delta) % n, self.live.direction)

    def _toggle_direction(self) -> None:
        if self.model is None or self.compare_mode or self.model.net.num_directions == 1:
            return
        self.set_layer_direction(self.live.layer, 1 - self.live.direction)

    def _connectivity_at_cursor(self) -> None:
        if self.compare_mode:
            return
        c = self.live.cursor()
        if c is not None:
            self.live.show_connectivity(c)

    # ------------------------------------------------------------------ text
    def _caret_index(self, text: str | None = None) -> int:
        """The text caret as an index into ``text`` (the box's ``toPlainText()``, read if not
        given; Qt counts UTF-16 code units, at least one per character, so ``text[:pos]``
        holds the caret)."""
        pos = self.text_edit.textCursor().position()
        if text is None:
            text = self.text_edit.toPlainText()
        if text.isascii():
            return pos
        return len(text[:pos].encode("utf-16-le")[: 2 * pos].decode("utf-16-le", errors="ignore"))

    def _on_text_changed(self) -> None:
        text = self.text_edit.toPlainText()
        caret = None if self._program_sets_text else self._caret_index(text)
        # the hidden panel keeps the text pending (its timer finds it hidden) and catches up,
        # the cursor at the end, when it is shown again
        if self.compare_mode:
            self.compare.set_text(text, caret=caret)
            self.live.set_text(text)
        else:
            self.live.set_text(text, caret=caret)
            if self._compare_loaded:
                self.compare.set_text(text)

    def _on_caret_moved(self) -> None:
        """Moving the caret without editing (arrow keys, a click) moves the time cursor, in
        the live panel or the compare columns, whichever is shown."""
        if self._program_sets_text:
            return
        panel = self.compare if self.compare_mode else self.live
        text = self.text_edit.toPlainText()
        if panel.text() != text:
            return  # an edit: the panel places the cursor when it applies the text
        panel.follow_caret(self._caret_index(text))

    def _edit_whole_text(self, text: str) -> None:
        """Replace the whole text as one undoable edit (Undo brings the old text back, unlike
        ``setPlainText``, which empties the undo history); the caret ends after the new text."""
        cur = self.text_edit.textCursor()
        cur.beginEditBlock()
        cur.select(cur.SelectionType.Document)
        cur.insertText(text)
        cur.endEditBlock()
        self.text_edit.setTextCursor(cur)

    def replace_text(self, text: str) -> None:
        """Replace the whole text, caret at the end, as the program (the time cursor follows
        the end); applied on the next turn of the event loop. One undoable edit: Edit > Undo
        (Ctrl+Z) brings the previous text back. The hint line (an example's or a lesson's) is
        hidden: it was about the text being replaced."""
        self.hint_label.hide()
        self._program_sets_text = True
        try:
            self._edit_whole_text(text)
        finally:
            self._program_sets_text = False

    def clear_text(self) -> None:
        """Edit > Clear text: empty the text box as one undoable edit."""
        self._edit_whole_text("")

    def set_text(self, text: str) -> None:
        """Replace the text (as a paste would) and apply it at once."""
        self.replace_text(text)
        self.flush()

    def flush(self) -> None:
        """Apply any pending text to the visible panel now."""
        (self.compare if self.compare_mode else self.live).flush()

    def load_example(self, example: Example) -> None:
        """Show ``example``: its model (when it names one), its text, its hint and the unit it
        is about, drawn once. The text is set before the model is opened, so the new model
        runs the example's text only (not the old text first)."""
        previous = self._model_state()
        try:
            self._show_example(example)
        except Exception as exc:  # noqa: BLE001
            if self.model is previous[0]:
                raise
            # the example's model loaded but failed when drawn (at the end of one_redraw)
            self.hint_label.hide()  # it was about the example's model
            self._model_failed(self.model_path.name if self.model_path is not None else self.model_name,
                               exc, previous)

    def open_example(self, action_id: str) -> None:
        """Show the Examples menu entry ``action_id`` ("examples.2"; a link in the Sequence
        shapes tab) in the Memory tab, where it runs."""
        example = next((ex for ex in EXAMPLES if ex.action_id == action_id), None)
        if example is None:
            self.show_message(f"No example '{action_id}' in the Examples menu.")
            return
        self.load_example(example)
        self.tabs.setCurrentWidget(self.memory_page)

    def _show_example(self, example: Example) -> None:
        with self.live.one_redraw():
            self.replace_text(example.text)
            note = self._open_example_model(example) if example.model else ""
            self.hint_label.setText(f"<b>Try this:</b> {example.hint}")
            self.hint_label.show()
            if example.unit_feature and self.unit_finder.can_find(example.unit_feature):
                self.unit_finder.find(example.unit_feature)
                if note:  # the search's result follows why the columns stayed
                    note = f"{note} {self.status_text()}"
            if note:
                self.show_message(note)
            self.flush()

    def _open_example_model(self, example: Example) -> str:
        """Show the model ``example`` is meant for; return what the status bar should say about
        it ("" when showing it says enough).

        In compare mode the columns stay when they show the kind of output the example is
        about (a language model's next-token top-5, a unit of h found in each column): the
        person chose to compare, and the example's text is worth comparing. An example about a
        classifier's P(class), which no column shows, leaves compare mode for its model: its
        hint would otherwise describe a view that is not on screen."""
        idx = self._find_entry(example.model)  # the shipped model of that name, first
        if idx < 0:
            return (f"This example is meant for the model '{example.model}', which is not in "
                    f"{self.models_dir}; showing it with the current model.")
        if not self.compare_mode:
            if idx != self._current_entry():
                self._show_entry(idx)
            return ""
        model, problem = self._entry_model(idx)
        if model is None:
            return (f"This example is meant for {example.model}, which cannot be opened ({problem}); "
                    f"shown in the compare columns.")
        if is_language_model(model):
            return (f"Compare mode: '{example.title}' is shown in the {len(self.compare.panels)} columns "
                    f"(it was made for {example.model}, also a language model; Ctrl+M leaves "
                    f"compare mode to see it there).")
        if idx != self._current_entry() and not self._show_entry(idx, model):
            return ""  # the status bar says why it could not be shown; compare mode stays
        self.set_compare_mode(False)
        return (f"Left compare mode: '{example.title}' is about {example.model}'s P(class) after "
                f"every token, which the compare columns (language models) do not show.")

    def _entry_model(self, index: int) -> tuple[object | None, str]:
        """The model of the selector's entry ``index`` and, when it has none, why: the model
        shown, a model of this session, or else its file, read once (the caller passes it on to
        :meth:`_show_entry`, which does not read it again)."""
        if index == self._current_entry() and self.model is not None:
            return self.model, ""
        data = self.model_combo.itemData(index)
        if is_session_item(data):
            model = self._session_models.get(data)
            return model, "" if model is not None else "it is no longer in this session"
        if not data:
            return None, "its entry names no file"
        return _read_model(data)

    def show_starter(self) -> None:
        """Open on something worth seeing: the current model's starter example (see
        :func:`~rnnviz.ui.examples.starter_for`), its text selected so that typing replaces it."""
        example = starter_for(self.model_name)
        if example is None or self.compare_mode:
            return
        self.load_example(example)
        self.text_edit.selectAll()

    # ------------------------------------------------------------------ compare
    @property
    def compare_mode(self) -> bool:
        return self.stack.currentWidget() is self.compare

    def set_compare_mode(self, on: bool) -> None:
        act = self.actions["view.compare"]
        if on and not self._compare_loaded and not self._load_compare_models():
            act.blockSignals(True)
            act.setChecked(False)
            act.blockSignals(False)
            return
        if act.isChecked() != on:
            act.blockSignals(True)
            act.setChecked(on)
            act.blockSignals(False)
        if self.compare_mode != on:
            self.hint_label.hide()  # an example's or a lesson's hint: about the views of the other mode
        self.stack.setCurrentWidget(self.compare if on else self.live)
        for w in (self.model_combo, self.actions["file.open"]):
            w.setEnabled(not on)
        self._update_layer_direction_combos()
        text = self.text_edit.toPlainText()
        panel = self.compare if on else self.live
        panel.set_text(text)
        panel.flush()
        if on:
            self.show_message("Compare mode: " + ", ".join(p.name for p in self.compare.panels)
                              + " on the same text; hover any heatmap to move the shared cursor.")
        elif self.model is not None:
            self.show_message(self._describe_model())

    def _load_compare_models(self) -> bool:
        from rnnviz.engine.model import load_model

        found = resources.compare_models(self.models_dir)
        if len(found) < 2:
            missing = [n for n in resources.COMPARE_MODELS if n not in found]
            self.show_message(f"Compare mode needs {', '.join(resources.COMPARE_MODELS)} in "
                              f"{self.models_dir}; missing: {', '.join(missing)}.")
            return False
        try:
            models = [(name, load_model(path)) for name, path in found.items()]
            self.compare.set_models(models)
        except Exception as exc:  # noqa: BLE001 - a model that cannot be shown is a message, never a traceback
            self.show_message(f"Cannot open the compare models: {_problem(exc)}")
            return False
        self._compare_loaded = True
        return True

    # ------------------------------------------------------------------ misc
    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text)

    def _unit_shown(self) -> tuple:
        """What the live panel shows: its model, layer, direction and the unit selected."""
        live = self.live
        return live.model, live.layer, live.direction, live.selected_unit()

    def note_claim(self) -> None:
        """The status bar now says something about the unit shown (a unit search's result):
        it is cleared once the live panel shows another model, layer, direction or unit."""
        self._claim = (self.status_text(), self._unit_shown())

    def _drop_stale_claim(self) -> None:
        """Clear the status message of :meth:`note_claim` if the views no longer show its unit
        ("c unit 11 of layer 2 tracks bracket depth" stayed while layer 1 was shown)."""
        if self._claim is None:
            return
        text, shown = self._claim
        if self.status_text() != text:
            self._claim = None  # another message replaced it
        elif self._unit_shown() != shown:
            self._claim = None
            self.statusBar().clearMessage()

    def status_text(self) -> str:
        return self.statusBar().currentMessage()

    def open_lesson(self, lesson_id: str, for_screenshot: bool = False) -> bool:
        """Set the window up for a lesson of :mod:`rnnviz.lessons`; False (and a message) if unknown."""
        return self.lessons.open_lesson(lesson_id, for_screenshot=for_screenshot)

    def _about(self) -> None:
        from rnnviz.ui.help import show_about

        return show_about(self)

    def _on_tab_changed(self, index: int) -> None:
        if index == 0:
            self.text_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def request_quit(self) -> None:
        """File > Quit (Ctrl+Q): ask first when a training run or a model of this session has not
        been saved, then close."""
        if self._may_close():
            self._close_confirmed = True
            self.close()

    def _may_close(self) -> bool:
        """Ask before discarding an unsaved training run (Save / Discard / Cancel), then before
        discarding the models of this session not saved to a file nor held by a project saved or
        opened (:meth:`FileController.kept_in_project`; Discard / Cancel). True:
        close now; False: stay open (cancelled on either question, or saving the run first: the
        window closes once it is saved)."""
        if self._close_confirmed:
            return True
        steps = self.files.unsaved_run()
        run_answer = self.files.ask_unsaved_run(steps) if steps else "discard"
        if run_answer not in ("save", "discard"):
            return False
        # the models a project holds are kept; so is the one shown when the run is saved now (the
        # project saved then holds it)
        saving = self.model if run_answer == "save" else None
        names = [name for name, model in self.session_models()
                 if model is not saving and not self.files.kept_in_project(model)]
        if names and self.ask_unsaved_models(names) != "discard":
            return False
        if run_answer == "save":
            self.files.save_project(then=self._close_after_save)
            return False
        return True

    def ask_unsaved_models(self, names: list[str]) -> str:
        """Ask whether to quit though the models of this session ``names`` are not saved to a
        file: "discard" (quit) or "cancel" (stay; tests replace this)."""
        B = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Warning, "Quit without saving the models?",
                          unsaved_models_text(names), B.Discard | B.Cancel, self)
        box.setInformativeText("File \u25b8 Save Model As (or File \u25b8 Save Project) saves the model shown "
                               "in the Memory tab (choose the others in the Model selector first). Discard "
                               "loses them; Cancel keeps rnnviz open.")
        box.setDefaultButton(B.Cancel)
        box.setObjectName("dialog.unsaved_models")
        return "discard" if B(box.exec()) == B.Discard else "cancel"

    def _close_after_save(self) -> None:
        self._close_confirmed = True
        self.close()

    def closeEvent(self, ev) -> None:  # noqa: N802
        # the user closing the window (title bar, window manager) is asked like File > Quit; a
        # close by the program (a script, a screenshot, the tests) is not
        if ev.spontaneous() and not self._may_close():
            ev.ignore()
            return
        self.files.shutdown()
        self.training.shutdown()
        from rnnviz.ui import desktop

        desktop.shutdown(self)
        settings.save_window(self)
        super().closeEvent(ev)


def unsaved_models_text(names: list[str], most: int = 5) -> str:
    """The quit question's words for the unsaved models ``names`` (at most ``most`` named)."""
    shown = names[:most]
    lines = "\n".join(f"\u2022 {n}" for n in shown)
    more = f"\n\u2026 and {len(names) - len(shown)} more" if len(shown) < len(names) else ""
    what = "This model of this session is" if len(names) == 1 else f"These {len(names)} models of this session are"
    return f"{what} not saved to a file:\n{lines}{more}"


def _file_tip(name: str, path: Path) -> str:
    """The selector's tooltip of a model file's entry: its name and full path."""
    return f"{name}\n{Path(path)}"


def _same_weights(a: dict, b: dict) -> bool:
    """Whether the state dicts ``a`` and ``b`` hold the same tensors (names, dtypes, shapes, values)."""
    import numpy as np

    return a.keys() == b.keys() and all(
        a[k].dtype == b[k].dtype and a[k].shape == b[k].shape and np.array_equal(a[k], b[k]) for k in a)


def _read_model(path) -> tuple[object | None, str]:
    """The model in the file at ``path`` and "", or None and why it cannot be read."""
    from rnnviz.engine.model import load_model

    try:
        return load_model(path), ""
    except Exception as exc:  # noqa: BLE001 - a bad file is a message, never a traceback
        return None, _problem(exc)


def _problem(exc: BaseException) -> str:
    """An exception as words for the status bar (its message, else its type)."""
    return str(exc) or type(exc).__name__


def render_to_png(window: QMainWindow, path: str) -> bool:
    """Lay out and paint ``window`` offscreen and save it as a PNG."""
    app = QApplication.instance()
    window.show()
    for _ in range(3):
        app.processEvents()
    if hasattr(window, "flush"):
        window.flush()
    app.processEvents()
    return window.grab().save(str(path), "PNG")
