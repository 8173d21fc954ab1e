"""The dialog for creating and editing a person: names, work, photo, contact points, tags, notes."""

from __future__ import annotations

import dataclasses
import re

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.avatar import Avatar
from gui.widgets.layout import dialog_buttons, scrolled
from model import photos
from model.contacts import SERVICE_NAMES, ContactPointRecord, ContactRecord

_KINDS = [("phone", "Phone"), ("email", "Email"), ("address", "Address"), ("url", "Web page"), ("handle", "Handle")]
_LABELS = {
    "phone": ["mobile", "work", "home", "main", "fax", "other"],
    "email": ["work", "home", "other"],
    "address": ["home", "work", "other"],
    "url": ["home page", "work", "blog", "other"],
    "handle": [""],
}
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|--\d{2}-\d{2})$")


class PointRow:
    """The widgets editing one contact point, laid out on a row of the points grid."""

    def __init__(self, point: ContactPointRecord, on_remove) -> None:
        self.kind = QComboBox()
        for key, text in _KINDS:
            self.kind.addItem(text, key)
        self.kind.setCurrentIndex(max(0, self.kind.findData(point.kind)))
        self.label = QComboBox(editable=True)
        self.label.setToolTip("A label of your own, or one of the usual ones")
        self.service = QComboBox(editable=True)
        for key, name in SERVICE_NAMES.items():
            self.service.addItem(name, key)
        self.value = QPlainTextEdit() if point.kind == "address" else QLineEdit()
        if isinstance(self.value, QPlainTextEdit):
            self.value.setPlainText(point.value)
            self.value.setTabChangesFocus(True)
            self.value.setFixedHeight(self.value.fontMetrics().lineSpacing() * 3 + 12)
        else:
            self.value.setText(point.value)
        self.remove = QToolButton(text="✕", toolTip="Remove", autoRaise=True)
        self.remove.clicked.connect(lambda: on_remove(self))
        self._preferred = point.preferred
        self._fill_labels(point.label)
        if point.service:
            index = self.service.findData(point.service)
            if index >= 0:
                self.service.setCurrentIndex(index)
            else:
                self.service.setEditText(point.service)
        self.kind.currentIndexChanged.connect(lambda: self._fill_labels(self.label.currentText()))
        self._show_service()

    def widgets(self) -> list[QWidget]:
        return [self.kind, self.label, self.service, self.value, self.remove]

    def _fill_labels(self, current: str) -> None:
        self.label.clear()
        self.label.addItems(_LABELS[self.kind.currentData()])
        self.label.setEditText(current)
        self._show_service()

    def _show_service(self) -> None:
        is_handle = self.kind.currentData() == "handle"
        self.service.setVisible(is_handle)
        self.label.setVisible(not is_handle)

    def record(self) -> ContactPointRecord | None:
        text = self.value.toPlainText() if isinstance(self.value, QPlainTextEdit) else self.value.text()
        if not text.strip():
            return None
        kind = self.kind.currentData()
        service = ""
        if kind == "handle":
            index = self.service.findText(self.service.currentText())
            service = self.service.itemData(index) if index >= 0 else self.service.currentText().strip().lower()
        label = "" if kind == "handle" else self.label.currentText().strip()
        return ContactPointRecord(kind, text.strip(), label, service=service, preferred=self._preferred)


