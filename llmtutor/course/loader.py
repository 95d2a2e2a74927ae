"""Finding content packs and files, reading them, and assembling one `Course`.

The shipped course lives in `llmtutor/_data/` when installed and at the repository root in a
checkout. Extra packs come from `--content-dir` and `LLMTUTOR_CONTENT` (os.pathsep-separated).
"""

import os
from typing import TYPE_CHECKING, NamedTuple
from pathlib import Path

from llmtutor.course.problem import Problem
from llmtutor.course.model import Course

if TYPE_CHECKING:
    from llmtutor.course.cache import ParsedFiles

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def shipped_root() -> Path:
    """The folder holding the shipped `content/` and `quizzes/`."""
    installed = PACKAGE_DIR / "_data"
    if (installed / "content").is_dir():
        return installed
    return PACKAGE_DIR.parent


class ContentFile(NamedTuple):
    """One YAML file to read: `kind` is lesson, glossary, walkthroughs or quiz."""

    path: Path
    kind: str
    shown_as: str
    pack_root: Path | None = None  # resolved: links inside the pack must stay inside it


class LoadResult(NamedTuple):
    course: Course
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]


def extra_pack_dirs(content_dirs: list[str] | None = None) -> list[Path]:
    """Packs named with --content-dir, then those in LLMTUTOR_CONTENT."""
    dirs = [Path(d) for d in (content_dirs or [])]
    env = os.environ.get("LLMTUTOR_CONTENT", "")
    dirs += [Path(d) for d in env.split(os.pathsep) if d.strip()]
    return dirs


