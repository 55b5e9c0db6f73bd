namespace DicomTools;

/// <summary>
/// One overlay plane's bits for one image frame: <see cref="Bits"/> holds Rows x Columns bytes, 1 where the overlay is
/// drawn; the plane's first pixel lies on image row <see cref="OriginRow"/>, column <see cref="OriginColumn"/>
/// (1-based, may be outside the image: what falls outside is clipped).
/// </summary>
public sealed record OverlayBitmap(ushort Group, int Rows, int Columns, int OriginRow, int OriginColumn, string Type,
    string? Description, string? Label, byte[] Bits)
{
    /// <summary>"Graphics" or "ROI" (or the type as written).</summary>
    public string TypeName => Type switch { "G" => "Graphics", "R" => "ROI", _ => Type };

    public override string ToString() =>
        TextEscaper.Escape($"{Group:X4} {TypeName} {Columns}x{Rows}" + (string.IsNullOrEmpty(Description) ? "" : $": {Description}"));
}
