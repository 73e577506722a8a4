"""QApplication set-up: create the app, show the main window, optionally screenshot and exit."""
from __future__ import annotations

import argparse
import sys


def limit_blas_threads(n: int = 1) -> None:
    """Run NumPy's BLAS on one thread unless the user chose otherwise.

    The live view multiplies small matrices (tens to hundreds of units) many times per
    keystroke; there, BLAS threads cost far more than they save, and on a busy machine a
    threaded 100 x 48 SVD took 50-100 ms instead of 0.6 ms. Effective only before NumPy loads.
    """
    import os

    if "numpy" in sys.modules:
        return
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(n))


def run_app(args: argparse.Namespace) -> int:
    """Start the GUI described by parsed command-line ``args``; returns the exit code.

    ``args.screenshot``: render the window offscreen to this PNG and exit; ``args.text``: text
    typed at start; ``args.model``: model name (in resources/models) or file; ``args.lesson``:
    a lesson id (see ``rnnviz lessons``); with ``--screenshot`` the lesson first runs what its
    picture needs (a few training steps, a generated sample, a demo).
    """
    limit_blas_threads()
    screenshot = getattr(args, "screenshot", None)
    if screenshot:
        import os

        from rnnviz.output_paths import output_path_problem

        problem = output_path_problem(screenshot, example="window.png")
        if problem:  # said before the window is built and painted for nothing
            print(f"rnnviz: --screenshot: cannot write {screenshot}: {problem}", file=sys.stderr)
            return 2
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("rnnviz")
    app.setOrganizationName("rnnviz")
    from rnnviz.ui.main_window import DEFAULT_SIZE, MainWindow, render_to_png

    window = MainWindow(model=getattr(args, "model", None), text=getattr(args, "text", None),
                        restore=not screenshot)
    model_error = window.initial_model_error  # --model names nothing, or a file that cannot be shown
    if model_error:
        instead = f" Showing {window.model_name} instead." if window.model_name else ""
        print(f"rnnviz: --model: {model_error}" + ("" if screenshot else instead), file=sys.stderr)
        if screenshot:
            window.close()
            return 2
    lesson = getattr(args, "lesson", None)
    if getattr(args, "text", None) is None and not lesson:
        window.show_starter()  # open on an example, not an empty box
    if lesson:
        open_lesson = getattr(window, "open_lesson", None)
        if open_lesson is None:
            window.show_message(f"Lessons are not available in this build (asked for '{lesson}').")
        elif not open_lesson(lesson, for_screenshot=bool(screenshot)):
            print(f"rnnviz: {window.status_text()}", file=sys.stderr)
            if screenshot:
                window.close()
                return 2
    if screenshot:
        window.resize(*DEFAULT_SIZE)
        ok = render_to_png(window, screenshot)
        window.close()
        if not ok:
            print(f"rnnviz: could not write the screenshot {screenshot}: Qt could not save a PNG there",
                  file=sys.stderr)
        return 0 if ok else 1
    if model_error:  # said again after the starter example's and the lesson's messages
        window.show_message(model_error + instead)
    window.show()
    window.files.startup()  # offer to restore autosaved work after an unclean exit
    return app.exec()


def main() -> int:
    from rnnviz.cli import main as cli_main

    return cli_main()
