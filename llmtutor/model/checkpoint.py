"""Model files: a config plus named arrays in a `.npz`, read as untrusted input, written atomically.

A model file comes from outside (a download, a classmate, a damaged disk), so reading it never
runs code and never trusts what it says about itself:
- only a regular file (a FIFO or a device would block or never end), at most `MAX_FILE_BYTES`;
- each member's array header is parsed and checked (plain little-endian float, C order, the shape
  the config implies) and its size compared with the zip's own record *before* a byte of data is
  read, so a zip bomb or a header that lies about its shape costs nothing;
- no pickles (`allow_pickle` never enters: arrays are read with `np.frombuffer`);
- every value finite.

Layout: `config.npy` holds the config as UTF-8 JSON bytes (uint8); every other member is one
parameter, named as `Transformer.parameters()` names it ("blocks.0.attn.W_Q", …).
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path

import numpy as np

from llmtutor.errors import TutorError
from llmtutor.model.transformer import ModelConfig, Transformer, check_config, parameter_shapes

MAX_FILE_BYTES = 64 << 20  # a toy or course model is well under 4 MB
MAX_CONFIG_BYTES = 64 << 10
FLOAT_DTYPES = (np.dtype("<f2"), np.dtype("<f4"), np.dtype("<f8"))
FORMAT = "llmtutor-model-1"


def save_model(model: Transformer, path: Path, dtype=np.float32, compressed: bool = True) -> Path:
    """Write `model` to `path` atomically: a temporary file in the same folder, then a rename.

    compressed=False stores the arrays as they are: float16 weights shrink only ~8 % when
    compressed, and reading them unpacked saves ~4 ms at every start-up that loads them.
    """
    path = Path(path)
    if path.is_dir():
        raise TutorError("model_out_is_directory", path=str(path))
    if not path.parent.is_dir():
        raise TutorError("model_out_folder_missing", path=str(path), folder=str(path.parent))
    config = {"format": FORMAT, **model.config.shape_dict(), "meta": model.config.meta}
    arrays = {"config": np.frombuffer(json.dumps(config, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)}
    arrays.update({name: array.astype(dtype) for name, array in model.parameters().items()})
    import io

    from llmtutor.files import write_atomically

    buffer = io.BytesIO()  # a few hundred kB: built in memory, then written all at once
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    write_atomically(path, buffer.getvalue())  # the whole new file or the old one; links never followed
    return path


def load_model(path: Path, dtype=np.float32) -> Transformer:
    """The model in `path`, or TutorError (exit 2) saying what is wrong with the file."""
    path = Path(path)
    arrays, config = read_model_file(path)
    model = Transformer(config, seed=None, dtype=dtype)  # the file's arrays replace the zeros
    model.load_parameters(arrays)  # each copied into the model's own array, converted to `dtype` on the way
    return model


def read_model_file(path: Path) -> tuple[dict[str, np.ndarray], ModelConfig]:
    """The checked arrays and config of a model file (see the module docstring for every check)."""
    with open_regular_file(path) as file, _zip(file, path) as archive:
        members = {info.filename: info for info in archive.infolist()}
        if "config.npy" not in members:
            raise TutorError("model_not_a_model", path=str(path), detail="no config.npy")
        raw = read_member(archive, members["config.npy"], path, (np.dtype("u1"),), None, MAX_CONFIG_BYTES)
        config = _config_from_json(raw.tobytes(), path)
        shapes = parameter_shapes(config)
        expected = {f"{name}.npy" for name in shapes} | {"config.npy"}
        unexpected = sorted(set(members) - expected)
        missing = sorted(expected - set(members))
        if unexpected or missing:
            detail = (f"unexpected {', '.join(unexpected[:3])}" if unexpected
                      else f"missing {', '.join(m[:-4] for m in missing[:3])}")
            raise TutorError("model_not_a_model", path=str(path), detail=detail)
        arrays = {}
        for name, shape in shapes.items():
            array = read_member(archive, members[f"{name}.npy"], path, FLOAT_DTYPES, shape, MAX_FILE_BYTES)
            if not _all_finite(array):
                raise TutorError("model_not_finite", path=str(path), name=name)
            arrays[name] = array
    return arrays, config


def _all_finite(array: np.ndarray) -> bool:
    """No inf or NaN in `array`. A float16 is finite when its five exponent bits are not all ones:
    tested on the bits, since NumPy's float16 `isfinite` is ~30x slower than float32's."""
    if array.dtype == np.float16:
        return not ((array.view(np.uint16) & 0x7C00) == 0x7C00).any()
    return bool(np.isfinite(array).all())


def open_regular_file(path: Path):
    """Open `path` for reading only if it is a regular file of a sane size (TutorError otherwise)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise TutorError("model_file_missing", exit_code=1, path=str(path)) from None
    except OSError as err:
        raise TutorError("model_unreadable", path=str(path), detail=err.strerror or type(err).__name__) from None
    if not stat.S_ISREG(info.st_mode):
        raise TutorError("model_not_regular", path=str(path))
    if info.st_size == 0:
        raise TutorError("model_not_a_model", path=str(path), detail="empty file")
    if info.st_size > MAX_FILE_BYTES:
        raise TutorError("model_too_large", path=str(path), size=info.st_size, limit=MAX_FILE_BYTES)
    try:
        return open(path, "rb")  # noqa: SIM115 (closed by the caller's with)
    except OSError as err:
        raise TutorError("model_unreadable", path=str(path), detail=err.strerror or type(err).__name__) from None


