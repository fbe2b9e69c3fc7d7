"""The lobby screen's memory over time (issue 12 item 7: an hour in headless Chromium
without growing beyond 1.5× its first minute).

Opens /lobby in headless Chromium (Debian's /usr/bin/chromium through Playwright), logged
in as a viewer, with a short refresh and slide time so that an hour holds thousands of
board refreshes and slide changes; every minute it forces a garbage collection and reads
the JS heap in use (DevTools Runtime.getHeapUsage: the lobby and its same-origin frames)
and the DOM node count (Performance.getMetrics). Prints one line per minute and fails
(exit 1) when the last sample exceeds 1.5× the first minute's.

The server must be running (`make run`, which serves the demo park with its users).
Usage: .venv/bin/python -m bench.lobby_memory [--url http://127.0.0.1:$PORT]
       [--username test-viewer --password …] [--minutes 60] [--refresh 1] [--slide 2]
tests/ui/test_lobby.py runs the same measurement for three minutes in `make test`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

GROWTH_LIMIT = 1.5


def sample(page, cdp) -> dict:
    """The JS heap in use (bytes, after a forced collection) and the DOM node count."""
    cdp.send("HeapProfiler.collectGarbage")
    used = cdp.send("Runtime.getHeapUsage")["usedSize"]
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {"heap": used, "nodes": metrics.get("Nodes", 0),
            "refreshes": int(page.get_attribute("#pa-lobby", "data-refreshes") or 0)}


def watch(page, seconds: float, first_after: float = 60, every: float = 60,
          report=lambda line: None) -> list[dict]:
    """Let the lobby (already open in `page`) run for `seconds`, sampling after
    `first_after` seconds and then every `every` seconds, and once at the end."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("HeapProfiler.enable")
    cdp.send("Performance.enable")
    start = time.monotonic()
    samples = []
    due = first_after
    while True:
        elapsed = time.monotonic() - start
        if elapsed >= due or elapsed >= seconds:
            samples.append({"at": round(elapsed), **sample(page, cdp)})
            last = samples[-1]
            report(f"{last['at']:6d} s  heap {last['heap'] / 2**20:8.2f} MiB  "
                   f"nodes {last['nodes']:6.0f}  refreshes {last['refreshes']}")
            if elapsed >= seconds:
                return samples
            due = min(due + every, seconds)
        page.wait_for_timeout(min(1000, max(50, (due - elapsed) * 1000)))


def growth(samples: list[dict]) -> dict:
    """The last sample over the first (the first minute's), for the heap and the nodes."""
    first, last = samples[0], samples[-1]
    return {key: last[key] / first[key] for key in ("heap", "nodes") if first[key]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('PORT', '5000')}")
    parser.add_argument("--username", default="demo-viewer")
    parser.add_argument("--password", default=os.environ.get("PARKATLAS_VIEWER_PASSWORD", ""))
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--refresh", type=int, default=1)
    parser.add_argument("--slide", type=int, default=2)
    parser.add_argument("--chromium", default=os.environ.get("PARKATLAS_CHROMIUM",
                                                             "/usr/bin/chromium"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(viewport={"width": 1920, "height": 1080},
                                   locale="zh-CN").new_page()
        page.goto(args.url + "/login")
        page.fill("input[name=username]", args.username)
        page.fill("input[name=password]", args.password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(f"{args.url}/lobby?refresh={args.refresh}&slide={args.slide}")
        print(f"lobby: refresh {args.refresh} s, slide {args.slide} s, "
              f"{args.minutes:g} min", flush=True)
        samples = watch(page, args.minutes * 60, report=lambda line: print(line, flush=True))
        browser.close()
    ratio = growth(samples)
    print("growth over the first minute: " + ", ".join(
        f"{k} ×{v:.2f}" for k, v in ratio.items()))
    return 0 if all(v <= GROWTH_LIMIT for v in ratio.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