def _shown(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            pass
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(absolute)


def pack_files(root: Path, shipped: bool = False) -> list[ContentFile]:
    """The content files of a pack, in a stable order."""
    base = root if shipped else None
    content = root / "content" if (root / "content").is_dir() else root
    layout = [
        (content / "lessons", "lesson"),
        (content / "glossary", "glossary"),
        (root / "quizzes", "quiz"),
    ]
    files = []
    real_root = None if shipped else root.resolve()  # the shipped course is ours: no links to check
    for folder, kind in layout:
        try:
            names = sorted(name for name in os.listdir(folder) if name.endswith((".yaml", ".yml")))
        except OSError:  # no such folder in this pack
            continue
        for name in names:
            path = folder / name
            files.append(ContentFile(path, kind, _shown(path, base), real_root))
    walks = content / "walkthroughs.yaml"
    if walks.is_file():
        files.append(ContentFile(walks, "walkthroughs", _shown(walks, base), real_root))
    return files


def kind_of_single_file(path: Path) -> str | None:
    parent = path.parent.name
    if parent in ("lessons", "glossary", "quizzes"):
        return {"lessons": "lesson", "glossary": "glossary", "quizzes": "quiz"}[parent]
    if path.name in ("walkthroughs.yaml", "walkthroughs.yml"):
        return "walkthroughs"
    return None


def kind_from_keys(data: object) -> str | None:
    """The kind of a parsed content file told from its keys, when only one kind fits."""
    if isinstance(data, dict):
        kinds = {kind for kind, keys in (("lesson", ("sections", "objective", "key_points")),
                                         ("quiz", ("questions",)), ("walkthroughs", ("walkthroughs",)))
                 if any(key in data for key in keys)}
        return kinds.pop() if len(kinds) == 1 else None
    if isinstance(data, list) and data and all(isinstance(x, dict) and "definition" in x for x in data):
        return "glossary"
    return None


def read_file(item: ContentFile, problems: list[Problem], parsed: "ParsedFiles | None" = None):
    """The located YAML of one file, or None with a problem recorded.

    With `parsed`, a file whose bytes were parsed before is not parsed again (see cache.py).
    """
    from llmtutor.course.located import YamlProblem

    if item.pack_root is not None:  # a link (file or folder) must not lead outside its pack
        if not item.path.resolve().is_relative_to(item.pack_root):
            problems.append(Problem(item.shown_as, 0, "path_outside_pack"))
            return None
    from llmtutor.course.located import MAX_FILE_BYTES
    from llmtutor.files import NotARegularFile, read_regular_file

    try:
        raw = read_regular_file(item.path, limit=MAX_FILE_BYTES)  # a FIFO would block the read forever
        if len(raw) > MAX_FILE_BYTES:  # never read a huge file whole
            problems.append(Problem(item.shown_as, 0, "yaml_too_big", {"limit": MAX_FILE_BYTES // 1000}))
            return None
    except NotARegularFile:
        problems.append(Problem(item.shown_as, 0, "file_not_regular"))
        return None
    except OSError as err:
        problems.append(Problem(item.shown_as, 0, "file_unreadable", {"detail": err.strerror or str(err)}))
        return None
    try:
        data = parsed.parse(item.path, raw, _parse_yaml) if parsed is not None else _parse_yaml(raw)
    except UnicodeDecodeError:
        problems.append(Problem(item.shown_as, 0, "file_not_utf8"))
        return None
    except YamlProblem as err:
        problems.append(Problem(item.shown_as, err.line, err.key, err.params))
        return None
    if data is None:
        problems.append(Problem(item.shown_as, 0, "file_empty"))
    return data


# the code that shapes parsed values: a change to it never meets an old parse
_PARSER_CODE = [Path(__file__).with_name(name) for name in ("located.py", "located_reader.py")]


def _parse_yaml(raw: bytes):
    from llmtutor.course.located_reader import load_located

    return load_located(raw.decode("utf-8-sig"))


def load_files(files: list[ContentFile], problems: list[Problem] | None = None,
               reuse_parsed: bool = True) -> LoadResult:
    """Read and check the given files as one course, references included.

    Every check runs on every call; `reuse_parsed` only spares parsing a file whose bytes were
    parsed before (False: parse everything, as on the very first run).
    """
    from llmtutor.course.cache import ParsedFiles, gc_paused

    with gc_paused():
        parsed = ParsedFiles(_PARSER_CODE) if reuse_parsed else None
        result = _load_files(files, [] if problems is None else problems, parsed)
        if parsed is not None:
            parsed.save()
        return result


def _load_files(files: list[ContentFile], problems: list[Problem], parsed: "ParsedFiles | None") -> LoadResult:
    from llmtutor.course.fields import FieldReader
    from llmtutor.course.schema import build_lesson, build_questions, build_terms, build_walkthroughs
    from llmtutor.course.validate import check_references

    course = Course()
    refs_by_file = []
    for item in files:
        data = read_file(item, problems, parsed)
        if data is None:
            continue
        reader = FieldReader(item.shown_as, problems)
        refs: list = []
        if item.kind == "lesson":
            lesson = build_lesson(data, reader, refs)
            if lesson is not None:
                course.lessons.append(lesson)
        elif item.kind == "glossary":
            course.terms.extend(build_terms(data, reader, refs))
        elif item.kind == "walkthroughs":
            course.walkthroughs.extend(build_walkthroughs(data, reader, refs))
        else:
            course.questions.extend(build_questions(data, reader, refs))
        refs_by_file.append((item.shown_as, refs))
    check_references(course, refs_by_file, problems)
    course.lessons.sort(key=lambda lesson: (lesson.order, lesson.id))
    return LoadResult(course, problems)


def course_files(content_dirs: list[str] | None = None) -> tuple[list[ContentFile], list[Problem]]:
    """The shipped course plus every extra pack."""
    files = pack_files(shipped_root(), shipped=True)
    problems: list[Problem] = []
    for pack in extra_pack_dirs(content_dirs):
        if not pack.is_dir():
            problems.append(Problem(str(pack), 0, "path_missing"))
            continue
        found = pack_files(pack)
        if not found:
            problems.append(Problem(str(pack), 0, "pack_empty"))
        files += found
    return files, problems


def _cache_key_paths(files: list[ContentFile]) -> list[Path]:
    # the code that shapes the model is part of the key, so a changed model never meets an old pickle
    code = [Path(__file__).with_name(name)
            for name in ("model.py", "schema.py", "loader.py", "fields.py", "validate.py", "lookup.py")]
    return [item.path for item in files] + code


def load_course(content_dirs: list[str] | None = None, use_cache: bool = True) -> LoadResult:
    """The course a learner studies: shipped content and extra packs (cached when valid)."""
    from llmtutor.course.cache import cached

    files, problems = course_files(content_dirs)
    if not use_cache or problems:
        return load_files(files, problems)
    return cached("course", _cache_key_paths(files), lambda: load_files(files, problems),
                  keep=lambda result: not result.errors)


def load_lesson_list(content_dirs: list[str] | None = None) -> LoadResult:
    """The lessons without their bodies and the walkthroughs (`Course.lesson_list`): the home screen
    and `lessons`."""
    return _load_view("lessons", content_dirs, lambda course: course.lesson_list())


def load_walk_view(content_dirs: list[str] | None = None) -> LoadResult:
    """Walkthroughs, lesson titles and term names (`Course.walk_view`): all a walk names."""
    return _load_view("walk", content_dirs, lambda course: course.walk_view())


def load_catalog(content_dirs: list[str] | None = None) -> LoadResult:
    """The course without lesson bodies and questions (`Course.catalog`), for quick look-ups."""
    return _load_view("catalog", content_dirs, lambda course: course.catalog())


def _load_view(name: str, content_dirs: list[str] | None, view) -> LoadResult:
    """`view(course)` of the validated course, cached under `name` while no content file changes."""
    from llmtutor.course.cache import cached

    files, problems = course_files(content_dirs)
    if problems:
        return load_files(files, problems)

    def build() -> LoadResult:
        full = load_course(content_dirs)
        return LoadResult(view(full.course), full.problems)

    return cached(name, _cache_key_paths(files), build, keep=lambda result: not result.errors)
