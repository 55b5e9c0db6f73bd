using System.IO.Compression;
using DicomTools.Codecs;
using DicomTools.Codecs.Deflate;
using Xunit;

namespace DicomTools.Tests.Codecs;

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
    public void A_raw_deflated_frame_inflates_to_the_original_bytes(int rows, int columns, int bitsAllocated, int samples)
    {
        var geometry = Geometry(rows, columns, bitsAllocated, samples);
        var frame = RleDecoderTests.RunnyImage(new Random(rows * columns), (int)geometry.FrameByteLength);

        var output = CodecAssert.DecodeGuarded(Decoder, RawDeflate(frame), geometry, out var photometric);

        Assert.Equal(frame, output);
        Assert.Equal(geometry.PhotometricInterpretation, photometric);
    }

    [Fact]
    public void An_even_length_padding_byte_after_the_stream_is_ignored()
    {
        var geometry = Geometry(10, 10, 8);
        var frame = RleDecoderTests.RunnyImage(new Random(5), 100);

        var output = CodecAssert.DecodeGuarded(Decoder, RawDeflate(frame).Append((byte)0).ToArray(), geometry);

        Assert.Equal(frame, output);
    }

    [Fact]
    public void A_zlib_wrapped_frame_is_accepted_too()
    {
        var geometry = Geometry(32, 32, 16);
        var frame = RleDecoderTests.RunnyImage(new Random(7), (int)geometry.FrameByteLength);

        Assert.Equal(frame, CodecAssert.DecodeGuarded(Decoder, Zlib(frame), geometry));
    }

    [Fact]
    public void A_stream_that_ends_before_the_frame_is_full_is_rejected()
    {
        var geometry = Geometry(16, 16, 8);

        var error = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, RawDeflate(new byte[200]), geometry));

        Assert.Contains("ends after 200 decoded bytes; the frame needs 256", error.Message);
    }

    [Fact]
    public void A_truncated_stream_is_rejected()
    {
        var geometry = Geometry(64, 64, 16);
        var compressed = RawDeflate(RleDecoderTests.RunnyImage(new Random(9), (int)geometry.FrameByteLength));

        Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, compressed[..(compressed.Length / 2)], geometry));
    }

    [Fact]
    public void Garbage_is_rejected()
    {
        Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3 }, Geometry(4, 4, 8)));
        Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, Array.Empty<byte>(), Geometry(4, 4, 8)));
    }

    [Fact]
    public void A_decompression_bomb_stops_at_the_frame_size_without_growing_memory()
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
    public void Mutated_frames_decode_or_fail_with_codec_exception_and_never_write_outside_the_frame()
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
                CodecAssert.DecodeGuarded(Decoder, ByteMutator.Mutate(frame, random), geometry);
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
