"""Two-way sync of the notebook with a CardDAV address book and a CalDAV calendar.

Rapport is a client of the user's server (Nextcloud, iCloud, Fastmail, Radicale ...); the phone
syncs with the same server (DAVx5, iOS), and so does a second Rapport. Each resource is matched
by UID and remembered (table sync_item) by its href and ETag, with the hash of what the notebook
held at the last sync and, for a card, the card itself: the base of a three-way merge.

One sync of one collection:
1. Pull: what changed on the server since the last sync token (RFC 6578), or, where the server
   has no tokens or forgot ours, the whole listing compared by ETag. Changed resources come in by
   multiget. A person changed only there takes the server's card; changed on both sides, the
   fields merge (`merge_fields`): each side's changes to different fields are both kept; a field
   both changed keeps the notebook's value, and the server's is kept beside it as a conflict
   (table sync_conflict) until the user decides. Deleted there: deleted here, unless it changed
   here since, when it goes back to the server instead.
2. Push: every person or meeting whose hash differs from the last sync's is written with
   If-Match on the ETag it had (a new one with If-None-Match: *), so nothing on the server is
   overwritten blindly: a 412 means it changed meanwhile, and the next sync merges it. What was
   deleted here is deleted there, with If-Match too.
Every local change and the item's new state are written in one transaction, so a sync killed at
any point repeats at most the requests whose answers it had not recorded, and those are
idempotent (a PUT of the same card, a DELETE of a gone one).

Cards are written as vCard 3.0, the version every phone reads; a meeting series and its changed
occurrences are one calendar object (RFC 4791 4.1).

Passwords are never stored here: the system keyring keeps them (`keyring`), or, where there is
none, RAPPORT_PASSWORD gives one each time.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import re
import sys
import typing
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from model import contacts, dav, history, ical, meetings, vcard
from model.contacts import ContactRecord
from model.history import now_utc, stamp
from model.schema import database

KEYRING_SERVICE = "Rapport sync"
PASSWORD_VARIABLE = "RAPPORT_PASSWORD"
CARD = "card"
EVENT = "event"
JOURNAL = "journal"  # history entries, as VJOURNALs in a collection of their own
HISTORY_COLLECTION = "rapport-history"


class SyncError(Exception):
    pass


@dataclass
class Account:
    id: int
    url: str
    user: str
    address_book: str = ""
    calendar: str = ""
    card_token: str = ""
    event_token: str = ""
    last_synced: str = ""
    last_error: str = ""
    journal: str = ""
    journal_token: str = ""
    trusted_hosts: str = ""  # other hosts (host:port) the user let its server send Rapport to, space-separated
    written: str = ""  # the kinds (card, event, journal) written to since their token, space-separated

    @property
    def trusted(self) -> list[str]:
        return self.trusted_hosts.split()


@dataclass
class Report:
    """What one sync did; `as_json()` is what `--sync --json` prints."""

    pulled: int = 0
    pushed: int = 0
    deleted_here: int = 0
    deleted_there: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    unreachable: bool = False
    # (account id, host) for each server that sends Rapport to a host the user has not agreed to
    other_hosts: list[tuple[int, str]] = field(default_factory=list)
    # What a deletion on the server deleted here, as the model's delete gave it back: (kind, records),
    # so that the window can undo it (restore_deleted) until the next sync sends it back as new.
    deleted: list[tuple[str, list]] = field(default_factory=list)

    def add(self, other: Report) -> None:
        for name in ("pulled", "pushed", "deleted_here", "deleted_there", "conflicts"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors
        self.unreachable |= other.unreachable
        self.other_hosts += other.other_hosts
        self.deleted += other.deleted

    def as_json(self) -> dict:
        return {"pulled": self.pulled, "pushed": self.pushed, "deleted_here": self.deleted_here,
                "deleted_there": self.deleted_there, "conflicts": self.conflicts, "errors": list(self.errors)}

    @property
    def exit_code(self) -> int:
        """0: every change is on both sides; 2: some resources failed; 1: a server could not be reached."""
        return 1 if self.unreachable else 2 if self.errors else 0


# How a deletion a sync made here is undone and done again, by kind: (restore the records it gave
# back, delete them by id). People come first when restoring: their history and meetings hang on them.
_UNDO: dict[str, tuple[Callable[[list], object], Callable[[list[int]], object]]] = {
    CARD: (contacts.restore_contacts, contacts.delete_contacts),
    EVENT: (meetings.restore, meetings.delete),
    JOURNAL: (history.restore, history.delete),
}


def restore_deleted(deleted: list[tuple[str, list]]) -> None:
    """Undo what a sync deleted here; the next sync sends it back to the server as new."""
    with database.atomic():
        for kind, records in sorted(deleted, key=lambda pair: list(_UNDO).index(pair[0])):
            _UNDO[kind][0](records)


def delete_again(deleted: list[tuple[str, list]]) -> None:
    """Redo: delete once more what `restore_deleted` put back."""
    with database.atomic():
        for kind, records in deleted:
            _UNDO[kind][1]([record.id for record in records if record.id is not None])


# -- Passwords -------------------------------------------------------------------------------


def _keyring():
    """The system's keyring, or None where there is none (a bare Linux session, CI)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
        usable = not isinstance(backend, fail.Keyring) and getattr(backend, "priority", 1) > 0
    except Exception:  # noqa: BLE001 - a broken keyring configuration, a backend whose service went: none
        return None
    if not usable:
        # keyring's own Secret Service backend needs SecretStorage, which the Linux bundle does
        # not carry: the same service through jeepney (model/secret_service.py says why). Not
        # where a backend was chosen on purpose (PYTHON_KEYRING_BACKEND).
        if sys.platform.startswith("linux") and not os.environ.get("PYTHON_KEYRING_BACKEND"):
            from model import secret_service

            if secret_service.Keyring.available():
                keyring.set_keyring(secret_service.Keyring())
                return keyring
        return None
    return keyring


