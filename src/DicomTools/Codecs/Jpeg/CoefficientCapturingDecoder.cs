using System.Buffers;
using System.Runtime.InteropServices;
using JpegLibrary;
using LibraryMarker = JpegLibrary.JpegMarker;

namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// Progressive codestreams (SOF2, SOF10) keep every coefficient of the frame until the last scan has been read.
/// JpegLibrary's progressive decoders hold them in one buffer rented from <see cref="JpegDecoder.MemoryPool"/> and
/// transform them only when the decoder is disposed after the end of the image. This decoder lends that buffer and
/// copies the quantized coefficients out of it when the end of the image is reached, before that transform, into
/// the planes' blocks (natural order, row-major within each 8x8 block). No probe step is needed for them, and
/// JpegLibrary's final pass does not matter, which is as well: it walks the component list of the last scan, so
/// when the last scan does not carry every component it transforms one component twice and skips another.
/// The layout read is that of JpegBlockAllocator in JpegLibrary 0.4.32: one spare block, then each component's
/// blocks row by row, ceil(ceil(X / 8) / (Hmax / Hi)) by ceil(ceil(Y / 8) / (Vmax / Vi)), which is the plane's
/// block grid, each block 64 16-bit coefficients in zig-zag order. The bit-exact tests against dcmdjpeg of the
/// progressive fixtures would fail if a later JpegLibrary changed it.
/// </summary>
internal sealed class CoefficientCapturingDecoder : JpegDecoder, IDisposable
{
    private readonly ComponentPlane[] _planes;
    private readonly LendingPool _pool = new();

    public CoefficientCapturingDecoder(ComponentPlane[] planes)
    {
        _planes = planes;
        MemoryPool = _pool;
        SetOutputWriter(IgnoringWriter.Instance);
    }

    public void Dispose() => _pool.Dispose();

    /// <summary>Whether the coefficients were copied (false for a frame whose codestream has no scan).</summary>
    public bool Captured { get; private set; }

    protected override bool ProcessMarkerForDecode(LibraryMarker marker, ref JpegReader reader)
    {
        if (marker == LibraryMarker.EndOfImage)
        {
            Capture();
            return false;
        }
        bool more = base.ProcessMarkerForDecode(marker, ref reader);
        // A codestream may end without EOI; Decode then stops and disposes the scan decoder right after this.
        if (reader.IsEmpty) Capture();
        return more;
    }

    private void Capture()
    {
        if (Captured || _pool.Lent is not { } lent) return;
        ReadOnlySpan<short> buffer = MemoryMarshal.Cast<byte, short>(lent.Memory.Span);
        ReadOnlySpan<byte> zigZagToNatural = QuantizationTables.ZigZagToNatural;
        int at = 64; // the spare block JpegLibrary writes MCU padding into
        foreach (ComponentPlane plane in _planes)
        {
            int blockColumns = plane.Stride / 8, blockRows = plane.PaddedHeight / 8;
            if (buffer.Length < at + 64 * blockColumns * blockRows)
                throw new CodecException($"JPEG: JpegLibrary's coefficient buffer holds {buffer.Length / 64} blocks, fewer than the frame has (its layout is not the one this decoder reads).");
            Span<short> samples = plane.Samples;
            for (int row = 0; row < blockRows; row++)
            {
                for (int column = 0; column < blockColumns; column++, at += 64)
                {
                    ReadOnlySpan<short> block = buffer.Slice(at, 64);
                    Span<short> target = samples.Slice(8 * row * plane.Stride + 8 * column);
                    for (int k = 0; k < 64; k++)
                    {
                        int natural = zigZagToNatural[k];
                        target[(natural >> 3) * plane.Stride + (natural & 7)] = block[k];
                    }
                }
            }
        }
        Captured = true;
    }

    /// <summary>
    /// JpegLibrary requires an output writer; what it writes after the capture is its own transform, unused.
    /// </summary>
    private sealed class IgnoringWriter : JpegBlockOutputWriter
    {
        public static readonly IgnoringWriter Instance = new();

        public override void WriteBlock(ref short blockRef, int componentIndex, int x, int y)
        {
        }
    }

    /// <summary>
    /// A pool that remembers the last buffer it lent: the coefficient buffer, the only one JpegLibrary rents when
    /// decoding DCT.
    /// </summary>
    private sealed class LendingPool : MemoryPool<byte>
    {
        public IMemoryOwner<byte>? Lent { get; private set; }

        public override int MaxBufferSize => Array.MaxLength;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            var owner = new PooledArray(Math.Max(minBufferSize, 4096));
            Lent = owner;
            return owner;
        }

        protected override void Dispose(bool disposing)
        {
        }
    }

    private sealed class PooledArray : IMemoryOwner<byte>
    {
        private byte[]? _array;

        public PooledArray(int length) => _array = ArrayPool<byte>.Shared.Rent(length);

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(PooledArray));

        public void Dispose()
        {
            byte[]? array = Interlocked.Exchange(ref _array, null);
            if (array is not null) ArrayPool<byte>.Shared.Return(array);
        }
    }
}
