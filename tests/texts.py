"""Texts shared by several test modules (not a test module itself).

``SHORT_SPUN``: one sentence with two tortured phrases. ``BOE_SOURCE``/``BOE_SPUN_COPY``: a three-
sentence news paragraph and its spun copy. ``BOE_LONG``/``BOE_LONG_SPUN``: the same story in
four sentences, and ``SAME_STORY``: an independent report of it.
"""

SHORT_SPUN = "Our method trains a classifier on preparation information collected from patients."

BOE_SOURCE = (
    "The Bank of England raised interest rates to 4.75% on Thursday, the fifth rise in a year. "
    "Governor Mervyn King said the decision was taken to keep inflation close to its target. "
    "Analysts at Barclays had expected the move, which was backed by seven of the nine members."
)
BOE_SPUN_COPY = (
    "The Bank of England hiked loan costs to 4.75% on Thursday, the fifth increase in a year. "
    "Governor Mervyn King stated the choice was made to keep expansion near to its objective. "
    "Experts at Barclays had anticipated the step, which was supported by seven of the nine individuals."
)
BOE_LONG = (
    "The Bank of England raised interest rates to 4.75% on Thursday, the fifth rise in a year. "
    "Governor Mervyn King said the decision was taken to keep inflation close to its target. "
    "Analysts at Barclays had expected the move, which was backed by seven of the nine members. "
    "House prices in London fell by 2% in the three months to June, official figures showed."
)
BOE_LONG_SPUN = (
    "The Bank of England hiked loan costs to 4.75% on Thursday, the fifth increase in a year. "
    "Governor Mervyn King stated the choice was made to keep expansion near to its objective. "
    "Experts at Barclays had anticipated the step, which was supported by seven of the nine individuals. "
    "Home costs in London dropped by 2% in the three months to June, authority figures showed."
)
SAME_STORY = (
    "Mortgage holders face higher bills after Mervyn King's Bank of England pushed the base rate up "
    "to 4.75%. Seven members of the committee voted for the rise on Thursday while two wanted no change. "
    "Barclays economists said a further increase before June was unlikely."
)
