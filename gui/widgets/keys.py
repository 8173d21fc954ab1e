"""Giving the Delete key to the widget that has the focus.

The window's Delete action (delete the selected people) is a window-wide shortcut, so it would
take Delete from a history timeline or a list of prep lines too. A view that deletes its own
items claims the key through Qt's ShortcutOverride event, the way text fields do.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView

_DELETE_KEYS = (Qt.Key_Delete,)


class _DeleteKey(QObject):
    def __init__(self, view: QAbstractItemView, on_delete: Callable[[], bool]) -> None:
        super().__init__(view)
        self._view, self._on_delete = view, on_delete

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.ShortcutOverride, QEvent.KeyPress) and event.key() in _DELETE_KEYS \
                and self._view.selectionModel() is not None and self._view.selectionModel().hasSelection():
            if event.type() == QEvent.ShortcutOverride:
                event.accept()  # the key comes to this view as a key press, not to the window's shortcut
                return True
            return self._on_delete()
        return False


def claim_delete_key(view: QAbstractItemView, on_delete: Callable[[], bool]) -> None:
    """Delete (with something selected in `view`) calls `on_delete`, which returns whether it acted."""
    view.installEventFilter(_DeleteKey(view, on_delete))
