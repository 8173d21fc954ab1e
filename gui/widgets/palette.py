"""Colours derived from the system palette, so light and dark themes both stay readable."""

from PySide6.QtGui import QColor, QPalette


def mix(colour: QColor, other: QColor, share: float) -> QColor:
    """`colour` moved `share` (0 to 1) of the way towards `other`."""
    return QColor.fromRgbF(colour.redF() * (1 - share) + other.redF() * share,
                           colour.greenF() * (1 - share) + other.greenF() * share,
                           colour.blueF() * (1 - share) + other.blueF() * share)


def secondary_text(palette: QPalette) -> QColor:
    """Text that should step back (captions, labels) but keep a readable contrast."""
    text, base = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
    return mix(base, text, 0.62)


def quiet_text(palette: QPalette, background: QPalette.ColorRole = QPalette.ColorRole.Base) -> QColor:
    """A second line's colour (the list's "organisation · title"): the palette's placeholder
    colour, made readable on `background` (WCAG AA, 4.5:1, for body text); Fusion's dark
    placeholder was 3.1:1 on its base."""
    back = palette.color(background)
    placeholder = palette.color(QPalette.ColorRole.PlaceholderText)  # often half transparent
    return visible_on(mix(back, placeholder, placeholder.alphaF()), back, 4.5)


def chip_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """A tag chip's background and text: a tint of the window that its text reads on at 4.5:1 or
    more in light and dark palettes (palette(midlight) was nearly the text colour in some dark ones)."""
    text, window = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
    back = mix(window, text, 0.16)
    return back, visible_on(text, back, 4.5)


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
        shown = mix(colour, towards, step / 10)
        if contrast(shown, background) >= ratio:
            return shown
    return towards


def readable_links(palette: QPalette) -> QPalette | None:
    """`palette` with its link colours readable (WCAG AA, 4.5:1) on both the window and text
    backgrounds, or None where they already are. A dark theme that sets no Link colour keeps
    Qt's #0000ff, which is 2.4:1 on dark grey: every link on Today and in Prep was hard to read."""
    changed = QPalette(palette)
    needs = False
    for role in (QPalette.ColorRole.Link, QPalette.ColorRole.LinkVisited):
        colour = palette.color(role)
        for background in (palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Base)):
            if contrast(colour, background) < 4.5:
                colour = visible_on(colour, background, 4.5)
                needs = True
        changed.setColor(role, colour)
    return changed if needs else None
