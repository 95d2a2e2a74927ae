"""The byte-level BPE tokenizer: any string round-trips, merges are learned as Sennrich et al. describe."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmtutor.model.bpe import MergeLearner, Tokenizer, chunks, load_tokenizer, train_bpe

TRICKY = list("a Z 9'’.,!?-_\t\n\r\x00\x07\x1b\x7f\x9b[m;0 ") + [
    "\u200b", "\u200d", "\ufeff", "\u00ad", "\u2028", "\u3000", "\u0301", "\ufe0f",
    "猫", "注", "意", "力", "。", "，", "こ", "カ", "한", "\U0001f44d", "\U0001f3fd", "\U00020000", "²",
]
NO_SURROGATES = st.characters(exclude_categories=("Cs",))
ANY_TEXT = st.text(st.one_of(NO_SURROGATES, st.sampled_from(TRICKY)), max_size=60)
TEXT = ("Self-attention lets every token look at every other token. 注意力机制让每个词元看到其他词元。"
        "The model's heads attend; 模型的注意力头。 low lower newest widest 2024 ") * 30


@pytest.fixture(scope="module")
def tokenizer():
    return train_bpe(TEXT, 1000)  # more than there are pairs: stops at 373


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_any_string_round_trips_without_normalisation(tokenizer, text):
    ids = tokenizer.encode(text)
    assert tokenizer.decode(ids) == text
    assert b"".join(tokenizer.token_bytes(i) for i in ids) == text.encode("utf-8")
    assert "".join(chunks(text)) == text


@settings(max_examples=100, deadline=None)
@given(ANY_TEXT)
def test_display_never_shows_a_control_character(tokenizer, text):
    for token in tokenizer.encode(text):
        shown = tokenizer.display(token)
        assert shown and all(ch.isprintable() for ch in shown)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=12), ANY_TEXT.map(lambda text: text.encode("utf-8")),
                 st.text(max_size=8).map(lambda text: text.encode("utf-8", "surrogatepass"))))
def test_display_of_whole_characters_takes_a_quick_path_to_the_same_text(data):
    from llmtutor.model.bpe import _display_each, display_bytes

    assert display_bytes(data) == _display_each(data)


def test_lone_surrogates_round_trip_too(tokenizer):
    assert tokenizer.decode(tokenizer.encode("a\ud800b\udfff")) == "a\ud800b\udfff"


def test_training_learns_whole_words_and_chinese_words(tokenizer):
    assert [tokenizer.display(i) for i in tokenizer.encode(" token 模型的注意力头")] == ["␣token", "␣模型的注意力头"]
    assert tokenizer.vocab_size == 373


def test_a_character_cut_in_the_middle_shows_its_bytes():
    tokenizer = Tokenizer([])  # bytes only
    assert [tokenizer.display(i) for i in tokenizer.encode("注a")] == ["⟨e6⟩", "⟨b3⟩", "⟨a8⟩", "a"]
    assert tokenizer.decode(tokenizer.encode("注")[:2]) == "\ufffd"


def test_merges_follow_sennrich_et_al_with_ties_to_the_pair_seen_first():
    words = [list(w.encode()) for w in ("low", "lower", "newest", "widest")]
    learner = MergeLearner(words, [5, 2, 6, 3], 256)
    names = {i: chr(i) for i in range(256)}
    learned = []
    for _ in range(4):
        (a, b), count = learner.best()
        names[learner.merge((a, b))] = names[a] + names[b]
        learned.append((names[a] + names[b], count))
    assert learned == [("es", 9), ("est", 9), ("lo", 7), ("low", 7)]


def test_saved_tokenizer_is_json_and_loads_back(tokenizer, tmp_path):
    path = tokenizer.save(tmp_path / "bpe.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["vocab_size"] == 373 and len(data["merges"]) == 117
    again = load_tokenizer(path)
    assert again.encode(TEXT[:300]) == tokenizer.encode(TEXT[:300])


@pytest.mark.parametrize("content", ['{"format": "x"}', '[1, 2]', '{"format": "llmtutor-bpe-1", "vocab_size": 257, '
                                     '"merges": [[300, 1]]}'])
def test_a_file_that_is_not_a_tokenizer_is_refused(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError):
        load_tokenizer(path)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x303F), max_size=80))
def test_a_text_without_chinese_is_chunked_as_the_full_pattern_chunks_it(text):
    import re

    from llmtutor.model import bpe

    assert bpe.chunks(text) == re.compile(bpe._PATTERN).findall(text)


# Characters at and around the edges of the Chinese classes, Chinese-class characters that are no
# letters (・ ゠ ゛, unassigned ones), and what meets them in a sentence.
CJK_EDGES = list("\u303f\u3040\u3041\u3097\u309b\u30a0\u30fb\u30fc\u30ff\u3100\u33ff\u3400\u4dbf\u4dc0"
                 "\u4e00\u9fff\ua000\uf8ff\uf900\ufa6e\ufaff\ufb00注意力模型。，、「」") + [
    "a", "Z", "é", "9", "_", "'", "'s", "'t", " ", "  ", "\n", "\t", "!", "-", "\u0301", "\U0001f44d", "\U00020000"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(CJK_EDGES), max_size=30).map("".join) | st.text(max_size=40))
def test_a_text_with_chinese_is_chunked_as_the_full_pattern_chunks_it(text):
    import re

    from llmtutor.model import bpe

    assert bpe.chunks(text) == re.compile(bpe._PATTERN).findall(text)


def test_the_course_corpus_is_chunked_as_the_full_pattern_chunks_it():
    """The shipped tokenizer was trained on these chunks: the quicker way of finding them must not move one."""
    import re

    from llmtutor.model import bpe
    from llmtutor.model.corpus import HELDOUT_FILE, TRAIN_FILE

    for path in (TRAIN_FILE, HELDOUT_FILE):
        text = path.read_text(encoding="utf-8")
        assert bpe.chunks(text) == re.compile(bpe._PATTERN).findall(text)
