"""Why a file cannot be written to a path the user gave, said before any work is done: the
one check of ``rnnviz train --out`` and ``python main.py --screenshot``. No Qt."""
from __future__ import annotations

import os

__all__ = ["output_path_problem"]

#: the longest file name when the system does not say (most file systems: 255 bytes)
DEFAULT_NAME_MAX = 255


def output_path_problem(path: str, example: str = "out.png") -> str:
    """Why a file cannot be written to ``path``, as the end of a sentence ("cannot write
    <path>: <reason>"); "" when nothing stands in the way.

    The reasons: an empty name; a folder, or a name ending with a slash (``example`` is the
    file name suggested inside it); a folder that does not exist or is not writable; a file
    name longer than the system allows; an existing read-only file.
    """
    if not path.strip():
        return "the file name is empty"
    if os.path.isdir(path):
        return f"it is a folder; give a file name such as {os.path.join(path, example)}"
    if path.endswith(("/", os.sep)):
        return f"it names a folder; give a file name such as {path}{example}"
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable"
    name_max = _name_max(folder)
    if len(os.fsencode(os.path.basename(path))) > name_max:
        return f"the file name is longer than this system allows ({name_max} bytes)"
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return "the file exists and is read-only"
    return ""


def _name_max(folder: str) -> int:
    """The longest file name ``folder``'s file system allows, in bytes."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return DEFAULT_NAME_MAX
