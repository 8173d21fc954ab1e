"""The content lines of vCard and iCalendar files, checked before vobject parses them.

vobject's line pattern nests optional repetitions, so on a broken line it tries every way of
splitting the parameters: a long line of parameters without its colon took minutes, and a
file of them would hang an import. `well_formed` answers the same question in one pass.
`fold` writes a line folded as both standards ask.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"(?:[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]+")
_PARAM_NAME = re.compile(r"[A-Za-z0-9_-]+")
_UNQUOTED_VALUE = re.compile(r'[^";:,]*')


def well_formed(text: str) -> bool:
    """Whether a content line matches vobject's line grammar: [group.]name, parameters (;name,
    then any =value or ,value, each quoted or free of `";:,`), a colon, the value."""
    name = _NAME.match(text)
    if name is None:
        return False
    # vobject allows one stray ';' after the name ("TEL;:…", "TEL;;CELL:…").
    return _params_then_colon(text, name.end()) or (
        text.startswith(";", name.end()) and _params_then_colon(text, name.end() + 1))


def _params_then_colon(text: str, at: int) -> bool:
    end = len(text)
    while at < end and text[at] == ";":
        param = _PARAM_NAME.match(text, at + 1)
        if param is None:
            return False
        at = param.end()
        while at < end and text[at] in "=,":
            if text.startswith('"', at + 1):
                closing = text.find('"', at + 2)
                if closing < 0:
                    return False
                at = closing + 1
            else:
                value = _UNQUOTED_VALUE.match(text, at + 1)
                assert value is not None  # the pattern matches the empty string
                at = value.end()
    return at < end and text[at] == ":"


def fold(line: str) -> str:
    """A content line folded as RFC 6350 3.2 and RFC 5545 3.1 ask: at most 75 octets a line, continuation lines
    starting with a space, never inside a UTF-8 sequence; with its CRLF."""
    if line.isascii():  # most lines: one character is one octet, no sequence to keep whole
        if len(line) <= 75:
            return line + "\r\n"
        return "\r\n ".join([line[:75], *(line[start:start + 74] for start in range(75, len(line), 74))]) + "\r\n"
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    pieces, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # a continuation byte: step back
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, 74  # the space that begins a continuation line is one of its 75
    return b"\r\n ".join(pieces).decode("utf-8") + "\r\n"


def unescape(value: str) -> str:
    """A vCard or iCalendar TEXT value as plain text: \\n, \\, and \\; and \\\\ undone (RFC 6350
    3.4, RFC 5545 3.3.11). Writers also escape other punctuation (Gmail's \\"); a backslash before
    a letter or digit is the text's own, as in a 2.1 value "C:\\Users", and stays."""
    if "\\" not in value:
        return value
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append("\n" if following in "nN" else "\\" + following if following.isalnum() else following)
        else:
            out.append(char)
    return "".join(out)
