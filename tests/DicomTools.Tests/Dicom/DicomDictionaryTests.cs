using System.Globalization;
using System.Text.RegularExpressions;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// The data dictionary against the text of PS3.6 (expected values typed from the standard's registry, Table 6-1 and
/// Sections 7 and 8), against DCMTK's independent transcription (dicom.dic) where installed, and against the
/// look-up rules of PS3.5 (group length, private creators, repeating groups).
/// </summary>
public sealed class DicomDictionaryTests
{
    private static DicomTag Tag(ushort group, ushort element) => new(group, element);

    private static DicomDictionaryEntry Require(ushort group, ushort element)
    {
        var entry = DicomDictionary.Lookup(Tag(group, element));
        Assert.True(entry is not null, $"({group:X4},{element:X4}) is not in the dictionary");
        return entry!;
    }

    // Rows of PS3.6 Table 6-1: tag, keyword, name, VR column, VM, retired.
    [Theory]
    [InlineData(0x0010, 0x0010, "PatientName", "Patient's Name", "PN", "1", false)]
    [InlineData(0x0010, 0x0020, "PatientID", "Patient ID", "LO", "1", false)]
    [InlineData(0x0008, 0x0008, "ImageType", "Image Type", "CS", "2-n", false)]
    [InlineData(0x0008, 0x0016, "SOPClassUID", "SOP Class UID", "UI", "1", false)]
    [InlineData(0x0008, 0x0060, "Modality", "Modality", "CS", "1", false)]
    [InlineData(0x0018, 0x0050, "SliceThickness", "Slice Thickness", "DS", "1", false)]
    [InlineData(0x0018, 0x1153, "ExposureInuAs", "Exposure in µAs", "IS", "1", false)]
    [InlineData(0x0020, 0x0032, "ImagePositionPatient", "Image Position (Patient)", "DS", "3", false)]
    [InlineData(0x0020, 0x0037, "ImageOrientationPatient", "Image Orientation (Patient)", "DS", "6", false)]
    [InlineData(0x0028, 0x0002, "SamplesPerPixel", "Samples per Pixel", "US", "1", false)]
    [InlineData(0x0028, 0x0004, "PhotometricInterpretation", "Photometric Interpretation", "CS", "1", false)]
    [InlineData(0x0028, 0x0008, "NumberOfFrames", "Number of Frames", "IS", "1", false)]
    [InlineData(0x0028, 0x0010, "Rows", "Rows", "US", "1", false)]
    [InlineData(0x0028, 0x0030, "PixelSpacing", "Pixel Spacing", "DS", "2", false)]
    [InlineData(0x0028, 0x0040, "ImageFormat", "Image Format", "CS", "1", true)]
    [InlineData(0x0028, 0x0100, "BitsAllocated", "Bits Allocated", "US", "1", false)]
    [InlineData(0x0028, 0x0103, "PixelRepresentation", "Pixel Representation", "US", "1", false)]
    [InlineData(0x0028, 0x0106, "SmallestImagePixelValue", "Smallest Image Pixel Value", "US or SS", "1", false)]
    [InlineData(0x0028, 0x0107, "LargestImagePixelValue", "Largest Image Pixel Value", "US or SS", "1", false)]
    [InlineData(0x0028, 0x1050, "WindowCenter", "Window Center", "DS", "1-n", false)]
    [InlineData(0x0028, 0x1051, "WindowWidth", "Window Width", "DS", "1-n", false)]
    [InlineData(0x0028, 0x1052, "RescaleIntercept", "Rescale Intercept", "DS", "1", false)]
    [InlineData(0x0028, 0x1053, "RescaleSlope", "Rescale Slope", "DS", "1", false)]
    [InlineData(0x0028, 0x1101, "RedPaletteColorLookupTableDescriptor", "Red Palette Color Lookup Table Descriptor", "US or SS", "3", false)]
    [InlineData(0x0028, 0x1201, "RedPaletteColorLookupTableData", "Red Palette Color Lookup Table Data", "OW", "1", false)]
    [InlineData(0x0028, 0x1200, "GrayLookupTableData", "Gray Lookup Table Data", "US or SS or OW", "1-n", true)]
    [InlineData(0x0028, 0x3002, "LUTDescriptor", "LUT Descriptor", "US or SS", "3", false)]
    [InlineData(0x0028, 0x3006, "LUTData", "LUT Data", "US or OW", "1-n", false)]
    [InlineData(0x0040, 0xA730, "ContentSequence", "Content Sequence", "SQ", "1", false)]
    [InlineData(0x5200, 0x9230, "PerFrameFunctionalGroupsSequence", "Per-Frame Functional Groups Sequence", "SQ", "1", false)]
    [InlineData(0x7FE0, 0x0001, "ExtendedOffsetTable", "Extended Offset Table", "OV", "1", false)]
    [InlineData(0x7FE0, 0x0008, "FloatPixelData", "Float Pixel Data", "OF", "1", false)]
    [InlineData(0x7FE0, 0x0010, "PixelData", "Pixel Data", "OB or OW", "1", false)]
    // Command (PS3.7 E.1) and file meta (PS3.10 7.1) elements are registered in PS3.6 Sections 7 and 8 style tables.
    [InlineData(0x0000, 0x0000, "CommandGroupLength", "Command Group Length", "UL", "1", false)]
    [InlineData(0x0002, 0x0000, "FileMetaInformationGroupLength", "File Meta Information Group Length", "UL", "1", false)]
    [InlineData(0x0002, 0x0001, "FileMetaInformationVersion", "File Meta Information Version", "OB", "1", false)]
    [InlineData(0x0002, 0x0010, "TransferSyntaxUID", "Transfer Syntax UID", "UI", "1", false)]
    [InlineData(0x0004, 0x1220, "DirectoryRecordSequence", "Directory Record Sequence", "SQ", "1", false)]
    // Registered only in PS3.6 Table 9-1, so written into the generator by hand.
    [InlineData(0x0006, 0x0001, "CurrentFrameFunctionalGroupsSequence", "Current Frame Functional Groups Sequence", "SQ", "1", false)]
    public void Entry_matches_PS3_6(int group, int element, string keyword, string name, string vr, string vm, bool retired)
    {
        var entry = Require((ushort)group, (ushort)element);
        Assert.Equal(Tag((ushort)group, (ushort)element), entry.Tag);
        Assert.Equal(uint.MaxValue, entry.Mask);
        Assert.Equal(keyword, entry.Keyword);
        Assert.Equal(name, entry.Name);
        Assert.Equal(vr, entry.ValueRepresentationText);
        Assert.Equal(vm, entry.ValueMultiplicity);
        Assert.Equal(retired, entry.IsRetired);
    }

