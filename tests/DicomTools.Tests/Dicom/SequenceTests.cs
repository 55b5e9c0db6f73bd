using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// Sequences and items (PS3.5 7.5): defined and undefined lengths in every combination, nesting, empty sequences
/// and items, sequences hidden in UN (6.2.2), implicit-VR items in explicit-VR files, and the depth limit, which
/// must hold against a file nesting 100 000 levels without touching the thread's stack.
/// </summary>
public sealed class SequenceTests
{
    private static readonly DicomTag ReferencedImageSequence = new(0x0008, 0x1140);
    private static readonly DicomTag ReferencedSOPClassUID = new(0x0008, 0x1150);
    private static readonly DicomTag ReferencedSOPInstanceUID = new(0x0008, 0x1155);

    public static TheoryData<bool, bool, bool, bool> LengthsAndEncodings()
    {
        var data = new TheoryData<bool, bool, bool, bool>();
        foreach (var (explicitVR, bigEndian) in new[] { (true, false), (false, false), (true, true) })
        foreach (var sequenceUndefined in new[] { false, true })
        foreach (var itemUndefined in new[] { false, true })
            data.Add(explicitVR, bigEndian, sequenceUndefined, itemUndefined);
        return data;
    }

    private static DicomFile ReadFile(DicomBytes body, DicomReadOptions? options = null)
    {
        var uid = !body.Explicit ? DicomBytes.ImplicitLE : body.BigEndian ? DicomBytes.ExplicitBE : DicomBytes.ExplicitLE;
        return DicomBytes.Read(DicomBytes.Part10(uid, body), options);
    }

    private static void Reference(DicomBytes item, string instance) =>
        item.Text(0x0008, 0x1150, "UI", "1.2.840.10008.5.1.4.1.1.2").Text(0x0008, 0x1155, "UI", instance);

    [Theory]
    [MemberData(nameof(LengthsAndEncodings))]
    public void Sequence_with_two_items_is_read_and_parsing_continues_after_it(bool explicitVR, bool bigEndian, bool sequenceUndefined, bool itemUndefined)
    {
        var body = new DicomBytes(explicitVR, bigEndian)
            .Text(0x0008, 0x0060, "CS", "CT")
            .Sequence(0x0008, 0x1140, sequenceUndefined, items => items
                .Item(itemUndefined, item => Reference(item, "1.2.3.1"))
                .Item(itemUndefined, item => Reference(item, "1.2.3.22")))
            .Text(0x0010, 0x0010, "PN", "After^Sequence");

        var file = ReadFile(body);
        var sequence = file.Dataset[ReferencedImageSequence]!;

        Assert.Equal(DicomVR.SQ, sequence.VR);
        Assert.Equal(sequenceUndefined, sequence.HasUndefinedLength);
        Assert.Equal(2, sequence.Items.Count);
        Assert.Equal(2, sequence.ValueCount);
        Assert.Equal("1.2.3.1", sequence.Items[0].GetString(ReferencedSOPInstanceUID));
        Assert.Equal("1.2.3.22", sequence.Items[1].GetString(ReferencedSOPInstanceUID));
        Assert.Equal("1.2.840.10008.5.1.4.1.1.2", sequence.Items[1].GetString(ReferencedSOPClassUID));
        Assert.Equal("After", ((DicomPersonName)file.Dataset.GetValue(DicomTags.PatientName)!).FamilyName);
        Assert.Equal(3, file.Dataset.Count);
        Assert.Same(sequence.Items, file.Dataset.GetSequence(ReferencedImageSequence));
        Assert.Equal("2 items", sequence.DisplayValue);
        Assert.Empty(file.Warnings);
    }

    [Fact]
    public void Item_offset_is_where_its_tag_is()
    {
        var body = new DicomBytes().Sequence(0x0008, 0x1140, false, items => items
            .Item(false, item => Reference(item, "1.2")));
        var file = ReadFile(body);

        // The sequence header is 12 bytes (tag, "SQ", reserved, 32-bit length): the item tag follows.
        var sequence = file.Dataset[ReferencedImageSequence]!;
        Assert.Equal(sequence.Offset + 12, sequence.Items[0].Offset);
    }

