"""Tests of jinjiecu.metrics, on small hand-built histories."""