    [Theory]
    // PS3.5 A.1: in Implicit VR, Pixel Data, Overlay Data, LUT Data and palette data are OW.
    [InlineData(0x7FE0, 0x0010, "OW,OB")]
    [InlineData(0x6000, 0x3000, "OW,OB")]
    [InlineData(0x0028, 0x3006, "OW,US")]
    [InlineData(0x0028, 0x1200, "OW,US,SS")]
    // "US or SS": unsigned unless Pixel Representation says otherwise, so US first.
    [InlineData(0x0028, 0x0106, "US,SS")]
    [InlineData(0x0028, 0x1101, "US,SS")]
    [InlineData(0x0010, 0x0010, "PN")]
    public void Implicit_VR_default_comes_first(int group, int element, string expected)
    {
        var entry = Require((ushort)group, (ushort)element);
        Assert.Equal(expected, string.Join(",", entry.ValueRepresentations.Select(DicomVRInfo.ToCode)));
        Assert.Equal(entry.ValueRepresentations[0], entry.DefaultVR);
        Assert.Equal(entry.ValueRepresentations.Count > 1, entry.HasMultipleVRs);
    }

    [Theory]
    // (60xx,3000) Overlay Data for the overlay groups 6000-601E (PS3.5 7.6).
    [InlineData(0x6002, 0x3000, "OverlayData", "Overlay Data", "OB or OW", "1", false, 0x6000, 0x3000, 0xFF00FFFFu, "(60xx,3000)")]
    [InlineData(0x601E, 0x0010, "OverlayRows", "Overlay Rows", "US", "1", false, 0x6000, 0x0010, 0xFF00FFFFu, "(60xx,0010)")]
    [InlineData(0x6004, 0x0050, "OverlayOrigin", "Overlay Origin", "SS", "2", false, 0x6000, 0x0050, 0xFF00FFFFu, "(60xx,0050)")]
    // Retired curves (50xx), variable pixel data (7Fxx), source image IDs (0020,31xx) and compression tables.
    [InlineData(0x5000, 0x0005, "CurveDimensions", "Curve Dimensions", "US", "1", true, 0x5000, 0x0005, 0xFF00FFFFu, "(50xx,0005)")]
    [InlineData(0x5010, 0x3000, "CurveData", "Curve Data", "OB or OW", "1", true, 0x5000, 0x3000, 0xFF00FFFFu, "(50xx,3000)")]
    [InlineData(0x7F02, 0x0010, "VariablePixelData", "Variable Pixel Data", "OB or OW", "1", true, 0x7F00, 0x0010, 0xFF00FFFFu, "(7Fxx,0010)")]
    [InlineData(0x0020, 0x31A5, "SourceImageIDs", "Source Image IDs", "CS", "1-n", true, 0x0020, 0x3100, 0xFFFFFF00u, "(0020,31xx)")]
    [InlineData(0x0028, 0x0420, "RowsForNthOrderCoefficients", "Rows For Nth Order Coefficients", "US", "1", true, 0x0028, 0x0410, 0xFFFFFF0Fu, "(0028,04x0)")]
    [InlineData(0x1000, 0x0123, "HuffmanTableTriplet", "Huffman Table Triplet", "US", "3", true, 0x1000, 0x0003, 0xFFFF000Fu, "(1000,xxx3)")] // lowest member not shadowed
    [InlineData(0x1010, 0x1234, "ZonalMap", "Zonal Map", "US", "1-n", true, 0x1010, 0x0001, 0xFFFF0000u, "(1010,xxxx)")]
    public void Repeating_groups_resolve_through_their_mask(int group, int element, string keyword, string name, string vr,
        string vm, bool retired, int tagGroup, int tagElement, uint mask, string pattern)
    {
        var entry = Require((ushort)group, (ushort)element);
        Assert.Equal(keyword, entry.Keyword);
        Assert.Equal(name, entry.Name);
        Assert.Equal(vr, entry.ValueRepresentationText);
        Assert.Equal(vm, entry.ValueMultiplicity);
        Assert.Equal(retired, entry.IsRetired);
        Assert.Equal(mask, entry.Mask);
        Assert.True(entry.IsRepeatingGroup);
        Assert.Equal(Tag((ushort)tagGroup, (ushort)tagElement), entry.Tag);
        Assert.Equal(pattern, entry.TagPattern);
    }

