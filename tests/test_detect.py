import pytest

from unspin import CheckConfig, Lexicon, check
from unspin.core.restore import restore
from unspin.core.results import Finding
from unspin.lexicon.known import expected_variants, parse_query


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.default()


def test_candidates_are_inflected_like_the_word(lexicon):
    forms = {c.form for c in lexicon.candidates("timberland")}
    assert "forest" in forms
    assert "networks" not in forms
    assert "data" in {c.form for c in lexicon.candidates("information")}
    assert "trained" not in {c.form for c in lexicon.candidates("preparation")}


def test_finds_unlisted_tortured_phrase_with_its_original(lexicon):
    text = "The model was fitted on preparation information from three hospitals."
    r = check(text, lexicon=lexicon)
    hit = [f for f in r.findings if "preparation information" in f.text]
    assert hit and hit[0].suggestion == "training data"
    assert "training data" in r.restored
    for f in r.findings:
        assert text[f.start : f.end] == f.text


def test_established_term_is_not_flagged(lexicon):
    r = check("The model was fitted on training data from three hospitals.", lexicon=lexicon)
    assert not [f for f in r.findings if "training data" in f.text]


def test_known_pairs_flag_exactly_and_teach_swaps(lexicon):
    lex = lexicon.with_known([('"neural organization"', "neural network"), ('"profound learning"', "deep learning")])
    r = check("We use Profound learning for vision.", lexicon=lex)
    assert r.findings[0].text == "Profound learning" and r.findings[0].suggestion == "Deep learning"
    # 'organization' -> 'network' was learned from a different phrase; 'brain network' is a known pair
    assert "network" in {c.form for c in lex.candidates("organization")}


def test_score_is_a_probability_and_threshold_moves_the_verdict(lexicon):
    text = "The irregular timberland classifier beat the counterfeit consciousness baseline on preparation information."
    low = check(text, lexicon=lexicon, config=CheckConfig(threshold=0.01))
    high = check(text, lexicon=lexicon, config=CheckConfig(threshold=0.9999))
    assert 0.0 <= low.score <= 1.0 and low.score == high.score
    assert low.spun and not high.spun


def test_empty_text_is_clean(lexicon):
    r = check("", lexicon=lexicon)
    assert r.score == 0.0 and not r.spun and r.findings == () and r.restored == ""


def test_restore_applies_suggestions_and_skips_overlaps():
    text = "a bb ccc"
    fs = [Finding(2, 4, "bb", "XX", 0.9), Finding(3, 8, "b ccc", "no", 0.9), Finding(5, 8, "ccc", None, 0.5)]
    assert restore(text, fs) == "a XX ccc"


def test_query_parsing():
    assert parse_query('"malignant growth" AND "cancer"') == "malignant growth"
    assert expected_variants("back propagation (BP)") == ["back propagation", "back propagation BP"]


def test_word_spin_evidence_prefers_rare_unattested_single_use_words(lexicon):
    from unspin.core.spin_evidence import SpinModel, word_spin_llr
    from unspin.text import tokenize

    toks = tokenize("The bank raised its interest rates again while a shrouded timberland grew.")
    idx = {t.norm: i for i, t in enumerate(toks)}
    llr = {w: word_spin_llr(toks, idx[w], 1, lexicon, SpinModel()) for w in ("interest", "timberland")}
    assert llr["timberland"] > 1.0 > llr["interest"]
    # the same word repeated in a document is a topic word, not a spinner's pick
    assert word_spin_llr(toks, idx["timberland"], 3, lexicon, SpinModel()) < llr["timberland"]


def test_oddness_counts_spinner_picks(lexicon):
    from unspin.core.spin_evidence import oddness
    from unspin.text import tokenize

    clean = "The bank raised its interest rates again, and the shares of the company fell in early trading."
    spun = ("The bank brought up its concern rates over again, and the apportions of the troupe fell in "
            "aboriginal trading.")
    assert oddness(tokenize(spun), lexicon).n_odd > oddness(tokenize(clean), lexicon).n_odd


