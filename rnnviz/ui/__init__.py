"""Qt views of rnnviz. Everything Qt lives under this package (and training/worker.py)."""
from rnnviz.ui.fast_pyqtgraph_import import import_pyqtgraph

import_pyqtgraph()  # before any view imports it: see the module's doc
