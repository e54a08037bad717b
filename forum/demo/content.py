"""The demo community, written in our own words. Study facts come from shared references."""

PASSWORDS_NOTE = "Demo passwords are public: never load demo data into a real site."
# Moderators work with a second factor. The demo's is public too: add this key to an
# authenticator app, or use a recovery code that `manage.py demo` prints.
DEMO_TOTP_SECRET = "EVIDENTDEMOMODERATORKEYXYZ234567"

# Joined months ago, as the README tells their story: a member who joined minutes ago is a new
# member, and could not upload the chart or show the pictures the README shows.
USERS = [
    {"username": "lena", "joined_days_ago": 212, "display_name": "Lena Park", "email": "lena@demo.evident.example",
     "password": "demo-lena-2026", "role": "member", "expert_credential": "",
     "bio": "Living with fibromyalgia since 2019. I read the trials before I try anything."},
    {"username": "dr_rivera", "joined_days_ago": 340, "display_name": "Dr. Sam Rivera", "email": "rivera@demo.evident.example",
     "password": "demo-rivera-2026", "role": "expert", "expert_credential": "MD, physician",
     "bio": "Physician and strength coach. I care about what a study's **design** can and cannot tell us."},
    {"username": "theo", "joined_days_ago": 400, "display_name": "Theo Grant", "email": "theo@demo.evident.example",
     "password": "demo-theo-2026", "role": "moderator", "expert_credential": "",
     "bio": "Moderator. Ask me if you are unsure how to cite a study."},
    {"username": "priya", "joined_days_ago": 121, "display_name": "Priya Nair", "email": "priya@demo.evident.example",
     "password": "demo-priya-2026", "role": "member", "expert_credential": "",
     "bio": "Masters rower, occasional data nerd."},
]

CATEGORIES = [
    {"slug": "pain-medicine", "name": "Pain & Medicine", "color": 0, "position": 1,
     "description": "Treatments, drugs and the trials behind them."},
    {"slug": "training", "name": "Training", "color": 3, "position": 2,
     "description": "Strength, endurance, recovery and programming."},
    {"slug": "nutrition", "name": "Nutrition", "color": 6, "position": 3,
     "description": "Diet, supplements and what the evidence says."},
    {"slug": "site-feedback", "name": "Site feedback", "color": 9, "position": 4,
     "description": "How Evident works, and how it could work better."},
]

LDN_QUESTION = """\
Has low-dose naltrexone (LDN) been shown to help with chronic pain in fibromyalgia?

I only did a little searching and most of what I found sounded encouraging. Then I came across the \
**INNOVA study**, a protocol for a randomised, double-blind, placebo-controlled phase III trial of \
LDN added to usual care in fibromyalgia, with a one-year follow-up \
[@doi:10.1136/bmjopen-2021-055351 mentions].

Its introduction says there is evidence that LDN (under 5 mg a day) reduces pain and improves quality \
of life in fibromyalgia, and then:

> However, no randomised controlled trials with long-term follow-ups have been carried out.

I know an abstract leaves a lot out, so I'd value a more critical reading here. Is LDN a tool worth \
trying for fibromyalgia pain, or would I do better to put my energy into other treatments? Put \
simply: is it even worth discussing?

Thanks!
"""

LDN_EXPERT_REPLY = """\
[quote="lena, post:1, topic:{topic_id}"]
However, no randomised controlled trials with long-term follow-ups have been carried out.
[/quote]

That sentence is the heart of it. Long, properly controlled trials are what we would need before \
recommending LDN with any confidence, and INNOVA is a *protocol*: it tells us what will be measured, \
not what was found.

What we do have:

- Two small early studies were positive: a single-blind pilot in 10 women [@doi:10.1111/j.1526-4637.2009.00613.x supports] \
and a crossover trial in 31 [@doi:10.1002/art.37734 supports]. Small samples and short follow-up make large \
effects look likely.
- The two larger randomised trials since then found no clinically relevant benefit: a crossover RCT \
in 58 patients [@bested2023naltrexone contradicts] and a parallel RCT of 6 mg daily in 99 women \
[@doi:10.1016/S2665-9913(23)00278-3 contradicts].

The crossover trial's own conclusion:

[quote="doi:10.1097/PR9.0000000000001080"]
Outcome data did not indicate any clinically relevant analgesic efficacy of the LDN treatment in patients with FM.
[/quote]

So the better the design, the smaller the effect. That pattern is common and worth noticing.

I would also not treat "chronic pain" and "fibromyalgia" as one thing. Even a positive trial in \
fibromyalgia would not tell us much about other chronic pain conditions.
"""