def test_calibration_saturates_with_length():
    from unspin.core.calibrate import Calibration

    cal = Calibration()
    # the same odd rate is stronger evidence in a longer text, but not without bound
    short = cal.llr(n_odd=6, evidence=0.0, n_eligible=20)
    mid = cal.llr(n_odd=60, evidence=0.0, n_eligible=200)
    long = cal.llr(n_odd=600, evidence=0.0, n_eligible=2000)
    assert 0 < short < mid < long < 1.2 * mid
    assert cal.score(n_odd=24, evidence=0.0, n_eligible=200) < 0.5 < cal.score(n_odd=80, evidence=0.0, n_eligible=200)


def test_learned_swap_flags_without_pair_evidence_unless_the_word_fits(lexicon):
    lex = lexicon.with_known([('"secret layer"', "hidden layer"), ('"secret units"', "hidden units")])
    r = check("We add one secret neuron per block.", lexicon=lex)
    assert [(f.text, f.suggestion) for f in r.findings] == [("secret", "hidden")]
    # "secret service" is a frequent pair: the writer chose the word
    assert not check("She joined the secret service in 1990.", lexicon=lex).findings


def test_known_multiword_phrases_weigh_on_the_document_score(lexicon):
    text = ("The team trained an irregular timberland on preparation information and compared it with "
            "a profound learning model on the same benchmark, reporting the usual accuracy figures.")
    plain = check(text, lexicon=lexicon)
    known = check(text, lexicon=lexicon.with_known([("irregular timberland", "random forest"),
                                                    ("profound learning", "deep learning")]))
    assert known.stats["known_phrases"] == 2
    assert known.score > plain.score and known.spun


def test_a_known_long_term_protects_its_inner_pairs(lexicon):
    from unspin.lexicon.model import TERM_LOGCOUNT

    lex = lexicon.with_known([("profound move learning", "deep transfer learning")])
    assert lex.pair("transfer", "learning") >= TERM_LOGCOUNT
    assert lex.pair("deep", "transfer") >= TERM_LOGCOUNT
    assert lexicon.pair("deep", "transfer") < TERM_LOGCOUNT
    text = "We apply deep transfer learning to the benchmark dataset."
    assert not [f for f in check(text, lexicon=lex).findings if "transfer" in f.text]


def test_an_unlisted_pair_no_corpus_knows_is_flagged_as_an_odd_pair(lexicon):
    spun = check("We apply dimensionality decrease to the benchmark dataset.", lexicon=lexicon)
    hit = [f for f in spun.findings if "odd-pair" in f.evidence]
    assert [f.text for f in hit] == ["dimensionality decrease"]
    assert 0.5 <= hit[0].confidence < 1.0
    clean = check("We apply dimensionality reduction to the benchmark dataset.", lexicon=lexicon)
    assert not clean.findings


def test_a_known_list_teaches_which_words_spinners_pick(lexicon):
    from unspin.core.detect import Detector

    pairs = [('"machine mastering"', "machine learning"), ('"mastering rate"', "learning rate"),
             ('"profound learning"', "deep learning")]
    lex = lexicon.with_known(pairs)
    assert lex.known.output_ratio("mastering") > 1.0 > 0.0 > lex.known.output_ratio("learning")
    assert lex.known.output_ratio("unseen") == 0.0
    without = Detector(lexicon).odd_pair_probability("transfer", "mastering", 1.0, 1.0)
    with_list = Detector(lex).odd_pair_probability("transfer", "mastering", 1.0, 1.0)
    assert with_list > without


def test_a_pair_that_starts_with_a_verb_is_not_judged(lexicon):
    # A verb and the first word of its object form no known pair, spun or not: "describes" has
    # only verb readings; "compare" can be a noun, but after "we" it is a verb. The pair inside
    # the noun phrase is still judged.
    from unspin.core.odd_pairs import reads_as_verb, unlisted_pairs
    from unspin.core.spin_evidence import word_llrs
    from unspin.text import tokenize

    def pairs(text: str) -> list[str]:
        tokens = tokenize(text)
        return [f"{tokens[i].norm} {tokens[i + 1].norm}"
                for i in unlisted_pairs(text, tokens, word_llrs(tokens, lexicon), lexicon)]

    assert "describes irregular" not in pairs("Section 3 describes irregular timberland in detail.")
    assert "irregular timberland" in pairs("Section 3 describes irregular timberland in detail.")
    assert "compare peripheral" not in pairs("We compare peripheral timberland with others.")
    assert reads_as_verb(tokenize("we compare"), 1, lexicon)
    assert not reads_as_verb(tokenize("the compare"), 1, lexicon)  # a noun reading counts here
    assert not reads_as_verb(tokenize("we magnetic"), 1, lexicon)  # no verb reading at all


