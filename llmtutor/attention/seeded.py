"""A small counter-based random generator: the same numbers for the same key on every machine.

The tutor's random numbers (stand-in embeddings and weights, the walkthroughs' samples) need to be
reproducible, not unpredictable. `numpy.random` would do, but importing it costs a start-up ~5 %
of the NumPy floor; this is a few array operations instead.

- A key is a 64-bit integer made by `key(seed, *parts)`: the seed (any int: negative or beyond
  64 bits, written as its shortest two's-complement bytes) and each part (an int as such, a
  str as its UTF-8 bytes) are hashed with 64-bit FNV-1a, each hash folded into the key through
  the SplitMix64 finaliser. Python's hash() is salted per process, so it is not used.
- The i-th 64-bit word of a key's stream (i = 0, 1, ...) is the i-th output of SplitMix64
  (Steele, Lea & Flood 2014; the generator of Java's SplittableRandom) started at the key:
  mix(key + (i + 1)·0x9E3779B97F4A7C15). Each word is computed from its counter alone, so a
  stream's first d numbers are the same whatever is drawn after them.
- A uniform is the word's top 52 bits k as (2k + 1) / 2^53: strictly inside (0, 1), exact in
  float64, and symmetric about 1/2 (1 − u is a value of the same grid).
- A normal is Φ⁻¹(u), by Wichura's algorithm AS241 (Applied Statistics 37, 1988: the one of
  Python's `statistics.NormalDist.inv_cdf`, accurate to about 1e-16), with the logarithm its
  tails need computed here from `frexp` and a series. Every step is an integer operation or one
  IEEE-754 addition, multiplication, division or square root on its own (no libm function,
  whose last bit may vary between CPUs and NumPy's SIMD kernels), so the numbers are bit for bit
  the same on every platform.

Integer arithmetic stays in uint64 arrays, where NumPy wraps on overflow without a warning (a
NumPy scalar would warn); the key is made with Python ints masked to 64 bits.
"""

from __future__ import annotations

import numpy as np

_MASK = 2**64 - 1
_GAMMA = 0x9E3779B97F4A7C15  # 2^64 / golden ratio: SplitMix64's increment
_FNV_OFFSET, _FNV_PRIME = 0xCBF29CE484222325, 0x100000001B3


def _finalised(z: int) -> int:
    """SplitMix64's finaliser on a Python int (a bijection of 64-bit words)."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _fnv1a(data: bytes) -> int:
    """64-bit FNV-1a of `data`."""
    h = _FNV_OFFSET
    for byte in data:
        h = ((h ^ byte) * _FNV_PRIME) & _MASK
    return h


def _as_bytes(part: int | str) -> bytes:
    if isinstance(part, str):
        return part.encode("utf-8", "surrogatepass")
    return int(part).to_bytes(int(part).bit_length() // 8 + 1, "little", signed=True)


def key(seed: int, *parts: int | str) -> int:
    """The 64-bit key of the stream named by `seed` and `parts` (ints or texts)."""
    k = 0
    for part in (seed, *parts):
        k = _finalised(((k + _GAMMA) & _MASK) ^ _fnv1a(_as_bytes(part)))
    return k


def words(keys, count: int) -> np.ndarray:
    """The first `count` 64-bit words of each key's stream: `(*keys.shape, count)` uint64."""
    base = np.asarray(keys, dtype=np.uint64)[..., None]
    z = base + np.arange(1, count + 1, dtype=np.uint64) * np.uint64(_GAMMA)   # wraps, as uint64 does
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def uniform(keys, count: int) -> np.ndarray:
    """`count` uniforms in (0, 1) per key, `(*keys.shape, count)` float64: (2k + 1) / 2^53, k the top 52 bits."""
    top = (words(keys, count) >> np.uint64(12)).astype(np.float64)           # exact: < 2^52
    return (2.0 * top + 1.0) * 2.0**-53


