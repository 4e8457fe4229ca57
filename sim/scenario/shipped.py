"""The scenarios shipped with the package, found by name from any folder.

An installed package holds them in `sim/scenarios/` (copied there by setup.py); a source tree
has them in `scenarios/` beside `sim/`. `alliance-sim run baseline_2022` and
`sim.load_scenario("baseline_2022")` find `baseline_2022.yaml` there when no such file is in the
current folder.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["shipped_folder", "shipped_names", "shipped_scenario"]


def shipped_folder() -> Path | None:
    """The folder of the shipped scenario files, or None when neither place has it."""
    package = Path(__file__).resolve().parents[1]
    for folder in (package / "scenarios", package.parent / "scenarios"):
        if (folder / "baseline_2022.yaml").is_file():
            return folder
    return None


def shipped_scenario(name: str) -> Path | None:
    """The shipped file a name stands for (`baseline_2022`, `baseline_2022.yaml`,
    `sweeps/quad_reliability`), or None."""
    folder = shipped_folder()
    if folder is None or not name or Path(name).is_absolute() or ".." in Path(name).parts:
        return None
    for candidate in (folder / name, folder / f"{name}.yaml"):
        if candidate.is_file():
            return candidate
    return None


def shipped_names() -> list[str]:
    """Names of the shipped files (without `.yaml`), for `did you mean` hints."""
    folder = shipped_folder()
    return sorted(str(p.relative_to(folder).with_suffix("")) for p in folder.rglob("*.yaml")) if folder else []
