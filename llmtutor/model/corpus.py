"""The course model's training text: the course's own words, gathered once and written into the repo.

    python -m llmtutor.model.corpus        # rewrite data/course-lm/{train,heldout}.txt from the YAML

Every lesson, glossary entry, quiz and walkthrough description, in English and in Chinese, is read
as YAML and its text fields (the `en:` and `zh:` values) are split into paragraphs. A paragraph
goes to the held-out split when the first byte of its SHA-256 is below 26 (about one in ten), so
the split depends only on the paragraph itself. The files are kept in the repository: the shipped
weights stay reproducible from them when the course text changes later, and the held-out test
reads them. Their SHA-256 are in docs/MODEL.md and in the model file.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO / "data" / "course-lm"
TRAIN_FILE = CORPUS_DIR / "train.txt"
HELDOUT_FILE = CORPUS_DIR / "heldout.txt"
HELDOUT_BELOW = 26  # first SHA-256 byte < 26: about 10 % of the paragraphs
LANGUAGES = ("en", "zh")


def source_files(root: Path = REPO) -> list[Path]:
    """The course's YAML files, in a fixed order: lessons, glossary, walkthroughs, quizzes."""
    content = root / "content"
    return (sorted((content / "lessons").glob("*.yaml")) + sorted((content / "glossary").glob("*.yaml"))
            + [content / "walkthroughs.yaml"] + sorted((root / "quizzes").glob("*.yaml")))


def texts(node, language: str) -> list[str]:
    """Every text of `language` in a parsed YAML document, in document order."""
    found: list[str] = []
    if isinstance(node, dict):
        if language in node and set(node) <= set(LANGUAGES):
            value = node[language]
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, list):
                found.extend(str(v) for v in value if isinstance(v, (str, int, float)))
            return found
        for value in node.values():
            found.extend(texts(value, language))
    elif isinstance(node, list):
        for value in node:
            found.extend(texts(value, language))
    return found


def paragraphs(root: Path = REPO) -> list[str]:
    """The course's paragraphs: per file, the English ones, then the Chinese ones."""
    import yaml

    out: list[str] = []
    for path in source_files(root):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for language in LANGUAGES:
            for text in texts(document, language):
                out.extend(p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip())
    return out


def is_heldout(paragraph: str) -> bool:
    return hashlib.sha256(paragraph.encode("utf-8")).digest()[0] < HELDOUT_BELOW


def split(all_paragraphs: list[str]) -> tuple[str, str]:
    """(train text, held-out text), paragraphs joined by blank lines."""
    train = [p for p in all_paragraphs if not is_heldout(p)]
    heldout = [p for p in all_paragraphs if is_heldout(p)]
    return "\n\n".join(train) + "\n", "\n\n".join(heldout) + "\n"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_split() -> tuple[str, str]:
    """The written (train, held-out) texts, exactly as stored."""
    return TRAIN_FILE.read_bytes().decode("utf-8"), HELDOUT_FILE.read_bytes().decode("utf-8")


def write_corpus(root: Path = REPO) -> tuple[Path, Path]:
    from llmtutor.files import write_atomically

    train, heldout = split(paragraphs(root))
    CORPUS_DIR.mkdir(parents=True, exist_ok=True)
    write_atomically(TRAIN_FILE, train.encode("utf-8"))
    write_atomically(HELDOUT_FILE, heldout.encode("utf-8"))
    return TRAIN_FILE, HELDOUT_FILE


if __name__ == "__main__":
    for written in write_corpus():
        print(f"{written.relative_to(REPO)}: {written.stat().st_size} bytes, sha256 {sha256_of(written)}")
    sys.exit(0)
