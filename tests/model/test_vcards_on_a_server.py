"""What Rapport writes, accepted by a real CardDAV server: every sample person, exported as
vCard 3.0 and 4.0, PUT one by one to Radicale (pinned), each answered 201 Created."""

import re

import pytest

from model import contacts, vcard
from tests.servers.radicale import radicale


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_radicale_accepts_every_sample_person(sample_notebook, tmp_path, version):
    with radicale(tmp_path / "server") as server:
        book = server.make_address_book()
        answers = {}
        for record in contacts.iter_contacts():
            text = vcard.serialize(record, version)
            name = re.sub(r"[^A-Za-z0-9-]", "", record.uid) or str(record.id)
            status, body = server.put(f"{book}{name}.vcf", text.encode("utf-8"), "text/vcard; charset=utf-8")
            answers[record.display_name] = (status, body.decode("utf-8", "replace")[:200])
    refused = {name: answer for name, answer in answers.items() if answer[0] != 201}
    assert len(answers) == 40 and not refused, refused
