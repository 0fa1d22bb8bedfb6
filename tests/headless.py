"""A headless Chromium driven over the DevTools protocol, with the standard library only.

Chromium's ``--remote-debugging-pipe`` reads protocol messages (JSON, each ended by a
NUL byte) from file descriptor 3 and writes its answers and events to descriptor 4:
no port, no websocket, no package to install. Enough of the protocol for the HTML
report's tests: open a page, evaluate script, click at an element's centre with real
mouse events, type, take a screenshot. POSIX only (descriptors 3 and 4).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

BROWSER = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
               None)
#: How long one protocol answer may take before the test gives up (a hung browser is a
#: failure with a message, not a test that never ends).
ANSWER_TIMEOUT = 60.0


class BrowserError(RuntimeError):
    pass


class Browser:
    """One Chromium process with one page (``with Browser(profile) as b: b.open(url)``)."""

    def __init__(self, profile: Path, width: int = 1280, height: int = 800) -> None:
        if BROWSER is None:
            raise BrowserError("no chromium on PATH")
        import fcntl  # POSIX only: the module imports everywhere, a browser starts only here
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # out of the way of 3 and 4, which the child's copies must take
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 20)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 20)
        os.close(to_child_r)
        os.close(from_child_w)

        def wire() -> None:  # in the child, before exec: its fd 3 reads, fd 4 writes
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", f"--window-size={width},{height}",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire, close_fds=False)  # close_fds would close 3 and 4 again
        os.close(high_r)
        os.close(high_w)
        self._buf = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True, session=None)["sessionId"]
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)

    # -- the protocol ---------------------------------------------------------------------
    def call(self, method: str, session: Any = "page", **params: Any) -> dict[str, Any]:
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        sid = self.session if session == "page" else session
        if sid:
            msg["sessionId"] = sid
        os.write(self._to_child, json.dumps(msg).encode("utf-8") + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + ANSWER_TIMEOUT
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_child], [], [], left)[0]:
                raise BrowserError("chromium did not answer in time")
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed the pipe")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def wait_event(self, method: str) -> dict[str, Any]:
        while True:
            for i, ev in enumerate(self.events):
                if ev.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read())

    # -- what the tests do ----------------------------------------------------------------
    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        res = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise BrowserError(f"{expression}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def click(self, selector: str) -> None:
        """A real left click (mouse down and up) at the centre of the first match."""
        box = self.js(f"""(function () {{
            var el = document.querySelector({json.dumps(selector)});
            if (!el) {{ return null; }}
            el.scrollIntoView({{block: "center", inline: "center"}});
            var r = el.getBoundingClientRect();
            return [r.left + r.width / 2, r.top + r.height / 2];
        }}())""")
        if box is None:
            raise BrowserError(f"nothing matches {selector}")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)

    def type(self, selector: str, text: str) -> None:
        self.click(selector)
        self.call("Input.insertText", text=text)

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))

    def close(self) -> None:
        try:
            self.call("Browser.close", session=None)
        except BrowserError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_child)
        os.close(self._from_child)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
