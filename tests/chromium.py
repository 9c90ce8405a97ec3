"""A small DevTools-protocol client for headless Chromium: open a page, collect its console errors, run a
script in it, take a screenshot and print it to PDF, all from Python (no Node, no Playwright).

Only what the report's browser test needs: one browser, one page, one request at a time.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Self

from websockets.sync.client import connect

from warehouse.rapport.pdf import FLAGS


class Browser:
    """Headless Chromium with a fresh profile under `profile`, driven over its DevTools websocket.

    Use it as a context manager: leaving it closes the connection and ends the browser.
    """

    def __init__(self, executable: str, profile: Path, timeout_s: float = 60):
        self.executable, self.profile, self.timeout_s = executable, profile, timeout_s
        self.stack = ExitStack()

    def __enter__(self) -> Self:
        self.process = subprocess.Popen(
            [self.executable, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stack.callback(self._end_process)
        url = self._devtools_url()
        self.socket = self.stack.enter_context(connect(url, max_size=None, open_timeout=self.timeout_s))
        self.stack.callback(self._ask_to_close)
        self.next_id = 0
        self.events: list[dict] = []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=True)
        return self

    def __exit__(self, *exc) -> None:
        self.stack.close()

    def _devtools_url(self) -> str:
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if found := re.search(r"DevTools listening on (ws://\S+)", line):
                return found.group(1)
            if not line and self.process.poll() is not None:
                break
        raise RuntimeError("Chromium did not start its DevTools endpoint")

    def send(self, method: str, session: bool = False, **params) -> dict:
        """Send one command and wait for its answer; events arriving meanwhile are kept in `events`."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self.socket.send(json.dumps(message))
        while True:
            answer = json.loads(self.socket.recv(timeout=self.timeout_s))
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]
            self.events.append(answer)

    def wait_for(self, event: str) -> dict:
        for kept in self.events:
            if kept.get("method") == event:
                self.events.remove(kept)
                return kept
        while True:
            message = json.loads(self.socket.recv(timeout=self.timeout_s))
            if message.get("method") == event:
                return message
            self.events.append(message)

    def open(self, path: Path) -> None:
        self.send("Page.navigate", session=True, url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads the page has reported."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                found.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(params["entry"].get("text", ""))
        return found

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def screenshot(self, width: int = 1000, height: int | None = None) -> bytes:
        """A PNG of the page `width` CSS pixels wide, `height` high (default: the whole page)."""
        full = self.send("Page.getLayoutMetrics", session=True)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": width, "height": height or full["height"], "scale": 1}
        self.send(
            "Emulation.setDeviceMetricsOverride", session=True, width=width, height=0, deviceScaleFactor=1, mobile=False
        )
        shot = self.send("Page.captureScreenshot", session=True, format="png", clip=clip, captureBeyondViewport=True)
        return base64.b64decode(shot["data"])

    def pdf(self) -> bytes:
        printed = self.send("Page.printToPDF", session=True, printBackground=True, preferCSSPageSize=True)
        return base64.b64decode(printed["data"])

    def _ask_to_close(self) -> None:
        """Ask the browser to quit, without waiting for an answer it may not give."""
        self.socket.send(json.dumps({"id": self.next_id + 1, "method": "Browser.close"}))

    def _end_process(self) -> None:
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def pdf_pages(data: bytes) -> int:
    """The number of pages of a PDF as Chromium writes it (each page an uncompressed /Type /Page object)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