def has_keyring() -> bool:
    return _keyring() is not None


def remember_password(account: Account, password: str) -> bool:
    """Keep the password in the system's keyring; False when there is none (then RAPPORT_PASSWORD
    is asked for at each sync: never a file)."""
    keyring = _keyring()
    if keyring is None:
        return False
    try:
        keyring.set_password(KEYRING_SERVICE, _keyring_name(account.url, account.user), password)
    except Exception:  # noqa: BLE001 - a locked or refusing keyring: no keyring
        return False
    return True


def password_for(account: Account) -> str:
    """RAPPORT_PASSWORD when set, else the keyring's; "" when neither has one."""
    if os.environ.get(PASSWORD_VARIABLE):
        return os.environ[PASSWORD_VARIABLE]
    keyring = _keyring()
    if keyring is None:
        return ""
    try:
        return keyring.get_password(KEYRING_SERVICE, _keyring_name(account.url, account.user)) or ""
    except Exception:  # noqa: BLE001
        return ""


def _keyring_name(url: str, user: str) -> str:
    return f"{user}@{urlsplit(url).netloc}"


def check_url(url: str, allow_http: bool = False) -> str:
    """The server's URL ("example.org" → https://example.org/); http:// only for this computer
    or when the user accepted sending the password unencrypted."""
    url = url.strip()
    if "://" not in url:
        url = f"https://{url}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError(f"{url} is not a server address (https://...)")
    if parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1") and not allow_http:
        raise SyncError(f"{parts.hostname} would get the password unencrypted over http://: use https://, or"
                        " allow http explicitly")
    return url if url.endswith("/") or parts.path not in ("", "/") else url.rstrip("/") + "/"


# -- Accounts ----------------------------------------------------------------------------------


def accounts() -> list[Account]:
    rows = database.execute_sql("SELECT id, url, user, address_book, calendar, card_token, event_token, last_synced,"
                                " last_error, journal, journal_token, trusted_hosts, written FROM sync_account"
                                " ORDER BY id"
                                ).fetchall()
    return [Account(*row) for row in rows]


def add_account(url: str, user: str, password: str, allow_http: bool = False,
                trusted: Sequence[str] = (), resolver=None) -> Account:
    """Find the user's address book and calendar on the server (creating "Rapport" ones where
    the user has none) and remember the account. `url` is the server's address, or a domain or
    an email address alone (its domain's DNS SRV records are asked first, through `resolver`,
    the system's by default). Raises dav.OtherHost when the server or DNS sends Rapport to a
    host outside the domain and not in `trusted` (host or host:port): ask the user, then try
    again with it."""
    domain = _domain_only(url)
    url = check_url(domain or url, allow_http)
    trusted = [_host_and_port(host) for host in trusted]
    client = dav.Client(url, user, password, trusted=trusted)
    found, principals = {}, {}
    for kind, name, title in (("carddav", "rapport-people", "Rapport"), ("caldav", "rapport-meetings", "Meetings")):
        # A domain alone: DNS may say where its service is (RFC 6764), before /.well-known/ is asked.
        starts = dav.service_urls(domain, kind, allow_http, resolver) if domain else []
        principals[kind] = principal = client.principal(kind, starts)
        home = client.home(principal, kind)
        collections = client.collections(home, kind)
        found[kind] = collections[0][0] if collections else client.make_collection(home, name, kind, title)
    journal = _journal_collection(client, client.home(principals["caldav"], "caldav"))
    with database.atomic():
        cursor = database.execute_sql(
            "INSERT INTO sync_account (url, user, address_book, calendar, journal, trusted_hosts, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", [url, user, found["carddav"], found["caldav"], journal,
                                              " ".join(trusted), stamp(now_utc())])
    return Account(cursor.lastrowid, url, user, found["carddav"], found["caldav"], journal=journal,
                   trusted_hosts=" ".join(trusted))


def _domain_only(text: str) -> str:
    """The domain of an address given as a domain or an email address alone ("example.org",
    "ada@example.org"), or "" for a URL."""
    text = text.strip()
    if "://" in text or "/" in text:
        return ""
    domain = text.rpartition("@")[2]
    return domain if re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z]{2,63}", domain) else ""


def _host_and_port(host: str) -> str:
    """A host as the user names it ("dav.example.net", "https://dav.example.net:8443/") as
    requests see it: host[:port]."""
    host = host.strip()
    return urlsplit(host if "://" in host else f"//{host}").netloc or host


def trust_host(account_id: int, host: str) -> bool:
    """Let an account's server send Rapport to `host` from now on (the user agreed); False when
    there is no such account."""
    found = [account for account in accounts() if account.id == account_id]
    if not found:
        return False
    hosts = [*found[0].trusted, _host_and_port(host)]
    with database.atomic():
        database.execute_sql("UPDATE sync_account SET trusted_hosts = ? WHERE id = ?",
                             [" ".join(dict.fromkeys(hosts)), account_id])
    return True


