"""Small pieces every page uses: a heading in a larger, demi-bold font, a frameless scroll area,
a dialog's row of buttons, and text that wraps however long its words."""

from __future__ import annotations

import re

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFrame, QLabel, QScrollArea, QWidget


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


def dialog_buttons(dialog: QDialog, accept_text: str = "", cancel_text: str = "",
                   accept: QDialogButtonBox.StandardButton = QDialogButtonBox.Ok) -> QDialogButtonBox:
    """`accept` (Ok, or Save) and Cancel, wired to the dialog's accept and reject, with the
    accept button saying what it does ("Plan", "Export…") where `accept_text` is given."""
    buttons = QDialogButtonBox(accept | QDialogButtonBox.Cancel)
    if accept_text:
        buttons.button(accept).setText(accept_text)
    if cancel_text:
        buttons.button(QDialogButtonBox.Cancel).setText(cancel_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


_LONG_RUN = re.compile(r"\S{30}")


def breakable(text: str) -> str:
    """`text` with a zero-width break after every 30 characters that have no space between them,
    so that a 10,000-character word wraps instead of widening its label, the window or a page.
    (Not for addresses and links, which must copy as typed: shorten those, as `shortened` does.)"""
    return _LONG_RUN.sub(lambda run: run.group(0) + "\u200b", text)


def shortened(text: str, limit: int = 60) -> str:
    """A long address or link as mail programs show it: its start and end around an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 20] + "…" + text[-19:]
