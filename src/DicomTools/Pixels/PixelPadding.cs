using System.Buffers.Binary;
using DicomTools.Codecs;
using DicomTools.Dicom;

namespace DicomTools;

/// <summary>
/// The stored values that are padding, not image (PS3.3 C.7.5.1.1.2): one Pixel Padding Value, or the inclusive
/// range between it and Pixel Padding Range Limit (in either order). Stored values, compared before any Modality
/// LUT. Padding pixels take no part in statistics (min-max, percentiles) and are shown black.
/// </summary>
public sealed record PixelPadding(double Low, double High)
{
    internal static readonly DicomTag PixelPaddingValue = new(0x0028, 0x0120);
    internal static readonly DicomTag PixelPaddingRangeLimit = new(0x0028, 0x0121);
    internal static readonly DicomTag FloatPixelPaddingValue = new(0x0028, 0x0122);
    internal static readonly DicomTag DoubleFloatPixelPaddingValue = new(0x0028, 0x0123);
    internal static readonly DicomTag FloatPixelPaddingRangeLimit = new(0x0028, 0x0124);
    internal static readonly DicomTag DoubleFloatPixelPaddingRangeLimit = new(0x0028, 0x0125);

    /// <summary>True for a stored value inside the padding range (NaN never is).</summary>
    public bool Contains(double stored) => stored >= Low && stored <= High;

    public override string ToString() =>
        Low == High ? Low.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : FormattableString.Invariant($"{Low}..{High}");

    /// <summary>
    /// The padding a greyscale image declares, or null (none, colour, or an unreadable value). Integer pixel data
    /// uses (0028,0120)/(0028,0121), whose 16 bits are read with the image's Pixel Representation whatever VR they
    /// were written with (63536 as US in a signed image is -2000); Float / Double Float Pixel Data use
    /// (0028,0122)..(0028,0125).
    /// </summary>
    internal static PixelPadding? FromDataset(DicomDataset ds, FrameGeometry geometry, bool isFloatPixelData)
    {
        ArgumentNullException.ThrowIfNull(ds);
        ArgumentNullException.ThrowIfNull(geometry);
        if (geometry.SamplesPerPixel != 1 || !geometry.PhotometricInterpretation.StartsWith("MONOCHROME", StringComparison.Ordinal))
            return null;
        double? value, limit;
        if (isFloatPixelData)
        {
            bool isDouble = geometry.BitsAllocated == 64;
            value = Finite(ds.GetDouble(isDouble ? DoubleFloatPixelPaddingValue : FloatPixelPaddingValue));
            limit = Finite(ds.GetDouble(isDouble ? DoubleFloatPixelPaddingRangeLimit : FloatPixelPaddingRangeLimit));
        }
        else
        {
            value = Stored16(ds[PixelPaddingValue], geometry.IsSigned);
            limit = Stored16(ds[PixelPaddingRangeLimit], geometry.IsSigned);
        }
        if (value is not double v) return null;
        double w = limit ?? v;
        return new PixelPadding(Math.Min(v, w), Math.Max(v, w));
    }

    private static double? Finite(double? v) => v is double d && double.IsFinite(d) ? d : null;

    /// <summary>A US/SS value's 16 bits read with the pixel data's signedness.</summary>
    private static double? Stored16(DicomElement? element, bool signed)
    {
        if (element is null) return null;
        var raw = element.RawValue.Span;
        if (raw.Length >= 2 && element.VR is DicomVR.US or DicomVR.SS or DicomVR.OW or DicomVR.UN or DicomVR.None)
        {
            ushort bits = element.IsBigEndian ? BinaryPrimitives.ReadUInt16BigEndian(raw) : BinaryPrimitives.ReadUInt16LittleEndian(raw);
            return signed ? (short)bits : bits;
        }
        // Any other VR (an IS written by a careless tool): its number as it is.
        return NumberOf(element);
    }

    private static double? NumberOf(DicomElement element) => element.Value switch
    {
        int i => i,
        double d when double.IsFinite(d) => d,
        double[] { Length: > 0 } a when double.IsFinite(a[0]) => a[0],
        _ => null,
    };
}
