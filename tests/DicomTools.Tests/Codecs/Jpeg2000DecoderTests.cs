using System.Security.Cryptography;
using DicomTools.Codecs;
using DicomTools.Codecs.Jpeg2000;
using DicomTools.Codecs.Native;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// JPEG 2000 and HTJ2K through OpenJPEG. Truth: the native files GDCM's gdcmconv --j2k encoded
/// (tests/fixtures/jpeg2000/make.sh) and the corpus's native originals, bit for bit for lossless; GDCM's own
/// decoding (gdcmconv --raw, beside the fixture or run at test time) for lossy and for files without a native twin;
/// Pillow's decoding (its own OpenJPEG binding) for the HTJ2K sample, which GDCM 3.0 cannot read.
/// </summary>
public sealed class Jpeg2000DecoderTests
{
    private static readonly Jpeg2000Decoder Decoder = new();

    private static void RequireOpenJpeg() =>
        ReferenceTools.RequireNativeLibrary(NativeLibraries.OpenJpeg);

    [SkippableTheory]
    [InlineData("mr16.j2k.dcm", "mr16.dcm")]
    [InlineData("s8.j2k.dcm", "s8.dcm")]
    [InlineData("u8.j2k.dcm", "u8.dcm")]
    [InlineData("u12.j2k.dcm", "u12.dcm")]
    [InlineData("s12.j2k.dcm", "s12.dcm")]
    [InlineData("s16.j2k.dcm", "s16.dcm")]
    [InlineData("rgb8.j2k.dcm", "rgb8.dcm")]
    [InlineData("rgb16.j2k.dcm", "rgb16.dcm")]
    public void Lossless_fixtures_decode_to_their_native_source(string fixture, string source)
    {
        RequireOpenJpeg();
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", fixture));
        Assert.Equal(TransferSyntax.Jpeg2000Lossless.Uid, encoded.TransferSyntaxUid);

        AssertDecodes(encoded, CodecTestFiles.Read(CodecTestFiles.Fixture("codec-sources", source)), tolerance: 0);
    }

