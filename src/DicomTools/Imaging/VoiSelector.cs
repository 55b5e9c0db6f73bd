using System.Globalization;
using DicomTools.Pixels;

namespace DicomTools.Imaging;

/// <summary>The VOI stage chosen for a frame and the record of it that <see cref="DicomDisplayImage"/> carries.</summary>
internal sealed record VoiChoice(VoiStage Stage, double? Center, double? Width, string? Function, string Source);

/// <summary>
/// Turns the user's <see cref="DisplaySettings"/> and the frame's VOI attributes into one VOI stage (PS3.3 C.11.2).
/// Default: the file's first window with its VOI LUT Function, else its first VOI LUT, else min-max. At most one
/// explicit choice is allowed (explicit window, window index, VOI LUT index, auto window).
/// </summary>
internal static class VoiSelector
{
    public static VoiChoice Select(DicomPixelData frame, DisplaySettings settings, ModalityStage modality, int sampleCount,
        Action<string>? warn)
    {
        if (settings.Center.HasValue != settings.Width.HasValue)
            throw new ArgumentException("an explicit window needs both Center and Width", nameof(settings));
        int choices = (settings.Center.HasValue ? 1 : 0) + (settings.WindowIndex.HasValue ? 1 : 0)
            + (settings.VoiLutIndex.HasValue ? 1 : 0) + (settings.AutoWindow != AutoWindowMode.None ? 1 : 0)
            + (settings.WindowName is not null ? 1 : 0);
        if (choices > 1)
            throw new ArgumentException(
                "choose one VOI: an explicit Center/Width (or preset), WindowIndex, WindowName, VoiLutIndex or AutoWindow", nameof(settings));

        int windowCount = Math.Min(frame.WindowCenter.Length, frame.WindowWidth.Length);
        DicomLut[] luts = frame.VoiLuts.Where(l => l is { EntryCount: > 0 }).ToArray();

        if (settings.Center is double center && settings.Width is double width)
        {
            string source = settings.PresetName is { Length: > 0 } preset ? $"preset {preset}" : $"window {Number(center)}/{Number(width)}";
            return WindowOrMinMax(frame, center, width, settings.Function ?? VoiLutFunction.Linear, source, warn);
        }
        if (settings.WindowIndex is int windowIndex)
        {
            if (windowIndex < 0 || windowIndex >= windowCount)
                throw new DisplaySettingsException(
                    $"window index {windowIndex} is out of range: {FrameChecks.Where(frame)} has {Plural(windowCount, "window")}"
                    + (windowCount > 0 ? $" (indexes 0..{windowCount - 1})" : ""));
            return FileWindow(frame, windowIndex, settings.Function, warn);
        }
        if (settings.WindowName is { } pattern)
        {
            var matcher = NamePattern(pattern);
            for (int i = 0; i < windowCount; i++)
                if (i < frame.WindowCenterWidthExplanation.Length && matcher.IsMatch(frame.WindowCenterWidthExplanation[i]?.Trim() ?? ""))
                    return FileWindow(frame, i, settings.Function, warn);
            for (int i = 0; i < luts.Length; i++)
            {
                if (!matcher.IsMatch(luts[i].Explanation?.Trim() ?? "")) continue;
                if (settings.Function is not null)
                    warn?.Invoke("a VOI LUT Function applies to windows, not to a VOI LUT; ignored");
                return Lut(frame, luts[i], i, modality, warn);
            }
            throw new DisplaySettingsException($"no stored window or VOI LUT is named like '{pattern}': {FrameChecks.Where(frame)} has {StoredNames(frame, windowCount, luts)}");
        }
        if (settings.VoiLutIndex is int lutIndex)
        {
            if (lutIndex < 0 || lutIndex >= luts.Length)
                throw new DisplaySettingsException(
                    $"VOI LUT index {lutIndex} is out of range: {FrameChecks.Where(frame)} has {Plural(luts.Length, "VOI LUT")}"
                    + (luts.Length > 0 ? $" (indexes 0..{luts.Length - 1})" : ""));
            if (settings.Function is not null)
                warn?.Invoke("a VOI LUT Function applies to windows, not to a VOI LUT; ignored");
            return Lut(frame, luts[lutIndex], lutIndex, modality, warn);
        }
        switch (settings.AutoWindow)
        {
            case AutoWindowMode.MinMax:
                return MinMax(frame, settings.Function);
            case AutoWindowMode.Percentile:
            {
                double low = settings.PercentileLow, high = settings.PercentileHigh;
                if (!(low >= 0 && low < high && high <= 100))
                    throw new DisplaySettingsException(
                        $"percentiles must satisfy 0 <= PercentileLow < PercentileHigh <= 100; got {Number(low)}-{Number(high)}");
                var (lo, hi) = ModalityPercentiles.Percentiles(frame.Pixels, sampleCount, frame.BitsStored, modality, low, high);
                return Range(lo, hi, settings.Function, $"percentile {Number(low)}-{Number(high)}");
            }
        }

        if (windowCount > 0) return FileWindow(frame, 0, settings.Function, warn);
        if (luts.Length > 0)
        {
            if (settings.Function is not null)
                warn?.Invoke("a VOI LUT Function applies to windows, not to a VOI LUT; ignored");
            return Lut(frame, luts[0], 0, modality, warn);
        }
        return MinMax(frame, settings.Function);
    }

