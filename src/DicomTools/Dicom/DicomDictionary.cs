// TEMPORARY SHIM: replaced by the generated dictionary (branch dict). Same public shape.
namespace DicomTools.Dicom;

public sealed record DicomDictionaryEntry(DicomTag Tag, uint Mask, string Keyword, string Name,
    IReadOnlyList<DicomVR> ValueRepresentations, string ValueMultiplicity, bool IsRetired);

public static class DicomDictionary
{
    private static readonly Dictionary<DicomTag, DicomDictionaryEntry> ByTag = new()
    {
        [new DicomTag(0x0008, 0x0005)] = E(0x00080005, "SpecificCharacterSet", "Specific Character Set", DicomVR.CS, "1-n"),
        [new DicomTag(0x0008, 0x0016)] = E(0x00080016, "SOPClassUID", "SOP Class UID", DicomVR.UI, "1"),
        [new DicomTag(0x0008, 0x0018)] = E(0x00080018, "SOPInstanceUID", "SOP Instance UID", DicomVR.UI, "1"),
        [new DicomTag(0x0008, 0x0060)] = E(0x00080060, "Modality", "Modality", DicomVR.CS, "1"),
        [new DicomTag(0x0010, 0x0010)] = E(0x00100010, "PatientName", "Patient's Name", DicomVR.PN, "1"),
        [new DicomTag(0x0010, 0x0020)] = E(0x00100020, "PatientID", "Patient ID", DicomVR.LO, "1"),
        [new DicomTag(0x0028, 0x0002)] = E(0x00280002, "SamplesPerPixel", "Samples per Pixel", DicomVR.US, "1"),
        [new DicomTag(0x0028, 0x0004)] = E(0x00280004, "PhotometricInterpretation", "Photometric Interpretation", DicomVR.CS, "1"),
        [new DicomTag(0x0028, 0x0008)] = E(0x00280008, "NumberOfFrames", "Number of Frames", DicomVR.IS, "1"),
        [new DicomTag(0x0028, 0x0010)] = E(0x00280010, "Rows", "Rows", DicomVR.US, "1"),
        [new DicomTag(0x0028, 0x0011)] = E(0x00280011, "Columns", "Columns", DicomVR.US, "1"),
        [new DicomTag(0x0028, 0x0100)] = E(0x00280100, "BitsAllocated", "Bits Allocated", DicomVR.US, "1"),
        [new DicomTag(0x0028, 0x0101)] = E(0x00280101, "BitsStored", "Bits Stored", DicomVR.US, "1"),
        [new DicomTag(0x0028, 0x0102)] = E(0x00280102, "HighBit", "High Bit", DicomVR.US, "1"),
        [new DicomTag(0x0028, 0x0103)] = E(0x00280103, "PixelRepresentation", "Pixel Representation", DicomVR.US, "1"),
        [new DicomTag(0x0028, 0x1050)] = E(0x00281050, "WindowCenter", "Window Center", DicomVR.DS, "1-n"),
        [new DicomTag(0x0028, 0x1051)] = E(0x00281051, "WindowWidth", "Window Width", DicomVR.DS, "1-n"),
        [new DicomTag(0x0028, 0x1052)] = E(0x00281052, "RescaleIntercept", "Rescale Intercept", DicomVR.DS, "1"),
        [new DicomTag(0x0028, 0x1053)] = E(0x00281053, "RescaleSlope", "Rescale Slope", DicomVR.DS, "1"),
        [new DicomTag(0x7FE0, 0x0010)] = E(0x7FE00010, "PixelData", "Pixel Data", DicomVR.OW, "1"),
    };

    public static DicomDictionaryEntry? Lookup(DicomTag tag) => ByTag.GetValueOrDefault(tag);

    public static bool TryGetTag(string keyword, out DicomTag tag)
    {
        foreach (var e in ByTag.Values)
        {
            if (string.Equals(e.Keyword, keyword, StringComparison.OrdinalIgnoreCase)) { tag = e.Tag; return true; }
        }
        tag = default;
        return false;
    }

    public static IEnumerable<string> Keywords => ByTag.Values.Select(e => e.Keyword);

    private static DicomDictionaryEntry E(uint tag, string keyword, string name, DicomVR vr, string vm) =>
        new(new DicomTag(tag), 0xFFFFFFFF, keyword, name, new[] { vr }, vm, false);
}