def _journal_collection(client: dav.Client, home: str) -> str:
    """The collection of Rapport's history on the server: the one another Rapport made, or a new one."""
    journals = client.collections(home, "journal")
    ours = [href for href, _name in journals if href.rstrip("/").endswith(HISTORY_COLLECTION)]
    if ours:
        return ours[0]
    return client.make_collection(home, HISTORY_COLLECTION, "journal", "Rapport history")


def remove_account(account_id: int) -> bool:
    """Forget an account (what it synced stays in the notebook and on the server)."""
    with database.atomic():
        cursor = database.execute_sql("DELETE FROM sync_account WHERE id = ?", [account_id])
    return cursor.rowcount > 0


# -- Sync --------------------------------------------------------------------------------------


def sync_all(password: Callable[[Account], str] = password_for) -> Report:
    """Sync every account; a server that cannot be reached leaves the notebook as it was, to
    sync the next time."""
    total = Report()
    for account in accounts():
        secret = password(account)
        if not secret:
            total.errors.append(f"account {account.id} ({account.user} at {urlsplit(account.url).hostname}): no"
                                f" password (the system has no keyring: set {PASSWORD_VARIABLE})")
            continue
        total.add(sync_account(account, dav.Client(account.url, account.user, secret, trusted=account.trusted)))
    return total


def sync_account(account: Account, client: dav.Client) -> Report:
    report = Report()
    try:
        if account.address_book:
            account.card_token = _sync_collection(account, client, CARD, report)
        if account.calendar:
            account.event_token = _sync_collection(account, client, EVENT, report)
        if not account.journal:  # an account added before history travelled
            try:
                account.journal = _journal_collection(client, client.home(client.principal("caldav"), "caldav"))
            except dav.DavError as error:
                if isinstance(error, (dav.Unreachable, dav.OtherHost)):
                    raise
                report.errors.append(f"the history stays in this notebook: the server has no place for it ({error})")
        if account.journal:
            account.journal_token = _sync_collection(account, client, JOURNAL, report)
    except dav.Unreachable as error:
        report.unreachable = True
        report.errors.append(str(error))
    except dav.OtherHost as error:
        report.other_hosts.append((account.id, error.host))
        report.errors.append(str(error))
    except dav.DavError as error:
        report.errors.append(str(error))
    with database.atomic():
        database.execute_sql("UPDATE sync_account SET card_token = ?, event_token = ?, journal = ?,"
                             " journal_token = ?, written = ?, last_synced = ?, last_error = ? WHERE id = ?",
                             [account.card_token, account.event_token, account.journal, account.journal_token,
                              account.written, account.last_synced if report.unreachable else stamp(now_utc()),
                              "; ".join(report.errors[:3]), account.id])
    return report


@dataclass
class _Item:
    id: int
    href: str
    etag: str
    uid: str
    synced_hash: str
    base: str
    stamp: str = ""  # what it was here when last synced (see _Side.stamp_of)


def _items(account: Account, kind: str, href: str | None = None) -> dict[str, _Item]:
    """The account's resources of one kind by href (or the one at `href`), without `base` (the
    card as last synced, photo and all: 50 MB at 10,000 people), read when a merge needs it."""
    rows = database.execute_sql("SELECT id, href, etag, uid, synced_hash, '', stamp FROM sync_item"
                                " WHERE account_id = ? AND kind = ?" + (" AND href = ?" if href else ""),
                                [account.id, kind] + ([href] if href else [])).fetchall()
    return {row[1]: _Item(*row) for row in rows}


def _reread(items: dict[str, _Item], account: Account, kind: str, href: str) -> None:
    """Bring `items` up to date with what was just remembered or forgotten at `href`."""
    items.pop(href, None)
    items.update(_items(account, kind, href))


def _remember(account: Account, kind: str, href: str, etag: str, uid: str, synced_hash: str, base: str,
              stamp: str = "") -> None:
    database.execute_sql(
        "INSERT INTO sync_item (account_id, kind, href, etag, uid, synced_hash, base, stamp)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, kind, href) DO UPDATE SET etag = excluded.etag,"
        " uid = excluded.uid, synced_hash = excluded.synced_hash, base = excluded.base, stamp = excluded.stamp",
        [account.id, kind, href, etag, uid, synced_hash, base, stamp if synced_hash else ""])


def _base(item: _Item) -> str:
    """The card as it was when it last synced: the base of a three-way merge."""
    if not item.base:
        row = database.execute_sql("SELECT base FROM sync_item WHERE id = ?", [item.id]).fetchone()
        item.base = row[0] if row else ""
    return item.base


def _forget(item: _Item) -> None:
    database.execute_sql("DELETE FROM sync_item WHERE id = ?", [item.id])


def _hash(text: str) -> str:
    # DTSTAMP says when the object was written, not what it says
    return hashlib.sha256(re.sub(r"(?m)^DTSTAMP:.*\r?\n", "", text).encode()).hexdigest()


class _Side:
    """The notebook's side of one collection: its resources by UID key, as text to hash and push."""

    kind: str
    content_type: str
    suffix: str

    def local(self, synced: dict[str, _Item]) -> dict:
        """Every resource here by UID key: (the thing, its text), or (a stub, None) for one that has
        not changed since it last synced (`synced`: the account's items by UID key)."""
        raise NotImplementedError

    def uid_of(self, thing) -> str:
        raise NotImplementedError

    def stamp_of(self, thing) -> str:
        """What says, without writing it out, that the thing changed here (empty: always write it out)."""
        return ""

    def pull(self, account: Account, resource: dav.Resource, item: _Item | None, local: dict,
             report: Report) -> None:
        raise NotImplementedError

    def delete_local(self, thing) -> list:
        """Delete it here; what the model's delete gave back, for an undo."""
        raise NotImplementedError


