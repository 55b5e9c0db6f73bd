using System.Buffers;
using System.IO.Compression;
using DicomTools.Imaging;

namespace DicomTools.Export;

/// <summary>
/// A display image's pixels packed as the PNG image data just written from them (the zlib stream of filtered rows):
/// keeping it costs one copy of the compressed bytes, a few per cent of the pixels, and unpacking is the PNG
/// decoder's half (inflate, then undo each row's filter, ISO/IEC 15948 9.2). Held in blocks below the large-object
/// threshold, so a series of packed images is young-generation garbage, not large-object garbage.
/// </summary>
internal sealed class PackedPngRows : PackedPixels
{
    private const int BlockBytes = 64 * 1024;

    private readonly byte[][] _blocks;
    private readonly int _length;
    private readonly int _height;
    private readonly int _rowBytes;
    private readonly int _bytesPerPixel;

    /// <summary>Copies <paramref name="zlib"/>, the image data of <paramref name="height"/> rows of
    /// <paramref name="rowBytes"/> bytes (each with its filter byte in front in the stream).</summary>
    public PackedPngRows(ReadOnlySpan<byte> zlib, int height, int rowBytes, int bytesPerPixel)
    {
        _length = zlib.Length;
        _height = height;
        _rowBytes = rowBytes;
        _bytesPerPixel = bytesPerPixel;
        _blocks = new byte[(zlib.Length + BlockBytes - 1) / BlockBytes][];
        for (var i = 0; i < _blocks.Length; i++)
            _blocks[i] = zlib.Slice(i * BlockBytes, Math.Min(BlockBytes, zlib.Length - i * BlockBytes)).ToArray();
    }

    /// <summary>Bytes kept (the compressed image data).</summary>
    public int Length => _length;

    public override void Unpack(Span<byte> destination)
    {
        if (destination.Length != (long)_rowBytes * _height)
            throw new ArgumentException($"{destination.Length} bytes given for {_height} rows of {_rowBytes}", nameof(destination));
        // Rarely needed (an image read after it was written), so the blocks are joined rather than streamed.
        var joined = new byte[_length];
        for (var i = 0; i < _blocks.Length; i++) _blocks[i].CopyTo(joined, i * BlockBytes);
        var line = ArrayPool<byte>.Shared.Rent(_rowBytes + 1);
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(joined, writable: false), CompressionMode.Decompress);
            for (var row = 0; row < _height; row++)
            {
                zlib.ReadExactly(line, 0, _rowBytes + 1);
                var output = destination.Slice(row * _rowBytes, _rowBytes);
                var previous = row == 0 ? ReadOnlySpan<byte>.Empty : destination.Slice((row - 1) * _rowBytes, _rowBytes);
                Unfilter(line[0], line.AsSpan(1, _rowBytes), previous, _bytesPerPixel, output);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(line);
        }
    }

    /// <summary>Undoes one row's filter (ISO/IEC 15948 9.2-9.4): each byte plus its predictor from the bytes already
    /// restored, left (a), above (b) and above-left (c), zero outside the image.</summary>
    internal static void Unfilter(byte filter, ReadOnlySpan<byte> filtered, ReadOnlySpan<byte> previous, int bpp, Span<byte> output)
    {
        for (var i = 0; i < filtered.Length; i++)
        {
            int a = i >= bpp ? output[i - bpp] : 0;
            int b = previous.IsEmpty ? 0 : previous[i];
            int c = i >= bpp && !previous.IsEmpty ? previous[i - bpp] : 0;
            var predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                4 => Paeth(a, b, c),
                _ => throw new InvalidDataException($"PNG row filter {filter} does not exist"),
            };
            output[i] = (byte)(filtered[i] + predictor);
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
