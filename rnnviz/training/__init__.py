"""Training: the pure loop (``loop``, no Qt), its snapshots and metrics, and the Qt worker (``worker``).

Importing this package (or ``loop``, ``metrics``, ``snapshot``, ``config``) never imports Qt;
only :mod:`rnnviz.training.worker` does.
"""
