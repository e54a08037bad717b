"""Article addresses a member pastes, and the identifier each must give, read from the address
alone. The addresses follow each site's real URL scheme; identifiers are those of the studies in
the example thread where the site holds them, and plausible others where it does not."""

import pytest

from forum.references.article_links import identifier_from_link

ADDRESSES = [
    # doi.org and its older and bare forms
    ("https://doi.org/10.1002/art.37734", "doi:10.1002/art.37734"),
    ("http://dx.doi.org/10.1111/j.1526-4637.2009.00613.x", "doi:10.1111/j.1526-4637.2009.00613.x"),
    ("https://doi.org/10.1016/S2665-9913(23)00278-3", "doi:10.1016/s2665-9913(23)00278-3"),
    ("https://doi.org/10.1016%2FS2665-9913%2823%2900278-3", "doi:10.1016/s2665-9913(23)00278-3"),
    ("doi.org/10.1136/bmjopen-2021-055351", "doi:10.1136/bmjopen-2021-055351"),
    ("https://www.doi.org/10.1097/PR9.0000000000001080", "doi:10.1097/pr9.0000000000001080"),
    ("<https://doi.org/10.1002/art.37734>", "doi:10.1002/art.37734"),
    # PubMed, new and old addresses
    ("https://pubmed.ncbi.nlm.nih.gov/19453963/", "pmid:19453963"),
    ("https://pubmed.ncbi.nlm.nih.gov/38226027", "pmid:38226027"),
    ("https://pubmed.ncbi.nlm.nih.gov/34992118/?from_term=naltrexone+fibromyalgia", "pmid:34992118"),
    ("https://www.ncbi.nlm.nih.gov/pubmed/19453963", "pmid:19453963"),
    ("http://www.ncbi.nlm.nih.gov/pubmed/38226027/", "pmid:38226027"),
    ("pubmed.ncbi.nlm.nih.gov/19453963/", "pmid:19453963"),
    # PMC, old and new addresses
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC3827592/", "pmcid:PMC3827592"),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC10786588/pdf/pr9-9-e1080.pdf", "pmcid:PMC10786588"),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC8739071/", "pmcid:PMC8739071"),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC8739071/#abstract1", "pmcid:PMC8739071"),
    ("https://europepmc.org/article/PMC/PMC3827592", "pmcid:PMC3827592"),
    # Europe PMC
    ("https://europepmc.org/article/MED/19453963", "pmid:19453963"),
    ("https://europepmc.org/abstract/MED/38226027", "pmid:38226027"),
    ("https://www.europepmc.org/article/MED/34992118#abstract", "pmid:34992118"),
    # medRxiv and bioRxiv
    ("https://www.medrxiv.org/content/10.1101/2020.04.14.20062463v2", "doi:10.1101/2020.04.14.20062463"),
    ("https://www.medrxiv.org/content/10.1101/2021.06.28.21259452v1.full", "doi:10.1101/2021.06.28.21259452"),
    ("https://www.medrxiv.org/content/10.1101/2021.06.28.21259452v1.full.pdf", "doi:10.1101/2021.06.28.21259452"),
    ("https://www.biorxiv.org/content/10.1101/2022.03.01.482512v3", "doi:10.1101/2022.03.01.482512"),
    ("https://biorxiv.org/content/10.1101/2022.03.01.482512v1.abstract", "doi:10.1101/2022.03.01.482512"),
    # arXiv, new and old numbering
    ("https://arxiv.org/abs/2106.01345", "doi:10.48550/arxiv.2106.01345"),
    ("https://arxiv.org/abs/2106.01345v2", "doi:10.48550/arxiv.2106.01345"),
    ("https://arxiv.org/pdf/2106.01345v1.pdf", "doi:10.48550/arxiv.2106.01345"),
    ("http://arxiv.org/abs/hep-th/9711200", "doi:10.48550/arxiv.hep-th/9711200"),
    # Publishers whose addresses carry the DOI
    ("https://acrjournals.onlinelibrary.wiley.com/doi/10.1002/art.37734", "doi:10.1002/art.37734"),
    ("https://onlinelibrary.wiley.com/doi/full/10.1002/art.37734", "doi:10.1002/art.37734"),
    ("https://onlinelibrary.wiley.com/doi/abs/10.1111/j.1526-4637.2009.00613.x", "doi:10.1111/j.1526-4637.2009.00613.x"),
    ("https://onlinelibrary.wiley.com/doi/epdf/10.1002/art.37734", "doi:10.1002/art.37734"),
    ("https://www.tandfonline.com/doi/full/10.1080/03007995.2018.1425670", "doi:10.1080/03007995.2018.1425670"),
    ("https://www.tandfonline.com/doi/abs/10.1080/03007995.2018.1425670?journalCode=icmo20", "doi:10.1080/03007995.2018.1425670"),
    ("https://journals.sagepub.com/doi/10.1177/1535370217724791", "doi:10.1177/1535370217724791"),
    ("https://journals.sagepub.com/doi/pdf/10.1177/1535370217724791", "doi:10.1177/1535370217724791"),
    ("https://www.nejm.org/doi/full/10.1056/NEJMoa2035389", "doi:10.1056/nejmoa2035389"),
    ("https://www.nejm.org/doi/10.1056/NEJMoa2035389", "doi:10.1056/nejmoa2035389"),
    ("https://pubs.acs.org/doi/10.1021/acs.jmedchem.0c01234", "doi:10.1021/acs.jmedchem.0c01234"),
    ("https://jamanetwork.com/journals/jama/fullarticle/2778236", None),
    ("https://journals.lww.com/painrpts/fulltext/2023/08000/low_dose_naltrexone.aspx", None),
    ("https://www.thelancet.com/journals/lanrhe/article/PIIS2665-9913(23)00278-3/fulltext", None),
    ("https://academic.oup.com/painmedicine/article/10/4/663/1843283", None),
    ("https://www.science.org/doi/10.1126/science.abf4063", "doi:10.1126/science.abf4063"),
    ("https://ascopubs.org/doi/full/10.1200/JCO.2019.37.15_suppl.1000", "doi:10.1200/jco.2019.37.15_suppl.1000"),
    ("https://www.ahajournals.org/doi/10.1161/CIRCULATIONAHA.120.047430", "doi:10.1161/circulationaha.120.047430"),
    ("https://www.pnas.org/doi/10.1073/pnas.2016239118", "doi:10.1073/pnas.2016239118"),
    ("https://www.annualreviews.org/doi/10.1146/annurev-med-042320-014032", "doi:10.1146/annurev-med-042320-014032"),
    ("https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0245679", None),
    # Addresses that name no article: nothing, and nothing fetched
    ("https://www.bbc.co.uk/news/health-12345678", None),
    ("https://www.nytimes.com/2023/05/01/well/naltrexone-fibromyalgia.html", None),
    ("https://pubmed.ncbi.nlm.nih.gov/?term=naltrexone+fibromyalgia", None),
    ("https://pubmed.ncbi.nlm.nih.gov/123456789/", None),
    ("https://www.ncbi.nlm.nih.gov/pmc/", None),
    ("https://doi.org/", None),
    ("https://doi.org/not-a-doi", None),
    ("https://europepmc.org/search?query=naltrexone", None),
    ("https://arxiv.org/list/q-bio/new", None),
    ("https://www.medrxiv.org/search/naltrexone", None),
    ("ftp://doi.org/10.1002/art.37734", None),
    ("javascript:alert(1)", None),
    ("Younger 2013 naltrexone fibromyalgia", None),
    ("https://example.com/doi", None),
    ("", None),
]


@pytest.mark.parametrize(("address", "expected"), ADDRESSES)
def test_an_article_address_gives_the_identifier_it_carries(address, expected):
    found = identifier_from_link(address)
    assert (str(found) if found else None) == expected


def test_the_table_is_big_enough_to_mean_something():
    assert len([row for row in ADDRESSES if row[1]]) >= 40
    assert len([row for row in ADDRESSES if not row[1]]) >= 10
