"""Which files are which, by their names: what an import, a drop or a folder hands to the
calendar reader and what to the vCard reader (without loading either)."""

CALENDAR_SUFFIXES = (".ics", ".ical", ".ifb", ".vcs")  # .vcs: vCalendar 1.0 (KOrganizer, old phones)
CARD_SUFFIXES = (".vcf", ".vcard")
HISTORY_SUFFIXES = (".txt", ".xml", ".mbox", ".mbx", ".json", ".js", ".csv", ".zip")  # exports: model/exports/
