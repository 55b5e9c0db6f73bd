using DicomTools.Codecs.Rle;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// RLE frames made by other encoders, decoded and compared with independent truth: the native file the fixture was
/// made from (tests/fixtures/rle/make.sh, DCMTK dcmcrle), the corpus's native originals, or DCMTK's dcmdrle run on
/// the corpus file at test time.
/// </summary>
public sealed class RleFixtureTests
{
    private static readonly RleDecoder Decoder = new();

    [Theory]
    [InlineData("mr16.rle.dcm", "mr16.dcm")]
    [InlineData("mr16.frag1k.rle.dcm", "mr16.dcm")]
    [InlineData("s8.rle.dcm", "s8.dcm")]
    [InlineData("u8.rle.dcm", "u8.dcm")]
    [InlineData("u12.rle.dcm", "u12.dcm")]
    [InlineData("s12.rle.dcm", "s12.dcm")]
    [InlineData("s16.rle.dcm", "s16.dcm")]
    [InlineData("rgb8odd.rle.dcm", "rgb8odd.dcm")]
    [InlineData("rgb8.rle.dcm", "rgb8.dcm")]
    [InlineData("rgb16.rle.dcm", "rgb16.dcm")]
    [InlineData("u32.rle.dcm", "u32.dcm")]
    public void Dcmcrle_fixtures_decode_to_their_native_source_bit_for_bit(string fixture, string source)
    {
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("rle", fixture));
        var native = CodecTestFiles.Read(CodecTestFiles.Fixture("codec-sources", source));

        AssertDecodesExactly(encoded, native);
    }

    [SkippableTheory]
    [InlineData("cswado__CTImage.dcm_RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm", "cswado__CTImage.dcm")]
    [InlineData("pydicom__MR_small_RLE.dcm", "pydicom__MR_small.dcm")]
    [InlineData("pydicomdata__emri_small_RLE.dcm", "pydicomdata__emri_small.dcm")]
    [InlineData("derived__CR_MONO1_rle.dcm", "dwv__gdcm-CR-MONO1-10-chest.dcm")]
    [InlineData("derived__vlut_04_rle.dcm", "pydicomdata__vlut_04.dcm")]
    [InlineData("derived__color-pl_rle.dcm", "pydicomdata__color-pl.dcm")]
    public void Corpus_files_decode_to_the_native_file_they_were_made_from(string encodedName, string nativeName)
    {
        var encoded = CodecTestFiles.Read(CorpusFacts.File(encodedName));
        var native = CodecTestFiles.Read(CorpusFacts.File(nativeName));

        AssertDecodesExactly(encoded, native);
    }

    [SkippableTheory]
    [InlineData("fodicom__D_CLUNIE_CT1_RLE_FRAGS.dcm")]
    [InlineData("dicomparser__CT0012.not_fragmented_bot_rle.dcm")]
    [InlineData("dwv__leadtools-flowers-16-mono2-rle.dcm")]
    [InlineData("pydicom__SC_rgb_rle.dcm")]
    [InlineData("pydicom__SC_rgb_rle_16bit.dcm")]
    [InlineData("pydicom__SC_rgb_rle_32bit_2frame.dcm")]
    [InlineData("pydicom__rtdose_rle_1frame.dcm")]
    [InlineData("pydicomdata__OBXXXX1A_rle.dcm")]
    public void Corpus_files_decode_as_dcmdrle_decodes_them(string name)
    {
        var path = CorpusFacts.File(name);
        var encoded = CodecTestFiles.Read(path);
        var reference = CodecTestFiles.ReadThroughReferenceTool("dcmdrle", path);

        AssertDecodesExactly(encoded, reference);
    }

    [Fact]
    public void Truncated_and_mutated_fixture_frames_fail_cleanly()
    {
        var random = new Random(77);
        var seeds = new[] { "mr16.rle.dcm", "rgb16.rle.dcm", "u32.rle.dcm", "rgb8odd.rle.dcm" }
            .Select(name => CodecTestFiles.Read(CodecTestFiles.Fixture("rle", name)))
            .ToArray();
        int rejected = 0;
        for (int mutation = 0; mutation < 2000; mutation++)
        {
            var file = seeds[mutation % seeds.Length];
            try
            {
                CodecAssert.DecodeGuarded(Decoder, ByteMutator.Mutate(file.Frames[0], random), file.Geometry);
            }
            catch (DicomTools.CodecException)
            {
                rejected++;
            }
        }
        Assert.True(rejected > 200, $"only {rejected} of 2000 damaged frames were rejected");
    }

    private static void AssertDecodesExactly(TestFrames encoded, TestFrames native)
    {
        Assert.Equal(TransferSyntax.RleLossless.Uid, encoded.TransferSyntaxUid);
        Assert.Equal(native.NumberOfFrames, encoded.NumberOfFrames);
        for (int frame = 0; frame < encoded.NumberOfFrames; frame++)
        {
            var output = CodecAssert.DecodeGuarded(Decoder, encoded.Frames[frame], encoded.Geometry, out var photometric);
            var expected = StoredSamples.Interleave(native.Frames[frame], native.Geometry);
            Assert.True(expected.AsSpan().SequenceEqual(output), $"{encoded.Name} frame {frame + 1} differs from {native.Name}");
            Assert.Equal(encoded.Geometry.PhotometricInterpretation, photometric);
        }
    }
}
