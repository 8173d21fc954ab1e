"""Colours derived from the system palette, so light and dark themes both stay readable."""

from PySide6.QtGui import QColor, QPalette


def secondary_text(palette: QPalette) -> QColor:
    """Text that should step back (captions, labels) but keep a readable contrast."""
    text, base = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
    mix = 0.62
    return QColor.fromRgbF(
        text.redF() * mix + base.redF() * (1 - mix),
        text.greenF() * mix + base.greenF() * (1 - mix),
        text.blueF() * mix + base.blueF() * (1 - mix),
    )
