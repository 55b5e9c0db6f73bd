using System.Diagnostics;
using DicomTools.Dicom;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Pixels;

/// <summary>
/// Lookup tables as PS3.3 stores them: the LUT Descriptor (C.11.1.1: entry count with 0 meaning 65536, first mapped
/// value signed when the mapped values are, bits per entry), LUT Data one entry per 16-bit word or, for 8-bit
/// palettes, one per byte (C.7.6.3.1.5), and Segmented Palette Color LUT Data (C.7.9.2) with expected entries
/// worked out by hand from the segment definitions.
/// </summary>
public sealed class LutReaderTests
{
    /// <summary>A Modality LUT Sequence item with the given descriptor words and LUT Data bytes (explicit VR LE).</summary>
    private static DicomDataset LutItem(ushort[] descriptor, byte[] data, string dataVR = "OW", string? explanation = null)
    {
        var body = new DicomBytes().Sequence(0x0028, 0x3000, false, items => items.Item(false, item =>
        {
            item.Element(0x0028, 0x3002, "US", item.Words(descriptor));
            if (explanation is not null) item.Text(0x0028, 0x3003, "LO", explanation);
            item.Element(0x0028, 0x3006, dataVR, data);
        }));
        return DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, body)).Dataset.GetSequence(DicomTags.ModalityLUTSequence)[0];
    }

    private static byte[] Le16(params ushort[] values) => new DicomBytes().Words(values);

    [Fact]
    public void Sixteen_bit_LUT()
    {
        var lut = LutReader.FromItem(LutItem(new ushort[] { 4, 100, 16 }, Le16(0, 1000, 2000, 65535), explanation: "HU"), signedInput: false)!;

        Assert.Equal(100, lut.FirstMappedValue);
        Assert.Equal(16, lut.BitsPerEntry);
        Assert.Equal(new ushort[] { 0, 1000, 2000, 65535 }, lut.Entries);
        Assert.Equal("HU", lut.Explanation);
    }

    [Fact]
    public void First_mapped_value_is_signed_when_the_input_is()
    {
        // C.11.1.1: for signed input the second descriptor value is two's complement: 0xFC00 is -1024.
        var item = LutItem(new ushort[] { 2, 0xFC00, 16 }, Le16(5, 6));

        Assert.Equal(-1024, LutReader.FromItem(item, signedInput: true)!.FirstMappedValue);
        Assert.Equal(0xFC00, LutReader.FromItem(item, signedInput: false)!.FirstMappedValue);
    }

    [Fact]
    public void Entry_count_zero_means_65536()
    {
        var data = Le16(Enumerable.Range(0, 65536).Select(i => (ushort)(65535 - i)).ToArray());
        var lut = LutReader.FromItem(LutItem(new ushort[] { 0, 0, 16 }, data), false)!;

        Assert.Equal(65536, lut.EntryCount);
        Assert.Equal(65535, lut.Entries[0]);
        Assert.Equal(0, lut.Entries[65535]);
    }

    [Fact]
    public void Eight_bit_data_packed_one_entry_per_byte()
    {
        // C.7.6.3.1.5: 8-bit entries are stored as 8 bits allocated, two to a 16-bit word, first in the low byte.
        var lut = LutReader.FromItem(LutItem(new ushort[] { 4, 0, 8 }, new byte[] { 10, 20, 30, 40 }), false)!;

        Assert.Equal(8, lut.BitsPerEntry);
        Assert.Equal(new ushort[] { 10, 20, 30, 40 }, lut.Entries);
    }

    [Fact]
    public void Eight_bit_data_one_entry_per_word()
    {
        var lut = LutReader.FromItem(LutItem(new ushort[] { 4, 0, 8 }, Le16(10, 20, 30, 40)), false)!;

        Assert.Equal(new ushort[] { 10, 20, 30, 40 }, lut.Entries);
    }

    [Fact]
    public void LUT_data_longer_than_the_descriptor_is_cut()
    {
        var lut = LutReader.FromItem(LutItem(new ushort[] { 2, 0, 16 }, Le16(1, 2, 3, 4)), false)!;
        Assert.Equal(new ushort[] { 1, 2 }, lut.Entries);
    }

    [Fact]
    public void LUT_without_usable_data_or_descriptor_is_absent()
    {
        Assert.Null(LutReader.FromItem(LutItem(new ushort[] { 2, 0, 16 }, Array.Empty<byte>()), false));
        var noDescriptor = new DicomBytes().Sequence(0x0028, 0x3000, false, items => items.Item(false, item => item.Element(0x0028, 0x3006, "OW", Le16(1, 2))));
        var item = DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, noDescriptor)).Dataset.GetSequence(DicomTags.ModalityLUTSequence)[0];
        Assert.Null(LutReader.FromItem(item, false));
        var shortDescriptor = new DicomBytes().Sequence(0x0028, 0x3000, false, items => items.Item(false, i => i
            .Element(0x0028, 0x3002, "US", Le16(2, 0)).Element(0x0028, 0x3006, "OW", Le16(1, 2))));
        item = DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, shortDescriptor)).Dataset.GetSequence(DicomTags.ModalityLUTSequence)[0];
        Assert.Null(LutReader.FromItem(item, false));
    }

    // ---- palettes ----

    private static DicomDataset PaletteDataset(Action<DicomBytes> write)
    {
        var body = new DicomBytes();
        write(body);
        return DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, body)).Dataset;
    }

    [Fact]
    public void Palette_from_normal_data()
    {
        var ds = PaletteDataset(b => b
            .Element(0x0028, 0x1101, "US", b.Words(3, 0, 16))
            .Element(0x0028, 0x1201, "OW", b.Words(0, 0x8000, 0xFFFF)));

        var red = LutReader.Palette(ds, DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.RedPaletteColorLookupTableData,
            DicomTags.SegmentedRedPaletteColorLookupTableData, false)!;

        Assert.Equal(new ushort[] { 0, 0x8000, 0xFFFF }, red.Entries);
        Assert.Null(LutReader.Palette(ds, DicomTags.GreenPaletteColorLookupTableDescriptor, DicomTags.GreenPaletteColorLookupTableData,
            DicomTags.SegmentedGreenPaletteColorLookupTableData, false));
    }

    [Fact]
    public void Palette_from_segmented_data()
    {
        // Discrete 10,20,30 then linear to 70 in 4 steps: 40,50,60,70.
        var ds = PaletteDataset(b => b
            .Element(0x0028, 0x1101, "US", b.Words(7, 0, 16))
            .Element(0x0028, 0x1221, "OW", b.Words(0, 3, 10, 20, 30, 1, 4, 70)));

        var red = LutReader.Palette(ds, DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.RedPaletteColorLookupTableData,
            DicomTags.SegmentedRedPaletteColorLookupTableData, false)!;

        Assert.Equal(new ushort[] { 10, 20, 30, 40, 50, 60, 70 }, red.Entries);
    }

    [Fact]
    public void Discrete_segment()
    {
        // C.7.9.2.1: opcode 0, length n, then n entries as they are.
        Assert.Equal(new ushort[] { 5, 65535, 0 }, LutReader.ExpandSegmented(new ushort[] { 0, 3, 5, 65535, 0 }, 100));
    }

    [Fact]
    public void Linear_segment_ramps_from_the_previous_value()
    {
        // C.7.9.2.2: opcode 1, length n, end value y1: n entries from the previous entry y0 to y1, y0 not repeated.
        Assert.Equal(new ushort[] { 100, 75, 50, 25, 0 }, LutReader.ExpandSegmented(new ushort[] { 0, 1, 100, 1, 4, 0 }, 100));
        Assert.Equal(new ushort[] { 0, 300, 600, 900 }, LutReader.ExpandSegmented(new ushort[] { 0, 1, 0, 1, 3, 900 }, 100));
    }

    [Fact]
    public void Indirect_segment_replays_earlier_segments()
    {
        // C.7.9.2.3: opcode 2, count of segments to copy, then the byte offset (low word first) of the first one.
        // Segments: [0] discrete 5,6 (words 0-3)  [1] linear 2 steps to 10 -> 8,10 (words 4-6)
        //           [2] indirect: copy 2 segments from byte 0 -> 5,6,8,10 again.
        var data = new ushort[] { 0, 2, 5, 6, 1, 2, 10, 2, 2, 0, 0 };
        Assert.Equal(new ushort[] { 5, 6, 8, 10, 5, 6, 8, 10 }, LutReader.ExpandSegmented(data, 100));

        // An indirect segment pointing at a later segment by its byte offset (word 3 = byte 6).
        var later = new ushort[] { 0, 1, 100, 0, 2, 7, 9, 2, 1, 6, 0 };
        Assert.Equal(new ushort[] { 100, 7, 9, 7, 9 }, LutReader.ExpandSegmented(later, 100));
    }

    [Fact]
    public void Segmented_output_stops_at_the_entry_count()
    {
        Assert.Equal(new ushort[] { 1, 2, 3 }, LutReader.ExpandSegmented(new ushort[] { 0, 5, 1, 2, 3, 4, 5, 1, 100, 9 }, 3));
    }

    [Fact]
    public void Hostile_segments_are_refused()
    {
        // An indirect segment that points at itself would replay itself forever.
        Assert.Throws<PixelDataException>(() => LutReader.ExpandSegmented(new ushort[] { 0, 1, 5, 2, 1, 6, 0 }, 100));
        // Pointing outside the data (byte offset 0x10000 + 0 with the high word set).
        Assert.Throws<PixelDataException>(() => LutReader.ExpandSegmented(new ushort[] { 0, 1, 5, 2, 1, 0, 1 }, 100));
        Assert.Throws<PixelDataException>(() => LutReader.ExpandSegmented(new ushort[] { 0, 1, 5, 2, 1, 0xFFFF, 0xFFFF }, 100));
        // An unknown segment type.
        Assert.Throws<PixelDataException>(() => LutReader.ExpandSegmented(new ushort[] { 3, 1, 5 }, 100));
    }

    [Fact]
    public void Indirect_segments_cannot_multiply_the_work()
    {
        // 65 535 empty discrete segments, then 200 000 indirect segments each asking to replay all of them: output
        // stays empty (so the entry cap never stops it), and unbounded replay would be 13 billion segment steps.
        const int empty = 65535, indirect = 200_000;
        var data = new ushort[empty * 2 + indirect * 4];
        for (var i = 0; i < indirect; i++)
        {
            var at = empty * 2 + i * 4;
            data[at] = 2;
            data[at + 1] = 0xFFFF;
        }

        var clock = Stopwatch.StartNew();
        try
        {
            LutReader.ExpandSegmented(data, 65536);
        }
        catch (PixelDataException)
        {
            // Refusing such data is as good as expanding it quickly.
        }
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"expanding {data.Length} words took {clock.Elapsed}");
    }

    [Fact]
    public void Palette_descriptor_first_mapped_value_for_signed_input()
    {
        var ds = PaletteDataset(b => b
            .Element(0x0028, 0x1101, "US", b.Words(2, 0xFF80, 8))
            .Element(0x0028, 0x1201, "OW", new byte[] { 1, 2 }));

        var red = LutReader.Palette(ds, DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.RedPaletteColorLookupTableData,
            DicomTags.SegmentedRedPaletteColorLookupTableData, signedInput: true)!;

        Assert.Equal(-128, red.FirstMappedValue);
        Assert.Equal(new ushort[] { 1, 2 }, red.Entries);
    }
}