    private static VoiChoice FileWindow(DicomPixelData frame, int index, VoiLutFunction? overrideFunction, Action<string>? warn)
    {
        VoiLutFunction function;
        if (overrideFunction is { } chosen)
            function = chosen;
        else if (!VoiLutFunctionNames.TryParse(frame.VOILUTFunction, out function))
            warn?.Invoke($"VOI LUT Function '{frame.VOILUTFunction?.Trim()}' is not LINEAR, LINEAR_EXACT or SIGMOID; using LINEAR");
        string? explanation = index < frame.WindowCenterWidthExplanation.Length ? frame.WindowCenterWidthExplanation[index]?.Trim() : null;
        string source = $"file window {index + 1}" + (string.IsNullOrEmpty(explanation) ? "" : $" ({explanation})");
        return WindowOrMinMax(frame, frame.WindowCenter[index], frame.WindowWidth[index], function, source, warn);
    }

    private static VoiChoice WindowOrMinMax(DicomPixelData frame, double center, double width, VoiLutFunction function,
        string source, Action<string>? warn)
    {
        if (!VoiStage.IsValidWindow(center, width, function))
        {
            warn?.Invoke(double.IsFinite(center)
                ? $"window width {Number(width)} is invalid for {function.ToDicomTerm()}; using min-max"
                : $"window center {Number(center)} is invalid; using min-max");
            return MinMax(frame, null);
        }
        return new VoiChoice(VoiStage.Window(center, width, function), center, width, function.ToDicomTerm(), source);
    }

    private static VoiChoice MinMax(DicomPixelData frame, VoiLutFunction? function) =>
        Range(frame.ModalityMinimum, frame.ModalityMaximum, function, "min-max");

    /// <summary>
    /// Maps [low, high] onto the output. Reported as DCMTK's min-max window for LINEAR (c = (low + high + 1) / 2,
    /// w = high - low + 1, which is exactly this mapping under C.11.2.1.2), or c = (low + high) / 2, w = high - low
    /// for LINEAR_EXACT (also exactly this mapping). SIGMOID uses the latter window through its own curve.
    /// </summary>
    private static VoiChoice Range(double low, double high, VoiLutFunction? function, string source)
    {
        if (function == VoiLutFunction.Sigmoid && high > low)
        {
            double c = (low + high) / 2, w = high - low;
            return new VoiChoice(VoiStage.Window(c, w, VoiLutFunction.Sigmoid), c, w, "SIGMOID", source);
        }
        if (function == VoiLutFunction.LinearExact && high > low)
            return new VoiChoice(VoiStage.Range(low, high), (low + high) / 2, high - low, "LINEAR_EXACT", source);
        return new VoiChoice(VoiStage.Range(low, high), (low + high + 1) / 2, high - low + 1, "LINEAR", source);
    }

