"""Review that teaches: confidence, per-choice feedback, what was chosen, content hashes, orphan
cards, computed skills, leeches, partial credit, and the store migration that holds it all."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from packs import QUIZ, write_pack

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)

MULTIPLE = """\
  - id: pack-basics-02
    type: multiple
    concept: pack-term
    section: second
    prompt: {en: Which are parts of a pack?, zh: 哪些是内容包的组成部分？}
    choices:
      - {en: Lessons, zh: 课程}
      - {en: Compiled code, zh: 编译后的代码}
      - {en: Quiz banks, zh: 题库}
      - {en: A glossary, zh: 术语表}
    answer: [A, C, D]
    why_wrong:
      B: {en: Packs never hold code., zh: 内容包从不包含代码。}
    explanation: {en: A pack is data., zh: 内容包是数据。}
"""


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _store():
    from llmtutor.store.db import open_store

    return open_store()


def _pack(tmp_path, quiz: str = QUIZ):
    return str(write_pack(tmp_path / "pack", quiz=quiz))


def _letters(tutor, pack, qid="pack-basics-01", seed=1):
    """The shown letters of the right answer (and the wrong one) for a seeded pack quiz."""
    data = tutor.json("--content-dir", pack, "quiz", "pack-basics", "--seed", str(seed), "--count", "1", "--json",
                      "--answers", "-", input="\n")
    from llmtutor.store.answers import reset_answers

    store = _store()
    reset_answers(store)
    store.close()
    right = data["questions"][0]["expected"]
    return right, "B" if right == "A" else "A"


# --- FSRS with an explicit clock ---------------------------------------------------------------

def test_the_rating_follows_score_and_confidence():
    from fsrs import Rating

    from llmtutor.quiz.review import rating_for

    assert rating_for(1.0) == rating_for(1.0, "sure") == Rating.Good
    assert rating_for(1.0, "unsure") == Rating.Hard
    assert rating_for(0.5) == rating_for(0.5, "sure") == Rating.Hard
    assert rating_for(0.0) == rating_for(0.0, "unsure") == Rating.Again


def test_a_lucky_guess_comes_back_sooner_than_knowledge():
    from llmtutor.quiz.review import next_card

    store = _store()
    due = {label: _when(next_card(store, f"q-{label}", score, confidence, when=T0)[1])
           for label, score, confidence in [("again", 0.0, ""), ("hard", 1.0, "unsure"), ("partial", 0.5, "sure"),
                                            ("good", 1.0, "sure")]}
    assert due["again"] - T0 == timedelta(minutes=1)
    assert due["hard"] == due["partial"]
    assert due["again"] < due["hard"] < due["good"]
    assert due["good"] - T0 == timedelta(minutes=10)
    store.close()


def test_answers_with_a_trailing_question_mark_are_unsure_and_scheduled_hard(tutor, tmp_path):
    pack = _pack(tmp_path)
    right, _ = _letters(tutor, pack)
    data = tutor.json("--content-dir", pack, "quiz", "pack-basics", "--seed", "1", "--count", "1", "--json",
                      "--answers", "-", input=f"{right}?\n")
    assert data["questions"][0]["correct"] is True and data["questions"][0]["confidence"] == "unsure"
    store = _store()
    row = store.connection.execute("SELECT confidence, score FROM answers").fetchone()
    assert (row["confidence"], row["score"]) == ("unsure", 1.0)
    card = store.connection.execute("SELECT due, updated_at FROM review_cards").fetchone()
    gap = _when(card["due"]) - _when(card["updated_at"])
    assert timedelta(minutes=4) < gap < timedelta(minutes=8)  # Hard: between Again (1 min) and Good (10 min)
    store.close()


# --- what feedback says -----------------------------------------------------------------------

def test_right_but_unsure_answers_are_counted_in_the_summary(tutor, tmp_path):
    pack = _pack(tmp_path)
    right, _ = _letters(tutor, pack)
    shown = tutor("--content-dir", pack, "quiz", "pack-basics", "--seed", "1", "--count", "1", "--answers", "-",
                  input=f"{right}?\n")
    assert "You were unsure, so it comes back sooner." in shown.output
    assert "Right but unsure: 1." in shown.output
    zh = tutor("--lang", "zh", "--content-dir", pack, "quiz", "pack-basics", "--seed", "1", "--count", "1",
               "--answers", "-", input=f"{right}？\n")
    assert "答对但没把握：1 道" in zh.output


def test_a_wrong_choice_gets_its_own_explanation_and_the_section_to_reread(tutor, tmp_path):
    pack = _pack(tmp_path)
    _, wrong = _letters(tutor, pack)
    result = tutor("--content-dir", pack, "quiz", "pack-basics", "--seed", "1", "--count", "1", "--answers", "-",
                   input=f"{wrong}\n")
    assert result.exit_code == 0, result.output
    assert "A pack holds no code." in result.output
    assert "Re-read: llmtutor learn pack-basics → First section" in result.output
    zh = tutor("--lang", "zh", "--content-dir", pack, "quiz", "pack-basics", "--seed", "1", "--count", "1",
               "--answers", "-", input=f"{wrong}\n")
    assert "内容包里没有代码。" in zh.output and "重读：llmtutor learn pack-basics → 第一节" in zh.output


def test_partial_credit_is_shown_and_counted(tutor, tmp_path):
    pack = _pack(tmp_path, QUIZ + MULTIPLE)
    data = tutor.json("--content-dir", pack, "quiz", "pack-basics", "--type", "multiple", "--seed", "2",
                      "--count", "1", "--json", "--answers", "-", input="\n")
    right = data["questions"][0]["expected"].split(",")  # three letters
    typed = ",".join(right[:2])  # two of three right, none wrong: 2/3
    result = tutor("--content-dir", pack, "quiz", "pack-basics", "--type", "multiple", "--seed", "2", "--count", "1",
                   "--answers", "-", input=typed + "\n")
    assert "Partly right: 0.67 of 1 point" in result.output
    assert "Score: 0.67/1" in result.output
    progress = tutor.json("--content-dir", pack, "progress", "--json")
    assert progress["mastery"]["pack-term"] == {"right": pytest.approx(2 / 3, abs=1e-3), "answered": 1}
    assert progress["correct"] == pytest.approx(2 / 3, abs=1e-3)


def test_confident_mistakes_come_first_in_the_summary(tutor, tmp_path):
    pack = _pack(tmp_path, QUIZ + MULTIPLE)
    data = tutor.json("--content-dir", pack, "quiz", "pack-basics", "--seed", "5", "--count", "2", "--json",
                      "--answers", "-", input="\n\n")
    ids = [q["id"] for q in data["questions"]]
    wrong = {"pack-basics-01": None, "pack-basics-02": None}
    for q in data["questions"]:
        letters = set("ABCD"[: 2 if q["id"] == "pack-basics-01" else 4]) - set(q["expected"].split(","))
        wrong[q["id"]] = sorted(letters)[0]
    # the first question wrong but unsure, the second wrong and sure
    typed = f"{wrong[ids[0]]}?\n{wrong[ids[1]]}\n"
    result = tutor("--content-dir", pack, "quiz", "pack-basics", "--seed", "5", "--count", "2", "--answers", "-",
                   input=typed)
    summary = result.output[result.output.index("Score:"):]
    assert "1 confident mistake(s) first" in summary
    prompts = {"pack-basics-01": "Which is a pack?", "pack-basics-02": "Which are parts of a pack?"}
    assert summary.index("! " + prompts[ids[1]]) < summary.index(prompts[ids[0]])


# --- what is stored, and export ---------------------------------------------------------------

def test_the_shown_order_the_pick_and_the_hash_are_stored_and_exported(tutor, tmp_path):
    import csv
    import io

    pack = _pack(tmp_path)
    _, wrong = _letters(tutor, pack)
    tutor("--content-dir", pack, "quiz", "pack-basics", "--seed", "1", "--count", "1", "--answers", "-",
          input=f"{wrong}\n")
    rows = tutor.json("--content-dir", pack, "export")
    assert len(rows) == 1
    row = rows[0]
    assert row["session_kind"] == "quiz" and row["question"] == "Which is a pack?"
    assert row["picked"] == "B"  # the wrong choice as written in the file, whatever letter it was shown under
    assert sorted(row["shown_order"].split(",")) == ["A", "B"]
    assert row["score"] == 0 and row["confidence"] == "" and len(row["content_hash"]) == 16
    text = tutor("--content-dir", pack, "export", "--format", "csv").stdout
    header = next(csv.reader(io.StringIO(text)))
    for column in ("session_kind", "question", "shown_order", "picked", "content_hash", "confidence", "score"):
        assert column in header
    zh = tutor.json("--lang", "zh", "--content-dir", pack, "export")
    assert zh[0]["question"] == "哪个是内容包？"


def test_the_topic_is_stored_as_what_it_resolved_to(tutor):
    tutor("quiz", "8", "--seed", "1", "--count", "1", "--answers", "-", input="\n")
    tutor("quiz", "Softmax", "--seed", "1", "--count", "1", "--answers", "-", input="\n")
    sessions = tutor.json("progress", "--json")["recent_sessions"]
    assert [s["resolved_topics"] for s in sessions] == ["term:softmax", "lesson:attention"]
    assert [s["topics"] for s in sessions] == ["Softmax", "8"]
    recent = tutor("progress").output.split("Recent sessions")[1]
    assert "Attention" in recent and "softmax" in recent and " 8 " not in recent


def test_content_hash_follows_the_key_not_the_prose(tmp_path):
    from llmtutor.course.loader import load_files, pack_files
    from llmtutor.quiz.review import content_hash

    def question(quiz):
        course = load_files(pack_files(write_pack(tmp_path / f"p{len(list(tmp_path.iterdir()))}", quiz=quiz))).course
        return next(q for q in course.questions if q.id == "pack-basics-01")

    base = content_hash(question(QUIZ))
    typo_fixed = QUIZ.replace("Which is a pack?", "Which one is a pack?").replace("A binary", "A binary file")
    assert content_hash(question(typo_fixed)) == base
    new_key = QUIZ.replace("    answer: A\n", "    answer: B\n").replace("      B: {en: A pack holds",
                                                                          "      A: {en: A pack holds")
    assert content_hash(question(new_key)) != base


def test_a_changed_key_resets_the_card():
    from llmtutor.quiz.review import next_card
    from llmtutor.store.answers import AnswerRecord, record_answer

    store = _store()
    when = T0
    for _ in range(3):  # three right answers: the interval grows to days
        card_json, due = next_card(store, "q", 1.0, "sure", "hash-1", when=when)
        record_answer(store, None, AnswerRecord("q", "c", "l", "single", "A", "A", True, score=1.0,
                                                content_hash="hash-1"), card_json, due)
        when = _when(due)
    long_gap = _when(due) - when
    kept, kept_due = next_card(store, "q", 1.0, "sure", "hash-1", when=when)
    reset, reset_due = next_card(store, "q", 1.0, "sure", "hash-2", when=when)
    assert _when(kept_due) - when > timedelta(days=1)
    assert _when(reset_due) - when == timedelta(minutes=10)  # a new card's first Good
    assert long_gap >= timedelta(0)
    store.close()


# --- which cards are counted and asked ---------------------------------------------------------

def _make_due(question_ids=None):
    store = _store()
    with store.transaction() as db:
        db.execute("UPDATE review_cards SET due = '2000-01-01T00:00:00+00:00'")
    store.close()


def _add_card(question_id: str, due: str = "1999-01-01T00:00:00+00:00"):
    from llmtutor.quiz.review import next_card

    store = _store()
    card_json, _ = next_card(store, question_id, 0.0, when=T0)
    with store.transaction() as db:
        db.execute("INSERT INTO review_cards (question_id, card_json, due, updated_at) VALUES (?, ?, ?, ?)",
                   (question_id, card_json, due, due))
    store.close()


def test_orphan_cards_are_neither_counted_nor_asked(tutor):
    tutor("quiz", "attention", "--seed", "4", "--count", "1", "--type", "single", "--answers", "-", input="\n")
    _make_due()
    _add_card("a-question-removed-from-the-course")  # the most overdue of all
    _add_card("gen-nosuchkind-12")
    assert tutor.json("progress", "--json")["due_reviews"] == 1
    data = tutor.json("review", "--count", "1", "--json", "--answers", "-", input="\n")
    assert data["total"] == 1 and data["questions"][0]["id"].startswith("attention-")


def test_computed_exercises_come_back_as_one_fresh_card_per_skill(tutor):
    first = tutor.json("quiz", "--type", "generated", "--seed", "11", "--count", "6", "--json", "--answers", "-",
                       input="\n" * 6)
    kinds = {q["id"].split("-")[1] for q in first["questions"]}
    store = _store()
    cards = {row[0] for row in store.connection.execute("SELECT question_id FROM review_cards")}
    store.close()
    assert cards == {f"gen-{kind}" for kind in kinds}  # one card per skill, however many exercises
    _make_due()
    again = tutor.json("review", "--count", "20", "--json", "--answers", "-", input="\n" * len(cards))
    asked = [q["id"] for q in again["questions"]]
    assert len(asked) == len(cards)
    assert {qid.rsplit("-", 1)[0] for qid in asked} == cards
    assert not set(asked) & {q["id"] for q in first["questions"]}  # fresh numbers (new seeds)


def test_computed_exercises_are_mixed_into_whole_course_quizzes(tutor):
    data = tutor.json("quiz", "--seed", "3", "--count", "8", "--json", "--answers", "-", input="\n" * 8)
    assert sum(1 for q in data["questions"] if q["id"].startswith("gen-")) == 2


@pytest.mark.parametrize("kind", ["softmax", "shape", "scaled", "causal", "heads", "params", "kvcache", "flops"])
def test_every_computed_kind_is_graded_right_by_its_own_key(kind):
    import random

    from llmtutor.quiz import generated
    from llmtutor.quiz.grading import grade, present

    for seed in range(40):
        question = generated.generate(kind, seed)
        shown = present(question, random.Random(seed))
        assert grade(shown, shown.expected("en")).correct, (kind, seed, shown.expected("en"))
        if question.type == "numeric":
            stated = f"±{question.tolerance:g}" in question.prompt.en or "exact" in question.prompt.en
            assert stated, question.prompt.en  # the tolerance is stated in the question


def test_widened_exercises_use_other_sizes():
    from llmtutor.quiz import generated

    d_ks = {generated.generate("scaled", seed).prompt.en.split("d_k = ")[1].split(".")[0] for seed in range(60)}
    assert d_ks - {"2", "4"}
    prompts = " ".join(generated.generate("heads", seed).prompt.en for seed in range(30))
    assert "heads" in prompts


# --- leeches -----------------------------------------------------------------------------------

def test_a_question_failed_many_times_is_flagged_and_sends_the_learner_to_its_section(tutor, tmp_path):
    pack = _pack(tmp_path)
    _, wrong = _letters(tutor, pack)
    for attempt in range(1, 5):
        data = tutor.json("--content-dir", pack, "quiz", "pack-basics", "--seed", "1", "--count", "1", "--json",
                          "--answers", "-", input=f"{wrong}\n")
        assert data["questions"][0].get("leech", False) is (attempt >= 4)
    result = tutor("--content-dir", pack, "quiz", "pack-basics", "--seed", "1", "--count", "1", "--answers", "-",
                   input=f"{wrong}\n")
    assert "You have missed this 5 times" in result.output
    assert "llmtutor learn pack-basics → First section" in result.output
    progress = tutor.json("--content-dir", pack, "progress", "--json")
    assert progress["leeches"] == [{"id": "pack-basics-01", "failures": 5, "lesson": "pack-basics",
                                    "section": "first"}]
    assert "Missed many times" in tutor("--content-dir", pack, "progress").output


# --- the migration -----------------------------------------------------------------------------

def test_migration_from_version_2_keeps_answers_and_fills_the_new_columns(learner_home):
    from llmtutor.store.db import MIGRATIONS, SCHEMA_VERSION, open_store

    learner_home.mkdir(parents=True)
    old = sqlite3.connect(learner_home / "progress.db")
    old.executescript(MIGRATIONS[0] + MIGRATIONS[1])
    old.execute("INSERT INTO quiz_sessions (kind, topics, started_at, score, total) VALUES ('quiz', '8', 't', 1, 2)")
    old.execute("INSERT INTO answers (session_id, question_id, concept, lesson_id, qtype, given, expected, correct, "
                "answered_at) VALUES (1, 'attention-01', 'attention', 'attention', 'single', 'B', 'B', 1, 't')")
    old.execute("INSERT INTO answers (session_id, question_id, concept, lesson_id, qtype, given, expected, correct, "
                "answered_at) VALUES (1, 'gen-softmax-12', 'softmax', 'attention', 'numeric', '', '0.5', 0, 't')")
    for qid, due in (("attention-01", "2026-01-05"), ("gen-softmax-12", "2026-01-03"), ("gen-softmax-99", "2026-01-02"),
                     ("gen-shape-7", "2026-01-04")):
        old.execute("INSERT INTO review_cards VALUES (?, ?, ?, 't')", (qid, '{"card": "' + qid + '"}', due))
    old.execute("PRAGMA user_version = 2")
    old.commit()
    old.close()
    store = open_store()
    assert store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    rows = [dict(r) for r in store.connection.execute(
        "SELECT question_id, correct, score, shown_order, picked, content_hash, confidence FROM answers ORDER BY id")]
    assert rows == [
        {"question_id": "attention-01", "correct": 1, "score": 1.0, "shown_order": "", "picked": "",
         "content_hash": "", "confidence": ""},
        {"question_id": "gen-softmax-12", "correct": 0, "score": 0.0, "shown_order": "", "picked": "",
         "content_hash": "", "confidence": ""}]
    cards = {r["question_id"]: (r["due"], r["card_json"], r["content_hash"])
             for r in store.connection.execute("SELECT * FROM review_cards")}
    # per-exercise cards became one card per skill, keeping the most overdue
    assert cards == {"attention-01": ("2026-01-05", '{"card": "attention-01"}', ""),
                     "gen-softmax": ("2026-01-02", '{"card": "gen-softmax-99"}', ""),
                     "gen-shape": ("2026-01-04", '{"card": "gen-shape-7"}', "")}
    session = dict(store.connection.execute("SELECT topics, resolved_topics FROM quiz_sessions").fetchone())
    assert session == {"topics": "8", "resolved_topics": ""}
    store.close()


def test_a_migrated_store_works_through_the_cli(tutor, learner_home):
    from llmtutor.store.db import MIGRATIONS

    learner_home.mkdir(parents=True)
    old = sqlite3.connect(learner_home / "progress.db")
    old.executescript(MIGRATIONS[0] + MIGRATIONS[1])
    old.execute("INSERT INTO answers (session_id, question_id, concept, lesson_id, qtype, given, expected, correct, "
                "answered_at) VALUES (NULL, 'attention-01', 'attention', 'attention', 'single', 'B', 'B', 1, 't')")
    old.execute("PRAGMA user_version = 2")
    old.commit()
    old.close()
    progress = tutor.json("progress", "--json")
    assert progress["questions_answered"] == 1 and progress["correct"] == 1
    rows = tutor.json("export")
    assert rows[0]["score"] == 1.0 and rows[0]["session_kind"] == ""


def test_an_answer_to_a_changed_key_no_longer_counts_in_mastery(tutor, tmp_path):
    pack = _pack(tmp_path)
    right, _ = _letters(tutor, pack)
    tutor("--content-dir", pack, "quiz", "pack-basics", "--seed", "1", "--count", "1", "--answers", "-",
          input=f"{right}\n")
    assert tutor.json("--content-dir", pack, "progress", "--json")["mastery"]["pack-term"] == {"right": 1, "answered": 1}
    changed = QUIZ.replace("    answer: A\n", "    answer: B\n").replace("      B: {en: A pack holds",
                                                                         "      A: {en: A pack holds")
    write_pack(tmp_path / "pack", quiz=changed)
    assert "pack-term" not in tutor.json("--content-dir", pack, "progress", "--json")["mastery"]
    reworded = QUIZ.replace("Which is a pack?", "Which one is a pack?")
    write_pack(tmp_path / "pack", quiz=reworded)
    assert tutor.json("--content-dir", pack, "progress", "--json")["mastery"]["pack-term"] == {"right": 1, "answered": 1}
