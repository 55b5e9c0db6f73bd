using System.Buffers.Binary;

namespace DicomTools.Codecs.Jpeg;

/// <summary>Marker codes of ITU-T T.81 Table B.1 that the JPEG decoders act on.</summary>
internal static class JpegMarker
{
    public const byte StartOfFrameBaseline = 0xC0;
    public const byte StartOfFrameExtended = 0xC1;
    public const byte StartOfFrameProgressive = 0xC2;
    public const byte StartOfFrameArithmeticProgressive = 0xCA;
    public const byte StartOfFrameLossless = 0xC3;
    public const byte DefineHuffmanTables = 0xC4;
    public const byte DefineArithmeticConditioning = 0xCC;
    public const byte Restart0 = 0xD0;
    public const byte Restart7 = 0xD7;
    public const byte StartOfImage = 0xD8;
    public const byte EndOfImage = 0xD9;
    public const byte StartOfScan = 0xDA;
    public const byte DefineQuantizationTables = 0xDB;
    public const byte DefineNumberOfLines = 0xDC;
    public const byte DefineRestartInterval = 0xDD;
    public const byte App0 = 0xE0;
    public const byte App14 = 0xEE;

    /// <summary>SOF0..SOF15 without DHT (C4), JPG (C8) and DAC (CC), which share the range.</summary>
    public static bool IsStartOfFrame(byte marker) =>
        marker >= 0xC0 && marker <= 0xCF && marker != DefineHuffmanTables && marker != 0xC8 && marker != DefineArithmeticConditioning;

    public static bool IsRestart(byte marker) => marker >= Restart0 && marker <= Restart7;

    /// <summary>Markers that stand alone, without a length field (T.81 B.1.1.3).</summary>
    public static bool IsStandalone(byte marker) =>
        marker == StartOfImage || marker == EndOfImage || IsRestart(marker) || marker == 0x01;

    public static string Describe(byte marker) => marker switch
    {
        >= 0xC0 and <= 0xCF when IsStartOfFrame(marker) => $"SOF{marker - 0xC0}",
        DefineHuffmanTables => "DHT",
        >= Restart0 and <= Restart7 => $"RST{marker - Restart0}",
        StartOfImage => "SOI",
        EndOfImage => "EOI",
        StartOfScan => "SOS",
        DefineQuantizationTables => "DQT",
        DefineNumberOfLines => "DNL",
        DefineRestartInterval => "DRI",
        >= 0xE0 and <= 0xEF => $"APP{marker - 0xE0}",
        _ => $"0xFF{marker:X2}",
    };
}

/// <summary>
/// Walks the marker segments of a JPEG codestream (T.81 Annex B) without trusting any length it reads: every
/// segment is checked against the bytes that are really there, so a damaged stream ends in a
/// <see cref="CodecException"/> rather than an out-of-range read.
/// </summary>
internal ref struct JpegMarkerReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _codecName;

    public JpegMarkerReader(ReadOnlySpan<byte> data, string codecName)
    {
        _data = data;
        _codecName = codecName;
        Position = 0;
    }

    /// <summary>Offset of the next byte to read.</summary>
    public int Position { get; set; }

    public bool AtEnd => Position >= _data.Length;

    /// <summary>Reads the SOI marker that must open every codestream.</summary>
    public void ReadStartOfImage()
    {
        if (_data.Length < 2 || _data[0] != 0xFF || _data[1] != JpegMarker.StartOfImage)
            throw Fail(0, _data.Length < 2
                ? $"codestream of {_data.Length} bytes is too short to hold an SOI marker"
                : $"codestream does not start with an SOI marker (starts 0x{_data[0]:X2}{(_data.Length > 1 ? _data[1].ToString("X2", System.Globalization.CultureInfo.InvariantCulture) : "")})");
        Position = 2;
    }

    /// <summary>
    /// Reads the next marker code. Fill bytes (0xFF) before a marker are skipped, and so are stray bytes that
    /// are not a marker at all, as libjpeg does with a warning: some encoders leave padding between segments.
    /// Returns false at the end of the data.
    /// </summary>
    public bool TryReadMarker(out byte marker)
    {
        while (Position < _data.Length)
        {
            if (_data[Position] != 0xFF)
            {
                Position++;
                continue;
            }
            int next = Position + 1;
            while (next < _data.Length && _data[next] == 0xFF) next++;
            if (next >= _data.Length) break;
            byte code = _data[next];
            Position = next + 1;
            if (code == 0x00) continue; // a stuffed 0xFF outside a scan: not a marker
            marker = code;
            return true;
        }
        Position = _data.Length;
        marker = 0;
        return false;
    }

    /// <summary>Reads the 2-byte length of the segment after <paramref name="marker"/> and returns its payload.</summary>
    public ReadOnlySpan<byte> ReadSegment(byte marker)
    {
        int start = Position;
        if (start + 2 > _data.Length)
            throw Fail(start, $"{JpegMarker.Describe(marker)} segment length is cut off by the end of the data");
        int length = BinaryPrimitives.ReadUInt16BigEndian(_data.Slice(start, 2));
        if (length < 2)
            throw Fail(start, $"{JpegMarker.Describe(marker)} segment declares length {length} (at least 2 required)");
        if (start + length > _data.Length)
            throw Fail(start, $"{JpegMarker.Describe(marker)} segment of {length} bytes runs past the end of the data ({_data.Length - start} left)");
        Position = start + length;
        return _data.Slice(start + 2, length - 2);
    }

    /// <summary>
    /// Moves past entropy-coded data to the next marker that is not a restart marker, and leaves
    /// <see cref="Position"/> on its 0xFF. Used when a scan was decoded only partly or its last bits were
    /// read ahead.
    /// </summary>
    public void SkipEntropyCodedData()
    {
        int i = Position;
        while (i + 1 < _data.Length)
        {
            if (_data[i] == 0xFF)
            {
                byte next = _data[i + 1];
                if (next != 0x00 && next != 0xFF && !JpegMarker.IsRestart(next))
                {
                    Position = i;
                    return;
                }
            }
            i++;
        }
        Position = _data.Length;
    }

    public CodecException Fail(int offset, string what) => new($"{_codecName}: {what} (offset {offset}).");
}
