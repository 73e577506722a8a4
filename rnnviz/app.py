"""QApplication set-up: create the app, show the main window, optionally screenshot and exit."""
from __future__ import annotations

import argparse
import sys


def run_app(args: argparse.Namespace) -> int:
    """Start the GUI described by parsed command-line ``args``; returns the exit code."""
    if args.screenshot:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("rnnviz")
    app.setOrganizationName("rnnviz")
    from rnnviz.ui.main_window import MainWindow

    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    if args.screenshot:
        app.processEvents()
        ok = window.grab().save(args.screenshot)
        window.close()
        return 0 if ok else 1
    return app.exec()


def main() -> int:
    from rnnviz.cli import main as cli_main

    return cli_main()
