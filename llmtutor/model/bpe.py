"""Byte-level byte-pair encoding (Sennrich et al. 2016, over UTF-8 bytes as GPT-2 does): one module.

The course model's tokenizer and `llmtutor walk bpe` both learn their merges with `MergeLearner`
below; there is no second implementation.

    >>> from llmtutor.model.bpe import train_bpe, course_tokenizer
    >>> tok = train_bpe("low lower newest widest " * 50, vocab_size=270)
    >>> ids = tok.encode("lowest 注意力 👍")
    >>> tok.decode(ids)
    'lowest 注意力 👍'
    >>> [tok.display(i) for i in tok.encode("low")]
    ['low']

The stable API (what `generate` and `walk forward` build on):

- `train_bpe(text, vocab_size) -> Tokenizer`: learn `vocab_size − 256` merges on `text`.
- `Tokenizer.encode(text) -> list[int]`, `Tokenizer.decode(ids) -> str`: `decode(encode(s)) == s`
  for every string (a lone surrogate travels as its three "surrogatepass" bytes); no
  normalisation. `decode` of ids that end inside a character shows U+FFFD for the broken bytes.
- `Tokenizer.token_bytes(id) -> bytes`: the bytes a token stands for.
- `Tokenizer.display(id) -> str`: a token as a learner reads it: "␣" for a space, "↵" for a
  newline, "⇥" for a tab, control pictures for other control characters, and "⟨e6⟩" for each
  byte that is only part of a character (a Chinese character is three bytes in UTF-8).
- `Tokenizer.vocab_size`, `Tokenizer.merges` (list of `(left id, right id)`, id 256 + rank).
- `Tokenizer.save(path)` and `load_tokenizer(path)`: a JSON file (data only: nothing in it runs).
- `course_tokenizer()`: the shipped tokenizer of the course model (`weights/course-bpe.json`).

Ids 0–255 are the single bytes (the byte fallback: any string encodes); id 256 + k is merge k.

Training first splits the text into chunks as GPT-2 does (a word with its leading space, a run of
digits, a run of punctuation, whitespace; here also a run of CJK characters on its own), so no
merge crosses a chunk boundary. Equal chunks are counted once with their frequency. Each merge
joins the most frequent adjacent pair (ties: the pair seen first when reading the chunks in the
order they first occur, left to right), and only the chunks that contain the pair are updated:
the pair counts change incrementally, so 650 kB trains in seconds.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

FORMAT = "llmtutor-bpe-1"
N_BYTES = 256
WEIGHTS = Path(__file__).resolve().parent / "weights"
COURSE_TOKENIZER = WEIGHTS / "course-bpe.json"

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_FIRST_CJK = "\u3040"
# Every character belongs to one alternative (the last one catches anything left), so the chunks
# always join back into the text.
_PATTERN = (
    rf"""'(?:s|t|re|ve|m|ll|d)(?![^\W\d_])"""  # English contractions, as GPT-2
    rf"""| ?[{_CJK}]+"""  # a run of Chinese (and Japanese) characters
    rf"""| ?(?:(?![{_CJK}])[^\W\d_])+"""  # a word: letters only
    rf"""| ?\d+"""  # a number
    rf"""| ?(?:[^\w\s]|_)+"""  # punctuation, symbols, emoji
    rf"""|\s+(?!\S)|\s+"""  # whitespace (the last space before a word goes with the word)
    rf"""|[\s\S]""")
# Python's `re` compiles a character class by listing its characters one by one: the two Chinese
# classes above cost ~9 ms to compile, at every start-up that reads a Chinese text. So `_PATTERN`
# is the rule (tests hold `chunks` to it), and `chunks` applies it in two cheaper ways:
# - a text with no character from U+3040 on: the pattern without the Chinese alternatives, whose
#   chunks are the same there (the Chinese run never matches and the look-ahead always holds);
# - any other text: `_chunks_with_cjk`, which finds the Chinese runs itself (`_is_cjk`) and lets
#   that same pattern, its word alternative named, find everything else.
_PATTERN_NO_CJK = _PATTERN.replace(rf"""| ?[{_CJK}]+""", "").replace(rf"""(?![{_CJK}])""", "")
_SCAN_PATTERN = _PATTERN_NO_CJK.replace(r"""| ?(?:[^\W\d_])+""", r"""|(?P<word> ?(?:[^\W\d_])+)""")


