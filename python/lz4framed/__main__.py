"""python -m lz4framed (compress|decompress) (INFILE|-) [OUTFILE]

Exit codes: 0 success, 1 usage, 2 input cannot be opened, 4 output cannot be opened,
8 LZ4 error (corrupt data, or a truncated input: "Decompression error: input truncated"),
16 I/O error while reading or writing. OUTFILE is truncated (the original appended).
"""

import sys

from . import Compressor, Decompressor, Lz4FramedError, Lz4FramedNoDataError, get_block_size

EXIT_USAGE = 1
EXIT_INPUT = 2
EXIT_OUTPUT = 4
EXIT_LZ4 = 8
EXIT_IO = 16


def _binary(stream):
    return getattr(stream, 'buffer', stream)


def _compress(fin, fout):
    compressor = Compressor(fout)
    read = fin.read
    size = get_block_size()
    while True:
        try:
            data = read(size)
        except EOFError:
            break
        if not data:
            break
        compressor.update(data)
    compressor.end()


def _decompress(fin, fout):
    write = fout.write
    for chunk in Decompressor(fin):
        write(chunk)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    if not 3 <= len(argv) <= 4 or argv[1] not in ('compress', 'decompress'):
        print('USAGE: lz4framed (compress|decompress) (INFILE|-) [OUTFILE]', file=sys.stderr)
        return EXIT_USAGE
    action = argv[1]
    try:
        fin = _binary(sys.stdin) if argv[2] == '-' else open(argv[2], 'rb')
    except (IOError, OSError) as ex:
        print('Failed to open input file for reading: %s' % ex, file=sys.stderr)
        return EXIT_INPUT
    try:
        try:
            fout = open(argv[3], 'wb') if len(argv) == 4 else _binary(sys.stdout)
        except (IOError, OSError) as ex:
            print('Failed to open output file for writing: %s' % ex, file=sys.stderr)
            return EXIT_OUTPUT
        try:
            (_compress if action == 'compress' else _decompress)(fin, fout)
            fout.flush()
        except Lz4FramedNoDataError:
            print('Decompression error: input truncated', file=sys.stderr)
            return EXIT_LZ4
        except Lz4FramedError as ex:
            what = 'Compression' if action == 'compress' else 'Decompression'
            print('%s error: %s (%s)' % (what, ex.args[0], ex.args[1]), file=sys.stderr)
            return EXIT_LZ4
        except (IOError, OSError) as ex:
            print('I/O failure: %s' % ex, file=sys.stderr)
            return EXIT_IO
        finally:
            if fout is not _binary(sys.stdout):
                fout.close()
    finally:
        if fin is not _binary(sys.stdin):
            fin.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
