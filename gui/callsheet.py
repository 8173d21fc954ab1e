"""Laying out and printing call sheets: QTextDocument from the HTML and CSS in resources/print,
to a print preview, a printer, or a PDF file.

Every user value is escaped. A person's section is made to fit one page: when it would run
over, it is rebuilt with shorter lists (the model marks what was cut) until it fits.
"""

from __future__ import annotations

import functools
import html
import os
import re
import string
from pathlib import Path

from PySide6.QtCore import QByteArray, QLocale, QMarginsF, QUrl
from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

import resources
from gui import fonts
from gui.widgets.avatar import avatar_pixmap
from gui.widgets.layout import breakable
from model import callsheet, preferences, storage
from model.callsheet import CallSheet, PersonSheet
from model.faults import explain

PHOTO_SIZE = 72
COLUMN_SHARE = 48  # per cent of the text width, each of the two columns; the gutter has the rest
MARGIN = 40  # points, about 14 mm, round the page
_LETTER_TERRITORIES = {QLocale.UnitedStates, QLocale.Canada, QLocale.Mexico, QLocale.Chile, QLocale.Colombia,
                       QLocale.Venezuela, QLocale.Philippines, QLocale.Guatemala}


class PrintError(OSError):
    pass


def load_fonts() -> None:
    """Register the bundled fonts, so every script prints with real glyphs."""
    fonts.register()


def default_page_size() -> QPageSize:
    """The paper the preferences name; else Letter where the locale uses it, A4 elsewhere
    (RAPPORT_PAPER=letter or a4 overrides)."""
    region = os.environ.get("RAPPORT_PAPER", "") or preferences.current().paper
    if region.lower() in ("letter", "a4"):
        return QPageSize(QPageSize.Letter if region.lower() == "letter" else QPageSize.A4)
    territory = QLocale.system().territory()
    return QPageSize(QPageSize.Letter if territory in _LETTER_TERRITORIES else QPageSize.A4)


# How long each kind of text may be on the sheet, at the first fitting step; later steps halve them.
_CAPS = {"name": 90, "line": 240, "notes": 900}
_cap_scale = 1.0  # set by SheetDocument.fitted_sections while it tries to make a section fit


def _e(text: str, cap: str = "line") -> str:
    """`text` escaped for the sheet: cut with "…" past its cap, and breakable every 30 characters
    of a run with no space (a 10,000-character word would otherwise widen its column off the page)."""
    limit = max(20, int(_CAPS[cap] * _cap_scale))
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    text = breakable(text)
    return html.escape(text, quote=True).replace("\n", "<br>")


def _list(title: str, lines: list[str], checkbox: bool = False) -> str:
    if not lines:
        return ""
    mark = "☐&nbsp;" if checkbox else "•&nbsp;"
    rows = "".join(f"<p class='{'box' if checkbox else ''}'>{mark}{_e(line)}</p>" for line in lines)
    return f"<p class='section'>{_e(title)}</p>{rows}"


def _together(text: str) -> str:
    """Escaped `text` whose figures stay with their units ("5 h", "30 min") across a line break."""
    return re.sub(r"(\d) (h|min)\b", "\\1&nbsp;\\2", _e(text))


def _column(blocks: list[str]) -> str:
    """The blocks of one column, its first heading flush with the column's top."""
    return "".join(blocks).replace("class='section'", "class='section top'", 1)


def balanced(left: list[str], right: list[str], height) -> tuple[list[str], list[str]]:
    """The two columns' blocks, moved across the gutter (keeping their order) until the columns
    end as near level as they can: `height` is a block's height in a column. What is said on the
    call stays left and what you know of the relationship right, unless that leaves a hole."""
    blocks = left + right
    heights = [height(block) for block in blocks]
    total = sum(heights)

    def imbalance(split: int) -> float:
        return abs(total - 2 * sum(heights[:split]))
    best = min(range(len(blocks) + 1), key=lambda split: (imbalance(split), abs(split - len(left))))
    if imbalance(best) >= imbalance(len(left)) - 12:  # points: not worth moving for a line or less
        return left, right
    return blocks[:best], blocks[best:]


PAGE_BREAK = "<div class='pagebreak'></div>"


