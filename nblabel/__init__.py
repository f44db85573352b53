"""nblabel: Jupyter-native labeling widgets."""
