"""Layer 7, statistics on results: comparing runs (`compare`, `stats`), sensitivity (`sensitivity`),
the split of a run's spread into model and chance (`ensemble_variance`), who answered whom across
replications (`cascade`), and where tension comes from (`sources`). Scoring against the historical
record is the layer above, `sim.history`.
"""

__all__ = ["stats", "compare", "sensitivity", "ensemble_variance", "cascade", "sources"]
