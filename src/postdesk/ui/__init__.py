"""The PySide6 desktop UI: thin views over the Qt-free core."""
