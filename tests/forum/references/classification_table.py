"""Real titles with the types their Crossref and PubMed records carry, and the design a reader
would give each. Written from public knowledge of the records (Crossref `type`, PubMed
publication types as indexed); invented records are not allowed here. Traps are marked: a
"randomized" that is mathematics, notices, figure DOIs, blog posts, a guideline about reviews.

Rows: (title, crossref type, PubMed publication types, expected design, extra record fields).
"""

from forum.references.classification import Design

JA = "journal-article"
RCT_TYPES = ["Journal Article", "Randomized Controlled Trial"]

ROWS = [
    # --- randomised trials (PubMed-indexed) ---
    ("Dexamethasone in Hospitalized Patients with Covid-19", JA, RCT_TYPES, Design.RCT, {}),
    ("Safety and Efficacy of the BNT162b2 mRNA Covid-19 Vaccine", JA,
     ["Clinical Trial, Phase II", "Clinical Trial, Phase III", "Journal Article", "Randomized Controlled Trial"],
     Design.RCT, {}),
    ("Efficacy and Safety of the mRNA-1273 SARS-CoV-2 Vaccine", JA,
     ["Clinical Trial, Phase III", "Journal Article", "Randomized Controlled Trial"], Design.RCT, {}),
    ("A Randomized Trial of Intensive versus Standard Blood-Pressure Control", JA, RCT_TYPES, Design.RCT, {}),
    ("Once-Weekly Semaglutide in Adults with Overweight or Obesity", JA, RCT_TYPES, Design.RCT, {}),
    ("Empagliflozin, Cardiovascular Outcomes, and Mortality in Type 2 Diabetes", JA, RCT_TYPES, Design.RCT, {}),
    ("Effect of Hydroxychloroquine in Hospitalized Patients with Covid-19", JA, RCT_TYPES, Design.RCT, {}),
    ("Remdesivir for the Treatment of Covid-19 \u2014 Final Report", JA, RCT_TYPES, Design.RCT, {}),
    ("Vitamin D Supplements and Prevention of Cancer and Cardiovascular Disease", JA, RCT_TYPES, Design.RCT, {}),
    ("Primary Prevention of Cardiovascular Disease with a Mediterranean Diet Supplemented with Extra-Virgin "
     "Olive Oil or Nuts", JA, RCT_TYPES, Design.RCT, {}),
    ("Naltrexone 6 mg once daily versus placebo in women with fibromyalgia: a randomised, double-blind, "
     "placebo-controlled trial", JA, RCT_TYPES, Design.RCT, {}),
    ("Low-dose naltrexone for treatment of pain in patients with fibromyalgia: a randomized, double-blind, "
     "placebo-controlled, crossover study", JA, RCT_TYPES, Design.CROSSOVER_RCT, {}),
    ("Low-dose naltrexone for the treatment of fibromyalgia: findings of a small, randomized, double-blind, "
     "placebo-controlled, counterbalanced, crossover trial assessing daily pain levels", JA,
     ["Journal Article", "Randomized Controlled Trial"], Design.CROSSOVER_RCT, {}),
    ("Aspirin Use to Prevent Preeclampsia and Related Morbidity and Mortality", JA,
     ["Journal Article", "Systematic Review", "Review"], Design.SYSTEMATIC_REVIEW, {}),
    # --- randomised trials known only from Crossref (title decides) ---
    ("A Randomized, Controlled Trial of Total Knee Replacement", JA, [], Design.RCT, {}),
    ("A Randomized Trial of a Low-Carbohydrate Diet for Obesity", JA, [], Design.RCT, {}),
    ("A Randomized Trial Comparing Acupuncture, Simulated Acupuncture, and Usual Care for Chronic Low Back Pain",
     JA, [], Design.RCT, {}),
    ("A Randomized Trial of Tai Chi for Fibromyalgia", JA, [], Design.RCT, {}),
    ("Arthroscopic Partial Meniscectomy versus Sham Surgery for a Degenerative Meniscal Tear", JA, [],
     Design.RCT, {}),  # a sham-controlled randomised trial whose title does not say so
    # --- non-randomised trials ---
    ("Fibromyalgia symptoms are reduced by low-dose naltrexone: a pilot study", JA, ["Clinical Trial"],
     Design.NONRANDOMISED_TRIAL, {}),
    ("Psilocybin with psychological support for treatment-resistant depression: an open-label feasibility study",
     JA, ["Clinical Trial", "Journal Article"], Design.NONRANDOMISED_TRIAL, {}),
    # --- traps: "randomized" in mathematics, computing and engineering ---
    ("Imaging with Randomized Beamforming", JA, [], Design.OTHER, {}),
    ("Randomized Algorithms", "book", [], Design.OTHER, {}),
    ("Randomized Numerical Linear Algebra: Foundations and Algorithms", JA, [], Design.OTHER, {}),
    ("Finding Structure with Randomness: Probabilistic Algorithms for Constructing Approximate Matrix "
     "Decompositions", JA, [], Design.OTHER, {}),
    ("A Randomized Kaczmarz Algorithm with Exponential Convergence", JA, [], Design.OTHER, {}),
    ("Randomized Kaczmarz solver for noisy linear systems", JA, [], Design.OTHER, {}),
    ("Certified Adversarial Robustness via Randomized Smoothing", "proceedings-article", [], Design.OTHER, {}),
    ("Randomized Smoothing of All Shapes and Sizes", "proceedings-article", [], Design.OTHER, {}),
    ("Randomized rounding: A technique for provably good algorithms and algorithmic proofs", JA, [],
     Design.OTHER, {}),
    ("Comparative efficacy and acceptability of 21 antidepressant drugs for the acute treatment of adults with "
     "major depressive disorder: a systematic review and network meta-analysis", JA,
     ["Journal Article", "Meta-Analysis", "Systematic Review"], Design.SYSTEMATIC_REVIEW, {}),
    ("Interventions to slow progression of myopia in children", JA,
     ["Journal Article", "Meta-Analysis", "Systematic Review"], Design.SYSTEMATIC_REVIEW, {}),
    ("Exercise for depression", JA, ["Journal Article", "Meta-Analysis", "Review", "Systematic Review"],
     Design.SYSTEMATIC_REVIEW, {}),
    ("Vitamin D supplementation to prevent acute respiratory tract infections: systematic review and "
     "meta-analysis of individual participant data", JA, [], Design.SYSTEMATIC_REVIEW, {}),
    ("Aspirin in the primary and secondary prevention of vascular disease: collaborative meta-analysis of "
     "individual participant data from randomised trials", JA, ["Journal Article", "Meta-Analysis"],
     Design.SYSTEMATIC_REVIEW, {}),
    ("Acupuncture for chronic pain: individual patient data meta-analysis", JA,
     ["Journal Article", "Meta-Analysis"], Design.SYSTEMATIC_REVIEW, {}),
    # trap: a reporting guideline about systematic reviews is not one
    ("The PRISMA 2020 statement: an updated guideline for reporting systematic reviews", JA,
     ["Journal Article"], Design.OTHER, {}),
    ("Cochrane Handbook for Systematic Reviews of Interventions", "book", [], Design.OTHER, {}),
    # --- case reports ---
    ("First Case of 2019 Novel Coronavirus in the United States", JA, ["Case Reports", "Journal Article"],
     Design.CASE_REPORT, {}),
    ("First Case of 2019 Novel Coronavirus in the United States", JA, [], Design.CASE_REPORT, {}),
    ("Transmission of 2019-nCoV Infection from an Asymptomatic Contact in Germany", JA,
     ["Case Reports", "Letter"], Design.CASE_REPORT, {}),
    ("Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental disorder in children",
     JA, ["Case Reports", "Journal Article", "Retracted Publication"], Design.CASE_REPORT, {}),
    ("Pneumocystis pneumonia--Los Angeles", JA, ["Case Reports", "Journal Article"], Design.CASE_REPORT, {}),
    ("Kaposi's sarcoma in homosexual men-a report of eight cases", JA, ["Case Reports", "Journal Article"],
     Design.CASE_REPORT, {}),
    ("Kaposi's sarcoma in homosexual men-a report of eight cases", JA, [], Design.CASE_REPORT, {}),
    ("Papillary Thyroid Cancer Affecting Multiple Family Members: A Case Report and Literature Review of Familial "
     "Nonmedullary Thyroid Cancer", JA, ["Case Reports", "Journal Article"], Design.CASE_REPORT, {}),
    ("Papillary Thyroid Cancer Affecting Multiple Family Members: A Case Report and Literature Review of Familial "
     "Nonmedullary Thyroid Cancer", JA, [], Design.CASE_REPORT, {}),
    ("Three siblings with familial non-medullary thyroid carcinoma: a case series", JA, [], Design.CASE_REPORT, {}),
    ("A case of Raine syndrome presenting with facial dysmorphy and review of literature", JA, [],
     Design.CASE_REPORT, {}),
    ("Autosomal Dominant Diseases are too Often Overlooked in the Parents of Affected Children: Report of Six Cases",
     JA, [], Design.CASE_REPORT, {}),
    # --- cohort and case-control studies ---
    ("Clinical course and risk factors for mortality of adult inpatients with COVID-19 in Wuhan, China: a "
     "retrospective cohort study", JA, ["Journal Article", "Multicenter Study"], Design.COHORT, {}),
    ("Body-mass index and mortality in a prospective cohort of U.S. adults", JA, ["Journal Article"],
     Design.COHORT, {}),
    ("Mortality in relation to smoking: 50 years' observations on male British doctors", JA,
     ["Journal Article"], Design.COHORT, {}),
    ("The mortality of doctors in relation to their smoking habits; a preliminary report", JA,
     ["Journal Article"], Design.COHORT, {}),
    ("Factors associated with COVID-19-related death using OpenSAFELY", JA, ["Journal Article"], Design.COHORT, {}),
    ("Association of Coffee Drinking with Total and Cause-Specific Mortality", JA,
     ["Journal Article", "Observational Study"], Design.COHORT, {}),
    ("Smoking and carcinoma of the lung; preliminary report", JA, ["Journal Article"], Design.CASE_CONTROL, {}),
    ("Case\u2013Control Study of Human Papillomavirus and Oropharyngeal Cancer", JA, ["Journal Article"],
     Design.CASE_CONTROL, {}),
    ("Adenocarcinoma of the vagina. Association of maternal stilbestrol therapy with tumor appearance in young "
     "women", JA, ["Journal Article"], Design.CASE_CONTROL, {}),
    # --- narrative reviews ---
    ("Fibromyalgia: A Clinical Review", JA, ["Journal Article", "Review"], Design.NARRATIVE_REVIEW, {}),
    ("Hallmarks of Cancer: The Next Generation", JA, ["Journal Article", "Review"], Design.NARRATIVE_REVIEW, {}),
    ("Low-Dose Naltrexone (LDN)\u2014Review of Therapeutic Utilization", JA, ["Journal Article", "Review"],
     Design.NARRATIVE_REVIEW, {}),
    ("Pathophysiology, Transmission, Diagnosis, and Treatment of Coronavirus Disease 2019 (COVID-19): A Review",
     JA, ["Journal Article", "Review"], Design.NARRATIVE_REVIEW, {}),
    # --- protocols ---
    ("Study protocol for a randomised, double-blinded, placebo-controlled phase III trial examining the add-on "
     "efficacy, cost-utility and neurobiological effects of low-dose naltrexone (LDN) in patients with "
     "fibromyalgia (INNOVA study)", JA, ["Clinical Trial Protocol", "Journal Article"], Design.PROTOCOL, {}),
    ("SPIRIT 2013 explanation and elaboration: guidance for protocols of clinical trials", JA, ["Journal Article"],
     Design.OTHER, {}),
    # --- preprints (posted content on preprint servers) ---
    ("Effect of Dexamethasone in Hospitalized Patients with COVID-19 \u2013 Preliminary Report",
     "posted-content", [], Design.PREPRINT, {"doi": "10.1101/2020.06.22.20137273", "container_title": "medRxiv"}),
    ("Efficacy and Safety of Ivermectin for Treatment and prophylaxis of COVID-19 Pandemic", "posted-content", [],
     Design.PREPRINT, {"doi": "10.21203/rs.3.rs-100956/v1", "container_title": "Research Square"}),
    ("SARS-CoV-2 Omicron variant: antibody evasion and cryo-EM structure of spike protein\u2013ACE2 complex",
     "posted-content", [], Design.PREPRINT, {"doi": "10.1101/2021.12.19.473380", "container_title": "bioRxiv"}),
    ("COVID-19 Antibody Seroprevalence in Santa Clara County, California", "posted-content", [], Design.PREPRINT,
     {"doi": "10.1101/2020.04.14.20062463", "container_title": "medRxiv"}),
    # --- blog posts deposited as posted content (not preprints) ---
    ("Rogue Scholar starts supporting versioning", "posted-content", [], Design.BLOG_POST,
     {"doi": "10.53731/rogue-scholar-versioning", "container_title": "Front Matter"}),
    ("How to include DOIs in RSS feeds", "posted-content", [], Design.BLOG_POST,
     {"container_title": "Front Matter", "url": "https://blog.front-matter.io/posts/how-to-include-dois-in-rss-feeds"}),
    ("DOI registration workflow for a science blog", "posted-content", [], Design.BLOG_POST,
     {"container_title": "Front Matter"}),
    ("Scholarly blogs and their place in the research nexus", "posted-content", [], Design.BLOG_POST,
     {"container_title": "Crossref Blog", "url": "https://www.crossref.org/blog/scholarly-blogs-and-their-place-in-the-research-nexus"}),
    # --- notices: retractions, corrections, expressions of concern ---
    ("Retraction\u2014Hydroxychloroquine or chloroquine with or without a macrolide for treatment of COVID-19: "
     "a multinational registry analysis", JA, ["Retraction of Publication", "Comment"], Design.NOTICE, {}),
    ("Retraction: Cardiovascular Disease, Drug Therapy, and Mortality in Covid-19. N Engl J Med. DOI: "
     "10.1056/NEJMoa2007621.", JA, ["Retraction of Publication"], Design.NOTICE, {}),
    ("Retraction\u2014Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental "
     "disorder in children", JA, ["Retraction of Publication"], Design.NOTICE, {}),
    ("Expression of concern: Hydroxychloroquine or chloroquine with or without a macrolide for treatment of "
     "COVID-19: a multinational registry analysis", JA, ["Expression of Concern"], Design.NOTICE, {}),
    ("Retraction and Republication: Primary Prevention of Cardiovascular Disease with a Mediterranean Diet. "
     "N Engl J Med 2013;368:1279-90.", JA, ["Retraction of Publication"], Design.NOTICE, {}),
    ("Department of Error", JA, ["Published Erratum"], Design.NOTICE, {}),
    ("Department of Error", JA, [], Design.NOTICE, {}),
    ("Erratum", JA, ["Published Erratum"], Design.NOTICE, {}),
    ("Notice of Retraction and Replacement: Aboumatar et al. Effect of a Program Combining Transitional Care and Long-term Self-management "
     "Support on Outcomes of Hospitalized Patients With Chronic Obstructive Pulmonary Disease: A Randomized "
     "Clinical Trial. JAMA. 2018;320(22):2335-2343.", JA,
     ["Retraction of Publication"], Design.NOTICE, {}),
    ("Correction", JA, [], Design.NOTICE, {"update_to": [{"type": "correction"}]}),
    ("Error in Figure", JA, ["Published Erratum"], Design.NOTICE, {}),
    # --- figure and table DOIs (Crossref type component) ---
    ("Fig 1. PRISMA flow diagram.", "component", [], Design.COMPONENT, {}),
    ("Fig 2. CONSORT flow diagram of the randomized controlled trial.", "component", [], Design.COMPONENT, {}),
    ("Table 1. Baseline characteristics of the study participants.", "component", [], Design.COMPONENT, {}),
    ("Table 2. Case reports of adverse events.", "component", [], Design.COMPONENT, {}),
    # --- other kinds of paper ---
    ("Why Most Published Research Findings Are False", JA, ["Journal Article"], Design.OTHER, {}),
    ("The Nuremberg Code", JA, [], Design.OTHER, {}),
    ("Deep learning", JA, [], Design.OTHER, {}),
]
