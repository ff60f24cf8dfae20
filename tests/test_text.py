from unspin.core.text import normalise, sentence_spans, tokenize


def test_tokens_keep_offsets_into_original_text():
    text = "Mr. Smith’s firm\u00a0said profits rose 76%. It was high-speed!"
    for tok in tokenize(text):
        assert text[tok.start : tok.end] == tok.surface
    assert [t.norm for t in tokenize(text)][:3] == ["mr", "smith's", "firm"]


def test_sentences_split_but_not_on_abbreviations():
    text = "Mr. Smith arrived. He left at 5 p.m. on Friday!\n\nNew paragraph"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Mr. Smith arrived.", "He left at 5 p.m. on Friday!", "New paragraph"]
    assert {t.sentence for t in tokenize(text) if t.norm == "smith"} == {0}


def test_normalise_folds_case_and_apostrophes():
    assert normalise("DON’T") == "don't"
    assert normalise("ﬁnance") == "finance"


def test_empty_and_whitespace_text():
    assert tokenize("") == []
    assert sentence_spans("   \n ") == []


def test_split_compounds_gives_the_parts_with_offsets():
    from unspin.core.text import apart, joined, split_compounds

    text = "A high-exactness COVID-19 test, then k-means."
    toks = split_compounds(tokenize(text))
    assert [t.norm for t in toks] == ["a", "high", "exactness", "covid-19", "test", "then", "k", "means"]
    assert all(text[t.start : t.end] == t.surface for t in toks)
    high, exactness, covid, test = toks[1:5]
    assert joined(high, exactness) and not apart(high, exactness)
    assert covid.compound == 0  # a digit keeps the compound whole
    assert apart(exactness, covid) and not joined(exactness, covid)
    assert not apart(covid, test)
    assert toks[6].compound != high.compound  # each compound has its own number
    assert split_compounds(tokenize("no compound here")) == tokenize("no compound here")
