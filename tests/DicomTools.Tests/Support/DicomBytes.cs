using System.Buffers.Binary;
using System.Text;
using DicomTools.Dicom;

namespace DicomTools.Tests.Support;

/// <summary>
/// Hand-made DICOM bytes for reader tests, written straight from PS3.5 section 7.1 (tag, VR, length, value) and
/// Annex A, so the inputs share no code and no assumption with the project's DicomWriter. Each builder writes one
/// encoding (explicit or implicit VR, little or big endian); nested sequences and items are built in child
/// builders whose byte counts give the defined lengths.
/// </summary>
internal sealed class DicomBytes
{
    public const uint UndefinedLength = 0xFFFFFFFF;

    /// <summary>PS3.5 Table 7.1-1/7.1-2: VRs written with two reserved bytes and a 32-bit length in explicit VR.</summary>
    private static readonly HashSet<string> LongLengthVRs = new(StringComparer.Ordinal)
    {
        "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV",
    };

    private readonly List<byte> _bytes = new();

    public DicomBytes(bool explicitVR = true, bool bigEndian = false)
    {
        Explicit = explicitVR;
        BigEndian = bigEndian;
    }

    public bool Explicit { get; }

    public bool BigEndian { get; }

    public int Length => _bytes.Count;

    public byte[] ToArray() => _bytes.ToArray();

