using System.Globalization;
using System.Security.Cryptography;
using DicomTools.Codecs;
using DicomTools.Codecs.Jpeg;
using Xunit;
using static DicomTools.Tests.Codecs.JpegTestSupport;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// DCT JPEG decoded bit for bit as libjpeg decodes it: against DCMTK's dcmdjpeg (fixtures and corpus hashes made by
/// make.sh) and, for codestreams DCMTK cannot decode or leaves unconverted, libjpeg-turbo through PIL (same integer
/// IDCT, upsampling and colour tables). A different IDCT, a double colour conversion, a missing one, or chroma
/// upsampled by plain replication would each change samples.
/// </summary>
public sealed class JpegDctDecoderTests
{
    public static IEnumerable<object[]> DctFixtures => RowsWhere(r => !IsLossless(r));

    [Theory]
    [MemberData(nameof(DctFixtures))]
    public void Fixture_decodes_to_the_same_samples_as_libjpeg(string file)
    {
        var row = Row(file);
        var (pixels, photometric, geometry) = DecodeFile(Fixture(file));
        var expected = File.ReadAllBytes(Fixture(row.Expected));
        var (max, _, at) = Difference(SampleValues(pixels, geometry.BytesPerSample), SampleValues(expected, geometry.BytesPerSample));
        Assert.True(max <= row.Tolerance, $"{file}: sample {at} differs by {max} from {row.Truth} (tolerance {row.Tolerance})");
        Assert.Equal(row.ReturnedPhotometric, photometric);
    }

    public static IEnumerable<object[]> CorpusHashedFiles => File.ReadAllLines(Fixture("corpus_dct_sha256.tsv"))
        .Skip(1).Select(line => line.Split('\t')[0]).Distinct().Select(f => new object[] { f });

    [SkippableTheory]
    [MemberData(nameof(CorpusHashedFiles))]
    public void Corpus_file_decodes_every_frame_to_the_same_samples_as_libjpeg(string file)
    {
        var path = CorpusFacts.File(file);
        var frames = File.ReadAllLines(Fixture("corpus_dct_sha256.tsv")).Skip(1).Select(l => l.Split('\t')).Where(f => f[0] == file).ToArray();
        var wrong = new List<string>();
        foreach (var fields in frames)
        {
            var (pixels, _, _) = DecodeFrame(path, int.Parse(fields[1], CultureInfo.InvariantCulture));
            if (Convert.ToHexStringLower(SHA256.HashData(pixels)) != fields[2]) wrong.Add($"frame {fields[1]} (truth: {fields[3]})");
        }
        Assert.True(wrong.Count == 0, $"{file}: {wrong.Count} of {frames.Length} frames differ: {string.Join(", ", wrong.Take(5))}");
    }

    public static IEnumerable<object[]> CorpusCrops => File.ReadAllLines(Fixture("corpus_dct_crops.tsv"))
        .Skip(1).Select(line => line.Split('\t'))
        .Where(f => f[0] != "fodicom__GH195.dcm") // DCMTK leaves its YCbCr as is; see Codestream_marked_JFIF_is_converted_even_when_labelled_RGB
        .Select(f => new object[] { f[0] });

    /// <summary>The same truth as the hashes, as a crop and a mean, so that a failure says where and by how much.</summary>
    [SkippableTheory]
    [MemberData(nameof(CorpusCrops))]
    public void Corpus_file_crop_and_mean_equal_dcmdjpeg(string file)
    {
        var path = CorpusFacts.File(file);
        var fields = File.ReadAllLines(Fixture("corpus_dct_crops.tsv")).Select(l => l.Split('\t')).Single(f => f[0] == file);
        int left = int.Parse(fields[1], CultureInfo.InvariantCulture), top = int.Parse(fields[2], CultureInfo.InvariantCulture), width = int.Parse(fields[3], CultureInfo.InvariantCulture), height = int.Parse(fields[4], CultureInfo.InvariantCulture);
        var expectedMean = double.Parse(fields[5], System.Globalization.CultureInfo.InvariantCulture);
        var expectedCrop = File.ReadAllBytes(Fixture(fields[6]));

        var (frame, photometric, geometry) = DecodeFrame(path, 0);
        var bytes = geometry.BytesPerSample;
        var samples = SampleValues(frame, bytes);
        var spp = geometry.SamplesPerPixel;
        var crop = new List<int>();
        for (var y = top; y < top + height; y++)
            crop.AddRange(samples.Skip((y * geometry.Columns + left) * spp).Take(width * spp));

        var (max, _, at) = Difference(crop.ToArray(), SampleValues(expectedCrop, bytes));
        Assert.True(max == 0, $"{file}: crop sample {at} differs by {max} from dcmdjpeg");
        var mean = samples.Average();
        Assert.True(Math.Abs(mean - expectedMean) < 0.0001, $"{file}: frame mean {mean:F4}, dcmdjpeg {expectedMean:F4}");
        Assert.Equal(spp == 3 ? "RGB" : geometry.PhotometricInterpretation, photometric);
    }

