using System.Buffers.Binary;

namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// The quantization tables of a DCT codestream as libjpeg applies them, read while the codestream is walked before
/// decoding. DQT segments (T.81 B.2.4.1) may define or redefine tables anywhere before a scan; libjpeg copies a
/// component's table when the component's first scan starts and keeps that copy, whatever later DQTs say, so
/// the same is done here (<see cref="LatchScan"/>).
/// </summary>
internal sealed class QuantizationTables
{
    /// <summary>T.81 Figure A.6: natural (row-major) index of the coefficient at each zig-zag position.</summary>
    internal static ReadOnlySpan<byte> ZigZagToNatural =>
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    private readonly int[]?[] _defined = new int[]?[4];
    private readonly JpegFrameInfo _frame;
    private readonly string _codecName;

    public QuantizationTables(JpegFrameInfo frame, string codecName)
    {
        _frame = frame;
        _codecName = codecName;
        ComponentTables = new int[]?[frame.Components.Length];
    }

    /// <summary>
    /// Per frame component, the table latched at its first scan (64 steps in natural order), or null for a
    /// component no scan has carried (libjpeg leaves its coefficients, and so its samples, at zero: mid-grey).
    /// </summary>
    public int[]?[] ComponentTables { get; }

    /// <summary>
    /// Reads the tables of one DQT payload (<paramref name="payload"/>, at codestream offset
    /// <paramref name="offset"/>).
    /// </summary>
    public void Define(ReadOnlySpan<byte> payload, int offset)
    {
        int at = 0;
        while (at < payload.Length)
        {
            int precision = payload[at] >> 4;
            int identifier = payload[at] & 0x0F;
            if (precision > 1)
                throw Fail(offset, $"DQT table {identifier} has element precision {precision} (0 or 1 allowed)");
            if (identifier > 3)
                throw Fail(offset, $"DQT defines table {identifier} (0-3 allowed)");
            int entryBytes = precision == 0 ? 1 : 2;
            if (at + 1 + 64 * entryBytes > payload.Length)
                throw Fail(offset, $"DQT table {identifier} is cut off: {payload.Length - at - 1} bytes left for {64 * entryBytes}");
            ReadOnlySpan<byte> entries = payload.Slice(at + 1, 64 * entryBytes);
            var table = new int[64];
            for (int k = 0; k < 64; k++)
            {
                table[ZigZagToNatural[k]] = entryBytes == 1 ? entries[k] : BinaryPrimitives.ReadUInt16BigEndian(entries.Slice(2 * k, 2));
            }
            _defined[identifier] = table;
            at += 1 + 64 * entryBytes;
        }
    }

    /// <summary>
    /// At the start of a scan (SOS payload <paramref name="payload"/>), latches the current table of each of its
    /// components that has none yet, and returns the frame index of each scan component in scan order.
    /// </summary>
    public int[] LatchScan(ReadOnlySpan<byte> payload, int offset)
    {
        if (payload.Length < 1)
            throw Fail(offset, "SOS segment is empty");
        int count = payload[0];
        if (payload.Length < 1 + 2 * count + 3)
            throw Fail(offset, $"SOS declares {count} components but holds only {payload.Length} bytes");
        JpegComponentInfo[] components = _frame.Components;
        var indices = new int[count];
        for (int i = 0; i < count; i++)
        {
            int selector = payload[1 + 2 * i];
            // The first frame component with that identifier that this scan has not named yet: libjpeg's choice,
            // which also keeps apart the components of encoders that give them all the same identifier.
            int index = 0;
            while (index < components.Length && (components[index].Identifier != selector || indices.AsSpan(0, i).Contains(index))) index++;
            if (index == components.Length)
                throw Fail(offset, $"SOS names component {selector}, which the frame header does not declare (or names it twice)");
            indices[i] = index;
            if (ComponentTables[index] is not null) continue;
            int tableId = components[index].QuantizationTable;
            ComponentTables[index] = (tableId <= 3 ? _defined[tableId] : null)
                ?? throw Fail(offset, $"component {selector} uses quantization table {tableId}, which no DQT before its first scan defines");
        }
        return indices;
    }

    private CodecException Fail(int offset, string what) => new($"{_codecName}: {what} (offset {offset}).");
}