class _zip:
    """zipfile.ZipFile over the whole file read into memory, as a context manager whose failures are one
    learner-facing line. The file's bytes stay at hand (`archive.whole`) for `_stored_member`."""

    def __init__(self, file, path: Path) -> None:
        self.file, self.path = file, path

    def __enter__(self) -> zipfile.ZipFile:
        import io

        try:
            whole = self.file.read(min(os.fstat(self.file.fileno()).st_size, MAX_FILE_BYTES) + 1)
            if len(whole) > MAX_FILE_BYTES:  # it grew since its size was checked
                raise TutorError("model_too_large", path=str(self.path), size=len(whole), limit=MAX_FILE_BYTES)
            self.archive = zipfile.ZipFile(io.BytesIO(whole))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise TutorError("model_not_a_model", path=str(self.path), detail="not a .npz (zip) file") from None
        self.archive.whole = memoryview(whole)
        return self.archive

    def __exit__(self, kind, value, traceback) -> bool:
        self.archive.close()
        if kind is not None and issubclass(kind, (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError)) \
                and not issubclass(kind, TutorError):
            raise TutorError("model_not_a_model", path=str(self.path),
                             detail=f"damaged ({str(value)[:80] or kind.__name__})") from None
        return False


def read_plain_arrays(path: Path, ndim: int = 2, limit: int = MAX_FILE_BYTES) -> dict[str, np.ndarray]:
    """Every array of a plain `.npz` of float matrices (e.g. `attention --weights`), read as untrusted input.

    The same checks as a model file: a regular file of a sane size, each member a `.npy` whose
    header (plain float dtype, `ndim` dimensions, size matching the zip's record) is checked
    before its data is read; no pickles. TutorError "model_*" says what is wrong.
    """
    arrays = {}
    with open_regular_file(path) as file, _zip(file, path) as archive:
        members = archive.infolist()
        if not members:
            raise TutorError("model_not_a_model", path=str(path), detail="no arrays")
        for info in members:
            if not info.filename.endswith(".npy") or "/" in info.filename:
                raise TutorError("model_bad_array", path=str(path), name=info.filename[:40], detail="not a .npy")
            arrays[info.filename[:-4]] = read_member(archive, info, path, FLOAT_DTYPES, None, limit, ndim)
    return arrays


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, dtypes, shape, limit: int,
                ndim: int = 1) -> np.ndarray:
    """One `.npy` member, its header checked before its data is read (`ndim`: when no shape is expected)."""
    name = info.filename[:-4]
    if info.file_size > limit or info.flag_bits & 0x1:  # too big, or encrypted
        raise TutorError("model_bad_array", path=str(path), name=name, detail=f"{info.file_size} bytes")
    stored = _stored_member(archive, info)
    if stored is not None:  # the shipped models: the array is read in place from the file's bytes
        found = _plain_header(_Bytes(stored))
        if found is not None:
            array_shape, fortran_order, dtype = found
            _check_header(path, name, array_shape, fortran_order, dtype, dtypes, shape, ndim)
            data_bytes = math.prod(array_shape) * dtype.itemsize
            start = 10 + int.from_bytes(stored[8:10], "little")
            if len(stored) - start != data_bytes:  # the header's shape must match the zip's size
                raise TutorError("model_bad_array", path=str(path), name=name,
                                 detail="size does not match its header")
            return np.frombuffer(stored, dtype=dtype, offset=start).reshape(array_shape)
    with archive.open(info) as member:
        try:
            array_shape, fortran_order, dtype = _plain_header(member) or _header(member)
        except ValueError as err:
            raise TutorError("model_bad_array", path=str(path), name=name, detail=str(err)[:80]) from None
        _check_header(path, name, array_shape, fortran_order, dtype, dtypes, shape, ndim)
        count = int(np.prod(array_shape, dtype=np.int64))
        data_bytes = count * dtype.itemsize
        if info.file_size - member.tell() != data_bytes:  # the header's shape must match the zip's size
            raise TutorError("model_bad_array", path=str(path), name=name, detail="size does not match its header")
        data = member.read(data_bytes)
    if len(data) != data_bytes:
        raise TutorError("model_bad_array", path=str(path), name=name, detail="truncated")
    return np.frombuffer(data, dtype=dtype).reshape(array_shape)