class ContactEditor(QDialog):
    """Edits a copy of a ContactRecord; `result_record()` gives the edited copy."""

    def __init__(self, record: ContactRecord | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._original = record or ContactRecord()
        self._photo = (self._original.photo, self._original.photo_type)
        self.setWindowTitle("Edit contact" if self._original.id else "New contact")
        self.fields: dict[str, QLineEdit] = {}

        names = self._form_group("Name", [
            ("given_name", "First name", ""), ("additional_names", "Middle names", ""),
            ("family_name", "Last name", ""),
            [("prefix", "Prefix", "Dr., Ms."), ("suffix", "Suffix", "Jr., PhD", "Suffix")],
            ("nickname", "Nickname", ""),
            ("formatted_name", "Show as", "Leave empty to use the name above"),
            [("phonetic_family", "Last name reads", "Last name: あんどう", "Reads as"),
             ("phonetic_given", "First name reads", "First name", "")],
        ])
        self.fields["phonetic_family"].setToolTip("How the name is said, for sorting: あんどう for 安藤")
        self.fields["phonetic_given"].setToolTip(self.fields["phonetic_family"].toolTip())
        work = self._form_group("Work", [
            ("organisation", "Organisation", ""), ("department", "Department", ""), ("title", "Title", ""),
        ])
        personal = self._form_group("Personal", [
            ("birthday", "Birthday", "1980-03-22, or --03-22 without the year"),
            ("anniversary", "Anniversary", "2009-08-08"),
            ("city", "City", ""), ("region", "Region", ""), ("country", "Country", ""),
            ("tags", "Tags", "comma-separated: friends, investors"),
        ])
        self.fields["tags"].setText(", ".join(self._original.tags))

        self.avatar = Avatar(64)
        choose = QPushButton("Choose photo…")
        choose.clicked.connect(self._choose_photo)
        self.remove_photo = QPushButton("Remove photo")
        self.remove_photo.clicked.connect(self._clear_photo)
        photo_box = QHBoxLayout()
        photo_box.addWidget(self.avatar)
        photo_buttons = QVBoxLayout()
        photo_buttons.addWidget(choose)
        photo_buttons.addWidget(self.remove_photo)
        photo_box.addLayout(photo_buttons)
        photo_box.addStretch(1)

        self.points_grid = QGridLayout()
        self.points_grid.setColumnStretch(2, 1)
        self.point_rows: list[PointRow] = []
        add_buttons = QHBoxLayout()
        for kind, text in _KINDS:
            button = QPushButton(f"Add {text.lower()}")
            button.clicked.connect(lambda _=False, k=kind: self.add_point(ContactPointRecord(k, ""), focus=True))
            add_buttons.addWidget(button)
        add_buttons.addStretch(1)
        points_group = QGroupBox("Phones, emails, addresses, web pages and handles")
        points_layout = QVBoxLayout(points_group)
        points_layout.addLayout(self.points_grid)
        points_layout.addLayout(add_buttons)
        for point in self._original.points:
            self.add_point(dataclasses.replace(point))

        self.notes = QPlainTextEdit(self._original.notes)
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(64)
        notes_group = QGroupBox("Notes")
        QVBoxLayout(notes_group).addWidget(self.notes)

        # Two columns over the full-width lists, so the editor fits a 768-pixel-high screen.
        body = QWidget()
        body_layout = QGridLayout(body)
        left = QVBoxLayout()
        left.addLayout(photo_box)
        left.addWidget(names)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(work)
        right.addWidget(personal)
        right.addStretch(1)
        body_layout.addLayout(left, 0, 0)
        body_layout.addLayout(right, 0, 1)
        body_layout.addWidget(points_group, 1, 0, 1, 2)
        body_layout.addWidget(notes_group, 2, 0, 1, 2)
        body_layout.setColumnStretch(0, 1)
        body_layout.setColumnStretch(1, 1)
        scroll = scrolled(body)

        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.hide()
        buttons = dialog_buttons(self, accept=QDialogButtonBox.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._fit_to_screen(body, scroll, buttons)
        self._show_photo()
        self.fields["given_name"].setFocus()
        self._as_opened = self.result_record()  # what Cancel compares with, to ask before throwing typing away

    def _fit_to_screen(self, body: QWidget, scroll, buttons: QWidget) -> None:
        """As large as the person's fields need, and no larger than the screen leaves free (with
        room for the title bar): a person with many numbers scrolls rather than run off it."""
        screen = (self.parentWidget() or self).screen().availableGeometry()
        margins = self.layout().contentsMargins()
        chrome = margins.top() + margins.bottom() + self.layout().spacing() + buttons.sizeHint().height()
        needed = body.minimumSizeHint() + QSize(scroll.verticalScrollBar().sizeHint().width(), chrome + 12)
        self.resize(max(min(needed.width() + margins.left() + margins.right(), screen.width() - 40), 820),
                    max(min(needed.height(), screen.height() - 40), 400))

    def _form_group(self, title: str, rows: list) -> QGroupBox:
        """A group of labelled fields, each (name, accessible name, placeholder[, label]); a row
        given as a list of two fields holds both (prefix and suffix, the two readings), to keep
        the editor short."""
        group = QGroupBox(title)
        form = QFormLayout(group)
        for row in rows:
            pair = row if isinstance(row, list) else [row]
            fields = []
            for name, caption, hint, *_ in pair:
                field = QLineEdit(str(getattr(self._original, name)) if name != "tags" else "")
                field.setPlaceholderText(hint)
                field.setAccessibleName(caption)
                self.fields[name] = field
                fields.append(field)
            labels = [spec[3] if len(spec) > 3 else spec[1] for spec in pair]
            if len(fields) == 1:
                form.addRow(labels[0], fields[0])
                continue
            line = QHBoxLayout()
            line.addWidget(fields[0], 1)
            if labels[1]:
                second = QLabel(labels[1])
                second.setBuddy(fields[1])
                line.addWidget(second)
            line.addWidget(fields[1], 1)
            form.addRow(labels[0], line)
        return group

    # -- Contact points -----------------------------------------------------------------

    def add_point(self, point: ContactPointRecord, focus: bool = False) -> PointRow:
        row = PointRow(point, self._remove_point)
        index = len(self.point_rows)
        self.point_rows.append(row)
        # kind | label or service (only one is visible) | value | remove
        for widget, column in zip(row.widgets(), (0, 1, 1, 2, 3), strict=True):
            self.points_grid.addWidget(widget, index, column, Qt.AlignTop)
        if focus:
            row.value.setFocus()
        return row

    def _remove_point(self, row: PointRow) -> None:
        self.point_rows.remove(row)
        for widget in row.widgets():
            self.points_grid.removeWidget(widget)
            widget.deleteLater()

    # -- Photo --------------------------------------------------------------------------

    def _choose_photo(self) -> None:
        images = "Images (*.jpg *.jpeg *.png *.gif *.webp *.bmp)"
        name, _ = QFileDialog.getOpenFileName(self, "Choose a photo", "", images)
        if name:
            self.set_photo_file(name)

    def set_photo_file(self, file_name: str) -> bool:
        try:
            with open(file_name, "rb") as file:
                self._photo = photos.prepare(file.read())
        except (OSError, photos.PhotoError) as error:
            QMessageBox.warning(self, "Photo", f"This photo cannot be used: {error}")
            return False
        self._show_photo()
        return True

    def _clear_photo(self) -> None:
        self._photo = (None, "")
        self._show_photo()

    def _show_photo(self) -> None:
        self.avatar.show_person(self._name_for_avatar(), self._photo[0], self.fields["given_name"].text(),
                                 self.fields["family_name"].text())
        self.remove_photo.setEnabled(self._photo[0] is not None)

    def _name_for_avatar(self) -> str:
        typed = " ".join(self.fields[name].text() for name in ("given_name", "family_name")).strip()
        return typed or self._original.display_name

    # -- Result -------------------------------------------------------------------------

    def result_record(self) -> ContactRecord:
        values = {name: field.text().strip() for name, field in self.fields.items() if name != "tags"}
        tags = [tag.strip() for tag in self.fields["tags"].text().split(",") if tag.strip()]
        points = [point for point in (row.record() for row in self.point_rows) if point]
        return dataclasses.replace(
            self._original, **values, tags=tags, points=points, notes=self.notes.toPlainText().strip(),
            photo=self._photo[0], photo_type=self._photo[1])

    def _problem(self, record: ContactRecord) -> str:
        for name in ("birthday", "anniversary"):
            value = getattr(record, name)
            # Dates that came in from a vCard as written there are kept even when unusual.
            if value and value != getattr(self._original, name) and not _DATE.match(value):
                return f"The {name} should look like 1980-03-22, or --03-22 without the year."
        if record.display_name == "(no name)" and not record.notes:
            return "Give the person a name, an organisation, a phone or an email."
        return ""

    def reject(self) -> None:
        """Esc or Cancel: what was typed is not thrown away without asking."""
        if self._changed() and not self._discard_ok():
            return
        super().reject()

    def _changed(self) -> bool:
        return self.result_record() != self._as_opened

    def _discard_ok(self) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Discard changes?",
                          "You have changed this person. Discard your changes?", parent=self)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(box.buttons()[-1])
        box.exec()
        return box.clickedButton() is discard

    def accept(self) -> None:
        problem = self._problem(self.result_record())
        if problem:
            self.error_label.setText(problem)
            self.error_label.show()
            return
        super().accept()
