"""A reader of an ASGI application's answer, for the live streams served beside Django."""

import asyncio
from dataclasses import dataclass, field


@dataclass
class AsgiReader:
    """One GET to `application`: what it sent, and `leave()` to disconnect. `leave_after`
    frames of body, the reader leaves by itself (0: only when told)."""

    application: object
    path: str
    headers: list = field(default_factory=list)
    client: tuple | None = None
    leave_after: int = 0
    sent: list = field(default_factory=list)

    def __post_init__(self):
        self.gone = asyncio.Event()
        scope = {"type": "http", "method": "GET", "path": self.path, "query_string": b"",
                 "headers": list(self.headers), "client": self.client}  # fmt: skip
        self.call = asyncio.ensure_future(self.application(scope, self._receive, self._send))

    async def _receive(self):
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message):
        self.sent.append(message)
        frames = sum(1 for sent in self.sent if sent.get("more_body"))
        if self.leave_after and frames >= self.leave_after:
            self.gone.set()

    async def status(self) -> int:
        """The answer's status, once it has started."""
        while not self.sent:
            await asyncio.sleep(0.01)
        return self.sent[0]["status"]

    async def leave(self) -> None:
        self.gone.set()
        await asyncio.wait_for(self.call, 5)
