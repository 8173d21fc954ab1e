"""A line edit that completes the names of people in the notebook as they are typed."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from model import contacts, search


class PersonField(QLineEdit):
    """Completes contact names (found by search from two letters on); `contact_id()` is the person
    named. `picked` is emitted when a known name is chosen from the list or entered."""

    picked = Signal(int, str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self._found: dict[str, int] = {}
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        completer.setFilterMode(Qt.MatchContains)
        completer.activated.connect(self._pick)
        self.setCompleter(completer)
        self.textEdited.connect(self._suggest)

    def keyPressEvent(self, event) -> None:
        # Enter on a known name picks the person, and stops there: in a dialog it must not also
        # press the default button.
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and self.contact_id() is not None:
            self._pick(self.text())
            event.accept()
            return
        super().keyPressEvent(event)

    def _suggest(self, text: str) -> None:
        rows = contacts.rows_for(search.search(text, limit=12)) if len(text.strip()) >= 2 else []
        self._found.update({row.display_name: row.id for row in rows})
        self._names.setStringList([row.display_name for row in rows])

    def _pick(self, name: str) -> None:
        contact_id = self.id_for(name)
        if contact_id is not None:
            self.picked.emit(contact_id, name.strip())

    def id_for(self, name: str) -> int | None:
        return self._found.get(name.strip())

    def set_person(self, contact_id: int | None) -> None:
        rows = contacts.rows_for([contact_id]) if contact_id else []
        if rows:
            self._found[rows[0].display_name] = rows[0].id
        self.setText(rows[0].display_name if rows else "")

    def contact_id(self) -> int | None:
        return self.id_for(self.text())
