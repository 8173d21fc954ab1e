"""The WebDAV that CardDAV and CalDAV sync needs, over requests, read with defusedxml.

Written here rather than taken whole: python-caldav speaks CalDAV only (RFC 4791) and brings
lxml, icalendar and recurring-ical-events into the app; the one CardDAV client library on PyPI
(carddav 0.1.0) is a month old, from one author. Both protocols are the same few requests on
WebDAV (RFC 4918): PROPFIND, REPORT (RFC 6578 sync-collection, RFC 6352/4791 multiget), PUT
and DELETE with ETags, MKCOL/MKCALENDAR. HTTP itself (TLS verification, redirects, connection
reuse, Basic and Digest auth) is requests'; XML comes in through defusedxml, so a hostile
server cannot expand entities.

Credentials never appear in an error message: `DavError` says what failed, with the URL's
path and the status, never the Authorization header or the password.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from defusedxml.ElementTree import fromstring

DAV, CARDDAV, CALDAV, CS = "DAV:", "urn:ietf:params:xml:ns:carddav", "urn:ietf:params:xml:ns:caldav", \
    "http://calendarserver.org/ns/"
_NAMES = {"d": DAV, "card": CARDDAV, "cal": CALDAV, "cs": CS}
TIMEOUT = (10, 60)  # seconds to connect, and between bytes of an answer
MULTIGET_BATCH = 100  # resources asked for in one multiget


class DavError(Exception):
    """A request that failed: what was asked, and the server's status (0: no answer at all)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class OtherHost(DavError):
    """The server sends Rapport to another host (`host`: its host and port), which gets the user
    name and password only once the user has agreed (RFC 6764 6: a client must not follow a
    redirect to another host without checking with the user)."""

    def __init__(self, message: str, host: str, status: int = 0) -> None:
        super().__init__(message, status)
        self.host = host


class Unreachable(DavError):
    """No answer: the server is down, the network is gone, or it took too long."""


def _tag(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NAMES[prefix]}}}{local}"


@dataclass
class Resource:
    href: str
    etag: str = ""
    data: str = ""  # the card or calendar object, when it was asked for
    status: int = 200


@dataclass
class Changes:
    """What changed in a collection since a sync token (or everything, without one)."""

    changed: list[Resource] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    token: str = ""
    full: bool = False  # the whole collection was listed (no token, or the token had expired)
    since: str = ""  # the token asked about, when the server answered what changed since it


def secure_connections() -> bool:
    """Whether HTTPS can be spoken here: the bundle takes OpenSSL from the system
    (packaging/rapport.spec says why), and without it the ssl module does not load."""
    try:
        import ssl  # noqa: F401
    except ImportError:
        return False
    return True


THIS_COMPUTER = ("localhost", "127.0.0.1", "::1")


def service_urls(domain: str, kind: str, allow_http: bool = False, resolver=None) -> list[str]:
    """Where DNS says a domain's CardDAV (`kind` "carddav") or CalDAV ("caldav") service is
    (RFC 6764 3 and 4): for each SRV record of _carddavs._tcp (TLS), then of _carddav._tcp (plain
    http: only where `allow_http`, or on this computer), in order of priority and weight, its
    host and port with the TXT record's path (else /.well-known/<kind>). [] where DNS says
    nothing, or cannot be asked (no resolver configured, no answer within 3 seconds).
    `resolver`: a dns.resolver.Resolver (the system's by default)."""
    import dns.exception
    import dns.name
    import dns.resolver

    try:
        resolver = resolver or dns.resolver.Resolver()
    except dns.exception.DNSException:  # no /etc/resolv.conf, no registry entry
        return []
    resolver.lifetime = min(resolver.lifetime, 3.0)
    urls = []
    for scheme, label in (("https", f"_{kind}s._tcp"), ("http", f"_{kind}._tcp")):
        name = f"{label}.{domain.strip('.')}"
        try:
            records = sorted(resolver.resolve(name, "SRV"), key=lambda r: (r.priority, -r.weight))
        except dns.exception.DNSException:
            continue
        path = _context_path(resolver, name) or f"/.well-known/{kind}"
        for record in records:
            if record.target == dns.name.root:
                continue  # "." : the service is decidedly not offered there (RFC 2782)
            host = record.target.to_text(omit_final_dot=True)
            if scheme == "http" and not (allow_http or host in THIS_COMPUTER):
                continue
            port = "" if record.port == (443 if scheme == "https" else 80) else f":{record.port}"
            urls.append(f"{scheme}://{host}{port}{path}")
    return urls


