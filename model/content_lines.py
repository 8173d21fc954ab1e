"""The content lines of vCard and iCalendar files, checked before vobject parses them.

vobject's line pattern nests optional repetitions, so on a broken line it tries every way of
splitting the parameters: a long line of parameters without its colon took minutes, and a
file of them would hang an import. `well_formed` answers the same question in one pass.
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
