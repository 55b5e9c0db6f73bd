using System.Security.Cryptography;
using DicomTools.Codecs;
using DicomTools.Codecs.Jpeg;
using DicomTools.Dicom;
using DicomTools.Pixels;
using Xunit;
using static DicomTools.Tests.Codecs.JpegTestSupport;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// JPEG Lossless (process 14): bit-exact against pixels that do not come from this decoder: the uncompressed
/// source of each fixture, dcmdjpeg's decode where an encoder departs from the source, hashes of dcmdjpeg's
/// decode of the corpus files, and T.81's own formulas for hand-assembled codestreams.
/// </summary>
public sealed class JpegLosslessDecoderTests
{
    public static IEnumerable<object[]> ExactFixtures => RowsWhere(r => r.Compare == "exact" && IsLossless(r));

    [Theory]
    [MemberData(nameof(ExactFixtures))]
    public void Fixture_decodes_bit_exact_to_its_independent_truth(string file)
    {
        var row = Row(file);
        var (pixels, photometric, _) = DecodeFile(Fixture(file));
        var expected = File.ReadAllBytes(Fixture(row.Expected));
        Assert.Equal(expected.Length, pixels.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (pixels[i] != expected[i])
                Assert.Fail($"{file}: byte {i} is {pixels[i]}, {row.Truth} says {expected[i]}");
        }
        Assert.Equal(row.ReturnedPhotometric, photometric);
    }

    public static IEnumerable<object[]> CorpusLosslessHashes => File.ReadAllLines(Fixture("corpus_lossless_sha256.tsv"))
        .Skip(1).Select(line => line.Split('\t')).Select(f => new object[] { f[0], f[2] });

    [SkippableTheory]
    [MemberData(nameof(CorpusLosslessHashes))]
    public void Corpus_file_decodes_to_the_same_pixels_as_dcmdjpeg(string file, string dcmdjpegSha256)
    {
        var path = CorpusFacts.File(file);
        var (pixels, _, _) = DecodeFile(path);
        Assert.Equal(dcmdjpegSha256, Convert.ToHexStringLower(SHA256.HashData(pixels)));
    }

    [SkippableTheory]
    [InlineData("cswado__CTImage.dcm_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm")]
    [InlineData("cswado__CTImage.dcm_JPEGProcess14TransferSyntax_1.2.840.10008.1.2.4.57.dcm")]
    public void CT_lossless_variant_equals_the_uncompressed_original(string file)
    {
        var original = CorpusFacts.File("cswado__CTImage.dcm");
        byte[] expected;
        expected = FrameSource.Open(original).ReadEncodedFrame(0);
        var (pixels, photometric, _) = DecodeFile(CorpusFacts.File(file));
        Assert.Equal("MONOCHROME2", photometric);
        Assert.True(expected.AsSpan().SequenceEqual(pixels), $"{file} differs from cswado__CTImage.dcm");
    }

    // Hand-assembled codestreams: 16-bit, one component, predictor 1, and a Huffman table whose codes are
    // '0' -> SSSS 0, '10' -> SSSS 16, '110' -> SSSS 1 (T.81 Annex C canonical codes for BITS = 1,1,1,0...).
    private static byte[] Codestream16(int columns, int rows, int predictor, byte[] entropyCoded, int restartInterval = 0)
    {
        var bytes = new List<byte> { 0xFF, 0xD8 };
        if (restartInterval > 0) bytes.AddRange(new byte[] { 0xFF, 0xDD, 0, 4, (byte)(restartInterval >> 8), (byte)restartInterval });
        bytes.AddRange(new byte[] { 0xFF, 0xC3, 0, 11, 16, (byte)(rows >> 8), (byte)rows, (byte)(columns >> 8), (byte)columns, 1, 1, 0x11, 0 });
        var counts = new byte[16];
        counts[0] = counts[1] = counts[2] = 1;
        bytes.AddRange(new byte[] { 0xFF, 0xC4, 0, 2 + 1 + 16 + 3, 0x00 });
        bytes.AddRange(counts);
        bytes.AddRange(new byte[] { 0, 16, 1 });
        bytes.AddRange(new byte[] { 0xFF, 0xDA, 0, 8, 1, 1, 0x00, (byte)predictor, 0, 0 });
        bytes.AddRange(entropyCoded);
        bytes.AddRange(new byte[] { 0xFF, 0xD9 });
        return bytes.ToArray();
    }

