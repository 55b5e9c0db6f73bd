using DicomTools.Codecs;
using DicomTools.Codecs.JpegLs;
using DicomTools.Codecs.Native;
using DicomTools.Codecs.Rle;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// JPEG-LS through CharLS. Truth: the native files DCMTK's dcmcjpls encoded (tests/fixtures/jpegls/make.sh) and the
/// corpus's native originals, bit for bit for lossless; for near-lossless, DCMTK's own decoding (dcmdjpls, made
/// beside the fixture or run at test time) exactly, and the original within NEAR (ISO/IEC 14495-1's guarantee).
/// </summary>
public sealed class JpegLsDecoderTests
{
    private static readonly JpegLsDecoder Decoder = new();

    private static void RequireCharLs() =>
        ReferenceTools.RequireNativeLibrary(NativeLibraries.CharLs);

    [SkippableTheory]
    [InlineData("mr16.jls.dcm", "mr16.dcm")]
    [InlineData("s8.jls.dcm", "s8.dcm")]
    [InlineData("u8.jls.dcm", "u8.dcm")]
    [InlineData("u12.jls.dcm", "u12.dcm")]
    [InlineData("s12.jls.dcm", "s12.dcm")]
    [InlineData("s16.jls.dcm", "s16.dcm")]
    [InlineData("rgb8odd.jls.dcm", "rgb8odd.dcm")]
    [InlineData("rgb16.jls.dcm", "rgb16.dcm")]
    [InlineData("rgb8.il.jls.dcm", "rgb8.dcm")]
    [InlineData("rgb8.is.jls.dcm", "rgb8.dcm")]
    [InlineData("rgb8.in.jls.dcm", "rgb8.dcm")]
    [InlineData("rgb16.in.jls.dcm", "rgb16.dcm")]
    public void Lossless_fixtures_decode_to_their_native_source(string fixture, string source)
    {
        RequireCharLs();
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("jpegls", fixture));
        var native = CodecTestFiles.Read(CodecTestFiles.Fixture("codec-sources", source));

