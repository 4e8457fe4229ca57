"""Alliance escalation simulator: how tension and war spread between states through alliances."""

__version__ = "0.1.0"
