"""A corpus of hostile inputs for every reader of alliance-sim (see corpus.py)."""
