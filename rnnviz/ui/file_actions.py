"""The File menu: open anything (Ctrl+O, drag and drop, recent files), projects (save / save as /
open), exports and weight import, autosave and crash recovery.

:class:`FileController` is created by the main window after its actions and menus exist::

    self.files = FileController(self)     # adds its actions to the registry and the File menu
    self.files.startup()                  # app start: offer crash recovery, mark the session
    self.files.shutdown()                 # clean close

Opening a file sniffs what it is (:func:`rnnviz.ui.data_source.path_kind`) and reads it in a
background thread with a progress dialog and Cancel (:class:`~rnnviz.ui.data_source.BackgroundLoad`);
nothing changes until the file has been read and validated, so a bad file or a cancel leaves the
app as it was and the status bar names the file and the problem:

- a model (``.npz``) -> the live view; weights (``.safetensors``, ``.pt``) -> imported into the
  model on screen; a project (``.rnnviz``) -> everything restored;
- a text -> the Training panel's data (language model, task "text");
- a labelled CSV (text,label) -> task "classify"; a numeric CSV/TSV -> task "series" after a
  small dialog (columns, window, horizon, normalisation).
"""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QProgressBar, QProgressDialog

from rnnviz.errors import RnnvizError
from rnnviz.resources import resolved_path
from rnnviz.ui import settings
from rnnviz.ui.data_source import OPEN_FILTER, BackgroundLoad, Loaded, path_kind, read_for_open

__all__ = ["FileController", "MAX_RECENT", "RECENT_KEY"]

MAX_RECENT = 10
RECENT_KEY = "files/recent"
DATA_TASKS = ("text", "classify", "series")


