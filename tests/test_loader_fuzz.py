"""Arbitrary YAML documents give a validation error or a valid model, never another exception."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from llmtutor.course.problem import Problem
from llmtutor.course.loader import ContentFile, load_files

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(["id", "title", "en", "zh", "sections", "body", "type",
                                                             "answer", "choices", "questions", "lesson", "name",
                                                             "definition", "figure", "table", "rows", "x"]),
                                            inner, max_size=6)),
    max_leaves=25,
)
KINDS = ("lesson", "glossary", "quiz", "walkthroughs")


def _load(tmp_path, text: str, kind: str):
    path = tmp_path / f"{kind}.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return load_files([ContentFile(path, kind, path.name)])


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(document=documents, kind=st.sampled_from(KINDS))
def test_any_yaml_document_is_a_model_or_problems(tmp_path, document, kind):
    result = _load(tmp_path, yaml.safe_dump(document, allow_unicode=True), kind)
    assert all(isinstance(problem, Problem) for problem in result.problems)
    for problem in result.problems:
        assert problem.text()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=st.text(max_size=200), kind=st.sampled_from(KINDS))
def test_any_text_is_a_model_or_problems(tmp_path, text, kind):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return
    result = _load(tmp_path, text, kind)
    assert all(isinstance(problem, Problem) for problem in result.problems)