def test_where_odd_pairs_overlap_the_more_probable_one_is_flagged(lexicon):
    # "head part" and "part examination" are both unknown pairs; the second is the likelier
    # spin and takes the shared word, whatever the reading order.
    from unspin.core.detect import Detector
    from unspin.core.spin_evidence import word_llrs
    from unspin.text import tokenize

    text = "We describe head part examination here."
    tokens = tokenize(text)
    llrs = word_llrs(tokens, lexicon)
    det = Detector(lexicon)
    first = det.odd_pair_probability("head", "part", llrs[2], llrs[3])
    second = det.odd_pair_probability("part", "examination", llrs[3], llrs[4])
    assert det.pp.threshold <= first < second
    pairs = [f.text for f in check(text, lexicon=lexicon).findings if "odd-pair" in f.evidence]
    assert pairs == ["part examination"]


def test_title_case_terms_can_form_odd_pairs_but_names_after_nouns_do_not(lexicon):
    spun = check("We follow the Fourth Modern Upheaval in this study.", lexicon=lexicon)
    assert [f.text for f in spun.findings if "odd-pair" in f.evidence] == ["Modern Upheaval"]
    assert not check("We follow the Fourth Industrial Revolution in this study.", lexicon=lexicon).findings
    news = check("The lawyer Gregory Smith said the Crown Prosecution Service would appeal.", lexicon=lexicon)
    assert not [f for f in news.findings if "odd-pair" in f.evidence]


def test_parts_of_a_hyphenated_compound_form_odd_pairs(lexicon):
    # Spinners swap the parts of compounds ("high-resolution" -> "high-exactness"); a part pairs
    # with the other parts of its compound, not with the words outside it.
    spun = check("The images came from a high-exactness camera.", lexicon=lexicon)
    assert [(f.text, f.evidence) for f in spun.findings] == [("high-exactness", ("odd-pair",))]
    assert not check("The images came from a high-resolution camera.", lexicon=lexicon).findings
    across = check("We applied correlation-based feature selection.", lexicon=lexicon)
    assert all("based" not in f.text for f in across.findings)


def test_spelling_variants_are_never_candidates(lexicon):
    from unspin.lexicon.model import spelling_variant

    assert spelling_variant("practises", "practices") and spelling_variant("utilising", "utilizing")
    assert not spelling_variant("practises", "exercises")
    assert "practices" not in {c.form for c in lexicon.candidates("practises")}


def test_learned_swaps_carry_over_to_the_other_number(lexicon):
    lex = lexicon.with_known([("errands done", "tasks done"), ("gathering place", "group place")])
    assert [c.form for c in lex.candidates("errand") if c.learned] == ["task"]
    assert [c.form for c in lex.candidates("gatherings") if c.learned] == ["groups"]
    assert [c.form for c in lex.candidates("errands") if c.learned] == ["tasks"]  # its own swap first


def test_a_word_next_to_a_name_can_form_an_odd_pair(lexicon):
    # "cross-validation" spun to "go-validation": "go" is too short to be a word a spinner
    # swaps, so it counts as a name; only the word beside it is flagged.
    from unspin.core.detect import Detector
    from unspin.core.odd_pairs import unlisted_pairs
    from unspin.core.spin_evidence import word_llrs
    from unspin.text import split_compounds, tokenize

    text = "We used 5-fold go-validation here."
    tokens = split_compounds(tokenize(text))
    llrs = word_llrs(tokens, lexicon)
    k = [t.norm for t in tokens].index("go")
    assert llrs[k] is None and llrs[k + 1] is not None
    assert k not in unlisted_pairs(text, tokens, llrs, lexicon)
    assert k in unlisted_pairs(text, tokens, llrs, lexicon, names=True)
    det = Detector(lexicon)
    features = det.odd_pair_features("go", "validation", None, llrs[k + 1])
    assert det.odd_pair_probability("go", "validation", None, llrs[k + 1]) != det._odd_pair_probability(features)
    found = [(f.text, f.evidence) for f in check(text, lexicon=lexicon).findings]
    assert ("validation", ("odd-pair",)) in found


