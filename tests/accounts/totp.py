import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value


def current_code(secret: str) -> str:
    """What an authenticator app shows for `secret` now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
