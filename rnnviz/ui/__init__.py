"""Qt views of rnnviz. Everything Qt lives under this package (and training/worker.py)."""