    [SkippableTheory]
    [InlineData("s16.lossy.j2k.dcm", "s16.lossy.gdcmraw.dcm")]
    [InlineData("rgb8.lossy.j2k.dcm", "rgb8.lossy.gdcmraw.dcm")]
    public void Lossy_fixtures_decode_as_GDCM_does_within_one(string fixture, string gdcmRaw)
    {
        RequireOpenJpeg();
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", fixture));
        Assert.Equal(TransferSyntax.Jpeg2000.Uid, encoded.TransferSyntaxUid);

        AssertDecodes(encoded, CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", gdcmRaw)), tolerance: 1);
    }

    [SkippableTheory]
    [InlineData("cswado__CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm", "cswado__CTImage.dcm")]
    [InlineData("pydicom__MR_small_jp2klossless.dcm", "pydicom__MR_small.dcm")]
    [InlineData("pydicomdata__emri_small_jpeg_2k_lossless.dcm", "pydicomdata__emri_small.dcm")] // J2K precision 16, Bits Stored 12
    public void Corpus_files_decode_to_the_native_file_they_were_made_from(string encodedName, string nativeName)
    {
        RequireOpenJpeg();
        AssertDecodes(CodecTestFiles.Read(CorpusFacts.File(encodedName)), CodecTestFiles.Read(CorpusFacts.File(nativeName)), tolerance: 0);
    }

    [SkippableTheory]
    [InlineData("cswado__CTImage.dcm_JPEG2000TransferSyntax_1.2.840.10008.1.2.4.91.dcm", "MONOCHROME2")]
    [InlineData("pydicom__693_J2KI.dcm", "MONOCHROME2")]
    [InlineData("pydicom__JPEG2000.dcm", "MONOCHROME2")]
    [InlineData("pydicomdata__explicit_VR-UN.dcm", "MONOCHROME2")]
    [InlineData("pydicomdata__MR2_J2KI.dcm", "MONOCHROME2")]
    [InlineData("pydicomdata__RG1_J2KI.dcm", "MONOCHROME1")]
    [InlineData("pydicomdata__RG3_J2KI.dcm", "MONOCHROME1")]
    [InlineData("pylibjpeg__MAROTECH_CT_JP2Lossy.dcm", "MONOCHROME2")] // JP2 file wrapper
    [InlineData("pydicomdata__US1_J2KI.dcm", "RGB")]                  // YBR_ICT: OpenJPEG inverted the ICT
    [InlineData("pydicomdata__US1_J2KR.dcm", "RGB")]                  // YBR_RCT
    [InlineData("pydicom__GDCMJ2K_TextGBR.dcm", "RGB")]               // YBR_RCT
    [InlineData("pydicom__J2K_pixelrep_mismatch.dcm", "MONOCHROME2")] // codestream unsigned 13-bit, header signed 13/16
    [InlineData("pylibjpeg__TOSHIBA_J2K_SIZ0_PixRep1.dcm", "MONOCHROME2")] // codestream unsigned, header signed
    [InlineData("pylibjpeg__TOSHIBA_J2K_SIZ1_PixRep0.dcm", "MONOCHROME2")] // codestream signed, header unsigned
    public void Corpus_files_decode_as_GDCM_decodes_them(string name, string photometric)
    {
        RequireOpenJpeg();
        var path = CorpusFacts.File(name);
        var encoded = CodecTestFiles.Read(path);
        var reference = CodecTestFiles.ReadThroughReferenceTool("gdcmconv --raw", path);

        AssertDecodes(encoded, reference, tolerance: 0, expectedPhotometric: photometric);
    }

    [SkippableFact]
    public void An_unsigned_thirteen_bit_codestream_under_a_signed_header_is_sign_extended_from_its_top_bit()
    {
        // pydicom's rule (APPLY_J2K_CORRECTIONS) for this file: the codestream's 13-bit unsigned samples are
        // two's-complement patterns; bit 12 set means negative. The header (Bits Stored 13, signed) reads our
        // output the same way, and the raw 16-bit words carry the sign through bit 15.
        RequireOpenJpeg();
        var file = CodecTestFiles.Read(CorpusFacts.File("pydicom__J2K_pixelrep_mismatch.dcm"));
        var output = CodecAssert.DecodeGuarded(Decoder, file.Frames[0], file.Geometry);

        var words = Enumerable.Range(0, output.Length / 2).Select(i => (short)(output[2 * i] | output[2 * i + 1] << 8)).ToArray();
        var headerValues = StoredSamples.Read(output, file.Geometry);
        Assert.Contains(words, w => w < 0);
        Assert.Equal(headerValues, words.Select(w => (long)w).ToArray());
        Assert.All(words, w => Assert.InRange(w, -4096, 4095));
    }

    [SkippableFact]
    public void The_high_throughput_sample_decodes_as_Pillow_decodes_it()
    {
        // Expected: SHA-256 of Pillow 9.4's decoding (OpenJPEG 2.5.0) of the frame's codestream, interleaved RGB:
        //   python3 -c "import pydicom,io,hashlib,numpy as np; from PIL import Image;
        //     from pydicom.encaps import generate_pixel_data_frame as g;
        //     ds=pydicom.dcmread('pydicomdata__HTJ2K_08_RGB.dcm'); f=next(g(ds.PixelData,1));
        //     print(hashlib.sha256(np.asarray(Image.open(io.BytesIO(f))).tobytes()).hexdigest())"
        RequireOpenJpeg();
        var file = CodecTestFiles.Read(CorpusFacts.File("pydicomdata__HTJ2K_08_RGB.dcm"));
        Assert.Equal(TransferSyntax.HTJ2K.Uid, file.TransferSyntaxUid);

        var output = CodecAssert.DecodeGuarded(Decoder, file.Frames[0], file.Geometry, out var photometric);

        Assert.Equal(PillowHtj2kSha256, Convert.ToHexString(SHA256.HashData(output)).ToLowerInvariant());
        Assert.Equal("RGB", photometric);
    }

    private const string PillowHtj2kSha256 = "16463ac9d0b0c70eed678971adf2076815b73148cff485ade090beb64868f7e3";

    [SkippableFact]
    public void A_codestream_damaged_inside_is_a_codec_exception_with_OpenJPEGs_reason()
    {
        RequireOpenJpeg();
        var file = CodecTestFiles.Read(CorpusFacts.File("pydicom__JPEG2000-embedded-sequence-delimiter.dcm"));

        var error = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, file.Frames[0], file.Geometry));

