"""A topic citing three of the LDN studies, and a summary's outcomes, for evidence summary tests."""

from forum.models import Study
from tests.factories import UserFactory, make_reply, make_topic

LDN_STUDIES = [
    {"doi": "10.1097/pr9.0000000000001080", "design": "crossover_rct", "family": "Bested", "year": 2023,
     "title": "Low-dose naltrexone for treatment of pain in patients with fibromyalgia: a randomized, double-blind, "
              "placebo-controlled, crossover study"},
    {"doi": "10.1016/s2665-9913(23)00278-3", "design": "rct", "family": "Bruun", "year": 2024,
     "title": "Naltrexone 6 mg once daily versus placebo in women with fibromyalgia"},
    {"doi": "10.1136/bmjopen-2021-055351", "design": "protocol", "family": "Colomer-Carbonell", "year": 2022,
     "status": "protocol", "title": "Study protocol for a randomised phase III trial of low-dose naltrexone (INNOVA)"},
]


def ldn_topic(*, author=None, expert=None):
    """(topic, [Bested, Bruun, INNOVA]): the studies cited by an expert's reply."""
    topic = make_topic(author=author, title="Does low-dose naltrexone help fibromyalgia pain?")
    studies = []
    for spec in LDN_STUDIES:
        studies.append(Study.objects.get_or_create(doi=spec["doi"], defaults=dict(
            title=spec["title"], year=spec["year"], design=spec["design"], status=spec.get("status", "published"),
            metadata={"title": spec["title"], "authors": [{"family": spec["family"]}], "year": spec["year"],
                      "doi": spec["doi"]}))[0])
    make_reply(topic=topic, author=expert or UserFactory(role="expert", expert_credential="MD"),
               raw=" ".join(f"[@doi:{spec['doi']}]" for spec in LDN_STUDIES))
    return topic, studies


def outcome(name="Pain at 12 weeks", certainty="low", study_ids=(), **domains):
    judged = {key: {"judgement": "no_concern", "reasoning": ""} for key in
              ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")}
    for key, (judgement, reasoning) in domains.items():
        judged[key] = {"judgement": judgement, "reasoning": reasoning}
    return {"outcome": name, "certainty": certainty, "study_ids": list(study_ids), "domains": judged}


def form_data(*outcomes, base_version="", reason="", extra_blank=True):
    """POST data for the summary form, as a browser without JavaScript sends it."""
    forms = list(outcomes) + ([None] if extra_blank else [])
    data = {"outcome-TOTAL_FORMS": str(len(forms)), "outcome-INITIAL_FORMS": "0",
            "outcome-MIN_NUM_FORMS": "0", "outcome-MAX_NUM_FORMS": "1000",
            "base_version": str(base_version), "reason": reason}
    for index, given in enumerate(forms):
        prefix = f"outcome-{index}-"
        if given is None:
            for key in ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias"):
                data[f"{prefix}{key}_judgement"] = "no_concern"
            continue
        data[f"{prefix}outcome"] = given["outcome"]
        data[f"{prefix}certainty"] = given["certainty"]
        data[f"{prefix}study_ids"] = [str(pk) for pk in given["study_ids"]]
        for key, domain in given["domains"].items():
            data[f"{prefix}{key}_judgement"] = domain["judgement"]
            data[f"{prefix}{key}_reasoning"] = domain["reasoning"]
    return data
