"""NumPy-only analysis helpers for the views (no Qt imports)."""
