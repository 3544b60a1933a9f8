"""Tests of the reports: briefing, ledgers, charts, vocabulary."""
