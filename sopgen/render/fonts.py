"""The font configuration WeasyPrint lays documents out with, shared where that is exact.

A fresh `FontConfiguration` loads fontconfig's configuration and starts an empty Pango font
map: about 13 ms more for each layout than one already used. One SOP is laid out once or twice
(balanced page breaks) and then painted, and a build renders many SOPs with the same fonts, so
they share one. Only the system fonts are in it until a stylesheet adds one (@font-face, in a
project's own template); a configuration a document added a font to is not handed to the
next, so every SOP is laid out exactly as with a fresh one (the same PDF bytes).
"""

from __future__ import annotations

import functools
from typing import Any

_SHARED: dict[str, Any] = {}


@functools.lru_cache(maxsize=1)
def _fonts_class():
    from weasyprint.text.fonts import FontConfiguration

    class Fonts(FontConfiguration):
        """WeasyPrint's font configuration, noting when a stylesheet adds a font to it."""

        added = False

        def add_font_face(self, rule_descriptors, url_fetcher):
            self.added = True
            return super().add_font_face(rule_descriptors, url_fetcher)

    return Fonts


def font_configuration():
    """A fresh font configuration: the system fonts only."""
    return _fonts_class()()


def shared_fonts(key: str):
    """The configuration shared under `key` (one build's SOPs in this process); a fresh one
    when there is none yet or a stylesheet added a font to it."""
    fonts = _SHARED.get(key)
    if fonts is None or fonts.added:
        _SHARED.clear()
        fonts = _SHARED[key] = font_configuration()
    return fonts


def forget_shared_fonts() -> None:
    """Let the shared configuration (and Pango's font map with it) go."""
    _SHARED.clear()
