"""The engine's kernel: the compiled one (`sim/kernel/_kernel.pyx`) when it was built, else its
plain-Python twin (`sim.kernel.reference`), which gives the same bytes, only slower.

Installing the package builds the compiled kernel when a C compiler is found (`pip install .`, or
`-e .` in a clone, which builds it next to its source); without one the install still succeeds
and the engine runs on the reference, with a one-line warning on standard error naming the cost
and how to get the fast path. `tests/test_kernel.py` holds the two bit for bit, so results do not
depend on which one runs. `ALLIANCE_SIM_KERNEL=python` chooses the reference even when the
compiled kernel is there (for tests and for reading the engine in a debugger).
"""

from __future__ import annotations

import os
import sys

__all__ = ["Decider", "Observer", "decay", "tension_of", "tension_terms", "split_sources", "format_lines", "join_entries",
           "COMPILED", "SLOWDOWN"]

SLOWDOWN = 40
"""About how many times longer a replication takes on the reference: CPU seconds of 10
replications in one process, compiled against reference, 30x to 59x over two scenarios and two
rounds on a loaded two-core machine, median 43x (docs/performance.md gives the numbers and the
command). setup.py quotes it too."""

_WARNED = "ALLIANCE_SIM_KERNEL_WARNED"  # set once warned, so spawned workers stay quiet


_BUILD = ("install a C compiler (gcc, clang or MSVC) and reinstall (`python -m pip install .`, "
          "or `python setup.py build_ext --inplace` in a clone)")


def _fallback_warning(reason: str, fix: str = _BUILD) -> None:
    """One line on standard error, once per command (worker processes inherit the mark)."""
    if os.environ.get(_WARNED):
        return
    os.environ[_WARNED] = "1"
    print(f"warning: {reason}: running on the plain-Python kernel, about {SLOWDOWN}x slower (same results); "
          f"for the fast path {fix}", file=sys.stderr)


def _why_not_compiled() -> tuple[str, str]:
    """Why the compiled kernel is missing: not built, or this is a source folder (`python` run in
    the project folder imports `sim/` from there, not the installed package that has it)."""
    from importlib import metadata
    from pathlib import Path

    here = Path(__file__).resolve()
    try:
        installed = Path(str(metadata.distribution("alliance-sim").locate_file("sim/kernel/__init__.py"))).resolve()
    except (metadata.PackageNotFoundError, OSError, ValueError):
        installed = here
    if installed != here and installed.is_file():
        return (f"sim is imported from the source folder {here.parents[2]}, not from the installed package",
                "run from another folder, or install with `python -m pip install -e .`")
    return "the compiled kernel (sim.kernel._kernel) is not built", _BUILD


# the three imports of the same names are wrapped alike, to read as one list
# isort: off
if os.environ.get("ALLIANCE_SIM_KERNEL") == "python":
    from sim.kernel.reference import (Decider, Observer, decay, format_lines, join_entries, split_sources, tension_of,
                                      tension_terms)

    COMPILED = False
else:
    try:
        # the same names as the reference's, typed by them (the extension has no stubs)
        from sim.kernel._kernel import (  # type: ignore[no-redef]
            Decider, Observer, decay, format_lines, join_entries, split_sources, tension_of, tension_terms)

        COMPILED = True
    except ImportError:  # installed without a C compiler, or a clone never built
        from sim.kernel.reference import (Decider, Observer, decay, format_lines, join_entries, split_sources,
                                          tension_of, tension_terms)

        COMPILED = False
        _fallback_warning(*_why_not_compiled())
# isort: on