        AssertDecodes(encoded, native, tolerance: 0);
    }

    [SkippableTheory]
    [InlineData("u12.near3.jls.dcm", "u12.near3.dcmdjpls.dcm", "u12.dcm", 3)]
    [InlineData("rgb8.near2.jls.dcm", "rgb8.near2.dcmdjpls.dcm", "rgb8.dcm", 2)]
    public void Near_lossless_fixtures_decode_as_dcmdjpls_does_and_stay_within_near_of_the_original(string fixture, string dcmdjpls, string source, int near)
    {
        RequireCharLs();
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("jpegls", fixture));
        Assert.Equal(TransferSyntax.JpegLsNearLossless.Uid, encoded.TransferSyntaxUid);

        AssertDecodes(encoded, CodecTestFiles.Read(CodecTestFiles.Fixture("jpegls", dcmdjpls)), tolerance: 0);
        AssertDecodes(encoded, CodecTestFiles.Read(CodecTestFiles.Fixture("codec-sources", source)), tolerance: near);
    }

    [SkippableTheory]
    [InlineData("cswado__CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm", "cswado__CTImage.dcm")]
    [InlineData("pydicom__MR_small_jpeg_ls_lossless.dcm", "pydicom__MR_small.dcm")]
    [InlineData("pydicomdata__emri_small_jpeg_ls_lossless.dcm", "pydicomdata__emri_small.dcm")]
    [InlineData("derived__CR_MONO1_jpegls_lossless.dcm", "dwv__gdcm-CR-MONO1-10-chest.dcm")]
    [InlineData("derived__mlut_18_jpegls_lossless.dcm", "pydicomdata__mlut_18.dcm")]
    [InlineData("derived__OBXXXX1A_jpegls_lossless.dcm", "pydicomdata__OBXXXX1A.dcm")]
    public void Corpus_files_decode_to_the_native_file_they_were_made_from(string encodedName, string nativeName)
    {
        RequireCharLs();
        AssertDecodes(CodecTestFiles.Read(CorpusFacts.File(encodedName)), CodecTestFiles.Read(CorpusFacts.File(nativeName)), tolerance: 0);
    }

    [SkippableTheory]
    [InlineData("cswado__CTImage.dcm_JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81.dcm", "dcmdjpls")]
    [InlineData("pylibjpeg__CT1_JLSN.dcm", "dcmdjpls")]
    [InlineData("pydicomdata__JLSN_RGB_ILV0.dcm", "dcmdjpls")]
    [InlineData("pydicomdata__JLSL_RGB_ILV0.dcm", "dcmdjpls")]
    [InlineData("pydicomdata__JLSL_RGB_ILV1.dcm", "dcmdjpls")]
    [InlineData("pydicomdata__JLSL_16_15_1_1F.dcm", "dcmdjpls")]
    [InlineData("dicomparser__CT1_UNC.fragmented_bot_jpeg_ls.80.dcm", "dcmdjpls")]
    [InlineData("dicomparser__CT0012.fragmented_no_bot_jpeg_ls.80.dcm", "dcmdjpls")]
    [InlineData("pydicomdata__JLSL_08_07_0_1F.dcm", "gdcmconv --raw")] // dcmdjpls 3.6.7 refuses this 7-bit file
    public void Corpus_files_decode_as_a_reference_decoder_decodes_them(string name, string tool)
    {
        RequireCharLs();
        var path = CorpusFacts.File(name);
        AssertDecodes(CodecTestFiles.Read(path), CodecTestFiles.ReadThroughReferenceTool(tool, path), tolerance: 0);
    }

    [SkippableFact]
    public void Truncated_codestreams_are_codec_exceptions()
    {
        RequireCharLs();
        foreach (var fixture in new[] { "mr16.jls.dcm", "rgb8.in.jls.dcm", "rgb8.is.jls.dcm", "u12.near3.jls.dcm" })
        {
            var file = CodecTestFiles.Read(CodecTestFiles.Fixture("jpegls", fixture));
            var frame = file.Frames[0];
            foreach (var fraction in new[] { 0.0, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9 })
            {
                var cut = frame[..(int)(frame.Length * fraction)];
                var error = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, cut, file.Geometry));
                Assert.Contains("JPEG-LS", error.Message);
            }
        }
    }

    [SkippableFact]
    public void Mutated_codestreams_decode_or_fail_with_codec_exception()
    {
        RequireCharLs();
        var random = new Random(31337);
        var seeds = new[] { "mr16.jls.dcm", "rgb8.il.jls.dcm", "rgb8.in.jls.dcm", "u12.near3.jls.dcm", "s8.jls.dcm" }
            .Select(name => CodecTestFiles.Read(CodecTestFiles.Fixture("jpegls", name)))
            .ToArray();
        int rejected = 0;
        for (int mutation = 0; mutation < 1000; mutation++)
        {
            var file = seeds[mutation % seeds.Length];
            try
            {
                CodecAssert.DecodeGuarded(Decoder, ByteMutator.Mutate(file.Frames[0], random), file.Geometry);
            }
            catch (CodecException)
            {
                rejected++;
            }
        }
        Assert.True(rejected > 100, $"only {rejected} of 1000 damaged codestreams were rejected");
    }

    [SkippableFact]
    public void A_codestream_that_disagrees_with_the_header_is_rejected_before_decoding()
    {
        RequireCharLs();
        var file = CodecTestFiles.Read(CodecTestFiles.Fixture("jpegls", "mr16.jls.dcm")); // 64x64, 1 component, 16-bit
        var frame = file.Frames[0];
        var g = file.Geometry;

        var wrongSize = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, frame, g with { Rows = 32 }));
        Assert.Contains("64x64 with 1 component(s); the header says 64x32", wrongSize.Message);
        var wrongSamples = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, frame, g with { SamplesPerPixel = 3, Rows = 64 }));
        Assert.Contains("the header says 64x64 with 3", wrongSamples.Message);
        var tooNarrow = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, frame, g with { BitsAllocated = 8, BitsStored = 8 }));
        Assert.Contains("do not fit Bits Allocated 8", tooNarrow.Message);
    }

    [SkippableFact]
    public void An_eight_bit_codestream_is_widened_into_a_sixteen_bit_frame()
    {
        RequireCharLs();
        var file = CodecTestFiles.Read(CodecTestFiles.Fixture("jpegls", "u8.jls.dcm"));
        var native = CodecTestFiles.Read(CodecTestFiles.Fixture("codec-sources", "u8.dcm"));
        var wide = file.Geometry with { BitsAllocated = 16 };

        var output = CodecAssert.DecodeGuarded(Decoder, file.Frames[0], wide);

        var expected = native.Frames[0].SelectMany(b => new byte[] { b, 0 }).ToArray();
        Assert.Equal(expected, output);
    }

    [SkippableFact]
    public void Garbage_and_empty_input_are_codec_exceptions()
    {
        RequireCharLs();
        var geometry = new FrameGeometry(8, 8, 1, 8, 8, false, "MONOCHROME2", 0);
        Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, Array.Empty<byte>(), geometry));
        Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 }, geometry));
        var noise = new byte[500];
        new Random(3).NextBytes(noise);
        Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, noise, geometry));
    }

    [SkippableFact]
    public void Concurrent_decodes_give_the_same_result_as_one()
    {
        RequireCharLs();
        var file = CodecTestFiles.Read(CodecTestFiles.Fixture("jpegls", "rgb8.in.jls.dcm"));
        var expected = CodecAssert.DecodeGuarded(Decoder, file.Frames[0], file.Geometry);

        var results = new byte[16][];
        Parallel.For(0, results.Length, i => results[i] = CodecAssert.DecodeGuarded(new JpegLsDecoder(), file.Frames[0], file.Geometry));

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Without_CharLS_the_error_says_what_to_install_and_other_codecs_keep_working()
    {
        var real = NativeLibraries.CharLs;
        var absent = new NativeCodecLibrary(real.Purpose, real.LibraryName, new[] { "libcharls-absent-for-a-test.so.2" }, real.InstallHint);
        var decoder = new JpegLsDecoder(absent);
        var geometry = new FrameGeometry(2, 2, 1, 8, 8, false, "MONOCHROME2", 0);

        var first = Assert.Throws<CodecException>(() => decoder.Decode(new byte[] { 0xFF, 0xD8 }, geometry, new byte[4]));
        var second = Assert.Throws<CodecException>(() => decoder.Decode(new byte[] { 0xFF, 0xD8 }, geometry, new byte[4]));

        Assert.Equal($"JPEG-LS decoding needs the CharLS library (libcharls-absent-for-a-test.so.2): install it, e.g. {real.InstallHint}", first.Message);
        Assert.Equal(first.Message, second.Message);
        var rle = new byte[64 + 2];
        rle[0] = 1;
        rle[4] = 64;
        rle[64] = 0xFD; // replicate 4 times
        rle[65] = 7;
        Assert.Equal(new byte[] { 7, 7, 7, 7 }, CodecAssert.DecodeGuarded(new RleDecoder(), rle, geometry));
    }

    [SkippableFact]
    public void On_Linux_the_missing_library_message_names_the_Debian_package()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the Linux wording");
        Assert.Equal("JPEG-LS decoding needs the CharLS library (libcharls.so.2): install it, e.g. `apt-get install libcharls2`",
            NativeLibraries.CharLs.MissingMessage);
    }

    [SkippableFact]
    public void A_library_without_the_CharLS_functions_is_reported_as_too_old()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "uses the C library as a stand-in");
        var impostor = new NativeCodecLibrary("JPEG-LS decoding", "CharLS", new[] { "libc.so.6" }, "`apt-get install libcharls2`");

        var error = Assert.Throws<CodecException>(() =>
            new JpegLsDecoder(impostor).Decode(new byte[] { 0xFF, 0xD8 }, new FrameGeometry(1, 1, 1, 8, 8, false, "MONOCHROME2", 0), new byte[1]));

        Assert.Contains("has no function 'charls_jpegls_decoder_create'", error.Message);
    }

    private static void AssertDecodes(TestFrames encoded, TestFrames truth, long tolerance)
    {
        Assert.StartsWith("1.2.840.10008.1.2.4.8", encoded.TransferSyntaxUid);
        Assert.Equal(truth.NumberOfFrames, encoded.NumberOfFrames);
        for (int frame = 0; frame < encoded.NumberOfFrames; frame++)
        {
            var output = CodecAssert.DecodeGuarded(Decoder, encoded.Frames[frame], encoded.Geometry, out var photometric);
            StoredSamples.AssertEqual(StoredSamples.Interleave(truth.Frames[frame], truth.Geometry), output, encoded.Geometry,
                $"{encoded.Name} frame {frame + 1} vs {truth.Name}", tolerance);
            Assert.Equal(encoded.Geometry.PhotometricInterpretation, photometric);
        }
    }
}
