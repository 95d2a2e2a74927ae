"""The shipped course as a learner and an author need it: complete, bilingual, balanced."""

from __future__ import annotations

import collections
import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from llmtutor.course.loader import load_course
from llmtutor.render.lesson import lesson_page, page_count

COURSE = load_course(use_cache=False).course
SENTENCE_END = re.compile(r"[.!?。！？](\s|$)")


def test_the_whole_syllabus_is_taught_in_sixteen_lessons():
    assert [lesson.id for lesson in COURSE.lessons] == [
        "ai-history", "nlp-progress", "what-is-llm", "lm-history", "llm-vs-classic", "importance-challenges",
        "basic-concepts", "attention", "transformer", "learning-attention", "gpt-vs-bert", "pretraining", "fine-tuning",
        "other-techniques", "trends", "reading-example"]


@pytest.mark.parametrize("lesson", COURSE.lessons, ids=lambda x: x.id)
def test_each_lesson_has_what_a_learner_needs(lesson):
    assert lesson.objective.en and lesson.objective.zh
    assert 3 <= len(lesson.sections) <= 8
    assert 3 <= len(lesson.key_points) <= 6
    assert any(s.example or s.figure for s in lesson.sections), "a worked example or a figure"
    assert lesson.terms and lesson.sources
    questions = [q for q in COURSE.questions if q.lesson == lesson.id]
    assert len(questions) >= 8


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_fits_80_columns(lang):
    from llmtutor.i18n import set_language

    set_language(lang)
    for lesson in COURSE.lessons:
        for index in range(page_count(lesson)):
            console = Console(file=io.StringIO(), width=80, color_system=None)
            console.print(lesson_page(COURSE, lesson, index, lang))
            lines = console.file.getvalue().splitlines()
            assert all(cell_len(line) <= 80 for line in lines), (lesson.id, index)
    set_language(None)


def test_the_figures_of_the_source_are_drawn():
    kinds = {(lesson.id, s.figure.kind) for lesson in COURSE.lessons for s in lesson.sections if s.figure}
    assert ("ai-history", "timeline") in kinds
    assert ("transformer", "diagram") in kinds
    assert ("attention", "diagram") in kinds


def test_question_banks_are_large_and_teach_the_sources_errors():
    assert len(COURSE.questions) >= 150
    assert sum(q.misconception for q in COURSE.questions) >= 20
    types = collections.Counter(q.type for q in COURSE.questions)
    assert set(types) == {"single", "multiple", "true_false", "short", "ordering", "numeric"}


def test_right_answers_are_not_given_away_by_position_or_length():
    singles = [q for q in COURSE.questions if q.type == "single"]
    letters = collections.Counter(q.answer[0] for q in singles)
    assert max(letters.values()) / len(singles) < 0.4
    longest = sum(1 for q in singles
                  if len(q.choices[q.answer[0]].en) > max(len(c.en) for i, c in enumerate(q.choices) if i != q.answer[0]))
    assert longest / len(singles) < 0.5


def test_glossary_has_every_concept_with_aliases_and_short_definitions():
    assert len(COURSE.terms) >= 45
    for term in COURSE.terms:
        sentences = len(SENTENCE_END.findall(term.definition.en.replace("et al.", "et al").replace("e.g.", "eg")))
        assert 2 <= sentences <= 5, (term.id, sentences)
        assert term.lessons
    for required in ("softmax", "scaled-dot-product-attention", "multi-head-attention", "positional-encoding",
                     "causal-mask", "masked-language-model", "next-token-prediction", "bpe", "layer-normalization",
                     "residual-connection", "encoder", "decoder", "rnn", "lstm", "word2vec", "glove", "elmo", "bert",
                     "gpt", "in-context-learning", "few-shot-learning", "lora", "distillation", "pruning",
                     "quantization", "mixed-precision", "data-parallelism", "model-parallelism",
                     "pipeline-parallelism", "scaling-laws", "perplexity", "hallucination", "flops"):
        assert COURSE.term(required), required


def test_lessons_link_to_walkthroughs_and_every_walkthrough_is_linked():
    linked = {walk for lesson in COURSE.lessons for walk in lesson.walkthroughs}
    assert linked == {walk.id for walk in COURSE.walkthroughs}


LESSON_TERM_NAMES = sorted({(lang, COURSE.term(term_id).name.get(lang), term_id)
                            for lesson in COURSE.lessons for term_id in lesson.terms for lang in ("en", "zh")})


@pytest.mark.parametrize("lang, name, term_id", LESSON_TERM_NAMES, ids=lambda x: str(x))
def test_every_key_term_a_lesson_names_resolves_with_explain(tutor, lang, name, term_id):
    """A lesson's closing lists its terms by name; typing that name into `explain` finds that term."""
    assert tutor.json("--lang", lang, "explain", name, "--json")["id"] == term_id


@pytest.mark.parametrize("typed, term_id", [
    ("query", "query-key-value"), ("key", "query-key-value"), ("value", "query-key-value"),
    ("查询", "query-key-value"), ("键", "query-key-value"), ("值", "query-key-value"),
    ("multi-head", "multi-head-attention"), ("多头", "multi-head-attention"), ("RLHF", "rlhf"),
    ("KV cache", "kv-cache"), ("NLP", "nlp"), ("temperature", "temperature"), ("RoPE", "rope"),
    ("ALiBi", "alibi"), ("prompt tuning", "prompt-tuning"), ("prefix tuning", "prefix-tuning"),
    ("warm-up", "warmup"), ("label smoothing", "label-smoothing"), ("PPO-ptx", "rlhf"),
    ("旋转位置编码", "rope"), ("键值缓存", "kv-cache"), ("标签平滑", "label-smoothing"), ("学习率预热", "warmup"),
])
def test_the_terms_learners_type_resolve_with_explain(tutor, typed, term_id):
    assert tutor.json("explain", typed, "--json")["id"] == term_id
