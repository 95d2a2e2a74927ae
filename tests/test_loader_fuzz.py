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


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True  # NaN
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


plain_documents = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
              st.sampled_from(["yes", "no", "on", "0x1F", "1e3", "~", "2017-06-12", "12:30", "<<", "-", "0o17"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=80, deadline=None)
@given(document=plain_documents, style=st.sampled_from([None, False, True]))
def test_located_values_equal_what_the_safe_loader_reads(document, style):
    from llmtutor.course.located_reader import load_located

    text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=style)
    assert _same(_plain(load_located(text)), yaml.safe_load(text))


def test_yaml_features_read_like_the_safe_loader():
    from llmtutor.course.located_reader import load_located

    text = """
base: &base {a: 1, b: [x, y]}
merged:
  <<: *base
  b: overridden
tagged: !!str 123
date: 2017-06-12
flow: [1, 2.5, true, null, "quoted"]
folded: >
  two
  lines
"""
    assert _plain(load_located(text)) == yaml.safe_load(text)