    private static ushort[] Decode16(byte[] codestream, int columns, int rows)
    {
        var geometry = new FrameGeometry(rows, columns, 1, 16, 16, false, "MONOCHROME2", 0);
        var output = new byte[geometry.FrameByteLength];
        JpegDecoders.Lossless.Decode(codestream, geometry, output);
        return Enumerable.Range(0, columns * rows).Select(i => (ushort)(output[2 * i] | output[2 * i + 1] << 8)).ToArray();
    }

    [Fact]
    public void Difference_category_16_means_32768_without_extra_bits_and_wraps_modulo_65536()
    {
        // Samples: 2^15 (first-sample prediction, T.81 H.1.2.1) + 32768 = 0 mod 2^16; then 0 + 32768; then
        // 32768 + 0; then 32768 + 1 (SSSS 1, extra bit '1'). Bits: 10 10 0 110 1, padded with 1s: 1010 0110 1111 1111
        // -> 0xA6 0xFF, and the 0xFF data byte is stuffed with 0x00.
        var codestream = Codestream16(4, 1, 1, new byte[] { 0xA6, 0xFF, 0x00 });
        Assert.Equal(new ushort[] { 0, 32768, 32768, 32769 }, Decode16(codestream, 4, 1));
    }

    [Fact]
    public void First_column_predicts_from_above_and_first_row_from_the_left_whatever_the_predictor()
    {
        // 2x2 image, predictor 7 ((Ra + Rb) / 2) selected. Row 0: 2^15 + 1 (SSSS 1 '110' + '1'), then Ra + 0 ('0').
        // Row 1: first column Rb + 0 = 32769 ('0'); then (Ra + Rb) / 2 + 32768 ('10') = 32769 + 32768 mod 2^16 = 1.
        // Bits: 1101 0 0 10, padded: 1101 0010 -> 0xD2.
        var codestream = Codestream16(2, 2, 7, new byte[] { 0xD2 });
        Assert.Equal(new ushort[] { 32769, 32769, 32769, 1 }, Decode16(codestream, 2, 2));
    }

    [Fact]
    public void Restart_marker_resets_prediction_to_the_first_row_rules()
    {
        // 1x2 image, restart interval 1 row: each row starts a new interval, so both first samples are predicted
        // from 2^15 (not from the row above). Row 0: '1101' -> 32769; RST0; row 1: '0' -> 32768.
        var codestream = Codestream16(1, 2, 2, new byte[] { 0xDF, 0xFF, 0xD0, 0x7F }, restartInterval: 1);
        Assert.Equal(new ushort[] { 32769, 32768 }, Decode16(codestream, 1, 2));
    }

    [Fact]
    public void Missing_restart_marker_is_a_codec_error()
    {
        var codestream = Codestream16(1, 2, 2, new byte[] { 0xDF, 0x7F }, restartInterval: 1);
        var ex = Assert.Throws<CodecException>(() => Decode16(codestream, 1, 2));
        Assert.Contains("restart marker", ex.Message);
    }

    [Fact]
    public void Restart_interval_that_is_not_whole_rows_is_refused_as_DCMTK_does()
    {
        var codestream = Codestream16(4, 1, 1, new byte[] { 0xA6, 0xFF, 0x00 }, restartInterval: 3);
        var ex = Assert.Throws<CodecException>(() => Decode16(codestream, 4, 1));
        Assert.Contains("restart interval 3", ex.Message);
    }

