"""Sub-commands of `alliance-sim`; each module: `HELP`, `add_arguments(parser)`, `main(args) -> int`."""
