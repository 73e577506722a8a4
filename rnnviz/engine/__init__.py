"""The rnnviz engine: NumPy recurrent networks with exact, instrumented BPTT. Never imports Qt."""
from rnnviz.engine.recurrent import CELLS, Recurrent
from rnnviz.engine.trace import Grads, LayerCache, Trace

__all__ = ["CELLS", "Recurrent", "Trace", "Grads", "LayerCache"]