    [Fact]
    public void Exact_entries_win_over_repeating_groups()
    {
        // (0028,0400) Transform Label lies inside the (0028,04x0) pattern; Pixel Data (7FE0,0010) inside (7Fxx,0010).
        Assert.Equal("TransformLabel", Require(0x0028, 0x0400).Keyword);
        Assert.Equal("PixelData", Require(0x7FE0, 0x0010).Keyword);
        Assert.False(Require(0x7FE0, 0x0010).IsRetired);
    }

    [Theory]
    [InlineData(0x0008, 0x0000)]
    [InlineData(0x0028, 0x0000)]
    [InlineData(0x6000, 0x0000)]
    [InlineData(0x1000, 0x0000)] // would otherwise fall inside (1000,xxx0)
    [InlineData(0x0009, 0x0000)] // private groups have group lengths too
    [InlineData(0x7FE1, 0x0000)]
    public void Group_length_of_any_group_is_UL(int group, int element)
    {
        var entry = Require((ushort)group, (ushort)element);
        Assert.Same(DicomDictionary.GroupLength, entry);
        Assert.Equal(DicomVR.UL, entry.DefaultVR);
        Assert.Equal("1", entry.ValueMultiplicity);
    }

    [Theory]
    [InlineData(0x0009, 0x0010)]
    [InlineData(0x0029, 0x0011)]
    [InlineData(0x7FE1, 0x00FF)]
    [InlineData(0x6001, 0x0010)] // odd groups in the overlay range are private (PS3.5 7.6)
    public void Private_creator_elements_are_LO(int group, int element)
    {
        var entry = Require((ushort)group, (ushort)element);
        Assert.Same(DicomDictionary.PrivateCreator, entry);
        Assert.Equal(DicomVR.LO, entry.DefaultVR);
        Assert.Equal("Private Creator", entry.Name);
    }

