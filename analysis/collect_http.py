"""HTTP(S) downloads for `collect`: one URL → its body, with a timeout, a size cap, retries and safe redirects.

Standard library only (urllib). Redirects are followed by hand so that every hop is
checked: only http and https, at most MAX_REDIRECTS. Retried with exponential back-off:
connection errors, timeouts, 5xx and 429. Never retried: other 4xx, DNS failures, TLS
errors, refused schemes, oversized bodies.
"""
from __future__ import annotations

import datetime as dt
import email.message
import http.client
import socket
import ssl
import string
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

USER_AGENT = "gov-disclosure-analysis/0.1 (+research; contact in README)"
ALLOWED_SCHEMES = ("http", "https")
MAX_REDIRECTS = 10
#: Longest wait a server may ask for with Retry-After, in seconds.
MAX_RETRY_AFTER = 30.0
_CHUNK = 1 << 16
_REDIRECTS = (301, 302, 303, 307, 308)
_HINTS = {
    403: "the site refused the download (often bot protection): save the file from a browser and use `add`",
    412: "the site refused the download (often bot protection): save the file from a browser and use `add`",
    404: "the page is gone: look for an archived copy (web.archive.org) and use `add`",
    410: "the page is gone: look for an archived copy (web.archive.org) and use `add`",
}


class FetchError(Exception):
    """A download failed. `reason` is a short code, the message says why; `retry` marks transient failures."""

    def __init__(self, reason: str, message: str, *, status: int | None = None, retry: bool = False,
                 wait: float | None = None):
        super().__init__(message)
        self.reason, self.status, self.retry, self.wait = reason, status, retry, wait


@dataclass(frozen=True)
class Response:
    """One downloaded body and how it came."""

    url: str  # final URL, after redirects
    status: int
    content_type: str  # media type, lower case, without parameters ('' when absent)
    charset: str | None  # charset parameter of Content-Type
    body: bytes
    retrieved: str  # ISO 8601 UTC timestamp of the response


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Turn every redirect into an HTTPError so `get` can check the target before following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def to_uri(url: str) -> str:
    """Percent-encode non-ASCII path and query (UTF-8) and IDNA-encode the host, as browsers do."""
    parts = urlsplit(url.strip())
    netloc = parts.netloc
    if parts.hostname and not parts.hostname.isascii():
        netloc = netloc.replace(parts.hostname, parts.hostname.encode("idna").decode("ascii"))
    safe = string.punctuation
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=safe), quote(parts.query, safe=safe), ""))


def check_url(url: str, *, redirected: bool = False) -> str:
    """The URL as sent, or FetchError 'refused scheme' for anything but http(s) with a host."""
    parts = urlsplit(url.strip())
    what = f"redirect to {url}" if redirected else "address"
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise FetchError("refused scheme", f"{what} refused: only http and https are fetched "
                                           f"(not {parts.scheme + ':' if parts.scheme else 'a relative address'})")
    if not parts.hostname:
        raise FetchError("refused scheme", f"{what} refused: no host name")
    return to_uri(url)


def media_type(header: str | None) -> tuple[str, str | None]:
    """('text/html', 'gbk') from 'text/html; charset=GBK'; ('', None) when absent."""
    if not header:
        return "", None
    msg = email.message.Message()
    msg["content-type"] = header
    charset = msg.get_param("charset")
    return msg.get_content_type() if "/" in header else "", (str(charset).strip().lower() if charset else None)


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _too_large(size: str, max_bytes: int) -> FetchError:
    return FetchError("too large", f"larger than {max_bytes:,} bytes ({size})")