def _check_header(path: Path, name: str, array_shape, fortran_order, dtype, dtypes, shape, ndim: int) -> None:
    if dtype not in dtypes or fortran_order:
        raise TutorError("model_bad_array", path=str(path), name=name, detail=f"dtype {dtype.str}")
    if shape is not None and tuple(array_shape) != tuple(shape):
        raise TutorError("model_bad_array", path=str(path), name=name,
                         detail=f"shape {tuple(array_shape)}, expected {tuple(shape)}")
    if len(array_shape) != ndim and shape is None:
        raise TutorError("model_bad_array", path=str(path), name=name, detail=f"shape {tuple(array_shape)}")


def _stored_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> memoryview | None:
    """The bytes of a member stored without compression, sliced from the file's bytes with the checks
    zipfile makes when it opens one (its local header, its name, its CRC-32); None for a compressed
    member, which zipfile reads. zipfile.BadZipFile for a damaged one."""
    whole = getattr(archive, "whole", None)
    if whole is None or info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
        return None
    start = info.header_offset
    local = bytes(whole[start:start + 30])
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    name_end = start + 30 + int.from_bytes(local[26:28], "little")
    begin = name_end + int.from_bytes(local[28:30], "little")
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    if bytes(whole[start + 30:name_end]).decode(encoding, "replace") != info.orig_filename:
        raise zipfile.BadZipFile("local file name differs from the directory's")
    data = whole[begin:begin + info.file_size]
    if len(data) != info.file_size:
        raise zipfile.BadZipFile("member runs past the end of the file")
    if zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"bad CRC-32 for {info.filename[:40]}")
    return data


class _Bytes:
    """The read/tell/seek of a file over bytes in memory, for `_plain_header`."""

    def __init__(self, data: memoryview) -> None:
        self.data, self.position = data, 0

    def read(self, size: int) -> bytes:
        chunk = bytes(self.data[self.position:self.position + size])
        self.position += len(chunk)
        return chunk

    def tell(self) -> int:
        return self.position

    def seek(self, position: int) -> None:
        self.position = position


# The header NumPy writes for a plain array, e.g. {'descr': '<f2', 'fortran_order': False, 'shape': (64, 128), }
_PLAIN_HEADER = re.compile(rb"\{'descr': '([<|][fiu][1248])', 'fortran_order': (False|True), "
                           rb"'shape': \(((?:\d+, )*\d+,?|)\), \} *\n")


def _plain_header(member):
    """(shape, fortran_order, dtype) of a version 1.0 header in exactly NumPy's own plain form, read
    without NumPy's parser (which compiles the header as Python, ~0.1 ms each); None, with nothing
    read, for any other header, which `_header` then reads as NumPy does."""
    start = member.tell()
    head = member.read(10)
    if len(head) == 10 and head[:8] == b"\x93NUMPY\x01\x00":
        size = int.from_bytes(head[8:10], "little")
        header = member.read(size)
        found = _PLAIN_HEADER.fullmatch(header)
        if found:
            shape = tuple(int(x) for x in found.group(3).split(b",") if x.strip())
            return shape, found.group(2) == b"True", np.dtype(found.group(1).decode("ascii"))
    member.seek(start)
    return None


def _header(member):
    version = np.lib.format.read_magic(member)
    read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                   (2, 0): np.lib.format.read_array_header_2_0}.get(version)
    if read_header is None:
        raise ValueError(f"npy format version {version}")
    return read_header(member)


def _config_from_json(raw: bytes, path: Path) -> ModelConfig:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise TutorError("model_not_a_model", path=str(path), detail="config is not JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TutorError("model_not_a_model", path=str(path), detail="not an llmtutor model")
    known = {key: value for key, value in data.items() if key in ModelConfig.SHAPE}
    meta = data.get("meta", {})
    try:
        config = ModelConfig(**known, meta=meta if isinstance(meta, dict) else {})
        check_config(config)
    except (TypeError, ValueError) as err:
        raise TutorError("model_not_a_model", path=str(path), detail=str(err)[:100]) from None
    return config
