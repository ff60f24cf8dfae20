"""Function words: spinners leave them alone, so the detector never flags them."""

STOPWORDS = frozenset(
    """a about above after again against all almost also although always am among an and another any
    anyone anything are around as at be became because become been before being below between both but
    by can cannot could did do does doing done down during each either else enough even ever every few
    for from further had has have having he her here hers herself him himself his how however i if in
    into is it its itself just least less like many may me might more most much must my myself near
    neither never no nor not now of off often on once one only or other others otherwise our ours
    ourselves out over own per perhaps rather same several shall she should since so some something
    still such than that the their theirs them themselves then there therefore these they this those
    though through thus to together too toward towards under until up upon us very via was we were what
    whatever when where whether which while who whom whose why will with within without would yet you
    your yours yourself yourselves said says say mr mrs ms
    """.split()
)

# Prefixes that hyphenated compounds leave as parts ("pre-trained", "non-linear"): spinners keep
# them, and they are no words of their own.
PREFIXES = frozenset(
    "pre non multi semi anti sub tri quasi pseudo inter intra mid mis neo proto poly mono uni".split()
)
