"""Layer 2, the behaviour: what states perceive, want and decide, and what alliances oblige, as
functions of a compiled :class:`sim.model.world.World` and of one replication's state (the
`ReplicationState` protocol of :mod:`sim.model.replication`). The engine schedules; the model asks it
through that protocol.
"""

__all__ = ["world", "replication", "perception", "decision", "pacts", "alliances", "attacks", "actions", "motives",
           "termination", "standing", "reach", "honour", "commitments", "alignment", "nuclear"]
