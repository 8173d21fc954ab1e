"""Passwords in the Secret Service without SecretStorage (model/secret_service.py), as the Linux
bundle keeps them: against a real GNOME Keyring on a private session bus, checked both ways
against SecretStorage (what keyring's own backend uses), so that a run from source and the bundle
find each other's passwords."""

from __future__ import annotations

import contextlib

import keyring
import pytest
from keyring.backends import fail

from model import secret_service, sync
from tests.servers.secrets import secret_service as running_secret_service

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def keyring_daemon(tmp_path, monkeypatch):
    with running_secret_service(tmp_path / "session") as environment:
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
        keyring.core._keyring_backend = None  # chosen afresh on this session's bus ...
        yield environment
        keyring.core._keyring_backend = None  # ... and afresh after it, as the next test's environment says


def secretstorage_items(service: str, username: str) -> list[tuple[bytes, dict]]:
    import secretstorage

    with contextlib.closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        return [(item.get_secret(), item.get_attributes())
                for item in collection.search_items({"service": service, "username": username})]


def test_a_password_kept_here_is_found_by_secretstorage_and_back(keyring_daemon):
    ours = secret_service.Keyring()
    assert secret_service.Keyring.available()
    ours.set_password("Rapport", "ada@dav.example.org", "pässword ✓")
    [(secret, attributes)] = secretstorage_items("Rapport", "ada@dav.example.org")
    assert secret.decode() == "pässword ✓" and attributes["application"] == secret_service.APPLICATION
    ours.set_password("Rapport", "ada@dav.example.org", "changed")  # replaced, not doubled
    assert [s for s, _a in secretstorage_items("Rapport", "ada@dav.example.org")] == [b"changed"]

    from keyring.backends import SecretService  # keyring's own, through SecretStorage: a run from source

    SecretService.Keyring().set_password("Rapport", "grace@dav.example.org", "from source")
    assert ours.get_password("Rapport", "grace@dav.example.org") == "from source"
    assert ours.get_password("Rapport", "nobody@dav.example.org") is None
    ours.delete_password("Rapport", "ada@dav.example.org")
    assert secretstorage_items("Rapport", "ada@dav.example.org") == []
    with pytest.raises(keyring.errors.PasswordDeleteError):
        ours.delete_password("Rapport", "ada@dav.example.org")


def test_sync_keeps_the_password_there_when_keyring_finds_no_backend(keyring_daemon, monkeypatch):
    keyring.set_keyring(fail.Keyring())  # what keyring finds in the bundle: no SecretStorage
    account = sync.Account(1, "https://dav.example.org/", "ada")
    assert sync.has_keyring()
    assert sync.remember_password(account, "kept in the keyring")
    monkeypatch.delenv(sync.PASSWORD_VARIABLE, raising=False)
    assert sync.password_for(account) == "kept in the keyring"
    assert [s for s, _a in secretstorage_items(sync.KEYRING_SERVICE, "ada@dav.example.org")] == [
        b"kept in the keyring"]


def test_no_session_bus_is_no_keyring(monkeypatch, tmp_path):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'nothing-here'}")
    assert not secret_service.Keyring.available()