    [SkippableFact]
    public void Codestream_marked_JFIF_is_converted_even_when_labelled_RGB()
    {
        // fodicom GH195: Photometric Interpretation RGB, but a JFIF codestream with 2x2-subsampled chroma, which
        // is YCbCr by definition. DCMTK and GDCM follow the header and show false colours; libjpeg (PIL) follows
        // the marker. The crop was decoded by PIL (make.sh).
        var (pixels, photometric, geometry) = DecodeFile(CorpusFacts.File("fodicom__GH195.dcm"));
        var expected = File.ReadAllBytes(Fixture("gh195_pil_crop_300_200.raw"));
        var crop = new List<int>();
        for (var y = 200; y < 264; y++)
            crop.AddRange(pixels.Skip((y * geometry.Columns + 300) * 3).Take(64 * 3).Select(b => (int)b));
        var (max, _, at) = Difference(crop.ToArray(), expected.Select(b => (int)b).ToArray());
        Assert.True(max == 0, $"crop sample {at} differs by {max} from libjpeg");
        Assert.Equal("RGB", photometric);
    }

    [SkippableFact]
    public void Scan_header_with_a_wrong_spectral_end_decodes_like_the_valid_one()
    {
        // pydicom's JPEG-lossy.dcm differs from JPGExtended.dcm only in the SOS byte Se (0 instead of 63), which
        // a sequential decoder ignores; dcmdjpeg warns and decodes both identically.
        var (invalid, _, _) = DecodeFile(CorpusFacts.File("pydicom__JPEG-lossy.dcm"));
        var (valid, _, _) = DecodeFile(CorpusFacts.File("pydicom__JPGExtended.dcm"));
        Assert.Equal(valid, invalid);
    }

    [SkippableFact]
    public void Truncated_codestream_is_a_codec_error_as_in_DCMTK_and_GDCM()
    {
        var path = CorpusFacts.File("broken__jpeg_fragment_truncated__JPEGBaseline.dcm");
        var (encoded, geometry) = ReadFrame(path);
        var ex = Assert.Throws<CodecException>(() => JpegDecoders.Dct.Decode(encoded, geometry, new byte[geometry.FrameByteLength]));
        Assert.Contains("truncated", ex.Message);
    }

    [SkippableFact]
    public void Frames_whose_codestream_is_smaller_than_the_header_are_placed_top_left()
    {
        // fodicom multiframe.dcm: every 14th of its 140 frames is a 55-pixel-wide codestream under a 240x240
        // header. The decoded part keeps the header's row stride; the rest is 0 (DCMTK packs the short rows
        // one after another instead, GDCM refuses the frame).
        var path = CorpusFacts.File("fodicom__multiframe.dcm");
        var (encoded, geometry) = ReadFrame(path, 13);
        var frame = new byte[geometry.FrameByteLength];
        JpegDecoders.Dct.Decode(encoded, geometry, frame);
        var info = JpegFrameInfoProbe(encoded);
        Assert.Equal((55, 240), info);
        for (var y = 0; y < 240; y++)
            Assert.True(frame.AsSpan((y * 240 + 55) * 3, (240 - 55) * 3).IndexOfAnyExcept((byte)0) < 0, $"row {y} beyond column 55");
        Assert.True(frame.AsSpan(0, 55 * 3).IndexOfAnyExcept((byte)0) >= 0, "decoded part is empty");
    }

    private static (int Width, int Height) JpegFrameInfoProbe(byte[] codestream)
    {
        // SOF0 payload: precision, height, width (T.81 B.2.2), found by its marker.
        var at = codestream.AsSpan().IndexOf(new byte[] { 0xFF, 0xC0 });
        return (codestream[at + 7] << 8 | codestream[at + 8], codestream[at + 5] << 8 | codestream[at + 6]);
    }

