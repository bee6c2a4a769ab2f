"""Hostile and broken input: nothing is lost, and every error says what was wrong and what to do."""
