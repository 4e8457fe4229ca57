"""Layer 4, one replication as SimPy processes: scheduling and bookkeeping (`simulation`), a
replication's SimPy environment with its processes and alarms (`clock`), perceived intent on one clock
(`intent`), the recorder that observes (`recording`), the metric registry
(`metrics`) and the CSV contract (`tables`).
"""

__all__ = ["simulation", "clock", "intent", "recording", "metrics", "tables"]