def _sync_collection(account: Account, client: dav.Client, kind: str, report: Report) -> str:
    collection = {CARD: account.address_book, EVENT: account.calendar, JOURNAL: account.journal}[kind]
    side = {CARD: _Cards, EVENT: _Events, JOURNAL: _Journals}[kind]()
    token = {CARD: account.card_token, EVENT: account.event_token, JOURNAL: account.journal_token}[kind]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rapport-dav") as pool:
        # The server answers while the notebook writes out its side: Radicale takes 0.8 s to
        # answer at 10,000 cards (it reads every item), the notebook 0.15 s to say which of its
        # people changed. No other request is made meanwhile, so the session is never shared.
        asked = pool.submit(client.changes, collection, token)
        items = _items(account, kind)  # kept current as the pull and the push write them
        local = side.local({contacts.uid_key(item.uid): item for item in items.values()})
        changes = asked.result()
    written = set(account.written.split())
    token = _pull(account, client, side, collection, changes, items, local, report, wrote_since=kind in written)
    wrote, made = _push(account, client, side, collection, items, local, report)
    if made:
        # What the server says now, past our own writes: a resource we made and another client
        # deleted before our next sync would be in neither the state of the old token nor the
        # new one, and no change between them would tell us it went.
        token = _pull(account, client, side, collection, client.changes(collection, token), items, local, report)
        wrote = False
    # Otherwise the token stays the one from before our writes (changes and deletions of what the
    # server had): the next sync sees them with the ETags we know, nothing to fetch, and whatever
    # another client did meanwhile. Asking again to move past them was a second sync-collection
    # REPORT per sync, which Radicale answers by reading every item (0.8 s of each 2 s sync at
    # 10,000 people).
    written.discard(kind)
    if wrote:
        written.add(kind)
    account.written = " ".join(sorted(written))
    return token


def _pull(account: Account, client: dav.Client, side: _Side, collection: str, changes: dav.Changes,
          items: dict[str, _Item], local: dict, report: Report, wrote_since: bool = False) -> str:
    """Bring in what the server says changed since the token it was asked about (`changes`);
    `wrote_since`: Rapport wrote to the collection after that token was given."""
    kind = side.kind
    if (wrote_since and changes.since and not changes.full and changes.token == changes.since
            and not (changes.changed or changes.removed)):
        # Nothing at all since a token older than our own writes: a server whose token names the
        # collection's content (Xandikos) gives it back when another client undid what we wrote
        # (deleted a person we had just added). The whole listing tells what is there.
        changes = client.changes(collection, "")
    listed = {resource.href for resource in changes.changed}
    stale = [resource.href for resource in changes.changed
             if resource.href not in items or not resource.etag or items[resource.href].etag != resource.etag]
    removed = list(changes.removed)
    if changes.full:
        removed += [href for href in items if href not in listed]
    for resource in client.fetch(collection, stale, "carddav" if kind == CARD else "caldav"):  # journals: caldav
        if resource.status != 200:
            report.errors.append(f"{resource.href}: the server could not give it ({resource.status}); left as it is"
                                 " on the server")
            continue
        try:
            side.pull(account, resource, items.get(resource.href), local, report)
        except _Unreadable as error:
            report.errors.append(f"{resource.href}: {error} (left as it is on the server)")
        _reread(items, account, kind, resource.href)
    for href in removed:
        item = items.get(href)
        if item is None:
            continue
        key = contacts.uid_key(item.uid)
        here = local.get(key)
        with database.atomic():
            if here is not None and (here[1] is None or _hash(here[1]) == item.synced_hash):
                report.deleted.append((kind, side.delete_local(here[0])))
                report.deleted_here += 1
                local.pop(key)
            _forget(item)  # changed here since: it goes back as new
        items.pop(href)
    return changes.token


def _push(account: Account, client: dav.Client, side: _Side, collection: str, items: dict[str, _Item],
          local: dict, report: Report) -> tuple[bool, bool]:
    """Write what changed here, delete what was deleted here; whether anything was written, and
    whether a resource was made that the server did not have."""
    kind = side.kind
    by_uid = {contacts.uid_key(item.uid): item for item in items.values()}
    wrote = made = False
    for key, (thing, text) in local.items():
        if text is None:
            continue  # not changed here since it last synced
        item = by_uid.get(key)
        digest = _hash(text)
        if item is not None and item.synced_hash == digest:
            continue
        href = item.href if item else f"{collection.rstrip('/')}/{quote(_safe_name(key), safe='')}{side.suffix}"
        try:
            etag = client.put(href, text, side.content_type, item.etag if item and item.etag else "")
            made = made or item is None
        except dav.DavError as error:
            if isinstance(error, (dav.Unreachable, dav.OtherHost)):
                raise
            if error.status == 412:
                report.errors.append(f"{href}: changed on the server meanwhile; merged at the next sync")
            else:
                report.errors.append(f"{href}: not written ({error})")
            continue
        with database.atomic():
            _remember(account, kind, href, etag, side.uid_of(thing), digest, text if kind in (CARD, EVENT) else "",
                      side.stamp_of(thing))
        _reread(items, account, kind, href)
        report.pushed += 1
        wrote = True
    for key, item in by_uid.items():
        if key in local:
            continue
        try:
            client.delete(item.href, item.etag)
        except dav.DavError as error:
            if isinstance(error, (dav.Unreachable, dav.OtherHost)):
                raise
            report.errors.append(f"{item.href}: not deleted ({error})")
            continue
        with database.atomic():
            _forget(item)
        items.pop(item.href, None)
        report.deleted_there += 1
        wrote = True
    return wrote, made