@lru_cache(maxsize=2)
def _chunker(scanning: bool) -> re.Pattern:
    return re.compile(_SCAN_PATTERN if scanning else _PATTERN_NO_CJK)


def _is_cjk(ch: str) -> bool:
    """`ch` is in `_CJK`, the Chinese and Japanese characters."""
    return "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff" \
        or "\uf900" <= ch <= "\ufaff"


def _chunks_with_cjk(text: str) -> list[str]:
    """`_PATTERN`'s chunks of `text`, its Chinese alternative ` ?[CJK]+` found without the regex.

    At each position the alternatives are tried in the pattern's order: the contraction (it starts
    with an apostrophe, so it never competes with a Chinese run), then ` ?[CJK]+`, then the rest by
    the regex; its word alternative may run on into Chinese letters, where the full pattern's word
    (non-Chinese letters only) stops: the chunk is cut there.
    """
    out: list[str] = []
    match = _chunker(True).match
    pos, n = 0, len(text)
    while pos < n:
        start = pos + 1 if text[pos] == " " and pos + 1 < n and _is_cjk(text[pos + 1]) else pos
        if _is_cjk(text[start]):
            end = start + 1
            while end < n and _is_cjk(text[end]):
                end += 1
        else:
            found = match(text, pos)
            end = found.end()
            if found.lastgroup == "word":
                end = next((k for k in range(found.start("word"), end) if _is_cjk(text[k])), end)
        out.append(text[pos:end])
        pos = end
    return out


_SHOWN = {" ": "␣", "\n": "↵", "\t": "⇥", "\r": "␍"}
_SINGLE_BYTES = tuple(bytes([i]) for i in range(N_BYTES))


def chunks(text: str) -> list[str]:
    """`text` split as training and encoding split it: `"".join(chunks(text)) == text`."""
    if text and max(text) >= _FIRST_CJK:
        return _chunks_with_cjk(text)
    return _chunker(False).findall(text)


