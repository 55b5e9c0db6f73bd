using DicomTools.Codecs;
using DicomTools.Pixels;
using Xunit;
using Xunit.Abstractions;
using static DicomTools.Tests.Codecs.JpegTestSupport;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// What decoding a DCT frame allocates on the managed heap, counted with GC.GetAllocatedBytesForCurrentThread (a
/// count, not a timing, so it is the same on a busy machine). Per-frame working buffers (component planes,
/// progressive coefficients, upsampled rows) are pooled and nothing is allocated per block, so the count is small
/// and does not grow with the image: a frame of a few hundred blocks and one of thousands cost about the same.
/// The numbers are written to the test output (dotnet test --logger "console;verbosity=detailed").
/// </summary>
public sealed class JpegDctAllocationTests
{
    private readonly ITestOutputHelper _output;

    public JpegDctAllocationTests(ITestOutputHelper output) => _output = output;

    /// <summary>Managed bytes one decode of frame 0 allocates, after warming up (JIT, pools, lazy tables).</summary>
    private static long BytesPerFrame(string path, int repeats = 20)
    {
        var source = FrameSource.Open(path);
        var decoder = CodecRegistry.For(source.TransferSyntax)!;
        var encoded = source.ReadEncodedFrame(0);
        var destination = new byte[source.Geometry.FrameByteLength];
        for (var i = 0; i < 5; i++) decoder.Decode(encoded, source.Geometry, destination);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < repeats; i++) decoder.Decode(encoded, source.Geometry, destination);
        return (GC.GetAllocatedBytesForCurrentThread() - before) / repeats;
    }

    [Theory]
    [InlineData("ct8_baseline.dcm")]
    [InlineData("emri12_extended.dcm")]
    [InlineData("emri12_progressive.dcm")]
    [InlineData("hc12_extended_q98.dcm")]
    [InlineData("rgb8_baseline_420.dcm")]
    [InlineData("rgb8_baseline_422.dcm")]
    [InlineData("rgb8_progressive_422.dcm")]
    [InlineData("ct8_arithmetic.dcm")]
    [InlineData("ct8_arithmetic_progressive.dcm")]
    public void Decoding_a_fixture_frame_allocates_a_few_kilobytes(string file) => Measure(Fixture(file));

    [SkippableTheory]
    [InlineData("cswado__CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm")]   // 512x512 8-bit
    [InlineData("cswado__CTImage.dcm_JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm")] // 512x512 12-bit
    [InlineData("pylibjpeg__JPEGExtended_3s_1f_u_08_08.dcm")]                                  // 768x576 colour
    [InlineData("pylibjpeg__RG2_JPLY_fixed.dcm")]                                               // 1760x2140 12-bit
    [InlineData("fodicom__multiframe.dcm")]                                                     // 240x240 4:2:2, 140 frames
    public void Decoding_a_large_frame_allocates_no_more_than_a_small_one(string file) => Measure(CorpusFacts.File(file));

    private void Measure(string path)
    {
        var file = Path.GetFileName(path);
        var source = FrameSource.Open(path);
        long bytes = BytesPerFrame(path);
        long blocks = (source.Geometry.Rows + 7) / 8 * ((source.Geometry.Columns + 7) / 8) * source.Geometry.SamplesPerPixel;
        _output.WriteLine($"{file}: {source.Geometry.Columns}x{source.Geometry.Rows}x{source.Geometry.SamplesPerPixel}, {blocks} blocks: {bytes} bytes per frame");
        Assert.True(bytes <= Budget, $"{file}: decoding a frame allocates {bytes} bytes ({blocks} blocks), budget {Budget}");
    }

    // About 1.5-4 KB of small objects (frame header, component and scan descriptions, quantization tables); a
    // regression that allocated a plane, a coefficient buffer or a Huffman table per frame (8 KB or more), or
    // anything per block, would exceed it.
    private const long Budget = 6 * 1024;
}
