using System.Buffers.Binary;
using DicomTools.Codecs;
using DicomTools.Codecs.Rle;
using Xunit;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// RLE Lossless (PS3.5 Annex G). Expected bytes come from the standard's layout written out by hand (segments most
/// significant byte first, one plane per sample, PackBits runs), from round trips through a PackBits encoder written
/// here from G.3, and (in <see cref="RleFixtureTests"/>) from DCMTK's dcmcrle encodings of known native files.
/// </summary>
public sealed class RleDecoderTests
{
    private static readonly RleDecoder Decoder = new();

    private static FrameGeometry Grey(int rows, int columns, int bitsAllocated, string photometric = "MONOCHROME2") =>
        new(rows, columns, 1, bitsAllocated, bitsAllocated, false, photometric, 0);

    private static FrameGeometry Colour(int rows, int columns, int bitsAllocated, string photometric = "RGB") =>
        new(rows, columns, 3, bitsAllocated, bitsAllocated, false, photometric, 0);

    /// <summary>A frame: the 64-byte header (count + offsets, little endian), then the segments in order.</summary>
    private static byte[] Frame(params byte[][] segments)
    {
        var header = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)segments.Length);
        int offset = 64;
        for (int i = 0; i < segments.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4 + 4 * i), (uint)offset);
            offset += segments[i].Length;
        }
        return header.Concat(segments.SelectMany(s => s)).ToArray();
    }

    [Fact]
    public void Sixteen_bit_samples_come_from_the_most_significant_segment_first_and_are_written_little_endian()
    {
        // 2x3 pixels 0x0102 0x0304 0x0506 0xFF00 0xFF00 0xFF00: high bytes 01 03 05 FF FF FF, low bytes 02 04 06 00 00 00.
        // Each segment: a literal run of 3 (header 2) and a replicate run of 3 (header -2 = 0xFE).
        byte[] high = { 2, 0x01, 0x03, 0x05, 0xFE, 0xFF };
        byte[] low = { 2, 0x02, 0x04, 0x06, 0xFE, 0x00 };

        var output = CodecAssert.DecodeGuarded(Decoder, Frame(high, low), Grey(2, 3, 16));

        Assert.Equal(new byte[] { 0x02, 0x01, 0x04, 0x03, 0x06, 0x05, 0x00, 0xFF, 0x00, 0xFF, 0x00, 0xFF }, output);
    }

    [Fact]
    public void Colour_planes_are_interleaved_pixel_by_pixel()
    {
        byte[] red = { 3, 10, 11, 12, 13 }, green = { 0xFD, 20 }, blue = { 1, 30, 31, 0xFF, 32 };

        var output = CodecAssert.DecodeGuarded(Decoder, Frame(red, green, blue), Colour(2, 2, 8));

        Assert.Equal(new byte[] { 10, 20, 30, 11, 20, 31, 12, 20, 32, 13, 20, 32 }, output);
    }

    [Fact]
    public void Thirty_two_bit_samples_use_four_segments()
    {
        // One pixel 0x11223344: segments carry 11, 22, 33, 44 in that order.
        var frame = Frame(new byte[] { 0, 0x11 }, new byte[] { 0, 0x22 }, new byte[] { 0, 0x33 }, new byte[] { 0, 0x44 });

        var output = CodecAssert.DecodeGuarded(Decoder, frame, Grey(1, 1, 32));

        Assert.Equal(new byte[] { 0x44, 0x33, 0x22, 0x11 }, output);
    }

    [Fact]
    public void Minus_one_hundred_twenty_eight_is_skipped_as_a_no_operation()
    {
        byte[] segment = { 0x80, 1, 7, 8, 0x80, 0xFF, 9 };

        var output = CodecAssert.DecodeGuarded(Decoder, Frame(segment), Grey(1, 4, 8));

        Assert.Equal(new byte[] { 7, 8, 9, 9 }, output);
    }

    [Fact]
    public void Runs_past_the_segment_length_are_cut_without_writing_elsewhere()
    {
        // Red replicates 128 times and then has a literal run; green and blue must still land in their own slots.
        byte[] red = { 0x81, 5, 3, 1, 2, 3, 4 }, green = { 0xFD, 6 }, blue = { 0xFD, 7 };

        var output = CodecAssert.DecodeGuarded(Decoder, Frame(red, green, blue), Colour(2, 2, 8));

        Assert.Equal(new byte[] { 5, 6, 7, 5, 6, 7, 5, 6, 7, 5, 6, 7 }, output);
    }

    [Fact]
    public void A_segment_that_ends_early_is_rejected_by_number()
    {
        byte[] high = { 0xFB, 0x01 }; // 6 bytes, as wanted
        byte[] low = { 0xFD, 0x02 };  // 4 bytes of 6

        var error = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, Frame(high, low), Grey(2, 3, 16)));

        Assert.Contains("segment 2 of 2", error.Message);
        Assert.Contains("4 bytes; 6 expected", error.Message);
    }

    [Fact]
    public void A_literal_run_cut_by_the_end_of_the_data_is_rejected()
    {
        var error = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, Frame(new byte[] { 5, 1, 2 }), Grey(1, 6, 8)));

        Assert.Contains("segment 1 of 1", error.Message);
    }

    [Theory]
    [InlineData(1, "declares 1 segments")]
    [InlineData(3, "declares 3 segments")]
    public void A_segment_count_that_does_not_match_the_geometry_is_rejected(int count, string expected)
    {
        var frame = Frame(new byte[] { 0xFD, 1 }, new byte[] { 0xFD, 2 });
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)count);

        var error = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, frame, Grey(2, 2, 16)));

        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData(63, 70)]     // first segment inside the header
    [InlineData(64, 64)]     // second segment not after the first
    [InlineData(70, 66)]     // offsets decreasing
    [InlineData(64, 1000)]   // beyond the frame
    [InlineData(64, 0xFFFFFFF0u)]
    public void Offsets_outside_the_frame_or_out_of_order_are_rejected(uint first, uint second)
    {
        var frame = Frame(new byte[] { 0xFD, 1, 0, 0, 0, 0, 0, 0 }, new byte[] { 0xFD, 2 });
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), first);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(8), second);

        var error = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, frame, Grey(2, 2, 16)));

        Assert.Contains("offset", error.Message);
    }

    [Fact]
    public void A_frame_shorter_than_the_header_is_rejected()
    {
        var error = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, new byte[40], Grey(2, 2, 8)));

        Assert.Contains("shorter than its 64-byte header", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    public void Bits_allocated_that_is_not_whole_bytes_is_rejected(int bitsAllocated)
    {
        var geometry = new FrameGeometry(2, 8, 1, bitsAllocated, bitsAllocated, false, "MONOCHROME2", 0);

        Assert.Throws<CodecException>(() => Decoder.Decode(Frame(new byte[] { 0xF1, 0 }), geometry, new byte[geometry.FrameByteLength]));
    }

    [Fact]
    public void More_than_fifteen_segments_cannot_exist()
    {
        // 4 samples x 4 bytes = 16 segments: the 64-byte header has room for 15 offsets.
        var geometry = new FrameGeometry(1, 1, 4, 32, 32, false, "ARGB", 0);

        var error = Assert.Throws<CodecException>(() => Decoder.Decode(new byte[200], geometry, new byte[geometry.FrameByteLength]));

        Assert.Contains("at most 15 segments", error.Message);
    }

    [Theory]
    [InlineData("YBR_FULL")]
    [InlineData("PALETTE COLOR")]
    public void The_photometric_interpretation_of_the_header_is_returned_unchanged(string photometric)
    {
        var samples = photometric == "YBR_FULL" ? 3 : 1;
        var geometry = new FrameGeometry(1, 2, samples, 8, 8, false, photometric, 0);
        var frame = Frame(Enumerable.Range(0, samples).Select(_ => new byte[] { 0xFF, 9 }).ToArray());

        Assert.Equal(photometric, Decoder.Decode(frame, geometry, new byte[geometry.FrameByteLength]));
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(1, 16)]
    [InlineData(1, 32)]
    [InlineData(3, 8)]
    [InlineData(3, 16)]
    public void Random_images_survive_a_round_trip_through_an_annex_g_encoder(int samples, int bitsAllocated)
    {
        var random = new Random(1234 + samples * 100 + bitsAllocated);
        for (int trial = 0; trial < 20; trial++)
        {
            var geometry = new FrameGeometry(random.Next(1, 40), random.Next(1, 40), samples, bitsAllocated, bitsAllocated, false,
                samples == 3 ? "RGB" : "MONOCHROME2", 0);
            var image = RunnyImage(random, (int)geometry.FrameByteLength);

            var output = CodecAssert.DecodeGuarded(Decoder, AnnexGEncoder.Encode(image, geometry), geometry);

            Assert.True(image.AsSpan().SequenceEqual(output), $"trial {trial}: {geometry} decoded differently");
        }
    }

    [Fact]
    public void Mutated_frames_decode_or_fail_with_codec_exception_and_never_write_outside_the_frame()
    {
        var random = new Random(20240611);
        var geometries = new[] { Grey(17, 23, 8), Grey(16, 16, 16), Colour(9, 13, 8), Colour(8, 8, 16), Grey(5, 7, 32) };
        var seeds = geometries.Select(g => (Geometry: g, Frame: AnnexGEncoder.Encode(RunnyImage(random, (int)g.FrameByteLength), g))).ToArray();

        int decoded = 0, rejected = 0;
        for (int mutation = 0; mutation < 4000; mutation++)
        {
            var (geometry, frame) = seeds[mutation % seeds.Length];
            var damaged = ByteMutator.Mutate(frame, random);
            try
            {
                CodecAssert.DecodeGuarded(Decoder, damaged, geometry);
                decoded++;
            }
            catch (CodecException)
            {
                rejected++;
            }
        }
        // Both outcomes must occur, or the mutations did not exercise the decoder.
        Assert.True(decoded > 100 && rejected > 100, $"decoded {decoded}, rejected {rejected}");
    }

    /// <summary>Bytes with runs of repeats and stretches of noise, so both PackBits run kinds occur.</summary>
    internal static byte[] RunnyImage(Random random, int length)
    {
        var image = new byte[length];
        for (int i = 0; i < length;)
        {
            int run = Math.Min(random.Next(1, 300), length - i);
            if (random.Next(2) == 0) image.AsSpan(i, run).Fill((byte)random.Next(256));
            else random.NextBytes(image.AsSpan(i, run));
            i += run;
        }
        return image;
    }

    /// <summary>
    /// PackBits per PS3.5 G.3.1, written here independently of the decoder: replicate runs of 2..128 as
    /// (1 - count, byte), literal runs of 1..128 as (count - 1, bytes); segments padded to even length. The native
    /// frame is split into byte planes, most significant byte first for each sample.
    /// </summary>
    internal static class AnnexGEncoder
    {
        public static byte[] Encode(byte[] nativeFrame, FrameGeometry geometry)
        {
            int bytesPerSample = geometry.BitsAllocated / 8;
            int pixels = geometry.Rows * geometry.Columns;
            var segments = new List<byte[]>();
            for (int sample = 0; sample < geometry.SamplesPerPixel; sample++)
            {
                for (int significance = bytesPerSample - 1; significance >= 0; significance--)
                {
                    var plane = new byte[pixels];
                    for (int p = 0; p < pixels; p++)
                    {
                        plane[p] = nativeFrame[(p * geometry.SamplesPerPixel + sample) * bytesPerSample + significance];
                    }
                    segments.Add(PackBits(plane));
                }
            }
            return Frame(segments.ToArray());
        }

        private static byte[] PackBits(byte[] data)
        {
            var output = new List<byte>();
            int i = 0;
            while (i < data.Length)
            {
                int repeat = 1;
                while (i + repeat < data.Length && repeat < 128 && data[i + repeat] == data[i]) repeat++;
                if (repeat >= 2)
                {
                    output.Add((byte)(sbyte)(1 - repeat));
                    output.Add(data[i]);
                    i += repeat;
                    continue;
                }
                int start = i;
                while (i < data.Length && i - start < 128 && (i + 1 >= data.Length || data[i + 1] != data[i])) i++;
                output.Add((byte)(i - start - 1));
                output.AddRange(data.AsSpan(start, i - start).ToArray());
            }
            if (output.Count % 2 == 1) output.Add(0);
            return output.ToArray();
        }
    }
}