def person_html(sheet: CallSheet, person: PersonSheet, first: bool, rules: int = 6, height=None) -> str:
    """One person's page: the meeting at the top of the `first` person's; `rules` ruled lines
    for notes; `height` measures a block of a column, to balance the two columns (None: left
    as they are)."""
    meeting = ""
    if sheet.meeting and first:
        m = sheet.meeting
        there = f" &nbsp;·&nbsp; <span class='nowrap'>{_e(m.when_there)}</span>" if m.when_there else ""
        where = f"<p>{_e(m.location)}</p>" if m.location else ""
        agenda = f"<p class='dim'>{_e(m.agenda)}</p>" if m.agenda else ""  # _e keeps the line breaks
        meeting = (f"<table width='100%' cellpadding='8' class='meeting'><tr><td>"
                   f"<p class='meeting-title'>{_e(m.title)}</p>"
                   f"<p>{_e(m.kind)} &nbsp;·&nbsp; {_e(m.when_here)}{there}</p>{where}{agenda}</td></tr></table>")
    clock = f"<p class='clock'>{_together(person.local_time)}</p>" if person.local_time else ""
    season = f" It's {_e(person.season)} there: ask about the weather." if person.season else ""
    place = f"<p>{_e(person.place)}</p>" if person.place else ""
    left = [_list("Small talk", person.small_talk), _list("Family", person.family),
            _list("Interests", person.interests), _list("Stay away from", person.avoid)]
    if person.notes:
        left.append(f"<p class='section'>Notes</p><p>{_e(person.notes, 'notes')}</p>")
    exchanges = "".join(f"<p><b>{_e(x.when)}</b> <span class='dim'>{_e(x.channel)}</span><br>{_e(x.summary)}</p>"
                        for x in person.exchanges)
    right = [_list("How you met", person.how_met), _list("People you both know", person.mutual),
             f"<p class='section'>Last exchanges</p>{exchanges}" if exchanges else "",
             _list("Phone", person.phones), _list("Email", person.emails)]
    left, right = [block for block in left if block], [block for block in right if block]
    if not (left or right):
        left = ["<p class='dim'>Nothing noted about this person yet: the call is the chance to learn.</p>"]
    elif height is not None:
        left, right = balanced(left, right, height)
    questions = _list("Ask this time", person.questions, checkbox=True)
    ruled = "".join("<tr><td class='rule'>&nbsp;</td></tr>" for _ in range(rules))
    return f"""<table width='100%' cellspacing='0' cellpadding='0'><tr>
 <td width='{PHOTO_SIZE + 14}'><img src='photo:{person.contact_id}' width='{PHOTO_SIZE}' height='{PHOTO_SIZE}'></td>
 <td width='70%'><h1>{_e(person.name, 'name')}</h1><p class='work'>{_e(person.work)}</p>
     <p class='dim'>{_e(person.standing)}</p></td>
 <td align='right' width='25%'><p class='printed'>{_e(sheet.printed)}</p></td></tr></table>
{meeting}
<table width='100%' cellpadding='0' cellspacing='0' class='place'><tr><td>{clock}{place}
 <p class='dim'>{_e(person.zone_note)}.{season}</p></td></tr></table>
<table width='100%' cellspacing='0' cellpadding='0'><tr>
 <td width='{COLUMN_SHARE}%'>{_column(left)}</td><td width='{100 - 2 * COLUMN_SHARE}%'></td>
 <td width='{COLUMN_SHARE}%'>{_column(right)}</td></tr></table>
{questions}
<p class='section'>Notes from this call</p>
<table width='100%' cellspacing='0' cellpadding='5'>{ruled}</table>
"""


def _photo_image(person: PersonSheet) -> QImage:
    image = QImage()
    if person.photo:
        image.loadFromData(QByteArray(person.photo))
    if image.isNull():  # no photo, or one that does not decode: the initials
        image = avatar_pixmap(person.name, None, PHOTO_SIZE * 3, 1.0).toImage()
    return image


