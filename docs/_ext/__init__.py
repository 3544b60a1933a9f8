"""Sphinx extensions local to the jinjiecu documentation (loaded from ``conf.py``)."""
