"""The left pane: a search field, sort and tag choices, and the list of people."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QEvent, QModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.models.contact_list_model import ContactListModel
from gui.widgets.avatar import avatar_pixmap
from gui.widgets.palette import quiet_text
from model import contacts

SORT_CHOICES = [("name", "Sort by name"), ("company", "Sort by company"), ("changed", "Sort by last change"),
                ("last_contact", "Sort by last contact"), ("step", "Sort by step reached")]
_AVATAR = 34


class ContactRowDelegate(QStyledItemDelegate):
    """Paints a person as two lines beside their photo or initials: the name, then organisation · title."""

    _KEPT = 512  # photos kept decoded and scaled: a few screens' worth

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._photos: OrderedDict[tuple[int, int, float], QPixmap] = OrderedDict()

    def _avatar(self, index: QModelIndex, name: str, ratio: float) -> QPixmap:
        """The row's photo, decoded once per notebook change, or its initials (cheap to draw)."""
        key = (index.model().generation, index.data(ContactListModel.IdRole), ratio)
        pixmap = self._photos.get(key)
        if pixmap is not None:
            self._photos.move_to_end(key)
            return pixmap
        photo = index.data(ContactListModel.PhotoRole)
        pixmap = avatar_pixmap(name, photo, _AVATAR, ratio, index.data(ContactListModel.InitialsRole) or "")
        if photo:
            self._photos[key] = pixmap
            if len(self._photos) > self._KEPT:
                self._photos.popitem(last=False)
        return pixmap

    @staticmethod
    def row_height(font: QFont) -> int:
        return max(_AVATAR + 12, QFontMetrics(font).height() * 2 + 16)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(200, self.row_height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        if style:
            style.drawControl(QStyle.CE_ItemViewItem, option, painter, option.widget)
        name = index.data(Qt.DisplayRole) or ""
        subtitle = index.data(ContactListModel.SubtitleRole) or ""
        rect = option.rect
        painter.save()
        top = rect.top() + (rect.height() - _AVATAR) // 2
        ratio = painter.device().devicePixelRatioF()
        painter.drawPixmap(rect.left() + 8, top, self._avatar(index, name, ratio))
        selected = bool(option.state & QStyle.State_Selected)
        text_colour = option.palette.color(QPalette.HighlightedText if selected else QPalette.Text)
        left = rect.left() + _AVATAR + 18
        width = rect.right() - left - 6
        bold = QFont(option.font)
        bold.setWeight(QFont.DemiBold)
        line = QFontMetrics(option.font).height()
        middle = rect.top() + rect.height() // 2
        painter.setFont(bold)
        painter.setPen(text_colour)
        name_top = middle - line if subtitle else middle - line // 2
        painter.drawText(QRect(left, name_top, width, line), Qt.AlignLeft | Qt.AlignVCenter,
                         QFontMetrics(bold).elidedText(name, Qt.ElideRight, width))
        if subtitle:
            painter.setFont(option.font)
            dim = option.palette.color(QPalette.HighlightedText) if selected else quiet_text(option.palette)
            painter.setPen(dim)
            painter.drawText(QRect(left, middle, width, line), Qt.AlignLeft | Qt.AlignVCenter,
                             QFontMetrics(option.font).elidedText(subtitle, Qt.ElideRight, width))
        painter.restore()


class TagBox(QComboBox):
    """The tag filter. Its list, with how many people carry each tag (a count over every tag
    link: 40 ms at 100,000 people), is read when the user first reaches for it, not at start-up."""

    def __init__(self, fill, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fill = fill
        self.stale = True
        self.addItem("All tags", None)

    def ensure_filled(self) -> None:
        if self.stale:
            self._fill()

    def showPopup(self) -> None:
        self.ensure_filled()
        super().showPopup()

    def focusInEvent(self, event) -> None:  # the arrow keys choose without opening the list
        self.ensure_filled()
        super().focusInEvent(event)

    def wheelEvent(self, event) -> None:
        self.ensure_filled()
        super().wheelEvent(event)


class SearchField(QLineEdit):
    """The search field lets the window's Ctrl+letter shortcuts through (Ctrl+E edits the person,
    Ctrl+L logs an exchange): a line edit takes some of them for itself (Ctrl+E is end-of-line
    on X11), so they did nothing while one was typing a search."""

    WINDOW_KEYS = {Qt.Key_E, Qt.Key_L, Qt.Key_M, Qt.Key_I, Qt.Key_P}

    def event(self, event) -> bool:
        if (event.type() == QEvent.Type.ShortcutOverride and event.modifiers() == Qt.ControlModifier
                and event.key() in self.WINDOW_KEYS):
            event.ignore()  # not ours: the shortcut fires
            return True
        return super().event(event)


class ContactList(QWidget):
    """Search, sort, filter by tag, and pick a person."""

    contact_selected = Signal(object)  # a contact id, or None when nothing is selected
    contact_activated = Signal(int)  # double-click or Enter: edit
    query_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ContactListModel(self)
        self.search_field = SearchField(placeholderText="Search names, companies, places, notes…")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setAccessibleName("Search contacts")
        self.sort_box = QComboBox()
        for key, text in SORT_CHOICES:
            self.sort_box.addItem(text, key)
        self.tag_box = TagBox(self._fill_tags)
        self.tag_box.setAccessibleName("Filter by tag")
        self.show_box = QComboBox()
        self.show_box.setAccessibleName("Show")
        for key, text in contacts.SHOW_CHOICES:
            self.show_box.addItem(text, key)
        # A one-column table with fixed row heights: it places row n without visiting rows
        # 0..n-1, which QListView and QTreeView both do (a Python call per row, 100,000 times).
        self.view = QTableView()
        self.view.setTabKeyNavigation(False)  # Tab leaves the list for the person's page, as in any form
        self.view.horizontalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        rows = self.view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.Fixed)
        rows.setDefaultSectionSize(ContactRowDelegate.row_height(self.font()))
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setItemDelegate(ContactRowDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Contacts")

        choices = QHBoxLayout()
        choices.addWidget(self.sort_box, 1)
        choices.addWidget(self.tag_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(self.search_field)
        layout.addLayout(choices)
        layout.addWidget(self.show_box)
        layout.addWidget(self.view, 1)

        # Search as the user types, but let a burst of keystrokes settle first.
        self._search_timer = QTimer(self, singleShot=True, interval=120)
        self._search_timer.timeout.connect(lambda: self._apply_search(typing=True))
        # While the user types, the list is painted first and the person it selects is shown
        # just after (the person's page took half of what a keystroke cost): a burst of
        # keystrokes loads one page, not one a keystroke.
        self._typing = False
        self._show_soon = QTimer(self, singleShot=True, interval=0)
        self._show_soon.timeout.connect(lambda: self.contact_selected.emit(self.current_id()))
        self.search_field.textChanged.connect(self._search_timer.start)
        self.search_field.returnPressed.connect(self._open_first_match)
        self.sort_box.currentIndexChanged.connect(self._apply_sort)
        self.tag_box.currentIndexChanged.connect(self._apply_tag)
        self.show_box.currentIndexChanged.connect(
            lambda: self._reload(lambda: self.model.set_query(show=self.show_box.currentData())))
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.view.activated.connect(lambda index: self.contact_activated.emit(index.data(ContactListModel.IdRole)))
        self.model.modelReset.connect(self._after_reset)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Escape and self.search_field.text():
            self.search_field.clear()
            self._apply_search()
            return
        super().keyPressEvent(event)

    def _open_first_match(self) -> None:
        """Return in the search field: the search now, and the best match shown, the list focused."""
        self._apply_search()
        if self.model.rowCount():
            self.select(self.model.index(0).data(ContactListModel.IdRole))
            self.view.setFocus(Qt.OtherFocusReason)

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.ShortcutFocusReason)
        self.search_field.selectAll()

    # -- Filters ------------------------------------------------------------------------

    def _apply_search(self, typing: bool = False) -> None:
        """The search in the field, now; `typing`: as the user types (the person shown follows)."""
        self._search_timer.stop()
        text = self.search_field.text()
        if text.strip() != self.model.search_text:
            # A new search shows its best match (finding where the person shown before ranks
            # among 10,000 matches was a second search a keystroke); a cleared one keeps them.
            self._typing = typing
            try:
                self._reload(lambda: self.model.set_query(text=text), best_match=bool(text.strip()))
            finally:
                self._typing = False
            self.sort_box.setEnabled(not self.model.search_text)  # matches come best first

    def _apply_sort(self) -> None:
        self._reload(lambda: self.model.set_query(sort=self.sort_box.currentData()))

    def _apply_tag(self) -> None:
        self._reload(lambda: self.model.set_query(tag=self.tag_box.currentData()))

    def reset_filters(self) -> None:
        """Show everyone: no search, no tag, no history filter."""
        for box in (self.tag_box, self.show_box):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search_field.blockSignals(True)
        self.search_field.clear()
        self.search_field.blockSignals(False)
        self.sort_box.setEnabled(True)
        self._reload(lambda: self.model.set_query(text="", tag=None, show="everyone"))

    def set_sort(self, key: str) -> None:
        self.sort_box.setCurrentIndex(max(0, self.sort_box.findData(key)))

    def refresh_tags(self) -> None:
        """The tags in use have changed: offer them afresh (now, if one is chosen or the list is open)."""
        if self.tag_box.currentData() or self.tag_box.view().isVisible():
            self._fill_tags()
        else:
            self.tag_box.stale = True

    def _fill_tags(self) -> None:
        """Offer the tags now in use, keeping the current choice when it still exists."""
        current = self.tag_box.currentData()
        self.tag_box.blockSignals(True)
        self.tag_box.clear()
        self.tag_box.addItem("All tags", None)
        for name, count in contacts.tags_in_use():
            self.tag_box.addItem(f"{name} ({count:,})", name)
        index = self.tag_box.findData(current) if current else 0
        self.tag_box.setCurrentIndex(max(0, index))
        self.tag_box.blockSignals(False)
        self.tag_box.stale = False
        if current and index < 0:
            self._apply_tag()

    # -- Selection ----------------------------------------------------------------------

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return index.data(ContactListModel.IdRole) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        ids = [self.model.index(row).data(ContactListModel.IdRole) for row in rows]
        if not ids and self.current_id() is not None:
            ids = [self.current_id()]
        return ids

    def select(self, contact_id: int | None) -> None:
        """Select `contact_id`, or the first person when it is not in the list."""
        row = self.model.row_of(contact_id) if contact_id is not None else None
        if row is None:
            row = 0
        index = self.model.index(row)
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
            if self._show_soon.isActive():  # chosen, not typed: the person's page follows now
                self._selected(self.current_id())
        else:
            self._selected(None)

    def clear_selection(self) -> None:
        self.view.selectionModel().clear()
        self.view.setCurrentIndex(QModelIndex())

    def refresh(self, keep: int | None = None) -> None:
        """Reload after the notebook changed, keeping `keep` (or the current person) selected."""
        self._reload(self.model.refresh, keep=keep)
        self.refresh_tags()

    def _reload(self, change, keep: int | None = None, best_match: bool = False) -> None:
        keep = None if best_match else keep if keep is not None else self.current_id()
        change()
        self.select(keep)
        self.query_changed.emit()

    def _after_reset(self) -> None:
        if self.model.rowCount() == 0:
            self._selected(None)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._selected(current.data(ContactListModel.IdRole) if current.isValid() else None)

    def _selected(self, contact_id: int | None) -> None:
        if self._typing:
            self._show_soon.start()  # after the list's paint, which is posted already
            return
        self._show_soon.stop()
        self.contact_selected.emit(contact_id)
