"""Deterministic metrics (pure functions) and their deepeval `BaseMetric` wrappers, one module per suite."""
