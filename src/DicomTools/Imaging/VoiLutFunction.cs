using DicomTools.Imaging;

namespace DicomTools;

/// <summary>VOI LUT Function (0028,1056), PS3.3 C.11.2.1.2 and C.11.2.1.3.</summary>
public enum VoiLutFunction
{
    Linear,
    LinearExact,
    Sigmoid,
}

/// <summary>Conversions between <see cref="VoiLutFunction"/> and the defined terms of (0028,1056).</summary>
internal static class VoiLutFunctionNames
{
    /// <summary>The defined term: LINEAR, LINEAR_EXACT or SIGMOID.</summary>
    public static string ToDicomTerm(this VoiLutFunction function) => function switch
    {
        VoiLutFunction.Linear => "LINEAR",
        VoiLutFunction.LinearExact => "LINEAR_EXACT",
        VoiLutFunction.Sigmoid => "SIGMOID",
        _ => throw new ArgumentOutOfRangeException(nameof(function), function, "not a VOI LUT Function"),
    };

    /// <summary>Reads a defined term as the file writes it (padding and case ignored). Null or empty is LINEAR,
    /// the standard's default; anything else unknown returns false.</summary>
    public static bool TryParse(string? term, out VoiLutFunction function)
    {
        switch (term?.Trim().ToUpperInvariant())
        {
            case null or "" or "LINEAR": function = VoiLutFunction.Linear; return true;
            case "LINEAR_EXACT": function = VoiLutFunction.LinearExact; return true;
            case "SIGMOID": function = VoiLutFunction.Sigmoid; return true;
            default: function = VoiLutFunction.Linear; return false;
        }
    }
}
