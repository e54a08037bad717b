import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

# allauth accepts only the code of the current 30-second window. A code read in a window's last
# moments would expire before a loaded machine's request reaches the server, so a test waits for
# the next window instead (at most this long).
MARGIN_SECONDS = 5


def current_code(secret: str) -> str:
    """What an authenticator app shows for `secret` now, with time left to type it."""
    left = 30 - time.time() % 30
    if left < MARGIN_SECONDS:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
