"""`attention --weights FILE.npz` reads its file as untrusted input (issue 15, case 9; a FIFO, case 17)."""

from __future__ import annotations

import io
import os
import tracemalloc
import zipfile

import numpy as np
import pytest

from model_files import _npy_header


def _npy(array) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=True)
    return buffer.getvalue()


def _zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _good(d=8):
    rng = np.random.default_rng(0)
    return {f"{name}.npy": _npy(rng.standard_normal((d, d)).astype(np.float32) * 0.3) for name in ("w_q", "w_k", "w_v")}


def make(kind: str, folder):
    path = folder / f"{kind}.npz"
    members = _good()
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "corrupt":
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    elif kind == "truncated":
        _zip(folder / "full.npz", members)
        data = (folder / "full.npz").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "bare-npy":
        path.write_bytes(_npy(np.zeros((8, 8))))
    elif kind == "structured":
        members["w_q.npy"] = _npy(np.zeros((8, 8), dtype=[("a", "<f8")]))
        _zip(path, members)
    elif kind == "pickled":
        members["w_q.npy"] = _npy(np.array([None] * 64, dtype=object).reshape(8, 8))
        _zip(path, members)
    elif kind == "zip-bomb":  # 16 MB of zeros in a few kB: refused from the zip record, before reading
        members["w_q.npy"] = _npy(np.zeros((1024, 2048)))  # 16 MB of float64 zeros
        _zip(path, members, zipfile.ZIP_DEFLATED)
    elif kind == "lying-header":  # a 5 kB file whose header claims 298 GiB
        text = repr({"descr": "<f8", "fortran_order": False, "shape": (200000, 200000)}).encode()
        members["w_q.npy"] = _npy_header(text) + b"\x00" * 512
        _zip(path, members)
    elif kind == "huge-values":  # finite, but the scores would overflow to NaN
        members["w_q.npy"] = _npy(np.full((8, 8), 1e200))
        _zip(path, members)
    elif kind == "flipped-byte":  # one bit of a stored weight changed: a finite float still, caught by the CRC-32
        _zip(path, members)
        data = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("w_q.npy")
        data[info.header_offset + 30 + len(info.filename) + 128 + 5] ^= 0x01
        path.write_bytes(bytes(data))
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        raise ValueError(kind)
    return path


KINDS = ["empty", "corrupt", "truncated", "bare-npy", "structured", "pickled", "zip-bomb", "lying-header",
         "huge-values", "flipped-byte", "fifo"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_weights_file_is_one_line_and_exit_2(tutor, tmp_path, kind):
    path = make(kind, tmp_path)
    tracemalloc.start()
    try:
        result = tutor("attention", "--model", "random", "the cat sat", "--dim", "8", "--weights", str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert str(path) in result.stderr
    assert peak < 64 << 20, f"{kind}: {peak} bytes allocated to refuse it"


def test_good_weights_still_work(tutor, tmp_path):
    path = _zip(tmp_path / "good.npz", _good())
    data = tutor.json("attention", "--model", "random", "the cat sat", "--weights", str(path), "--json")
    assert data["settings"]["trained"] is True and data["settings"]["dim"] == 8
    assert np.allclose(np.array(data["weights"]).sum(-1), 1)
