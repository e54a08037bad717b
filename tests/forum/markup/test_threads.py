"""Rendering from several threads at once (a threaded web server, the worker, the concurrency
tests): the sanitiser and the quote checker's plain-text reader give each thread its own parser,
so no thread sees another's half-parsed text."""

from concurrent.futures import ThreadPoolExecutor

from forum.discussion.quoting import plain_text
from forum.markup.sanitize import sanitize

TEXTS = [
    f"**Trial {n}** found [a link](https://example.org/{n}) and <em>{'word ' * (50 + n)}</em>\n\n"
    + "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * n + f"\n> quoted {n}\n\n- one\n- two {n}\n"
    for n in range(24)
]


def test_many_threads_sanitise_and_read_text_exactly_as_one_does():
    expected = [(sanitize(text), plain_text(text)) for text in TEXTS]

    def work(_round):
        return [(sanitize(text), plain_text(text)) for text in TEXTS]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(40)))

    assert all(result == expected for result in results)
