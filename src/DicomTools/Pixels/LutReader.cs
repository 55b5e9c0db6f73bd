using System.Buffers.Binary;
using DicomTools.Dicom;

namespace DicomTools.Pixels;

/// <summary>
/// Reads lookup tables as DICOM stores them: Modality and VOI LUT Sequence items (PS3.3 C.11.1, C.11.2) and
/// palettes (C.7.6.3.1.5/6, segmented per C.7.9.2) into <see cref="DicomLut"/>. Items without a usable descriptor
/// or data are treated as absent, never applied.
/// </summary>
internal static class LutReader
{
    private const int MaxEntries = 65536;

    /// <summary>A Modality or VOI LUT Sequence item; null when its descriptor or data are missing or empty.</summary>
    public static DicomLut? FromItem(DicomDataset item, bool signedInput)
    {
        var descriptor = ReadDescriptor(item[DicomTags.LUTDescriptor]);
        if (descriptor is null) return null;
        var data = item[DicomTags.LUTData];
        if (data is null || data.RawValue.IsEmpty) return null;
        var (count, first, bits) = Interpret(descriptor.Value, signedInput);
        var entries = ReadEntries(data, count, bits);
        if (entries.Length == 0) return null;
        return new DicomLut(first, bits, entries, item.GetString(DicomTags.LUTExplanation));
    }

    /// <summary>One channel of a PALETTE COLOR image: normal or segmented data.</summary>
    public static DicomLut? Palette(DicomDataset ds, DicomTag descriptorTag, DicomTag dataTag, DicomTag segmentedTag, bool signedInput)
    {
        var descriptor = ReadDescriptor(ds[descriptorTag]);
        if (descriptor is null) return null;
        var (count, first, bits) = Interpret(descriptor.Value, signedInput);
        ushort[] entries;
        if (ds[dataTag] is { RawValue.IsEmpty: false } data)
        {
            entries = ReadEntries(data, count, bits);
        }
        else if (ds[segmentedTag] is { RawValue.IsEmpty: false } segmented)
        {
            entries = ExpandSegmented(Words(segmented), count);
        }
        else
        {
            return null;
        }
        return entries.Length == 0 ? null : new DicomLut(first, bits, entries);
    }

    /// <summary>
    /// The descriptor's three values as raw 16-bit numbers, whatever VR the file gave them (US, SS, or UN/OW in
    /// files that lost their VRs).
    /// </summary>
    private static (ushort Count, ushort First, ushort Bits)? ReadDescriptor(DicomElement? element)
    {
        if (element is null) return null;
        if (element.RawValue.Length < 6) return null;
        var words = Words(element);
        return (words[0], words[1], words[2]);
    }

    /// <summary>
    /// PS3.3 C.11.1.1: an entry count of 0 means 65536; the first mapped value is signed when the values it maps
    /// are (a stored -1024 reads as 64512 in a US descriptor); bits per entry outside 8..16 are taken as 16.
    /// </summary>
    private static (int Count, int First, int Bits) Interpret((ushort Count, ushort First, ushort Bits) d, bool signedInput)
    {
        var count = d.Count == 0 ? MaxEntries : d.Count;
        var first = signedInput && d.First >= 0x8000 ? d.First - 0x10000 : d.First;
        var bits = d.Bits is >= 1 and <= 16 ? d.Bits : 16;
        return (count, first, bits);
    }

    /// <summary>
    /// Entries from LUT Data: one per 16-bit word; or, for 8-bit tables whose data holds exactly one byte per entry,
    /// two entries per word (the packed form of C.7.6.3.1.6).
    /// </summary>
    private static ushort[] ReadEntries(DicomElement data, int count, int bits)
    {
        var raw = data.RawValue.Span;
        if (bits <= 8 && raw.Length == count && count % 2 == 0 && data.VR is DicomVR.OW or DicomVR.OB or DicomVR.UN)
        {
            var bytes = new ushort[count];
            for (var i = 0; i < count; i++) bytes[i] = raw[i];
            return bytes;
        }
        var words = Words(data);
        return words.Length > count ? words[..count] : words;
    }

    private static ushort[] Words(DicomElement element)
    {
        var raw = element.RawValue.Span;
        var words = new ushort[raw.Length / 2];
        for (var i = 0; i < words.Length; i++)
            words[i] = element.IsBigEndian ? BinaryPrimitives.ReadUInt16BigEndian(raw[(i * 2)..]) : BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..]);
        return words;
    }

    /// <summary>
    /// Segmented palette data (C.7.9.2): discrete segments (opcode 0) list values, linear segments (1) ramp from the
    /// previous value, indirect segments (2) replay earlier segments found by byte offset. Output is capped at the
    /// descriptor's entry count, and indirect segments may not nest, so the data cannot expand without bound.
    /// </summary>
    public static ushort[] ExpandSegmented(ReadOnlySpan<ushort> data, int count)
    {
        var output = new List<ushort>(Math.Min(count, MaxEntries));
        // Every segment of the data is read once, and a replayed segment that adds no entry is waste: more steps
        // than that means indirect segments replaying empty ones over and over (quadratic work from a small file).
        long segmentBudget = data.Length / 2 + (long)count + 1;
        ExpandSegments(data, 0, data.Length, int.MaxValue, output, count, allowIndirect: true, ref segmentBudget);
        return output.ToArray();
    }

    private static void ExpandSegments(ReadOnlySpan<ushort> data, int start, int end, int maxSegments, List<ushort> output, int count, bool allowIndirect, ref long segmentBudget)
    {
        var at = start;
        for (var segment = 0; segment < maxSegments && at + 1 < end && output.Count < count; segment++)
        {
            if (--segmentBudget < 0)
                throw new PixelDataException("segmented palette: indirect segments replay more segments than the data and entry count allow");
            var opcode = data[at];
            var length = data[at + 1];
            switch (opcode)
            {
                case 0:
                    for (var i = 0; i < length && at + 2 + i < end && output.Count < count; i++) output.Add(data[at + 2 + i]);
                    at += 2 + length;
                    break;
                case 1:
                    if (at + 2 >= end) return;
                    double from = output.Count > 0 ? output[^1] : 0;
                    double to = data[at + 2];
                    for (var i = 1; i <= length && output.Count < count; i++)
                        output.Add((ushort)Math.Round(from + (to - from) * i / length));
                    at += 3;
                    break;
                case 2:
                    if (!allowIndirect || at + 3 >= end) throw new PixelDataException("segmented palette: an indirect segment is nested or cut short");
                    // A 32-bit unsigned byte offset, low word first: computed wide, so the high bit cannot wrap it
                    // into a small offset that looks valid.
                    var byteOffset = data[at + 2] | ((long)data[at + 3] << 16);
                    var target = byteOffset / 2;
                    if (target >= data.Length) throw new PixelDataException($"segmented palette: indirect segment points outside the data (byte {byteOffset})");
                    ExpandSegments(data, (int)target, data.Length, length, output, count, allowIndirect: false, ref segmentBudget);
                    at += 4;
                    break;
                default:
                    throw new PixelDataException($"segmented palette: unknown segment type {opcode} at word {at}");
            }
        }
    }
}
