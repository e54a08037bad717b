"""The one way text becomes a mail header (subject, or any header holding what a person typed).

A header is one line: a topic title or a display name with a line break in it would otherwise
make Django refuse the whole message ("Header values can't contain newlines"), and the mail
would be lost. Text goes through forum.common.one_line, the normaliser every one-line field uses.
"""

from forum.common.one_line import one_line


def header_value(text) -> str:
    return one_line(str(text or ""))


def header_values(headers: dict | None) -> dict[str, str]:
    return {header_value(name): header_value(value) for name, value in (headers or {}).items()}
