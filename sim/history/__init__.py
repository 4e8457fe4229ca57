"""Layer 8, the forecast against the record: history files (`cases`) and scoring a replay of one
(`backtest`); the joining forecasts of the COW inter-state wars (`validation`, `validation_scores`,
`validation_report`); peacetime uses of force among rivals (`peacetime`, `peacefit`); calibration
by history matching on the COW wars (`calibration`, `calibration_report`). Worlds of any year are
built below, in `sim.scenario.yearworld`, because the loader resolves `world: cow_YYYY` through them.
"""

__all__ = ["cases", "backtest", "validation", "validation_scores", "validation_report",
           "calibration", "calibration_report", "peacetime", "peacefit", "joiningfit"]
