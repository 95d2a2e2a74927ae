"""Small content packs written on the fly, for validator and engine tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

LESSON = """\
id: pack-basics
order: 90
minutes: 3
title: {en: Pack basics, zh: 内容包基础}
summary: {en: A lesson from a content pack., zh: 来自内容包的一课。}
objective: {en: Read a lesson that came from a pack., zh: 读一课来自内容包的课程。}
sections:
  - id: first
    title: {en: First section, zh: 第一节}
    body:
      en: "A **bold** word and `code`. [bold]not markup[/bold]"
      zh: 一个**加粗**的词和 `代码`。
  - id: second
    title: {en: Second section, zh: 第二节}
    body: {en: The second page., zh: 第二页。}
    figure:
      table:
        columns: [{en: Model, zh: 模型}, {en: Parameters, zh: 参数量}]
        rows:
          - [BERT-Base, 110M]
key_points:
  - {en: Packs work., zh: 内容包可用。}
terms: [pack-term]
walkthroughs: []
sources:
  - cite: "Test pack"
"""

GLOSSARY = """\
- id: pack-term
  name: {en: pack term, zh: 包术语}
  aliases: {en: [packword], zh: [包词]}
  definition: {en: A term defined by a pack., zh: 内容包定义的术语。}
  related: []
  lessons: [pack-basics]
"""

QUIZ = """\
lesson: pack-basics
questions:
  - id: pack-basics-01
    type: single
    concept: pack-term
    section: first
    prompt: {en: Which is a pack?, zh: 哪个是内容包？}
    choices:
      - {en: A folder of YAML, zh: 一个 YAML 文件夹}
      - {en: A binary, zh: 一个二进制文件}
    answer: A
    why_wrong:
      B: {en: A pack holds no code., zh: 内容包里没有代码。}
    explanation: {en: Packs are data., zh: 内容包是数据。}
"""


def write_pack(root: Path, lesson: str = LESSON, glossary: str = GLOSSARY, quiz: str = QUIZ) -> Path:
    """A pack laid out like the shipped course; returns its folder."""
    (root / "content" / "lessons").mkdir(parents=True, exist_ok=True)
    (root / "content" / "glossary").mkdir(parents=True, exist_ok=True)
    (root / "quizzes").mkdir(parents=True, exist_ok=True)
    (root / "content" / "lessons" / "90-pack-basics.yaml").write_text(textwrap.dedent(lesson), encoding="utf-8")
    (root / "content" / "glossary" / "pack.yaml").write_text(textwrap.dedent(glossary), encoding="utf-8")
    (root / "quizzes" / "90-pack-basics.yaml").write_text(textwrap.dedent(quiz), encoding="utf-8")
    return root