        Assert.Contains("JPEG 2000 codestream could not be decoded (reading the header)", error.Message);
        Assert.Contains("tiles", error.Message);
    }

    [SkippableFact]
    public void Truncated_codestreams_are_codec_exceptions()
    {
        RequireOpenJpeg();
        foreach (var fixture in new[] { "mr16.j2k.dcm", "rgb8.j2k.dcm", "s16.lossy.j2k.dcm" })
        {
            var file = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", fixture));
            var frame = file.Frames[0];
            foreach (var fraction in new[] { 0.0, 0.001, 0.05, 0.3, 0.6, 0.95 })
            {
                var cut = frame[..Math.Max(1, (int)(frame.Length * fraction))];
                Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, cut, file.Geometry));
            }
        }
    }

    [SkippableFact]
    public void Mutated_codestreams_decode_or_fail_with_codec_exception()
    {
        RequireOpenJpeg();
        var random = new Random(4242);
        var seeds = new[] { "mr16.j2k.dcm", "rgb8.j2k.dcm", "s16.lossy.j2k.dcm", "u12.j2k.dcm" }
            .Select(name => CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", name)))
            .ToArray();
        int rejected = 0;
        for (int mutation = 0; mutation < 400; mutation++)
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
        Assert.True(rejected > 40, $"only {rejected} of 400 damaged codestreams were rejected");
    }

    [SkippableFact]
    public void A_codestream_that_disagrees_with_the_header_is_rejected()
    {
        RequireOpenJpeg();
        var file = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", "mr16.j2k.dcm")); // 64x64, 1 component, 16-bit
        var g = file.Geometry;

        var wrongSize = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, file.Frames[0], g with { Columns = 65 }));
        Assert.Contains("component 1 is 64x64; the header says 65x64", wrongSize.Message);
        var wrongSamples = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, file.Frames[0], g with { SamplesPerPixel = 3 }));
        Assert.Contains("has 1 component(s); the header says 3", wrongSamples.Message);
        var tooNarrow = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, file.Frames[0], g with { BitsAllocated = 8, BitsStored = 8 }));
        Assert.Contains("16-bit samples, which do not fit Bits Allocated 8", tooNarrow.Message);
    }

    [SkippableFact]
    public void Values_beyond_bits_stored_are_clamped_to_its_range()
    {
        // The 12-bit MR frame holds values 0..467; decoded under an 8-bit Bits Stored, everything above 255 must
        // come out as 255 (clamped, not wrapped to its low 8 bits), the rest unchanged.
        RequireOpenJpeg();
        var file = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", "u12.j2k.dcm"));
        var native = CodecTestFiles.Read(CodecTestFiles.Fixture("codec-sources", "u12.dcm"));
        var narrow = file.Geometry with { BitsStored = 8 };

        var output = CodecAssert.DecodeGuarded(Decoder, file.Frames[0], narrow);

        var expected = StoredSamples.Read(native.Frames[0], native.Geometry).Select(v => Math.Min(v, 255)).ToArray();
        Assert.Contains(expected, v => v == 255);
        Assert.Equal(expected, StoredSamples.Read(output, file.Geometry));
    }

    [SkippableFact]
    public void Concurrent_decodes_give_the_same_result_as_one()
    {
        RequireOpenJpeg();
        var file = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", "rgb16.j2k.dcm"));
        var expected = CodecAssert.DecodeGuarded(Decoder, file.Frames[0], file.Geometry);

        var results = new byte[16][];
        Parallel.For(0, results.Length, i => results[i] = CodecAssert.DecodeGuarded(new Jpeg2000Decoder(), file.Frames[0], file.Geometry));

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [SkippableFact]
    public void Garbage_and_empty_input_are_codec_exceptions()
    {
        RequireOpenJpeg();
        var geometry = new FrameGeometry(8, 8, 1, 8, 8, false, "MONOCHROME2", 0);
        Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, Array.Empty<byte>(), geometry));
        Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, new byte[] { 0xFF, 0x4F, 0xFF, 0x51 }, geometry));
        var noise = new byte[500];
        new Random(3).NextBytes(noise);
        Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(Decoder, noise, geometry));
    }

    [Fact]
    public void Without_open_JPEG_the_error_says_what_to_install()
    {
        var real = NativeLibraries.OpenJpeg;
        var absent = new NativeCodecLibrary(real.Purpose, real.LibraryName, new[] { "libopenjp2-absent-for-a-test.so.7" }, real.InstallHint);
        var geometry = new FrameGeometry(2, 2, 1, 8, 8, false, "MONOCHROME2", 0);

        var error = Assert.Throws<CodecException>(() => new Jpeg2000Decoder(absent).Decode(new byte[] { 0xFF, 0x4F }, geometry, new byte[4]));

        Assert.Equal($"JPEG 2000 decoding needs the OpenJPEG library (libopenjp2-absent-for-a-test.so.7): install it, e.g. {real.InstallHint}", error.Message);
    }

    [SkippableFact]
    public void On_Linux_the_missing_library_message_names_the_Debian_package()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the Linux wording");
        Assert.Equal("JPEG 2000 decoding needs the OpenJPEG library (libopenjp2.so.7): install it, e.g. `apt-get install libopenjp2-7`",
            NativeLibraries.OpenJpeg.MissingMessage);
    }

    private static void AssertDecodes(TestFrames encoded, TestFrames truth, long tolerance, string? expectedPhotometric = null)
    {
        Assert.Equal(truth.NumberOfFrames, encoded.NumberOfFrames);
        for (int frame = 0; frame < encoded.NumberOfFrames; frame++)
        {
            var output = CodecAssert.DecodeGuarded(Decoder, encoded.Frames[frame], encoded.Geometry, out var photometric);
            StoredSamples.AssertEqual(StoredSamples.Interleave(truth.Frames[frame], truth.Geometry), output, encoded.Geometry,
                $"{encoded.Name} frame {frame + 1} vs {truth.Name}", tolerance);
            Assert.Equal(expectedPhotometric ?? encoded.Geometry.PhotometricInterpretation, photometric);
        }
    }
}
