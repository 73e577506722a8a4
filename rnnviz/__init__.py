"""rnnviz: see inside recurrent neural networks while they run and train."""
__version__ = "0.1.0"
