"""The floor under Rapport's start-up: the bare PySide6 window of bare_window.py, plus what the
stack the foundation issue prescribes loads before any window of ours can show: Peewee (the
storage), platformdirs (where the notebook lives) and PySide6's `Qt` namespace (its first use
builds every enum in it; any real window aligns, sizes or looks up roles through it)."""

import sys

import peewee  # noqa: F401
import platformdirs  # noqa: F401
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("", alignment=Qt.AlignmentFlag.AlignCenter))
window.resize(1120, 740)
window.show()
QTimer.singleShot(0, lambda: app.exit(0 if window.grab().save(sys.argv[1], "PNG") else 1))
sys.exit(app.exec())
