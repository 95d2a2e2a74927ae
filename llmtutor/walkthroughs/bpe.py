"""`llmtutor walk bpe`: byte-pair encoding (Sennrich et al. 2016) learned merge by merge, then the course's own tokenizer.

The merges are learned by `llmtutor.model.bpe.MergeLearner`, the same loop that trained the
course model's byte-level tokenizer (one implementation). Here it runs on a small corpus whose
words start as their characters plus the end-of-word marker `</w>`, so every step can be read.
Each merge counts the adjacent symbol pairs over the corpus (weighted by word frequency), joins
the most frequent pair everywhere into one new symbol and adds it to the vocabulary. Ties go to
the pair seen first when reading the corpus in its written order, word by word, left to right,
so the result never depends on dictionary or hash order. The learner's text is then split at
whitespace and each word tokenized by applying the learned merges in the order they were
learned; characters the corpus never had stay single characters. The last step splits the
learner's text with the shipped course tokenizer (2,048 tokens over UTF-8 bytes).

JSON keys: corpus, initial_vocab, merges (pair, merged, count, top_pairs, vocab_size, corpus),
vocab, words, tokens, course_tokens (text, tokens, ids, bytes, vocab_size), settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmtutor.model.bpe import MergeLearner, merge_pair as _merge_ids
from llmtutor.walkthroughs.registry import WalkOptions, bpe_words
from llmtutor.walkthroughs.steps import Step, TableSpec, Walkthrough, check, plain, say

END = "</w>"
TOP_PAIRS = 5
# Sennrich et al.'s example words, a few for "the cat sat on the mat", and a few Chinese words.
CORPUS: tuple[tuple[str, int], ...] = (
    ("low", 5), ("lower", 2), ("newest", 6), ("widest", 3), ("the", 4), ("cat", 2), ("sat", 2), ("mat", 2),
    ("学习", 6), ("注意力", 5), ("注意", 2), ("喜欢", 4),
)

Symbols = tuple[str, ...]
Pair = tuple[str, str]


@dataclass(frozen=True)
class Merge:
    """One learned merge: the pair, how often it occurred, the top pairs it beat, and the result."""

    pair: Pair
    count: int
    top_pairs: tuple[tuple[Pair, int], ...]
    vocab_size: int  # after the merge
    words: tuple[Symbols, ...]  # the corpus words after the merge, in corpus order


def merge_pair(symbols: Symbols, pair: Pair) -> Symbols:
    """`symbols` with every occurrence of `pair` (left to right, not overlapping) joined into one."""
    return tuple(_merge_ids(symbols, pair, pair[0] + pair[1]))


def initial_vocab(corpus=CORPUS) -> list[str]:
    """The characters of the corpus in order of first appearance, then `</w>`."""
    return list(dict.fromkeys(ch for word, _ in corpus for ch in word)) + [END]


def learn_merges(n_merges: int, corpus=CORPUS) -> list[Merge]:
    """Up to `n_merges` merges learned on `corpus` (fewer when no pair is left)."""
    names = initial_vocab(corpus)  # symbol id → its text
    ids = {name: i for i, name in enumerate(names)}
    learner = MergeLearner([[ids[ch] for ch in word] + [ids[END]] for word, _ in corpus],
                           [freq for _, freq in corpus], len(names))
    merges: list[Merge] = []
    for _ in range(n_merges):
        best = learner.best()
        if best is None:
            break
        (a, b), count = best
        top = tuple(((names[x], names[y]), c) for (x, y), c in learner.ranked(TOP_PAIRS))
        names.append(names[a] + names[b])
        learner.merge((a, b))
        merges.append(Merge((names[a], names[b]), count, top, len(names),
                            tuple(tuple(names[i] for i in word) for word in learner.words)))
    return merges


def tokenize_word(word: str, merges: list[Merge]) -> Symbols:
    """`word` + `</w>` with the merges applied in the order they were learned."""
    symbols = tuple(word) + (END,)
    for merge in merges:
        symbols = merge_pair(symbols, merge.pair)
    return symbols


def _corpus_table(words: tuple[Symbols, ...]) -> TableSpec:
    return TableSpec((say("walk_col_word"), say("walk_col_count"), say("walk_col_symbols")),
                     tuple((word, freq, " ".join(symbols)) for (word, freq), symbols in zip(CORPUS, words)))


def build(options: WalkOptions) -> Walkthrough:
    """The BPE walkthrough for `options` (text, merges)."""
    start_vocab = initial_vocab()
    start_words = tuple(tuple(word) + (END,) for word, _ in CORPUS)
    merges = learn_merges(options.merges)
    vocab = start_vocab + [m.pair[0] + m.pair[1] for m in merges]
    words = bpe_words(options.text)
    tokens = [tokenize_word(word, merges) for word in words]
    known = set(vocab)
    unknown = sorted({s for word in tokens for s in word if s not in known})

    steps = [Step(say("walk_bpe_corpus_title"), say("walk_f_bpe_corpus"),
                  (), say("walk_bpe_corpus_text", words=len(CORPUS), total=sum(f for _, f in CORPUS),
                          size=len(start_vocab), vocab=" ".join(start_vocab)),
                  (check(len(start_vocab) == len(set(start_vocab)), "walk_check_vocab_start",
                         size=len(start_vocab)),),
                  (_corpus_table(start_words),))]
    before = start_words
    for number, merge in enumerate(merges, 1):
        a, b = merge.pair
        spelled = all("".join(s) == "".join(p) for s, p in zip(merge.words, before))
        top = TableSpec((say("walk_col_pair"), say("walk_col_count")),
                        tuple((f"{x} + {y}", count) for (x, y), count in merge.top_pairs),
                        title=say("walk_bpe_top_pairs", k=len(merge.top_pairs)), marked_row=0)
        steps.append(Step(
            say("walk_bpe_merge_title", k=number, a=a, b=b),
            say("walk_f_bpe_merge", a=a, b=b, ab=a + b, count=merge.count),
            (), say("walk_bpe_merge_text", a=a, b=b, ab=a + b, count=merge.count, before=merge.vocab_size - 1,
                    after=merge.vocab_size),
            (check(merge.count == merge.top_pairs[0][1], "walk_check_most_frequent", count=merge.count),
             check(spelled, "walk_check_same_words"),
             check(merge.vocab_size == len(start_vocab) + number, "walk_check_vocab_grew", size=merge.vocab_size)),
            (top, _corpus_table(merge.words))))
        before = merge.words

    rejoined = all("".join(symbols) == word + END for word, symbols in zip(words, tokens))
    steps.append(Step(
        say("walk_bpe_text_title"), say("walk_f_bpe_text"),
        (), say("walk_bpe_text_text", learned=len(merges), asked=options.merges, size=len(vocab),
                vocab=" ".join(vocab[len(start_vocab):]) or "∅"),
        (check(rejoined, "walk_check_tokens_spell"),
         check(all(len(s) == 1 for s in unknown), "walk_check_unknown_single",
               unknown=" ".join(unknown) or "∅")),
        (TableSpec((say("walk_col_word"), say("walk_col_tokens")),
                   tuple((word, " ".join(symbols)) for word, symbols in zip(words, tokens))),)))

    from llmtutor.model.bpe import course_tokenizer

    course = course_tokenizer()
    text = " ".join(words)
    course_ids = course.encode(text)
    course_shown = [course.display(i) for i in course_ids]
    steps.append(Step(
        say("walk_bpe_course_title"), say("walk_f_bpe_course", merges=len(course.merges)),
        (), say("walk_bpe_course_text", size=course.vocab_size, merges=len(course.merges), n=len(course_ids), bytes=len(text.encode("utf-8"))),
        (check(course.decode(course_ids) == text, "walk_check_course_round_trip"),
         check(b"".join(course.token_bytes(i) for i in course_ids) == text.encode("utf-8"),
               "walk_check_course_bytes", n=len(text.encode("utf-8")))),
        (TableSpec((say("walk_col_token"), say("walk_col_id"), say("walk_col_bytes")),
                   tuple((shown, token, course.token_bytes(token).hex(" "))
                         for shown, token in zip(course_shown, course_ids))),)))

    data = {"walkthrough": "bpe", "corpus": [{"word": word, "count": freq} for word, freq in CORPUS],
            "initial_vocab": start_vocab,
            "merges": [{"pair": list(m.pair), "merged": m.pair[0] + m.pair[1], "count": m.count,
                        "top_pairs": [[x, y, c] for (x, y), c in m.top_pairs], "vocab_size": m.vocab_size,
                        "corpus": [list(s) for s in m.words]} for m in merges],
            "vocab": vocab, "words": words, "tokens": [list(s) for s in tokens],
            "course_tokens": {"text": text, "tokens": course_shown, "ids": course_ids,
                              "bytes": [course.token_bytes(i).hex() for i in course_ids],
                              "vocab_size": course.vocab_size},
            "settings": {"merges_asked": options.merges, "merges_learned": len(merges), "end_of_word": END,
                         "tie_break": "the pair seen first in corpus order"}}
    return Walkthrough("bpe", steps, plain(data))
