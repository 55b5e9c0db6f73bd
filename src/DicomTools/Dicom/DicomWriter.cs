using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace DicomTools.Dicom;

/// <summary>
/// A small Part 10 writer (Explicit VR Little Endian), enough to make sample and benchmark files: the demo's
/// phantom, test fixtures, synthetic series. Elements are kept sorted by tag and written with the File Meta
/// Information the standard requires.
/// </summary>
internal sealed class DicomWriter
{
    private readonly SortedDictionary<DicomTag, (DicomVR Vr, byte[] Value, IReadOnlyList<DicomWriter>? Items)> _elements = new();

    public DicomWriter Add(DicomTag tag, DicomVR vr, string value)
    {
        var bytes = (vr == DicomVR.PN || DicomVRInfo.UsesSpecificCharacterSet(vr)) && !IsAscii(value)
            ? Encoding.UTF8.GetBytes(value)
            : Encoding.Latin1.GetBytes(value);
        return AddRaw(tag, vr, Pad(bytes, vr == DicomVR.UI ? (byte)0 : (byte)' '));
    }

    public DicomWriter Add(DicomTag tag, DicomVR vr, params double[] values) =>
        Add(tag, vr, string.Join('\\', values.Select(v => v.ToString("G10", CultureInfo.InvariantCulture))));

    public DicomWriter Add(DicomTag tag, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return AddRaw(tag, DicomVR.US, bytes);
    }

    public DicomWriter Add(DicomTag tag, params ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), values[i]);
        return AddRaw(tag, DicomVR.US, bytes);
    }

    /// <summary>16-bit pixel data (OW), signed or unsigned samples as stored.</summary>
    public DicomWriter AddSignedPixelData(short[] samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), samples[i]);
        return AddRaw(DicomTags.PixelData, DicomVR.OW, bytes);
    }

    public DicomWriter AddPixelData(ushort[] samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), samples[i]);
        return AddRaw(DicomTags.PixelData, DicomVR.OW, bytes);
    }

    public DicomWriter AddBytePixelData(byte[] samples) => AddRaw(DicomTags.PixelData, DicomVR.OB, Pad(samples, 0));

    public DicomWriter AddSequence(DicomTag tag, params DicomWriter[] items)
    {
        _elements[tag] = (DicomVR.SQ, Array.Empty<byte>(), items);
        return this;
    }

    /// <summary>Any value as raw little-endian bytes (padded to even length with a zero byte when needed).</summary>
    public DicomWriter AddRaw(DicomTag tag, DicomVR vr, byte[] value)
    {
        _elements[tag] = (vr, value.Length % 2 == 1 ? Pad(value, 0) : value, null);
        return this;
    }

    /// <summary>Writes a Part 10 file: preamble, "DICM", File Meta Information, then the dataset.</summary>
    public void WriteFile(Stream output)
    {
        var sopClass = Text(DicomTags.SOPClassUID) ?? "1.2.840.10008.5.1.4.1.1.7";
        var sopInstance = Text(DicomTags.SOPInstanceUID) ?? "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true);
        var meta = new DicomWriter()
            .AddRaw(new DicomTag(0x0002, 0x0001), DicomVR.OB, new byte[] { 0, 1 })
            .Add(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, sopClass)
            .Add(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, sopInstance)
            .Add(DicomTags.TransferSyntaxUID, DicomVR.UI, TransferSyntax.ExplicitVRLittleEndian.Uid)
            .Add(new DicomTag(0x0002, 0x0012), DicomVR.UI, "1.2.826.0.1.3680043.10.1455.1")
            .Add(new DicomTag(0x0002, 0x0013), DicomVR.SH, "DICOMTOOLS");
        using var metaBytes = new MemoryStream();
        meta.WriteElements(metaBytes);

        output.Write(new byte[128]);
        output.Write("DICM"u8);
        var groupLength = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength, 0x00000002);
        groupLength[4] = (byte)'U';
        groupLength[5] = (byte)'L';
        BinaryPrimitives.WriteUInt16LittleEndian(groupLength.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength.AsSpan(8), (uint)metaBytes.Length);
        output.Write(groupLength);
        metaBytes.Position = 0;
        metaBytes.CopyTo(output);
        WriteElements(output);
    }

    public void WriteFile(string path)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        WriteFile(stream);
    }

    private string? Text(DicomTag tag) =>
        _elements.TryGetValue(tag, out var e) ? Encoding.Latin1.GetString(e.Value).TrimEnd('\0', ' ') : null;

    private void WriteElements(Stream output)
    {
        Span<byte> header = stackalloc byte[12];
        foreach (var (tag, (vr, value, items)) in _elements)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header, tag.Group);
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], tag.Element);
            header[4] = (byte)((ushort)vr >> 8);
            header[5] = (byte)vr;
            if (items is not null)
            {
                // Sequences and items of undefined length: no lengths to compute up front.
                header[6] = header[7] = 0;
                BinaryPrimitives.WriteUInt32LittleEndian(header[8..], 0xFFFFFFFF);
                output.Write(header);
                foreach (var item in items)
                {
                    WriteTag(output, DicomTag.Item, 0xFFFFFFFF);
                    item.WriteElements(output);
                    WriteTag(output, DicomTag.ItemDelimitation, 0);
                }
                WriteTag(output, DicomTag.SequenceDelimitation, 0);
                continue;
            }
            if (DicomVRInfo.HasLongLength(vr))
            {
                header[6] = header[7] = 0;
                BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)value.Length);
                output.Write(header);
            }
            else
            {
                if (value.Length > ushort.MaxValue) throw new ArgumentException($"{tag} {vr}: {value.Length} bytes do not fit a 16-bit length");
                BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)value.Length);
                output.Write(header[..8]);
            }
            output.Write(value);
        }
    }

    private static void WriteTag(Stream output, DicomTag tag, uint length)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[2..], tag.Element);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[4..], length);
        output.Write(bytes);
    }

    private static bool IsAscii(string value) => value.All(c => c < 0x80);

    private static byte[] Pad(byte[] bytes, byte padding)
    {
        if (bytes.Length % 2 == 0) return bytes;
        var padded = new byte[bytes.Length + 1];
        bytes.CopyTo(padded, 0);
        padded[^1] = padding;
        return padded;
    }
}
