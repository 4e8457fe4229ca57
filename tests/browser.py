"""A page opened in a real browser: headless Chromium (Debian's `chromium`) driven through the
DevTools protocol over a pipe (`--remote-debugging-pipe`: no port, no network, no client library).

`open_page(file)` loads a local HTML file, waits until every plotly chart has drawn its SVG, and
returns what a test asserts on: the console errors and uncaught exceptions, each chart's state,
each section, the seconds from navigation to the last chart drawn (wall time: on a busy machine it
includes waiting for a core), the seconds the page's main thread spent in tasks (Chromium's
TaskDuration: parsing, scripts, layout, painting), and optionally a full-page PNG.

As a command (the screenshot in docs/ and the render time in docs/compare.md come from it):

    python3 tests/browser.py PAGE.html [--screenshot FILE.png] [--width 1200] [--height PX]
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Page", "chromium", "open_page"]

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
STATE = """(() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot, .plotly-graph-div')];
  return {
    charts: plots.map(p => ({id: p.id, svg: !!p.querySelector('svg.main-svg'),
                             traces: p.querySelectorAll('g.trace, g.barlayer g.point').length})),
    sections: [...document.querySelectorAll('section.panel')].map(s => ({
      id: s.id, figures: s.querySelectorAll('.figure').length, rows: s.querySelectorAll('tbody tr').length,
      notes: s.querySelectorAll('.note').length, text: s.innerText.length})),
    height: document.documentElement.scrollHeight,
    ready: document.readyState,
  };
})()"""


def chromium() -> str | None:
    """The path of a Chromium (or Chrome) on PATH, else None."""
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


@dataclass
class Page:
    """What the browser saw."""

    errors: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    seconds: float = float("nan")
    busy: float = float("nan")
    screenshot: bytes | None = None


class _Pipe:
    """DevTools messages over Chromium's fds 3 (in) and 4 (out), NUL-terminated JSON."""

    def __init__(self, binary: str, profile: str, width: int, height: int):
        to_child, self._write = os.pipe()
        self._read, from_child = os.pipe()

        def child() -> None:  # the browser reads commands on fd 3 and writes answers on fd 4
            a, b = fcntl.fcntl(to_child, fcntl.F_DUPFD, 10), fcntl.fcntl(from_child, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--hide-scrollbars",
             "--no-first-run", "--no-default-browser-check", f"--user-data-dir={profile}",
             f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child, pass_fds=(3, 4))
        os.close(to_child)
        os.close(from_child)
        self.messages: queue.Queue = queue.Queue()
        self.events: list[dict] = []
        self._next = 0
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        buffer = b""
        while chunk := os.read(self._read, 1 << 16):
            buffer += chunk
            *whole, buffer = buffer.split(b"\0")
            for message in whole:
                self.messages.put(json.loads(message))
        self.messages.put(None)

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30) -> dict:
        self._next += 1
        message = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self.messages.get(timeout=max(deadline - time.monotonic(), 0.01))
            if answer is None:
                raise RuntimeError("the browser closed its pipe")
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def drain(self) -> None:
        while not self.messages.empty():
            message = self.messages.get_nowait()
            if message is not None:
                self.events.append(message)

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except (RuntimeError, queue.Empty, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._write)
        os.close(self._read)


def _errors(events: list[dict]) -> list[str]:
    found = []
    for event in events:
        params = event.get("params", {})
        if event.get("method") == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            found.append(f"uncaught: {details.get('exception', {}).get('description') or details.get('text')}")
        elif event.get("method") == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append("console." + params["type"] + ": " + " ".join(str(a.get("value", a.get("description", "")))
                                                                   for a in params.get("args", [])))
        elif event.get("method") == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            found.append(f"log: {params['entry'].get('text')} ({params['entry'].get('url', '')})")
    return found


def open_page(file: str | Path, screenshot: bool = False, width: int = 1200, timeout: float = 60,
              height: int | None = None) -> Page:
    """Load ``file`` in headless Chromium and wait for every chart (see the module's doc); the
    screenshot is of the whole page, or of its top ``height`` pixels."""
    binary = chromium()
    if binary is None:
        raise FileNotFoundError("no chromium on PATH: `apt-get install chromium` (Debian)")
    with tempfile.TemporaryDirectory() as profile:
        pipe = _Pipe(binary, profile, width, 900)
        try:
            target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Runtime", "Log", "Page", "Performance"):
                pipe.call(f"{domain}.enable", session=session)
            start = time.monotonic()
            pipe.call("Page.navigate", {"url": Path(file).resolve().as_uri()}, session=session)
            page, state = Page(), {}
            while time.monotonic() - start < timeout:
                state = pipe.call("Runtime.evaluate", {"expression": STATE, "returnByValue": True},
                                  session=session)["result"].get("value") or {}
                if state.get("ready") == "complete" and all(c["svg"] for c in state.get("charts", [])):
                    break
                time.sleep(0.05)
            page.seconds = time.monotonic() - start
            page.charts, page.sections = state.get("charts", []), state.get("sections", [])
            metrics = pipe.call("Performance.getMetrics", session=session).get("metrics", [])
            page.busy = next((m["value"] for m in metrics if m["name"] == "TaskDuration"), float("nan"))
            time.sleep(0.3)  # a late error still reaches the log
            pipe.drain()
            if screenshot:
                tall = min(int(state.get("height", 900)), height or 1 << 30)
                pipe.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": tall,
                                                                 "deviceScaleFactor": 1, "mobile": False}, session=session)
                time.sleep(0.5)  # plotly's responsive charts redraw at the new size
                shot = pipe.call("Page.captureScreenshot", {"format": "png"}, session=session)
                page.screenshot = base64.b64decode(shot["data"])
            pipe.drain()
            page.errors = _errors(pipe.events)
            return page
        finally:
            pipe.close()


def main() -> int:
    parser = argparse.ArgumentParser(description="open a page in headless Chromium: errors, charts, render time")
    parser.add_argument("page")
    parser.add_argument("--screenshot", metavar="FILE.png")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, help="the screenshot's height in pixels (default: the whole page)")
    args = parser.parse_args()
    page = open_page(args.page, screenshot=bool(args.screenshot), width=args.width, height=args.height)
    if args.screenshot and page.screenshot:
        Path(args.screenshot).write_bytes(page.screenshot)
    drawn = sum(c["svg"] for c in page.charts)
    print(f"{args.page}: {Path(args.page).stat().st_size / 1e6:.2f} MB; {drawn}/{len(page.charts)} charts drawn "
          f"in {page.seconds:.2f} s (main thread busy {page.busy:.2f} s); {len(page.sections)} sections; "
          f"{len(page.errors)} console errors")
    for error in page.errors:
        print(f"  {error}")
    return 1 if page.errors or drawn < len(page.charts) else 0


if __name__ == "__main__":
    sys.exit(main())
