"""Launch the rnnviz desktop app: ``python main.py``."""
import sys

from rnnviz.cli import main

if __name__ == "__main__":
    sys.exit(main())