class FileController(QObject):
    """Opening, saving, exporting and recovering; see the module docstring.

    Signals: ``opened(str kind, str path)`` after a file was applied; ``project_saved(str)``;
    ``load_finished()`` after every background load (applied, failed or cancelled).
    """

    opened = Signal(str, str)
    project_saved = Signal(str)
    load_finished = Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        from rnnviz.ui.autosave import Autosaver

        self.w = window
        self.project_path: str | None = None
        self.job: BackgroundLoad | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.last_error = ""
        self._saved_key = None  # the training history (run, version) last saved to or opened from a project
        # the model of this session each project file (by its resolved path) holds, as last saved
        # or opened here (None: a file's model or none); see kept_in_project
        self._project_models: dict[Path, object] = {}
        self._capture_waiting: list = []
        self._capture_worker = None
        self._install_actions()
        self._install_menu()
        self._install_drop()
        self.autosave = Autosaver(window, self)
        # (worker, model, snapshot) of a run's copy shown in the Memory tab, with the run's
        # snapshot of when it was copied (see show_run_in_memory); Nones when none is shown
        self._shown_run = (None, None, None)
        window.training.state_changed.connect(self._on_training_state)
        window.training.show_in_memory_requested.connect(self.show_run_in_memory)
        window.training.run_changed.connect(self._on_run_changed)

    # ------------------------------------------------------------------ set-up
    def _install_actions(self) -> None:
        a = self.w.actions
        op = a["file.open"]
        op.setText("&Open\u2026")
        tip = ("Open a model (.npz), a project (.rnnviz), PyTorch weights (.safetensors/.pt), a text, a numeric "
               "CSV/TSV or a labelled CSV (text,label); you can also drop files on the window")
        op.setToolTip(tip)
        op.setStatusTip(tip)
        try:
            op.triggered.disconnect()
        except (RuntimeError, TypeError):
            pass
        op.triggered.connect(lambda _c=False: self.open_dialog())
        a.add("file.open_project", "Open &Project\u2026", slot=self.open_project_dialog,
              tip="Open a saved project (.rnnviz): model, optimiser, training history, settings and text")
        a.add("file.save_project", "&Save Project", shortcut=QKeySequence.StandardKey.Save,
              slot=self.save_project, tip="Save the model, its optimiser, the training history, the settings "
                                          "and the text to a project file (.rnnviz)")
        a.add("file.save_project_as", "Save Project &As\u2026", shortcut=QKeySequence.StandardKey.SaveAs,
              slot=self.save_project_as, tip="Save the project under a new name")
        a.add("file.save_model", "Save &Model As\u2026", slot=self.save_model_dialog,
              tip="Save the model shown in the Memory tab (for example a training run's, shown there with "
                  "Training > Type into this model) as a model file (.npz) that File > Open reads")
        a.add("file.export_plots", "&Plots (PNG and SVG)\u2026", slot=self.export_plots_dialog,
              tip="Write every plot shown on the current tab to a folder as PNG and SVG")
        a.add("file.export_traces", "&Traces (.npz and CSV)\u2026", slot=self.export_traces_dialog,
              tip="Save h, c and every gate of every layer for the current text as .npz and CSV (with the "
                  "training run's latest ||dL/dh_t|| when the model shown is that run's); in compare mode, "
                  "one file per compare model")
        a.add("file.export_weights", "&Weights (.safetensors)\u2026", slot=self.export_weights_dialog,
              tip="Save the model's weights with PyTorch's names, loadable with safetensors.torch.load_file")
        a.add("file.import_weights", "&Import PyTorch Weights\u2026", slot=self.import_weights_dialog,
              tip="Load nn.RNN / nn.LSTM / nn.GRU weights (.safetensors, or .pt when PyTorch is installed) "
                  "into the model on screen")
        a.add("edit.preferences", "&Preferences\u2026", slot=self.preferences_dialog,
              tip="Autosave interval")

    def _install_menu(self) -> None:
        a = self.w.actions
        file_menu = a["file.quit"].associatedObjects()
        menu = next((m for m in file_menu if isinstance(m, QMenu)), None)
        if menu is None:
            menu = self.w.menuBar().addMenu("&File")
        self.file_menu = menu
        quit_act = a["file.quit"]
        self.recent_menu = QMenu("Open &Recent", menu)
        self.recent_menu.setObjectName("menu.recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.export_menu = QMenu("&Export", menu)
        self.export_menu.setObjectName("menu.export")
        for i in ("file.export_plots", "file.export_traces", "file.export_weights"):
            self.export_menu.addAction(a[i])
        before = quit_act
        for item in (self.recent_menu, None, a["file.open_project"], a["file.save_project"],
                     a["file.save_project_as"], a["file.save_model"], None, self.export_menu,
                     a["file.import_weights"], None):
            if item is None:
                menu.insertSeparator(before)
            elif isinstance(item, QMenu):
                menu.insertMenu(before, item)
            else:
                menu.insertAction(before, item)
        edit = next((m for m in self.w.menuBar().findChildren(QMenu) if m.title().replace("&", "") == "Edit"), None)
        if edit is not None:
            edit.addSeparator()
            edit.addAction(a["edit.preferences"])
        self._fill_recent_menu()
        menu.aboutToShow.connect(self._hide_other_recent_menus)
        self.w.open_path = self.open_path  # other modules' recent lists route files through here

    def _hide_other_recent_menus(self) -> None:
        """Only one "Open Recent" submenu (this one: it also drops missing files)."""
        for act in self.file_menu.actions():
            m = act.menu()
            if m is not None and m is not self.recent_menu and \
                    act.text().replace("&", "").lower() == "open recent":
                act.setVisible(False)

    def _install_drop(self) -> None:
        self.w.setAcceptDrops(True)
        self.w.installEventFilter(self)
        self.w.text_edit.viewport().installEventFilter(self)

    # ------------------------------------------------------------------ messages
    def error(self, text: str) -> None:
        self.last_error = text
        self.w.show_message(text)

    def info(self, text: str) -> None:
        self.w.show_message(text)

    # ------------------------------------------------------------------ drag and drop
    @staticmethod
    def _dropped_files(ev) -> list[str]:
        md = ev.mimeData()
        if md is None or not md.hasUrls():
            return []
        return [u.toLocalFile() for u in md.urls() if u.isLocalFile()]

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 - Qt
        t = ev.type()
        if t in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if self._dropped_files(ev):
                ev.acceptProposedAction()
                return True
        elif t == QEvent.Type.Drop:
            files = self._dropped_files(ev)
            if files:
                ev.acceptProposedAction()
                if len(files) > 1:
                    self.info(f"Opening {Path(files[0]).name} (one file at a time; {len(files) - 1} more ignored)")
                self.open_path(files[0])
                return True
        return super().eventFilter(obj, ev)

    # ------------------------------------------------------------------ recent files
    def recent_files(self) -> list[str]:
        raw = settings.get_str(RECENT_KEY, "")
        return [p for p in raw.split("\n") if p]

    def _set_recent(self, paths: list[str]) -> None:
        settings.set_value(RECENT_KEY, "\n".join(paths[:MAX_RECENT]))

    def add_recent(self, path: str) -> None:
        p = str(Path(path).resolve())
        self._set_recent([p] + [q for q in self.recent_files() if q != p])

    def _fill_recent_menu(self) -> None:
        m = self.recent_menu
        m.clear()
        files = self.recent_files()
        for i, p in enumerate(files):
            act = m.addAction(f"&{(i + 1) % 10} {Path(p).name}")
            act.setToolTip(p)
            act.setStatusTip(p)
            act.setData(p)
            act.triggered.connect(lambda _c=False, p=p: self.open_recent(p))
        if not files:
            act = m.addAction("(no recent files)")
            act.setEnabled(False)
        else:
            m.addSeparator()
            m.addAction("Clear list", lambda: (self._set_recent([]), self._fill_recent_menu()))

    def open_recent(self, path: str) -> bool:
        if not _is_file(path):
            self._set_recent([q for q in self.recent_files() if q != path])
            self._fill_recent_menu()
            self.error(f"{path}: no longer exists; removed from the recent files")
            return False
        return self.open_path(path)

    # ------------------------------------------------------------------ open
    def open_dialog(self) -> None:
        start = str(Path(self.recent_files()[0]).parent) if self.recent_files() else str(self.w.models_dir)
        path, _ = QFileDialog.getOpenFileName(self.w, "Open", start, OPEN_FILTER)
        if path:
            self.open_path(path)

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Open project", self._project_folder(),
                                              "rnnviz projects (*.rnnviz);;All files (*)")
        if path:
            self.open_project_file(path)

    def open_project_file(self, path: str, recovery: bool = False) -> bool:
        return self.open_path(path, expect="project", recovery=recovery)

    def busy(self) -> bool:
        return self.job is not None

    def open_path(self, path, expect: str | None = None, recovery: bool = False) -> bool:
        """Read ``path`` in the background and apply it; False (and a message) if it cannot start.

        The result arrives later (``opened`` / ``load_finished``); tests call :meth:`wait`."""
        path = str(path)
        if self.job is not None:
            self.error(f"Still reading {Path(self.job.path).name}; wait for it or press Cancel.")
            return False
        try:
            kind = path_kind(path)
            if expect == "project" and kind != "project" and not recovery:
                kind = "project"  # load_project says what is wrong with it
            if kind in ("table", "text") and self.w.training.worker is not None and \
                    self.w.training.state() in ("running", "paused"):
                raise RnnvizError(f"{path}: a training run is in progress; press Reset in the Training tab "
                                  "before training on another file")
            if kind in ("weights", "torch") and self._target_model() is None:
                raise RnnvizError(f"{path}: open a model first; the weights are imported into the model on screen")
        except RnnvizError as exc:
            self.error(f"Cannot open {Path(path).name}: {exc}")
            return False
        panel = self.w.training
        seq_len, seed = panel.length_spin.value(), panel.seed_spin.value()
        if kind == "project":
            def fn(progress):
                from rnnviz.data.textfile import report
                from rnnviz.project import load_project

                report(progress, 0.05, path)
                proj = load_project(path)
                report(progress, 1.0, path)
                return Loaded("project", path, proj, f"project {Path(path).name}")
        else:
            def fn(progress):
                return read_for_open(path, progress, seq_len=seq_len if kind == "text" else None, seed=seed)
        job = BackgroundLoad(fn, self)
        job.path = path
        job.recovery = recovery
        self.job = job
        dlg = QProgressDialog(f"Reading {Path(path).name}\u2026", "Cancel", 0, 100, self.w)
        dlg.setObjectName("dialog.progress")
        dlg.setWindowTitle("Opening")
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(400)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.setValue(0)  # starts the timer that shows the dialog after the minimum duration
        dlg.canceled.connect(job.cancel)
        # Progress goes to the bar, not to dlg.setValue: once shown, a window-modal
        # QProgressDialog's setValue() runs QCoreApplication::processEvents(), so the end of the
        # load (_end_job -> deleteLater) could be handled, and the dialog deleted, inside its own
        # setValue (a segmentation fault). The file is read in a thread: nothing needs pumping.
        job.progress.connect(dlg.findChild(QProgressBar).setValue)
        self.progress_dialog = dlg
        job.finished.connect(self._on_loaded)
        job.failed.connect(self._on_load_failed)
        job.cancelled.connect(self._on_load_cancelled)
        self.info(f"Reading {path}\u2026")
        job.start()
        return True

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def wait(self, timeout_ms: int = 60_000) -> None:
        """Process events until the current load has been applied (tests, scripts)."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop

        deadline = QDeadlineTimer(timeout_ms)
        while self.job is not None and not deadline.hasExpired():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

    def _end_job(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.reset()
            self.progress_dialog.hide()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        if self.job is not None:
            self.job.deleteLater()
        self.job = None
        self.load_finished.emit()

    def _on_load_failed(self, msg: str) -> None:
        path = self.job.path if self.job is not None else ""
        self._end_job()
        if path and path not in msg:
            msg = f"{path}: {msg}"
        self.error(f"Cannot open {Path(path).name}: {msg}" if path else msg)

    def _on_load_cancelled(self) -> None:
        path = self.job.path if self.job is not None else ""
        self._end_job()
        self.info(f"Cancelled opening {path}; nothing changed.")

    def _on_loaded(self, loaded: Loaded) -> None:
        recovery = getattr(self.job, "recovery", False)
        self._end_job()
        try:
            if loaded.kind == "project":
                applied = self._apply_project(loaded, recovery)
            else:
                applied = getattr(self, f"_apply_{loaded.kind}")(loaded)
        except RnnvizError as exc:
            self.error(f"Cannot open {Path(loaded.path).name}: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 - a bug, not the file: say so, never a traceback
            logging.getLogger(__name__).exception("applying %s", loaded.path)
            self.error(f"Something went wrong opening {Path(loaded.path).name} "
                       f"({type(exc).__name__}: {exc}); please report it")
            return
        if applied is False:
            return
        if not recovery:
            self.add_recent(loaded.path)
        self.opened.emit(loaded.kind, loaded.path)

    # ------------------------------------------------------------------ apply what was read
    def _apply_model(self, loaded: Loaded) -> bool:
        if self.w.compare_mode:
            self.w.set_compare_mode(False)
        return self.w.load_model_file(loaded.path)

    def _target_model(self):
        """The model weights are imported into: the Training tab's run when that tab is shown and
        not running, else the live view's model."""
        panel = self.w.training
        if self.w.tabs.currentWidget() is panel and panel.worker is not None and panel.state() != "running":
            return panel.worker.model
        return self.w.model

    def _apply_weights(self, loaded: Loaded) -> bool:
        from rnnviz.ui.export import import_weights

        model = self._target_model()
        target = "training run" if model is not self.w.model else self.w.model_name
        n = import_weights(model, loaded.payload, loaded.path)
        done = f"Imported {n} tensors from {Path(loaded.path).name} into the {model.net.cell.upper()} model ({target})"
        unread = len(loaded.payload) - n if isinstance(loaded.payload, dict) else 0
        if unread > 0:
            done += (f"; {unread} other tensor(s) in the file were not read (only the recurrent network's "
                     "weights are imported: the encoder and readout keep theirs)")
        if model is self.w.model:
            base = self.w.given_model_name().split(" + ")[0]  # weights imported again replace the last ones
            if not self._show_imported(f"{base} + {Path(loaded.path).stem}"):
                self.error(f"{done}, but it cannot be shown with them: {self.w.status_text()}")
                return True
        self.info(done + ".")
        return True

    def _show_imported(self, name: str) -> bool:
        """Show the Memory tab's model again after its weights were replaced: it is no longer its
        file's model (nor a training run's copy), so it becomes a model of this session called
        ``name`` (the selector's file entry opens the file's weights again; File > Save Model As
        saves these). False if it cannot be shown."""
        self._shown_run = (None, None, None)  # the run's ||dL/dh_t|| are not these weights'
        w = self.w
        for p, m in self._project_models.items():  # changed: no project holds these weights
            if m is w.model:
                self._project_models[p] = None
        layer, direction = w.live.layer, w.live.direction
        if not w.show_model(w.model, name):
            return False
        w.set_layer_direction(layer, direction)  # (a wrong layer is a message there, never raised)
        return True

    def _use_data(self, task: str, loaded: Loaded, fields: dict, label: str, dataset) -> None:
        from rnnviz.training.config import TrainConfig
        from rnnviz.training.loop import prime_dataset

        panel = self.w.training
        cfg = TrainConfig(task=task, seed=panel.seed_spin.value(), **fields)
        prime_dataset(cfg, dataset)
        panel.set_data_source(task, label, fields, hint=loaded.summary)
        self.w.tabs.setCurrentWidget(panel)

    def _apply_text(self, loaded: Loaded) -> bool:
        name = Path(loaded.path).name
        fields = {"corpus": loaded.path, "tokens": "char", "max_vocab": None}
        self._use_data("text", loaded, fields, f"text file: {name}", loaded.payload)
        self.info(f"Training data: {loaded.summary}. Press Start (Space) to train a language model on it.")
        return True

    def _apply_labelled(self, loaded: Loaded) -> bool:
        name = Path(loaded.path).name
        fields = {"corpus": loaded.path, "tokens": "word", "max_vocab": None}
        self._use_data("classify", loaded, fields, f"labelled CSV: {name}", loaded.payload)
        self.info(f"Training data: {loaded.summary}. Press Start (Space) to train a classifier on it.")
        return True

    def choose_series_options(self, table) -> tuple[dict, object] | None:
        """Ask for columns, window, horizon, normalisation: (options, SeriesDataset) or None
        (cancelled). Tests replace this."""
        from rnnviz.ui.data_source import SeriesDialog

        dlg = SeriesDialog(table, self.w)
        if dlg.exec() != SeriesDialog.DialogCode.Accepted or dlg.dataset is None:
            return None
        return dlg.options(), dlg.dataset

    def _apply_series(self, loaded: Loaded) -> bool:
        from rnnviz.ui.data_source import build_series, describe_series

        table = loaded.payload
        chosen = self.choose_series_options(table)
        if chosen is None:
            self.info(f"Not using {Path(loaded.path).name}; nothing changed.")
            return False
        opts, ds = chosen
        if ds is None:
            ds = build_series(table, opts)
        fields = {"corpus": loaded.path, "series_inputs": tuple(opts["series_inputs"]),
                  "series_targets": tuple(opts["series_targets"]), "horizon": int(opts["horizon"]),
                  "normalise": bool(opts["normalise"])}
        panel = self.w.training
        from rnnviz.training.config import TrainConfig
        from rnnviz.training.loop import prime_dataset

        prime_dataset(TrainConfig(task="series", length=int(opts["window"]), **fields), ds)
        panel.length_spin.setValue(int(opts["window"]))
        hint = loaded.summary + "\n" + describe_series(ds)
        panel.set_data_source("series", f"series: {Path(loaded.path).name}", fields, hint=hint)
        self.w.tabs.setCurrentWidget(panel)
        n = ds.normalisation
        norm = ("z-scored: " + ", ".join(f"{c} (x\u2212{m:.3g})/{s:.3g}" for c, m, s in
                                         zip(n["columns"], n["mean"], n["std"]))
                if n["method"] == "zscore" else "not normalised")
        self.info(f"Training data: {Path(loaded.path).name}: predict {', '.join(n['target_columns'])} "
                  f"{n['horizon']} row(s) ahead from {', '.join(n['input_columns'])}, windows of {n['window']}; "
                  f"{norm}.")
        return True

    # ------------------------------------------------------------------ projects
    def _project_folder(self) -> str:
        if self.project_path:
            return str(Path(self.project_path).parent)
        return str(Path.home())

    def view_state(self) -> dict:
        w = self.w
        return {"tab": w.tabs.currentIndex(), "text": w.text_edit.toPlainText(),
                "layer": int(w.live.layer), "direction": int(w.live.direction),
                "live_model": str(w.model_path) if w.model_path else "",
                "training_tab": w.training.tabs.currentIndex()}

    def live_model_copy(self) -> tuple[object, str]:
        """(a copy of the Memory tab's model, its name) when that model has no file (a model of
        this session: a training run's copy, one with imported weights), which a project then
        holds itself; (None, "") when it is a file's (the project names the file) or none is
        shown. Copied now: what is on screen when the user saves is what the file keeps. The
        name is the model's base name (the one it was given, without the selector's `` (2)``),
        so opening the project again does not add a suffix to a suffix."""
        model = self._shown_session_model()
        if model is None:
            return None, ""
        return _Weights({k: v.copy() for k, v in model.params.items()}, model.to_config()), self.w.given_model_name()

    def collect_project(self, done, dropped=None) -> None:
        """Build a :class:`~rnnviz.project.Project` of the current state and call ``done(project)``
        — at once without a run, else when the training thread has copied its weights and
        optimiser state between two steps; ``dropped()`` instead if the run goes away first."""
        from rnnviz.project import Project, history_state

        panel = self.w.training
        view = self.view_state()
        live, live_name = self.live_model_copy()
        worker = panel.worker
        if worker is None:
            try:
                cfg = panel.config_from_form()
            except RnnvizError:
                cfg = None
            done(Project(config=cfg, view=view, history=history_state(panel.history), live_model=live,
                         live_model_name=live_name))
            return
        model_config = worker.model.to_config()
        history = history_state(panel.history)

        def finish(cap) -> None:
            model = _Weights(cap["params"], model_config)
            done(Project(config=cap["config"], model=model, optimizer_state=cap["optimizer"], step=cap["step"],
                         history=history, view=view, live_model=live, live_model_name=live_name))

        self._capture(worker, finish, dropped)

    def _capture(self, worker, done, dropped=None) -> None:
        """Call ``done(cap)`` when ``worker`` has copied its weights, optimiser state, step and
        config between two steps (``cap``: see TrainingWorker.capture), or ``dropped()`` if the
        Training panel lets go of ``worker`` first (Reset, a new run): a copy never comes from
        one run to another's waiting callbacks."""
        if self._capture_worker is not worker:
            self._drop_captures()
            worker.captured.connect(self._on_captured)
            self._capture_worker = worker
        self._capture_waiting.append((done, dropped))
        worker.capture()

    def _drop_captures(self) -> None:
        """The run asked for copies is gone: tell every waiting caller (``dropped``)."""
        waiting, self._capture_waiting = self._capture_waiting, []
        for _, dropped in waiting:
            if dropped is not None:
                dropped()

    def _on_captured(self, cap) -> None:
        if self.sender() is not None and self.sender() is not self._capture_worker:
            return  # a run let go of since it was asked
        waiting, self._capture_waiting = self._capture_waiting, []
        for done, _ in waiting:  # each on its own: one failing never stops a save after it
            try:
                done(cap)
            except RnnvizError as exc:
                self.error(str(exc))
            except Exception as exc:  # noqa: BLE001 - a bug: say so, never a traceback
                logging.getLogger(__name__).exception("using a copy of the run")
                self.error(f"Something went wrong with the copy of the training run "
                           f"({type(exc).__name__}: {exc}); please report it")

    def write_project(self, path: str, project, recovery: bool = False) -> bool:
        from rnnviz.project import save_project

        try:
            save_project(path, project)
        except RnnvizError as exc:
            self.error(("Autosave failed: " if recovery else "Could not save the project: ") + str(exc)
                       + ("" if recovery else "; the previous file is unchanged"))
            return False
        except OSError as exc:
            self.error(f"Could not save the project: cannot save {path}: {exc.strerror or exc}")
            return False
        if not recovery:
            self.project_path = str(path)
            self.add_recent(str(path))
            self.info(f"Saved the project to {path}")
            self.w.setWindowTitle(f"rnnviz \u2014 {Path(path).name}")
            self.project_saved.emit(str(path))
        return True

    def save_project(self, path: str | None = None, then=None) -> None:
        """Save to ``path`` (default: the project's file, else ask for one); ``then()`` is called
        once the file has been written (not when the save was cancelled or failed)."""
        path = path or self.project_path
        if not path:
            self.save_project_as(then)
            return
        key = self._history_key()
        held = self._shown_session_model()  # what the project will hold (copied now, in collect_project)

        def write(proj) -> None:
            if self.write_project(path, proj):
                self._saved_key = key
                self._project_models[resolved_path(path)] = held
                if then is not None:
                    then()

        def dropped() -> None:
            self.error(f"The training run was reset before it could be saved; {path} was not written.")
        self.collect_project(write, dropped)

    def save_project_as(self, then=None) -> None:
        path, _ = QFileDialog.getSaveFileName(self.w, "Save project", os.path.join(self._project_folder(),
                                              "project.rnnviz"), "rnnviz projects (*.rnnviz)")
        if path:
            if not path.endswith(".rnnviz"):
                path += ".rnnviz"
            self.save_project(path, then)

    def _shown_session_model(self):
        """The Memory tab's model when it is a model of this session (which a project saved now
        holds), else None."""
        w = self.w
        return w.model if w.model is not None and w.model_path is None else None

    def kept_in_project(self, model) -> bool:
        """Whether the model of this session ``model`` is held by a project file, as saved (File >
        Save Project, not the recovery file) or opened in this window: quitting does not lose it.
        A session model's weights do not change once shown (imported weights forget it, see
        :meth:`_show_imported`), so the object saved is enough; a project saved again without it
        no longer counts."""
        return model is not None and any(m is model for m in self._project_models.values())

    def _history_key(self) -> tuple:
        h = self.w.training.history
        return h.run, h.version

    def unsaved_run(self) -> int:
        """The number of steps of a training run not saved to a project since they were trained
        (0: nothing would be lost by closing)."""
        panel = self.w.training
        if panel.worker is None or not len(panel.history) or self._history_key() == self._saved_key:
            return 0
        return panel.steps_trained()  # steps, not history records (thinned on long runs)

    def ask_unsaved_run(self, steps: int) -> str:
        """Ask what to do with an unsaved run before quitting: "save", "discard" or "cancel"
        (tests replace this)."""
        B = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Warning, "Save the training run?",
                          f"The training run ({steps} steps) has not been saved to a project.",
                          B.Save | B.Discard | B.Cancel, self.w)
        box.setInformativeText("Save it before quitting? Discard loses the run; Cancel keeps rnnviz open.")
        box.setDefaultButton(B.Save)
        box.setObjectName("dialog.unsaved_run")
        answer = box.exec()
        return {B.Save: "save", B.Discard: "discard"}.get(B(answer), "cancel")

    def _apply_project(self, loaded: Loaded, recovery: bool = False) -> bool:
        from rnnviz.project import restore_history
        from rnnviz.ui.training_views import TrainingHistory

        proj = loaded.payload
        w, panel = self.w, self.w.training
        name = Path(loaded.path).name
        # everything that can fail first; nothing has changed yet
        view = self._check_view(proj.view, name)
        check = TrainingHistory()
        restore_history(check, proj.history, loaded.path)
        cfg = proj.config
        notes = []
        if cfg is not None and cfg.task in DATA_TASKS and cfg.corpus not in ("brackets", "sentiment") \
                and not _is_file(cfg.corpus):
            notes.append(f"its data file {cfg.corpus} is missing, so training cannot go on until it is back")
        live_model = view.get("live_model") or ""
        live_model_found = bool(live_model) and _is_file(live_model)
        old_sources = dict(panel._data_sources)
        try:
            if cfg is not None and cfg.task in DATA_TASKS and cfg.corpus not in ("brackets", "sentiment"):
                fields = {k: getattr(cfg, k) for k in ("corpus", "tokens", "max_vocab", "series_inputs",
                                                       "series_targets", "horizon", "normalise")}
                label = {"text": "text file", "classify": "labelled CSV", "series": "series"}[cfg.task]
                panel.set_data_source(cfg.task, f"{label}: {Path(cfg.corpus).name}", fields,
                                      hint=f"from the project {name}: {cfg.corpus}")
            if proj.model is not None and cfg is not None:
                panel.adopt_run(cfg, proj.model, proj.optimizer_state, proj.step)
            else:
                panel.reset()
                if cfg is not None:
                    panel.set_config(cfg)
        except RnnvizError:
            panel._data_sources = old_sources
            raise
        restore_history(panel.history, proj.history, loaded.path)
        panel.redraw(force=True)
        if proj.history and panel.history.latest is not None:
            panel.show_snapshot(panel.history.latest, record=False)
            self._say_restored(name, proj)
        if proj.live_model is not None:  # a model of the session saved, not a file's: shown again
            # (the entry of this window's model of that name and weights, if it has one: the same
            # project opened twice adds no second entry)
            shown = w.session_model_like(proj.live_model, proj.live_model_name) or proj.live_model
            if not w.show_model(shown, proj.live_model_name):
                shown = None
                notes.append(f"the model {proj.live_model_name} shown in the Memory tab could not be shown "
                             f"({w.status_text()})")
        elif live_model_found and (w.model_path is None or resolved_path(live_model) != w.model_path):
            if not w.load_model_file(live_model):
                notes.append(f"the model {live_model} shown in the Memory tab could not be opened")
        elif live_model and not live_model_found:
            notes.append(f"the model {live_model} shown in the Memory tab is missing")
        if "text" in view:
            w.replace_text(view["text"])
        if w.model is not None:
            try:  # a layer the model on screen lacks (its file was missing) wraps round
                w.set_layer_direction(view.get("layer", 0) % w.model.net.num_layers,
                                      view.get("direction", 0) % w.model.net.num_directions)
            except RnnvizError:
                pass
        if "tab" in view:
            w.tabs.setCurrentIndex(view["tab"])
        if "training_tab" in view:
            panel.tabs.setCurrentIndex(view["training_tab"])
        w.flush()
        if not recovery:
            self.project_path = loaded.path
            self._saved_key = self._history_key()  # the run is the file's (recovered work is not saved)
            self._project_models[resolved_path(loaded.path)] = shown if proj.live_model is not None else None
            w.setWindowTitle(f"rnnviz \u2014 {name}")
        msg = f"{'Recovered the autosaved work' if recovery else 'Opened the project ' + name}"
        if proj.model is not None:
            msg += f" (step {proj.step})"
        self.info(msg + ("; note: " + "; ".join(notes) if notes else "") + ".")
        return True

    def _say_restored(self, name: str, proj) -> None:
        """The Training banner after a project's run was restored: what Start does, or (in the
        error style) why it cannot go on yet, e.g. the run's data file is missing."""
        panel = self.w.training
        if proj.model is None:
            panel.show_message(f"Restored the history from {name}.")
            return
        refusal = panel.data_refusal()
        if refusal is None:
            panel.show_message(f"Restored from {name}: step {proj.step}. Press Start (Space) to continue training.")
        else:
            panel.show_message(f"Restored from {name}: step {proj.step}. {refusal}", error=True)

    def _check_view(self, view, name: str) -> dict:
        """The project's view settings, each checked (type and range) before anything is applied;
        RnnvizError naming every bad field. Unknown fields are ignored (a newer rnnviz)."""
        if view is None:
            return {}
        if not isinstance(view, dict):
            raise RnnvizError(f"{name}: the view settings are not an object")

        def is_int(v) -> bool:
            return isinstance(v, int) and not isinstance(v, bool)

        checks = {
            "text": (lambda v: isinstance(v, str), "a text"),
            "live_model": (lambda v: isinstance(v, str), "a model file's path (a text)"),
            "layer": (lambda v: is_int(v) and v >= 0, "a layer number (0, 1, ...)"),
            "direction": (lambda v: is_int(v) and v in (0, 1), "a direction (0 forward or 1 backward)"),
            "tab": (lambda v: is_int(v) and 0 <= v < self.w.tabs.count(),
                    f"a tab number from 0 to {self.w.tabs.count() - 1}"),
            "training_tab": (lambda v: is_int(v) and 0 <= v < self.w.training.tabs.count(),
                             f"a Training tab number from 0 to {self.w.training.tabs.count() - 1}"),
        }
        bad = [f"'{key}' is {_short_repr(view[key])}, not {want}"
               for key, (ok, want) in checks.items() if key in view and not ok(view[key])]
        if bad:
            raise RnnvizError("its view settings are damaged: " + "; ".join(bad) + "; nothing was changed")
        return {k: view[k] for k in checks if k in view}

    # ------------------------------------------------------------------ models
    def show_run_in_memory(self) -> None:
        """Training > Type into this model: show the training run's model, with its weights as
        of now (copied between two steps; training goes on), in the Memory tab. Models that
        read numbers (series, adding, ...) cannot be typed into: a message says so."""
        worker = self.w.training.worker
        refusal = self.w.training.show_in_memory_refusal()
        if refusal is not None:
            self.error(refusal)
            return
        config = worker.model.to_config()

        def finish(cap) -> None:
            from rnnviz.engine.model import model_from_config

            try:
                model = model_from_config(config)
                model.load_state_dict(cap["params"])
            except RnnvizError as exc:
                raise RnnvizError(f"Cannot show the run's model: {exc}") from None
            from rnnviz.ui.training_panel import CELL_CHOICES

            cell = dict(CELL_CHOICES).get(model.net.cell, model.net.cell)
            name = f"{Path(cap['config'].corpus).stem} ({cell}), step {cap['step']}"
            if self.w.compare_mode:
                self.w.set_compare_mode(False)
            if self.w.show_model(model, name):
                # the run's ||dL/dh_t|| as of this copy: what Export > Traces attaches to it
                self._shown_run = (worker, model, self.w.training.history.latest)
                self.w.tabs.setCurrentIndex(0)
                self.info(f"{self.w.status_text()}. Type to watch it; File > Save Model As saves it.")

        self._capture(worker, finish, lambda: self.error("The training run was reset before its model could "
                                                          "be copied; nothing was shown."))

    def save_model(self, path) -> bool:
        """Save the Memory tab's model to ``path`` (``.npz`` added unless it ends so); the model
        is then that file's (the selector and projects name it)."""
        w = self.w
        if w.model is None:
            self.error("No model is shown in the Memory tab; nothing to save.")
            return False
        path = _model_file(path)
        try:
            w.model.save(path)
        except RnnvizError as exc:
            self.error(f"Could not save the model: {exc}")
            return False
        self.add_recent(str(path))
        name = w.model_name
        w.rename_model(path.stem, path)  # now that file's model, in every panel
        self.info(f"Saved the model {name} to {path}"
                  + (" (the Memory tab's model; compare mode shows others)" if w.compare_mode else ""))
        return True

    def save_model_dialog(self) -> None:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.w.given_model_name()).strip("_") or "model"
        path, _ = QFileDialog.getSaveFileName(self.w, "Save model", os.path.join(self._project_folder(),
                                              f"{name}.npz"), "rnnviz models (*.npz)")
        path = self._typed_path(path, ".npz")
        if path:
            self.save_model(path)

    def _typed_path(self, typed: str, suffix: str) -> str | None:
        """The file a save dialog's answer ``typed`` means: ``suffix`` added unless it ends so
        (the file filter names it, and File > Open tells files by it); None when nothing was
        typed, or when that name is another existing file (the dialog asked about the name
        typed, not this one) and the person keeps it."""
        if not typed:
            return None
        target = _with_suffix(typed, suffix)
        if str(target) != typed and target.exists() and not self.ask_overwrite(str(target)):
            return None
        return str(target)

    def ask_overwrite(self, path: str) -> bool:
        """Whether to replace the file ``path`` (tests replace this)."""
        B = QMessageBox.StandardButton
        return QMessageBox.question(self.w, "Replace the file?", f"{path} already exists. Replace it?",
                                    B.Yes | B.No, B.No) == B.Yes

    # ------------------------------------------------------------------ export / import
    def _ask_folder(self, title: str) -> str:
        return QFileDialog.getExistingDirectory(self.w, title, self._project_folder())

    def export_plots(self, folder) -> list:
        from rnnviz.ui.export import export_plots

        tab = self.w.tabs.currentWidget()
        try:
            files = export_plots(tab, folder)
        except RnnvizError as exc:
            self.error(f"Could not export the plots: {exc}")
            return []
        self.info(f"Saved {len(files) // 2} plots as PNG and SVG to {folder}")
        return files

    def export_plots_dialog(self) -> None:
        folder = self._ask_folder("Export plots to folder")
        if folder:
            self.export_plots(folder)

    def export_traces(self, npz_path, csv_folder=None) -> list:
        """Save the traces of the text on screen, as the visible panel has read it: the live
        model's (with the training run's latest ||dL/dh_t||), or in compare mode each compare
        model's, to ``<name>_<model>.npz`` beside ``npz_path`` (CSV files in ``csv_folder/<model>``;
        the training run's norms are another model's, so they are not attached).

        All files or none: everything is written to a hidden folder beside ``npz_path`` first
        and moved into place only when every file was written. The CSV files an earlier export
        wrote into the CSV folder and this one does not (another model's layers) are removed in
        the same move, so the folder holds one model's traces; other files are left alone."""
        w = self.w
        w.flush()  # the text typed so far, not an older one still waiting to be run
        npz_path = Path(npz_path)
        try:
            if not w.compare_mode:
                # the run's ||dL/dh_t|| belong to its model: only with the copy shown from it,
                # and those of when it was copied
                worker, model, snapshot = self._shown_run
                norms = snapshot if model is not None and (worker, model) == (w.training.worker, w.model) else None
                jobs = [(w.live, w.model_name, npz_path, csv_folder, norms)]
            else:
                panels = list(w.compare.panels)
                if not panels:
                    raise RnnvizError("no compare models are shown")
                jobs = [(p, p.name, npz_path.with_name(f"{npz_path.stem}_{p.name}{npz_path.suffix or '.npz'}"),
                         None if csv_folder is None else Path(csv_folder) / p.name, None) for p in panels]
            for panel, name, *_ in jobs:
                self._check_read(panel, name)  # every model first
            files, removed = _export_staged(jobs)
        except _PartlyRestored as exc:  # the message says where the earlier files are
            self.error(f"Could not export the traces: {exc}")
            return []
        except RnnvizError as exc:
            self.error(f"Could not export the traces: {exc}; nothing was saved")
            return []
        n_csv = sum(1 for f in files if f.suffix == ".csv")
        csv_note = f" and {n_csv} CSV files to {csv_folder}" if csv_folder else ""
        if removed:
            csv_note += (f" (removed {len(removed)} old trace file{'s' if len(removed) != 1 else ''} an "
                         "earlier export wrote there that this model does not have)")
        others = _unlisted_trace_files([Path(job[3]) for job in jobs if job[3] is not None], files)
        if others:
            csv_note += (f"; note: {len(others)} other file{'s' if len(others) != 1 else ''} named like traces "
                         f"({', '.join(p.name for p in others[:3])}{', ...' if len(others) > 3 else ''}) "
                         f"{'were' if len(others) != 1 else 'was'} left alone: no rnnviz export's list "
                         "names them")
        if not w.compare_mode:
            self.info(f"Saved the traces to {npz_path}{csv_note}")
        else:
            self.info(f"Saved the traces of the compare models ({', '.join(name for _, name, *_ in jobs)}) to "
                      + ", ".join(str(path) for _, _, path, _, _ in jobs) + csv_note)
        return files

    def _check_read(self, panel, name: str) -> None:
        """RnnvizError unless ``panel`` (the live view or a compare column) has read the text on
        screen (a model that refused the text keeps its previous result)."""
        result = getattr(panel, "result", None)
        if result is not None and result.text != self.w.text_edit.toPlainText():
            raise RnnvizError(f"{name or 'the model'} has not read the text shown (the status bar said why)")

    def export_traces_dialog(self) -> None:
        title = ("Export traces of the compare models (one file per model, named after this one)"
                 if self.w.compare_mode else "Export traces")
        path, _ = QFileDialog.getSaveFileName(self.w, title, os.path.join(self._project_folder(),
                                              "traces.npz"), "NumPy archives (*.npz)")
        path = self._typed_path(path, ".npz")
        if not path:
            return
        folder = str(Path(path).with_suffix("")) + "_csv"
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            self.error(f"Could not export the traces: cannot create {folder}: {exc.strerror or exc}")
            return
        self.export_traces(path, folder)

    def export_weights(self, path) -> bool:
        from rnnviz.ui.export import export_weights

        model = self._target_model()
        try:
            export_weights(model, path)
        except RnnvizError as exc:
            self.error(f"Could not export the weights: {exc}")
            return False
        self.info(f"Saved the weights to {path} (PyTorch names; safetensors.torch.load_file reads it)")
        return True

    def export_weights_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.w, "Export weights", os.path.join(self._project_folder(),
                                              "weights.safetensors"), "safetensors (*.safetensors)")
        path = self._typed_path(path, ".safetensors")
        if path:
            self.export_weights(path)

    def import_weights_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Import PyTorch weights", self._project_folder(),
                                              "PyTorch weights (*.safetensors *.pt *.pth)")
        if path:
            self.open_path(path)

    def preferences_dialog(self) -> None:
        from rnnviz.ui.autosave import PreferencesDialog

        PreferencesDialog(self.autosave, self.w).exec()

    # ------------------------------------------------------------------ session
    def _on_run_changed(self) -> None:
        if self._capture_worker is not None and self.w.training.worker is not self._capture_worker:
            self._drop_captures()  # Reset, a new run or a project's: the old run will not answer

    def _on_training_state(self, state: str) -> None:
        if self.w.training.worker is None:
            # Reset: the run was thrown away, nothing to offer after a crash (a run replaced by a
            # project's, whose own recovery file this may be, never passes here without a run)
            self.autosave.discard()
        if state == "running" and self.autosave.interval() and not self.autosave.timer.isActive():
            self.autosave.timer.start(self.autosave.interval() * 1000)

    def startup(self) -> bool:
        """App start: offer to restore autosaved work after an unclean exit."""
        return self.autosave.startup()

    def shutdown(self) -> None:
        """Clean close: stop loading, stop autosave, remove the crash marker."""
        if self.job is not None:
            self.job.cancel()
            self.job.wait(5000)
            self.job = None
        self.autosave.clean_exit()


