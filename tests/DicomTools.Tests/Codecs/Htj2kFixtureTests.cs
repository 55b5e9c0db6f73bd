using DicomTools.Codecs.Jpeg2000;
using DicomTools.Codecs.Native;
using Xunit;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// High-Throughput JPEG 2000 (.201, .202, .203) through OpenJPEG, on codestreams made by a different implementation:
/// OpenJPH's ojph_compress (tests/fixtures/jpeg2000/make_htj2k.py). Truth: the input the encoder was given, bit for
/// bit, for lossless; ojph_expand's decoding of the same codestream for lossy, within 1 (the irreversible 9/7
/// wavelet's floating-point rounding may differ between two decoders; PS3.5 does not pin it).
/// </summary>
public sealed class Htj2kFixtureTests
{
    private static readonly Jpeg2000Decoder Decoder = new();

    private static void RequireOpenJpeg() =>
        ReferenceTools.RequireNativeLibrary(NativeLibraries.OpenJpeg);

    [SkippableTheory]
    [InlineData("u8", "1.2.840.10008.1.2.4.201", "MONOCHROME2")]
    [InlineData("u12", "1.2.840.10008.1.2.4.201", "MONOCHROME2")]
    [InlineData("rgb8", "1.2.840.10008.1.2.4.202", "RGB")] // reversible colour transform
    public void Lossless_codestreams_decode_to_the_encoders_input_and_to_ojph_expands_output(string name, string uid, string photometric)
    {
        RequireOpenJpeg();
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", name + ".htj2k.dcm"));
        Assert.Equal(uid, encoded.TransferSyntaxUid);

        AssertDecodes(encoded, CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", name + ".source.dcm")), 0, photometric);
        AssertDecodes(encoded, CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", name + ".ojph.dcm")), 0, photometric);
    }

    [SkippableTheory]
    [InlineData("u12.lossy", "MONOCHROME2")]
    [InlineData("rgb8.lossy", "RGB")] // irreversible colour transform (YBR_ICT) inverted by the decoder
    public void Lossy_codestreams_decode_as_ojph_expand_decodes_them_within_one(string name, string photometric)
    {
        RequireOpenJpeg();
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", name + ".htj2k.dcm"));
        Assert.Equal(DicomTools.Dicom.TransferSyntax.HTJ2K.Uid, encoded.TransferSyntaxUid);

        AssertDecodes(encoded, CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", name + ".ojph.dcm")), 1, photometric);
    }

    [SkippableFact]
    public void The_whole_file_reads_through_the_pixel_reader()
    {
        // The transfer syntax table sends .201-.203 to the JPEG 2000 decoder.
        RequireOpenJpeg();
        var frame = DicomTools.Pixels.PixelDataReader.Open(CodecTestFiles.Fixture("jpeg2000", "u12.htj2k.dcm")).ReadFrame(0);
        var source = DicomTools.Pixels.PixelDataReader.Open(CodecTestFiles.Fixture("jpeg2000", "u12.source.dcm")).ReadFrame(0);

        Assert.Equal(Assert.IsType<ushort[]>(source.Pixels), Assert.IsType<ushort[]>(frame.Pixels));
    }

    /// <summary>
    /// Signed 16-bit HTJ2K from ojph_compress (SIZ says signed, 16 bits): ojph_expand gives the input back, but
    /// OpenJPEG 2.5.0 (our decoder, and Pillow's and opj_decompress's) returns every negative sample out of range, so
    /// it is clamped to 32767. Which side breaks the standard is not settled here (no third HTJ2K decoder on this
    /// machine); until it is, the non-negative samples of the lossless fixture are held to the encoder's input bit for
    /// bit, and the negative ones are known to be wrong (README, Notes on compressed images). The lossy fixture
    /// (s16.lossy) differs also in non-negative samples near negative ones and is not tested.
    /// </summary>
    [SkippableTheory]
    [InlineData("s16", "s16.source.dcm", 0)]
    public void Signed_sixteen_bit_samples_that_are_not_negative_decode_as_open_jph_decodes_them(string name, string truthName, int tolerance)
    {
        RequireOpenJpeg();
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", name + ".htj2k.dcm"));
        var truth = (short[])DicomTools.Pixels.PixelDataReader.Open(CodecTestFiles.Fixture("jpeg2000", truthName)).ReadFrame(0).Pixels;
        var output = CodecAssert.DecodeGuarded(Decoder, encoded.Frames[0], encoded.Geometry);
        var decoded = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(output).ToArray();

        Assert.Equal(truth.Length, decoded.Length);
        var checkedSamples = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            if (truth[i] < 0) continue;
            checkedSamples++;
            Assert.True(Math.Abs(truth[i] - decoded[i]) <= tolerance, $"{name} sample {i}: {decoded[i]}, OpenJPH gives {truth[i]}");
        }
        Assert.True(checkedSamples > 100, $"only {checkedSamples} non-negative samples in {truthName}");
    }

    private static void AssertDecodes(TestFrames encoded, TestFrames truth, long tolerance, string photometric)
    {
        Assert.Equal(truth.NumberOfFrames, encoded.NumberOfFrames);
        var output = CodecAssert.DecodeGuarded(Decoder, encoded.Frames[0], encoded.Geometry, out var decodedPhotometric);
        StoredSamples.AssertEqual(StoredSamples.Interleave(truth.Frames[0], truth.Geometry), output, encoded.Geometry,
            $"{encoded.Name} vs {truth.Name}", tolerance);
        Assert.Equal(photometric, decodedPhotometric);
    }
}
