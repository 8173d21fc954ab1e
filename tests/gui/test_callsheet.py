"""Call sheets rendered to real PDFs and read back with pdftotext."""

import dataclasses
import datetime as dt
import shutil
import subprocess

import pytest

from gui.callsheet import PrintError, makers_for, write_pdf
from model import contacts, meetings, preferences, prep, search
from model.contacts import ContactPointRecord, ContactRecord
from model.meetings import Attendee, MeetingRecord

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")


def pdf_text(path):
    """The PDF's text with runs of white space as one space (the layout wraps long names)."""
    raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(raw.split())


def pages(path):
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_a_rich_person_fits_one_page_with_their_numbers(sample_notebook, qapp, tmp_path):
    cathy = search.search("Cathy Rogers")[0]
    out = tmp_path / "cathy.pdf"
    assert write_pdf(makers_for("contact", cathy), out) == 1
    text = pdf_text(out)
    assert "Cathy Rogers" in text and "+1 912 555 0143" in text and "cathy@highcallingblogs.com" in text
    assert "How did the spring meetup go?" in text and "Savannah" in text
    assert pages(out) == 1


def test_html_in_names_and_notes_prints_literally(notebook, qapp, tmp_path):
    evil = contacts.add_contact(ContactRecord(
        given_name="<b>Bold</b>", family_name="&amp; <img src=x onerror=alert(1)>",
        notes="<script>alert('hi')</script> & more",
        points=[ContactPointRecord("phone", "+44 20 7946 0958", "work")]))
    prep.add_lines(evil, "small_talk", ["<i>not italic</i>"])
    out = tmp_path / "evil.pdf"
    write_pdf(makers_for("contact", evil), out)
    text = pdf_text(out)
    assert "<b>Bold</b> &amp; <img src=x onerror=alert(1)>" in text
    assert "<script>alert('hi')</script> & more" in text and "<i>not italic</i>" in text


def test_a_bare_person_with_a_corrupt_photo_and_a_cjk_name(notebook, qapp, tmp_path):
    taro = contacts.add_contact(ContactRecord(given_name="太郎", family_name="山田", photo=b"not an image",
                                              photo_type="image/jpeg"))
    out = tmp_path / "taro.pdf"
    assert write_pdf(makers_for("contact", taro), out) == 1
    text = pdf_text(out)
    assert "太郎 山田" in text  # real glyphs, not empty boxes: the text layer holds the characters
    assert "Time zone unknown" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "Droid" in fonts or "Noto" in fonts


@pytest.mark.parametrize(("given", "family", "font"), [
    ("민준", "김", "RapportHangul"), ("प्रिया", "शर्मा", "NotoSansDevanagari"), ("สมชาย", "ใจดี", "NotoSansThai"),
    ("דוד", "כהן", "DejaVuSans"), ("محمد", "عبد الله", "DejaVuSans")])
def test_names_in_every_script_print_with_a_bundled_font(notebook, qapp, tmp_path, given, family, font):
    person = contacts.add_contact(ContactRecord(given_name=given, family_name=family))
    out = tmp_path / "sheet.pdf"
    assert write_pdf(makers_for("contact", person), out) == 1
    embedded = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert font in embedded  # the glyphs come from the bundled font made for the script
    # The text layer gives the name back, where it can: poppler returns right-to-left text in
    # visual order, and Qt maps a Devanagari conjunct's glyph to one character of the several it
    # draws (the page shows प्रिया शर्मा whole; its copied text lacks the half forms).
    if font in ("RapportHangul", "NotoSansThai"):
        assert f"{given} {family}" in pdf_text(out)


def test_a_meeting_with_three_people_gives_one_page_each(sample_notebook, qapp, tmp_path):
    ids = [search.search(name)[0] for name in ("Cathy Rogers", "Cheryl Lopata", "Мария Иванова")]
    start = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)
    meeting = meetings.save(MeetingRecord("Lunch at the conference", start, start + dt.timedelta(hours=1),
                                          "in_person", "Europe/Berlin", "Café Einstein, Unter den Linden 42",
                                          attendees=[Attendee(i) for i in ids] + [Attendee(None, "Guest", "g@x.org")]))
    out = tmp_path / "meeting.pdf"
    assert write_pdf(makers_for("meeting", meeting), out) == 3
    text = pdf_text(out)
    for name in ("Cathy Rogers", "Cheryl Lopata", "Мария Иванова"):
        assert name in text
    assert "Lunch at the conference" in text and "Café Einstein" in text and "16:00 in Berlin" in text