def _export_staged(jobs) -> tuple[list[Path], list[Path]]:
    """Run :func:`rnnviz.ui.export.export_traces` for every ``(panel, name, npz_path, csv_folder,
    step_norms)``, all or nothing: every file is written into a hidden staging folder inside its
    target folder (so moving it into place is a rename), then the files are moved into place,
    the ones they replace set aside, and so are the CSV files an earlier export wrote into a CSV
    folder that this one does not write again (:func:`~rnnviz.ui.export.earlier_trace_files`:
    listed by that export's manifest and named as trace files, so never a file of the user's);
    if a move fails everything set aside is put back. Returns (the files in place, the earlier
    files removed); RnnvizError, naming the real target, with no file changed. The staging
    folders are removed (with the files set aside in them), except one holding a set-aside file
    that could not be put back: that folder is kept (each such file under its own name) and
    the error (:class:`_PartlyRestored`) names it."""
    import shutil
    import tempfile

    from rnnviz.ui.export import earlier_trace_files, export_traces

    stagings: dict[Path, Path] = {}  # target folder -> its staging folder
    keep: set[Path] = set()          # set-aside boxes holding an earlier file not put back
    shown_as: dict[str, str] = {}    # staged path -> the target it stands for, for messages

    def staging_in(folder: Path) -> Path:
        if folder not in stagings:
            stagings[folder] = Path(tempfile.mkdtemp(prefix=".rnnviz-export-", dir=folder))
        return stagings[folder]

    def named(message: str) -> str:
        for staged, target in shown_as.items():
            message = message.replace(staged, target)
        return message

    try:  # an OSError out of these checks too (a name too long) is a message
        for _, _, npz_path, csv_folder, _ in jobs:  # what is in the way is refused, never moved aside
            if Path(npz_path).is_dir():
                raise RnnvizError(f"cannot save {npz_path}: it is a folder; give a file name")
            if csv_folder is not None and Path(csv_folder).exists() and not Path(csv_folder).is_dir():
                raise RnnvizError(f"cannot save in {csv_folder}: it is a file, not a folder")
        moves = []  # (staged file, its place)
        stale = []  # files of an earlier export in a CSV folder, not written again: removed
        try:
            for n, (panel, model_name, npz_path, csv_folder, step_norms) in enumerate(jobs):
                npz_path = Path(npz_path)
                box = staging_in(npz_path.parent if str(npz_path.parent) else Path(".")) / str(n)
                box.mkdir()
                shown_as[str(box / npz_path.name)] = str(npz_path)
                csv_box = None
                if csv_folder is not None:
                    csv_folder = Path(csv_folder)
                    csv_folder.mkdir(parents=True, exist_ok=True)
                    csv_box = staging_in(csv_folder) / f"csv{n}"
                    csv_box.mkdir()
                    shown_as[str(csv_box)] = str(csv_folder)
                written = export_traces(panel, box / npz_path.name, csv_box, step_norms=step_norms,
                                        model_name=model_name)
                for f in written:
                    moves.append((f, npz_path if f.parent == box else csv_folder / f.name))
                if csv_folder is not None:
                    again = {f.name for f in written if f.parent == csv_box}
                    stale += [p for p in earlier_trace_files(csv_folder) if p.name not in again]
        except RnnvizError as exc:
            raise RnnvizError(named(str(exc))) from None
        except OSError as exc:
            raise RnnvizError(f"cannot save in {named(str(exc.filename or ''))}: {exc.strerror or exc}") from None
        for _, place in moves:
            if place.is_dir():
                raise RnnvizError(f"cannot save {place}: a folder of that name is in the way")
        done = []  # [place, the file it replaced (set aside) or None, placed?]

        def set_aside(entry) -> None:
            """Move ``entry``'s file into the staging folder, under its own name."""
            place = entry[0]
            box = stagings[place.parent] / f"old{len(done)}"
            box.mkdir()
            os.replace(place, box / place.name)
            entry[1] = box / place.name  # (only once it is there)

        try:
            for f, place in moves:
                entry = [place, None, False]
                done.append(entry)
                if place.exists():
                    set_aside(entry)
                os.replace(f, place)
                entry[2] = True
            for place in stale:  # set aside like a replaced file: back in place if a move fails
                entry = [place, None, False]
                done.append(entry)
                set_aside(entry)
        except OSError as exc:
            stranded = []  # earlier files that could not be put back: still in their staging folder
            for place, old, placed in reversed(done):  # back as it was
                try:
                    if old is not None:
                        os.replace(old, place)
                    elif placed:
                        place.unlink()
                except OSError:
                    if old is not None:
                        stranded.append(old)
            what = "remove the old trace file" if done[-1][0] in stale else "save"
            message = f"cannot {what} {done[-1][0]}: {exc.strerror or exc}"
            if not stranded:
                raise RnnvizError(message) from None
            keep.update(old.parent for old in stranded)  # kept below, the rest of their folder removed
            kept = sorted({str(old.parent.parent) for old in stranded})
            raise _PartlyRestored(
                f"{message}; {len(stranded)} earlier file{'s' if len(stranded) != 1 else ''} "
                f"({', '.join(old.name for old in stranded[:3])}{', ...' if len(stranded) > 3 else ''}) could "
                f"not be put back: your earlier files are in {' and '.join(kept)}") from None
        return [place for _, place in moves], stale
    except OSError as exc:  # the checks above
        raise RnnvizError(f"cannot save in {getattr(exc, 'filename', None) or 'the folder'}: "
                          f"{exc.strerror or exc}") from None
    finally:
        for folder in stagings.values():
            if not any(box.parent == folder for box in keep):
                shutil.rmtree(folder, ignore_errors=True)
                continue
            try:
                for child in folder.iterdir():  # only the earlier files stay
                    if child in keep:
                        continue
                    if child.is_dir():
                        shutil.rmtree(child, ignore_errors=True)
                    else:
                        child.unlink(missing_ok=True)
            except OSError:
                pass  # what is left is the staging folder's, named in the message


