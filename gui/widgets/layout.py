"""Small pieces every page uses: a heading in a larger, demi-bold font, and a frameless scroll area."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QWidget


def heading(text: str, reference: QWidget, scale: float = 1.5) -> QLabel:
    """A label `scale` times the size of `reference`'s font, demi-bold."""
    label = QLabel(text)
    font = QFont(reference.font())
    font.setPointSizeF(reference.font().pointSizeF() * scale)
    font.setWeight(QFont.DemiBold)
    label.setFont(font)
    return label


def scrolled(body: QWidget) -> QScrollArea:
    """`body` in a frameless scroll area that resizes it to the width."""
    scroll = QScrollArea()
    scroll.setWidget(body)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.NoFrame)
    return scroll