    [Theory]
    [InlineData(0x0009, 0x1010)] // private data element: meaning depends on the creator
    [InlineData(0x0029, 0x0100)]
    [InlineData(0x6001, 0x3000)] // odd group: private, not Overlay Data
    [InlineData(0x5001, 0x0005)]
    [InlineData(0x0009, 0x0001)] // private group, reserved element range
    [InlineData(0x0010, 0xFFFF)] // unassigned standard element
    [InlineData(0x0003, 0x0010)] // odd groups 0001-0007 are illegal, not private (PS3.5 7.8.1)
    public void Unknown_tags_have_no_entry(int group, int element)
    {
        Assert.Null(DicomDictionary.Lookup(Tag((ushort)group, (ushort)element)));
        Assert.False(DicomDictionary.TryLookup(Tag((ushort)group, (ushort)element), out _));
        Assert.Equal(DicomVR.UN, DicomDictionary.GetImplicitVR(Tag((ushort)group, (ushort)element)));
    }

    [Fact]
    public void Items_and_delimiters_have_no_VR()
    {
        foreach (var (tag, keyword) in new[]
                 {
                     (DicomTag.Item, "Item"),
                     (DicomTag.ItemDelimitation, "ItemDelimitationItem"),
                     (DicomTag.SequenceDelimitation, "SequenceDelimitationItem"),
                 })
        {
            var entry = DicomDictionary.Lookup(tag);
            Assert.NotNull(entry);
            Assert.Equal(keyword, entry!.Keyword);
            Assert.Equal(new[] { DicomVR.None }, entry.ValueRepresentations);
            Assert.Equal("NONE", entry.ValueRepresentationText);
            Assert.Equal(DicomVR.None, DicomDictionary.GetImplicitVR(tag));
        }
    }

    [Theory]
    [InlineData("PatientName", 0x0010, 0x0010)]
    [InlineData("patientname", 0x0010, 0x0010)]
    [InlineData("PIXELDATA", 0x7FE0, 0x0010)]
    [InlineData("RescaleIntercept", 0x0028, 0x1052)]
    [InlineData("OverlayData", 0x6000, 0x3000)]
    [InlineData("EscapeTriplet", 0x1000, 0x0010)]
    public void Keywords_name_tags(string keyword, int group, int element)
    {
        Assert.True(DicomDictionary.TryGetTag(keyword, out var tag), keyword);
        Assert.Equal(Tag((ushort)group, (ushort)element), tag);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("NoSuchKeyword")]
    [InlineData("Patient Name")]
    [InlineData("(0010,0010)")]
    [InlineData("PrivateCreator")] // rules are not PS3.6 keywords
    [InlineData("GroupLength")]
    public void Unknown_keywords_are_rejected(string? keyword)
    {
        Assert.False(DicomDictionary.TryGetTag(keyword, out var tag));
        Assert.Equal(default, tag);
    }

    [Fact]
    public void Every_keyword_round_trips_to_its_own_entry()
    {
        foreach (var entry in DicomDictionary.Entries)
        {
            Assert.True(DicomDictionary.TryGetTag(entry.Keyword, out var tag), entry.ToString());
            Assert.Equal(entry.Tag, tag);
            Assert.True(DicomDictionary.TryGetEntry(entry.Keyword.ToUpperInvariant(), out var byKeyword), entry.ToString());
            Assert.Same(entry, byKeyword);
            Assert.Same(entry, DicomDictionary.Lookup(tag));
        }
    }

    [Fact]
    public void Every_entry_has_keyword_name_known_VR_and_VM()
    {
        var identifier = new Regex("^[A-Za-z][A-Za-z0-9]*$");
        var multiplicity = new Regex("^[0-9]+(-[0-9]*n|-[0-9]+)?$");
        Assert.True(DicomDictionary.Entries.Count > 5000, $"only {DicomDictionary.Entries.Count} entries");
        foreach (var entry in DicomDictionary.Entries)
        {
            Assert.Matches(identifier, entry.Keyword);
            Assert.False(string.IsNullOrWhiteSpace(entry.Name), entry.ToString());
            Assert.Matches(multiplicity, entry.ValueMultiplicity);
            Assert.NotEmpty(entry.ValueRepresentations);
            var isItemOrDelimiter = entry.Tag.Group == 0xFFFE;
            foreach (var vr in entry.ValueRepresentations)
            {
                Assert.True(isItemOrDelimiter ? vr == DicomVR.None : DicomVRInfo.IsKnown(vr), entry.ToString());
            }
            if (!isItemOrDelimiter)
            {
                Assert.Equal(entry.ValueRepresentationText,
                    string.Join(" or ", entry.ValueRepresentations.Select(DicomVRInfo.ToCode).Order(VrTextOrder.Instance)));
            }
        }
    }

