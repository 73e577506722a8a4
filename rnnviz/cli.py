"""Command line: ``rnnviz`` with no subcommand launches the app; subcommands run headless.

The GUI is imported lazily so headless subcommands work without a display and
never pay for Qt's start-up.
"""
from __future__ import annotations

import argparse
import sys

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    # name: (module, help) — each module has ``add_arguments(parser)`` and ``run(args) -> int``
}


def register(name: str, module: str, help_text: str) -> None:
    """Register a headless subcommand implemented by ``module``."""
    SUBCOMMANDS[name] = (module, help_text)


def _gui_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rnnviz", description="See inside recurrent neural networks.")
    p.add_argument("--screenshot", metavar="PATH", help="render the window offscreen to a PNG and exit")
    p.add_argument("--text", help="text to type into the live view at start")
    p.add_argument("--model", help="name of a model in resources/models, or a model file")
    p.add_argument("--lesson", metavar="ID", help="open a lesson")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _load_builtin_subcommands()
    if argv and argv[0] in SUBCOMMANDS:
        import importlib

        name = argv[0]
        module_name, help_text = SUBCOMMANDS[name]
        module = importlib.import_module(module_name)
        parser = argparse.ArgumentParser(prog=f"rnnviz {name}", description=help_text)
        module.add_arguments(parser)
        args = parser.parse_args(argv[1:])
        return int(module.run(args) or 0)
    if argv and argv[0] in ("-h", "--help"):
        _gui_parser().print_help()
        print("\nheadless subcommands:")
        for name, (_, help_text) in sorted(SUBCOMMANDS.items()):
            print(f"  {name:10s} {help_text}")
        return 0
    args = _gui_parser().parse_args(argv)
    from rnnviz.app import run_app

    return run_app(args)


def _load_builtin_subcommands() -> None:
    """Subcommands that exist in this build (each is a module with add_arguments/run)."""
    import importlib.util

    for name, module, help_text in (
        ("train", "rnnviz.commands.train", "train a model headless (same loop as the GUI)"),
        ("info", "rnnviz.commands.info", "say what a model or data file is"),
        ("lessons", "rnnviz.commands.lessons", "list the guided lessons"),
    ):
        if importlib.util.find_spec(module) is not None:
            register(name, module, help_text)
