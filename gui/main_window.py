"""The main window: the contact list on the left, the selected person on the right."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from gui.contact_list import SORT_CHOICES, ContactList
from gui.notebook_trouble import offer_recovery, show_fault
from gui.overview import OfflineView, TodayPage, WelcomePage
from gui.undo_commands import (
    AddContact,
    DeleteContacts,
    DeleteExchanges,
    DeleteMeetings,
    EditContact,
    EditExchange,
    LogExchange,
    MarkMeetingDone,
    MergeContacts,
    SaveMeeting,
)
from gui.widgets.line_icons import line_icon
from gui.widgets.worker import BackgroundError, run_in_background
from model import backups, clock, contacts, history, meetings, preferences, storage
from model.faults import Damaged
from model.file_kinds import CALENDAR_SUFFIXES, CARD_SUFFIXES, HISTORY_SUFFIXES, sort_paths
from model.meetings import MeetingRecord
from model.storage import Notebook, NotebookError


class MainWindow(QMainWindow):
    """Rapport's one window over one open notebook."""

    def __init__(self, notebook: Notebook, version: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notebook = notebook
        self.version = version
        self.undo_stack = QUndoStack(self)
        self._sync = None  # the SyncController, made just after the window shows (it loads the DAV client)
        self._build_actions()

        self.contact_list = ContactList()
        self._contact_page = None  # built when the first person is shown: faster start-up
        self._calendar_view = None  # built when first shown
        self.reminders = None  # started by start_reminders (not in screenshot mode)
        self.tray = None
        self._quitting = False
        self.welcome_page = WelcomePage([self.import_action, self.open_sample_action, self.new_contact_action])
        self.today_page = TodayPage()
        self.pages = QStackedWidget()
        for page in (self.welcome_page, self.today_page):
            self.pages.addWidget(page)
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(self.contact_list)
        self.splitter.addWidget(self.pages)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([320, 700])
        self.splitter.setChildrenCollapsible(False)
        self.offline_view = OfflineView()
        self.views = QStackedWidget()
        self.views.addWidget(self.splitter)
        self.views.addWidget(self.offline_view)
        self.setCentralWidget(self.views)
        self._build_menus()
        self._build_toolbar()
        self.count_label = QLabel()
        self.statusBar().addPermanentWidget(self.count_label)

        self.contact_list.contact_selected.connect(self.show_contact)
        self.contact_list.contact_activated.connect(lambda _id: self.edit_contact())
        self.contact_list.query_changed.connect(self._update_count)
        self.today_page.open_contact.connect(self.open_contact)
        self.today_page.show_offline.connect(lambda: self.show_view(self.offline_view))
        self.today_page.open_meeting.connect(self.open_meeting)
        self.offline_view.open_contact.connect(self.open_contact)
        self.offline_view.log_requested.connect(lambda contact_id: self.log_exchange([contact_id], "phone"))
        self.setAcceptDrops(True)
        self._restore_settings()
        self._update_title()
        self.today_page.defer_once()  # the window first; the history's lists as a worker makes them
        self.show_today()
        history.drop_start_lists()  # (begun at start-up for this first Today, if it was shown)
        self._update_count()

    # -- Building -----------------------------------------------------------------------

    @property
    def contact_page(self):
        """The person's page (details, history, prep), made on first use."""
        if self._contact_page is None:
            from gui.contact_page import ContactPage

            page = self._contact_page = ContactPage()
            page.edit_requested.connect(self.edit_contact)
            page.delete_requested.connect(self.delete_contacts)
            page.log_requested.connect(self.log_exchange)
            page.history_tab.edit_requested.connect(self.edit_exchange)
            page.history_tab.delete_requested.connect(self.delete_exchanges)
            page.history_tab.cadence_changed.connect(self.set_cadence)
            page.prep_tab.contact_edited.connect(
                lambda before, after: self.undo_stack.push(EditContact(before, after, self._changed)))
            page.prep_tab.open_contact.connect(self.open_contact)
            page.meetings_tab.plan_requested.connect(lambda: self.new_meeting(self.contact_list.selected_ids()))
            self._connect_meeting_views(page.meetings_tab)
            self.pages.addWidget(page)
        return self._contact_page

    @property
    def calendar_view(self):
        """The calendar (month, day, week, agenda), made on first use."""
        if self._calendar_view is None:
            from gui.calendar_view import CalendarView

            view = self._calendar_view = CalendarView()
            view.new_requested.connect(lambda starts_at: self.new_meeting([], starts_at))
            view.moved.connect(self.move_meeting)
            view.day_sheets_requested.connect(self.print_day_sheets)
            self._connect_meeting_views(view)
            self.views.addWidget(view)
        return self._calendar_view

    def _connect_meeting_views(self, view) -> None:
        view.edit_requested.connect(self.edit_meeting)
        view.menu_requested.connect(self.meeting_menu)
        view.delete_requested.connect(self.delete_meetings)

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.new_contact_action = self._action("&New contact…", self.new_contact, QKeySequence.New, "Add a person")
        self.open_action = self._action("&Open notebook…", self.choose_notebook, QKeySequence.Open)
        self.new_notebook_action = self._action("New note&book…", self.new_notebook,
                                                tip="Start an empty notebook in a file of its own")
        self.my_notebook_action = self._action("Open &my notebook", self.open_my_notebook,
                                               tip="Back to your own notebook, in your user data folder")
        self.import_action = self._action("&Import contacts…", self.choose_import, "Ctrl+I",
                                          "Import vCards, calendars, or the history exports of WhatsApp,"
                                          " your phone, mail, Messenger, Telegram, X and LinkedIn")
        self.open_sample_action = self._action("Open &sample notebook", self.open_sample,
                                               tip="Look around a notebook of forty sample people")
        self.quit_action = self._action("&Quit", self.quit, QKeySequence.Quit)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        redo_keys = QKeySequence.keyBindings(QKeySequence.Redo)
        if QKeySequence("Ctrl+Shift+Z") not in redo_keys:  # the platform's Redo may lack it
            redo_keys.insert(0, QKeySequence("Ctrl+Shift+Z"))
        self.redo_action.setShortcuts(redo_keys)
        self.edit_action = self._action("&Edit contact…", self.edit_contact, "Ctrl+E")
        self.delete_action = self._action("&Delete contact", self.delete_contacts, QKeySequence.Delete)
        self.find_action = self._action("&Find", lambda: self.contact_list.focus_search(), QKeySequence.Find)
        self.log_action = self._action("&Log an exchange…", lambda: self.log_exchange(), "Ctrl+L",
                                       "Log a message, call or meeting with the selected people")
        self.print_action = self._action("&Print call sheet…", lambda: self.print_call_sheet(), QKeySequence.Print,
                                         "Preview, print or save the selected person's call sheet")
        self.pdf_action = self._action("Save call sheet as P&DF…", lambda: self.save_call_sheet(),
                                       tip="Write the selected person's call sheet to a PDF file")
        self.duplicates_action = self._action("Find &duplicates…", self.find_duplicates,
                                              tip="People who are probably one person, to merge")
        self.export_contacts_action = self._action("E&xport contacts…", self.export_contacts,
                                                   tip="Write contacts to a .vcf file for a phone or another program")
        self.channels_action = self._action("&Channels…", self.edit_channels,
                                            tip="Add, rename, hide and order the channels you log")
        self.sync_action = self._action("S&ync now", lambda: self.sync_controller().sync_now(ask=True), "F5",
                                        "Sync people and meetings with your CardDAV/CalDAV accounts")
        self.sync_accounts_action = self._action("Sync &accounts…", self.show_sync_accounts,
                                                 tip="The address book and calendar servers this notebook syncs with")
        self.conflicts_action = self._action("Sync c&onflicts…", self.show_sync_conflicts,
                                             tip="Fields changed differently here and on the server: keep or take")
        self.preferences_action = self._action("Prefere&nces…", self.edit_preferences, "Ctrl+,",
                                               "Home and its time zone, call hours, the first day of the week,"
                                               " paper, reminders")
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.check_action = self._action("Check &notebook", self.check_notebook,
                                         tip="Read every page of the notebook to find damage (an integrity check)")
        self.today_action = self._action("&Today", self.show_today, "Ctrl+1",
                                         "Who is overdue, whose birthday is coming, who to call")
        self.people_action = self._action("&People", lambda: self.show_view(self.splitter), "Ctrl+2")
        self.calendar_action = self._action("&Calendar", lambda: self.show_view(self.calendar_view), "Ctrl+4",
                                            "Planned calls and meetings: month, week and agenda")
        self.new_meeting_action = self._action("Plan a &meeting…", lambda: self.new_meeting(), "Ctrl+M",
                                               "Plan a call, a video call or a coffee")
        self.day_sheets_action = self._action("Print &today's sheets…", lambda: self.print_day_sheets(clock.today()),
                                              tip="A call sheet for each of today's meetings")
        self.export_ics_action = self._action("Export &calendar…", self.export_calendar,
                                              tip="Write meetings to an .ics file for a phone or another calendar")
        self.offline_action = self._action("Take it &offline", lambda: self.show_view(self.offline_view), "Ctrl+3",
                                           "People you talk to online but have never called")
        self.view_actions = QActionGroup(self)
        for action in (self.today_action, self.people_action, self.offline_action, self.calendar_action):
            action.setCheckable(True)
            self.view_actions.addAction(action)
        self.about_action = self._action("&About Rapport", self.show_about)
        self.tray_action = self._action("Keep running in the tray when closed", lambda on: QSettings().setValue(
            "tray/keep_running", on), tip="Reminders still come while the window is closed")
        self.tray_action.setCheckable(True)
        self.tray_action.setEnabled(False)
        self.sort_actions = QActionGroup(self)
        for key, text in SORT_CHOICES:
            action = self._action(text, lambda _=False, k=key: self.contact_list.set_sort(k))
            action.setCheckable(True)
            action.setData(key)
            self.sort_actions.addAction(action)

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&File")
        menu.addActions([self.new_contact_action, self.new_meeting_action])
        menu.addSeparator()
        menu.addActions([self.import_action, self.export_contacts_action, self.export_ics_action])
        menu.addSeparator()
        menu.addActions([self.new_notebook_action, self.open_action])
        self.recent_menu = menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        menu.addActions([self.my_notebook_action, self.open_sample_action])
        menu.addSeparator()
        menu.addActions([self.print_action, self.pdf_action, self.day_sheets_action])
        menu.addSeparator()
        menu.addAction(self.quit_action)
        menu = self.menuBar().addMenu("&Edit")
        menu.addActions([self.undo_action, self.redo_action])
        menu.addSeparator()
        menu.addActions([self.edit_action, self.delete_action])
        menu.addSeparator()
        menu.addAction(self.log_action)
        menu.addSeparator()
        menu.addAction(self.find_action)
        menu.addSeparator()
        menu.addAction(self.preferences_action)
        menu = self.menuBar().addMenu("&View")
        menu.addActions(self.view_actions.actions())
        menu.addSeparator()
        menu.addActions(self.sort_actions.actions())
        menu.addSeparator()
        menu.addAction(self.tray_action)
        menu = self.menuBar().addMenu("&Tools")
        menu.addAction(self.duplicates_action)
        menu.addAction(self.channels_action)
        menu.addSeparator()
        menu.addActions([self.sync_accounts_action, self.sync_action, self.conflicts_action])
        menu.addSeparator()
        menu.addAction(self.check_action)
        self.contact_list.sort_box.currentIndexChanged.connect(self._sync_sort_actions)
        menu = self.menuBar().addMenu("&Help")
        menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        toolbar.setIconSize(QSize(20, 20))
        buttons = ((self.today_action, "today", "Today"), (self.people_action, "people", "People"),
                   (self.offline_action, "offline", "Offline"), (self.calendar_action, "calendar", "Calendar"),
                   (self.new_contact_action, "new-contact", "New"), (self.log_action, "log", "Log"),
                   (self.new_meeting_action, "new-meeting", "Plan"), (self.edit_action, "edit", "Edit"),
                   (self.delete_action, "delete", "Delete"), (self.import_action, "import", "Import"),
                   (self.sync_action, "sync", "Sync"))
        for action, icon, short in buttons:
            action.setIcon(line_icon(icon))
            action.setIconText(short)  # the menus keep the whole text; the button's tooltip too
        toolbar.addActions(self.view_actions.actions())
        toolbar.addSeparator()
        toolbar.addActions([self.new_contact_action, self.log_action, self.new_meeting_action, self.edit_action,
                            self.delete_action])
        toolbar.addSeparator()
        toolbar.addAction(self.import_action)
        toolbar.addAction(self.sync_action)

    def _sync_sort_actions(self) -> None:
        key = self.contact_list.sort_box.currentData()
        for action in self.sort_actions.actions():
            action.setChecked(action.data() == key)

    # -- Showing ------------------------------------------------------------------------

    def show_contact(self, contact_id: int | None) -> None:
        record = contacts.get_contact(contact_id) if contact_id is not None else None
        if record is not None:
            self.contact_page.show_contact(record)
            self.pages.setCurrentWidget(self.contact_page)
            self.people_action.setChecked(self.views.currentWidget() is self.splitter)
        elif contacts.has_contacts():
            self.today_page.refresh()
            self.pages.setCurrentWidget(self.today_page)
            if self.views.currentWidget() is self.splitter:
                self.today_action.setChecked(True)
        else:
            self.pages.setCurrentWidget(self.welcome_page)
        for action in (self.edit_action, self.delete_action, self.log_action, self.print_action, self.pdf_action):
            action.setEnabled(record is not None)

    def show_today(self) -> None:
        self.views.setCurrentWidget(self.splitter)
        self.contact_list.clear_selection()
        self.show_contact(None)

    def show_view(self, view: QWidget) -> None:
        """Switch between the people (list and person), the take-it-offline list and the calendar."""
        if view is self.offline_view:
            self.offline_view.refresh()
            self.offline_action.setChecked(True)
        elif view is self._calendar_view:
            self.calendar_view.refresh()
            self.calendar_action.setChecked(True)
        else:
            self.people_action.setChecked(True)
            if self.contact_list.current_id() is None:
                self.contact_list.select(None)
        self.views.setCurrentWidget(view)
        has_person = view is self.splitter and self.contact_list.current_id() is not None
        for action in (self.edit_action, self.delete_action, self.log_action, self.print_action, self.pdf_action):
            action.setEnabled(has_person)

    def open_contact(self, contact_id: int) -> None:
        """Show one person, from Today or the take-it-offline list."""
        self.views.setCurrentWidget(self.splitter)
        self.contact_list.search_field.clear()
        self.contact_list.select(contact_id)
        if self.contact_list.current_id() != contact_id:  # filtered out of the list: show everyone
            self.contact_list.reset_filters()
            self.contact_list.select(contact_id)
        self.show_contact(self.contact_list.current_id())

    def _update_count(self) -> None:
        model = self.contact_list.model
        shown = model.rowCount()
        filtered = bool(model.search_text or model.tag or model.show != "everyone")
        total = contacts.count_contacts() if filtered else shown  # unfiltered, the list has just counted everyone
        noun = "contact" if total == 1 else "contacts"
        self.count_label.setText(f"{shown:,} of {total:,} {noun}" if filtered else f"{total:,} {noun}")

    def is_sample(self) -> bool:
        """Whether the open notebook is a throwaway copy of the sample (not the user's own)."""
        return self.notebook.path.name == "sample.rapport" and self.notebook.path.parent.name.startswith(
            ("rapport-sample-", "rapport-demo-"))

    def _update_title(self) -> None:
        sample = " (a sample, not your notebook)" if self.is_sample() else ""
        self.setWindowTitle(f"{self.notebook.path.name}{sample} — Rapport")
        if not self.is_sample():
            remember_recent(self.notebook.path)
        self.my_notebook_action.setEnabled(self.notebook.path != storage.default_notebook_path())

    # -- Sync ---------------------------------------------------------------------------

    def sync_controller(self):
        """What syncs this notebook with its accounts (made on first use, or just after start-up)."""
        if self._sync is None:
            from gui.sync_panel import SyncController

            self._sync = SyncController(self)
            self._sync.message.connect(self.statusBar().showMessage)
            self._sync.finished.connect(self._synced)
        return self._sync

    def start_sync(self) -> None:
        """Sync soon after the window shows, then every few minutes and after changes."""
        self.sync_controller().start()

    def show_sync_accounts(self) -> None:
        from gui.sync_panel import SyncAccountsDialog

        SyncAccountsDialog(self.sync_controller(), self).exec()

    def show_sync_conflicts(self) -> None:
        from gui.sync_panel import ConflictsDialog

        dialog = ConflictsDialog(self)
        dialog.exec()
        if dialog.settled:
            self._changed(self.contact_list.current_id())

    def _synced(self, report) -> None:
        if report.pulled or report.deleted_here:
            self.undo_stack.clear()  # the notebook changed under the undo steps, as after an import
            if report.deleted:  # what another device deleted can be had back here, until the next sync
                from gui.sync_panel import UndoSyncDeletions

                self.undo_stack.push(UndoSyncDeletions(report.deleted, report.deleted_here, self._changed))
            controller = self.sync_controller()
            controller.quiet = True
            try:
                self._changed(self.contact_list.current_id())
            finally:
                controller.quiet = False

    def _changed(self, contact_id: int | None) -> None:
        """After any change to the notebook: reload the list and show `contact_id`."""
        if self._sync is not None:
            self._sync.changed()
        self.contact_list.refresh(keep=contact_id)
        self.show_contact(self.contact_list.current_id())
        self._update_count()
        if self.views.currentWidget() is self.offline_view:
            self.offline_view.refresh()
        if self._calendar_view is not None and self.views.currentWidget() is self._calendar_view:
            self._calendar_view.refresh()

    # -- Editing ------------------------------------------------------------------------

    def new_contact(self) -> None:
        from gui.contact_editor import ContactEditor  # loaded on first use: faster start-up

        editor = ContactEditor(parent=self)
        if editor.exec():
            self.undo_stack.push(AddContact(editor.result_record(), self._changed))

    def edit_contact(self) -> None:
        contact_id = self.contact_list.current_id()
        before = contacts.get_contact(contact_id) if contact_id is not None else None
        if before is None:
            return
        from gui.contact_editor import ContactEditor

        editor = ContactEditor(before, parent=self)
        if editor.exec():
            after = editor.result_record()
            if after != before:
                self.undo_stack.push(EditContact(before, after, self._changed))

    def delete_contacts(self) -> None:
        ids = self.contact_list.selected_ids()
        if ids:
            self.undo_stack.push(DeleteContacts(ids, self._changed))
            keys = QKeySequence(QKeySequence.Undo).toString(QKeySequence.NativeText)
            self.statusBar().showMessage(f"{self.undo_stack.undoText()}. Undo with {keys}.", 6000)

    # -- History ------------------------------------------------------------------------

    def log_exchange(self, contact_ids: list[int] | None = None, channel: str | None = None) -> None:
        """Ask what happened and log it for `contact_ids` (the selected people by default)."""
        from gui.log_dialog import LogDialog

        ids = contact_ids or self.contact_list.selected_ids()
        if not ids:
            return
        dialog = LogDialog(ids, parent=self)
        if channel:
            dialog.channel_box.setCurrentIndex(max(0, dialog.channel_box.findData(channel)))
        if dialog.exec():
            record = dialog.record()
            done = dialog.done_meeting()
            self.undo_stack.push(LogExchange(record, dialog.contact_ids(), dialog.questions(), self._changed, done))
            self.statusBar().showMessage(f"{self.undo_stack.undoText()}"
                                         f"{', and the meeting marked done' if done else ''}.", 5000)

    def edit_exchange(self, before) -> None:
        from gui.log_dialog import LogDialog

        dialog = LogDialog([before.contact_id], before, parent=self)
        if dialog.exec():
            after = dialog.record()
            if after != before:
                self.undo_stack.push(EditExchange(before, after, self._changed))

    def delete_exchanges(self, interaction_ids: list[int]) -> None:
        contact_id = self.contact_list.current_id()
        self.undo_stack.push(DeleteExchanges(interaction_ids, contact_id, self._changed))
        keys = QKeySequence(QKeySequence.Undo).toString(QKeySequence.NativeText)
        self.statusBar().showMessage(f"{self.undo_stack.undoText()}. Undo with {keys}.", 6000)

    def set_cadence(self, days: int) -> None:
        before = contacts.get_contact(self.contact_list.current_id() or 0)
        if before is not None and before.cadence_days != days:
            after = dataclasses.replace(before, cadence_days=days)
            self.undo_stack.push(EditContact(before, after, self._changed))

    def _person_makers(self) -> tuple[list, str]:
        from gui.callsheet import makers_for

        contact_id = self.contact_list.current_id()
        if contact_id is None:
            return [], ""
        return makers_for("contact", contact_id), contacts.get_contact(contact_id).display_name

    def print_call_sheet(self, makers: list | None = None) -> None:
        """Call sheets in a print preview (paper size, print, or PDF from there); the selected
        person's unless `makers` are given."""
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        from gui.callsheet import SheetDocument, default_page_size

        makers = makers or self._person_makers()[0]
        if not makers:
            return
        printer = QPrinter(QPrinter.HighResolution)
        printer.setPageSize(default_page_size())
        preview = QPrintPreviewDialog(printer, self)
        preview.setWindowTitle("Call sheet" if len(makers) == 1 else f"{len(makers)} call sheets")

        def paint(device) -> None:
            SheetDocument(device.pageLayout().pageSize()).build(makers).print_(device)
        preview.paintRequested.connect(paint)
        # Opened large enough to read, the page at the window's width (Qt opens it small, at 39 %).
        from PySide6.QtWidgets import QApplication

        screen = (self.screen() or QApplication.primaryScreen()).availableGeometry()
        preview.resize(min(900, screen.width() - 40), min(1000, screen.height() - 40))
        from PySide6.QtPrintSupport import QPrintPreviewWidget

        pages = preview.findChild(QPrintPreviewWidget)
        if pages is not None:
            pages.fitToWidth()
        preview.exec()

    def save_call_sheet(self, makers: list | None = None, name: str = "") -> None:
        from gui.callsheet import PrintError, write_pdf

        if not makers:
            makers, name = self._person_makers()
        if not makers:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save call sheet", str(Path.home() / f"{name}.pdf"),
                                              "PDF (*.pdf)")
        if not path:
            return
        try:
            pages = write_pdf(makers, path)
        except PrintError as error:
            QMessageBox.warning(self, "Save call sheet", str(error))
            return
        self.statusBar().showMessage(f"Call sheet saved to {path} ({pages} page{'s' if pages > 1 else ''}).", 8000)

    def print_day_sheets(self, day: dt.date) -> None:
        """Every planned meeting of `day`, one sheet each, in one preview."""
        from gui.callsheet import makers_for_day

        makers = makers_for_day(day)
        if not makers:
            QMessageBox.information(self, "Call sheets", f"Nothing is planned on {day:%A} {day.day} {day:%B}.")
            return
        self.print_call_sheet(makers)

    # -- Meetings -----------------------------------------------------------------------

    def _meetings_changed(self, _contact_id: int | None = None) -> None:
        self._changed(self.contact_list.current_id())

    def new_meeting(self, contact_ids: list[int] | None = None, starts_at: dt.datetime | None = None,
                    title: str = "") -> None:
        """Plan a meeting; with the selected people when asked from their page or with Ctrl+M."""
        from gui.meeting_editor import MeetingEditor

        if contact_ids is None and self.views.currentWidget() is self.splitter:
            contact_ids = self.contact_list.selected_ids()
        editor = MeetingEditor(None, contact_ids or [], starts_at, parent=self)
        if title:
            editor.title.setText(title)
        if editor.exec():
            record = editor.record()
            self.undo_stack.push(SaveMeeting(None, record, self._meetings_changed))
            when = meetings.shown(record).starts_at
            self.statusBar().showMessage(f"Planned “{record.title}” on {when:%a %d %b}"
                                         f"{'' if record.all_day else f', {when:%H:%M}'}.", 8000)

    def edit_meeting(self, meeting_id: int) -> None:
        from gui.meeting_editor import MeetingEditor

        before = meetings.get(meeting_id)
        if before is None:
            return
        editor = MeetingEditor(before, parent=self)
        if editor.exec():
            after = editor.record()
            if after != before:
                self._change_meeting(before, after)

    def _change_meeting(self, before: MeetingRecord, after: MeetingRecord, text: str = "") -> None:
        """Save a changed meeting in one undo step; a series moved (or made all-day, or timed)
        takes its skipped days and changed occurrences along (meetings.moved_series)."""
        after, moved = meetings.moved_series(before, after)
        text = text or f"Change “{after.title}”"
        self.undo_stack.beginMacro(text)
        self.undo_stack.push(SaveMeeting(before, after, self._meetings_changed, text))
        for stored, changed in moved:
            self.undo_stack.push(SaveMeeting(stored, changed, self._meetings_changed, text))
        self.undo_stack.endMacro()

    def move_meeting(self, meeting_id: int, delta: dt.timedelta) -> None:
        """Dragged in the week view: the meeting (a recurring one: the whole series) moves by `delta`."""
        before = meetings.get(meeting_id)
        if before is None:
            return
        after = dataclasses.replace(before, starts_at=before.starts_at + delta, ends_at=before.ends_at + delta,
                                    attendees=list(before.attendees), reminded_at="")
        self._change_meeting(before, after, f"Move “{before.title}”")
        when = meetings.shown(after).starts_at
        # The editor's warnings, where a drag shows them: an overlap, an hour too late there.
        told = " ".join(meetings.warnings(after))
        self.statusBar().showMessage(f"Moved “{before.title}” to {when:%a %d %b, %H:%M}." + f" {told}" * bool(told),
                                     12000 if told else 6000)

    def set_meeting_status(self, meeting_id: int, status: str) -> None:
        before = meetings.get(meeting_id)
        if before is None or before.status == status:
            return
        after = dataclasses.replace(before, status=status, attendees=list(before.attendees))
        verb = "Cancel" if status == "cancelled" else "Plan again"
        self.undo_stack.push(SaveMeeting(before, after, self._meetings_changed, f"{verb} “{before.title}”"))

    def mark_meeting_done(self, meeting_id: int) -> None:
        """Ask how it went; it goes into each attendee's history; then offer the follow-up."""
        from gui.meeting_editor import OutcomeDialog

        record = meetings.get(meeting_id)
        if record is None:
            return
        dialog = OutcomeDialog(record, self)
        if not dialog.exec():
            return
        self.undo_stack.push(MarkMeetingDone(meeting_id, dialog.outcome.text(), dialog.notes.toPlainText(),
                                             self._meetings_changed))
        self.statusBar().showMessage(f"“{record.title}” is in the history now.", 6000)
        if dialog.follow_up.isChecked():
            people = contacts.get_contacts(record.contact_ids)
            cadence = min((p.cadence_days for p in people if p.cadence_days), default=14)
            from gui.meeting_editor import next_slot

            self.new_meeting(record.contact_ids, next_slot(days=cadence), title=f"Follow-up: {record.title}")

    def delete_meetings(self, meeting_ids: list[int]) -> None:
        if meeting_ids:
            self.undo_stack.push(DeleteMeetings(meeting_ids, self._meetings_changed))
            keys = QKeySequence(QKeySequence.Undo).toString(QKeySequence.NativeText)
            self.statusBar().showMessage(f"{self.undo_stack.undoText()}. Undo with {keys}.", 6000)

    def meeting_menu(self, meeting_id: int, position: QPoint, start: dt.datetime | None = None) -> None:
        """What can be done with one meeting (right-click in the calendar or a person's Meetings tab);
        for an occurrence of a series (`start`), also with that occurrence alone."""
        from gui.callsheet import makers_for

        record = meetings.get(meeting_id)
        if record is None:
            return
        menu = QMenu(self)
        one = (record.recurrence and start is not None) or record.recurrence_id is not None
        if one:
            menu.addAction("&Edit this meeting only…", lambda: self.edit_occurrence(record, start))
            menu.addAction("Edit this and &following…", lambda: self.edit_following(record, start))
            menu.addAction("Edit the whole &series…", lambda: self.edit_series(record))
        else:
            menu.addAction("&Edit…", lambda: self.edit_meeting(meeting_id))
        link = meetings.location_link(record.location)
        if link:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            text = f"&Call {record.location}" if link.startswith("tel:") else "&Join the video call" \
                if record.kind == "video" and meetings.call_link(record.location) else "&Open the location"
            menu.addAction(text, lambda: QDesktopServices.openUrl(QUrl(link)))
        day = clock.local(start).date() if start is not None else None  # of a series: this occurrence's
        menu.addAction("&Print call sheet…", lambda: self.print_call_sheet(makers_for("meeting", meeting_id, day)))
        menu.addAction("Save call sheet as P&DF…",
                       lambda: self.save_call_sheet(makers_for("meeting", meeting_id, day), record.title))
        menu.addSeparator()
        if record.status == "planned":
            menu.addAction("Mark &done…", lambda: self.mark_meeting_done(meeting_id))
            menu.addAction("&Cancel meeting", lambda: self.set_meeting_status(meeting_id, "cancelled"))
        elif record.status == "cancelled":
            menu.addAction("Plan &again", lambda: self.set_meeting_status(meeting_id, "planned"))
        menu.addAction("E&xport as .ics…", lambda: self.export_calendar([meeting_id]))
        menu.addSeparator()
        if one:
            menu.addAction("De&lete this meeting only", lambda: self.delete_occurrence(record, start))
            menu.addAction("Delete this and following", lambda: self.delete_following(record, start))
            menu.addAction("Delete the whole series", lambda: self.delete_series(record))
        else:
            menu.addAction("De&lete", lambda: self.delete_meetings([meeting_id]))
        menu.exec(position)

    def _series_of(self, record: MeetingRecord) -> MeetingRecord | None:
        return meetings.by_uid(record.uid) if record.recurrence_id is not None else record

    def edit_occurrence(self, record: MeetingRecord, start: dt.datetime | None) -> None:
        """Change one occurrence of a series: a changed occurrence (RECURRENCE-ID) shows instead."""
        if record.recurrence_id is not None:  # already changed once: edit that
            self.edit_meeting(record.id)
            return
        from gui.meeting_editor import MeetingEditor

        assert start is not None
        draft = meetings.change_occurrence(record, start)
        editor = MeetingEditor(draft, parent=self)
        if editor.exec():
            after = editor.record()
            self.undo_stack.push(SaveMeeting(None, after, self._meetings_changed,
                                             f"Change “{record.title}” on {clock.local(start):%a %d %b}"))

    def _split(self, record: MeetingRecord, start: dt.datetime | None, text: str,
               following: MeetingRecord | None) -> bool:
        """Split the series at `start` in one undoable step: it ends before, `following` (edited,
        or None to delete from there on) goes on, and the changed occurrences from there move to
        it (or go)."""
        series = self._series_of(record)
        original = record.recurrence_id or start
        if series is None or original is None:
            return False
        ended, draft = meetings.split_series(series, original)
        self.undo_stack.beginMacro(text)
        self.undo_stack.push(SaveMeeting(series, ended, self._meetings_changed, text))
        later = [r for r in meetings.changed_occurrences(series.uid)
                 if r.recurrence_id is not None and r.recurrence_id >= draft.starts_at]
        if following is None:
            if later:
                self.undo_stack.push(DeleteMeetings([r.id for r in later], self._meetings_changed))
        else:  # edited: its skipped days and changed occurrences follow its new time
            following, moved = meetings.moved_series(draft, following, later)
            self.undo_stack.push(SaveMeeting(None, following, self._meetings_changed, text))
            for stored, changed in moved or [(one, one) for one in later]:
                self.undo_stack.push(SaveMeeting(stored, dataclasses.replace(
                    changed, uid=following.uid, attendees=list(changed.attendees)), self._meetings_changed, text))
        self.undo_stack.endMacro()
        return True

    def edit_following(self, record: MeetingRecord, start: dt.datetime | None) -> None:
        """"This and following": the editor on the series from this occurrence on; saved, the series
        is split there (a new series from this occurrence, the old one ends before it)."""
        from gui.meeting_editor import MeetingEditor

        series = self._series_of(record)
        original = record.recurrence_id or start
        if series is None or original is None:
            return
        _ended, draft = meetings.split_series(series, original)
        editor = MeetingEditor(draft, parent=self)
        if editor.exec():
            self._split(record, start, f"Change “{series.title}” from {clock.local(original):%a %d %b}",
                        editor.record())

    def delete_following(self, record: MeetingRecord, start: dt.datetime | None) -> None:
        series = self._series_of(record)
        original = record.recurrence_id or start
        if series is not None and original is not None:
            text = f"Delete “{series.title}” from {clock.local(original):%a %d %b}"
            if self._split(record, start, text, None):
                keys = QKeySequence(QKeySequence.Undo).toString(QKeySequence.NativeText)
                self.statusBar().showMessage(f"{text}. Undo with {keys}.", 6000)

    def edit_series(self, record: MeetingRecord) -> None:
        series = self._series_of(record)
        if series is not None:
            self.edit_meeting(series.id)

    def delete_occurrence(self, record: MeetingRecord, start: dt.datetime | None) -> None:
        """Delete one occurrence: the series skips it (EXDATE), and a changed occurrence there goes."""
        series = self._series_of(record)
        original = record.recurrence_id or start
        if series is None or original is None:
            self.delete_meetings([record.id])
            return
        text = f"Delete “{series.title}” on {clock.local(original):%a %d %b}"
        self.undo_stack.beginMacro(text)
        if record.recurrence_id is not None:
            self.undo_stack.push(DeleteMeetings([record.id], self._meetings_changed))
        self.undo_stack.push(SaveMeeting(series, meetings.skip_occurrence(series, original), self._meetings_changed,
                                         text))
        self.undo_stack.endMacro()
        keys = QKeySequence(QKeySequence.Undo).toString(QKeySequence.NativeText)
        self.statusBar().showMessage(f"{text}. Undo with {keys}.", 6000)

    def delete_series(self, record: MeetingRecord) -> None:
        series = self._series_of(record)
        self.delete_meetings([series.id if series is not None else record.id])

    def open_meeting(self, meeting_id: int) -> None:
        """Show a meeting's day in the calendar, with the meeting selected."""
        record = meetings.get(meeting_id)
        if record is None:
            return
        self.show_view(self.calendar_view)
        self.calendar_view.go_to(meetings.shown(record).starts_at.date())
        self.calendar_view.day_list.select_meeting(meeting_id)

    def export_calendar(self, meeting_ids: list[int] | None = None) -> None:
        """Write meetings to an .ics file: the ones given, or (asked) all or a range of dates."""
        from gui.export_dialog import ExportCalendarDialog

        dialog = ExportCalendarDialog(meeting_ids or [], self)
        if dialog.exec():
            self.statusBar().showMessage(dialog.result_message, 8000)

    def find_duplicates(self) -> None:
        from gui.duplicates_dialog import DuplicatesDialog

        dialog = DuplicatesDialog(self)
        dialog.merge_requested.connect(
            lambda keep, other: self.undo_stack.push(MergeContacts(keep, other, self._changed)))
        dialog.exec()

    def check_notebook(self) -> None:
        """Tools → Check notebook: the thorough check, off the UI thread, on a connection of its own."""
        path = self.notebook.path
        try:
            verdict = run_in_background(self, "Checking the notebook…", lambda: backups.check(path, thorough=True))
        except BackgroundError as error:
            verdict = str(error)
        if verdict == "ok":
            QMessageBox.information(self, "Check notebook", f"{path.name} is sound: every page reads back.")
        else:
            self.notebook_damaged(str(verdict))

    def export_contacts(self) -> None:
        from gui.export_dialog import ExportContactsDialog

        dialog = ExportContactsDialog(self.contact_list.selected_ids(), self.contact_list.model.tag, self)
        if dialog.exec():
            self.statusBar().showMessage(dialog.result_message, 8000)

    def edit_channels(self) -> None:
        from gui.channels_dialog import ChannelsDialog

        ChannelsDialog(self).exec()
        self._changed(self.contact_list.current_id())

    # -- Importing ----------------------------------------------------------------------

    def choose_import(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Import contacts, meetings or history", str(Path.home()),
            "Contacts, calendars and history (*.vcf *.vcard *.ics *.vcs *.txt *.xml *.mbox *.mbx *.json *.js *.csv"
            " *.zip);;"
            "vCards (*.vcf *.vcard);;Calendars (*.ics *.vcs);;"
            "History exports: WhatsApp, SMS backups, mail, Messenger, Telegram, X, LinkedIn, CSV"
            " (*.txt *.xml *.mbox *.mbx *.json *.js *.csv *.zip);;"
            "All files (*)")
        if names:
            self.import_files(names)

    def import_files(self, paths: list[str]):
        """Import vCards (a plan is shown first; the dialog applies it when confirmed) and
        calendars (.ics: meetings are added or updated by UID, then new attendees are offered)."""
        from gui.import_dialog import ImportDialog  # loaded on first use (vobject): faster start-up

        cards, calendars, exports = sort_paths(paths)
        if calendars:
            self.import_calendars(calendars)
        if exports:
            history_dialog = self.import_history(exports)
            if not cards:
                return history_dialog
        if not cards:
            return None
        return self._open_plan(ImportDialog(cards, self), self._imported)

    def import_history(self, paths: list[str]):
        """Exports of chats, messages, calls and connections: a plan per person, shown first."""
        from gui.history_import import HistoryImportDialog

        return self._open_plan(HistoryImportDialog(paths, self), self._history_imported)

    @staticmethod
    def _open_plan(dialog, imported):
        """An import dialog, shown (not modal to the app) while its files are read into a plan."""
        dialog.imported.connect(imported)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        dialog.start()
        return dialog

    def _history_imported(self, result) -> None:
        from gui.history_import import ImportHistory

        plan, applied, keep_text = result
        self.undo_stack.push(ImportHistory(plan, applied, keep_text, self._changed))
        self._changed(applied.contact_ids[0] if applied.contact_ids else self.contact_list.current_id())
        keys = QKeySequence(QKeySequence.Undo).toString(QKeySequence.NativeText)
        self.statusBar().showMessage(
            f"Imported {applied.exchanges} exchange(s): {len(applied.added)} new people. Undo with {keys}.", 10000)

    def _imported(self, result) -> None:
        self.undo_stack.clear()  # an import is not undoable step by step; the notebook changed under it
        self._changed(result.contact_ids[0] if result.contact_ids else None)
        self.statusBar().showMessage(f"Imported: {result.added} new, {result.updated} updated.", 10000)

    def import_calendars(self, paths: list[str]) -> None:
        from gui.calendar_import import import_calendars

        if import_calendars(paths, self):
            self.undo_stack.clear()  # as for contacts: the import is not undoable step by step
            self._meetings_changed()

    @staticmethod
    def _importable(event) -> list[str]:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        return [path for path in paths
                if Path(path).is_dir()
                or Path(path).suffix.lower() in CARD_SUFFIXES + CALENDAR_SUFFIXES + HISTORY_SUFFIXES]

    def dragEnterEvent(self, event) -> None:
        if self._importable(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = self._importable(event)
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    # -- Notebooks ----------------------------------------------------------------------

    def switch_notebook(self, notebook: Notebook) -> None:
        if self._sync is not None:
            self._sync.stop()  # the next notebook has accounts of its own
        self.notebook.close()
        self.notebook = notebook
        self.undo_stack.clear()
        self.contact_list.search_field.clear()
        self.contact_list.refresh()
        self.contact_list.select(None)
        self._update_title()
        self._update_count()
        # Every view follows the notebook now open (the calendar went on showing the last one's meetings).
        if self._calendar_view is not None:
            self._calendar_view.refresh()
        self.offline_view.refresh()
        if self.pages.currentWidget() is self.today_page or self.contact_list.current_id() is None:
            self.show_today()
        if self._sync is not None:
            self._sync.set_minutes(self._sync.minutes())
            self._sync.start()

    def edit_preferences(self) -> None:
        from gui.preferences_dialog import PreferencesDialog

        if PreferencesDialog(self).exec():
            self.preferences_changed()

    def preferences_changed(self) -> None:
        """Every view again in the zone, hours and week the preferences now say."""
        if self._calendar_view is not None:
            self._calendar_view.month.setFirstDayOfWeek(Qt.DayOfWeek(preferences.current().first_day + 1))
            self._calendar_view.refresh()
        self._changed(self.contact_list.current_id())
        if self.pages.currentWidget() is self.today_page:
            self.show_today()

    def new_notebook(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "New notebook", str(self.notebook.path.parent / "notebook.rapport"),
                                              "Rapport notebooks (*.rapport)")
        if not name:
            return
        path = Path(name if name.endswith(".rapport") else name + ".rapport")
        if path.exists():
            QMessageBox.information(self, "New notebook", f"{path.name} exists already: it is opened as it is.")
        self.open_notebook_file(path)

    def open_my_notebook(self) -> None:
        path = storage.default_notebook_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.open_notebook_file(path)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = [path for path in recent_notebooks() if path != self.notebook.path]
        for path in recent:
            action = self.recent_menu.addAction(f"{path.name}  —  {path.parent}")
            action.triggered.connect(lambda _checked=False, p=path: self.open_notebook_file(p))
        if not recent:
            self.recent_menu.addAction("No other notebook yet").setEnabled(False)

    def choose_notebook(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open notebook", str(self.notebook.path.parent),
                                              "Rapport notebooks (*.rapport);;All files (*)")
        if name:
            self.open_notebook_file(Path(name))

    def open_notebook_file(self, path: Path) -> bool:
        try:
            notebook = storage.open_notebook(path, exclusive=True)
        except Damaged as error:
            if not offer_recovery(self, path, error):
                return False
            return self.open_notebook_file(path)
        except NotebookError as error:
            show_fault(self, "Open notebook", error)
            return False
        self.switch_notebook(notebook)
        return True

    def notebook_damaged(self, verdict: str) -> None:
        """The background check found damage: nothing more is written to it, and the user is offered
        the way back."""
        self.notebook.database.execute_sql("PRAGMA query_only = 1")
        self.notebook.read_only = True
        self.statusBar().showMessage("This notebook is damaged: it is read-only until it is restored.")
        path = self.notebook.path
        if offer_recovery(self, path, Damaged(f"{path} is damaged ({verdict})."), release=self.notebook.close):
            self.open_notebook_file(path)
        elif self.notebook.database.is_closed():  # released, then the restore failed: read it, never write
            self.switch_notebook(storage.open_notebook(path, read_only=True, check=False))

    def open_sample(self) -> None:
        import atexit
        import shutil
        import tempfile

        from model import sample

        folder = tempfile.mkdtemp(prefix="rapport-sample-")
        atexit.register(shutil.rmtree, folder, True)  # a copy for this run only
        path = Path(folder) / "sample.rapport"
        self.switch_notebook(sample.build_sample_notebook(path))
        self.statusBar().showMessage("This is a copy of the sample notebook; your own notebook is untouched.", 8000)

    # -- Window -------------------------------------------------------------------------

    def show_about(self) -> None:
        QMessageBox.about(
            self, "About Rapport",
            f"<h3>Rapport {self.version}</h3><p>A contact notebook for taking the relationships "
            "you start online to the phone and face to face.</p>"
            f"<p>Notebook: {self.notebook.path}</p>")

    def _restore_settings(self) -> None:
        settings = QSettings()
        if not self.restoreGeometry(settings.value("window/geometry", b"")):
            self.resize(1120, 740)
        self.splitter.restoreState(settings.value("window/splitter", b""))
        self.contact_list.set_sort(settings.value("list/sort", "name"))
        self._sync_sort_actions()

    def start_reminders(self) -> None:
        """Remind of meetings while the app runs (missed ones first), from the tray where there is one."""
        from PySide6.QtWidgets import QSystemTrayIcon

        from gui.reminders import Reminders, Tray

        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = Tray(self.windowIcon(), self, self)
            self.tray.show()
            self.tray_action.setEnabled(True)
            self.tray_action.setChecked(QSettings().value("tray/keep_running", True, bool))
        self.reminders = Reminders(self)
        self.reminders.due.connect(self.remind)
        self.reminders.start()

    def remind(self, occurrence) -> None:
        from gui.callsheet import makers_for
        from gui.reminders import ReminderNotice

        notice = ReminderNotice(occurrence, self)
        meeting_id = occurrence.meeting.id
        day = clock.local(occurrence.starts_at).date()
        notice.sheet_button.clicked.connect(lambda: self.print_call_sheet(makers_for("meeting", meeting_id, day)))
        if self.reminders is not None:
            reminders = self.reminders
            notice.snooze_button.clicked.connect(lambda: reminders.snooze(occurrence))
        notice.show()
        if self.tray is not None:
            self.tray.showMessage(occurrence.meeting.title, notice.informativeText(), self.windowIcon(), 30_000)

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def quit(self) -> None:
        """Quit for real (closing the window may only hide it in the tray)."""
        from PySide6.QtWidgets import QApplication

        self._quitting = True
        if self.close():
            QApplication.quit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.tray is not None and self.tray_action.isChecked() and not self._quitting:
            event.ignore()
            self.hide()
            if not QSettings().value("tray/told", False, bool):
                QSettings().setValue("tray/told", True)
                self.tray.showMessage("Rapport is still running",
                                      "Reminders keep coming. Quit from the tray icon's menu.", self.windowIcon())
            return
        if self.reminders is not None:
            self.reminders.stop()
        if self._sync is not None:
            self._sync.stop()
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/splitter", self.splitter.saveState())
        settings.setValue("list/sort", self.contact_list.model.sort)
        super().closeEvent(event)


RECENT_SETTING = "notebooks/recent"


def recent_notebooks() -> list[Path]:
    """The notebooks opened lately, newest first, those that still exist."""
    value = QSettings().value(RECENT_SETTING, [])
    names = [value] if isinstance(value, str) else list(value or [])
    return [Path(name) for name in names if Path(name).exists()]


def remember_recent(path: Path) -> None:
    names = [str(path)] + [str(p) for p in recent_notebooks() if p != path]
    QSettings().setValue(RECENT_SETTING, names[:8])
