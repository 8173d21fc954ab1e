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


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def visible_on(colour: QColor, background: QColor, ratio: float = 3.0) -> QColor:
    """`colour`, mixed towards white (on a dark background) or black (on a light one) just enough to
    stand out from `background` by `ratio` (WCAG's 3:1 for graphics): X's near-black bar and
    Email's dark brown vanished in the dark palette."""
    towards = QColor("white") if luminance(background) < 0.18 else QColor("black")
    for step in range(11):
        share = step / 10
        shown = QColor.fromRgbF(colour.redF() * (1 - share) + towards.redF() * share,
                                colour.greenF() * (1 - share) + towards.greenF() * share,
                                colour.blueF() * (1 - share) + towards.blueF() * share)
        if contrast(shown, background) >= ratio:
            return shown
    return towards
