"""The JSON exports of social networks and messengers.

- **Messenger** `message_*.json` (Facebook "Download your information"): `participants`,
  `messages` newest first with `sender_name` and `timestamp_ms`. Meta writes UTF-8 text as
  Latin-1 escapes ("JosÃ©"): repaired where the repair is valid UTF-8. The user is the
  participant the `thread_path` (`inbox/alice_1234`) does not name.
- **Instagram** follower and following lists, as a top-level list or wrapped in
  `relationships_followers` / `relationships_following`, the user name in `value` or (newer) in
  `title` with a `_u/` link. They are people, not exchanges: matched to the notebook, and new
  ones left out until the user includes them.
- **Telegram Desktop** `result.json`, one chat (`personal_chat`) or the whole account
  (`chats.list`): `text` as a string or a list of entities, `date` (the exporting computer's
  clock) and/or `date_unixtime`; service messages of type `phone_call` are calls, with
  `duration_seconds` and `discard_reason`. The user is who is not the chat's `name`.
- **X/Twitter archive** `.js` files: `window.YTD.<name>.part0 = ` before the JSON.
  `direct-messages.js` conversations are `<id>-<id>`; `account.js` says which id is the user
  (without it, the id in every conversation is); `follower.js` and `following.js` list accounts
  by id, people like Instagram's.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterator

from model import normalise
from model.contacts import ContactPointRecord, ContactRecord
from model.exchange_import import CALL, MISSED_CALL, Found, Identity, Message
from model.exports import same_name

_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                       "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]+")


def repair(text: str) -> str:
    """UTF-8 that was read as Latin-1 or Windows-1252, put back ("JosÃ©" -> "José"); where a
    byte was lost on the way (cp1252 has no character for 0x8D), the runs that still decode are."""
    if not isinstance(text, str) or text.isascii():
        return text
    for encoding in ("latin-1", "cp1252"):
        try:
            return text.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue

    def run(found: re.Match) -> str:
        for encoding in ("cp1252", "latin-1"):
            try:
                return found.group().encode(encoding).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
        return found.group()

    return _MOJIBAKE.sub(run, text)


def _load(data: bytes) -> object:
    text = data.decode("utf-8-sig", errors="replace")
    return json.loads(text)


def read_jsons(files: list[tuple[str, bytes]]) -> Iterator[Found]:
    """JSON exports, read together: the user of a Meta download is who is in every thread."""
    values: list[tuple[str, object]] = []
    for name, data in files:
        try:
            values.append((name, _load(data)))
        except json.JSONDecodeError as error:
            yield Found(name, "JSON", rejected=[(error.lineno, f"not valid JSON ({error.msg})")])
    threads = [{repair(p.get("name", "")) for p in value.get("participants", []) if isinstance(p, dict)}
               for _name, value in values if _is_thread(value) and isinstance(value, dict)]
    everywhere = set.intersection(*threads) if len(threads) > 1 else set()
    me = next(iter(everywhere)) if len(everywhere) == 1 else ""
    for name, value in values:
        yield read_json(name, value, me)


def _is_thread(value: object) -> bool:
    return isinstance(value, dict) and "participants" in value and "messages" in value


def read_json(name: str, value: object, me: str = "") -> Found:
    if _is_thread(value) and isinstance(value, dict):
        return _messenger(name, value, me)
    if isinstance(value, dict) and ("chats" in value or value.get("type", "").endswith(("_chat", "_group",
                                                                                       "_channel", "_supergroup"))
                                    or ("messages" in value and "name" in value)):
        return _telegram(name, value)
    follows = _follow_list(value)
    if follows is not None:
        return _instagram(name, follows)
    return Found(name, "JSON", rejected=[(1, "not a Messenger, Instagram or Telegram export Rapport knows")])


# -- Messenger ----------------------------------------------------------------------------------


def _messenger(name: str, value: dict, me: str = "") -> Found:
    instagram = "instagram" in name.lower()  # Instagram's inbox is written in Messenger's layout
    found = Found(name, "Instagram chat" if instagram else "Messenger chat")
    channel = "instagram" if instagram else "facebook"
    participants = [repair(p.get("name", "")) for p in value.get("participants", []) if isinstance(p, dict)]
    thread = str(value.get("thread_path", "")).rsplit("/", 1)[-1]
    stem = normalise.fold(thread.rsplit("_", 1)[0] if "_" in thread else thread).replace(" ", "")
    others = [p for p in participants if stem and normalise.fold(p).replace(" ", "").startswith(stem)]
    if me not in participants:  # else: the one person in every thread of the download
        me = ""
    if not me and len(participants) == 2 and len(others) == 1:
        me = next(p for p in participants if p != others[0])
    elif not me and len(participants) == 2:
        senders = Counter(repair(m.get("sender_name", "")) for m in value["messages"] if isinstance(m, dict))
        me = senders.most_common(1)[0][0] if senders else ""
        found.question = f"took {me} to be you (the more frequent sender)" if me else ""
    found.me = me
    other = next((p for p in participants if p != me), "") if len(participants) == 2 else ""
    for number, message in enumerate(value["messages"], start=1):
        if not isinstance(message, dict):
            continue
        sender = repair(message.get("sender_name", ""))
        try:
            when = dt.datetime.fromtimestamp(int(message["timestamp_ms"]) / 1000, dt.UTC)
        except (KeyError, ValueError, TypeError, OverflowError):
            found.rejected.append((number, f"message {number}: no time it can read"))
            continue
        mine = sender == me and bool(me)
        who = other if mine else sender
        if not who or (mine and not other):
            continue
        text = repair(message.get("content", "") or "")
        key = f"messenger|{message.get('timestamp_ms')}|{sender}|{text[:200]}"
        found.messages.append(Message(channel, when, "out" if mine else "in", Identity(who), key,
                                      text=text, line=number))
    return found


# -- Instagram ----------------------------------------------------------------------------------


def _follow_list(value: object) -> list | None:
    if isinstance(value, dict):
        lists = [v for k, v in value.items() if k.startswith("relationships_") and isinstance(v, list)]
        return lists[0] if lists else None
    if isinstance(value, list) and value and all(isinstance(v, dict) and "string_list_data" in v for v in value):
        return value
    return None


def _instagram(name: str, entries: list) -> Found:
    found = Found(name, "Instagram follow list", optional_people=True)
    for entry in entries:
        for item in entry.get("string_list_data", []) or [{}]:
            handle = item.get("value") or entry.get("title") or ""
            href = item.get("href", "")
            if not handle and "/_u/" in href:
                handle = href.rsplit("/_u/", 1)[-1]
            handle = repair(handle.strip().lstrip("@"))
            if not handle:
                continue
            identity = Identity(handles=(("instagram", handle),))
            record = ContactRecord(nickname=handle, points=[ContactPointRecord("handle", f"https://www.instagram.com/{handle}",
                                                                              service="instagram")])
            found.people.append((identity, record))
    return found


# -- Telegram -----------------------------------------------------------------------------------


def _telegram_text(text: object) -> str:
    if isinstance(text, list):
        return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in text)
    return str(text or "")


def _telegram_when(message: dict) -> dt.datetime:
    from model.exports import local

    if message.get("date_unixtime"):
        return dt.datetime.fromtimestamp(int(message["date_unixtime"]), dt.UTC)
    return local(dt.datetime.fromisoformat(str(message["date"])))


def _telegram(name: str, value: dict) -> Found:
    found = Found(name, "Telegram export")
    chats = value["chats"].get("list", []) if isinstance(value.get("chats"), dict) else [value]
    me_id = str((value.get("personal_information") or {}).get("user_id", ""))
    senders_per_chat = [{str(m.get("from", "")) for m in chat.get("messages", [])
                         if isinstance(m, dict) and m.get("from")} for chat in chats]
    everywhere = set.intersection(*senders_per_chat) if len(senders_per_chat) > 1 else set()
    for chat in chats:
        _telegram_chat(found, chat, me_id, everywhere)
    return found


def _telegram_chat(found: Found, chat: dict, me_id: str, everywhere: set[str]) -> None:
    chat_name = repair(str(chat.get("name", "")))
    personal = chat.get("type", "personal_chat") == "personal_chat"
    messages = [m for m in chat.get("messages", []) if isinstance(m, dict)]
    senders = Counter(repair(str(m.get("from") or m.get("actor") or "")) for m in messages)
    senders.pop("", None)
    other = next((s for s in senders if same_name(s, chat_name)), "") if personal else ""
    me = ""
    if me_id:
        me = next((repair(str(m.get("from", ""))) for m in messages
                   if str(m.get("from_id", "")) in (me_id, f"user{me_id}")), "")
    if not me and len(everywhere) == 1:
        me = repair(next(iter(everywhere)))
    if not me and personal and other:
        me = next((s for s in senders if s != other), "")
    if personal and not other and me:
        other = next((s for s in senders if s != me), chat_name)
    if me:
        found.me = me
    for number, message in enumerate(messages, start=1):
        sender = repair(str(message.get("from") or message.get("actor") or ""))
        try:
            when = _telegram_when(message)
        except (KeyError, ValueError, TypeError, OverflowError):
            found.rejected.append((number, f"message {message.get('id', number)}: no date it can read"))
            continue
        mine = bool(me) and sender == me
        who = other if mine else sender
        if not who or (mine and not personal):
            continue
        if personal and who == other and chat_name:
            who = chat_name  # how the user's own contacts name them (a sender's name may be damaged)
        direction = "out" if mine else "in"
        key = f"telegram|{chat.get('id', chat_name)}|{message.get('id', '')}|{when.isoformat()}"
        if message.get("type") == "service":
            if message.get("action") != "phone_call":
                continue
            seconds = int(message.get("duration_seconds") or 0)
            missed = message.get("discard_reason") in ("missed", "busy") or not seconds
            found.messages.append(Message(
                "telegram" if missed else "phone", when, direction, Identity(who), key,
                MISSED_CALL if missed else CALL, duration_minutes=None if missed else max(1, round(seconds / 60)),
                label="Missed Telegram call" if missed else "Telegram call", line=number))
            continue
        found.messages.append(Message("telegram", when, direction, Identity(who), key,
                                      text=_telegram_text(message.get("text")), line=number))


# -- X/Twitter ----------------------------------------------------------------------------------

_YTD = re.compile(rb"^\s*window\.YTD\.([A-Za-z0-9_]+)\.part\d+\s*=\s*")


def _x_value(name: str, data: bytes) -> tuple[str, object]:
    prefix = _YTD.match(data.lstrip(b"\xef\xbb\xbf"))
    if not prefix:
        raise ValueError("not an X archive file (no window.YTD prefix)")
    return prefix.group(1).decode(), _load(data.lstrip(b"\xef\xbb\xbf")[prefix.end():])


def read_x(files: list[tuple[str, bytes]]) -> Iterator[Found]:
    """The files of one X archive, read together (account.js says who the user is)."""
    values: list[tuple[str, str, object]] = []
    for name, data in files:
        try:
            kind, value = _x_value(name, data)
        except (ValueError, json.JSONDecodeError) as error:
            yield Found(name, "X archive", rejected=[(getattr(error, "lineno", 1), str(error))])
            continue
        values.append((name, kind, value))
    me = ""
    for _name, kind, value in values:
        if kind == "account" and isinstance(value, list) and value:
            me = str(value[0].get("account", {}).get("accountId", ""))
    conversations = [str(e.get("dmConversation", {}).get("conversationId", "")) for _n, kind, value in values
                     if kind.startswith("direct_messages") and isinstance(value, list) for e in value]
    if not me and len(conversations) > 1:
        common = set.intersection(*(set(c.split("-")) for c in conversations))
        me = next(iter(common)) if len(common) == 1 else ""
    for name, kind, value in values:
        if kind == "account":
            account = value[0].get("account", {}) if isinstance(value, list) and value else {}
            yield Found(name, "X archive account", me=f"@{account.get('username', '')}" if account else "")
        elif kind.startswith("direct_messages"):
            yield _x_messages(name, value, me)
        elif kind in ("follower", "following"):
            yield _x_follows(name, kind, value)
        else:
            yield Found(name, "X archive", warnings=[(1, f"{kind}: nothing Rapport reads in this part of the archive")])


def _x_identity(account_id: str) -> Identity:
    return Identity(name=f"X account {account_id}", handles=(("x", f"id:{account_id}"),))


def _x_messages(name: str, value: object, me: str) -> Found:
    found = Found(name, "X direct messages", me=me)
    for number, entry in enumerate(value if isinstance(value, list) else [], start=1):
        conversation = entry.get("dmConversation", {}) if isinstance(entry, dict) else {}
        ids = str(conversation.get("conversationId", "")).split("-")
        mine_here = me
        sides = {str(m.get("messageCreate", {}).get(side, "")) for m in conversation.get("messages", [])
                 for side in ("senderId", "recipientId")}
        if me not in ids and me not in sides:  # no account.js that names a side of this conversation
            senders = Counter(str(m.get("messageCreate", {}).get("senderId", ""))
                              for m in conversation.get("messages", []))
            mine_here = senders.most_common(1)[0][0] if len(ids) == 2 and senders else ""
            if mine_here:
                found.me = mine_here
                found.question = f"took account {mine_here} to be you (no account.js in the import names one)"
        for message in conversation.get("messages", []):
            create = message.get("messageCreate") if isinstance(message, dict) else None
            if not create:
                continue
            sender, recipient = str(create.get("senderId", "")), str(create.get("recipientId", ""))
            try:
                when = dt.datetime.fromisoformat(str(create["createdAt"]).replace("Z", "+00:00"))
            except (KeyError, ValueError):
                found.rejected.append((number, f"conversation {number}: a message with no date it can read"))
                continue
            mine = sender == mine_here
            who = recipient if mine else sender
            if not who or who == mine_here:
                continue
            key = f"x|{create.get('id', '')}|{when.isoformat()}"
            found.messages.append(Message("x", when, "out" if mine else "in", _x_identity(who), key,
                                          text=str(create.get("text", "")), line=number))
    return found


def _x_follows(name: str, kind: str, value: object) -> Found:
    found = Found(name, f"X {kind} list", optional_people=True)
    for entry in value if isinstance(value, list) else []:
        account = entry.get(kind, {}) if isinstance(entry, dict) else {}
        account_id = str(account.get("accountId", ""))
        if account_id:
            identity = _x_identity(account_id)
            found.people.append((identity, identity.record()))
    return found