    public DicomBytes Bytes(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) _bytes.Add(b);
        return this;
    }

    public DicomBytes Bytes(DicomBytes other) => Bytes(other.ToArray());

    public DicomBytes Ascii(string text) => Bytes(Encoding.Latin1.GetBytes(text));

    public DicomBytes U16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        if (BigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, value); else BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        return Bytes(b);
    }

    public DicomBytes U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        if (BigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, value); else BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return Bytes(b);
    }

    public DicomBytes Tag(ushort group, ushort element) => U16(group).U16(element);

    /// <summary>An element header: tag, then (explicit) VR and 16- or 32-bit length, or (implicit) a 32-bit length.</summary>
    public DicomBytes Header(ushort group, ushort element, string vr, uint length)
    {
        Tag(group, element);
        if (!Explicit) return U32(length);
        if (vr.Length != 2) throw new ArgumentException("a VR is two characters", nameof(vr));
        Ascii(vr);
        if (LongLengthVRs.Contains(vr)) return U16(0).U32(length);
        if (length > 0xFFFF) throw new ArgumentException($"{vr} has a 16-bit length; {length} does not fit");
        return U16((ushort)length);
    }

    public DicomBytes Element(ushort group, ushort element, string vr, byte[] value) =>
        Header(group, element, vr, (uint)value.Length).Bytes(value);

    /// <summary>Text value, padded to even length as PS3.5 6.2 says: NUL for UI, space for the rest.</summary>
    public DicomBytes Text(ushort group, ushort element, string vr, string text, bool pad = true)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        if (pad && bytes.Length % 2 == 1) bytes = bytes.Append(vr == "UI" ? (byte)0 : (byte)' ').ToArray();
        return Element(group, element, vr, bytes);
    }

    public DicomBytes US(ushort group, ushort element, params ushort[] values) => Element(group, element, "US", Words(values));
    public DicomBytes SS(ushort group, ushort element, params short[] values) => Element(group, element, "SS", Words(values.Select(v => (ushort)v).ToArray()));
    public DicomBytes UL(ushort group, ushort element, params uint[] values) => Element(group, element, "UL", DWords(values));
    public DicomBytes SL(ushort group, ushort element, params int[] values) => Element(group, element, "SL", DWords(values.Select(v => (uint)v).ToArray()));
    public DicomBytes FL(ushort group, ushort element, params float[] values) => Element(group, element, "FL", DWords(values.Select(BitConverter.SingleToUInt32Bits).ToArray()));
    public DicomBytes FD(ushort group, ushort element, params double[] values) => Element(group, element, "FD", QWords(values.Select(BitConverter.DoubleToUInt64Bits).ToArray()));
    public DicomBytes SV(ushort group, ushort element, params long[] values) => Element(group, element, "SV", QWords(values.Select(v => (ulong)v).ToArray()));
    public DicomBytes UV(ushort group, ushort element, params ulong[] values) => Element(group, element, "UV", QWords(values));

    public byte[] Words(params ushort[] values)
    {
        var result = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            if (BigEndian) BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(i * 2), values[i]);
            else BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(i * 2), values[i]);
        }
        return result;
    }

    public byte[] DWords(params uint[] values)
    {
        var result = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            if (BigEndian) BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(i * 4), values[i]);
            else BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(i * 4), values[i]);
        }
        return result;
    }

    public byte[] QWords(params ulong[] values)
    {
        var result = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            if (BigEndian) BinaryPrimitives.WriteUInt64BigEndian(result.AsSpan(i * 8), values[i]);
            else BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(i * 8), values[i]);
        }
        return result;
    }

    /// <summary>
    /// A sequence: its items are built by <paramref name="items"/> into a child builder (same encoding unless
    /// <paramref name="itemsExplicit"/>/<paramref name="itemsBigEndian"/> say otherwise, as for a UN sequence, whose
    /// items are implicit VR little endian per PS3.5 6.2.2); defined length is that child's byte count, undefined
    /// length ends with a Sequence Delimitation Item.
    /// </summary>
    public DicomBytes Sequence(ushort group, ushort element, bool undefinedLength, Action<DicomBytes> items,
        string vr = "SQ", bool? itemsExplicit = null, bool? itemsBigEndian = null)
    {
        var body = new DicomBytes(itemsExplicit ?? Explicit, itemsBigEndian ?? BigEndian);
        items(body);
        Header(group, element, vr, undefinedLength ? UndefinedLength : (uint)body.Length);
        Bytes(body);
        if (undefinedLength) body.SequenceDelimiterInto(this);
        return this;
    }

    /// <summary>An item (FFFE,E000) whose elements <paramref name="content"/> writes, in this builder's encoding
    /// unless <paramref name="explicitVR"/> overrides it (an implicit-VR item inside an explicit-VR file).</summary>
    public DicomBytes Item(bool undefinedLength, Action<DicomBytes> content, bool? explicitVR = null)
    {
        var body = new DicomBytes(explicitVR ?? Explicit, BigEndian);
        content(body);
        Tag(0xFFFE, 0xE000).U32(undefinedLength ? UndefinedLength : (uint)body.Length);
        Bytes(body);
        if (undefinedLength) ItemDelimiter();
        return this;
    }

    public DicomBytes ItemDelimiter() => Tag(0xFFFE, 0xE00D).U32(0);

    public DicomBytes SequenceDelimiter() => Tag(0xFFFE, 0xE0DD).U32(0);

    /// <summary>The delimiter of a sequence is written in the encoding of its items (little endian for a UN).</summary>
    private void SequenceDelimiterInto(DicomBytes parent)
    {
        var delimiter = new DicomBytes(Explicit, BigEndian).SequenceDelimiter();
        parent.Bytes(delimiter);
    }

    /// <summary>128 zero bytes and "DICM" (PS3.10 7.1).</summary>
    public static byte[] Preamble() => new byte[128].Concat("DICM"u8.ToArray()).ToArray();

    public const string SecondaryCaptureSopClass = "1.2.840.10008.5.1.4.1.1.7";

    /// <summary>
    /// File Meta Information (PS3.10 7.1): always explicit VR little endian, group length first and equal to the
    /// bytes of the group elements that follow it.
    /// </summary>
    public static DicomBytes Meta(string transferSyntaxUid, string sopInstanceUid = "1.2.3.4.5", string sopClassUid = SecondaryCaptureSopClass,
        bool withGroupLength = true, int groupLengthAdjustment = 0)
    {
        var body = new DicomBytes()
            .Element(0x0002, 0x0001, "OB", new byte[] { 0x00, 0x01 })
            .Text(0x0002, 0x0002, "UI", sopClassUid)
            .Text(0x0002, 0x0003, "UI", sopInstanceUid)
            .Text(0x0002, 0x0010, "UI", transferSyntaxUid)
            .Text(0x0002, 0x0012, "UI", "1.2.3.999");
        var meta = new DicomBytes();
        if (withGroupLength) meta.UL(0x0002, 0x0000, (uint)(body.Length + groupLengthAdjustment));
        return meta.Bytes(body);
    }

    /// <summary>Preamble (optional), meta, dataset.</summary>
    public static byte[] Part10(string transferSyntaxUid, DicomBytes dataset, bool preamble = true) =>
        (preamble ? Preamble() : Array.Empty<byte>()).Concat(Meta(transferSyntaxUid).ToArray()).Concat(dataset.ToArray()).ToArray();

    public static byte[] Part10(string transferSyntaxUid, byte[] dataset, bool preamble = true) =>
        (preamble ? Preamble() : Array.Empty<byte>()).Concat(Meta(transferSyntaxUid).ToArray()).Concat(dataset).ToArray();

    public const string ImplicitLE = "1.2.840.10008.1.2";
    public const string ExplicitLE = "1.2.840.10008.1.2.1";
    public const string ExplicitBE = "1.2.840.10008.1.2.2";
    public const string DeflatedLE = "1.2.840.10008.1.2.1.99";
    public const string JpegBaseline = "1.2.840.10008.1.2.4.50";
    public const string Rle = "1.2.840.10008.1.2.5";

    public static DicomFile Read(byte[] bytes, DicomReadOptions? options = null) =>
        DicomFile.Read(new MemoryStream(bytes, writable: false), "memory.dcm", options);
}

/// <summary>A file on disk for tests that need one (the pixel layer re-opens the file by path); deleted on dispose.</summary>
internal sealed class TempDicomFile : IDisposable
{
    public TempDicomFile(byte[] bytes)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dicomtools-test-{Guid.NewGuid():N}.dcm");
        File.WriteAllBytes(Path, bytes);
    }

    public string Path { get; }

    public DicomFile Open(DicomReadOptions? options = null) => DicomFile.Open(Path, options);

    public void Dispose()
    {
        try { File.Delete(Path); } catch (IOException) { }
    }
}
