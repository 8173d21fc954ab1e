"""The system's keyring on Linux (the Secret Service: GNOME Keyring, KeePassXC, KWallet 6), as
a `keyring` backend, for where keyring's own cannot load.

Written here rather than taken whole: keyring's Secret Service backend goes through
SecretStorage, which needs the cryptography library for the session's key exchange, 11 MB of
compiled Rust that the Linux bundle (which must stay under 100 MB) cannot carry; jeepney, the
D-Bus library SecretStorage itself is built on, is 0.2 MB. This backend speaks the same D-Bus API
(Secret Service 0.2) through jeepney, with the "plain" session algorithm the specification
allows: the password crosses the user's own session bus unencrypted, which only the user's own
processes can read (and they can read Rapport's memory as well). Items are stored and found by
the attributes keyring's backend uses (service, username, application), so a password kept by a
run from source is found by the bundle, and the other way round (a test checks both ways
against SecretStorage). Where SecretStorage loads, keyring's own backend is used.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError

BUS_NAME = "org.freedesktop.secrets"
SERVICE_PATH = "/org/freedesktop/secrets"
DEFAULT_COLLECTION = "/org/freedesktop/secrets/aliases/default"
_PREFIX = "org.freedesktop.Secret."
APPLICATION = "Python keyring library"  # what keyring's own backend writes: the same items
PROMPT_SECONDS = 120  # how long an unlock prompt may wait for the user


class SecretServiceError(Exception):
    pass


class _Bus:
    """One connection to the session bus, with the Secret Service's calls."""

    def __init__(self) -> None:
        from jeepney.io.blocking import open_dbus_connection

        try:
            self.connection = open_dbus_connection(bus="SESSION")
        except (OSError, KeyError, ValueError) as error:  # no session bus (no DBUS_SESSION_BUS_ADDRESS)
            raise SecretServiceError(f"no session bus: {error}") from None

    def call(self, path: str, interface: str, method: str, signature: str = "", *body, timeout: float = 10):
        from jeepney import DBusAddress, HeaderFields, MessageType, new_method_call

        address = DBusAddress(path, bus_name=BUS_NAME, interface=_PREFIX + interface)
        reply = self.connection.send_and_get_reply(new_method_call(address, method, signature, body),
                                                   timeout=timeout)
        if reply.header.message_type == MessageType.error:
            name = reply.header.fields.get(HeaderFields.error_name, "refused")
            raise SecretServiceError(f"{method}: {name} {reply.body}")
        return reply.body

    def property(self, path: str, interface: str, name: str):
        from jeepney import DBusAddress, MessageType, Properties

        address = DBusAddress(path, bus_name=BUS_NAME, interface=_PREFIX + interface)
        reply = self.connection.send_and_get_reply(Properties(address).get(name), timeout=10)
        if reply.header.message_type == MessageType.error:
            raise SecretServiceError(f"{name}: {reply.body}")
        (_signature, value), = reply.body
        return value

    def prompt(self, path: str) -> tuple[bool, object]:
        """Run a prompt (the keyring's own unlock dialog) and wait for the user: (dismissed, result)."""
        from jeepney import MatchRule, MessageType

        rule = MatchRule(type=MessageType.signal, path=path, interface=_PREFIX + "Prompt", member="Completed")
        with self.connection.filter(rule) as signals:
            self.call(path, "Prompt", "Prompt", "s", "")
            message = self.connection.recv_until_filtered(signals, timeout=PROMPT_SECONDS)
        dismissed, (_signature, result) = message.body
        return dismissed, result

    def session(self) -> str:
        _output, path = self.call(SERVICE_PATH, "Service", "OpenSession", "sv", "plain", ("s", ""))
        return path

    def unlock(self, paths: list[str]) -> None:
        _unlocked, prompt = self.call(SERVICE_PATH, "Service", "Unlock", "ao", paths)
        if prompt != "/":
            dismissed, _result = self.prompt(prompt)
            if dismissed:
                raise KeyringLocked("the keyring stayed locked")

    def close(self) -> None:
        self.connection.close()


@contextlib.contextmanager
def _bus() -> Iterator[_Bus]:
    bus = _Bus()
    try:
        yield bus
    finally:
        bus.close()


def _query(service: str, username: str) -> dict[str, str]:
    return {"service": service, "username": username}


class Keyring(KeyringBackend):
    """The Secret Service over jeepney (see the module's docstring)."""

    @classmethod
    def available(cls) -> bool:
        """Whether a Secret Service answers (or can be started) on this session's bus."""
        try:
            with _bus() as bus:
                from jeepney import DBusAddress, new_method_call

                dbus = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                                   interface="org.freedesktop.DBus")
                names = bus.connection.send_and_get_reply(new_method_call(dbus, "ListNames"), timeout=5).body[0]
                activatable = bus.connection.send_and_get_reply(new_method_call(dbus, "ListActivatableNames"),
                                                                timeout=5).body[0]
                return BUS_NAME in names or BUS_NAME in activatable
        except Exception:  # noqa: BLE001 - no bus, a refusing bus: no keyring
            return False

    priority = 4.5  # below keyring's own Secret Service backend (5), which is used where it loads

    def _items(self, bus: _Bus, service: str, username: str) -> list[str]:
        unlocked, locked = bus.call(SERVICE_PATH, "Service", "SearchItems", "a{ss}", _query(service, username))
        if locked:
            bus.unlock(locked)
        return [*unlocked, *locked]

    def get_password(self, service: str, username: str) -> str | None:
        with _bus() as bus:
            items = self._items(bus, service, username)
            if not items:
                return None
            session = bus.session()
            try:
                (secrets,) = bus.call(SERVICE_PATH, "Service", "GetSecrets", "aoo", items[:1], session)
            finally:
                bus.call(session, "Session", "Close")
            for _item, (_session, _parameters, value, _content_type) in secrets.items():
                return bytes(value).decode("utf-8")
            return None

    def set_password(self, service: str, username: str, password: str) -> None:
        with _bus() as bus:
            if bus.property(DEFAULT_COLLECTION, "Collection", "Locked"):
                bus.unlock([DEFAULT_COLLECTION])
            session = bus.session()
            try:
                properties = {
                    _PREFIX + "Item.Label": ("s", f"Password for '{username}' on '{service}'"),
                    _PREFIX + "Item.Attributes": ("a{ss}", {**_query(service, username), "application": APPLICATION}),
                }
                secret = (session, b"", password.encode("utf-8"), "text/plain")
                _item, prompt = bus.call(DEFAULT_COLLECTION, "Collection", "CreateItem", "a{sv}(oayays)b",
                                         properties, secret, True)
                if prompt != "/":
                    dismissed, _result = bus.prompt(prompt)
                    if dismissed:
                        raise KeyringLocked("the password was not kept: the keyring stayed locked")
            finally:
                bus.call(session, "Session", "Close")

    def delete_password(self, service: str, username: str) -> None:
        with _bus() as bus:
            items = self._items(bus, service, username)
            if not items:
                raise PasswordDeleteError("no such password")
            _prompt = bus.call(items[0], "Item", "Delete")