def test_a_british_spelling_is_as_frequent_as_its_american_form(lexicon):
    # "penalised" and "penalized" are one word: split counts would make British text look
    # rarer-worded, and rarity is evidence of spinning.
    from unspin.lexicon.frequencies import american_spelling

    assert [american_spelling(w) for w in ("penalised", "colourful", "levelled", "centre", "defence", "programmes")] \
        == ["penalized", "colorful", "leveled", "center", "defense", "programs"]
    assert american_spelling("before") is None and american_spelling("figure") is None  # "-ore", "-ure"
    assert lexicon.zipf("penalised") >= lexicon.zipf("penalized")
    assert lexicon.zipf("colourful") >= lexicon.zipf("colorful")


def test_a_term_swapped_whole_is_restored_whole(lexicon):
    # "shrouded" -> "hidden" is flagged on its own; "level" sits well in its sentence, but the
    # list teaches "level" -> "layer", and "hidden layer" is a known term: the neighbour of a
    # flagged word joins it.
    from unspin import check

    lex = lexicon.with_known([("shrouded units", "hidden units"), ("yield level", "output layer"),
                              ("covered layer", "hidden layer")])
    r = check("The network has one shrouded level of units.", lexicon=lex)
    assert [(f.text, f.suggestion) for f in r.findings] == [("shrouded level", "hidden layer")]


def test_the_smaller_edit_wins_over_a_more_frequent_pair(lexicon):
    # "neural organization": changing both words gives the frequent "nervous system", changing
    # one gives the known term "neural network"; the writer's "neural" stays.
    from unspin import check

    lex = lexicon.with_known([("brain organization", "neural network"), ("profound organization", "deep network"),
                              ("organization traffic", "network traffic")])
    r = check("We trained a neural organization on the data.", lexicon=lex)
    assert [(f.text, f.suggestion) for f in r.findings] == [("organization", "network")]


def test_the_learned_swap_that_fits_its_neighbours_is_suggested(lexicon):
    # The list shows "choice" -> "decision" more often than "choice" -> "selection", but only
    # "feature selection" is a known term.
    from unspin import check

    lex = lexicon.with_known([("choice tree", "decision tree"), ("last choice", "final decision"),
                              ("choice making", "decision making"), ("model choice", "model selection"),
                              ("element selection", "feature selection")])
    r = check("Previous work on feature choice has focused on small samples.", lexicon=lex)
    assert [(f.text, f.suggestion) for f in r.findings] == [("choice", "selection")]


def test_an_odd_pair_with_no_known_repair_takes_the_learned_swaps(lexicon):
    # No candidate pair of "thermogravimetric examination" is a known pair, but the list shows
    # spinners writing "examination" for "analysis".
    from unspin import check

    lex = lexicon.with_known([("examination technique", "analysis technique"),
                              ("relapse examination", "regression analysis")])
    r = check("The thermogravimetric examination showed it.", lexicon=lex)
    assert [(f.text, f.suggestion) for f in r.findings] == [("thermogravimetric examination",
                                                             "thermogravimetric analysis")]
    assert check("The thermogravimetric examination showed it.", lexicon=lexicon).findings[0].suggestion is None


def test_a_spinners_pick_fits_only_by_its_content_neighbours(lexicon):
    # The list shows "information" only as a spinner's pick (for "data"). Next to "touchy",
    # with which it forms no pair, it is flagged although "information in" is a frequent pair;
    # with no content neighbour at all, its pairs with function words still say it fits.
    from unspin import check

    lex = lexicon.with_known([("huge information", "big data"), ("information mining", "data mining"),
                              ("information set", "data set"), ("touchy skin", "sensitive skin")])
    r = check("Section 3 describes touchy information in more detail.", lexicon=lex)
    assert [(f.text, f.suggestion) for f in r.findings] == [("touchy information", "sensitive data")]
    assert not check("The information has been published.", lexicon=lex).findings


