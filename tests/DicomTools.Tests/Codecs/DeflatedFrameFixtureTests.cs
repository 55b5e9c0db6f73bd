using DicomTools.Codecs.Deflate;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// Deflated Image Frame Compression files read through the reader: fixtures deflated per frame by Python's zlib
/// (tests/fixtures/deflate/make.sh) against their native sources, and the corpus's only real sample,
/// pydicom-data's liver_deflate.dcm, whose first frame is pydicom's liver_1frame.dcm.
/// </summary>
public sealed class DeflatedFrameFixtureTests
{
    private static readonly DeflatedFrameDecoder Decoder = new();

    [Theory]
    [InlineData("bit1.deflate.dcm", "bit1.dcm")]
    [InlineData("s16.deflate.dcm", "s16.dcm")]
    [InlineData("rgb8odd.deflate.dcm", "rgb8odd.dcm")]
    [InlineData("u32.deflate.dcm", "u32.dcm")]
    public void Zlib_deflated_fixtures_inflate_to_their_native_source_bit_for_bit(string fixture, string source)
    {
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("deflate", fixture));
        var native = CodecTestFiles.Read(CodecTestFiles.Fixture("codec-sources", source));

        Assert.Equal(TransferSyntax.DeflatedImageFrameCompression.Uid, encoded.TransferSyntaxUid);
        Assert.Equal(native.NumberOfFrames, encoded.NumberOfFrames);
        for (int frame = 0; frame < encoded.NumberOfFrames; frame++)
        {
            var output = CodecAssert.DecodeGuarded(Decoder, encoded.Frames[frame], encoded.Geometry);
            Assert.True(native.Frames[frame].AsSpan().SequenceEqual(output), $"{fixture} frame {frame + 1} differs from {source}");
        }
    }

    [SkippableFact]
    public void The_first_liver_segmentation_frame_equals_the_uncompressed_liver_frame()
    {
        var deflated = CodecTestFiles.Read(CorpusFacts.File("pydicomdata__liver_deflate.dcm"));
        var native = CodecTestFiles.Read(CorpusFacts.File("pydicom__liver_1frame.dcm"));

        Assert.Equal(3, deflated.NumberOfFrames);
        Assert.Equal(512 * 512 / 8, deflated.Geometry.FrameByteLength);
        var first = CodecAssert.DecodeGuarded(Decoder, deflated.Frames[0], deflated.Geometry);
        Assert.True(native.Frames[0].AsSpan().SequenceEqual(first), "liver_deflate frame 1 differs from liver_1frame");

        // Frames 2 and 3 have no uncompressed twin; they must inflate to exactly one frame each and differ from frame 1.
        for (int frame = 1; frame < 3; frame++)
        {
            var output = CodecAssert.DecodeGuarded(Decoder, deflated.Frames[frame], deflated.Geometry);
            Assert.False(output.AsSpan().SequenceEqual(first), $"frame {frame + 1} repeats frame 1");
        }
    }
}