class _Unreadable(Exception):
    pass


def _safe_name(key: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]", "-", key.removeprefix("urn:uuid:"))[:120]
    return name or hashlib.sha1(key.encode()).hexdigest()


# -- People ------------------------------------------------------------------------------------

# The fields of a person a three-way merge compares (the rest is the notebook's own bookkeeping).
_MERGED = [f.name for f in dataclasses.fields(ContactRecord)
           if f.name not in ("id", "uid", "revision", "created_at", "updated_at", "display_name", "sort_key",
                             "introduced_by", "attached", "photo_type")]


def merge_fields(base: ContactRecord, here: ContactRecord, there: ContactRecord) -> tuple[ContactRecord,
                                                                                            dict[str, object]]:
    """The person with both sides' changes since `base`: a field only one side changed takes
    that side's value; a field both changed differently keeps ours, and theirs is returned, to
    keep as a conflict. (Lists: phones, emails, tags ... count as one field each.)"""
    values, conflicts = {}, {}
    for name in _MERGED:
        old, mine, theirs = _value(base, name), _value(here, name), _value(there, name)
        if mine == theirs or theirs == old:
            continue
        if mine == old:
            values[name] = getattr(there, name)
            if name == "photo":
                values["photo_type"] = there.photo_type
        else:
            conflicts[name] = getattr(there, name)
    return dataclasses.replace(here, **values), conflicts


# -- Conflicts: a field both sides changed; ours is kept, theirs beside it until the user decides


@dataclass
class Conflict:
    id: int
    contact_id: int
    field: str
    theirs: object  # the server's value, as the field holds it

    @property
    def caption(self) -> str:
        return self.field.replace("_", " ")


def _encode(name: str, value: object) -> str:
    """A field's value as JSON that `_decode` reads back into the field's own type."""
    if name == "points":
        value = [[p.kind, p.label, p.value, p.service, p.preferred, p.parts] for p in value]  # type: ignore[attr-defined]
    elif isinstance(value, bytes):
        value = {"base64": base64.b64encode(value).decode()}
    return json.dumps(value, ensure_ascii=False)


def _decode(name: str, text: str) -> object:
    try:
        value = json.loads(text)
    except ValueError:
        return text  # written before values were JSON: as it was shown
    if name == "points":
        return [contacts.ContactPointRecord(kind, value_, label, service, bool(preferred), parts=list(parts))
                for kind, label, value_, service, preferred, parts in value]
    if isinstance(value, dict) and "base64" in value:
        return base64.b64decode(value["base64"])
    if name == "prep":
        return [tuple(line) for line in value]
    return value


def conflicts(contact_id: int | None = None) -> list[Conflict]:
    """The fields both sides changed, oldest first (of one person, or of everyone)."""
    where, params = ("WHERE contact_id = ?", [contact_id]) if contact_id is not None else ("", [])
    rows = database.execute_sql(f"SELECT id, contact_id, field, theirs FROM sync_conflict {where} ORDER BY id",
                                params).fetchall()
    return [Conflict(row[0], row[1], row[2], _decode(row[2], row[3])) for row in rows]


def with_theirs(record: ContactRecord, conflict: Conflict) -> ContactRecord:
    """The person as they would be with the server's value of the conflict's field."""
    changes: dict[str, typing.Any] = {conflict.field: conflict.theirs}
    return dataclasses.replace(record, **changes)


def resolve(conflict_id: int, take_theirs: bool) -> None:
    """The user decided: keep this notebook's value, or take the server's (which then goes to the
    server with the next sync, as any change does)."""
    with database.atomic():
        conflict = next((c for c in conflicts() if c.id == conflict_id), None)
        if conflict is None:
            return
        if take_theirs:
            record = contacts.get_contact(conflict.contact_id)
            if record is not None:
                contacts.update_contact(with_theirs(record, conflict))
        database.execute_sql("DELETE FROM sync_conflict WHERE id = ?", [conflict_id])


def _value(record: ContactRecord, name: str):
    value = getattr(record, name)
    if name == "points":
        return sorted((p.kind, p.label, p.value, p.service) for p in value)
    if isinstance(value, list):
        return sorted(map(repr, value))
    return value


def _card(text: str, name: str) -> ContactRecord:
    cards = list(vcard.read_stream(io.BytesIO(text.encode("utf-8")), name))
    if len(cards) != 1 or cards[0].record is None:
        raise _Unreadable(cards[0].error if cards and cards[0].error else "not one vCard")
    record = cards[0].record
    if not record.uid:
        raise _Unreadable("the card has no UID")
    return record


@dataclass(slots=True)
class _Known:
    """A person not changed here since the last sync: what a pull needs of them (making 10,000
    whole ContactRecords for this was 0.1 s of every sync)."""

    id: int
    uid: str
    created_at: str = ""


