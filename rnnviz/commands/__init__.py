"""Headless subcommands of the ``rnnviz`` command line (no Qt)."""
