"""Locating the schemas and templates sopgen ships.

In a wheel they sit inside the package (`sopgen/schemas`, `sopgen/templates`); in a source
checkout they are the top-level folders the authors edit.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def asset_dir(kind: str) -> Path:
    packaged = _PKG / kind
    if packaged.is_dir():
        return packaged
    return _PKG.parent / kind


def asset_path(kind: str, name: str) -> Path:
    return asset_dir(kind) / name
