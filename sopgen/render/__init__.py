"""Turning valid SOPs into what people read: flowchart layout, HTML, PDF, catalog, build.

Stages: `measure` (table geometry from WeasyPrint) -> `flowchart` (its layout) -> `html`
(Jinja templates) -> `pdf` (WeasyPrint, PDF/A) -> `build` (a whole project, incremental)
with `catalog` (index.html)."""
