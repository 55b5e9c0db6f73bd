using System.IO.Compression;
using DicomTools.Codecs;
using DicomTools.Codecs.Deflate;
using Xunit;

namespace DicomTools.Tests;

/// <summary>
/// Deflated Image Frame Compression. Truth: frames compressed here with the platform's Deflate encoder (round trip),
/// and (in <see cref="DeflatedFrameFixtureTests"/>) frames compressed by Python's zlib and the corpus's
/// liver_deflate.dcm against its uncompressed first frame, liver_1frame.dcm.
/// </summary>
public sealed class DeflatedFrameDecoderTests
{
    private static readonly DeflatedFrameDecoder Decoder = new();

    private static FrameGeometry Geometry(int rows, int columns, int bitsAllocated, int samples = 1) =>
        new(rows, columns, samples, bitsAllocated, bitsAllocated, false, samples == 3 ? "RGB" : "MONOCHROME2", 0);

    private static byte[] RawDeflate(byte[] data, int extraZeros = 0)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data);
            deflate.Write(new byte[extraZeros]);
        }
        return output.ToArray();
    }

    private static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(data);
        return output.ToArray();
    }

    [Theory]
    [InlineData(64, 64, 16, 1)]
    [InlineData(3, 3, 8, 3)]
    [InlineData(512, 512, 1, 1)]
    [InlineData(7, 5, 32, 1)]
    public void ARawDeflatedFrameInflatesToTheOriginalBytes(int rows, int columns, int bitsAllocated, int samples)
    {
        var geometry = Geometry(rows, columns, bitsAllocated, samples);
        var frame = RleDecoderTests.RunnyImage(new Random(rows * columns), (int)geometry.FrameByteLength);

        var output = CodecAssert.DecodeGuarded(Decoder, RawDeflate(frame), geometry, out var photometric);

        Assert.Equal(frame, output);
        Assert.Equal(geometry.PhotometricInterpretation, photometric);
    }

    [Fact]
    public void AnEvenLengthPaddingByteAfterTheStreamIsIgnored()
    {
        var geometry = Geometry(10, 10, 8);
        var frame = RleDecoderTests.RunnyImage(new Random(5), 100);

        var output = CodecAssert.DecodeGuarded(Decoder, RawDeflate(frame).Append((byte)0).ToArray(), geometry);

        Assert.Equal(frame, output);
    }

    [Fact]
    public void AZlibWrappedFrameIsAcceptedToo()
    {
        var geometry = Geometry(32, 32, 16);
        var frame = RleDecoderTests.RunnyImage(new Random(7), (int)geometry.FrameByteLength);

        Assert.Equal(frame, CodecAssert.DecodeGuarded(Decoder, Zlib(frame), geometry));
    }

    [Fact]
    public void AStreamThatEndsBeforeTheFrameIsFullIsRejected()
    {
        var geometry = Geometry(16, 16, 8);

        var error = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, RawDeflate(new byte[200]), geometry));

        Assert.Contains("ends after 200 decoded bytes; the frame needs 256", error.Message);
    }

    [Fact]
    public void ATruncatedStreamIsRejected()
    {
        var geometry = Geometry(64, 64, 16);
        var compressed = RawDeflate(RleDecoderTests.RunnyImage(new Random(9), (int)geometry.FrameByteLength));

        Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, compressed[..(compressed.Length / 2)], geometry));
    }

    [Fact]
    public void GarbageIsRejected()
    {
        Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3 }, Geometry(4, 4, 8)));
        Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, Array.Empty<byte>(), Geometry(4, 4, 8)));
    }

    [Fact]
    public void ADecompressionBombStopsAtTheFrameSizeWithoutGrowingMemory()
    {
        // 256 MiB of zeros deflate to about 256 KiB; the frame is 64 KiB. Inflating must stop at the frame and
        // allocate nothing in proportion to what the stream could still produce.
        var geometry = Geometry(256, 128, 16);
        var bomb = RawDeflate(new byte[geometry.FrameByteLength], extraZeros: 256 << 20);
        var destination = new byte[geometry.FrameByteLength];

        long before = GC.GetAllocatedBytesForCurrentThread();
        Decoder.Decode(bomb, geometry, destination);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1 << 20, $"decoding allocated {allocated} bytes");
        Assert.All(destination, b => Assert.Equal(0, b));
    }

    [Fact]
    public void MutatedFramesDecodeOrFailWithCodecExceptionAndNeverWriteOutsideTheFrame()
    {
        var random = new Random(20240612);
        var geometries = new[] { Geometry(16, 16, 16), Geometry(9, 9, 8, 3), Geometry(64, 64, 1), Geometry(4, 4, 32) };
        var seeds = geometries
            .Select(g => (Geometry: g, Frame: RawDeflate(RleDecoderTests.RunnyImage(random, (int)g.FrameByteLength))))
            .ToArray();

        int decoded = 0, rejected = 0;
        for (int mutation = 0; mutation < 3000; mutation++)
        {
            var (geometry, frame) = seeds[mutation % seeds.Length];
            try
            {
                CodecAssert.DecodeGuarded(Decoder, Fuzz.Mutate(frame, random), geometry);
                decoded++;
            }
            catch (CodecException)
            {
                rejected++;
            }
        }
        Assert.True(decoded > 50 && rejected > 50, $"decoded {decoded}, rejected {rejected}");
    }
}
