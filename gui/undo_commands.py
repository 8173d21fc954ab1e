"""Undoable changes to the notebook, for the window's QUndoStack.

Each command asks model/ to make the change and to undo it; `changed` is called afterwards
with the contact to show, so the window can refresh what it displays.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from model import contacts, history, meetings, prep
from model.contacts import ContactRecord
from model.history import InteractionRecord
from model.meetings import MeetingRecord

Changed = Callable[[int | None], None]


class AddContact(QUndoCommand):
    def __init__(self, record: ContactRecord, changed: Changed) -> None:
        super().__init__(f"Add {record.display_name}")
        self._record = record
        self._changed = changed

    def redo(self) -> None:
        if self._record.id is None:
            contacts.add_contact(self._record)  # sets the id that undo and redo reuse
        else:
            contacts.restore_contacts([self._record])
        self._changed(self._record.id)

    def undo(self) -> None:
        contacts.delete_contacts([self._record.id])
        self._changed(None)


class EditContact(QUndoCommand):
    def __init__(self, before: ContactRecord, after: ContactRecord, changed: Changed) -> None:
        super().__init__(f"Edit {after.display_name}")
        self._before, self._after, self._changed = before, after, changed

    def redo(self) -> None:
        contacts.update_contact(self._after)
        self._changed(self._after.id)

    def undo(self) -> None:
        contacts.update_contact(self._before)
        self._changed(self._before.id)


class DeleteContacts(QUndoCommand):
    def __init__(self, contact_ids: list[int], changed: Changed) -> None:
        super().__init__("Delete contact" if len(contact_ids) == 1 else f"Delete {len(contact_ids)} contacts")
        self._ids = contact_ids
        self._deleted: list[ContactRecord] = []
        self._changed = changed

    def redo(self) -> None:
        self._deleted = contacts.delete_contacts(self._ids)
        if len(self._deleted) == 1:
            self.setText(f"Delete {self._deleted[0].display_name}")
        self._changed(None)

    def undo(self) -> None:
        contacts.restore_contacts(self._deleted)
        self._changed(self._ids[0] if self._ids else None)


class LogExchange(QUndoCommand):
    """Log one exchange for one or more people (and their ask-next questions)."""

    def __init__(self, record: InteractionRecord, contact_ids: list[int], questions: list[str],
                 changed: Changed, done_meeting: int | None = None) -> None:
        people = "" if len(contact_ids) < 2 else f" with {len(contact_ids)} people"
        super().__init__(f"Log {record.channel_key.replace('_', ' ')} exchange{people}")
        if done_meeting is not None:  # the meeting this exchange was: marked done with it
            record = dataclasses.replace(record, meeting_id=done_meeting)
        self._record, self._ids, self._questions, self._changed = record, contact_ids, questions, changed
        self._done_meeting = done_meeting
        self._deleted: list[InteractionRecord] = []
        self._deleted_prep: list[prep.PrepLine] = []
        self.logged: history.Logged | None = None

    def redo(self) -> None:
        if self.logged is None:
            self.logged = history.log(self._record, self._ids, self._questions)
        else:
            history.restore(self._deleted)
            prep.restore_lines(self._deleted_prep)
        if self._done_meeting is not None:
            meetings.set_status(self._done_meeting, "done")
        self._changed(self._record.contact_id)

    def undo(self) -> None:
        self._deleted = history.delete(self.logged.ids)
        self._deleted_prep = prep.delete_lines(self.logged.prep_ids)
        if self._done_meeting is not None:
            meetings.set_status(self._done_meeting, "planned")
        self._changed(self._record.contact_id)


class EditExchange(QUndoCommand):
    def __init__(self, before: InteractionRecord, after: InteractionRecord, changed: Changed) -> None:
        super().__init__("Edit exchange")
        self._before, self._after, self._changed = before, after, changed

    def redo(self) -> None:
        history.update(self._after)
        self._changed(self._after.contact_id)

    def undo(self) -> None:
        history.update(self._before)
        self._changed(self._before.contact_id)


class DeleteExchanges(QUndoCommand):
    def __init__(self, interaction_ids: list[int], contact_id: int, changed: Changed) -> None:
        super().__init__("Delete exchange" if len(interaction_ids) == 1 else f"Delete {len(interaction_ids)} exchanges")
        self._ids, self._contact_id, self._changed = interaction_ids, contact_id, changed
        self._deleted: list[InteractionRecord] = []

    def redo(self) -> None:
        self._deleted = history.delete(self._ids)
        self._changed(self._contact_id)

    def undo(self) -> None:
        history.restore(self._deleted)
        self._changed(self._contact_id)


class SaveMeeting(QUndoCommand):
    """Plan a meeting (`before` None) or change one: edit, reschedule, cancel, plan again."""

    def __init__(self, before: MeetingRecord | None, after: MeetingRecord, changed: Changed, text: str = "") -> None:
        super().__init__(text or (f"Plan “{after.title}”" if before is None else f"Change “{after.title}”"))
        self._before, self._after, self._changed = before, after, changed

    def redo(self) -> None:
        meetings.save(self._after)  # a new meeting gets its id and UID here, and keeps them on redo
        self._changed(None)

    def undo(self) -> None:
        if self._before is None:
            meetings.delete([self._after.id])
        else:
            meetings.save(self._before)
        self._changed(None)


class DeleteMeetings(QUndoCommand):
    def __init__(self, meeting_ids: list[int], changed: Changed) -> None:
        super().__init__("Delete meeting" if len(meeting_ids) == 1 else f"Delete {len(meeting_ids)} meetings")
        self._ids, self._changed = meeting_ids, changed
        self._deleted: list[MeetingRecord] = []

    def redo(self) -> None:
        self._deleted = meetings.delete(self._ids)
        self._changed(None)

    def undo(self) -> None:
        meetings.restore(self._deleted)
        self._changed(None)


class MarkMeetingDone(QUndoCommand):
    """Mark a meeting done; it becomes a history entry for each attendee in the notebook."""

    def __init__(self, meeting_id: int, outcome: str, notes: str, changed: Changed) -> None:
        super().__init__("Mark meeting done")
        self._id, self._outcome, self._notes, self._changed = meeting_id, outcome, notes, changed
        self._before: MeetingRecord | None = None
        self._logged: history.Logged | None = None

    def redo(self) -> None:
        self._before = meetings.get(self._id)
        self._logged = meetings.mark_done(self._id, self._outcome, self._notes)
        self._changed(None)

    def undo(self) -> None:
        meetings.undo_done(self._id, self._logged, self._before)
        self._changed(None)


class MergeContacts(QUndoCommand):
    """Merge one person into another (Tools → Find duplicates)."""

    def __init__(self, keep_id: int, other_id: int, changed: Changed) -> None:
        super().__init__("Merge duplicates")
        self._keep, self._other, self._changed = keep_id, other_id, changed
        self._merged = None  # a model.duplicates.Merged once done

    def redo(self) -> None:
        from model import duplicates  # the merge code (and the importer's, which it shares) is loaded when needed

        self._merged = duplicates.merge_contacts(self._keep, self._other)
        self.setText(f"Merge {self._merged.removed.display_name} into {self._merged.kept_before.display_name}")
        self._changed(self._keep)

    def undo(self) -> None:
        from model import duplicates

        duplicates.unmerge(self._merged)
        self._changed(self._keep)
