"""Shared fixtures for the s4_codec tests: deterministic inputs and codec factories.

The tests import the installed package (``pip install .``), never python/ from the
source tree: the extension module exists only in the built wheel.
"""

import random

import pytest

import s4_codec

#: Every codec class with the keyword arguments its tests construct it with.
CODEC_FACTORIES = {
    "cpu-zstd": lambda **kw: s4_codec.CpuZstd(**kw),
    "cpu-gzip": lambda **kw: s4_codec.CpuGzip(**kw),
    "cpu-zstd-dict": lambda **kw: s4_codec.CpuZstdDict(RAW_DICT, **kw),
    "cpu-lz4": lambda **kw: s4_codec.CpuLz4(**kw),
}

#: A raw-content dictionary (no ZDICT magic): any bytes are a valid zstd dictionary.
RAW_DICT = b"".join(b"the quick brown fox %d jumps over the lazy dog; " % i for i in range(200))

_WORDS = (
    b"alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
    b"sigma tau upsilon phi chi psi omega storage gateway object chunk frame manifest"
).split()


def text_data(size, seed=1):
    """Compressible, word-like bytes of exactly `size` bytes."""
    rng = random.Random(seed)
    out = bytearray()
    while len(out) < size:
        out += b" ".join(rng.choices(_WORDS, k=512)) + b"\n"
    return bytes(out[:size])


_NIBBLES = bytes(b"abcdefghijklmnop"[i & 15] for i in range(256))


def noisy_data(size, seed=2):
    """Bytes of 4 bits of entropy each: compress about 2:1 and make codecs work hard."""
    return random.Random(seed).randbytes(size).translate(_NIBBLES)


SIZES = [0, 1, 5, 100, 4096, 65536 + 17, 300_000]


@pytest.fixture(params=sorted(CODEC_FACTORIES))
def codec_name(request):
    return request.param


@pytest.fixture
def codec(codec_name):
    return CODEC_FACTORIES[codec_name]()
