"""Finding things: close suggestions only, `search` across the course, `next`."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("args", [("explain", "NLP"), ("learn", "99"), ("explain", "zzqx")])
def test_nothing_is_suggested_when_nothing_is_close(tutor, args):
    result = tutor(*args)
    assert "Did you mean" not in result.output


@pytest.mark.parametrize("args, expected", [
    (("walk", "masc"), "masks"),
    (("learn", "transfomers-and-such"), "transformer"),
    (("explain", "self-atension-thing"), "self-attention"),
    (("lesons",), "lessons"),
])
def test_close_names_are_suggested(tutor, args, expected):
    result = tutor(*args)
    assert result.exit_code in (1, 2)
    assert "Did you mean" in result.output and expected in result.output


def test_initials_find_the_term(tutor):
    from llmtutor.course.lookup import suggestions

    spellings = [("scaled dot-product attention", "sdpa-term"), ("feed-forward network", "ffn-term")]
    assert suggestions("sdpa", spellings) == ["sdpa-term"]
    assert suggestions("nsp", spellings) == []


def test_search_finds_lesson_pages_terms_and_questions_each_with_its_command(tutor):
    hits = tutor.json("search", "causal", "mask", "--json", "--limit", "30")["hits"]
    kinds = {hit["kind"] for hit in hits}
    assert kinds == {"lesson", "term", "question"}
    assert hits[0]["command"] == "llmtutor explain causal-mask"
    lesson_hit = next(hit for hit in hits if hit["kind"] == "lesson")
    assert lesson_hit["command"] == f"llmtutor learn {lesson_hit['id']} --page {lesson_hit['page']}"


def test_a_search_hit_opens_where_it_says(tutor):
    hit = next(h for h in tutor.json("search", "Lighthill", "--json")["hits"] if h["kind"] == "lesson")
    page = tutor(*hit["command"].split()[1:])
    assert page.exit_code == 0
    assert "Lighthill" in page.output and f"{hit['page']}/" in page.output.splitlines()[0]


def test_a_chinese_query_finds_chinese_text_without_spaces(tutor):
    hits = tutor.json("--lang", "zh", "search", "因果掩码", "--json")["hits"]
    assert hits[0]["id"] == "causal-mask" and hits[0]["title"] == "因果掩码"
    assert any(hit["kind"] == "lesson" and "因果掩码" in hit["snippet"] for hit in hits)


def test_search_in_the_other_language_still_finds(tutor):
    hits = tutor.json("--lang", "en", "search", "自注意力", "--json")["hits"]
    assert any(hit["id"] == "self-attention" for hit in hits)


def test_search_never_shows_the_explanation_of_a_question(tutor):
    from llmtutor.course.loader import load_course

    course = load_course().course
    question = next(q for q in course.questions if q.choices and len(q.explanation.en) > 60)
    words = question.explanation.en.split()[3:7]
    hits = tutor.json("search", *words, "--json", "--limit", "100")["hits"]
    assert all(question.explanation.en[:40] not in hit["snippet"] for hit in hits)


def test_explain_falls_back_to_search_when_no_term_matches(tutor):
    result = tutor("explain", "Lighthill")  # a name the lessons use, with no glossary entry
    assert result.exit_code == 0
    assert "not a glossary term" in result.output and "llmtutor learn ai-history --page" in result.output


def test_explain_of_nothing_anywhere_is_still_an_error(tutor):
    result = tutor("explain", "xyzzy-plugh")
    assert result.exit_code == 1
    assert "is not in the glossary" in result.output


@pytest.mark.parametrize("width", [40, 80, 200])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_search_results_fit_and_break_no_word(tutor, width, lang):
    from screens import assert_fits

    result = tutor("--lang", lang, "search", "softmax", env={"COLUMNS": str(width)})
    assert result.exit_code == 0
    assert_fits(result.output, width)
