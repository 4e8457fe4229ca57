"""Worker processes start by importing the user's script again (the `spawn` and `forkserver`
start methods do): a script that calls `sim.run(..., workers=2)` at its top level, without
`if __name__ == "__main__":`, would start workers from inside each worker and fail with
`BrokenProcessPool`. This says so in one line with the fix, before any worker starts.
"""

from __future__ import annotations

import ast
import multiprocessing
import sys
from pathlib import Path

__all__ = ["check_script_guard"]

FIX = ('put the code that calls sim.run or sim.sweep under `if __name__ == "__main__":` '
       "(worker processes import the script again)")


def check_script_guard() -> None:
    """Stop with one line when worker processes would re-run the script that starts them."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise SystemExit(f"error: a worker process was asked to start workers: {FIX}")
    script = _reimported_main()
    if script is not None and not _guarded(script):
        raise SystemExit(f"error: {script} starts worker processes at its top level: {FIX}")


def _reimported_main() -> Path | None:
    """The file a spawned worker imports again as its main module (None for `python -m pkg`,
    an interactive session or a notebook, whose main module workers do not import)."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None:
        name = spec.name or ""
        return None if name == "__main__" or name.endswith(".__main__") else Path(spec.origin or "")
    file = getattr(main, "__file__", None)
    return Path(file) if isinstance(file, str) and file.endswith(".py") else None


def _guarded(script: Path) -> bool:
    """True when the script has a top-level `if __name__ == "__main__":` (or it cannot be read)."""
    try:
        tree = ast.parse(script.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return True
    return any(isinstance(node, ast.If) and _is_main_test(node.test) for node in tree.body)


def _is_main_test(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.comparators) != 1:
        return False
    sides = [test.left, test.comparators[0]]
    names = any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
    return names and any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)
