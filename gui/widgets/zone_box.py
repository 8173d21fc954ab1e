"""A time zone chooser that lists zones as people look for them: by city, with the offset now
("New York, UTC−5"; "Savannah — New York, UTC−5" for a person's own city), the likely ones
first. Typing finds a city anywhere in the name, and a zone's city typed alone is that zone; an
IANA name typed whole ("Europe/Berlin") is taken as it is, so is a Windows name ("W. Europe
Standard Time")."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from model import places


class ZoneBox(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setAccessibleName("Time zone")
        completer = self.completer()
        assert completer is not None  # an editable combo box has one
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def fill(self, first: Sequence[tuple[str, str]] = (), extra: Sequence[tuple[str, str]] = (),
             blank: bool = False) -> None:
        """`first`: (zone, the person's city or "") shown at the top; then `extra` (label, data)
        items (floating time, say); then every zone by city."""
        self.clear()
        if blank:
            self.addItem("", "")
        shown = set()
        for zone, place in first:
            if zone and zone not in shown:
                shown.add(zone)
                self.addItem(places.zone_label(zone, place), zone)
        for label, data in extra:
            self.addItem(label, data)
        rest = sorted((zone for zone in places.all_zones() if zone not in shown), key=places.zone_city)
        for zone in rest:
            self.addItem(places.zone_label(zone), zone)

    def zone(self) -> str:
        """The zone chosen: the item's IANA name, or what was typed as a zone's name ("" if none)."""
        text = self.currentText().strip()
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return str(self.itemData(index) or "")
        named = places.zone_named(text)
        if named or not text:
            return named
        for row in range(self.count()):  # a zone's city typed alone ("kolkata")
            zone = str(self.itemData(row) or "")
            if "/" in zone and places.zone_city(zone).casefold() == text.casefold():
                return zone
        return text

    def set_zone(self, zone: str) -> None:
        index = self.findData(zone)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(zone)
