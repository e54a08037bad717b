"""A shared page is split at its slot markers and put back together: what a reader is served is
the page as rendered, markers gone, whatever text sits between the slots."""

from forum.common.personal_slots import slot_wrap, slots_fill, slots_split


def test_a_page_split_and_filled_again_is_the_page_without_its_markers():
    posts = "".join(slot_wrap(f"post:{n}", f"<article>post {n} " + "text " * 2000 + "</article>") for n in (1, 2))
    html = f"<header>{slot_wrap('member-nav', '<a>ana</a>')}</header><main>{posts}</main>"

    skeleton, contents = slots_split(html)

    assert list(contents) == ["member-nav", "post:1", "post:2"]
    assert contents["member-nav"] == "<a>ana</a>"
    assert contents["post:2"].startswith("<article>post 2 ")
    assert slots_fill(skeleton, {}) == (
        "<header><a>ana</a></header><main>" + contents["post:1"] + contents["post:2"] + "</main>")
    assert slots_fill(skeleton, {"member-nav": "<a>ben</a>"}).startswith("<header><a>ben</a></header>")


def test_text_that_only_looks_like_a_slot_stays_as_it_is():
    # A marker without its closing one, or another name's closing one, is not a slot: the page
    # keeps it, and the real slots around it are found.
    broken = slot_wrap("review", "x").split("x")[0]
    other = slot_wrap("live", "").split("-->")[1] + "-->"
    html = f"a{broken}b{other}c{slot_wrap('watch', '<b>w</b>')}d<!--slot-forged:composer-->e<!--/slot-forged:composer-->"

    skeleton, contents = slots_split(html)

    assert contents == {"watch": "<b>w</b>"}
    assert slots_fill(skeleton, {"watch": "W"}) == (
        f"a{broken}b{other}cWd<!--slot-forged:composer-->e<!--/slot-forged:composer-->")
