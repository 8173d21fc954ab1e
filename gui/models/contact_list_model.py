"""The contact list as a Qt item model that reads its rows from model/ a page at a time.

The model knows how many rows there are (one COUNT query) and fetches a page of 64 rows (a few
screens) only when the view asks for a row in it, so a notebook of 100,000 people opens and
scrolls as fast as one of 100. Pages are forgotten again past a small cache, so memory stays flat.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from gui.widgets.avatar import initials
from model import contacts, history, search
from model.contacts import ContactRow

PAGE_SIZE = 64  # a few screens: what a keystroke in the search field reads
_CACHED_PAGES = 256


class ContactListModel(QAbstractListModel):
    """People in the notebook, filtered by search text and tag, in the chosen order."""

    IdRole = Qt.UserRole + 1
    SubtitleRole = Qt.UserRole + 2
    InitialsRole = Qt.UserRole + 3  # the avatar's letters, from the given and family names
    PhotoRole = Qt.UserRole + 4  # the photo's bytes (a query: the delegate keeps the picture)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._text = ""
        self._tag: str | None = None
        self._sort = "name"
        self._show = "everyone"
        self._count = 0
        self._pages: OrderedDict[int, list[ContactRow]] = OrderedDict()
        self.generation = 0  # one more at each reload: pictures kept for an older one are stale
        self._reload()

    # -- What is shown ------------------------------------------------------------------

    @property
    def search_text(self) -> str:
        return self._text

    @property
    def tag(self) -> str | None:
        return self._tag

    @property
    def sort(self) -> str:
        return self._sort

    @property
    def show(self) -> str:
        return self._show

    def set_query(self, *, text: str | None = None, tag: str | None | bool = False, sort: str | None = None,
                  show: str | None = None) -> None:
        """Change the search text, tag filter (None for all), history filter or order, and reload."""
        if text is not None:
            self._text = text.strip()
        if tag is not False:
            self._tag = tag or None
        if sort is not None:
            self._sort = sort
        if show is not None:
            self._show = show
        self.refresh()

    def refresh(self) -> None:
        """Read the rows again, after the notebook changed."""
        self.beginResetModel()
        self._reload()
        self.endResetModel()

    def _reload(self) -> None:
        self._pages.clear()
        self.generation += 1
        if self._text:
            self._count = search.count_matches(self._text, tag=self._tag, show=self._show)
        else:
            self._count = contacts.count_contacts(self._tag, self._show)

    def _fetch_page(self, page: int) -> list[ContactRow]:
        offset = page * PAGE_SIZE
        if self._text:
            return contacts.rows_for(search.search(self._text, PAGE_SIZE, offset, tag=self._tag, show=self._show,
                                                   count=self._count))
        return contacts.list_contacts(self._sort, self._tag, offset, PAGE_SIZE, show=self._show)

    def contact_row(self, row: int) -> ContactRow | None:
        if not 0 <= row < self._count:
            return None
        page = row // PAGE_SIZE
        rows = self._pages.get(page)
        if rows is None:
            rows = self._pages[page] = self._fetch_page(page)
            if len(self._pages) > _CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        index = row % PAGE_SIZE
        return rows[index] if index < len(rows) else None

    def row_of(self, contact_id: int) -> int | None:
        """The row showing `contact_id`, or None when it is not in the list."""
        for page, rows in self._pages.items():
            for index, row in enumerate(rows):
                if row.id == contact_id:
                    return page * PAGE_SIZE + index
        if self._text:  # the matches, best first: where the person is among them (after a reload, say)
            ids = search.search(self._text, min(self._count, 10_000), tag=self._tag, show=self._show,
                                count=self._count)
            return ids.index(contact_id) if contact_id in ids else None
        return contacts.position_of(contact_id, self._sort, self._tag, self._show)

    # -- QAbstractListModel -------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else self._count

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole):
        row = self.contact_row(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.DisplayRole:
            return row.display_name
        if role == self.IdRole:
            return row.id
        if role == self.SubtitleRole:
            if self._sort in ("last_contact", "step") and not self._text:
                return _standing(row)
            return " · ".join(part for part in (row.organisation, row.title) if part)
        if role == self.InitialsRole:
            return initials(row.display_name, row.given_name, row.family_name)
        if role == self.PhotoRole:
            return contacts.photo(row.id) if row.has_photo else None
        if role == Qt.ToolTipRole:
            return "\n".join(part for part in (row.display_name, row.title, row.organisation) if part)
        return None


def _standing(row: ContactRow) -> str:
    """"Spoken · 3 weeks ago": the step reached and the last contact, for the history sorts."""
    if not row.last_contact_at:
        return "No history yet"
    when = history.describe_ago(history.parse_stamp(row.last_contact_at))
    return f"{history.STEP_NAMES[row.step]} · {when}"
