"""Layer 10, the `alliance-sim` command: `main.main(argv) -> exit status` dispatches to one module per
sub-command in :mod:`sim.cli.commands`; `filekind` tells a scenario, a sweep and a history file apart.
"""

__all__ = ["main", "commands", "filekind"]
