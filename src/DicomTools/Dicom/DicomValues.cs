using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace DicomTools.Dicom;

/// <summary>
/// Turns an element's bytes into a typed value. One value gives a scalar, several an array; an empty value gives
/// null. Text that does not parse as its VR says (an IS of "1A", a DA of "2023-13-45") stays as the raw text, so
/// nothing is lost and nothing is invented.
/// </summary>
internal static class DicomValues
{
    private static readonly char[] s_offsetSigns = { '+', '-' };

    public static object? Decode(DicomVR vr, ReadOnlySpan<byte> raw, bool bigEndian, DicomCharacterSet characterSet)
    {
        if (raw.IsEmpty) return null;
        switch (vr)
        {
            case DicomVR.US: return Numbers<ushort>(raw, bigEndian, static s => BinaryPrimitives.ReverseEndianness(s));
            case DicomVR.SS: return Numbers<short>(raw, bigEndian, static s => BinaryPrimitives.ReverseEndianness(s));
            case DicomVR.UL: return Numbers<uint>(raw, bigEndian, static s => BinaryPrimitives.ReverseEndianness(s));
            case DicomVR.SL: return Numbers<int>(raw, bigEndian, static s => BinaryPrimitives.ReverseEndianness(s));
            case DicomVR.SV: return Numbers<long>(raw, bigEndian, static s => BinaryPrimitives.ReverseEndianness(s));
            case DicomVR.UV: return Numbers<ulong>(raw, bigEndian, static s => BinaryPrimitives.ReverseEndianness(s));
            case DicomVR.FL: return Numbers<float>(raw, bigEndian, ReverseSingle);
            case DicomVR.FD: return Numbers<double>(raw, bigEndian, ReverseDouble);
            case DicomVR.AT: return Tags(raw, bigEndian);
            case DicomVR.OW: return Array<ushort>(raw, bigEndian, static s => BinaryPrimitives.ReverseEndianness(s));
            case DicomVR.OL: return Array<uint>(raw, bigEndian, static s => BinaryPrimitives.ReverseEndianness(s));
            case DicomVR.OV: return Array<ulong>(raw, bigEndian, static s => BinaryPrimitives.ReverseEndianness(s));
            case DicomVR.OF: return Array<float>(raw, bigEndian, ReverseSingle);
            case DicomVR.OD: return Array<double>(raw, bigEndian, ReverseDouble);
            case DicomVR.OB:
            case DicomVR.UN:
            case DicomVR.None:
                return raw.ToArray();
            case DicomVR.SQ:
                return null;
        }

        var text = characterSet.Decode(raw, vr);
        if (DicomVRInfo.IsSingleValuedText(vr)) return TrimText(text, vr) is { Length: > 0 } single ? single : null;
        var parts = text.Split('\\');
        for (var i = 0; i < parts.Length; i++) parts[i] = TrimText(parts[i], vr);
        if (parts.Length == 1 && parts[0].Length == 0) return null;
        return vr switch
        {
            DicomVR.DS => ParseAll(parts, ParseDecimalString) ?? (object)Joined(parts),
            // IS: one value is an int (long beyond its range); several are double[], like DS, so scripts meet one
            // array type for multi-valued numbers.
            DicomVR.IS => (parts.Length == 1 ? ParseIntegerString(parts[0]) : ParseAll(parts, p => ParseIntegerString(p) is { } n ? Convert.ToDouble(n, CultureInfo.InvariantCulture) : null))
                ?? (object)Joined(parts),
            DicomVR.DA => ParseAll(parts, ParseDate) ?? (object)Joined(parts),
            DicomVR.TM => ParseAll(parts, ParseTime) ?? (object)Joined(parts),
            DicomVR.DT => ParseAll(parts, ParseDateTime) ?? (object)Joined(parts),
            DicomVR.PN => parts.Length == 1 ? new DicomPersonName(parts[0]) : parts.Select(p => new DicomPersonName(p)).ToArray(),
            _ => parts.Length == 1 ? parts[0] : parts,
        };
    }