LDN_THANKS = "That makes sense, thank you! I hadn't realised the bigger trials came out negative."

OTHER_TOPICS = [
    {
        "author": "theo", "category": "site-feedback", "pinned": True, "tags": ["how-to"],
        "title": "Welcome to Evident: how to ask and how to back up an answer",
        "raw": (
            "Welcome! A few habits make this place useful:\n\n"
            "1. **Ask one clear question** and say what you have already read.\n"
            "2. **Quote the exact words** you are answering.\n"
            "3. **Link the study** behind a claim, and say what kind of study it is: a protocol has no "
            "results yet, and a pilot of 10 people is not a large trial.\n\n"
            "Posts are the views of their authors, not medical advice."
        ),
        "replies": [("priya", "Thanks, this is helpful. Is there a way to preview markdown before posting?"),
                    ("theo", "Yes: the **Preview** button under the reply box shows exactly what will be posted.")],
    },
    {
        "author": "priya", "category": "training", "tags": ["strength", "ageing"],
        "title": "How often should a masters athlete lift heavy?",
        "raw": (
            "I'm 52 and row most days. I'd like to add heavy lifting without wrecking my rowing. "
            "Twice a week? Three times? What do studies in older adults actually compare?"
        ),
        "replies": [("dr_rivera", "Twice a week of full-body lifting is a reasonable start for most people. "
                     "The more useful question is how you will progress the load over months."),
                    ("priya", "Twice a week it is. I'll log it and report back.")],
    },
    {
        "author": "lena", "category": "nutrition", "tags": ["supplements"],
        "title": "Magnesium for sleep: anything better than anecdotes?",
        "raw": "Lots of people swear by magnesium before bed. Has anyone seen a well-designed trial on it?",
        "replies": [("priya", "I've only seen small studies, mostly in older adults. Following this one.")],
    },
    {
        "author": "dr_rivera", "category": "pain-medicine", "tags": ["study-design"],
        "title": "Reading a crossover trial: what the washout period is for",
        "raw": (
            "In a crossover trial every participant gets both treatments, one after the other. "
            "The **washout** between periods is there so the first treatment's effect is gone before "
            "the second starts.\n\nIf the washout is too short, the two periods blur together and a "
            "real difference can be hidden."
        ),
        "replies": [],
    },
]

# The demo's uploaded picture (forum/demo/chart.py), in a reply by Priya to her own topic.
CHART_TOPIC_TITLE = "How often should a masters athlete lift heavy?"
CHART_REPLY = """\
Six weeks in, as promised. Twice a week and my rowing has not suffered so far:

![{alt}](upload://{name})

Click the chart for the full size."""

FLAGGED_TOPIC_TITLE = "Magnesium for sleep: anything better than anecdotes?"
PRIYA_CREDENTIAL = "Physiotherapist, MSc sports physiotherapy"

# Dr. Rivera's evidence summary for the LDN thread (issue 18): GRADE-inspired, written by a person.
# Every reasoning line rests on the shared references' facts: Bested 2023 (crossover RCT, n = 58,
# null), Bruun 2024 (parallel RCT, n = 99, women, null primary outcome), Younger 2013 (crossover RCT,
# n = 31) and Younger 2009 (single-blind pilot, n = 10), both positive; INNOVA is a protocol.
# Randomised evidence starts high; two serious concerns take it to low.
LDN_EVIDENCE_SUMMARY = {
    "writer": "dr_rivera",
    "reason": "First version, from the four studies with results cited in this thread",
    "outcomes": [{
        "outcome": "Fibromyalgia pain, short term",
        "certainty": "low",
        "study_dois": ["10.1097/pr9.0000000000001080", "10.1016/s2665-9913(23)00278-3", "10.1002/art.37734",
                       "10.1111/j.1526-4637.2009.00613.x"],
        "domains": {
            "risk_of_bias": ("no_concern", "The two larger trials, which carry most of the weight, were randomised, "
                                           "double-blind and placebo-controlled; the positive pilot was single-blind."),
            "inconsistency": ("serious", "The small early studies (10 and 31 patients) were positive; the two larger "
                                         "trials (58 and 99 patients) found no clinically relevant benefit."),
            "indirectness": ("no_concern", "All four studied fibromyalgia, as asked (Bruun 2024 only women); the "
                                           "results say little about other chronic pain."),
            "imprecision": ("serious", "198 patients across the four trials, two of them crossover trials: too few "
                                       "to rule a small benefit in or out."),
            "publication_bias": ("no_concern", "Too few studies to judge. INNOVA (NCT04739995) is registered and "
                                               "has not reported yet."),
        },
    }],
}
