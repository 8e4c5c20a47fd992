"""Checking activity logs against the SOPs' Mutu Baku.

Stages: `readers` (xlsx, csv, jsonl into one frame) and `workcal` (working minutes) ->
`engine` (findings, summary, accounting) -> `report` (text, json, csv, html,
pdf); `logtemplate` writes the Excel sheet staff fill."""
