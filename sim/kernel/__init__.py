"""The compiled part of the engine (`sim/_kernel.pyx`), or a plain message on how to build it.

Installing the package builds it (`python -m pip install .`, or `-e .` in a clone, which builds it
next to its source); running from a source tree that was never built needs
`python setup.py build_ext --inplace`. There is no pure-Python fallback at run time: the same
seed must give the same bytes everywhere. `sim.kernel.reference` is the kernel in plain Python, for
reading and for the tests.
"""

from __future__ import annotations

try:
    from sim.kernel._kernel import Decider, Observer, decay, tension_of
except ImportError as exc:  # pragma: no cover - depends on how the package was installed
    raise ImportError(
        f"sim.kernel._kernel, the compiled part of the engine, is not built for this copy of sim ({__file__}): "
        "install it with `python -m pip install -e .` from the project folder (or `pip install .`), "
        "or build it in place with `python setup.py build_ext --inplace`") from exc

__all__ = ["Decider", "Observer", "decay", "tension_of"]
