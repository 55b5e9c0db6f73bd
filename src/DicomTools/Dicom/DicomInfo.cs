using DicomTools.Dicom;

namespace DicomTools;

/// <summary>
/// What Get-DicomInfo writes: one file's header, with the attributes people filter on as typed properties named by
/// their DICOM keyword, and every element reachable by keyword or tag through the indexer. Absent or empty
/// attributes are null. Display attributes an enhanced multi-frame object keeps in its Functional Groups (rescale,
/// window) are taken from there for the first frame when the top level does not have them.
/// </summary>
public sealed class DicomInfo
{
    private readonly DicomFile _file;

    internal DicomInfo(DicomFile file)
    {
        _file = file;
        var ds = file.Dataset;
        Path = file.Path;
        FileSize = file.FileLength;

        SOPClassUID = ds.GetString(DicomTags.SOPClassUID) ?? file.FileMetaInformation.GetString(DicomTags.MediaStorageSOPClassUID);
        SOPInstanceUID = ds.GetString(DicomTags.SOPInstanceUID) ?? file.FileMetaInformation.GetString(DicomTags.MediaStorageSOPInstanceUID);
        TransferSyntaxUID = file.HasFileMetaInformation ? file.FileMetaInformation.GetString(DicomTags.TransferSyntaxUID) : null;
        TransferSyntaxName = TransferSyntaxUID is null ? $"(no file meta: {file.TransferSyntax.Name})" : file.TransferSyntax.Name;

        Modality = ds.GetString(DicomTags.Modality);
        PatientName = ds.GetValue(DicomTags.PatientName) switch
        {
            DicomPersonName name => name,
            DicomPersonName[] names when names.Length > 0 => names[0],
            _ => null,
        };
        PatientID = ds.GetString(DicomTags.PatientID);
        ReadDates(ds);
        StudyDescription = ds.GetString(DicomTags.StudyDescription);
        StudyInstanceUID = ds.GetString(DicomTags.StudyInstanceUID);
        SeriesInstanceUID = ds.GetString(DicomTags.SeriesInstanceUID);
        SeriesNumber = ReadIntegerString(ds, DicomTags.SeriesNumber, "Series Number");
        SeriesDescription = ds.GetString(DicomTags.SeriesDescription);
        InstanceNumber = ReadIntegerString(ds, DicomTags.InstanceNumber, "Instance Number");
        AccessionNumber = ds.GetString(DicomTags.AccessionNumber);

        Rows = ds.GetInt(DicomTags.Rows);
        Columns = ds.GetInt(DicomTags.Columns);
        NumberOfFrames = ReadNumberOfFrames(ds);
        SamplesPerPixel = ds.GetInt(DicomTags.SamplesPerPixel);
        PhotometricInterpretation = ds.GetString(DicomTags.PhotometricInterpretation);
        BitsAllocated = ds.GetInt(DicomTags.BitsAllocated);
        BitsStored = ds.GetInt(DicomTags.BitsStored);
        HighBit = ds.GetInt(DicomTags.HighBit);
        PixelRepresentation = ds.GetInt(DicomTags.PixelRepresentation);
        PlanarConfiguration = ds.GetInt(DicomTags.PlanarConfiguration);

        RescaleSlope = FrameDisplay(ds, DicomTags.RescaleSlope)?.GetDouble(DicomTags.RescaleSlope);
        RescaleIntercept = FrameDisplay(ds, DicomTags.RescaleIntercept)?.GetDouble(DicomTags.RescaleIntercept);
        RescaleType = FrameDisplay(ds, DicomTags.RescaleType)?.GetString(DicomTags.RescaleType);
        WindowCenter = FrameDisplay(ds, DicomTags.WindowCenter)?.GetDoubles(DicomTags.WindowCenter);
        WindowWidth = FrameDisplay(ds, DicomTags.WindowWidth)?.GetDoubles(DicomTags.WindowWidth);
        var explanations = FrameDisplay(ds, DicomTags.WindowCenterWidthExplanation)?.GetStrings(DicomTags.WindowCenterWidthExplanation);
        WindowCenterWidthExplanation = explanations is { Length: > 0 } ? explanations : null;
        VOILUTFunction = FrameDisplay(ds, DicomTags.VOILUTFunction)?.GetString(DicomTags.VOILUTFunction);
        PresentationLUTShape = ds.GetString(DicomTags.PresentationLUTShape);
    }

    /// <summary>Full path of the file.</summary>
    public string Path { get; }

    public string Name => System.IO.Path.GetFileName(Path);

    public long FileSize { get; }

    public string? SOPClassUID { get; }
    /// <summary>The SOP Class's name from the UID table, looked up when first read: building that table is a good
    /// part of a new shell's first export, which never reads this name.</summary>
    public string? SOPClassName => _sopClassName ??= SOPClassUID is null ? null : DicomUids.Lookup(SOPClassUID)?.Name;

    private string? _sopClassName;

    public string? SOPInstanceUID { get; }
    /// <summary>As declared in the File Meta Information; null for a bare dataset (see <see cref="TransferSyntaxName"/>).</summary>
    public string? TransferSyntaxUID { get; }
    public string TransferSyntaxName { get; }
    /// <summary>Compact label for tables, e.g. "JPEG Lossless SV1"; "bare Implicit VR LE" when there is no meta.</summary>
    public string TransferSyntaxShortName => TransferSyntaxUID is null ? "bare " + _file.TransferSyntax.ShortName : _file.TransferSyntax.ShortName;
    public string? Modality { get; }
    public DicomPersonName? PatientName { get; }
    public string? PatientID { get; }
    public DateTime? PatientBirthDate => _patientBirthDate;
    public DateTime? StudyDate => _studyDate;
    public TimeSpan? StudyTime => _studyTime;