class _Cards(_Side):
    kind, content_type, suffix = CARD, "text/vcard", ".vcf"

    def __init__(self) -> None:
        self.versions: dict[int, str] = {}  # how often each person's card has changed here

    def local(self, synced: dict[str, _Item]) -> dict[str, tuple[ContactRecord | _Known, str | None]]:
        found: dict[str, tuple[ContactRecord | _Known, str | None]] = {}
        changed = []
        self.versions = {}
        for contact_id, uid, version in contacts.change_stamps():
            self.versions[contact_id] = version
            key = contacts.uid_key(uid)
            item = synced.get(key)
            if item is not None and item.synced_hash and item.stamp == version:
                found[key] = (_Known(contact_id, uid), None)
            else:
                changed.append(contact_id)
        for record in contacts.iter_contacts(changed):
            found[contacts.uid_key(record.uid)] = (record, vcard.serialize(record, "3.0"))
        return found

    def uid_of(self, record: ContactRecord) -> str:
        return record.uid

    def stamp_of(self, record: ContactRecord) -> str:
        return self.versions.get(record.id or 0, "")

    def pull(self, account: Account, resource: dav.Resource, item: _Item | None,
             local: dict[str, tuple[ContactRecord, str]], report: Report) -> None:
        there = _card(resource.data, resource.href)
        key = contacts.uid_key(there.uid)
        here = local.get(key)
        conflicts: dict[str, object] = {}
        changed_here = False
        with database.atomic():
            if here is None:
                contact_id = contacts.add_contact(there)
            else:
                record, text = here
                changed_here = item is None or (text is not None and _hash(text) != item.synced_hash)
                if not changed_here:
                    merged = dataclasses.replace(there, id=record.id, created_at=record.created_at)
                elif item is not None and _base(item):
                    merged, conflicts = merge_fields(_card(_base(item), resource.href), record, there)
                else:  # on both sides before they ever synced: as an import merges them
                    from model import importer

                    merged, _changes = importer.merge(record, there)
                contacts.update_contact(merged)
                contact_id = record.id or 0
            # (prep lines and the introducer are not saved with the person: added where new)
            contacts.add_prep_and_introducers([(contact_id, contacts.stored_form(there))])
            for name, theirs in conflicts.items():
                database.execute_sql("INSERT INTO sync_conflict (contact_id, field, theirs, created_at)"
                                     " VALUES (?, ?, ?, ?)", [contact_id, name, _encode(name, theirs),
                                                              stamp(now_utc())])
            saved = contacts.get_contact(contact_id)
            assert saved is not None  # written just above, in this transaction
            text = vcard.serialize(saved, "3.0")
            # merged with changes of ours: the hash of the card as it was, so that it is pushed
            digest = "" if conflicts or changed_here else _hash(text)
            [(_id, _uid, version)] = contacts.change_stamps([contact_id])
            self.versions[contact_id] = version
            _remember(account, CARD, resource.href, resource.etag, there.uid, digest, resource.data, version)
        report.pulled += 1
        report.conflicts += len(conflicts)
        local[key] = (saved, text)

    def delete_local(self, record: ContactRecord) -> list:
        return contacts.delete_contacts([record.id or 0])


# -- Meetings ----------------------------------------------------------------------------------


class _Events(_Side):
    kind, content_type, suffix = EVENT, "text/calendar", ".ics"

    def local(self, synced: dict[str, _Item]) -> dict[str, tuple[list[meetings.MeetingRecord], str | None]]:
        groups: dict[str, list[meetings.MeetingRecord]] = {}
        for record in meetings.all_meetings():
            if record.uid:
                groups.setdefault(record.uid, []).append(record)
        objects = ical.calendar_objects([r for group in groups.values() for r in group])
        return {contacts.uid_key(uid): (group, objects[uid]) for uid, group in groups.items() if uid in objects}

    def uid_of(self, group: list[meetings.MeetingRecord]) -> str:
        return group[0].uid

    def pull(self, account: Account, resource: dav.Resource, item: _Item | None,
             local: dict[str, tuple[list[meetings.MeetingRecord], str]], report: Report) -> None:
        events = ical.read_text(resource.data, resource.href)
        records = [event.record for event in events if event.record is not None]
        if not records:
            raise _Unreadable(next((event.error for event in events if event.error), "no event"))
        uid = records[0].uid
        key = contacts.uid_key(uid)
        here = local.get(key)
        changed_here = here is not None and item is not None and _hash(here[1]) != item.synced_hash
        if changed_here and here is not None and item is not None:
            base = _base(item)
            base_records = [event.record for event in ical.read_text(base, resource.href)
                            if event.record is not None] if base else []
            if base_records:
                records, clashes = merge_meetings(base_records, here[0], records)
                for clash in clashes:
                    report.errors.append(f"{resource.href}: {clash}")
            else:  # changed on both sides with no base to tell who changed what: the server's version
                report.errors.append(f"{resource.href}: the meeting “{records[0].title}” changed on both sides;"
                                     " the server's version was kept")
            report.conflicts += 1 if not base_records else 0
        with database.atomic():
            wanted = {(r.uid, r.recurrence_id) for r in records}
            for old in (here[0] if here else []):
                if (old.uid, old.recurrence_id) not in wanted and old.id is not None:
                    meetings.delete([old.id])
            for record in records:
                existing = meetings.by_uid(record.uid, record.recurrence_id)
                if existing is not None:
                    record.id, record.outcome = existing.id, existing.outcome
                    if existing.status == "done" and record.status == "planned":
                        record.status = "done"
                meetings.save(record)
            group = [found for found in (meetings.by_uid(r.uid, r.recurrence_id) for r in records) if found]
            text = ical.calendar_objects(group)[uid]
            # merged with changes of ours: no hash, so that the merge goes back to the server
            _remember(account, EVENT, resource.href, resource.etag, uid, "" if changed_here else _hash(text),
                      resource.data)
        report.pulled += 1
        local[key] = (group, text)

    def delete_local(self, group: list[meetings.MeetingRecord]) -> list:
        return meetings.delete([record.id for record in group if record.id is not None])


