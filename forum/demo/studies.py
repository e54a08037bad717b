"""The studies around the demo thread, from the verified facts in the shared references file.

Seeded directly so the demo works offline; nothing here is fetched. Fields that were not
verified (some PMIDs, most abstracts, journal abbreviations) are left empty rather than guessed;
Bested 2023's abstract is the one the shared seeds give.
"""

from forum.references.metadata import StudyMetadata

INNOVA_PROTOCOL = StudyMetadata(
    title=(
        "Study protocol for a randomised, double-blinded, placebo-controlled phase III trial examining the "
        "add-on efficacy, cost-utility and neurobiological effects of low-dose naltrexone (LDN) in patients "
        "with fibromyalgia (INNOVA study)"
    ),
    authors=[{"family": "Colomer-Carbonell", "given": "A"}, {"family": "Sanabria-Mazo", "given": "JP"},
             {"family": "Luciano", "given": "JV"}],
    container_title="BMJ Open", year=2022, volume="12", issue="1", pages="e055351",
    doi="10.1136/bmjopen-2021-055351", pmid="34992118",
    registrations=["NCT04739995", "2021-002534-16"], crossref_type="journal-article", source="manual",
    bibtex_key="colomer2022innova",
)

BESTED_2023 = StudyMetadata(
    title=(
        "Low-dose naltrexone for treatment of pain in patients with fibromyalgia: a randomized, double-blind, "
        "placebo-controlled, crossover study"
    ),
    authors=[{"family": "Bested", "given": "Kirsten"}, {"family": "Jensen", "given": "Lotte M"},
             {"family": "Andresen", "given": "Trine"}, {"family": "Tarp", "given": "Grete"},
             {"family": "Skovbjerg", "given": "Louise"}, {"family": "Johansen", "given": "Torben SD"},
             {"family": "Schmedes", "given": "Anne V"}, {"family": "Storgaard", "given": "Ida K"},
             {"family": "Madsen", "given": "Jonna S"}, {"family": "Werner", "given": "Mads U"}],
    container_title="PAIN Reports", year=2023, volume="8", issue="4", pages="e1080",
    doi="10.1097/PR9.0000000000001080", pmid="38226027", crossref_type="journal-article", source="manual",
    bibtex_key="bested2023naltrexone",
    # The structured abstract as the shared seed (the authors' publication page) gives it.
    abstract="\n\n".join([
        "Introduction: Fibromyalgia (FM) is a chronic fluctuating, nociplastic pain condition. Naltrexone is a "
        "µ-opioid-receptor antagonist; preliminary studies have indicated a pain-relieving effect of low-dose "
        "naltrexone (LDN) in patients with FM. The impetus for studying LDN is the assumption of analgesic "
        "efficacy and thus reduction of adverse effects seen from conventional pharmacotherapy.",
        "Objectives: First, to examine if LDN is associated with analgesic efficacy compared with control in the "
        "treatment of patients with FM. Second, to ascertain the analgesic efficacy of LDN in an experimental pain "
        "model in patients with FM evaluating the competence of the descending inhibitory pathways compared with "
        "controls. Third, to examine the pharmacokinetics of LDN.",
        "Methods: The study used a randomized, double-blind, placebo-controlled, crossover design and had a "
        "3-phase setup. The first phase included baseline assessment and a treatment period (days −3 to 21), the "
        "second phase a washout period (days 22–32), and the third phase a baseline assessment followed by a "
        "treatment period (days 33–56). Treatment was with either LDN 4.5 mg or an inactive placebo given orally "
        "once daily. The primary outcomes were Fibromyalgia Impact Questionnaire revised (FIQR) scores and summed "
        "pain intensity ratings (SPIR).",
        "Results: Fifty-eight patients with FM were randomized. The median difference (IQR) for FIQR scores "
        "between LDN and placebo treatment was −1.65 (18.55; effect size = 0.15; P = 0.3). The median difference "
        "for SPIR scores was −0.33 (6.33; effect size = 0.13; P = 0.4).",
        "Conclusion: Outcome data did not indicate any clinically relevant analgesic efficacy of the LDN treatment "
        "in patients with FM.",
    ]),
)

YOUNGER_2009 = StudyMetadata(
    title="Fibromyalgia symptoms are reduced by low-dose naltrexone: a pilot study",
    authors=[{"family": "Younger", "given": "J"}, {"family": "Mackey", "given": "S"}],
    container_title="Pain Medicine", year=2009, volume="10", issue="4", pages="663-672",
    doi="10.1111/j.1526-4637.2009.00613.x", pmid="19453963", crossref_type="journal-article", source="manual",
    bibtex_key="younger2009pilot",
)

YOUNGER_2013 = StudyMetadata(
    title=(
        "Low-dose naltrexone for the treatment of fibromyalgia: findings of a small, randomized, double-blind, "
        "placebo-controlled, counterbalanced, crossover trial assessing daily pain levels"
    ),
    authors=[{"family": "Younger", "given": "J"}, {"family": "Noor", "given": "N"},
             {"family": "McCue", "given": "R"}, {"family": "Mackey", "given": "S"}],
    container_title="Arthritis & Rheumatism", year=2013, volume="65", issue="2", pages="529-538",
    doi="10.1002/art.37734", registrations=["NCT00568555"], crossref_type="journal-article", source="manual",
    bibtex_key="younger2013crossover",
)

BRUUN_2024 = StudyMetadata(
    title=(
        "Naltrexone 6 mg once daily versus placebo in women with fibromyalgia: a randomised, double-blind, "
        "placebo-controlled trial"
    ),
    authors=[{"family": "Bruun", "given": "KD"}, {"family": "Christensen", "given": "R"},
             {"family": "Amris", "given": "K"}],
    container_title="Lancet Rheumatology", year=2024, volume="6", issue="1", pages="e31-e39",
    doi="10.1016/S2665-9913(23)00278-3", registrations=["NCT04270877"], crossref_type="journal-article",
    source="manual", bibtex_key="bruun2024naltrexone",
)

DEMO_STUDIES = [INNOVA_PROTOCOL, BESTED_2023, YOUNGER_2009, YOUNGER_2013, BRUUN_2024]
