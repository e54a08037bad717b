"""A browser's user-agent string as a person says it: "Firefox on Windows", "Safari on iPhone".

The sessions list used to show the raw string, which nobody reads. ua-parser carries the
maintained uap-core rules (new browsers and systems arrive with its updates, not with ours); a
string it cannot place still gets a plain answer rather than a blank.
"""

from functools import lru_cache

import ua_parser

UNKNOWN_BROWSER = "Unknown browser"
# uap-core's family names for the same browser on phones; people call them by the browser's name.
BROWSER_NAMES = {"Mobile Safari": "Safari", "Chrome Mobile": "Chrome", "Chrome Mobile iOS": "Chrome",
                 "Firefox Mobile": "Firefox", "Firefox iOS": "Firefox", "HeadlessChrome": "Chrome (headless)",
                 "Edge Mobile": "Edge", "Samsung Internet": "Samsung Internet"}
SYSTEM_NAMES = {"Mac OS X": "macOS"}


@lru_cache(maxsize=512)
def browser_label(user_agent: str) -> str:
    parsed = ua_parser.parse(user_agent or "")
    browser = parsed.user_agent.family if parsed.user_agent and parsed.user_agent.family != "Other" else ""
    browser = BROWSER_NAMES.get(browser, browser)
    system = parsed.os.family if parsed.os and parsed.os.family != "Other" else ""
    # On a phone or tablet the device says more than the system ("iPhone" rather than "iOS").
    device = parsed.device.family if parsed.device and parsed.device.family in {"iPhone", "iPad"} else ""
    where = device or SYSTEM_NAMES.get(system, system)
    if browser and where:
        return f"{browser} on {where}"
    return browser or (f"A browser on {where}" if where else UNKNOWN_BROWSER)
