"""A progress bar on stderr (rich) for long runs; silent when disabled or not on a terminal-worthy run."""

from __future__ import annotations

import contextlib
import sys

__all__ = ["progress_bar"]


@contextlib.contextmanager
def progress_bar(total: int, label: str, enabled: bool = True):
    """Yield `advance(n=1)`; draws runs done, rate and time left on stderr when enabled."""
    if not enabled or total <= 1:
        yield lambda n=1, extra=None: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[extra]}"), TimeRemainingColumn())
    with Progress(*columns, console=Console(file=sys.stderr), transient=False) as bar:
        task = bar.add_task(label, total=total, extra="")
        yield lambda n=1, extra=None: bar.update(task, advance=n, **({"extra": extra} if extra else {}))