    [Fact]
    public void Lossless_codestream_under_a_lossy_transfer_syntax_is_decoded_bit_exact()
    {
        // A lossless codestream under a lossy syntax: the DCT decoder hands SOF3 over.
        var (encoded, geometry) = ReadFrame(Fixture("mr16s_sv6.dcm"));
        var output = new byte[geometry.FrameByteLength];
        JpegDecoders.Dct.Decode(encoded, geometry, output);
        Assert.Equal(File.ReadAllBytes(Fixture("mr16s.raw")), output);
    }

    [Fact]
    public void Twelve_bit_samples_stay_twelve_bits_in_a_16_bit_container()
    {
        var (pixels, _, _) = DecodeFile(Fixture("emri12_progressive.dcm"));
        var samples = SampleValues(pixels, 2);
        Assert.True(samples.Max() <= 4095, $"sample {samples.Max()} above 12 bits");
        Assert.True(samples.Max() > 255, "12-bit data was scaled to 8 bits");
    }

    [Fact]
    public void Codestream_claiming_far_more_pixels_than_the_header_is_refused_before_decoding()
    {
        var (encoded, geometry) = ReadFrame(Fixture("ct8_baseline.dcm"));
        var sof = encoded.AsSpan().IndexOf(new byte[] { 0xFF, 0xC0 });
        encoded[sof + 5] = 0xFF; // height 65 344+
        encoded[sof + 7] = 0xFF; // width 65 344+
        var tiny = geometry with { Rows = 8, Columns = 8 };
        var ex = Assert.Throws<CodecException>(() => JpegDecoders.Dct.Decode(encoded, tiny, new byte[tiny.FrameByteLength]));
        Assert.Contains("far more", ex.Message);
    }

    [Fact]
    public void Quantization_table_redefined_after_a_component_s_first_scan_is_not_applied_to_it()
    {
        // libjpeg copies a component's table when its first scan starts. A DQT with other steps between the scans of
        // a progressive frame therefore changes nothing: dcmdjpeg decodes such a codestream to the same samples as
        // the original (checked when this test was written), so the expected samples are dcmdjpeg's decode of the
        // unmodified fixture.
        var (encoded, geometry) = ReadFrame(Fixture("emri12_progressive.dcm"));
        var firstScan = encoded.AsSpan().IndexOf(new byte[] { 0xFF, 0xDA });
        var secondScan = firstScan + 2 + encoded.AsSpan(firstScan + 2).IndexOf(new byte[] { 0xFF, 0xDA });
        var otherSteps = new byte[] { 0xFF, 0xDB, 0x00, 0x43, 0x00 }.Concat(Enumerable.Repeat((byte)99, 64)).ToArray();
        var modified = encoded.Take(secondScan).Concat(otherSteps).Concat(encoded.Skip(secondScan)).ToArray();

        var output = new byte[geometry.FrameByteLength];
        JpegDecoders.Dct.Decode(modified, geometry, output);
        var expected = File.ReadAllBytes(Fixture("emri12_progressive.raw")).AsSpan(0, output.Length);
        Assert.True(expected.SequenceEqual(output), "a DQT after the first scan changed the decoded samples");

        // The same DQT before the first scan is the component's table, and does change them.
        var before = encoded.Take(firstScan).Concat(otherSteps).Concat(encoded.Skip(firstScan)).ToArray();
        JpegDecoders.Dct.Decode(before, geometry, output);
        Assert.False(expected.SequenceEqual(output), "a DQT before the first scan was ignored");
    }

    [Fact]
    public void Quantization_table_missing_at_a_component_s_first_scan_is_a_codec_error()
    {
        var (encoded, geometry) = ReadFrame(Fixture("ct8_baseline.dcm"));
        var dqt = encoded.AsSpan().IndexOf(new byte[] { 0xFF, 0xDB });
        encoded[dqt + 4] = 0x03; // the table becomes table 3, which the frame header does not use
        var ex = Assert.Throws<CodecException>(() => JpegDecoders.Dct.Decode(encoded, geometry, new byte[geometry.FrameByteLength]));
        Assert.Contains("quantization table 0", ex.Message);
    }
}
