"""Where rnnviz finds its shipped files (default models, sample data), without Qt.

The ``resources/`` folder sits at the top of the repository, next to the ``rnnviz`` package:

    repo/
      rnnviz/resources.py   <- this file
      resources/models/*.npz

That layout is the same in a source checkout and in an editable install (``pip install -e .``
keeps the package in place), so the folder is found relative to this file. ``RNNVIZ_RESOURCES``
overrides it (a folder holding ``models/``), e.g. for a packaged install or for tests.
"""
from __future__ import annotations

import os
from pathlib import Path

#: the model the window opens on when it exists
DEFAULT_MODEL = "brackets_lstm"
#: the classifier used by the sentiment examples
SENTIMENT_MODEL = "sentiment_lstm"
#: the RNN / GRU / LSTM trio shown side by side in compare mode, in display order
COMPARE_MODELS = ("compare_rnn", "compare_gru", "compare_lstm")
MODEL_SUFFIX = ".npz"


def package_root() -> Path:
    """The folder holding the ``rnnviz`` package (the repository root in a checkout)."""
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """The resources folder: ``$RNNVIZ_RESOURCES`` if set, else ``<package root>/resources``."""
    env = os.environ.get("RNNVIZ_RESOURCES")
    if env:
        return Path(env).expanduser()
    return package_root() / "resources"


def models_dir() -> Path:
    """Folder of the shipped models (may not exist yet in a fresh checkout)."""
    return resources_dir() / "models"


def list_models(directory: str | os.PathLike | None = None) -> dict[str, Path]:
    """``{name: path}`` of every ``*.npz`` model in ``directory`` (default :func:`models_dir`).

    Names are file stems. The default model comes first, then the rest alphabetically. A
    missing or unreadable folder gives an empty dict (the caller says so to the user).
    """
    folder = Path(directory) if directory is not None else models_dir()
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix == MODEL_SUFFIX and p.is_file())
    except OSError:
        return {}
    found = {p.stem: p for p in files}
    order = sorted(found, key=lambda n: (n != DEFAULT_MODEL, n))
    return {n: found[n] for n in order}


def find_model(name_or_path: str, directory: str | os.PathLike | None = None) -> Path | None:
    """Resolve a model given by name (``brackets_lstm``, with or without ``.npz``) or by path.

    Returns None when nothing matches.
    """
    p = Path(name_or_path).expanduser()
    if p.suffix == MODEL_SUFFIX and p.is_file():
        return p
    if p.is_file():
        return p
    name = p.name[: -len(MODEL_SUFFIX)] if p.name.endswith(MODEL_SUFFIX) else p.name
    return list_models(directory).get(name)


def compare_models(directory: str | os.PathLike | None = None) -> dict[str, Path]:
    """The compare trio present in ``directory`` (any subset of :data:`COMPARE_MODELS`)."""
    found = list_models(directory)
    return {n: found[n] for n in COMPARE_MODELS if n in found}


def resolved_path(path: str | os.PathLike) -> Path:
    """``path`` absolute, every link followed (absolute as given if that fails): the model
    selector's entries, the window's model path and the projects' records of the models they hold
    use this form, so one file is one model however its path was written."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path))
