"""The learner-text tokenizer: English words, single CJK characters, punctuation and emoji."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmtutor.attention import tokenize
from llmtutor.errors import TutorError

# Characters the rules treat specially, mixed into hypothesis's own choices.
TRICKY = list("a Z 9'’.,!?-\t\n\r\x00\x07\x1b\x7f\x9b[m;0") + [
    "\u200b", "\u200d", "\ufeff", "\u00ad", "\u2028", "\u3000", "\u0301", "\u3099", "\ufe0f",
    "猫", "。", "，", "「", "こ", "カ", "ー", "한", "ㄅ", "々", "ｶ",
    "\U0001f44d", "\U0001f3fd", "\U0001f1e8", "\U0001f1f3", "\U00020000", "\ud800", "\udfff",
]
ANY_TEXT = st.text(st.one_of(st.characters(exclude_categories=()), st.sampled_from(TRICKY)), max_size=40)
SETTINGS = settings(max_examples=60, deadline=None)


def is_control(ch):
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs")


# --- English -----------------------------------------------------------------------------------


def test_english_words_are_split_on_spaces():
    assert tokenize("the cat sat") == ["the", "cat", "sat"]


def test_each_punctuation_mark_is_its_own_token():
    assert tokenize("Hi, you!") == ["Hi", ",", "you", "!"]
    assert tokenize("well-known...") == ["well", "-", "known", ".", ".", "."]


def test_an_apostrophe_inside_a_word_stays_in_the_word():
    assert tokenize("I don't know") == ["I", "don't", "know"]
    assert tokenize("it’s rock'n'roll") == ["it’s", "rock'n'roll"]


def test_quotes_around_a_word_are_their_own_tokens():
    assert tokenize("'hi' the students'") == ["'", "hi", "'", "the", "students", "'"]


def test_digits_are_words_and_a_decimal_point_stays_in_a_number():
    assert tokenize("GPT4 has 1.5 times 2 heads.") == ["GPT4", "has", "1.5", "times", "2", "heads", "."]


def test_accented_letters_belong_to_the_word():
    assert tokenize("café naïve") == ["café", "naïve"]
    assert tokenize("cafe\u0301") == ["café"]  # combining accent, composed by NFC


def test_any_whitespace_separates():
    assert tokenize("a\tb\nc\r\nd\u00a0e\u3000f") == ["a", "b", "c", "d", "e", "f"]


# --- Chinese, Japanese, Korean -----------------------------------------------------------------


def test_each_chinese_character_is_its_own_token():
    assert tokenize("猫坐在垫子上。") == ["猫", "坐", "在", "垫", "子", "上", "。"]


def test_chinese_punctuation_is_its_own_token():
    assert tokenize("你好，世界！") == ["你", "好", "，", "世", "界", "！"]


def test_each_kana_and_hangul_character_is_its_own_token():
    assert tokenize("カタカナ") == ["カ", "タ", "カ", "ナ"]
    assert tokenize("こんにちは") == ["こ", "ん", "に", "ち", "は"]
    assert tokenize("한국어") == ["한", "국", "어"]


def test_mixed_chinese_and_english_split_at_the_script_boundary():
    assert tokenize("我爱NLP和GPT-4!") == ["我", "爱", "NLP", "和", "GPT", "-", "4", "!"]


# --- emoji and control characters --------------------------------------------------------------


def test_emoji_are_tokens():
    assert tokenize("I ❤ 🐱!") == ["I", "❤", "🐱", "!"]
    assert tokenize("👍🐱") == ["👍", "🐱"]


def test_a_skin_tone_stays_with_its_emoji_and_two_letters_make_a_flag():
    assert tokenize("👍🏽 🇨🇳") == ["👍🏽", "🇨🇳"]


def test_control_characters_are_dropped():
    assert tokenize("ca\x00t\x07 sat\u200b") == ["cat", "sat"]


def test_terminal_escape_sequences_are_dropped_whole():
    assert tokenize("\x1b[31mred\x1b[0m \x1b]0;title\x07cat") == ["red", "cat"]


def test_lone_surrogates_are_dropped():
    assert tokenize("a\ud800b \udfff") == ["ab"]


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\x1b[0m", "\x00\u200b\ufeff"])
def test_text_with_nothing_to_read_raises_text_empty(text):
    with pytest.raises(TutorError) as raised:
        tokenize(text)
    assert raised.value.key == "text_empty" and raised.value.exit_code == 2


def test_more_tokens_than_the_limit_raise_text_too_long_with_count_and_limit():
    with pytest.raises(TutorError) as raised:
        tokenize("a b c d", max_tokens=3)
    assert raised.value.key == "text_too_long"
    assert raised.value.params == {"count": 4, "limit": 3}
    assert raised.value.exit_code == 2


def test_exactly_the_limit_is_allowed():
    assert len(tokenize("a " * 2048)) == 2048


def test_the_default_limit_is_2048_tokens():
    with pytest.raises(TutorError, match="2049"):
        tokenize("a " * 2049)


# --- properties --------------------------------------------------------------------------------


@SETTINGS
@given(ANY_TEXT)
def test_any_text_either_tokenizes_or_raises_a_tutor_error(text):
    try:
        tokens = tokenize(text)
    except TutorError as error:
        assert error.key in ("text_empty", "text_too_long")
        return
    assert tokens
    for token in tokens:
        assert token != ""
        assert not any(is_control(ch) or ch.isspace() for ch in token), repr(token)


@SETTINGS
@given(ANY_TEXT.filter(lambda t: "\x1b" not in t and "\x9b" not in t))
def test_tokens_keep_every_character_but_whitespace_and_controls(text):
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text) if not (ch.isspace() or is_control(ch)))
    try:
        tokens = tokenize(text)
    except TutorError:
        assert kept == ""
        return
    assert "".join(tokens) == kept


@SETTINGS
@given(
    st.text(st.sampled_from(list("猫狗。，カ한"))),
    st.text(st.sampled_from(list("abc ")), min_size=1),
)
def test_every_cjk_character_is_a_token_of_its_own(cjk, english):
    try:
        tokens = tokenize(cjk + " " + english)
    except TutorError:
        return
    assert tokens[: len(cjk)] == list(cjk)


@pytest.mark.parametrize("code", [0x1100, 0x11FF, 0x2E80, 0x3005, 0x3007, 0x3021, 0x303B, 0x3041, 0x30FF, 0x3105,
                                  0x31BF, 0x3400, 0x4E00, 0x9FFF, 0xAC00, 0xD7A3, 0xFA0E, 0xFF66, 0xFFDC,
                                  0x1B000, 0x20000, 0x323AF])
def test_each_cjk_range_from_its_first_to_its_last_character_gives_one_token_each(code):
    assert tokenize(f"ab{chr(code)}{chr(code)}cd") == ["ab", chr(code), chr(code), "cd"]


@pytest.mark.parametrize("code", [0x10FF, 0x1B170])  # a Georgian and a Nüshu letter, next to the ranges
def test_letters_just_outside_the_cjk_ranges_join_the_word(code):
    assert tokenize(f"ab{chr(code)}{chr(code)}cd") == [f"ab{chr(code)}{chr(code)}cd"]
