"""_lz4framed: the name of py-lz4framed's C extension (a top-level module in the original).

The original's exceptions report ``__module__ == "_lz4framed"`` and its pickles (an exception
sent back by ``multiprocessing``, say) refer to ``_lz4framed.Lz4FramedError``; ours report the
same name, and this module makes it importable: it *is* the ``_s4codec._lz4framed`` submodule
of the extension (constants, exceptions and functions; ``Compressor`` and ``Decompressor`` live
in the ``lz4framed`` package, as in the original). Use ``import lz4framed`` in new code.
"""

import sys

import _s4codec

sys.modules.setdefault("_s4codec._lz4framed", _s4codec._lz4framed)
sys.modules[__name__] = _s4codec._lz4framed
