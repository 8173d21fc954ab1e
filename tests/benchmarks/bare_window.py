"""The yardstick for start-up: a bare PySide6 window shown, grabbed to a PNG, and closed."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1120, 740)
window.show()
QTimer.singleShot(0, lambda: app.exit(0 if window.grab().save(sys.argv[1], "PNG") else 1))
sys.exit(app.exec())