def _polynomial(coefficients: tuple[float, ...], x: np.ndarray) -> np.ndarray:
    """Σ c_i x^i by Horner's rule, highest power first in `coefficients`."""
    total = np.full_like(x, coefficients[0])
    for c in coefficients[1:]:
        total = total * x + c
    return total


_LN2 = 0.6931471805599453
_SQRT_HALF = 0.7071067811865476


def _log(x: np.ndarray) -> np.ndarray:
    """ln x for x in (0, 1], from basic operations only: x = m·2^e, ln m = 2·atanh((m − 1)/(m + 1))."""
    m, e = np.frexp(x)                                           # m in [0.5, 1)
    low = m < _SQRT_HALF
    m = np.where(low, 2.0 * m, m)                                # m in [√½, √2): |t| < 0.172
    e = np.where(low, e - 1, e).astype(np.float64)
    t = (m - 1.0) / (m + 1.0)
    series = _polynomial(tuple(1.0 / (2 * j + 1) for j in range(13, -1, -1)), t * t)  # Σ t^2j / (2j + 1)
    return e * _LN2 + 2.0 * t * series


# AS241 (PPND16): numerator and denominator coefficients, highest power first.
_CENTRAL = ((2509.0809287301226727, 33430.575583588128105, 67265.770927008700853, 45921.953931549871457,
             13731.693765509461125, 1971.5909503065514427, 133.14166789178437745, 3.387132872796366608),
            (5226.495278852545561, 28729.085735721942674, 39307.89580009271061, 21213.794301586595867,
             5394.1960214247511077, 687.1870074920579083, 42.313330701600911252, 1.0))
_NEAR_TAIL = ((7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177,
               1.27045825245236838258, 3.64784832476320460504, 5.7694972214606914055,
               4.6303378461565452959, 1.42343711074968357734),
              (1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966,
               0.14810397642748007459, 0.68976733498510000455, 1.6763848301838038494,
               2.05319162663775882187, 1.0))
_FAR_TAIL = ((2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386,
              0.026532189526576123093, 0.29656057182850489123, 1.7848265399172913358,
              5.4637849111641143699, 6.6579046435011037772),
             (2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5,
              7.868691311456132591e-4, 0.0148753612908506148525, 0.13692988092273580531,
              0.59983220655588793769, 1.0))


def _ratio(pair, x: np.ndarray) -> np.ndarray:
    return _polynomial(pair[0], x) / _polynomial(pair[1], x)


def normal(keys, count: int) -> np.ndarray:
    """`count` standard normal numbers per key, `(*keys.shape, count)` float64: Φ⁻¹ of `uniform`."""
    u = uniform(keys, count)
    q = u - 0.5                                                  # exact
    z = q * _ratio(_CENTRAL, 0.180625 - q * q)                   # right where |q| <= 0.425 (85 %)
    tail = np.abs(q) > 0.425
    if tail.any():
        p = np.minimum(u[tail], 1.0 - u[tail])                   # 1 - u exact
        r = np.sqrt(-_log(p))                                    # r in (1.3, 6.1]
        far = r > 5.0
        z_tail = _ratio(_NEAR_TAIL, r - 1.6)
        if far.any():
            z_tail[far] = _ratio(_FAR_TAIL, r[far] - 5.0)
        z[tail] = np.copysign(z_tail, q[tail])
    return z


def standard_normal(seed: int, *parts: int | str, shape: int | tuple[int, ...]) -> np.ndarray:
    """An array of `shape` N(0, 1) numbers, fixed by (seed, parts): the stream read in C order."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return normal(key(seed, *parts), int(np.prod(shape, dtype=np.int64))).reshape(shape)


def permutation(n: int, seed: int, *parts: int | str) -> np.ndarray:
    """A permutation of range(n) fixed by (seed, parts): the order of n uniforms (ties by position)."""
    return np.argsort(uniform(key(seed, *parts), n), kind="stable")
