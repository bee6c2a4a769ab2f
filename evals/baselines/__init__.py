"""Baselines scored with Newsdesk's evaluation suite (the plain llama-index recipe)."""