    /// <summary>
    /// PS3.5 6.2: trailing spaces (and the NUL that pads a UI) never matter; leading spaces matter only in the
    /// free-text VRs.
    /// </summary>
    public static string TrimText(string value, DicomVR vr) => vr switch
    {
        DicomVR.ST or DicomVR.LT or DicomVR.UT or DicomVR.UC => value.TrimEnd(' ', '\0'),
        DicomVR.UI => value.Trim(' ', '\0'),
        _ => value.Trim(' ', '\0'),
    };

    public static bool TryParseDecimalString(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static object? ParseDecimalString(string text) => TryParseDecimalString(text, out var v) ? v : null;

    private static object? ParseIntegerString(string text)
    {
        var trimmed = text.Trim();
        if (int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)) return i;
        if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        return null;
    }

    /// <summary>DA: YYYYMMDD, also the ACR-NEMA form YYYY.MM.DD.</summary>
    public static object? ParseDate(string text)
    {
        var t = text.Trim();
        if (t.Length == 10 && t[4] == '.' && t[7] == '.') t = string.Concat(t.AsSpan(0, 4), t.AsSpan(5, 2), t.AsSpan(8, 2));
        return t.Length == 8 && DateTime.TryParseExact(t, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d : null;
    }

    /// <summary>TM: HH[MM[SS[.F{1,6}]]], also the ACR-NEMA form HH:MM:SS.frac.</summary>
    public static object? ParseTime(string text)
    {
        var t = text.Trim().Replace(":", "", StringComparison.Ordinal);
        var dot = t.IndexOf('.');
        var whole = dot >= 0 ? t[..dot] : t;
        var fraction = dot >= 0 ? t[(dot + 1)..] : "";
        if (whole.Length is not (2 or 4 or 6) || !whole.All(char.IsAsciiDigit)) return null;
        if (fraction.Length > 6 || !fraction.All(char.IsAsciiDigit)) return null;
        var hours = int.Parse(whole.AsSpan(0, 2), CultureInfo.InvariantCulture);
        var minutes = whole.Length >= 4 ? int.Parse(whole.AsSpan(2, 2), CultureInfo.InvariantCulture) : 0;
        var seconds = whole.Length == 6 ? int.Parse(whole.AsSpan(4, 2), CultureInfo.InvariantCulture) : 0;
        if (hours > 23 || minutes > 59 || seconds > 60) return null; // 60: leap second, allowed by PS3.5
        var ticks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0'), CultureInfo.InvariantCulture);
        return new TimeSpan(hours, minutes, Math.Min(seconds, 59)) + TimeSpan.FromTicks(ticks);
    }

