"""`--sync-add`, `--sync` and `--sync-remove` as scripts call them: exact JSON keys and exit codes,
the password from RAPPORT_PASSWORD and never in what is printed."""

import json

import pytest

from tests.cli.test_command_line import rapport
from tests.conftest import CORPUS
from tests.servers.radicale import radicale

pytestmark = pytest.mark.timeout(180)


def test_add_sync_and_remove_an_account_from_the_command_line(tmp_path):
    book = tmp_path / "a.rapport"
    with radicale(tmp_path / "server") as server:
        secret = {"RAPPORT_PASSWORD": server.password}
        card = CORPUS / "vcards" / "android-blackberry-photo.vcf"
        assert rapport("--db", str(book), "--import", str(card)).returncode == 0
        added = rapport("--db", str(book), "--sync-add", server.url, "--user", server.user, "--json", env=secret)
        assert added.returncode == 0, added.stderr
        answer = json.loads(added.stdout)
        assert set(answer) == {"account", "address_book", "calendar"} and answer["account"] == 1
        synced = rapport("--db", str(book), "--sync", "--json", env=secret)
        assert synced.returncode == 0, synced.stderr
        report = json.loads(synced.stdout)
        assert set(report) == {"pulled", "pushed", "deleted_here", "deleted_there", "conflicts", "errors"}
        assert report["pushed"] >= 1 and report["errors"] == []
        again = json.loads(rapport("--db", str(book), "--sync", "--json", env=secret).stdout)
        assert (again["pulled"], again["pushed"]) == (0, 0)
        wrong = rapport("--db", str(book), "--sync", "--json", env={"RAPPORT_PASSWORD": "not it"})
        assert wrong.returncode == 2 and "401" in wrong.stdout and "not it" not in wrong.stdout + wrong.stderr
    gone = rapport("--db", str(book), "--sync", "--json", env=secret)  # the server has stopped
    assert gone.returncode == 1 and json.loads(gone.stdout)["errors"]
    assert server.password not in gone.stdout + gone.stderr
    assert rapport("--db", str(book), "--sync-remove", "1").returncode == 0
    assert rapport("--db", str(book), "--sync-remove", "1").returncode == 1
    insecure = rapport("--db", str(book), "--sync-add", "http://example.org/dav/", "--user", "u", env=secret)
    assert insecure.returncode == 1 and "unencrypted" in insecure.stderr
