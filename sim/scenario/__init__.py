"""Layer 1, the input: a scenario file (YAML, `--set` overrides, a world's data tables) read, located
and validated into a :class:`sim.scenario.schema.Scenario`; errors name file, line, field and fix.

Public modules: `loading` (`load_scenario`), `schema` (the pydantic models), `errors` (`InputErrors`),
`pactkinds` (the pact-kind registry), `ranges` (each parameter's documented range), `worlddata`
(bundled and user worlds), `yearworld` (worlds of any year), `shipped` (package-data scenarios),
`parameterfile` (calibrated parameter files). `checks` and `yamlsource` are the loader's helpers; `schemaerrors`
turns pydantic's errors into input errors at their file, line and column.
"""

__all__ = ["loading", "schema", "errors", "pactkinds", "ranges", "worlddata", "yearworld", "shipped", "parameterfile",
           "schemaerrors"]