def test_a_call_planned_in_my_zone_shows_the_time_where_they_are(sample_notebook, qapp, tmp_path):
    # Home is London, whatever zone the computer running the test is in (in Asia/Kolkata, Priya's
    # own, the sheet rightly gives the time once, without "in Mumbai").
    preferences.save(dataclasses.replace(preferences.current(), home_zone="Europe/London"))
    priya = search.search("Priya Sharma")[0]  # in Mumbai
    start = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
    meeting = meetings.save(MeetingRecord("Call with Priya", start, start + dt.timedelta(minutes=30),
                                          time_zone=meetings.places.my_zone(), attendees=[Attendee(priya)]))
    out = tmp_path / "priya.pdf"
    write_pdf(makers_for("meeting", meeting), out)
    assert "15:30 in Mumbai" in pdf_text(out)


def test_an_unwritable_path_is_a_clear_error(sample_notebook, qapp, tmp_path):
    cathy = search.search("Cathy Rogers")[0]
    with pytest.raises(PrintError, match="(?i)cannot write"):
        write_pdf(makers_for("contact", cathy), tmp_path / "missing" / "sheet.pdf")
    with pytest.raises(PrintError, match="folder"):
        write_pdf(makers_for("contact", cathy), tmp_path)


def test_save_as_pdf_from_the_window(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    out = tmp_path / "from-window.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out), "PDF (*.pdf)"))
    window.open_contact(search.search("Cathy Rogers")[0])
    assert window.pdf_action.isEnabled()
    window.pdf_action.trigger()
    assert "Cathy Rogers" in pdf_text(out) and "saved" in window.statusBar().currentMessage()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)")
def test_every_sample_person_gets_a_page_that_fills_it_and_stays_inside_the_margins(sample_notebook, qapp, tmp_path):
    """Each of the forty sample people's sheets (with a page for each other person of their next
    meeting), rendered to pixels by poppler, a reader Rapport did not write: each person on a
    page of their own, nothing drawn in the page's margins, and the notes area taking the rest of
    the page, its last ruled line near the bottom margin."""
    from PySide6.QtGui import QImage

    people = sorted(contacts.iter_contacts(), key=lambda record: record.id)
    makers = [maker for record in people for maker in makers_for("contact", record.id)]
    out = tmp_path / "everyone.pdf"
    count = write_pdf(makers, out)
    assert count >= len(people) == 40
    subprocess.run(["pdftoppm", "-r", "36", "-gray", "-png", str(out), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == count
    seen = set()
    for number, path in enumerate(images, start=1):
        text = " ".join(subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(out), "-"],
                                       capture_output=True, text=True, check=True).stdout.split())
        seen |= {record.id for record in people if text.startswith(record.display_name)}
        image = QImage(str(path))
        width, height = image.width(), image.height()
        inked = [y for y in range(height) if any(image.pixelColor(x, y).lightness() < 235 for x in range(width))]
        columns = [x for x in range(width) if any(image.pixelColor(x, y).lightness() < 235 for y in inked)]
        margin = 36 * 40 / 72 * 0.8  # pixels: the sheet's 40-point margin, less a fifth for anti-aliasing
        where = f"page {number} ({text[:30]})"
        assert min(columns) >= margin and max(columns) <= width - margin, f"{where}: ink in the side margins"
        assert min(inked) >= margin and max(inked) <= height - margin, f"{where}: ink in the top or bottom margin"
        short = 36 * (40 + 30) / 72  # the margin and less than one more ruled line (27 points)
        assert max(inked) >= height - short, f"{where}: the notes stop short of the foot"
    assert seen == {record.id for record in people}