    // Set by ReadDates, outside the constructor (see there).
    private DateTime? _patientBirthDate;
    private DateTime? _studyDate;
    private TimeSpan? _studyTime;

    public string? StudyDescription { get; }
    public string? StudyInstanceUID { get; }
    public string? SeriesInstanceUID { get; }
    /// <summary>Always a long (IS holds 32-bit values, but real files carry larger ones): one type to sort and filter by.</summary>
    public long? SeriesNumber { get; }
    public string? SeriesDescription { get; }
    /// <summary>Always a long, as <see cref="SeriesNumber"/>.</summary>
    public long? InstanceNumber { get; }
    public string? AccessionNumber { get; }
    public int? Rows { get; }
    public int? Columns { get; }
    /// <summary>1 when absent (and when present but unreadable, with a warning in <see cref="Warnings"/>).</summary>
    public int NumberOfFrames { get; }
    public int? SamplesPerPixel { get; }
    public string? PhotometricInterpretation { get; }
    public int? BitsAllocated { get; }
    public int? BitsStored { get; }
    public int? HighBit { get; }
    public int? PixelRepresentation { get; }
    public int? PlanarConfiguration { get; }
    public double? RescaleSlope { get; }
    public double? RescaleIntercept { get; }
    public string? RescaleType { get; }
    public double[]? WindowCenter { get; }
    public double[]? WindowWidth { get; }
    public string[]? WindowCenterWidthExplanation { get; }
    public string? VOILUTFunction { get; }
    public string? PresentationLUTShape { get; }

    /// <summary>The file as read (header only: Pixel Data located, not loaded).</summary>
    internal DicomFile File => _file;

    /// <summary>True when the file has Pixel Data (or Float / Double Float Pixel Data).</summary>
    public bool HasPixelData => _file.PixelData is not null;

    /// <summary>The dataset's elements in file order (sequences hold their items); pixel values are not read.</summary>
    public DicomDataset Elements => _file.Dataset;

    /// <summary>The File Meta Information (group 0002); empty for a bare dataset.</summary>
    public DicomDataset FileMetaInformation => _file.FileMetaInformation;

    /// <summary>What the reader tolerated in this file.</summary>
    public IReadOnlyList<string> Warnings => _warnings ??= CollectWarnings();

    private IReadOnlyList<string>? _warnings;

    /// <summary>
    /// The value of any element by keyword ("PatientName") or tag ("0010,0010", "(0010,0010)", "00100010"); group
    /// 0002 comes from the File Meta Information. Null when absent or empty.
    /// </summary>
    public object? this[string keywordOrTag] => GetElement(keywordOrTag)?.Value;

    /// <summary>The element itself (tag, VR, length, value), or null.</summary>
    public DicomElement? GetElement(string keywordOrTag)
    {
        var inMeta = FileMetaInformation.Find(keywordOrTag);
        return inMeta ?? Elements.Find(keywordOrTag);
    }

    public override string ToString() => TextEscaper.Escape(Name);

    // Apart from the constructor: crossgen cannot precompile a method that handles a DateTime or TimeSpan (their
    // layout belongs to the runtime's version), so the whole constructor was compiled by the JIT on every first call.
    private void ReadDates(DicomDataset ds)
    {
        _patientBirthDate = ds.GetValue(DicomTags.PatientBirthDate) as DateTime?;
        _studyDate = ds.GetValue(DicomTags.StudyDate) as DateTime?;
        _studyTime = ds.GetValue(DicomTags.StudyTime) as TimeSpan?;
    }

    private static DicomDataset? FrameDisplay(DicomDataset ds, DicomTag attribute) =>
        FunctionalGroups.Holder(ds, 0, FunctionalGroups.MacroFor(attribute), attribute);

    private int ReadNumberOfFrames(DicomDataset ds)
    {
        var element = ds[DicomTags.NumberOfFrames];
        if (element is null || element.Length == 0) return 1;
        var frames = ds.GetInt(DicomTags.NumberOfFrames);
        if (frames is > 0) return frames.Value;
        _invalidFrames = element.GetText();
        return 1;
    }

    private string? _invalidFrames;

    private List<string>? _valueWarnings;

    /// <summary>
    /// An IS attribute as a long: the number is kept even past the 32-bit range PS3.5 6.2 gives IS (with a warning
    /// that says so); a value that is no integer at all is null with a warning, never dropped silently.
    /// </summary>
    private long? ReadIntegerString(DicomDataset ds, DicomTag tag, string name)
    {
        var element = ds[tag];
        switch (element?.Value)
        {
            case null:
                return null;
            case int i:
                return i;
            case long l:
                (_valueWarnings ??= new()).Add($"{name} {l} is outside the 32-bit range of IS (PS3.5 6.2); kept as given");
                return l;
            case double[] { Length: > 0 } several when several[0] == Math.Floor(several[0]) && Math.Abs(several[0]) < 9e15:
                return (long)several[0];
            default:
                (_valueWarnings ??= new()).Add($"{name} '{TextEscaper.Escape(element.GetText())}' is not an integer; {name.Replace(" ", "", StringComparison.Ordinal)} is empty");
                return null;
        }
    }

    private IReadOnlyList<string> CollectWarnings()
    {
        if (_invalidFrames is null && _valueWarnings is null) return _file.Warnings;
        var all = new List<string>(_file.Warnings);
        if (_valueWarnings is not null) all.AddRange(_valueWarnings);
        if (_invalidFrames is not null)
            all.Add($"Number of Frames '{TextEscaper.Escape(_invalidFrames)}' is not a positive integer; 1 frame assumed");
        return all;
    }
}