    /// <summary>DT: YYYY[MM[DD[HH[MM[SS[.F{1,6}]]]]]][&amp;ZZXX]; with an offset the result is a DateTimeOffset.</summary>
    public static object? ParseDateTime(string text)
    {
        var t = text.Trim();
        TimeSpan? offset = null;
        var signAt = t.IndexOfAny(s_offsetSigns, Math.Min(4, t.Length));
        if (signAt > 0)
        {
            var zone = t[signAt..];
            if (zone.Length != 5 || !zone[1..].All(char.IsAsciiDigit)) return null;
            var h = int.Parse(zone.AsSpan(1, 2), CultureInfo.InvariantCulture);
            var m = int.Parse(zone.AsSpan(3, 2), CultureInfo.InvariantCulture);
            if (h > 14 || m > 59) return null;
            offset = new TimeSpan(h, m, 0) * (zone[0] == '-' ? -1 : 1);
            t = t[..signAt];
        }
        var dot = t.IndexOf('.');
        var whole = dot >= 0 ? t[..dot] : t;
        var fraction = dot >= 0 ? t[(dot + 1)..] : "";
        if (whole.Length is not (4 or 6 or 8 or 10 or 12 or 14) || !whole.All(char.IsAsciiDigit)) return null;
        if (fraction.Length > 6 || !fraction.All(char.IsAsciiDigit) || (fraction.Length > 0 && whole.Length != 14)) return null;
        int Field(int start, int fallback) => whole.Length > start ? int.Parse(whole.AsSpan(start, 2), CultureInfo.InvariantCulture) : fallback;
        var year = int.Parse(whole.AsSpan(0, 4), CultureInfo.InvariantCulture);
        int month = Field(4, 1), day = Field(6, 1), hour = Field(8, 0), minute = Field(10, 0), second = Field(12, 0);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 60) return null;
        var ticks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0'), CultureInfo.InvariantCulture);
        var local = new DateTime(year, month, day, hour, minute, Math.Min(second, 59)).AddTicks(ticks);
        // Boxed apart: a conditional of DateTimeOffset and DateTime would convert the DateTime to a DateTimeOffset
        // in this machine's time zone, inventing an offset the file does not state.
        return offset is { } o ? new DateTimeOffset(local, o) : (object)local;
    }

    private static string Joined(string[] parts) => string.Join('\\', parts);

    /// <summary>All parts parsed into one typed array (a scalar for one part), or null when any part fails.</summary>
    private static object? ParseAll(string[] parts, Func<string, object?> parse)
    {
        if (parts.Length == 1) return parse(parts[0]);
        object?[] values = new object?[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            values[i] = parse(parts[i]);
            if (values[i] is null) return null;
        }
        var type = values[0]!.GetType();
        if (values.Any(v => v!.GetType() != type))
        {
            // Mixed int/long from IS, or DateTime/DateTimeOffset from DT: widen to the common form.
            if (values.All(v => v is int or long)) return values.Select(Convert.ToInt64).ToArray();
            return values;
        }
        var typed = System.Array.CreateInstance(type, values.Length);
        for (var i = 0; i < values.Length; i++) typed.SetValue(values[i], i);
        return typed;
    }

    private static object Numbers<T>(ReadOnlySpan<byte> raw, bool bigEndian, Func<T, T> reverse) where T : unmanaged
    {
        var array = Array(raw, bigEndian, reverse);
        // Fewer bytes than one value (a damaged element): keep the bytes rather than invent a number.
        if (array.Length == 0) return raw.ToArray();
        return array.Length == 1 ? array[0] : array;
    }

    /// <summary>Whole values only: a trailing partial value (odd-length element) is dropped.</summary>
    private static T[] Array<T>(ReadOnlySpan<byte> raw, bool bigEndian, Func<T, T> reverse) where T : unmanaged
    {
        var values = MemoryMarshal.Cast<byte, T>(raw[..(raw.Length - raw.Length % System.Runtime.CompilerServices.Unsafe.SizeOf<T>())]).ToArray();
        if (bigEndian != !BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < values.Length; i++) values[i] = reverse(values[i]);
        }
        return values;
    }

    private static object Tags(ReadOnlySpan<byte> raw, bool bigEndian)
    {
        var count = raw.Length / 4;
        var tags = new DicomTag[count];
        for (var i = 0; i < count; i++)
        {
            var group = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(raw[(i * 4)..]) : BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 4)..]);
            var element = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(raw[(i * 4 + 2)..]) : BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 4 + 2)..]);
            tags[i] = new DicomTag(group, element);
        }
        return tags.Length == 1 ? tags[0] : tags;
    }

    private static float ReverseSingle(float value) =>
        BitConverter.Int32BitsToSingle(BinaryPrimitives.ReverseEndianness(BitConverter.SingleToInt32Bits(value)));

    private static double ReverseDouble(double value) =>
        BitConverter.Int64BitsToDouble(BinaryPrimitives.ReverseEndianness(BitConverter.DoubleToInt64Bits(value)));
}