def test_a_long_text_is_checked_in_windows_with_offsets_into_the_whole(lexicon):
    """Above ``window_chars`` the text is checked window by window (linear time and memory):
    each window's findings are those of checking it alone, shifted into the whole text, and the
    document's counts are the windows' sums."""
    from pathlib import Path

    from unspin.text import text_windows

    spun = (Path(__file__).parents[1] / "examples" / "spun-news.txt").read_text(encoding="utf-8")
    clean = (Path(__file__).parents[1] / "examples" / "clean-news.txt").read_text(encoding="utf-8")
    text = "\n\n".join([clean, spun, clean, spun])
    window = len(text) // 3
    whole = check(text, lexicon=lexicon, config=CheckConfig(window_chars=window))
    spans = text_windows(text, max_chars=window)
    assert len(spans) >= 3
    expected = []
    for start, end in spans:
        part = check(text[start:end], lexicon=lexicon, config=CheckConfig(window_chars=window))
        expected += [(f.start + start, f.end + start, f.suggestion) for f in part.findings]
    assert [(f.start, f.end, f.suggestion) for f in whole.findings] == expected
    assert all(text[f.start:f.end] == f.text for f in whole.findings)
    one = check(text, lexicon=lexicon, config=CheckConfig())  # default window: one window, as before
    assert one.n_words == whole.n_words > 0
    assert whole.stats["eligible_words"] == one.stats["eligible_words"]
    assert whole.spun
    seen: list[int] = []
    check(text, lexicon=lexicon, config=CheckConfig(window_chars=window), progress=seen.append)
    assert seen == [end for _s, end in spans]


def test_known_phrases_of_any_length_match_whole_and_never_overlap(lexicon):
    """Phrases of more than four words (216 in the tortured-phrase list) never matched."""
    known = lexicon.with_known([("profound neural organization learning system", "deep neural network learning system"),
                                ("profound neural", "deep neural")])
    text = "We train a profound neural organization learning system on the data. A profound neural net too."
    found = [(f.text, f.suggestion, f.evidence) for f in check(text, lexicon=known, config=CheckConfig()).findings
             if "known-phrase" in f.evidence]
    assert found == [("profound neural organization learning system", "deep neural network learning system",
                      ("known-phrase",)), ("profound neural", "deep neural", ("known-phrase",))]


@pytest.mark.parametrize(("text", "span", "evidence", "suggestion"), [
    # _context_fit: the original forms a frequent pair with the neighbour ("training data")
    ("Our method trains a classifier on preparation information collected from patients.",
     "preparation information", "context-fit", "training data"),
    # _rare_synonyms: a rare synonym of a common word, fitting no frequent pair
    ("Analysts expect the model of the irregular timberland to be faithworthy in three neighbourhoods.",
     "timberland", "rare-synonym", "forest"),
    # _unlikely_words: a word the spin model finds very unlikely for a writer
    ("The debate was about fjord repairs and edify funding for the schools.", "edify", "odd-word", "enlighten"),
    # _odd_pairs: two words that form no known pair and look like a spinner's picks
    ("The mayor promised that the tools would help the council nickname potholes faster.",
     "nickname potholes", "odd-pair", None),
])
def test_each_pass_names_its_evidence(lexicon, text, span, evidence, suggestion):
    """Each pass of Detector.analyse, seen through the finding it makes: the span, the evidence
    it names and its suggestion (None: flagged, nothing to suggest)."""
    found = {f.text: f for f in check(text, lexicon=lexicon, config=CheckConfig(tier="fast")).findings}
    assert span in found, found
    assert found[span].evidence == (evidence,) and found[span].suggestion == suggestion


def test_an_odd_pair_keeps_the_word_the_spin_model_reads_as_the_writers(lexicon):
    """'a new fate' (spun from 'a new budget'): 'new' is a writer's word (negative spin
    evidence), so the pair is flagged without the suggestion 'other circumstances' that changed
    both words; a tortured pair whose words are both spun keeps its two-word suggestion."""
    fate = {f.text: f for f in check("The city council approved a new fate on Tuesday.", lexicon=lexicon,
                                     config=CheckConfig(tier="fast")).findings}
    assert fate["new fate"].suggestion is None and fate["new fate"].evidence == ("odd-pair",)