    [Fact]
    public void No_two_exact_entries_share_a_keyword_or_a_tag()
    {
        var keywords = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var tags = new HashSet<uint>();
        foreach (var entry in DicomDictionary.Entries)
        {
            Assert.True(keywords.Add(entry.Keyword), $"keyword {entry.Keyword} appears twice");
            if (!entry.IsRepeatingGroup) Assert.True(tags.Add(entry.Tag.Value), $"tag {entry.Tag} appears twice");
        }
    }

    [Fact]
    public void Keywords_list_current_ones_first_then_retired_each_sorted()
    {
        var keywords = DicomDictionary.Keywords;
        var current = DicomDictionary.CurrentKeywordCount;
        Assert.Equal(DicomDictionary.Entries.Count, keywords.Count);
        Assert.Equal(DicomDictionary.Entries.Count(e => !e.IsRetired), current);
        Assert.Equal(keywords.Take(current).Order(StringComparer.Ordinal), keywords.Take(current));
        Assert.Equal(keywords.Skip(current).Order(StringComparer.Ordinal), keywords.Skip(current));
        Assert.Contains("PatientName", keywords.Take(current));
        Assert.Contains("ImageFormat", keywords.Skip(current)); // (0028,0040), retired
    }

    [Fact]
    public void Lookups_are_consistent_across_threads()
    {
        var tags = DicomDictionary.Entries.Select(e => e.Tag).ToArray();
        Parallel.For(0, 8, _ =>
        {
            foreach (var tag in tags) Assert.NotNull(DicomDictionary.Lookup(tag));
        });
    }

