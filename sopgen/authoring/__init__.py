"""Authoring: starting an office project, adding SOPs, previewing them while they are written."""
