"""Evaluation: hand-written Q&A pairs, metrics, runner, report."""
