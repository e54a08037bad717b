"""Parsing web-search syntax: what each database is handed, whatever the user typed."""

from forum.search.query import MAX_TERMS, parse_query


def test_words_phrases_exclusions_and_or_become_quoted_terms():
    expression = parse_query('naltrexone "pain relief" -placebo OR melatonin')
    assert expression.to_websearch() == '"naltrexone" "pain relief" -"placebo" or "melatonin"'
    assert expression.to_fts5() == '(("naltrexone" AND "pain relief") NOT "placebo") OR (("melatonin"))'


def test_or_binds_loosest_as_in_websearch_to_tsquery():
    assert [[t.text for t in group] for group in parse_query("a1 b1 or c1").alternatives] == [["a1", "b1"], ["c1"]]


def test_fts5_syntax_typed_by_users_stays_inside_quoted_strings():
    match = parse_query('title:pain NEAR(a b) c* ^d').to_fts5()
    assert match == '(("title:pain" AND "NEAR(a" AND "b)" AND "c*" AND "^d"))'


def test_titles_only_restricts_the_fts5_expression_to_the_title_column():
    assert parse_query("pain").to_fts5(column="title") == '{title} : ((("pain")))'


def test_stop_words_punctuation_and_lone_exclusions_search_nothing():
    assert parse_query("the of and").is_empty
    assert parse_query("!!! *** ()").is_empty
    assert parse_query("-placebo").is_empty
    assert parse_query("or OR or").is_empty
    assert parse_query("").is_empty


def test_an_exclusion_only_alternative_is_dropped_but_the_rest_searched():
    assert parse_query("-placebo or naltrexone").to_websearch() == '"naltrexone"'


def test_unclosed_quote_runs_to_the_end():
    assert parse_query('"pain relief').to_websearch() == '"pain relief"'


def test_term_count_is_capped():
    assert len(parse_query(" ".join(f"word{i}" for i in range(100))).positive_terms) == MAX_TERMS