class _PartlyRestored(RnnvizError):
    """An export that failed and could not put every earlier file back: its message names the
    folder that keeps them."""


def _unlisted_trace_files(folders, written) -> list[Path]:
    """Files in ``folders`` named like trace CSV files that are not among ``written`` (an export
    by an rnnviz that wrote no list of its files, or a person's): left alone, but said."""
    from rnnviz.ui.export import TRACE_CSV_NAME

    written = set(written)
    out = []
    for folder in folders:
        try:
            out += sorted(p for p in folder.iterdir() if TRACE_CSV_NAME.fullmatch(p.name) and p not in written)
        except OSError:
            pass
    return out


def _model_file(path) -> Path:
    """``path`` as a model file's name: ``.npz`` added unless it ends so (File > Open offers
    model files by their .npz)."""
    return _with_suffix(path, ".npz")


def _with_suffix(path, suffix: str) -> Path:
    """``path`` ending in ``suffix`` (in any case): added to the name unless it ends so."""
    path = Path(path)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def _is_file(path) -> bool:
    """Whether ``path`` names a file; False, not an exception, for a path no file can have (a name
    too long for the system, a NUL byte) or one that cannot be looked at."""
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


def _short_repr(value, limit: int = 40) -> str:
    r = repr(value)
    return r if len(r) <= limit else r[:limit - 1] + "\u2026"


class _Weights:
    """What :func:`rnnviz.project.save_project` needs of a model: params and to_config()."""

    def __init__(self, params: dict, config: dict) -> None:
        self.params = params
        self._config = config

    def to_config(self) -> dict:
        return self._config
