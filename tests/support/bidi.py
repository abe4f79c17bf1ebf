"""A small WebDriver BiDi client: Firefox speaks the protocol itself, so Debian's Firefox ESR is
driven over a websocket with no driver binary and no network. (Playwright's own BiDi mode opens
each page with commands this ESR does not know yet, such as emulation.setMediaFeaturesOverride.)"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import aiohttp

Json = dict[str, Any]
LISTENING = re.compile(r"WebDriver BiDi listening on (ws://\S+)")
POLL_SECONDS = 0.05
COMMAND_SECONDS = 15
PROMPT_OPENED = "browsingContext.userPromptOpened"
LOG_ENTRY = "log.entryAdded"


class BidiError(Exception):
    """The browser answered a command with an error, or is gone."""


class Session:
    """Commands matched to their answers by id; events kept, per name, until a test reads them."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.pending: dict[int, asyncio.Future[Json]] = {}
        self.events: dict[str, asyncio.Queue[Json]] = {}
        self.last_id = 0
        self.reader = asyncio.create_task(self.read())

    async def send(self, method: str, **params: Any) -> Json:
        if self.reader.done():
            raise BidiError(f"{method}: the browser closed the connection")
        self.last_id += 1
        command_id = self.last_id
        answer: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        self.pending[command_id] = answer
        try:
            await self.socket.send_json({"id": command_id, "method": method, "params": params})
            async with asyncio.timeout(COMMAND_SECONDS):
                return await answer
        finally:
            self.pending.pop(command_id, None)

    async def close(self) -> None:
        with suppress(BidiError):
            await self.send("browser.close")
        await self.socket.close()
        await self.reader

    async def subscribe(self, *events: str) -> None:
        for event in events:
            self.events.setdefault(event, asyncio.Queue())
        await self.send("session.subscribe", events=list(events))

    def received(self, event: str) -> list[Json]:
        queue = self.events[event]
        return [queue.get_nowait() for _ in range(queue.qsize())]

    async def read(self) -> None:
        async for message in self.socket:
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if data.get("type") == "event":
                if (queue := self.events.get(data["method"])) is not None:
                    queue.put_nowait(data["params"])
                continue
            answer = self.pending.get(data.get("id"))
            if answer is None or answer.done():
                continue
            if data.get("type") == "error":
                answer.set_exception(BidiError(f"{data['error']}: {data['message']}"))
            else:
                answer.set_result(data["result"])
        for answer in self.pending.values():
            if not answer.done():
                answer.set_exception(BidiError("the browser closed the connection"))


@asynccontextmanager
async def firefox(executable: str) -> AsyncIterator[Session]:
    """A headless Firefox with a throwaway profile; prompts stay open until a test answers them."""
    with tempfile.TemporaryDirectory(prefix="firefox-profile-") as profile:
        async with (
            launched(executable, profile) as endpoint,
            aiohttp.ClientSession() as http,
            http.ws_connect(f"{endpoint}/session") as socket,
        ):
            session = Session(socket)
            always = {"unhandledPromptBehavior": {"default": "ignore"}}
            await session.send("session.new", capabilities={"alwaysMatch": always})
            await session.subscribe(PROMPT_OPENED, LOG_ENTRY)
            try:
                yield session
            finally:
                await session.close()