    private static VoiChoice Lut(DicomPixelData frame, DicomLut lut, int index, ModalityStage modality, Action<string>? warn)
    {
        // C.11.2.1.1: the VOI LUT's input is the modality value, so its first mapped value is signed when modality
        // values can be negative (signed stored values without a Modality LUT, or a rescale reaching below zero).
        bool signedInput = modality.Lut is null && LowestModalityValue(frame, modality) < 0;
        int bits = lut.BitsPerEntry;
        if (bits < 1 || bits > 16)
        {
            int max = lut.MaxEntry;
            bits = max > 255 ? 16 : 8;
            while (bits < 16 && max >= 1 << bits) bits++;
            warn?.Invoke($"VOI LUT {index + 1} declares {lut.BitsPerEntry} bits per entry; using {bits} from its largest entry {max}");
        }
        string? explanation = lut.Explanation?.Trim();
        string source = $"VOI LUT {index + 1}" + (string.IsNullOrEmpty(explanation) ? "" : $" ({explanation})");
        return new VoiChoice(VoiStage.FromLut(lut, lut.FirstMappedValueFor(signedInput), bits), null, null, null, source);
    }

    /// <summary>Smallest modality value the stored range can produce (not the frame's actual minimum: a positive
    /// CT slice is still signed input).</summary>
    private static double LowestModalityValue(DicomPixelData frame, ModalityStage modality)
    {
        var kind = SampleKinds.Of(frame.Pixels);
        if (kind.IsFloatingPoint()) return frame.ModalityMinimum;
        int bits = Math.Clamp(frame.BitsStored, 1, 32);
        bool signed = frame.IsSigned || kind.IsSignedInteger();
        double lowest = signed ? -Math.Pow(2, bits - 1) : 0;
        double highest = signed ? Math.Pow(2, bits - 1) - 1 : Math.Pow(2, bits) - 1;
        return Math.Min(modality.Apply(lowest), modality.Apply(highest));
    }

    /// <summary>The names a frame's windows and VOI LUTs go by, for the error when none matches.</summary>
    private static string StoredNames(DicomPixelData frame, int windowCount, DicomLut[] luts)
    {
        var names = new List<string>();
        for (int i = 0; i < windowCount; i++)
        {
            string? name = i < frame.WindowCenterWidthExplanation.Length ? frame.WindowCenterWidthExplanation[i]?.Trim() : null;
            names.Add($"window '{(string.IsNullOrEmpty(name) ? "(unnamed)" : name)}'");
        }
        for (int i = 0; i < luts.Length; i++)
        {
            string? name = luts[i].Explanation?.Trim();
            names.Add($"VOI LUT '{(string.IsNullOrEmpty(name) ? "(unnamed)" : name)}'");
        }
        return names.Count == 0 ? "no stored windows or VOI LUTs" : string.Join(", ", names);
    }

    /// <summary>A wildcard pattern (* any run, ? one character, [abc] / [a-z] one of a set) as a case-insensitive
    /// regular expression over the whole name, as PowerShell's -like matches.</summary>
    internal static System.Text.RegularExpressions.Regex NamePattern(string pattern)
    {
        var regex = new System.Text.StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            switch (c)
            {
                case '*': regex.Append(".*"); break;
                case '?': regex.Append('.'); break;
                case '`' when i + 1 < pattern.Length:
                    regex.Append(System.Text.RegularExpressions.Regex.Escape(pattern[++i].ToString()));
                    break;
                case '[':
                {
                    int close = pattern.IndexOf(']', i + 1);
                    if (close < 0) { regex.Append(@"\["); break; }
                    var set = pattern[(i + 1)..close].Replace(@"\", @"\\").Replace("^", @"\^");
                    regex.Append('[').Append(set).Append(']');
                    i = close;
                    break;
                }
                default: regex.Append(System.Text.RegularExpressions.Regex.Escape(c.ToString())); break;
            }
        }
        regex.Append('$');
        return new System.Text.RegularExpressions.Regex(regex.ToString(),
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant
            | System.Text.RegularExpressions.RegexOptions.Singleline);
    }

    private static string Plural(int n, string noun) => n == 0 ? $"no {noun}s" : n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    internal static string Number(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}