def test_pair_row_and_column_are_pair_without_the_model(lexicon):
    # The context fit reads pairs a row or a column at a time (``Lexicon.pair_row``,
    # ``pair_column``): the same rule as ``Lexicon.pair(..., model=False)``, pinned here on
    # bigram-list pairs, WordNet terms, known terms and unknown pairs, with and without a known
    # list and a reference corpus.
    known = lexicon.with_known([("counterfeit consciousness", "artificial intelligence"),
                                ("irregular timberland", "random forest")])
    ref = known.with_reference(["The random forest grew in the deep learning lab. Neural nets learn."])
    firsts = ["neural", "artificial", "random", "deep", "the", "counterfeit", "zzqx", "new", "hot", "prime", "",
              "new york", "united"]
    seconds = ["network", "intelligence", "forest", "learning", "dog", "consciousness", "zzqx", "york", "dog",
               "minister", "", "york city", "states", "nations"]
    for lex in (lexicon, known, ref):
        for f in firsts:
            assert lex.pair_row(f, seconds) == [lex.pair(f, s, model=False) for s in seconds]
        for s in seconds:
            assert lex.pair_column(firsts, s) == [lex.pair(f, s, model=False) for f in firsts]
    assert any(x > 0 for x in lexicon.pair_row("neural", seconds))
    assert known.pair_row("artificial", ["intelligence"]) == [8.0]


def test_candidate_edges_are_the_first_and_last_words_of_the_candidates(lexicon):
    known = lexicon.with_known([("profound learning", "deep learning"), ("colossal information", "big data")])
    for lex in (lexicon, known):
        for w in ("profound", "network", "information", "colossal", "zzqx"):
            forms = [c.form for c in lex.candidates(w)]
            assert lex.candidate_edges(w) == (tuple(f.split(" ")[0] for f in forms),
                                              tuple(f.split(" ")[-1] for f in forms))


def test_attested_after_and_before_are_any_attested_pair(lexicon):
    # The per-word spin evidence asks whether a word's neighbour forms a frequent pair with any
    # of its synonyms (``Lexicon.attested_after``, ``attested_before``): the same rule as
    # ``Lexicon.attested``, the language model asked about the first ``model_first`` only.
    ref = lexicon.with_reference(["The random forest grew in the deep learning lab. Neural nets learn."])
    words = ["neural", "network", "random", "forest", "the", "zzqx", "new", "york", "nets", "deep", "learning",
             "new york", "", "city"]
    for lex in (lexicon, ref):
        for first in words:
            for k in range(len(words)):
                seconds = words[k:]
                for model_first in (0, 1, 3, 20):
                    assert lex.attested_after(first, seconds, model_first=model_first) == any(
                        lex.attested(first, s, model=j < model_first) for j, s in enumerate(seconds))
                    assert lex.attested_before(seconds, first, model_first=model_first) == any(
                        lex.attested(f, first, model=j < model_first) for j, f in enumerate(seconds))


def test_spelling_variant_is_the_difflib_ratio_rule():
    # ``spelling_variant`` asks difflib's cheap upper bound (``quick_ratio``) before ``ratio``:
    # the same answer as ``ratio`` alone.
    import itertools
    from difflib import SequenceMatcher

    from unspin.lexicon.model import spelling_variant

    words = ["practises", "practices", "utilising", "utilizing", "colour", "color", "prevent", "preview",
             "present", "presents", "presence", "organisation", "organization", "organ", "orange", "analyse",
             "analyze", "analysis", "travelled", "traveled", "centre", "center", "cent", "central", "abcabc"]
    for a, b in itertools.product(words, words):
        rule = a[:3] == b[:3] and abs(len(a) - len(b)) <= 2 and SequenceMatcher(None, a, b).ratio() >= 0.8
        assert spelling_variant(a, b) == rule, (a, b)


def test_term_followers_are_the_words_that_make_a_term(lexicon):
    # The joint swap looks beyond each word's first candidates only for established terms, found
    # through ``Lexicon.term_followers``: pinned here to ``Lexicon.is_term``.
    known = lexicon.with_known([("counterfeit consciousness", "artificial intelligence"),
                                ("profound transfer learning", "deep transfer learning")])
    words = ["artificial", "intelligence", "neural", "network", "deep", "transfer", "learning", "big", "data",
             "random", "forest", "hot", "dog", "new", "york", "zzqx", "nervous", "system"]
    for lex in (lexicon, known):
        for a in words:
            assert {b for b in words if b in lex.term_followers(a)} == {b for b in words if lex.is_term(f"{a} {b}")}
    assert "learning" in known.term_followers("transfer") and "learning" not in lexicon.term_followers("transfer")