def _read_capped(resp, max_bytes: int) -> bytes:
    """The body, refused as soon as it passes max_bytes (declared or read)."""
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(f"Content-Length {int(declared):,}", max_bytes)
    chunks, total = [], 0
    while chunk := resp.read(_CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise _too_large("stopped reading", max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _decompress(body: bytes, coding: str, max_bytes: int) -> bytes:
    """Undo a gzip/deflate Content-Encoding the server sent although we asked for identity."""
    if coding in ("", "identity"):
        return body
    if coding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError("unreadable", f"unsupported Content-Encoding {coding!r}")
    try:
        inflater = zlib.decompressobj(47 if "gzip" in coding else zlib.MAX_WBITS)
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise FetchError("unreadable", f"broken {coding} body ({exc})") from None
    if len(out) > max_bytes:
        raise _too_large("after decompression", max_bytes)
    return out


def _retry_after(value: str | None) -> float | None:
    return min(float(value), MAX_RETRY_AFTER) if value and value.strip().isdigit() else None


def _http_error(exc: urllib.error.HTTPError) -> FetchError:
    code = exc.code
    transient = code >= 500 or code == 429
    hint = _HINTS.get(code)
    return FetchError(f"http {code}", f"HTTP {code} {exc.reason}" + (f" — {hint}" if hint else ""),
                      status=code, retry=transient, wait=_retry_after(exc.headers.get("Retry-After")))


def _network_error(exc: BaseException, url: str, timeout: float) -> FetchError:
    inner = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    host = urlsplit(url).hostname
    if isinstance(inner, socket.gaierror):
        return FetchError("dns", f"host {host} not found ({inner.strerror or inner})")
    if isinstance(inner, ssl.SSLError):
        return FetchError("tls", f"TLS/certificate error ({inner})")
    if isinstance(inner, TimeoutError):
        return FetchError("timeout", f"no answer within {timeout:g} s", retry=True)
    return FetchError("connection", f"connection failed ({inner})", retry=True)


def _get_once(opener, url: str, *, timeout: float, max_bytes: int, user_agent: str) -> Response | str:
    """One request: the Response, or the absolute URL a redirect points to."""
    request = urllib.request.Request(url, headers={
        "User-Agent": user_agent, "Accept-Encoding": "identity",
        "Accept": "text/html,application/pdf,application/vnd.openxmlformats-officedocument."
                  "wordprocessingml.document,text/plain;q=0.9,*/*;q=0.5",
        "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    try:
        with opener.open(request, timeout=timeout) as resp:
            body = _read_capped(resp, max_bytes)
            body = _decompress(body, resp.headers.get("Content-Encoding", "").strip().lower(), max_bytes)
            ctype, charset = media_type(resp.headers.get("Content-Type"))
            return Response(resp.geturl(), resp.status, ctype, charset, body, _utc_now())
    except urllib.error.HTTPError as exc:
        location = exc.headers.get("Location") if exc.code in _REDIRECTS else None
        exc.close()
        if not location:
            raise _http_error(exc) from None
        return urljoin(url, quote(location.strip(), encoding="iso-8859-1", safe=string.punctuation))
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise _network_error(exc, url, timeout) from None


def get(url: str, *, timeout: float, max_bytes: int, user_agent: str = USER_AGENT) -> Response:
    """One attempt: GET url following checked redirects; FetchError on any failure."""
    opener = urllib.request.build_opener(_NoRedirect)
    current, redirected = url, False
    for _ in range(MAX_REDIRECTS + 1):
        sent = check_url(current, redirected=redirected)
        try:
            answer = _get_once(opener, sent, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent)
        except FetchError as exc:
            if redirected:
                exc.args = (f"{exc} (redirected to {sent})",)
            raise
        if isinstance(answer, Response):
            return answer
        current, redirected = answer, True
    raise FetchError("too many redirects", f"more than {MAX_REDIRECTS} redirects")


def download(url: str, *, timeout: float, max_bytes: int, retries: int, backoff: float,
             user_agent: str = USER_AGENT, sleep=time.sleep) -> Response:
    """GET url, retrying transient failures after backoff·2ⁿ seconds (or the server's Retry-After)."""
    attempt = 0
    while True:
        try:
            return get(url, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent)
        except FetchError as exc:
            if not exc.retry or attempt >= retries:
                if attempt:
                    exc.args = (f"{exc.args[0]} (after {attempt + 1} attempts)",)
                raise
            sleep(exc.wait if exc.wait is not None else backoff * 2 ** attempt)
            attempt += 1