    [Fact]
    public void Data_ending_before_the_last_row_is_a_codec_error()
    {
        // 4x4 samples need at least 16 bits; one byte of '0' codes is all there is.
        var codestream = Codestream16(4, 4, 1, new byte[] { 0x00 });
        var ex = Assert.Throws<CodecException>(() => Decode16(codestream, 4, 4));
        Assert.Contains("ends", ex.Message);
    }

    [Fact]
    public void Fill_bytes_before_markers_are_skipped()
    {
        // T.81 B.1.1.2: any marker may be preceded by 0xFF fill bytes. Inside entropy-coded data 0xFF is always
        // followed by 0x00 or a marker code, so every 0xFF that starts a marker gets two more in front of it.
        var (encoded, geometry) = ReadFrame(Fixture("rgb8_rst128.dcm"));
        var padded = new List<byte>();
        var markers = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            if (i > 0 && encoded[i] == 0xFF && i + 1 < encoded.Length && encoded[i + 1] is not 0x00 and not 0xFF)
            {
                padded.Add(0xFF);
                padded.Add(0xFF);
                markers++;
            }
            padded.Add(encoded[i]);
        }
        Assert.True(markers > 20, $"only {markers} markers found"); // segments plus the restart markers
        var output = new byte[geometry.FrameByteLength];
        JpegDecoders.Lossless.Decode(padded.ToArray(), geometry, output);
        Assert.Equal(File.ReadAllBytes(Fixture("rgb8.raw")), output);
    }

    [Fact]
    public void Frame_header_without_a_height_takes_the_header_rows()
    {
        // Number of lines 0 means a DNL marker would give it after the first scan (T.81 B.2.5); the DICOM header's
        // Rows say the same, so the DNL segment itself is not needed.
        var (encoded, geometry) = ReadFrame(Fixture("mr16s_sv3.dcm"));
        var sof = encoded.AsSpan().IndexOf(new byte[] { 0xFF, 0xC3 });
        encoded[sof + 5] = 0;
        encoded[sof + 6] = 0;
        var output = new byte[geometry.FrameByteLength];
        JpegDecoders.Lossless.Decode(encoded, geometry, output);
        Assert.Equal(File.ReadAllBytes(Fixture("mr16s.raw")), output);
    }

    [Fact]
    public void Header_smaller_than_the_codestream_gets_the_top_left_part()
    {
        var (encoded, geometry) = ReadFrame(Fixture("mr16s_sv4.dcm"));
        var small = geometry with { Rows = 40, Columns = 24 };
        var output = new byte[small.FrameByteLength];
        JpegDecoders.Lossless.Decode(encoded, small, output);
        var source = File.ReadAllBytes(Fixture("mr16s.raw"));
        for (var y = 0; y < 40; y++)
            Assert.True(source.AsSpan(y * 128, 48).SequenceEqual(output.AsSpan(y * 48, 48)), $"row {y}");
    }

    [Fact]
    public void Header_larger_than_the_codestream_is_filled_with_zero_outside_it()
    {
        var (encoded, geometry) = ReadFrame(Fixture("ct8_sv2.dcm"));
        var large = geometry with { Rows = 70, Columns = 66 };
        var output = new byte[large.FrameByteLength];
        Array.Fill(output, (byte)0xAB);
        JpegDecoders.Lossless.Decode(encoded, large, output);
        var source = File.ReadAllBytes(Fixture("ct8.raw"));
        for (var y = 0; y < 70; y++)
        {
            var row = output.AsSpan(y * 66, 66);
            if (y < 64)
            {
                Assert.True(source.AsSpan(y * 64, 64).SequenceEqual(row[..64]), $"row {y}");
                Assert.True(row[64..].IndexOfAnyExcept((byte)0) < 0, $"row {y} right margin");
            }
            else
            {
                Assert.True(row.IndexOfAnyExcept((byte)0) < 0, $"row {y}");
            }
        }
    }

    [Fact]
    public void Header_with_fewer_samples_per_pixel_keeps_the_first_component()
    {
        var (encoded, geometry) = ReadFrame(Fixture("rgb8_sv5.dcm"));
        var grey = geometry with { SamplesPerPixel = 1, PhotometricInterpretation = "MONOCHROME2" };
        var output = new byte[grey.FrameByteLength];
        JpegDecoders.Lossless.Decode(encoded, grey, output);
        var source = File.ReadAllBytes(Fixture("rgb8.raw"));
        for (var i = 0; i < output.Length; i++)
            Assert.Equal(source[3 * i], output[i]);
    }

    [Fact]
    public void Samples_wider_than_Bits_Allocated_keep_their_low_bits()
    {
        // A 16-bit codestream under a header that says 8 bits: the layout is the header's, one byte a sample.
        var (encoded, geometry) = ReadFrame(Fixture("mr16s_sv1.dcm"));
        var narrow = geometry with { BitsAllocated = 8, BitsStored = 8 };
        var output = new byte[narrow.FrameByteLength];
        JpegDecoders.Lossless.Decode(encoded, narrow, output);
        var source = File.ReadAllBytes(Fixture("mr16s.raw"));
        for (var i = 0; i < output.Length; i++)
            Assert.Equal(source[2 * i], output[i]);
    }

    [Fact]
    public void DCT_codestream_under_a_lossless_transfer_syntax_is_decoded_as_DCT()
    {
        var (encoded, geometry) = ReadFrame(Fixture("ct8_baseline.dcm"));
        var viaLossless = new byte[geometry.FrameByteLength];
        var viaDct = new byte[geometry.FrameByteLength];
        JpegDecoders.Lossless.Decode(encoded, geometry, viaLossless);
        JpegDecoders.Dct.Decode(encoded, geometry, viaDct);
        Assert.Equal(viaDct, viaLossless);
        var (max, _, _) = Difference(SampleValues(viaLossless, 1), SampleValues(File.ReadAllBytes(Fixture("ct8_baseline.raw")), 1));
        Assert.True(max <= 2, $"max difference {max} from dcmdjpeg");
    }

    [Fact]
    public void Destination_of_the_wrong_size_is_an_argument_error()
    {
        var (encoded, geometry) = ReadFrame(Fixture("ct8_sv1.dcm"));
        Assert.Throws<ArgumentException>(() => CodecRegistry.DecodeFrame(JpegDecoders.Lossless, encoded, geometry, new byte[geometry.FrameByteLength - 1]));
    }

    [Fact]
    public void Transfer_syntax_table_maps_the_JPEG_family()
    {
        Assert.Same(JpegDecoders.Lossless, CodecRegistry.For(TransferSyntax.JpegLossless));
        Assert.Same(JpegDecoders.Lossless, CodecRegistry.For(TransferSyntax.JpegLosslessSV1));
        foreach (var syntax in new[]
                 {
                     TransferSyntax.JpegBaseline8Bit, TransferSyntax.JpegExtended12Bit, TransferSyntax.JpegExtended35,
                     TransferSyntax.JpegSpectralSelectionNonHierarchical68, TransferSyntax.JpegSpectralSelectionNonHierarchical79,
                     TransferSyntax.JpegFullProgressionNonHierarchical1012, TransferSyntax.FromUid("1.2.840.10008.1.2.4.56\0"),
                 })
            Assert.Same(JpegDecoders.Dct, CodecRegistry.For(syntax));
        Assert.IsNotType<JpegDctDecoder>(CodecRegistry.For(TransferSyntax.JpegLsLossless));
        Assert.IsNotType<JpegLosslessDecoder>(CodecRegistry.For(TransferSyntax.JpegLsLossless));
        Assert.Null(CodecRegistry.For(TransferSyntax.JpegLosslessNonHierarchical15));
    }
}