def _context_path(resolver, name: str) -> str:
    """The path= of a service's TXT record (RFC 6764 4), or ""."""
    import dns.exception

    try:
        answers = resolver.resolve(name, "TXT")
    except dns.exception.DNSException:
        return ""
    for record in answers:
        text = b"".join(record.strings).decode("utf-8", errors="replace")
        key, _, value = text.partition("=")
        if key.strip().lower() == "path" and value.strip().startswith("/"):
            return value.strip()
    return ""


class Client:
    """One account on one server: `base` is where requests start; every href is resolved
    against it. Requests, redirects included, go only to the base's host and to the `trusted`
    ones the user agreed to (an href or a redirect elsewhere raises OtherHost: the password is
    never sent to a host the user did not name). An href on a trusted host is kept as a whole
    URL, one on the base's host as its path."""

    def __init__(self, base: str, user: str, password: str, verify: bool | str = True,
                 trusted: Iterable[str] = ()) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.session = requests.Session()
        self.session.auth = (user, password)
        self.session.verify = verify
        self.session.headers["User-Agent"] = "Rapport (CardDAV/CalDAV sync)"
        self.hosts = {urlsplit(self.base).netloc, *trusted}
        self.answered = self.base  # the URL the last answer came from (after redirects)
        self.requests = 0  # how many were made: the bench counts them
        self.waited = 0.0  # seconds spent waiting for their answers: the bench tells them apart

    def url(self, href: str) -> str:
        return urljoin(self.base, href)

    def allowed(self, netloc: str) -> bool:
        """Whether the password may go to `netloc`: the base's host or one within its domain
        (dav.example.org for example.org: the same owner), or a host the user allowed."""
        if netloc in self.hosts:
            return True
        host, ours = urlsplit(f"//{netloc}").hostname or "", urlsplit(self.base).hostname or ""
        return bool(ours) and "." in ours and not ours.replace(".", "").isdigit() and (
            host == ours or host.endswith(f".{ours}"))

    def href(self, href: str) -> str:
        """An href from the last answer as Rapport keeps it: a path on the base's host, a whole
        URL on another (where a redirect led)."""
        url = urljoin(self.answered, href)
        parts = urlsplit(url)
        if parts.netloc == urlsplit(self.base).netloc:
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return url

    def request(self, method: str, href: str, body: str | bytes | None = None, headers: dict | None = None,
                expect: Iterable[int] = (200, 201, 204, 207)) -> requests.Response:
        url = self.url(href)
        if urlsplit(url).scheme == "https" and not secure_connections():
            raise Unreachable(f"{method} {urlsplit(url).netloc}: this computer cannot make secure (https)"
                              " connections: Python's ssl module needs OpenSSL 3 (on Debian and Ubuntu the"
                              " package libssl3), which is missing")
        for _hop in range(5):
            host = urlsplit(url).netloc
            if not self.allowed(host):
                raise OtherHost(f"{_where(self.base)} sends Rapport to another server, {urlsplit(url).hostname}:"
                                " your password goes there only if you allow it", host)
            self.requests += 1
            sent = time.perf_counter()
            try:
                response = self.session.request(method, url, data=body.encode() if isinstance(body, str) else body,
                                                headers=headers or {}, timeout=TIMEOUT, allow_redirects=False)
            except requests.exceptions.SSLError as error:
                raise DavError(f"{method} {urlsplit(url).netloc}: the server's certificate is not trusted"
                               f" ({type(error).__name__})") from None
            except (requests.ConnectionError, requests.Timeout) as error:
                raise Unreachable(f"{method} {_where(url)}: no answer ({type(error).__name__})") from None
            finally:
                self.waited += time.perf_counter() - sent
            if response.status_code in (301, 302, 303, 307, 308) and "Location" in response.headers:
                target = urljoin(url, response.headers["Location"])
                if urlsplit(target).scheme == "http" and urlsplit(url).scheme == "https":
                    raise DavError(f"{_where(url)} redirects from https to http: refused", response.status_code)
                url = target
                continue
            if response.status_code not in expect:
                raise DavError(f"{method} {_where(url)}: the server answered {response.status_code}"
                               f" {response.reason or ''}".rstrip(), response.status_code)
            self.answered = url
            return response
        raise DavError(f"{method} {_where(url)}: too many redirects")

    # -- Discovery (RFC 6764, 6352 7.1.1, 4791 6.2.1) ---------------------------------------

    def propfind(self, href: str, props: list[str], depth: str = "0") -> dict[str, dict[str, ET.Element]]:
        body = ('<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:'
                'ns:carddav" xmlns:cal="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/">'
                f'<d:prop>{"".join(f"<{p}/>" for p in props)}</d:prop></d:propfind>')
        response = self.request("PROPFIND", href, body, {"Depth": depth, "Content-Type": "application/xml"})
        return {self.href(found): props for found, props in _multistatus(response.content).items()}

    def principal(self, kind: str, starts: Iterable[str] = ()) -> str:
        """The href of the user's principal, looked for at `starts` (where DNS says the service
        is: service_urls), at the base, then at /.well-known/<kind> (kind: "carddav" or "caldav")."""
        elsewhere: OtherHost | None = None  # asked of the user only if no host already allowed answers
        unreachable: Unreachable | None = None
        silent: set[str] = set()  # hosts that did not answer: not asked again
        for start in (*starts, self.base, f"/.well-known/{kind}"):
            if urlsplit(self.url(start)).netloc in silent:
                continue
            try:
                found = self.propfind(start, ["d:current-user-principal"])
            except OtherHost as error:
                elsewhere = elsewhere or error
                continue
            except Unreachable as error:
                unreachable = unreachable or error
                silent.add(urlsplit(self.url(start)).netloc)
                continue
            except DavError:
                continue
            for props in found.values():
                href = _href_in(props.get("d:current-user-principal"))
                if href:
                    return self.href(href)
        if elsewhere is not None:
            raise elsewhere
        if unreachable is not None:
            raise unreachable
        raise DavError(f"{_where(self.base)} is not a CardDAV or CalDAV server (no current-user-principal)")

    def home(self, principal: str, kind: str) -> str:
        prop = "card:addressbook-home-set" if kind == "carddav" else "cal:calendar-home-set"
        for props in self.propfind(principal, [prop]).values():
            href = _href_in(props.get(prop))
            if href:
                return self.href(href)
        raise DavError(f"the server gives no {prop.split(':')[1]} for this user")

    def collections(self, home: str, kind: str) -> list[tuple[str, str]]:
        """The address books (kind "carddav"), event calendars ("caldav") or journal-only calendars
        ("journal", where Rapport keeps history) in a home: (href, name)."""
        wanted = _tag("card:addressbook") if kind == "carddav" else _tag("cal:calendar")
        found = []
        for href, props in self.propfind(home, ["d:resourcetype", "d:displayname",
                                                "cal:supported-calendar-component-set"], "1").items():
            types = props.get("d:resourcetype")
            if types is None or types.find(wanted) is None:
                continue
            components = props.get("cal:supported-calendar-component-set")
            names = {c.get("name", "").upper() for c in components} if components is not None else set()
            if kind == "caldav" and names and "VEVENT" not in names:
                continue  # a task list or a journal: not for meetings
            if kind == "journal" and names != {"VJOURNAL"}:
                continue
            name = props.get("d:displayname")
            found.append((href, (name.text or "").strip() if name is not None else ""))
        return found

    def make_collection(self, home: str, name: str, kind: str, title: str) -> str:
        href = urljoin(self.url(home), f"{name}/")
        if kind == "carddav":
            body = ('<?xml version="1.0" encoding="utf-8"?><d:mkcol xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:'
                    f'ns:carddav"><d:set><d:prop><d:resourcetype><d:collection/><card:addressbook/></d:resourcetype>'
                    f'<d:displayname>{_escape(title)}</d:displayname></d:prop></d:set></d:mkcol>')
            self.request("MKCOL", href, body, {"Content-Type": "application/xml"}, expect=(201,))
        else:  # an event calendar, or (kind "journal") one for VJOURNALs only, which calendar apps leave out
            component = "VJOURNAL" if kind == "journal" else "VEVENT"
            body = ('<?xml version="1.0" encoding="utf-8"?><cal:mkcalendar xmlns:d="DAV:" xmlns:cal="urn:ietf:params:'
                    f'xml:ns:caldav"><d:set><d:prop><d:displayname>{_escape(title)}</d:displayname>'
                    f'<cal:supported-calendar-component-set><cal:comp name="{component}"/>'
                    '</cal:supported-calendar-component-set>'
                    '</d:prop></d:set></cal:mkcalendar>')
            self.request("MKCALENDAR", href, body, {"Content-Type": "application/xml"}, expect=(201,))
        return self.href(href)

    # -- Reading a collection ----------------------------------------------------------------

    def changes(self, collection: str, token: str = "") -> Changes:
        """What changed since `token` (RFC 6578 sync-collection); a server without it, or a token
        it no longer knows (403/409 valid-sync-token), gives the whole listing by PROPFIND."""
        if token:
            try:
                return self._sync_collection(collection, token)
            except DavError as error:
                if isinstance(error, Unreachable) or error.status not in (400, 403, 409, 412, 501):
                    raise
        try:
            listing = self._sync_collection(collection, "")
        except DavError as error:
            if isinstance(error, Unreachable) or error.status not in (400, 403, 409, 412, 415, 501):
                raise
            listing = Changes(token="")
            for href, props in self.propfind(collection, ["d:getetag", "d:resourcetype"], "1").items():
                types = props.get("d:resourcetype")
                if types is not None and types.find(_tag("d:collection")) is not None:
                    continue
                etag = props.get("d:getetag")
                listing.changed.append(Resource(href, (etag.text or "").strip() if etag is not None else ""))
        listing.full = True
        return listing

    def _sync_collection(self, collection: str, token: str) -> Changes:
        body = ('<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:">'
                f'<d:sync-token>{_escape(token)}</d:sync-token><d:sync-level>1</d:sync-level>'
                '<d:prop><d:getetag/></d:prop></d:sync-collection>')
        response = self.request("REPORT", collection, body, {"Content-Type": "application/xml", "Depth": "1"})
        root = fromstring(response.content)
        found = Changes(token=(root.findtext(_tag("d:sync-token")) or "").strip(), since=token)
        own = self.url(collection).rstrip("/")
        for answer in root.findall(_tag("d:response")):
            href = (answer.findtext(_tag("d:href")) or "").strip()
            if not href or self.url(self.href(href)).rstrip("/") == own:
                continue
            href = self.href(href)
            status = answer.findtext(_tag("d:status")) or ""
            if " 404 " in f"{status} ":
                found.removed.append(href)
                continue
            etag = answer.find(f"{_tag('d:propstat')}/{_tag('d:prop')}/{_tag('d:getetag')}")
            found.changed.append(Resource(href, (etag.text or "").strip() if etag is not None else ""))
        return found

    def fetch(self, collection: str, hrefs: list[str], kind: str) -> list[Resource]:
        """The data of `hrefs`, by multiget in batches (RFC 6352 8.7, RFC 4791 7.9)."""
        if kind == "carddav":
            report, data = "card:addressbook-multiget", "card:address-data"
        else:
            report, data = "cal:calendar-multiget", "cal:calendar-data"
        found = []
        for start in range(0, len(hrefs), MULTIGET_BATCH):
            part = hrefs[start:start + MULTIGET_BATCH]
            body = (f'<?xml version="1.0" encoding="utf-8"?><{report} xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:'
                    f'ns:carddav" xmlns:cal="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><{data}/></d:prop>'
                    f'{"".join(f"<d:href>{_escape(href)}</d:href>" for href in part)}</{report}>')
            try:
                response = self.request("REPORT", collection, body, {"Content-Type": "application/xml", "Depth": "1"})
            except DavError as error:
                if isinstance(error, Unreachable) or error.status < 400:
                    raise
                # One resource the server cannot give in a multiget fails the batch (Xandikos
                # answers 500): each is then asked for on its own, and only that one is missed.
                found += [self._get(href) for href in part]
                continue
            for href, props in _multistatus(response.content).items():
                href = self.href(href)
                etag, text = props.get("d:getetag"), props.get(data)
                if text is None:
                    continue
                found.append(Resource(href, (etag.text or "").strip() if etag is not None else "", text.text or ""))
        return found

    def _get(self, href: str) -> Resource:
        try:
            response = self.request("GET", href, expect=(200,))
        except DavError as error:
            if isinstance(error, Unreachable):
                raise
            return Resource(href, status=error.status or 500)
        response.encoding = response.encoding or "utf-8"
        return Resource(href, response.headers.get("ETag", ""), response.text)

    # -- Writing -----------------------------------------------------------------------------

    def put(self, href: str, data: str, content_type: str, etag: str = "") -> str:
        """Write one resource: over `etag` only (If-Match), or only where there is none
        (If-None-Match: *). The new ETag, or "" when the server does not say (it changed the data)."""
        headers = {"Content-Type": f"{content_type}; charset=utf-8"}
        headers["If-Match" if etag else "If-None-Match"] = etag or "*"
        response = self.request("PUT", href, data, headers, expect=(200, 201, 204))
        return response.headers.get("ETag", "")

    def delete(self, href: str, etag: str = "") -> None:
        self.request("DELETE", href, None, {"If-Match": etag} if etag else {}, expect=(200, 204, 404))


def _multistatus(content: bytes) -> dict[str, dict[str, ET.Element]]:
    """A 207 answer as {href: {"d:getetag": element, ...}}, the props of its 200 propstats only."""
    try:
        root = fromstring(content)
    except ET.ParseError as error:
        raise DavError(f"the server's answer is not XML ({error})") from None
    reverse = {uri: prefix for prefix, uri in _NAMES.items()}
    found: dict[str, dict[str, ET.Element]] = {}
    for answer in root.findall(_tag("d:response")):
        href = (answer.findtext(_tag("d:href")) or "").strip()
        props = found.setdefault(href, {})
        for propstat in answer.findall(_tag("d:propstat")):
            if " 200 " not in f"{propstat.findtext(_tag('d:status')) or ''} ":
                continue
            for prop in propstat.find(_tag("d:prop")) or []:
                uri, _, local = prop.tag[1:].partition("}")
                props[f"{reverse.get(uri, uri)}:{local}"] = prop
    return found


def _href_in(element: ET.Element | None) -> str:
    """The href inside a property (current-user-principal, a home set), or ""."""
    found = element.find(_tag("d:href")) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _where(url: str) -> str:
    """A URL for a message: host and path, never a user name or password in it."""
    parts = urlsplit(url)
    return f"{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"
