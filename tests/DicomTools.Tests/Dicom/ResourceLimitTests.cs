using System.IO.Compression;
using DicomTools.Dicom;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// Limits that hold whatever a header claims: frame counts, deflated data and element counts cost what the data
/// holds, not what the header says (issue 5). Inputs are built byte by byte (PS3.5 7.1).
/// </summary>
public sealed class ResourceLimitTests
{
    private static DicomBytes Image(ushort rows, ushort columns, string? frames = null)
    {
        var body = new DicomBytes();
        if (frames is not null) body.Text(0x0028, 0x0008, "IS", frames);
        return body.US(0x0028, 0x0010, rows).US(0x0028, 0x0011, columns).US(0x0028, 0x0100, 16).US(0x0028, 0x0101, 16).US(0x0028, 0x0103, 0);
    }

    [Fact]
    public void A_claimed_two_billion_frames_over_one_frame_of_data_counts_one_available_frame()
    {
        var body = Image(2, 2, "2147483647");
        body.Element(0x7FE0, 0x0010, "OW", body.Words(1, 2, 3, 4));
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, body));

        var reader = PixelDataReader.Open(temp.Open(DicomReadOptions.Full));

        Assert.Equal(int.MaxValue, reader.NumberOfFrames);
        Assert.Equal(1, reader.AvailableFrames);
        Assert.Equal(new ushort[] { 1, 2, 3, 4 }, (ushort[])reader.ReadFrame(0).Pixels);
        Assert.Throws<PixelDataException>(() => reader.ReadFrame(1));
    }

    [Fact]
    public void A_deflated_value_longer_than_the_inflation_limit_is_refused_before_inflating()
    {
        // Pixel Data claims 1.5 GiB; the deflated data holds a few bytes. The limit is known before any inflating.
        var body = Image(4, 4);
        body.Header(0x7FE0, 0x0010, "OW", 0x60000000).Bytes(new byte[32]);
        var file = Deflated(body.ToArray());
        var before = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<DicomReadException>(() => DicomBytes.Read(file, DicomReadOptions.Full));

        Assert.Contains("exceeds", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "nothing near the claimed size was allocated");
    }

    [Fact]
    public void Deflated_pixel_data_longer_than_its_frames_keeps_only_what_the_frames_need()
    {
        // A 4x4 16-bit frame (32 bytes) followed by 64 MiB of zeros the header counts as Pixel Data.
        const int padding = 64 << 20;
        var body = Image(4, 4);
        body.Header(0x7FE0, 0x0010, "OW", 32 + padding).Bytes(Enumerable.Range(1, 16).SelectMany(i => new[] { (byte)i, (byte)0 }).ToArray());
        var head = body.ToArray();
        var file = Deflated(head, padding);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var read = DicomBytes.Read(file, DicomReadOptions.Full);
        var pixels = (ushort[])PixelDataReader.Open(read).ReadFrame(0).Pixels;

        Assert.Equal(Enumerable.Range(1, 16).Select(i => (ushort)i), pixels);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the padding was inflated and dropped, not kept");
    }

    [Fact]
    public void Millions_of_empty_items_hit_the_element_limit_instead_of_memory()
    {
        var body = new DicomBytes().Header(0x0008, 0x1115, "SQ", DicomBytes.UndefinedLength);
        for (var i = 0; i < 1_100_000; i++) body.Tag(0xFFFE, 0xE000).U32(0);
        body.SequenceDelimiter();

        var error = Assert.Throws<DicomReadException>(() => DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, body)));

        Assert.Contains("1000000 data elements and items", error.Message);
    }

    /// <summary>A Deflated Explicit VR Little Endian file: meta, then the raw-deflated dataset (PS3.5 A.5), with
    /// <paramref name="zeros"/> zero bytes appended to the dataset before deflating.</summary>
    private static byte[] Deflated(byte[] dataset, int zeros = 0)
    {
        using var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(dataset);
            var block = new byte[1 << 20];
            for (var left = zeros; left > 0; left -= block.Length) deflate.Write(block, 0, Math.Min(left, block.Length));
        }
        return DicomBytes.Part10(DicomBytes.DeflatedLE, compressed.ToArray());
    }
}
