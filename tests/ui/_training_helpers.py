"""Shared by the training panel tests: a tiny run and the time bound (the ``panel`` fixture that
uses them is in tests/ui/conftest.py)."""
from tests.training._worker_helpers import tiny as tiny_run

#: a generous upper bound (never a timing assertion): a training process may start slowly
TIMEOUT = 30_000


def tiny(**kw):
    """The worker tests' tiny run, smaller still (a tanh RNN of 4 units on length 5)."""
    return tiny_run(**{"length": 5, "cell": "rnn_tanh", "hidden": (4,), "batch": 4, "val_batch": 8,
                       "steps": 50, **kw})
