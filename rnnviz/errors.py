"""The app's own error type.

Every problem with user input (arguments, files, hyperparameters) is raised as
:class:`RnnvizError`, a ``ValueError`` whose message names the argument, field or
file and says what was expected. The GUI and the command line show the message;
nothing else escapes to the user.
"""


class RnnvizError(ValueError):
    """Bad input named in the message: which argument/field/file, and what was expected."""