    [Fact]
    public void Lookup_allocates_nothing()
    {
        var tags = new[] { Tag(0x0010, 0x0010), Tag(0x6002, 0x3000), Tag(0x0009, 0x0010), Tag(0x0009, 0x1010), Tag(0x0008, 0x0000) };
        foreach (var tag in tags) DicomDictionary.Lookup(tag);
        DicomDictionary.TryGetTag("PixelData", out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            foreach (var tag in tags) DicomDictionary.Lookup(tag);
            DicomDictionary.TryGetTag("PixelData", out _);
        }
        Assert.Equal(0L, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>
    /// Every element DCMTK's dictionary (an independent transcription of PS3.6 2022b) lists must be found with the
    /// same keyword, VR, VM and retired flag, except where PS3.6 changed between 2022b and 2024d (listed below).
    /// </summary>
    [SkippableFact]
    public void Agrees_with_DCMTK_dicom_dic()
    {
        var path = Directory.Exists("/usr/share")
            ? Directory.GetDirectories("/usr/share", "libdcmtk*").Select(d => Path.Combine(d, "dicom.dic")).FirstOrDefault(File.Exists)
            : null;
        Skip.If(path is null, "DCMTK's dicom.dic is not installed (Debian package libdcmtk17)");

        // Changes of PS3.6 after 2022b, as in 2024d: CP-2283 et al. retired these, and Frame Type gained a 5th value.
        var changedSince2022b = new Dictionary<uint, string>
        {
            [0x00089007] = "VM",
            [0x00380004] = "retired", [0x00701807] = "retired", [0x00701808] = "retired", [0x30040010] = "retired",
            [0x30040012] = "retired", [0x30060085] = "retired", [0x30060088] = "retired", [0x3008002B] = "retired",
            [0x30100090] = "retired",
        };
        var dcmtkVRs = new Dictionary<string, string[]>
        {
            ["ox"] = new[] { "OB", "OW" }, ["px"] = new[] { "OB", "OW" }, ["xs"] = new[] { "US", "SS" },
            ["lt"] = new[] { "US", "SS", "OW" }, ["up"] = new[] { "UL" }, ["na"] = new[] { "NONE" },
        };
        var line = new Regex(@"^\(([0-9A-F]{4})(?:-([ou]-)?([0-9A-F]{4}))?,([0-9A-F]{4})(?:-([ou]-)?([0-9A-F]{4}))?\)$");
        var problems = new List<string>();
        var checkedCount = 0;
        foreach (var text in File.ReadLines(path!))
        {
            if (text.StartsWith('#') || text.Length == 0) continue;
            var fields = text.Split('\t');
            var match = line.Match(fields[0]);
            Assert.True(match.Success, $"unparsed dicom.dic line {text}");
            var group = ushort.Parse(match.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var element = ushort.Parse(match.Groups[4].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var (vrCode, keyword, vm, version) = (fields[1], fields[2], fields[3], fields[4]);
            if (version == "ILLEGAL") continue; // odd groups 0001-0007: we give them nothing, as PS3.5 does
            if (version == "PRIVATE" || version == "GENERIC")
            {
                // Private creator / group length rules: check one member of each.
                var ruleTag = keyword.EndsWith("GroupLength", StringComparison.Ordinal) ? Tag((ushort)(group | 1), 0) : Tag(0x0009, 0x0010);
                var rule = DicomDictionary.Lookup(ruleTag);
                if (rule is null || DicomVRInfo.ToCode(rule.DefaultVR) != vrCode) problems.Add($"{text}: rule gives {rule}");
                continue;
            }
            // For a range, the lowest member DCMTK lists stands for the pattern (enough to find the masked entry).
            var tag = Tag(group, element);
            if ((match.Groups[3].Success || match.Groups[6].Success) && DicomDictionary.Lookup(tag) is { IsRepeatingGroup: false })
            {
                continue; // range start shadowed by an exact entry, e.g. (0028,0400) inside (0028,04x0)
            }
            checkedCount++;
            var entry = DicomDictionary.Lookup(tag);
            if (entry is null)
            {
                problems.Add($"{fields[0]} {keyword}: missing");
                continue;
            }
            var retired = keyword.StartsWith("RETIRED_", StringComparison.Ordinal);
            keyword = retired ? keyword["RETIRED_".Length..] : keyword;
            var expectedVRs = dcmtkVRs.TryGetValue(vrCode, out var options) ? options : new[] { vrCode };
            var ourVRs = entry.ValueRepresentationText.Split(" or ");
            changedSince2022b.TryGetValue(tag.Value, out var changed);
            if (entry.Keyword != keyword) problems.Add($"{fields[0]}: keyword {entry.Keyword}, DCMTK {keyword}");
            // DCMTK's "lt" stands for "US or SS or OW" and also for LUT Data's "US or OW".
            var vrAgrees = vrCode == "lt" ? ourVRs.All(expectedVRs.Contains) : ourVRs.Order().SequenceEqual(expectedVRs.Order());
            if (!vrAgrees) problems.Add($"{fields[0]} {keyword}: VR {entry.ValueRepresentationText}, DCMTK {vrCode}");
            if (entry.ValueMultiplicity != vm && changed != "VM") problems.Add($"{fields[0]} {keyword}: VM {entry.ValueMultiplicity}, DCMTK {vm}");
            if (entry.IsRetired != retired && changed != "retired") problems.Add($"{fields[0]} {keyword}: retired {entry.IsRetired}, DCMTK {retired}");
            if (changed == "retired") Assert.True(entry.IsRetired && !retired, $"{fields[0]} should be retired since 2022b");
        }
        Assert.True(checkedCount > 4900, $"only {checkedCount} DCMTK entries checked");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Orders VR codes as PS3.6 writes them in its "x or y" column ("US or SS or OW", "OB or OW").</summary>
    private sealed class VrTextOrder : IComparer<string>
    {
        internal static readonly VrTextOrder Instance = new();
        private static readonly string[] Order = { "US", "SS", "OB", "OW" };

        public int Compare(string? x, string? y)
        {
            var ix = Array.IndexOf(Order, x);
            var iy = Array.IndexOf(Order, y);
            return ix >= 0 && iy >= 0 ? ix.CompareTo(iy) : string.CompareOrdinal(x, y);
        }
    }
}
