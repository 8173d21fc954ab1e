"""A line of any length costs linear time and bounded memory; one over the limit is reported
with its line, and the cards around it still come in."""

import json
import subprocess
import sys

from model import vcard
from tests.conftest import ROOT

MB = 1024 * 1024


def write_card_with_a_long_line(path, megabytes: int, folded: bool = False) -> None:
    with open(path, "wb") as stream:
        stream.write(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Before\r\nEND:VCARD\r\n")
        stream.write(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Long\r\nNOTE:")
        block = b"x" * MB
        for _ in range(megabytes):
            stream.write(block)
            if folded:
                stream.write(b"\r\n ")  # many short physical lines folded into one logical line
        stream.write(b"\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:After\r\nEND:VCARD\r\n")


def import_measured(path, tmp_path) -> tuple[dict, int]:
    """--import --json of `path` in a child process; the summary and the child's peak memory in MB."""
    script = (
        "import resource, subprocess, sys\n"
        "result = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stdout.write(result.stdout)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, sys.executable, str(ROOT / "main.py"),
                          "--db", str(tmp_path / "mine.rapport"), "--import", str(path), "--json"],
                         capture_output=True, text=True, timeout=300)
    summary, peak = out.stdout.strip().splitlines()
    return json.loads(summary), int(peak)


def test_a_200_mb_line_is_reported_and_the_cards_around_it_come_in(tmp_path):
    path = tmp_path / "long.vcf"
    write_card_with_a_long_line(path, 200)
    summary, peak_mb = import_measured(path, tmp_path)
    assert (summary["cards"], summary["new"]) == (3, 2)
    assert summary["rejected"] == [{"file": str(path), "line": 8,
                                    "reason": "line 8 is longer than 96 MB; the card is left out"}]
    assert peak_mb < 400, peak_mb  # not the file's size several times over


def test_a_property_folded_past_the_limit_is_reported_not_cut_short(tmp_path):
    path = tmp_path / "folded.vcf"
    write_card_with_a_long_line(path, 100, folded=True)
    cards = list(vcard.read_cards(path))
    assert [card.record.formatted_name for card in cards if card.record] == ["Before", "After"]
    (long,) = [card for card in cards if card.error]
    assert long.line == 8 and "longer than 96 MB" in long.error


def test_a_long_line_under_the_limit_is_kept_whole(tmp_path):
    path = tmp_path / "long.vcf"
    write_card_with_a_long_line(path, 20)
    cards = list(vcard.read_cards(path))
    assert [card.error for card in cards] == ["", "", ""]
    assert len(cards[1].record.notes) == 20 * MB


def test_cancel_answers_while_a_huge_line_is_read(qtbot, notebook, tmp_path):
    """The import dialog, reading a file whose second card holds a 300 MB line: Cancel closes it
    within a few seconds (the line is skipped, not searched again and again), nothing written."""
    from gui.main_window import MainWindow
    from model import contacts

    path = tmp_path / "huge.vcf"
    write_card_with_a_long_line(path, 300)
    window = MainWindow(notebook, "test")
    qtbot.addWidget(window)
    dialog = window.import_files([str(path)])
    qtbot.waitUntil(dialog.busy, timeout=5000)
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        dialog.reject()
    assert contacts.count_contacts() == 0


def test_a_property_name_of_10000_characters(tmp_path):
    """A valid name that long is a kept property, written back whole; one with characters no
    vCard name has is left out with a warning naming its line, never glued onto the name before it."""
    long_name = "X-" + "A" * 10_000
    odd_name = "X-" + "é" * 10_000
    path = tmp_path / "names.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Long\r\n" f"{long_name}:kept\r\nEND:VCARD\r\n"
                    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Odd\r\n" f"{odd_name}:left out\r\n"
                    "TEL:+1 555 0100\r\nEND:VCARD\r\n", encoding="utf-8")
    long, odd = vcard.read_cards(path)
    assert long.record.vcard_properties == [f"{long_name}:kept"] and not long.warnings
    assert f"{long_name}:kept" in vcard.serialize(long.record, "4.0").replace("\r\n ", "")
    assert odd.record.display_name == "Odd" and odd.record.points[0].value == "+1 555 0100"
    (line, warning), = odd.warnings
    assert line == 9 and "is not a property name" in warning and len(warning) < 200


def test_a_card_whose_every_line_is_a_comment(tmp_path):
    path = tmp_path / "comments.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Before;Ann\r\nEND:VCARD\r\n"
                    "BEGIN:VCARD\r\n# FN:Nobody\r\n# TEL:555\r\nEND:VCARD\r\n"
                    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:After;Bo\r\n# a note to self\r\nEND:VCARD\r\n", encoding="utf-8")
    before, empty, after = vcard.read_cards(path)
    assert before.record.family_name == "Before" and after.record.family_name == "After"
    assert empty.record is None and empty.line == 5 and "the card is empty" in empty.error
    assert after.warnings == [(12, "a comment line (#) was left out")]


def test_a_50_mb_logo_comes_in_and_goes_out_whole(tmp_path):
    """A kept LOGO of 50 MB (67 MB of base64, under the 96 MB line limit): imported through
    main.py, in the notebook, and in the export byte for byte."""
    import base64
    import os

    logo = os.urandom(50 * MB)
    path = tmp_path / "logo.vcf"
    with open(path, "wb") as stream:
        stream.write(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Logo\r\nLOGO;ENCODING=b;TYPE=PNG:")
        stream.write(base64.b64encode(logo))
        stream.write(b"\r\nEND:VCARD\r\n")
    summary, _peak = import_measured(path, tmp_path)
    assert summary["new"] == 1 and summary["rejected"] == []
    out = tmp_path / "out.vcf"
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "mine.rapport"),
                    "--export-vcard", str(out)], check=True, capture_output=True, timeout=120)
    text = out.read_text(encoding="ascii").replace("\r\n ", "")
    payload = text.split("LOGO;ENCODING=b;TYPE=PNG:", 1)[1].split("\r\n", 1)[0]
    assert base64.b64decode(payload) == logo
