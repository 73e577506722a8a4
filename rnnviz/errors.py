"""The app's own error type, and the one number check every layer shares.

Every problem with user input (arguments, files, hyperparameters) is raised as
:class:`RnnvizError` (:class:`DataError` for one with the training data), a ``ValueError`` whose message names the argument, field or
file and says what was expected. The GUI and the command line show the message;
nothing else escapes to the user.
"""
import math


class RnnvizError(ValueError):
    """Bad input named in the message: which argument/field/file, and what was expected."""


class DataError(RnnvizError):
    """A problem with the training data found while reading or batching it: a file gone or
    unreadable, too few rows or tokens for the length, a batch larger than the data's windows.
    The person fixes the file or a setting and goes on, so a run that meets one pauses (any
    other error ends the run as failed)."""


def finite_float(refusal: str, value, *, show_float: bool = False) -> float:
    """Return the real number ``value`` (already checked to be one) as a finite Python float.

    ``refusal`` is the start of the message, naming the field and what it expects
    (``"lr: expected a finite number"``). A number too large for a float (an int such as
    ``10**400``, which a JSON header can hold, or a huge ``Fraction``) raises
    :class:`RnnvizError` ``"<refusal>, got a number too large for a float"``; NaN or an
    infinity raises ``"<refusal>, got <value!r>"``, or ``"<refusal>, got <float>"`` (e.g.
    ``got nan`` for ``np.float64('nan')``) with ``show_float``.
    """
    try:
        x = float(value)
    except OverflowError:  # an int or Fraction beyond the float range
        raise RnnvizError(f"{refusal}, got a number too large for a float") from None
    if not math.isfinite(x):
        raise RnnvizError(f"{refusal}, got {x if show_float else repr(value)}")
    return x
