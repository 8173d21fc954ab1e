"""What a user would see cut off or hard to read: a label whose text does not fit, or whose text
stands out from its background by less than WCAG AA's 4.5:1; and a dark palette as Breeze Dark
sets it, to look at both in. Used by the tests (tests/gui/test_nothing_is_cut_off.py) and by
`make screenshots` (docs/make_screenshots.py)."""

from __future__ import annotations


def clipped_labels(top) -> list[str]:
    """The visible labels of `top` whose text needs more room than they have: plain text on one
    line cut off at the right, wrapped text cut off at the bottom (an ElidedLabel that elides
    says so in its tooltip, and passes)."""
    from PySide6.QtWidgets import QLabel

    from gui.widgets.elided_label import ElidedLabel

    found = []
    for label in top.findChildren(QLabel):
        if not label.isVisibleTo(top) or not label.text().strip() or label.width() <= 1:
            continue
        if label.wordWrap():  # wrapped: cut off at the bottom when it needs more lines than it has room for
            needed = label.heightForWidth(label.width())
            if needed > label.height() + 2:
                found.append(f"cut at the bottom ({needed} px in {label.height()}): {label.text()[:60]!r}")
            continue
        if isinstance(label, ElidedLabel):
            if label.text() != label.full_text() and not label.toolTip():
                found.append(f"elided without a tooltip: {label.full_text()!r}")
            continue
        if label.textFormat() == 1 or "<" in label.text():  # rich text: wraps or is laid out by Qt itself
            continue
        needed = label.fontMetrics().horizontalAdvance(label.text().replace("&", "", 1)) + 2 * label.margin()
        if needed > label.contentsRect().width() + 1:
            found.append(f"clipped ({needed} px in {label.contentsRect().width()}): {label.text()!r}")
    return found


def dark_palette():
    """A dark palette as Breeze Dark and GNOME's dark theme set it: every role, Link included."""
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2a2e32", QPalette.ColorRole.WindowText: "#fcfcfc",
        QPalette.ColorRole.Base: "#1b1e20", QPalette.ColorRole.AlternateBase: "#232629",
        QPalette.ColorRole.Text: "#fcfcfc", QPalette.ColorRole.Button: "#31363b",
        QPalette.ColorRole.ButtonText: "#fcfcfc", QPalette.ColorRole.Highlight: "#3daee9",
        QPalette.ColorRole.HighlightedText: "#fcfcfc", QPalette.ColorRole.Link: "#1d99f3",
        QPalette.ColorRole.LinkVisited: "#9b59b6", QPalette.ColorRole.ToolTipBase: "#31363b",
        QPalette.ColorRole.ToolTipText: "#fcfcfc", QPalette.ColorRole.PlaceholderText: "#a1a9b1",
        QPalette.ColorRole.Light: "#40464c", QPalette.ColorRole.Midlight: "#363b40",
        QPalette.ColorRole.Mid: "#24282b", QPalette.ColorRole.Dark: "#141618", QPalette.ColorRole.Shadow: "#0e0f10",
        QPalette.ColorRole.BrightText: "#ffffff",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6e7175"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#6e7175"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6e7175"))
    return palette


def low_contrast_labels(top, ratio: float = 4.5) -> list[str]:
    """The visible labels of `top` whose text, as drawn, stands out from the background behind it
    by less than `ratio`: the label is grabbed, its most common colour taken as the background
    and its most distinct one as the text (the core of a glyph, not its anti-aliased edge)."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QLabel

    from gui.widgets.palette import contrast

    found = []
    for label in top.findChildren(QLabel):
        if not label.isVisibleTo(top) or not label.text().strip() or label.width() <= 2 or label.height() <= 2:
            continue
        image = label.grab().toImage()
        counts: dict[int, int] = {}
        step = max(1, image.width() * image.height() // 20000)
        for index in range(0, image.width() * image.height(), step):
            rgb = image.pixel(index % image.width(), index // image.width()) & 0xFFFFFF
            counts[rgb] = counts.get(rgb, 0) + 1
        if len(counts) < 2:
            continue  # nothing drawn (an empty line)
        background = QColor(max(counts, key=counts.__getitem__))
        best = max((contrast(QColor(rgb), background) for rgb in counts), default=1.0)
        if best < ratio:
            found.append(f"{best:.1f}:1 on {background.name()}: {label.text()[:50]!r}")
    return found