# A meeting's fields as a three-way merge compares them: when it is (start, end, zone, all-day,
# together: they mean one thing), what it is, and how it repeats; each changed on one side only
# takes that side's value. The dates a series skips or adds merge as sets (a week skipped here and
# another skipped on the phone are both skipped).
_MEETING_FIELDS = {
    "when": ("starts_at", "ends_at", "time_zone", "all_day"),
    "title": ("title",), "kind": ("kind",), "location": ("location",), "agenda": ("agenda",),
    "status": ("status",), "reminder": ("reminder_minutes",), "rule": ("recurrence",),
    "attendees": ("attendees",),
}


def _meeting_value(record: meetings.MeetingRecord, fields: tuple[str, ...]) -> tuple:
    values = []
    for name in fields:
        value = getattr(record, name)
        if name == "attendees":
            value = sorted((a.contact_id or 0, a.email.lower(), a.name) for a in value)
        elif isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC)
        values.append(value)
    return tuple(values)


def _merged_dates(base: list[dt.datetime], mine: list[dt.datetime], theirs: list[dt.datetime]) -> list[dt.datetime]:
    def instants(moments: list[dt.datetime]) -> dict[dt.datetime, dt.datetime]:
        return {moment.astimezone(dt.UTC): moment for moment in moments}

    old, here, there = instants(base), instants(mine), instants(theirs)
    kept = {**here, **there}
    gone = (old.keys() - here.keys()) | (old.keys() - there.keys())
    return sorted(moment for key, moment in kept.items() if key not in gone)


def merge_meetings(base: list[meetings.MeetingRecord], here: list[meetings.MeetingRecord],
                   there: list[meetings.MeetingRecord]) -> tuple[list[meetings.MeetingRecord], list[str]]:
    """A meeting (a series with its changed occurrences) with both sides' changes since `base`,
    occurrence by occurrence: a field only one side changed takes that side's value; a field both
    changed differently keeps the server's (the phone's calendar shows it too), and says what ours
    was, so that nothing is lost without a word. An occurrence changed or skipped on one side only
    stays so."""
    def by_id(records: list[meetings.MeetingRecord]) -> dict:
        return {r.recurrence_id.astimezone(dt.UTC) if r.recurrence_id else None: r for r in records}

    old, mine, theirs = by_id(base), by_id(here), by_id(there)
    merged, clashes = [], []
    for key in [*theirs, *(k for k in mine if k not in theirs)]:
        if key not in theirs:  # not on the server (any more)
            if key in old:
                continue  # deleted there
            merged.append(mine[key])  # added here since
            continue
        record = theirs[key]
        if key not in mine:
            if key in old and key is not None:
                continue  # deleted here
            merged.append(record)
            continue
        ours, was = mine[key], old.get(key)
        if was is None:  # on both sides, never synced as one: the server's
            merged.append(record)
            continue
        values: dict[str, object] = {"id": ours.id, "outcome": ours.outcome}
        for caption, fields in _MEETING_FIELDS.items():
            base_value, my_value = _meeting_value(was, fields), _meeting_value(ours, fields)
            their_value = _meeting_value(record, fields)
            if my_value in (their_value, base_value):
                continue
            if their_value == base_value:
                values.update({name: getattr(ours, name) for name in fields})
            else:
                shown = ", ".join(str(value) for value in my_value if value not in ("", None, []))
                clashes.append(f"the meeting “{record.title}” had its {caption} changed on both sides; the"
                               f" server's was kept (it was {shown or 'empty'} here)")
        result = dataclasses.replace(record, **values)
        # Each side's skipped and added dates, in the merged series' frame: a skip made here at
        # 09:00 follows the series the phone moved to 10:00 (as moving a series does here).
        framed = [_dates_in(side, result) for side in (was, ours, record)]
        result.exdates = _merged_dates(*(dates[0] for dates in framed))
        result.rdates = _merged_dates(*(dates[1] for dates in framed))
        merged.append(result)
    return merged, clashes


def _dates_in(side: meetings.MeetingRecord, target: meetings.MeetingRecord
              ) -> tuple[list[dt.datetime], list[dt.datetime]]:
    """A side's EXDATEs and RDATEs moved from its series' time to `target`'s."""
    when = {name: getattr(target, name) for name in _MEETING_FIELDS["when"]}
    moved, _changes = meetings.moved_series(side, dataclasses.replace(side, **when), changed=[])
    return moved.exdates, moved.rdates


# -- History -----------------------------------------------------------------------------------

# A history entry as a VJOURNAL (RFC 5545 3.6.3): DTSTART is when, SUMMARY and DESCRIPTION what
# was said, CATEGORIES the channel; the person is named by their card's UID, and Rapport's own
# fields are X- properties (RFC 5545 3.8.8.2) that other programs keep and ignore.
_X_CONTACT, _X_DIRECTION, _X_DURATION = "X-RAPPORT-CONTACT", "X-RAPPORT-DIRECTION", "X-RAPPORT-DURATION"
_X_MESSAGES, _X_SOURCE = "X-RAPPORT-MESSAGES", "X-RAPPORT-SOURCE"


