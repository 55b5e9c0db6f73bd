using System.Buffers.Binary;
using System.Diagnostics;
using DicomTools.Codecs.Jpeg2000;
using DicomTools.Codecs.Native;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// JPEG 2000 Part 2 Multi-component transfer syntaxes (.92, .93), on fixtures from
/// tests/fixtures/jpeg2000/make_part2.py: a Part 1 codestream (permitted under them) and a real Part 2 one, coded by
/// libopenjp2's own encoder with an array-based multiple-component transform (a lossless permutation; truth: the
/// encoder's input). OpenJPEG 2.5's reader refuses Part 2's transform, so that fixture must end in an error that
/// says what is not supported.
/// </summary>
public sealed class Jpeg2000Part2Tests
{
    private static readonly Jpeg2000Decoder Decoder = new();

    [SkippableFact]
    public void A_part_1_codestream_under_the_multi_component_syntax_decodes_to_the_encoders_input()
    {
        ReferenceTools.RequireNativeLibrary(NativeLibraries.OpenJpeg);
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", "rgb8.part1.mc.dcm"));
        var truth = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", "rgb8.part2.source.dcm"));
        Assert.Equal(TransferSyntax.Jpeg2000MCLossless.Uid, encoded.TransferSyntaxUid);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(encoded.Frames[0].AsSpan(6))); // Rsiz: Part 1

        var output = CodecAssert.DecodeGuarded(Decoder, encoded.Frames[0], encoded.Geometry, out var photometric);

        StoredSamples.AssertEqual(StoredSamples.Interleave(truth.Frames[0], truth.Geometry), output, encoded.Geometry, "rgb8.part1.mc");
        Assert.Equal("RGB", photometric); // the Part 1 reversible colour transform, inverted by OpenJPEG
    }

    /// <summary>The fixture is what it claims: Rsiz with the Part 2 bit and the MCT extension bit (ISO/IEC 15444-2
    /// A.2.1), COD's transform field 2, MCT/MCC/MCO marker segments in the main header.</summary>
    [Fact]
    public void The_part_2_fixture_carries_an_array_based_multiple_component_transform()
    {
        var codestream = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", "rgb8.part2.mc.dcm")).Frames[0];

        Assert.Equal(0x8100, BinaryPrimitives.ReadUInt16BigEndian(codestream.AsSpan(6)));
        Assert.Equal("COD transform 2, MCT/MCC/MCO marker segments", J2kMainHeader.DescribePart2Transform(codestream));
        Assert.Null(J2kMainHeader.DescribePart2Transform(CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", "rgb8.part1.mc.dcm")).Frames[0]));
    }

    [SkippableFact]
    public void A_part_2_multiple_component_transform_is_refused_with_an_error_that_names_it()
    {
        ReferenceTools.RequireNativeLibrary(NativeLibraries.OpenJpeg);
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", "rgb8.part2.mc.dcm"));
        var destination = new byte[encoded.Geometry.FrameByteLength];

        var error = Assert.Throws<CodecException>(() => Decoder.Decode(encoded.Frames[0], encoded.Geometry, destination));

        Assert.Contains("Part 2 multiple-component transform", error.Message);
        Assert.Contains("MCT/MCC/MCO", error.Message);
        Assert.Contains("not supported", error.Message);
    }

    /// <summary>
    /// Why the refusal, rather than a decode compared with OpenJPEG's: OpenJPEG's own decoder cannot read the
    /// codestream its encoder wrote. When a later OpenJPEG on this machine decodes it, this test fails: then compare
    /// the decoding with the source instead of refusing.
    /// </summary>
    [SkippableFact]
    public void Opj_decompress_cannot_decode_the_part_2_fixture_either()
    {
        ReferenceTools.RequireTool("opj_decompress");
        var folder = Directory.CreateTempSubdirectory("dicomtools-part2-");
        try
        {
            var input = Path.Combine(folder.FullName, "part2.j2k");
            File.WriteAllBytes(input, CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", "rgb8.part2.mc.dcm")).Frames[0]);
            var start = new ProcessStartInfo("opj_decompress") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-i", input, "-o", Path.Combine(folder.FullName, "out.ppm") }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(60_000), "opj_decompress still running after 60 s");

            Assert.NotEqual(0, process.ExitCode);
            Assert.True(process.ExitCode < 128, $"opj_decompress crashed (exit {process.ExitCode}) instead of refusing");
            Assert.Contains("Invalid multiple component transformation", output + error.Result);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