class SheetDocument:
    """The laid-out document for a list of sheets, one page per person."""

    def __init__(self, page_size: QPageSize | None = None) -> None:
        load_fonts()
        self.page_size = page_size or default_page_size()
        self.css = resources.path("print", "callsheet.css").read_text(encoding="utf-8")
        self.template = string.Template(resources.path("print", "callsheet.html").read_text(encoding="utf-8"))

    @staticmethod
    def _font() -> QFont:
        font = QFont()
        font.setFamilies(fonts.FAMILIES)
        font.setPointSizeF(9.5)
        return font

    def _document(self, body: str, people: list[PersonSheet]) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(self._font())
        document.setDocumentMargin(MARGIN)
        document.setPageSize(self.page_size.sizePoints().toSizeF())
        for person in people:
            document.addResource(QTextDocument.ImageResource, QUrl(f"photo:{person.contact_id}"),
                                 _photo_image(person))
        document.setHtml(self.template.substitute(css=self.css, people=body))
        return document

    def block_height(self, block: str) -> float:
        """How tall a block of a column is, laid out at the column's width (points)."""
        document = QTextDocument()
        document.setDefaultFont(self._font())
        document.setDocumentMargin(0)
        width = self.page_size.sizePoints().width() - 2 * MARGIN
        document.setTextWidth(width * COLUMN_SHARE / 100)
        document.setHtml(f"<html><head><style>{self.css}</style></head><body>{_column([block])}</body></html>")
        return document.size().height()

    def fitted_sections(self, sheet_for_limit) -> tuple[list[str], list[PersonSheet]]:
        """Each person's section at the longest lists that still fit one page (`sheet_for_limit`
        is cached by `build`, so each limit is assembled once however many people there are),
        with as many ruled lines for notes as fill the rest of the page."""
        global _cap_scale
        sections, people = [], []
        steps = [(6, 3, 1.0), (4, 3, 1.0), (3, 3, 1.0), (2, 2, 1.0), (2, 0, 1.0), (2, 0, 0.5), (1, 0, 0.25),
                 (1, 0, 0.1)]
        height = functools.cache(self.block_height)
        try:
            for index in range(len(sheet_for_limit(6).people)):
                for limit, rules, _cap_scale in steps:
                    sheet = sheet_for_limit(limit)
                    person = sheet.people[index]
                    laid_out = self._document(person_html(sheet, person, index == 0, rules, height), [person])
                    if laid_out.pageCount() <= 1:
                        rules = self._rules_to_fill(laid_out, sheet, person, index == 0, rules, height)
                        break
                sections.append(person_html(sheet, person, index == 0, rules, height))
                people.append(person)
        finally:
            _cap_scale = 1.0
        return sections, people

    def _rules_to_fill(self, laid_out: QTextDocument, sheet: CallSheet, person: PersonSheet, first: bool,
                       rules: int, height) -> int:
        """How many ruled lines fill the page below a section laid out with `rules` of them."""
        if rules == 0:
            return 0
        free = self.page_size.sizePoints().height() - laid_out.size().height()
        one_more = self._document(person_html(sheet, person, first, rules + 1, height), [person])
        row = one_more.size().height() - laid_out.size().height()
        if one_more.pageCount() > 1 or row <= 0:
            return rules
        more = rules + int(free // row)
        while more > rules and self._document(person_html(sheet, person, first, more, height),
                                              [person]).pageCount() > 1:
            more -= 1
        return more

    def build(self, makers: list) -> QTextDocument:
        """`makers`: for each sheet, a function of the list limit that returns the CallSheet."""
        sections, people = [], []
        for make in makers:
            make = functools.cache(make)
            sheet = make(6)
            if not sheet.people:  # a meeting with nobody from the notebook: a sheet of the meeting alone
                sections.append(person_html(sheet, PersonSheet(0, sheet.title, None, ""), True))
                continue
            found, who = self.fitted_sections(make)
            sections += found
            people += who
        return self._document(PAGE_BREAK.join(sections), people)


def write_pdf(makers: list, path: str | Path, page_size: QPageSize | None = None) -> int:
    """Write the sheets to a PDF; returns the number of pages. Raises PrintError if it cannot.
    The PDF is written beside `path` and takes its place only once it is complete, so a full disk
    or an unwritable folder leaves a PDF already there untouched."""
    path = Path(path)
    if path.is_dir():
        raise PrintError(f"Cannot write {path}: it is a folder.")
    builder = SheetDocument(page_size)
    document = builder.build(makers)

    def write(partial: Path) -> None:
        writer = QPdfWriter(str(partial))
        writer.setPageSize(builder.page_size)
        writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Point)
        writer.setTitle(document.metaInformation(QTextDocument.DocumentTitle) or "Call sheet")
        writer.setCreator("Rapport")
        writer.setAuthor("Rapport")  # the PDF's metadata; Qt writes no structure tags (no tagged PDF)
        document.print_(writer)
        del writer  # finishes the file

    try:
        storage.write_whole_binary(path, write, verify=_complete_pdf)
    except OSError as error:
        raise PrintError(str(explain(error, path, "write"))) from error
    return document.pageCount()


def _complete_pdf(path: Path) -> bool:
    """A PDF that Qt finished: it starts with its header and ends with its end-of-file mark."""
    with open(path, "rb") as stream:
        if stream.read(5) != b"%PDF-":
            return False
        stream.seek(max(0, path.stat().st_size - 1024))
        return b"%%EOF" in stream.read()


def makers_for(who_kind: str, item_id: int, on=None) -> list:
    """The sheet makers for one contact or one meeting ("contact" or "meeting", and its id; of a
    series, its occurrence on the day `on`, else its next)."""
    if who_kind == "meeting":
        return [lambda limit: callsheet.for_meeting(item_id, limit=limit, on=on)]
    return [lambda limit: callsheet.for_contact(item_id, limit=limit)]


def makers_for_day(day) -> list:
    """One sheet maker per planned meeting of `day`: "Today's sheets"."""
    return [maker for meeting_id in callsheet.meetings_on(day) for maker in makers_for("meeting", meeting_id, day)]
