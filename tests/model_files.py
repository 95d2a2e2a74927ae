"""Hostile and broken model files, made on the spot for the tests."""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from pathlib import Path

import numpy as np

from llmtutor.model import ModelConfig, Transformer
from llmtutor.model.checkpoint import FORMAT, save_model

SMALL = ModelConfig(vocab_size=10, n_ctx=8, d_model=8, n_heads=1, n_layers=1, d_mlp=16,
                    meta={"task": "reverse", "length": 8})


def good_model(path: Path) -> Path:
    return save_model(Transformer(SMALL, seed=1), path)


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def hostile_model(kind: str, folder: Path) -> Path:
    """A model file that is wrong in one way, named by `kind`."""
    path = folder / f"{kind}.npz"
    good = good_model(folder / f"good-for-{kind}.npz")
    members = _members(good)
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "not-a-zip":
        path.write_bytes(b"hello, this is not a model\n" * 10)
    elif kind == "truncated":
        data = good.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "bare-npy":
        path.write_bytes(_npy(np.zeros((8, 8), dtype=np.float32)))
    elif kind == "pickled":
        members["embed.W_E.npy"] = _npy(np.array([{"x": 1}] * 80, dtype=object).reshape(10, 8))
        _write(path, members)
    elif kind == "lying-shape":  # the header claims a vast array; the data is a few bytes
        header = {"descr": "<f4", "fortran_order": False, "shape": (10, 8)}
        fake = bytearray(members["embed.W_E.npy"])
        text = repr({**header, "shape": (200000, 100000)}).encode()
        members["embed.W_E.npy"] = bytes(_npy_header(text)) + bytes(fake[-320:])
        _write(path, members)
    elif kind == "zip-bomb":  # 8 MB of zeros squeezed into a few kB, under the name of a real array
        members["embed.W_E.npy"] = _npy(np.zeros((1024, 2048), dtype=np.float32))
        _write(path, members, zipfile.ZIP_DEFLATED)
    elif kind == "nan":
        array = np.zeros((10, 8), dtype=np.float32)
        array[3, 3] = np.nan
        members["embed.W_E.npy"] = _npy(array)
        _write(path, members)
    elif kind == "structured":
        members["embed.W_E.npy"] = _npy(np.zeros((10, 8), dtype=[("a", "<f4")]))
        _write(path, members)
    elif kind == "integers":
        members["embed.W_E.npy"] = _npy(np.zeros((10, 8), dtype=np.int32))
        _write(path, members)
    elif kind == "extra-member":
        members["evil.npy"] = _npy(np.zeros(3))
        _write(path, members)
    elif kind == "missing-member":
        del members["ln_f.gamma.npy"]
        _write(path, members)
    elif kind == "config-not-json":
        members["config.npy"] = _npy(np.frombuffer(b"{not json", dtype=np.uint8))
        _write(path, members)
    elif kind == "config-lies":  # heads that do not divide d_model
        config = json.loads(np.lib.format.read_array(io.BytesIO(members["config.npy"])).tobytes())
        config["n_heads"] = 3
        members["config.npy"] = _npy(np.frombuffer(json.dumps(config).encode(), dtype=np.uint8))
        _write(path, members)
    elif kind == "huge-config":  # a config whose arrays would need gigabytes
        config = {"format": FORMAT, "vocab_size": 60000, "n_ctx": 4096, "d_model": 1024, "n_heads": 8,
                  "n_layers": 16, "d_mlp": 8192}
        members = {"config.npy": _npy(np.frombuffer(json.dumps(config).encode(), dtype=np.uint8))}
        _write(path, members)
    elif kind in ("flipped-byte", "renamed-local", "moved-local"):  # stored members, damaged in place
        _write(path, members)
        data = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("embed.W_E.npy")
        name_at = info.header_offset + 30
        if kind == "flipped-byte":  # one bit of one weight: still a finite float, caught by the CRC-32
            data[name_at + len(info.filename) + 128 + 5] ^= 0x01
        elif kind == "renamed-local":  # the local header names another file than the directory does
            data[name_at:name_at + 5] = b"evil."
        else:  # the directory points into the middle of another member
            data[info.header_offset:info.header_offset + 4] = b"\x00PK\x03"
        path.write_bytes(bytes(data))
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    else:
        raise ValueError(kind)
    return path


def _npy_header(text: bytes) -> bytes:
    """A version 1.0 .npy header holding `text` (a dict literal), padded as NumPy pads it."""
    magic = b"\x93NUMPY\x01\x00"
    total = len(magic) + 2 + len(text) + 1
    padding = (64 - total % 64) % 64
    body = text + b" " * padding + b"\n"
    return magic + struct.pack("<H", len(body)) + body


HOSTILE_KINDS = ["empty", "not-a-zip", "truncated", "bare-npy", "pickled", "lying-shape", "zip-bomb", "nan",
                 "structured", "integers", "extra-member", "missing-member", "config-not-json", "config-lies",
                 "huge-config", "flipped-byte", "renamed-local", "moved-local", "fifo", "directory"]
