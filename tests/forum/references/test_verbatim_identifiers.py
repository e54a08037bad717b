"""A formatted reference line never alters an identifier or a link.

The AMA clean-ups (a field's own full stop before the style's, a repeated title) used to run
over the whole line, so the real DOI 10.21326/ksdt.2008..18.018 was shown as
doi:10.21326/ksdt.2008.18.018: a different DOI, which resolves to nothing."""

import html
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings, strategies as st

from forum.references.csl import format_reference, format_references
from forum.references.metadata import StudyMetadata
from tests.factories import make_topic
from tests.forum.study_data import stored_metadata

# Each of these has broken a DOI somewhere: a doubled stop, Markdown's emphasis, percent
# escapes, markup brackets, the SICI form's ";" and "()", a dash pair a typographer would join.
AWKWARD = ["..", "_", "__", "%", "%2F", "<", ">", "<>", ";", "(", ")", "()", "--", ".", "?", "!"]
plain = st.text(alphabet=st.sampled_from("abcXYZ0189"), min_size=1, max_size=4)
doi_suffix = st.lists(st.one_of(plain, st.sampled_from(AWKWARD)), min_size=1, max_size=8).map("".join)
dois = st.tuples(st.integers(1000, 99999), plain, doi_suffix).map(lambda p: f"10.{p[0]}/{p[1]}{p[2]}")
urls = doi_suffix.map(lambda path: f"https://example.org/{path}?a=1&b=2")
titles = st.sampled_from(["Does it work?", "A trial.", "Ann. Intern. Med.", "Title", "It works!"])
journals = st.sampled_from(["J Test.", "Ann. Intern. Med.", "PAIN Rep", ""])
crossref_types = st.sampled_from(["journal-article", "dataset", "posted-content", "report", ""])


def visible_text(entry_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", entry_html))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doi=dois, url=urls, title=titles, journal=journals, crossref_type=crossref_types,
       year=st.one_of(st.none(), st.integers(1990, 2030)))
def test_identifiers_and_links_survive_formatting_unchanged(doi, url, title, journal, crossref_type, year):
    study = StudyMetadata(title=title, authors=[{"family": "Kim", "given": "S"}], container_title=journal,
                          year=year, doi=doi, url=url, crossref_type=crossref_type)
    text = format_reference(study, output="text")
    assert f"doi:{doi}" in text
    assert f"doi:{doi}" in visible_text(format_reference(study))
    # Without a DOI a style prints the link instead: it too comes back character for character.
    study.doi = ""
    for line in (format_reference(study, output="text"), visible_text(format_reference(study))):
        if "https://" in line:
            assert url in line


@pytest.mark.parametrize("doi", [
    "10.21326/ksdt.2008..18.018",
    "10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E",
    "10.1000/a_b%20--c",
])
def test_each_entry_of_a_reference_list_keeps_its_own_doi(doi):
    first = StudyMetadata(title="First study.", container_title="J Test.", year=2008, doi="10.1000/first..one")
    second = StudyMetadata(title="Second study.", container_title="J Test.", year=2009, doi=doi)
    entries = format_references([first, second], output="text")
    assert entries[0].endswith("doi:10.1000/first..one")
    assert entries[1].endswith(f"doi:{doi}")


@pytest.mark.django_db
def test_the_reference_line_under_a_post_shows_the_registry_doi():
    stored_metadata(title="Clinical features of a rare case.", container_title="Korean J Sports Med.",
                    year=2008, doi="10.21326/ksdt.2008..18.018")
    topic = make_topic(raw="As reported [@doi:10.21326/ksdt.2008..18.018].")
    page = Client().get(topic.get_absolute_url()).content.decode()
    assert "doi:10.21326/ksdt.2008..18.018" in page
    assert "doi:10.21326/ksdt.2008.18.018" not in page
