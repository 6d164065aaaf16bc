"""Share links: a read-only page of one finished plan behind an unguessable, expiring, revocable
token that needs no API token.

A link is ``/s/<token>``, the token 32 random bytes (``secrets.token_urlsafe``). Only the token's
SHA-256 is kept, as the name of a small JSON record in ``<data dir>/shares/`` (a leaked data
folder gives no working link), so the record is found in one file lookup, works the same for the
embedded and the Celery runner (both share the data folder), and survives restarts. The record
names the one job it opens; the page route reads that job's result and nothing else, and the
token is never accepted anywhere else (API routes keep requiring the API token).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .blobs import new_id, write_atomic

TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # token_urlsafe(32): 43 characters
DEFAULT_DAYS = 7.0
MAX_DAYS = 90.0


def now() -> datetime:
    """The clock (a function so tests can move it)."""
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ShareStore:
    """Share records as files named after the token's hash."""

    def __init__(self, root: Path | str):
        self.folder = Path(root) / "shares"

    def create(self, job_id: str, days: float = DEFAULT_DAYS, tz: str | None = None) -> tuple[dict, str]:
        """A new link to ``job_id`` valid for ``days``: (public record, token). The token is
        returned once, here; afterwards only its hash exists. ``tz``: the sharer's time zone, the
        clock the page says its times on (else UTC)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        created = now()
        record = {"id": new_id("sh"), "job": job_id, "created_at": _iso(created),
                  "expires_at": _iso(created + timedelta(days=days)), "revoked_at": None,
                  **({"tz": tz} if tz else {})}
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / f"{_digest(token)}.json", json.dumps(record).encode())
        return public(record), token

    def open(self, token: str) -> dict | None:
        """The record a token opens, or None: wrong shape, unknown, revoked or expired."""
        if not isinstance(token, str) or not TOKEN_SHAPE.match(token):
            return None
        path = self.folder / f"{_digest(token)}.json"
        try:
            record = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None
        return record if public(record)["active"] else None

    def _records(self) -> list[tuple[Path, dict]]:
        out = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.exists() else []:
            try:
                out.append((path, json.loads(path.read_bytes())))
            except (OSError, ValueError):
                continue
        return out

    def for_job(self, job_id: str) -> list[dict]:
        return sorted((public(r) for _, r in self._records() if r.get("job") == job_id),
                      key=lambda r: r["created_at"])

    def revoke(self, job_id: str, share_id: str) -> dict | None:
        """Revoke one link of ``job_id`` (kept as a record, so the list says when); None if unknown."""
        for path, record in self._records():
            if record.get("id") == share_id and record.get("job") == job_id:
                if not record.get("revoked_at"):
                    record["revoked_at"] = _iso(now())
                    write_atomic(path, json.dumps(record).encode())
                return public(record)
        return None


def public(record: dict) -> dict:
    """What the API shows of a record: never the token or its hash."""
    expired = _parse(record["expires_at"]) <= now()
    return {"id": record["id"], "job": record["job"], "created_at": record["created_at"],
            "expires_at": record["expires_at"], "revoked_at": record.get("revoked_at"),
            "active": not expired and not record.get("revoked_at")}
