"""Layer 5, running replications: seeds, backends (inline, processes, Dask), atomic output folders,
limits checked before any work, progress. `runner` holds the public `run` and `Result`.
"""

__all__ = ["runner", "backends", "replication", "ensemble", "output", "limits", "progress", "guard", "orphans"]
