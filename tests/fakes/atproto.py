"""An AT Protocol session as a PDS issues it (com.atproto.server.createSession), written by us.

JWT-shaped tokens with `exp`/`iat` (atproto reads `exp` to decide when to refresh) and no
`didDoc` (with one, atproto would switch to the PDS endpoint it names). Fictional DIDs only.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

BRAND_DID = "did:plc:kettlebirdbrand000000001"


def jwt(sub: str, scope: str, lifetime: int = 7200) -> str:
    """A JWT-shaped token (header.payload.signature) with exp/iat, as a PDS issues them."""

    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"scope": scope, "sub": sub, "iat": now, "exp": now + lifetime, "aud": "did:web:pds"}
    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(claims)}.c2lnbmF0dXJl"


def create_session(did: str = BRAND_DID) -> dict[str, Any]:
    """com.atproto.server.createSession output, without the optional didDoc."""
    return {
        "accessJwt": jwt(did, "com.atproto.appPass"),
        "refreshJwt": jwt(did, "com.atproto.refresh", 86400),
        "handle": "kettlebird.example",
        "did": did,
        "active": True,
    }
