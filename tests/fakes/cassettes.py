"""Load recorded API traffic (praw vcrpy JSON, tweepy vcrpy YAML) as request -> response entries."""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

# Headers that describe the recorded wire form, not the body we serve (we serve it decoded).
WIRE_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}


@dataclass(frozen=True)
class Entry:
    """One recorded interaction: the request's method/path/query and the response to serve."""

    method: str
    uri: str
    path: str
    query: dict[str, str]
    request_body: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        """The response body parsed as JSON."""
        return json.loads(self.body)


def _flat_headers(headers: dict[str, Any] | None) -> dict[str, str]:
    """vcrpy stores each header as a list of values; keep the last, lower-case names."""
    flat: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if isinstance(value, list):
            value = value[-1] if value else ""
        flat[name.lower()] = str(value)
    return flat


def _decode_body(raw: Any, encoding: str) -> bytes:
    """The response body as plain bytes: vcrpy keeps it as str or bytes, often gzip-compressed."""
    if raw is None:
        return b""
    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    if encoding == "gzip" or data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    elif encoding == "deflate":
        data = zlib.decompress(data)
    return data


def _entry(interaction: dict[str, Any]) -> Entry:
    request, response = interaction["request"], interaction["response"]
    headers = _flat_headers(response.get("headers"))
    body = _decode_body(
        (response.get("body") or {}).get("string"), headers.get("content-encoding", "")
    )
    parts = urlsplit(request["uri"])
    request_body = request.get("body") or ""
    if isinstance(request_body, bytes):
        request_body = request_body.decode("utf-8", "replace")
    return Entry(
        method=request["method"].upper(),
        uri=request["uri"],
        path=parts.path,
        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
        request_body=str(request_body),
        status=int(response["status"]["code"]),
        headers={k: v for k, v in headers.items() if k not in WIRE_HEADERS},
        body=body,
    )


def load_praw(path: str | Path) -> list[Entry]:
    """Entries of a praw cassette (vcrpy JSON)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [_entry(i) for i in data["interactions"]]


def load_tweepy(path: str | Path) -> list[Entry]:
    """Entries of a tweepy cassette (vcrpy YAML; bodies are often gzip `!!binary`)."""
    with Path(path).open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=yaml.Loader)
    return [_entry(i) for i in data["interactions"]]


def load(path: str | Path) -> list[Entry]:
    """Entries of any cassette, by its extension (.json praw, .yaml/.yml tweepy)."""
    suffix = Path(path).suffix.lower()
    return load_tweepy(path) if suffix in (".yaml", ".yml") else load_praw(path)
