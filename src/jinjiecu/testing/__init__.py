"""Test helpers for apps built on jinjiecu (the ``testing`` extra).

- :mod:`jinjiecu.testing.strategies`: Hypothesis strategies for every entity.
"""