def _bytes_of(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


class MergeLearner:
    """The merge loop of BPE on words given as symbol ids with their frequencies.

    `words[i]` is a sequence of ints, `counts[i]` how often it occurs; new symbols get ids from
    `next_id` on. `best()` is the pair to merge next, `merge(pair)` joins it in every word that
    has it, updating only those words' pair counts.
    """

    def __init__(self, words: Sequence[Sequence[int]], counts: Sequence[int], next_id: int) -> None:
        self.words = [list(word) for word in words]
        self.counts = list(counts)
        self.next_id = next_id
        self.pair_count: Counter = Counter()
        self.where: dict[tuple[int, int], set[int]] = {}
        for index, word in enumerate(self.words):
            for pair, k in Counter(zip(word, word[1:])).items():
                self.pair_count[pair] += k * self.counts[index]
                self.where.setdefault(pair, set()).add(index)
        self._heap = [(-count, pair) for pair, count in self.pair_count.items()]
        heapq.heapify(self._heap)

    def first_seen(self, pair: tuple[int, int]) -> tuple[int, int]:
        """(word index, position) of the first occurrence of `pair`, reading the words in order."""
        index = min(self.where[pair])
        word = self.words[index]
        for position in range(len(word) - 1):
            if word[position] == pair[0] and word[position + 1] == pair[1]:
                return index, position
        raise AssertionError("the index of pairs is out of step")  # pragma: no cover

    def best(self) -> tuple[tuple[int, int], int] | None:
        """The most frequent pair and its count (ties: seen first), or None when no pair is left."""
        heap, tied = self._heap, {}
        while heap:
            negative, pair = heap[0]
            current = self.pair_count.get(pair, 0)
            if current <= 0 or -negative != current:  # stale: its count changed since
                heapq.heappop(heap)
                continue
            if tied and current != next(iter(tied.values())):
                break
            heapq.heappop(heap)
            tied[pair] = current
        if not tied:
            return None
        winner = min(tied, key=self.first_seen) if len(tied) > 1 else next(iter(tied))
        for pair, count in tied.items():
            if pair != winner:
                heapq.heappush(heap, (-count, pair))
        heapq.heappush(heap, (-tied[winner], winner))
        return winner, tied[winner]

    def ranked(self, k: int) -> list[tuple[tuple[int, int], int]]:
        """The `k` most frequent pairs (ties: seen first); sorts every pair, for small corpora."""
        pairs = [pair for pair, count in self.pair_count.items() if count > 0]
        pairs.sort(key=lambda pair: (-self.pair_count[pair], self.first_seen(pair)))
        return [(pair, self.pair_count[pair]) for pair in pairs[:k]]

    def merge(self, pair: tuple[int, int]) -> int:
        """Join `pair` into a new symbol everywhere (left to right, not overlapping); its id."""
        new = self.next_id
        self.next_id += 1
        for index in sorted(self.where.get(pair, ())):
            old = self.words[index]
            word = merge_pair(old, pair, new)
            self.words[index] = word
            before, after = Counter(zip(old, old[1:])), Counter(zip(word, word[1:]))
            freq = self.counts[index]
            for p in before.keys() | after.keys():
                change = after.get(p, 0) - before.get(p, 0)
                if not change:
                    continue
                self.pair_count[p] += change * freq
                if p not in after:
                    self.where[p].discard(index)
                elif p not in before:
                    self.where.setdefault(p, set()).add(index)
                if self.pair_count[p] > 0:
                    heapq.heappush(self._heap, (-self.pair_count[p], p))
        self.pair_count.pop(pair, None)
        self.where.pop(pair, None)
        return new


def merge_pair(symbols: Sequence[int], pair: tuple[int, int], new: int) -> list[int]:
    """`symbols` with every occurrence of `pair` (left to right, not overlapping) replaced by `new`."""
    out: list[int] = []
    i, n = 0, len(symbols)
    a, b = pair
    while i < n:
        if i + 1 < n and symbols[i] == a and symbols[i + 1] == b:
            out.append(new)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


class Tokenizer:
    """A byte-level BPE vocabulary: 256 bytes, then one token per merge, in the order learned."""

    def __init__(self, merges: Iterable[tuple[int, int]], meta: dict | None = None) -> None:
        self.merges = [(int(a), int(b)) for a, b in merges]
        self.meta = dict(meta or {})
        self._bytes = token_bytes = list(_SINGLE_BYTES)
        made = N_BYTES
        for a, b in self.merges:  # one plain loop: this runs at every start-up that draws the course model
            if not (0 <= a < made and 0 <= b < made):
                raise ValueError(f"merge {made - N_BYTES} refers to a token not yet made")
            token_bytes.append(token_bytes[a] + token_bytes[b])
            made += 1
        self.ranks = dict(zip(self.merges, range(N_BYTES, made)))  # a repeated pair keeps its later rank
        self._cache: dict[str, list[int]] = {}

    @property
    def vocab_size(self) -> int:
        return len(self._bytes)

    def encode(self, text: str) -> list[int]:
        """Token ids for `text`: each chunk's bytes, merged by rank (lowest first) as training merged them."""
        ids: list[int] = []
        for chunk in chunks(text):
            cached = self._cache.get(chunk)
            if cached is None:
                cached = self._encode_chunk(_bytes_of(chunk))
                if len(self._cache) < 50_000:
                    self._cache[chunk] = cached
            ids.extend(cached)
        return ids

    def _encode_chunk(self, data: bytes) -> list[int]:
        symbols = list(data)
        ranks = self.ranks
        while len(symbols) > 1:
            pairs = set(zip(symbols, symbols[1:]))
            pair = min(pairs, key=lambda p: ranks.get(p, 1 << 30))
            if pair not in ranks:
                break
            symbols = merge_pair(symbols, pair, ranks[pair])
        return symbols

    def token_bytes(self, token: int) -> bytes:
        return self._bytes[token]

    def decode_bytes(self, ids: Iterable[int]) -> bytes:
        return b"".join(self._bytes[i] for i in ids)

    def decode(self, ids: Iterable[int]) -> str:
        """The text of `ids`; bytes that do not form a character (a cut sequence) become U+FFFD."""
        data = self.decode_bytes(ids)
        try:
            return data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return data.decode("utf-8", "replace")

    def display(self, token: int) -> str:
        """Token `token` as a learner reads it (see the module docstring); never a control sequence."""
        return display_bytes(self._bytes[token])

    def save(self, path: Path) -> Path:
        from llmtutor.files import write_atomically

        data = {"format": FORMAT, "vocab_size": self.vocab_size, "merges": [list(m) for m in self.merges],
                "meta": self.meta}
        write_atomically(Path(path), (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
                         .encode("utf-8"))
        return Path(path)


def display_bytes(data: bytes) -> str:
    """Readable text for some bytes: whole characters as themselves, stray bytes as ⟨hex⟩."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text.isprintable() and text:  # most tokens: whole printable characters, of which only " " is shown
        return text.replace(" ", _SHOWN[" "])
    return _display_each(data)


def _display_each(data: bytes) -> str:
    """`display_bytes` a character (or stray byte) at a time."""
    out: list[str] = []
    i = 0
    while i < len(data):
        ch, size = _next_char(data, i)
        if ch is None:
            out.append(f"⟨{data[i]:02x}⟩")
            i += 1
            continue
        i += size
        if ch in _SHOWN:
            out.append(_SHOWN[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x20:
            out.append(chr(0x2400 + ord(ch)))  # ␛ for ESC, ␇ for BEL
        else:
            out.append(f"U+{ord(ch):04X}")  # DEL, C1 codes, bidi and other invisible characters
    return "".join(out)


def _next_char(data: bytes, i: int) -> tuple[str | None, int]:
    """The character starting at byte `i`, and its size, or (None, 1) if it is not a whole one."""
    first = data[i]
    size = 1 if first < 0x80 else 2 if 0xC2 <= first < 0xE0 else 3 if 0xE0 <= first < 0xF0 else \
        4 if 0xF0 <= first < 0xF5 else 0
    if not size or i + size > len(data):
        return None, 1
    try:
        return data[i:i + size].decode("utf-8", "surrogatepass"), size
    except UnicodeDecodeError:
        return None, 1


def train_bpe(text: str, vocab_size: int, meta: dict | None = None) -> Tokenizer:
    """A byte-level BPE tokenizer with `vocab_size` tokens (256 bytes + merges) learned on `text`."""
    if not N_BYTES <= vocab_size <= 1 << 16:
        raise ValueError(f"vocab_size must be from {N_BYTES} to {1 << 16}, got {vocab_size}")
    frequency = Counter(chunks(text))  # insertion order = first occurrence
    learner = MergeLearner([_bytes_of(chunk) for chunk in frequency], list(frequency.values()), N_BYTES)
    merges = []
    while N_BYTES + len(merges) < vocab_size:
        best = learner.best()
        if best is None:
            break
        learner.merge(best[0])
        merges.append(best[0])
    return Tokenizer(merges, meta)


def load_tokenizer(path: Path) -> Tokenizer:
    """A tokenizer saved by `Tokenizer.save`; ValueError if the file is not one (JSON only: data, no code)."""
    raw = Path(path).read_bytes()
    if len(raw) > 8 << 20:
        raise ValueError("tokenizer file too large")
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("merges"), list):
        raise ValueError("not an llmtutor BPE tokenizer")
    merges = data["merges"]
    if not all(type(m) is list and len(m) == 2 and type(m[0]) is int and type(m[1]) is int for m in merges):
        raise ValueError("merges must be pairs of token ids")
    tokenizer = Tokenizer(merges, data.get("meta") if isinstance(data.get("meta"), dict) else {})
    if data.get("vocab_size") != tokenizer.vocab_size:
        raise ValueError("vocab_size does not match the merges")
    return tokenizer


_COURSE: list[Tokenizer] = []


def course_tokenizer() -> Tokenizer:
    """The course model's tokenizer, shipped inside the package (read once, then kept)."""
    if not _COURSE:
        _COURSE.append(load_tokenizer(COURSE_TOKENIZER))
    return _COURSE[0]