def journal_text(entry: history.InteractionRecord, contact_uid: str) -> str:
    import vobject
    from dateutil import tz

    calendar = vobject.iCalendar()
    calendar.add("prodid").value = "-//Rapport//History//EN"
    journal = calendar.add("vjournal")
    journal.add("uid").value = entry.uid
    journal.add("dtstamp").value = now_utc().replace(tzinfo=tz.UTC)  # vobject writes Z for dateutil's UTC only
    journal.add("dtstart").value = history.utc(entry.occurred_at).replace(tzinfo=tz.UTC)
    journal.add("summary").value = entry.summary
    if entry.notes:
        journal.add("description").value = entry.notes
    journal.add("categories").value = [entry.channel_key]
    journal.add(_X_CONTACT.lower()).value = contact_uid
    journal.add(_X_DIRECTION.lower()).value = entry.direction
    if entry.duration_minutes:
        journal.add(_X_DURATION.lower()).value = str(entry.duration_minutes)
    if entry.messages != 1:
        journal.add(_X_MESSAGES.lower()).value = str(entry.messages)
    if entry.source:
        journal.add(_X_SOURCE.lower()).value = entry.source
    return calendar.serialize()


def _journal_entry(text: str, name: str, contact_ids: dict[str, int]) -> history.InteractionRecord:
    import vobject

    try:
        calendar = vobject.readOne(text)
        journal = calendar.vjournal
    except Exception as error:  # noqa: BLE001 - vobject raises many kinds; the entry is reported, left there
        raise _Unreadable(f"not a history entry Rapport can read ({error})") from None

    def value(property_name: str, default: str = "") -> str:
        found = getattr(journal, property_name.lower().replace("-", "_"), None)
        return str(found.value) if found is not None and found.value is not None else default

    contact_uid = value(_X_CONTACT)
    contact_id = contact_ids.get(contacts.uid_key(contact_uid))
    if contact_id is None:
        raise _Unreadable(f"a history entry of a person this notebook does not have ({contact_uid or 'no one'})")
    when = journal.dtstart.value
    if not hasattr(when, "hour"):
        when = dt.datetime.combine(when, dt.time(12), dt.UTC)
    categories = getattr(journal, "categories", None)
    channel = categories.value[0] if categories is not None and categories.value else "other"
    duration = value(_X_DURATION)
    return history.InteractionRecord(
        contact_id, channel if history.channel_by_key(channel) else "other", history.utc(when),
        value(_X_DIRECTION, "both") if value(_X_DIRECTION, "both") in history.DIRECTIONS else "both",
        int(duration) if duration.isdigit() and int(duration) > 0 else None, value("summary"), value("description"),
        messages=int(value(_X_MESSAGES, "1")) if value(_X_MESSAGES, "1").isdigit() else 1,
        source=value(_X_SOURCE), uid=value("uid"))


class _Journals(_Side):
    kind, content_type, suffix = JOURNAL, "text/calendar", ".ics"

    def __init__(self) -> None:
        self.contact_uids = contacts.uid_map()
        self.contact_ids = {contacts.uid_key(uid): contact_id for contact_id, uid in self.contact_uids.items()}

    def local(self, synced: dict[str, _Item]) -> dict[str, tuple[history.InteractionRecord, str | None]]:
        found: dict[str, tuple[history.InteractionRecord, str | None]] = {}
        for entry in history.all_exchanges():
            if not entry.uid or entry.contact_id not in self.contact_uids:
                continue
            key = contacts.uid_key(entry.uid)
            item = synced.get(key)
            unchanged = item is not None and item.synced_hash and item.stamp == self.stamp_of(entry)
            found[key] = (entry, None if unchanged else journal_text(entry, self.contact_uids[entry.contact_id]))
        return found

    def uid_of(self, entry: history.InteractionRecord) -> str:
        return entry.uid

    def stamp_of(self, entry: history.InteractionRecord) -> str:
        """A digest of what the entry says (exchanges have no time of change of their own)."""
        said = (entry.contact_id, self.contact_uids.get(entry.contact_id, ""), entry.channel_key,
                entry.occurred_at.isoformat(), entry.direction, entry.duration_minutes, entry.summary, entry.notes,
                entry.messages, entry.source)
        return hashlib.blake2b(repr(said).encode(), digest_size=12).hexdigest()

    def pull(self, account: Account, resource: dav.Resource, item: _Item | None,
             local: dict[str, tuple[history.InteractionRecord, str]], report: Report) -> None:
        there = _journal_entry(resource.data, resource.href, self.contact_ids)
        key = contacts.uid_key(there.uid)
        here = local.get(key)
        with database.atomic():
            if here is not None and item is not None and here[1] is not None and _hash(here[1]) != item.synced_hash:
                report.conflicts += 1  # changed on both sides: as for meetings, the server's version wins
                report.errors.append(f"{resource.href}: the history entry “{there.summary}” changed on both sides;"
                                     " the server's version was kept")
            history.save(there)
            saved = history.by_uid(there.uid)
            assert saved is not None  # saved just above, in this transaction
            text = journal_text(saved, self.contact_uids.get(saved.contact_id, ""))
            _remember(account, JOURNAL, resource.href, resource.etag, there.uid, _hash(text), "",
                      self.stamp_of(saved))
        report.pulled += 1
        local[key] = (saved, text)

    def delete_local(self, entry: history.InteractionRecord) -> list:
        return history.delete([entry.id or 0])
