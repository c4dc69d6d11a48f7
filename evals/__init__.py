"""Evaluation harness: versioned datasets, deterministic metrics (deepeval wrappers), suite runner and CLI."""