    [Fact]
    public void Mixed_lengths_in_one_sequence()
    {
        var body = new DicomBytes()
            .Sequence(0x0008, 0x1140, true, items => items
                .Item(false, item => Reference(item, "1.1"))
                .Item(true, item => Reference(item, "2.2"))
                .Item(false, item => Reference(item, "3.3")))
            .Sequence(0x0008, 0x2112, false, items => items
                .Item(true, item => Reference(item, "4.4"))
                .Item(false, item => Reference(item, "5.5")));

        var ds = ReadFile(body).Dataset;

        Assert.Equal(new[] { "1.1", "2.2", "3.3" }, ds.GetSequence(ReferencedImageSequence).Select(i => i.GetString(ReferencedSOPInstanceUID)));
        Assert.Equal(new[] { "4.4", "5.5" }, ds.GetSequence(new DicomTag(0x0008, 0x2112)).Select(i => i.GetString(ReferencedSOPInstanceUID)));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Ten_levels_of_nesting_alternating_lengths(bool explicitVR, bool bigEndian)
    {
        const int depth = 10;
        void Level(DicomBytes item, int level)
        {
            item.Text(0x0020, 0x0013, "IS", level.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (level == depth) return;
            // Alternate defined and undefined lengths for sequences and items at each level.
            item.Sequence(0x0040, 0xA730, level % 2 == 0, items => items.Item(level % 3 == 0, child => Level(child, level + 1)));
            item.Text(0x0008, 0x0060, "CS", "L" + level);
        }

        var body = new DicomBytes(explicitVR, bigEndian);
        Level(body, 0);
        var ds = ReadFile(body).Dataset;

        for (var level = 0; level <= depth; level++)
        {
            Assert.Equal(level, ds.GetInt(DicomTags.InstanceNumber));
            if (level == depth) break;
            Assert.Equal("L" + level, ds.GetString(DicomTags.Modality));
            var items = ds.GetSequence(new DicomTag(0x0040, 0xA730));
            Assert.Single(items);
            ds = items[0];
        }
        Assert.False(ds.Contains(new DicomTag(0x0040, 0xA730)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Empty_sequence(bool undefinedLength)
    {
        var body = new DicomBytes().Sequence(0x0008, 0x1140, undefinedLength, _ => { }).Text(0x0008, 0x1030, "LO", "next");

        var ds = ReadFile(body).Dataset;

        Assert.Empty(ds.GetSequence(ReferencedImageSequence));
        Assert.Equal(0, ds[ReferencedImageSequence]!.ValueCount);
        Assert.Equal("next", ds.GetString(DicomTags.StudyDescription));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Empty_item(bool sequenceUndefined, bool itemUndefined)
    {
        var body = new DicomBytes()
            .Sequence(0x0008, 0x1140, sequenceUndefined, items => items.Item(itemUndefined, _ => { }).Item(false, item => Reference(item, "9")))
            .Text(0x0008, 0x1030, "LO", "next");

        var ds = ReadFile(body).Dataset;
        var items = ds.GetSequence(ReferencedImageSequence);

        Assert.Equal(2, items.Count);
        Assert.Empty(items[0]);
        Assert.Equal("9", items[1].GetString(ReferencedSOPInstanceUID));
        Assert.Equal("next", ds.GetString(DicomTags.StudyDescription));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Undefined_length_UN_is_an_implicit_little_endian_sequence(bool bigEndianFile)
    {
        // PS3.5 6.2.2: a UN of undefined length holds items encoded in implicit VR little endian, whatever the
        // file's transfer syntax, ended by a Sequence Delimitation Item.
        var body = new DicomBytes(true, bigEndianFile)
            .Text(0x0009, 0x0010, "LO", "ACME")
            .Sequence(0x0009, 0x1002, true, items => items
                    .Item(true, item => Reference(item, "7.7"))
                    .Item(false, item => Reference(item, "8.8")),
                vr: "UN", itemsExplicit: false, itemsBigEndian: false)
            .US(0x0028, 0x0010, 0x0102);

        var ds = ReadFile(body).Dataset;
        var element = ds[new DicomTag(0x0009, 0x1002)]!;

        Assert.Equal(DicomVR.UN, element.VR); // a private tag: nothing says what it really is
        Assert.Equal("ACME", element.PrivateCreator);
        Assert.Equal(new[] { "7.7", "8.8" }, element.Items.Select(i => i.GetString(ReferencedSOPInstanceUID)));
        Assert.Equal((ushort)0x0102, ds.GetValue(DicomTags.Rows));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UN_with_a_known_sequence_tag_is_read_as_that_sequence(bool undefinedLength)
    {
        var body = new DicomBytes()
            .Sequence(0x0008, 0x1140, undefinedLength, items => items.Item(false, item => Reference(item, "3.3")),
                vr: "UN", itemsExplicit: false, itemsBigEndian: false)
            .Text(0x0008, 0x1030, "LO", "next");

        var ds = ReadFile(body).Dataset;
        var element = ds[ReferencedImageSequence]!;

        Assert.Equal(DicomVR.SQ, element.VR);
        Assert.Equal("3.3", Assert.Single(element.Items).GetString(ReferencedSOPInstanceUID));
        Assert.Equal("next", ds.GetString(DicomTags.StudyDescription));
    }

    [Fact]
    public void Implicit_VR_item_inside_an_explicit_VR_file()
    {
        var body = new DicomBytes()
            .Sequence(0x0008, 0x1140, true, items => items
                .Item(true, item => item.Text(0x0008, 0x1155, "UI", "4.5.6").US(0x0028, 0x0010, 300), explicitVR: false)
                .Item(false, item => Reference(item, "7.8")))
            .Text(0x0008, 0x1030, "LO", "next");

        var ds = ReadFile(body).Dataset;
        var items = ds.GetSequence(ReferencedImageSequence);

        Assert.Equal("4.5.6", items[0].GetString(ReferencedSOPInstanceUID));
        Assert.Equal((ushort)300, items[0].GetValue(DicomTags.Rows));
        Assert.Equal(DicomVR.US, items[0][DicomTags.Rows]!.VR);
        Assert.Equal("7.8", items[1].GetString(ReferencedSOPInstanceUID));
        Assert.Equal("next", ds.GetString(DicomTags.StudyDescription));
    }

    [Fact]
    public void Undefined_length_item_closed_by_sequence_delimiter_alone_is_tolerated()
    {
        var body = new DicomBytes();
        body.Header(0x0008, 0x1140, "SQ", DicomBytes.UndefinedLength)
            .Tag(0xFFFE, 0xE000).U32(DicomBytes.UndefinedLength);
        Reference(body, "1.1");
        body.SequenceDelimiter() // no Item Delimitation Item first
            .Text(0x0008, 0x1030, "LO", "next");

        var file = ReadFile(body);

        Assert.Equal("1.1", Assert.Single(file.Dataset.GetSequence(ReferencedImageSequence)).GetString(ReferencedSOPInstanceUID));
        Assert.Equal("next", file.Dataset.GetString(DicomTags.StudyDescription));
        Assert.Contains(file.Warnings, w => w.Contains("without closing its last item", StringComparison.Ordinal));
    }

    [Fact]
    public void Item_delimiter_inside_a_defined_length_item_ends_it_with_a_warning()
    {
        var inner = new DicomBytes();
        Reference(inner, "1.1");
        inner.ItemDelimiter();
        var body = new DicomBytes();
        body.Header(0x0008, 0x1140, "SQ", DicomBytes.UndefinedLength)
            .Tag(0xFFFE, 0xE000).U32((uint)inner.Length).Bytes(inner)
            .SequenceDelimiter()
            .Text(0x0008, 0x1030, "LO", "next");

        var file = ReadFile(body);

        Assert.Single(file.Dataset.GetSequence(ReferencedImageSequence));
        Assert.Equal("next", file.Dataset.GetString(DicomTags.StudyDescription));
        Assert.NotEmpty(file.Warnings);
    }

    [Fact]
    public void Something_other_than_an_item_in_a_sequence_is_an_error()
    {
        var body = new DicomBytes();
        body.Header(0x0008, 0x1140, "SQ", DicomBytes.UndefinedLength);
        Reference(body, "1.1"); // an element where an item should start
        body.SequenceDelimiter();

        var e = Assert.Throws<DicomReadException>(() => ReadFile(body));
        Assert.Contains("expected an item", e.Message);
    }

    [Theory]
    [InlineData(false, "sequence")]
    [InlineData(true, "Item Delimitation")]
    public void File_ending_inside_an_undefined_length_sequence_is_an_error(bool insideItem, string expected)
    {
        var body = new DicomBytes();
        body.Header(0x0008, 0x1140, "SQ", DicomBytes.UndefinedLength).Item(false, item => Reference(item, "1"));
        if (insideItem)
        {
            body.Tag(0xFFFE, 0xE000).U32(DicomBytes.UndefinedLength);
            Reference(body, "2");
        }

        var e = Assert.Throws<DicomReadException>(() => ReadFile(body));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Private_creator_inside_an_item_is_the_items_own()
    {
        var body = new DicomBytes()
            .Text(0x0009, 0x0010, "LO", "TOP")
            .Sequence(0x0008, 0x1140, false, items => items.Item(false, item => item
                .Text(0x0009, 0x0010, "LO", "INNER")
                .Text(0x0009, 0x1001, "LO", "v")))
            .Text(0x0009, 0x1001, "LO", "w");

        var ds = ReadFile(body).Dataset;

        Assert.Equal("INNER", ds.GetSequence(ReferencedImageSequence)[0][new DicomTag(0x0009, 0x1001)]!.PrivateCreator);
        Assert.Equal("TOP", ds[new DicomTag(0x0009, 0x1001)]!.PrivateCreator);
    }

    // ---- the depth limit ----

    /// <summary>
    /// <paramref name="depth"/> nested undefined-length sequences, each with one undefined-length item, the deepest
    /// holding one element; written as flat bytes so building it needs no recursion either.
    /// </summary>
    private static byte[] NestedSequences(int depth)
    {
        var opening = new DicomBytes()
            .Header(0x0040, 0xA730, "SQ", DicomBytes.UndefinedLength)
            .Tag(0xFFFE, 0xE000).U32(DicomBytes.UndefinedLength)
            .ToArray();
        var closing = new DicomBytes().ItemDelimiter().SequenceDelimiter().ToArray();
        var innermost = new DicomBytes().Text(0x0020, 0x0013, "IS", "42").ToArray();
        var head = new DicomBytes().Text(0x0008, 0x0060, "CS", "OT").ToArray();
        var tail = new DicomBytes().Text(0x0010, 0x0010, "PN", "Tail").ToArray();
        var meta = DicomBytes.Preamble().Concat(DicomBytes.Meta(DicomBytes.ExplicitLE).ToArray()).ToArray();

        using var stream = new MemoryStream();
        stream.Write(meta);
        stream.Write(head);
        for (var i = 0; i < depth; i++) stream.Write(opening);
        stream.Write(innermost);
        for (var i = 0; i < depth; i++) stream.Write(closing);
        stream.Write(tail);
        return stream.ToArray();
    }

    [Fact]
    public void Nesting_at_the_limit_is_read()
    {
        var options = new DicomReadOptions();
        var file = DicomBytes.Read(NestedSequences(options.MaxSequenceDepth), options);

        Assert.Equal(options.MaxSequenceDepth, DepthOf(file.Dataset, out var innermost));
        Assert.Equal(42, innermost.GetInt(DicomTags.InstanceNumber));
    }

    [Fact]
    public void Nesting_one_beyond_the_limit_is_a_DICOM_read_exception()
    {
        var options = new DicomReadOptions();
        var e = Assert.Throws<DicomReadException>(() => DicomBytes.Read(NestedSequences(options.MaxSequenceDepth + 1), options));
        Assert.Contains("nested deeper", e.Message);
        Assert.Equal(new DicomTag(0x0040, 0xA730), e.Tag);
    }

    [Fact]
    public void A_hundred_thousand_nested_sequences_are_refused_by_the_limit()
    {
        var e = Assert.Throws<DicomReadException>(() => DicomBytes.Read(NestedSequences(100_000)));
        Assert.Contains("nested deeper than 64", e.Message);
    }

    [Fact]
    public void A_hundred_thousand_nested_sequences_parse_without_recursion_when_allowed()
    {
        // With the limit lifted, a recursive parser would overflow the thread's stack (and kill the test host)
        // long before 100 000 levels; the iterative one reads them all and returns to the top level.
        const int depth = 100_000;
        var file = DicomBytes.Read(NestedSequences(depth), new DicomReadOptions { MaxSequenceDepth = depth });

        Assert.Equal(depth, DepthOf(file.Dataset, out var innermost));
        Assert.Equal(42, innermost.GetInt(DicomTags.InstanceNumber));
        Assert.Equal("Tail", file.Dataset.GetString(DicomTags.PatientName));
        Assert.Equal(3, file.Dataset.Count);
    }

    private static int DepthOf(DicomDataset top, out DicomDataset innermost)
    {
        var depth = 0;
        var ds = top;
        while (ds.GetSequence(new DicomTag(0x0040, 0xA730)) is { Count: 1 } items)
        {
            ds = items[0];
            depth++;
        }
        innermost = ds;
        return depth;
    }
}
