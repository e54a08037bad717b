"""Word-level differences between two versions of a post."""

from forum.common.revision_diff import Chunk, word_diff



def test_a_one_word_edit_marks_that_word_only():
    before = "Low-dose naltrexone reduced pain in two small trials of women with fibromyalgia."
    after = "Low-dose naltrexone reduced pain in three small trials of women with fibromyalgia."

    diff = word_diff(before, after)

    assert [chunk for chunk in diff.chunks if chunk.kind != "same"] == [
        Chunk("removed", "two"), Chunk("added", "three")]
    assert (diff.added, diff.removed) == (1, 1)


def test_unchanged_text_comes_through_whole_and_in_order():
    before = "First paragraph.\n\nSecond paragraph stays."
    after = "First paragraph, now longer.\n\nSecond paragraph stays."

    diff = word_diff(before, after)

    assert "".join(c.text for c in diff.chunks if c.kind != "removed") == after
    assert "".join(c.text for c in diff.chunks if c.kind != "added") == before


def test_identical_texts_have_no_changes():
    diff = word_diff("Same words.", "Same words.")

    assert diff.chunks == [Chunk("same", "Same words.")] and (diff.added, diff.removed) == (0, 0)


def test_neighbouring_changed_words_read_as_one_change():
    diff = word_diff("in two small trials", "in three tiny trials")

    assert diff.chunks == [Chunk("same", "in "), Chunk("removed", "two small"), Chunk("added", "three tiny"),
                           Chunk("same", " trials")]
    assert (diff.added, diff.removed) == (2, 2)