@asynccontextmanager
async def launched(executable: str, profile: str) -> AsyncIterator[str]:
    """Firefox listening on a port of its choosing; yields the address it announces."""
    process = await asyncio.create_subprocess_exec(
        *(executable, "--headless", "--no-remote", "--remote-debugging-port=0"),
        *("--profile", profile),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    drain: asyncio.Task[bytes] | None = None
    try:
        endpoint = await listening(process.stderr)
        drain = asyncio.create_task(process.stderr.read())
        yield endpoint
        async with asyncio.timeout(COMMAND_SECONDS):
            await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        if drain is not None:
            await drain


async def listening(stderr: asyncio.StreamReader) -> str:
    said: list[str] = []
    async with asyncio.timeout(30):
        while line := (await stderr.readline()).decode(errors="replace"):
            if match := LISTENING.search(line):
                return match[1]
            said.append(line)
    raise BidiError("Firefox exited before listening for WebDriver BiDi:\n" + "".join(said))


class Tab:
    """The browser's first tab, acted on as a person would: real pointer and key input."""

    def __init__(self, session: Session, context: str) -> None:
        self.session = session
        self.context = context

    @classmethod
    async def open(cls, session: Session, url: str, width: int, height: int) -> Tab:
        tree = await session.send("browsingContext.getTree", maxDepth=0)
        tab = cls(session, tree["contexts"][0]["context"])
        viewport = {"width": width, "height": height}
        await session.send("browsingContext.setViewport", context=tab.context, viewport=viewport)
        await session.send(
            "browsingContext.navigate", context=tab.context, url=url, wait="complete"
        )
        return tab

    async def script(self, expression: str) -> Json:
        target = {"context": self.context}
        done = await self.session.send(
            "script.evaluate", expression=expression, target=target, awaitPromise=True
        )
        if done["type"] == "exception":
            raise BidiError(f"{expression}: {done['exceptionDetails']['text']}")
        result: Json = done["result"]
        return result

    async def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression, through JSON."""
        return json.loads((await self.script(f"JSON.stringify(({expression}) ?? null)"))["value"])

    async def wait_for(
        self, expression: str, accept: Callable[[Any], bool] = bool, timeout: float = 10
    ) -> Any:
        value = None
        try:
            async with asyncio.timeout(timeout):
                # The page's state is only seen by asking for it, so it is polled.
                while not accept(value := await self.evaluate(expression)):  # noqa: ASYNC110
                    await asyncio.sleep(POLL_SECONDS)
        except TimeoutError:
            raise AssertionError(f"after {timeout} s, {expression} is {value!r}") from None
        return value

    async def click(self, element: str) -> None:
        """A mouse click in the middle of `element` (an expression), once it is visible."""
        await self.wait_for(f"({element})?.checkVisibility()")
        node = await self.script(
            f"(() => {{ const node = {element}; node.scrollIntoView({{block: 'center'}}); "
            "return node; })()"
        )
        origin = {"type": "element", "element": {"sharedId": node["sharedId"]}}
        await self.act(
            {"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}},
            {"type": "pointerMove", "x": 0, "y": 0, "origin": origin},
            {"type": "pointerDown", "button": 0},
            {"type": "pointerUp", "button": 0},
        )

    async def type(self, keys: str) -> None:
        presses = [{"type": kind, "value": key} for key in keys for kind in ("keyDown", "keyUp")]
        await self.act({"type": "key", "id": "keyboard"}, *presses)

    async def act(self, source: Json, *actions: Json) -> None:
        await self.session.send(
            "input.performActions",
            context=self.context,
            actions=[{**source, "actions": list(actions)}],
        )

    async def click_and_accept(self, element: str, timeout: float = 10) -> str:
        """Clicks `element` and accepts the confirm or alert that opens; returns its message."""
        async with asyncio.TaskGroup() as clicking:
            clicking.create_task(self.click(element))
            async with asyncio.timeout(timeout):
                prompt = await self.session.events[PROMPT_OPENED].get()
            await self.session.send(
                "browsingContext.handleUserPrompt", context=self.context, accept=True
            )
        message: str = prompt["message"]
        return message

    def page_errors(self) -> list[str]:
        """Uncaught errors and unhandled rejections in the page so far."""
        entries = self.session.received(LOG_ENTRY)
        return [entry["text"] for entry in entries if entry["type"] == "javascript"]

    async def screenshot(self, path: Path) -> None:
        shot = await self.session.send("browsingContext.captureScreenshot", context=self.context)
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(path.write_bytes, base64.b64decode(shot["data"]))
