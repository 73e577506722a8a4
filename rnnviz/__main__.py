"""``python -m rnnviz`` runs the same command as ``rnnviz``."""
import sys

from rnnviz.cli import main

sys.exit(main())
