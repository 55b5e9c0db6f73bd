using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// <see cref="DicomInfo"/>: typed header properties (absent or empty is null), Number of Frames rules, display
/// attributes lifted from the Functional Groups of an enhanced multi-frame object (PS3.3 C.7.6.16: top level first,
/// then the frame's Per-frame item, then Shared), and the indexer by keyword or tag spelling.
/// </summary>
public sealed class DicomInfoTests
{
    private static DicomInfo Info(DicomBytes body, string uid = DicomBytes.ExplicitLE) =>
        new(DicomBytes.Read(DicomBytes.Part10(uid, body)));

    private static DicomBytes Typical() => new DicomBytes()
        .Text(0x0008, 0x0016, "UI", DicomBytes.SecondaryCaptureSopClass)
        .Text(0x0008, 0x0018, "UI", "1.2.3.4.5.6")
        .Text(0x0008, 0x0020, "DA", "20230115")
        .Text(0x0008, 0x0030, "TM", "101500")
        .Text(0x0008, 0x0050, "SH", "ACC1")
        .Text(0x0008, 0x0060, "CS", "CT")
        .Text(0x0008, 0x1030, "LO", "Head")
        .Text(0x0008, 0x103E, "LO", "Axial")
        .Text(0x0010, 0x0010, "PN", "Doe^Jane")
        .Text(0x0010, 0x0020, "LO", "PID-7")
        .Text(0x0010, 0x0030, "DA", "19800229")
        .Text(0x0020, 0x000D, "UI", "1.2.3")
        .Text(0x0020, 0x000E, "UI", "1.2.3.1")
        .Text(0x0020, 0x0011, "IS", "3")
        .Text(0x0020, 0x0013, "IS", "0012")
        .US(0x0028, 0x0002, 1)
        .Text(0x0028, 0x0004, "CS", "MONOCHROME2")
        .US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 3)
        .US(0x0028, 0x0100, 16).US(0x0028, 0x0101, 12).US(0x0028, 0x0102, 11).US(0x0028, 0x0103, 1)
        .Text(0x0028, 0x1050, "DS", "40\\300")
        .Text(0x0028, 0x1051, "DS", "400\\2000")
        .Text(0x0028, 0x1052, "DS", "-1024")
        .Text(0x0028, 0x1053, "DS", "1")
        .Text(0x0028, 0x1054, "LO", "HU")
        .Text(0x0028, 0x1055, "LO", "BRAIN\\BONE")
        .Text(0x0028, 0x1056, "CS", "LINEAR")
        .Text(0x2050, 0x0020, "CS", "IDENTITY")
        .Element(0x7FE0, 0x0010, "OW", new byte[12]);

    [Fact]
    public void Typical_header_is_typed()
    {
        var info = Info(Typical());

        Assert.Equal(DicomBytes.SecondaryCaptureSopClass, info.SOPClassUID);
        Assert.Equal("Secondary Capture Image Storage", info.SOPClassName);
        Assert.Equal("1.2.3.4.5.6", info.SOPInstanceUID);
        Assert.Equal(DicomBytes.ExplicitLE, info.TransferSyntaxUID);
        Assert.Equal("Explicit VR Little Endian", info.TransferSyntaxName);
        Assert.Equal("Explicit VR LE", info.TransferSyntaxShortName);
        Assert.Equal(new DateTime(2023, 1, 15), info.StudyDate);
        Assert.Equal(new TimeSpan(10, 15, 0), info.StudyTime);
        Assert.Equal(new DateTime(1980, 2, 29), info.PatientBirthDate);
        Assert.Equal("ACC1", info.AccessionNumber);
        Assert.Equal("CT", info.Modality);
        Assert.Equal("Head", info.StudyDescription);
        Assert.Equal("Axial", info.SeriesDescription);
        Assert.Equal("Doe", info.PatientName!.FamilyName);
        Assert.Equal("PID-7", info.PatientID);
        Assert.Equal("1.2.3", info.StudyInstanceUID);
        Assert.Equal("1.2.3.1", info.SeriesInstanceUID);
        Assert.Equal(3, info.SeriesNumber);
        Assert.Equal(12, info.InstanceNumber);
        Assert.Equal(1, info.SamplesPerPixel);
        Assert.Equal("MONOCHROME2", info.PhotometricInterpretation);
        Assert.Equal(2, info.Rows);
        Assert.Equal(3, info.Columns);
        Assert.Equal(1, info.NumberOfFrames);
        Assert.Equal(16, info.BitsAllocated);
        Assert.Equal(12, info.BitsStored);
        Assert.Equal(11, info.HighBit);
        Assert.Equal(1, info.PixelRepresentation);
        Assert.Null(info.PlanarConfiguration);
        Assert.Equal(new[] { 40.0, 300.0 }, info.WindowCenter);
        Assert.Equal(new[] { 400.0, 2000.0 }, info.WindowWidth);
        Assert.Equal(new[] { "BRAIN", "BONE" }, info.WindowCenterWidthExplanation);
        Assert.Equal(-1024.0, info.RescaleIntercept);
        Assert.Equal(1.0, info.RescaleSlope);
        Assert.Equal("HU", info.RescaleType);
        Assert.Equal("LINEAR", info.VOILUTFunction);
        Assert.Equal("IDENTITY", info.PresentationLUTShape);
        Assert.True(info.HasPixelData);
        Assert.Equal("memory.dcm", info.Name);
        Assert.Empty(info.Warnings);
    }

    [Fact]
    public void Absent_attributes_are_null()
    {
        var info = Info(new DicomBytes().Text(0x0008, 0x0060, "CS", "OT"));

        Assert.Null(info.PatientName);
        Assert.Null(info.PatientID);
        Assert.Null(info.StudyDate);
        Assert.Null(info.StudyTime);
        Assert.Null(info.SeriesNumber);
        Assert.Null(info.Rows);
        Assert.Null(info.BitsAllocated);
        Assert.Null(info.RescaleSlope);
        Assert.Null(info.RescaleIntercept);
        Assert.Null(info.RescaleType);
        Assert.Null(info.WindowCenter);
        Assert.Null(info.WindowWidth);
        Assert.Null(info.WindowCenterWidthExplanation);
        Assert.Null(info.VOILUTFunction);
        Assert.Null(info.PresentationLUTShape);
        Assert.False(info.HasPixelData);
        Assert.Equal(1, info.NumberOfFrames);
        // The SOP Instance UID falls back to the meta's Media Storage SOP Instance UID.
        Assert.Equal("1.2.3.4.5", info.SOPInstanceUID);
        Assert.Equal(DicomBytes.SecondaryCaptureSopClass, info.SOPClassUID);
    }

    [Fact]
    public void Empty_and_unparsable_attributes_are_null()
    {
        var info = Info(new DicomBytes()
            .Element(0x0008, 0x0020, "DA", Array.Empty<byte>())
            .Text(0x0008, 0x0030, "TM", "99")
            .Text(0x0008, 0x0060, "CS", "  ")
            .Element(0x0010, 0x0010, "PN", Array.Empty<byte>())
            .Text(0x0010, 0x0030, "DA", "2023-13-45")
            .Text(0x0020, 0x0011, "IS", "x1")
            .Element(0x0028, 0x1053, "DS", Array.Empty<byte>()));

        Assert.Null(info.StudyDate);
        Assert.Null(info.StudyTime);
        Assert.Null(info.Modality);
        Assert.Null(info.PatientName);
        Assert.Null(info.PatientBirthDate);
        Assert.Null(info.SeriesNumber);
        Assert.Null(info.RescaleSlope);
        // The raw text stays reachable through the indexer.
        Assert.Equal("2023-13-45", info["PatientBirthDate"]);
    }

    [Fact]
    public void Several_patient_names_give_the_first()
    {
        var info = Info(new DicomBytes().Text(0x0010, 0x0010, "PN", "First^A\\Second^B"));
        Assert.Equal("First", info.PatientName!.FamilyName);
    }

    [Theory]
    [InlineData("5", 5, false)]
    [InlineData(" 3 ", 3, false)]
    [InlineData("0007", 7, false)]
    [InlineData("0", 1, true)]
    [InlineData("-2", 1, true)]
    [InlineData("1A", 1, true)]
    [InlineData("", 1, false)]
    public void Number_of_frames_rules(string stored, int expected, bool warns)
    {
        var body = new DicomBytes().Text(0x0008, 0x0060, "CS", "OT").Text(0x0028, 0x0008, "IS", stored);

        var info = Info(body);

        Assert.Equal(expected, info.NumberOfFrames);
        Assert.Equal(warns, info.Warnings.Any(w => w.Contains("Number of Frames", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("PatientName")]
    [InlineData("0010,0010")]
    [InlineData("(0010,0010)")]
    [InlineData("00100010")]
    [InlineData("(0010, 0010)")]
    public void Indexer_finds_by_keyword_or_tag(string name)
    {
        var info = Info(Typical());

        Assert.Equal("Doe^Jane", Assert.IsType<DicomPersonName>(info[name]).Value);
        Assert.Equal(new DicomTag(0x0010, 0x0010), info.GetElement(name)!.Tag);
    }

    [Theory]
    [InlineData("TransferSyntaxUID")]
    [InlineData("(0002,0010)")]
    [InlineData("00020010")]
    public void Indexer_reads_group_0002_from_the_meta(string name)
    {
        Assert.Equal(DicomBytes.ExplicitLE, Info(Typical())[name]);
    }

    [Theory]
    [InlineData("NotAKeyword")]
    [InlineData("(0010,0011)")]
    [InlineData("")]
    [InlineData("0010,00")]
    public void Indexer_gives_null_for_what_is_not_there(string name)
    {
        Assert.Null(Info(Typical())[name]);
    }

    [Fact]
    public void Bare_dataset_says_it_has_no_meta()
    {
        var file = DicomBytes.Read(new DicomBytes(explicitVR: false).Text(0x0008, 0x0060, "CS", "OT").ToArray());

        var info = new DicomInfo(file);

        Assert.Null(info.TransferSyntaxUID);
        Assert.Equal("(no file meta: Implicit VR Little Endian)", info.TransferSyntaxName);
        Assert.Equal("bare Implicit VR LE", info.TransferSyntaxShortName);
        Assert.Empty(info.FileMetaInformation);
    }

    // ---- Functional Groups (PS3.3 C.7.6.16) ----

    private static DicomBytes Enhanced(bool topLevelRescale = false)
    {
        var body = new DicomBytes().Text(0x0008, 0x0060, "CS", "CT").Text(0x0028, 0x0008, "IS", "3");
        if (topLevelRescale) body.Text(0x0028, 0x1053, "DS", "3");
        return body.Sequence(0x5200, 0x9229, false, shared => shared.Item(false, groups => groups
            .Sequence(0x0028, 0x9145, false, pvt => pvt.Item(false, m => m
                .Text(0x0028, 0x1052, "DS", "-100").Text(0x0028, 0x1053, "DS", "2").Text(0x0028, 0x1054, "LO", "HU")))
            .Sequence(0x0028, 0x9132, false, voi => voi.Item(false, m => m
                .Text(0x0028, 0x1050, "DS", "999").Text(0x0028, 0x1051, "DS", "9999")))))
        .Sequence(0x5200, 0x9230, true, perFrame => perFrame
            .Item(true, groups => groups.Sequence(0x0028, 0x9132, true, voi => voi.Item(true, m => m
                .Text(0x0028, 0x1050, "DS", "40").Text(0x0028, 0x1051, "DS", "400").Text(0x0028, 0x1056, "CS", "SIGMOID"))))
            .Item(false, groups => groups.Sequence(0x0028, 0x9132, false, voi => voi.Item(false, m => m
                .Text(0x0028, 0x1050, "DS", "50").Text(0x0028, 0x1051, "DS", "500"))))
            .Item(false, _ => { }));
    }

    [Fact]
    public void Display_attributes_are_lifted_from_functional_groups()
    {
        var info = Info(Enhanced());

        Assert.Equal(3, info.NumberOfFrames);
        // Rescale only in Shared; the window of frame 1 (index 0) in its Per-frame item wins over Shared.
        Assert.Equal(2.0, info.RescaleSlope);
        Assert.Equal(-100.0, info.RescaleIntercept);
        Assert.Equal("HU", info.RescaleType);
        Assert.Equal(new[] { 40.0 }, info.WindowCenter);
        Assert.Equal(new[] { 400.0 }, info.WindowWidth);
        Assert.Equal("SIGMOID", info.VOILUTFunction);
    }

    [Fact]
    public void Top_level_wins_over_functional_groups()
    {
        var info = Info(Enhanced(topLevelRescale: true));

        Assert.Equal(3.0, info.RescaleSlope);
        Assert.Equal(-100.0, info.RescaleIntercept); // only the attribute present at top level comes from there
    }

    [Fact]
    public void Functional_groups_holder_follows_the_order_of_precedence()
    {
        var ds = DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, Enhanced())).Dataset;
        double? Center(int frame) =>
            FunctionalGroups.Holder(ds, frame, DicomTags.FrameVOILUTSequence, DicomTags.WindowCenter)?.GetDouble(DicomTags.WindowCenter);

        Assert.Equal(40.0, Center(0));
        Assert.Equal(50.0, Center(1));
        Assert.Equal(999.0, Center(2));  // its Per-frame item has no Frame VOI LUT: Shared applies
        Assert.Equal(999.0, Center(7));  // beyond the Per-frame items: Shared
        Assert.Equal("SIGMOID", FunctionalGroups.Find(ds, 0, DicomTags.FrameVOILUTSequence, DicomTags.VOILUTFunction)!.GetText());
        Assert.Null(FunctionalGroups.Find(ds, 1, DicomTags.FrameVOILUTSequence, DicomTags.VOILUTFunction));
        Assert.Same(ds, FunctionalGroups.Holder(ds, 0, DicomTags.FrameVOILUTSequence, DicomTags.Modality));
    }

    [Fact]
    public void Macro_for_display_attributes()
    {
        Assert.Equal(DicomTags.PixelValueTransformationSequence, FunctionalGroups.MacroFor(DicomTags.RescaleIntercept));
        Assert.Equal(DicomTags.PixelValueTransformationSequence, FunctionalGroups.MacroFor(DicomTags.RescaleType));
        Assert.Equal(DicomTags.FrameVOILUTSequence, FunctionalGroups.MacroFor(DicomTags.WindowWidth));
        Assert.Equal(DicomTags.FrameVOILUTSequence, FunctionalGroups.MacroFor(DicomTags.VOILUTFunction));
    }
}
