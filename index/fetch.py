"""Fetch one web page the user asked for (`rag add URL`): the only network call Newsdesk makes
without a configured remote endpoint. The body is kept exactly as the server sent it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

HTML_TYPES = ("text/html", "application/xhtml+xml")


class FetchError(ValueError):
    """The page could not be fetched as an article; the message says why and what to do."""


@dataclass(frozen=True)
class FetchedPage:
    """A fetched page: the URL it was finally served from, its bytes and content type."""

    url: str
    body: bytes
    content_type: str


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url!r} is not an http:// or https:// address of a page")


def _read_capped(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    limit = f"the {max_bytes / (1 << 20):.0f} MiB limit (RAG_ADD_MAX_BYTES)"
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{url} is {int(declared) / (1 << 20):.1f} MiB, over {limit}")
    body = bytearray()
    for block in response.iter_bytes():
        body += block
        if len(body) > max_bytes:  # stop reading: the server may not say how large it is
            raise FetchError(f"{url} sent more than {limit}; stopped reading it")
    return bytes(body)


def fetch_page(url: str, timeout: float, max_bytes: int, max_redirects: int) -> FetchedPage:
    """GET `url` (following up to `max_redirects` redirects); FetchError for a dead address, an
    error status, a reply that is not HTML, a redirect loop or a page over `max_bytes`."""
    _check_url(url)
    try:
        with (
            httpx.Client(
                follow_redirects=True, max_redirects=max_redirects, timeout=timeout
            ) as client,
            client.stream("GET", url, headers={"Accept": "text/html"}) as response,
        ):
            if response.status_code >= 400:
                raise FetchError(
                    f"{url} answered {response.status_code} {response.reason_phrase}; "
                    "check the address"
                )
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind not in HTML_TYPES:
                raise FetchError(
                    f"{url} is not an HTML page (it is {kind or 'of no stated type'}); "
                    "download the file and add it with `rag add FILE` instead"
                )
            body = _read_capped(response, url, max_bytes)
            return FetchedPage(str(response.url), body, kind)
    except httpx.TooManyRedirects as exc:
        raise FetchError(
            f"{url} redirects in a loop or more than {max_redirects} times; open it in a "
            "browser and add the address it ends at"
        ) from exc
    except httpx.TimeoutException as exc:
        raise FetchError(f"{url} did not answer within {timeout:.0f} s; try again later") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"cannot fetch {url} ({exc}); check the address and the network") from exc
