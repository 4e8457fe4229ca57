"""Layer 6, parameter sweeps: a design of points, each replicated with common random numbers, run in
chunks through the execution layer, journalled so that a sweep resumes. `api.sweep` is public
(also as `sim.sweep`).
"""

__all__ = ["api", "schema", "plan", "design", "points", "execute", "store", "manifest", "summary"]
