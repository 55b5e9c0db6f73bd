namespace DicomTools.Dicom;

/// <summary>
/// Finds a frame's value of an attribute that an enhanced multi-frame object may keep in its Functional Groups
/// (PS3.3 C.7.6.16): the top level first (classic objects), then the frame's Per-frame Functional Groups item,
/// then the Shared Functional Groups.
/// </summary>
internal static class FunctionalGroups
{
    /// <summary>
    /// The dataset holding <paramref name="attribute"/> for <paramref name="frame"/>: the top level, or the item of
    /// <paramref name="macroSequence"/> (e.g. Pixel Value Transformation Sequence) in the frame's functional
    /// groups. Null when no level has it.
    /// </summary>
    public static DicomDataset? Holder(DicomDataset dataset, int frame, DicomTag macroSequence, DicomTag attribute)
    {
        if (dataset.Contains(attribute)) return dataset;
        var perFrame = dataset.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        if (frame >= 0 && frame < perFrame.Count && MacroItem(perFrame[frame], macroSequence) is { } own && own.Contains(attribute))
            return own;
        var shared = dataset.GetSequence(DicomTags.SharedFunctionalGroupsSequence);
        if (shared.Count > 0 && MacroItem(shared[0], macroSequence) is { } common && common.Contains(attribute))
            return common;
        return null;
    }

    /// <summary>The element for the frame, wherever it is kept (see <see cref="Holder"/>).</summary>
    public static DicomElement? Find(DicomDataset dataset, int frame, DicomTag macroSequence, DicomTag attribute) =>
        Holder(dataset, frame, macroSequence, attribute)?[attribute];

    private static DicomDataset? MacroItem(DicomDataset functionalGroup, DicomTag macroSequence)
    {
        var items = functionalGroup.GetSequence(macroSequence);
        return items.Count > 0 ? items[0] : null;
    }

    /// <summary>Which functional-group macro carries each display attribute.</summary>
    public static DicomTag MacroFor(DicomTag attribute) =>
        attribute == DicomTags.RescaleSlope || attribute == DicomTags.RescaleIntercept || attribute == DicomTags.RescaleType
            ? DicomTags.PixelValueTransformationSequence
            : DicomTags.FrameVOILUTSequence;
}
