"""What a user would see cut off: a label whose text does not fit its width. Used by the tests
(tests/gui/test_nothing_is_cut_off.py) and by `make screenshots` (docs/make_screenshots.py)."""

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
