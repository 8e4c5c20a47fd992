"""Reading SOPs: YAML load, schema shape, semantic rules, the typed model, project config.

Stages, in order: `yamlload` (safe YAML 1.2 core with positions) -> `shape` (JSON Schema)
-> `model` (typed dataclasses) -> `rules` (semantic checks) -> `validate` (a project at once);
`diagnostics` and `reporters` carry the messages out."""
