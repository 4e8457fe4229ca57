"""Layer 7, statistics on results: comparing runs (`compare`, `stats`), scoring forecasts against
history (`history`, `backtest`, `validation*`, `peacetime`, `peacefit`), calibration, sensitivity
and the split of a run's spread into model and chance (`ensemble_variance`).
"""

__all__ = ["stats", "compare", "history", "backtest", "validation", "validation_scores", "validation_report",
           "calibration", "calibration_report", "sensitivity", "ensemble_variance", "peacetime", "peacefit"]
