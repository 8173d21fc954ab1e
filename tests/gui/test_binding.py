"""Guards against a PySide6 regression that would crash the app after long use.

PySide6-Essentials 6.12.0 hands Python an un-counted None for every empty QVariant it returns
(item data, combo box data), so after some thousands of calls Python deallocates None and the
process aborts. This is why 6.11.3 is pinned; the test fails on a version with the bug.
"""

import sys

from PySide6.QtWidgets import QComboBox, QTreeWidgetItem


def test_empty_variants_do_not_eat_references_to_none(qapp):
    box = QComboBox()
    box.addItem("All", None)
    item = QTreeWidgetItem(["month"])
    before = sys.getrefcount(None)
    for _ in range(200):
        assert box.currentData() is None
        assert item.data(0, 257) is None
    assert sys.getrefcount(None) >= before
