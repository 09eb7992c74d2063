"""Runtime assets (icons, stylesheet, data files), read with importlib.resources."""
