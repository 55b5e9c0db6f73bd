using System.Buffers.Binary;
using DicomTools.Codecs;
using DicomTools.Dicom;

namespace DicomTools.Pixels;

/// <summary>
/// One overlay plane (repeating group 60xx, PS3.3 C.9.2) as its header describes it: size, origin, type, the frames
/// it covers, and where its bits are: Overlay Data (60xx,3000), one bit a pixel packed from the least significant
/// bit, frames following each other without byte alignment; or (retired) the unused high bits of Pixel Data at
/// Overlay Bit Position. <see cref="ForFrame"/> gives the bitmap one image frame shows.
/// </summary>
internal sealed class OverlayPlane
{
    /// <summary>Largest overlay accepted (bits of all its frames, e.g. 16384 x 16384 x 1): planes claiming more are
    /// ignored, so a lying header never costs more than a 256 MB bitmap for one frame.</summary>
    public const long MaxBits = 1L << 28;

    private readonly ReadOnlyMemory<byte> _data;

    private OverlayPlane(ushort group, int rows, int columns, ReadOnlyMemory<byte> data)
    {
        Group = group;
        Rows = rows;
        Columns = columns;
        _data = data;
    }

    /// <summary>0x6000, 0x6002 ... 0x601E.</summary>
    public ushort Group { get; }
    public int Rows { get; }
    public int Columns { get; }
    /// <summary>"G" (graphics) or "R" (ROI), as written.</summary>
    public string Type { get; private init; } = "G";
    /// <summary>Row and column (1-based) of the image pixel the plane's first pixel lies on; may be outside the image.</summary>
    public int OriginRow { get; private init; } = 1;
    public int OriginColumn { get; private init; } = 1;
    /// <summary>Number of Frames in Overlay (60xx,0015), 1 when absent.</summary>
    public int NumberOfFrames { get; private init; } = 1;
    /// <summary>Image Frame Origin (60xx,0051): the image frame (1-based) the first overlay frame belongs to.</summary>
    public int ImageFrameOrigin { get; private init; } = 1;
    public string? Description { get; private init; }
    public string? Label { get; private init; }
    /// <summary>True for the retired form whose bits live in Pixel Data's unused high bits.</summary>
    public bool IsEmbedded { get; private init; }
    /// <summary>Overlay Bit Position (60xx,0102) of an embedded plane.</summary>
    public int BitPosition { get; private init; }

    /// <summary>
    /// Every usable overlay plane of the dataset, in group order. A plane without a sensible size, or whose Overlay
    /// Data is shorter than its rows x columns x frames, is left out; an embedded plane counts only when its bit lies
    /// outside the stored bits (where the sample reader masks it away) and the pixel data is native.
    /// </summary>
    public static IReadOnlyList<OverlayPlane> ReadAll(DicomDataset ds, FrameGeometry geometry, int highBit, bool nativePixelData)
    {
        ArgumentNullException.ThrowIfNull(ds);
        ArgumentNullException.ThrowIfNull(geometry);
        var planes = new List<OverlayPlane>();
        for (ushort group = 0x6000; group <= 0x601E; group += 2)
        {
            if (Read(ds, group, geometry, highBit, nativePixelData) is { } plane) planes.Add(plane);
        }
        return planes;
    }

    private static OverlayPlane? Read(DicomDataset ds, ushort group, FrameGeometry geometry, int highBit, bool nativePixelData)
    {
        DicomTag T(ushort element) => new(group, element);
        if (ds.GetInt(T(0x0010)) is not int rows || ds.GetInt(T(0x0011)) is not int columns || rows <= 0 || columns <= 0) return null;
        int frames = ds.GetInt(T(0x0015)) is int n && n > 0 ? n : 1;
        if ((long)rows * columns * frames > MaxBits) return null;
        var (originRow, originColumn) = Origin(ds[T(0x0050)]);
        int frameOrigin = ds.GetInt(T(0x0051)) is int f && f > 0 ? f : 1;
        string type = ds.GetString(T(0x0040))?.Trim().ToUpperInvariant() is { Length: > 0 } t ? t : "G";
        int bitsAllocated = ds.GetInt(T(0x0100)) ?? 1;
        int bitPosition = ds.GetInt(T(0x0102)) ?? 0;
        string? description = ds.GetString(T(0x0022))?.Trim();
        string? label = ds.GetString(T(0x1500))?.Trim();

        var dataElement = ds[T(0x3000)];
        if (dataElement is { IsValueLoaded: true, RawValue.Length: > 0 })
        {
            var data = dataElement.RawValue;
            // OW in a big-endian transfer syntax holds 16-bit words, most significant byte first: bit 0 of a word is
            // in its second byte.
            if (dataElement.IsBigEndian && dataElement.VR != DicomVR.OB)
            {
                var swapped = data.ToArray();
                for (int i = 0; i + 1 < swapped.Length; i += 2) (swapped[i], swapped[i + 1]) = (swapped[i + 1], swapped[i]);
                data = swapped;
            }
            if (data.Length * 8L < (long)rows * columns * frames) return null;
            return new OverlayPlane(group, rows, columns, data)
            {
                Type = type, OriginRow = originRow, OriginColumn = originColumn, NumberOfFrames = frames,
                ImageFrameOrigin = frameOrigin, Description = description, Label = label,
            };
        }

        // Retired embedded overlay: Overlay Bits Allocated equals the image's, the bit is one the samples do not use.
        int lowStored = highBit - geometry.BitsStored + 1;
        bool outsideStored = bitPosition > highBit || bitPosition < lowStored;
        if (!nativePixelData || bitsAllocated <= 1 || bitsAllocated != geometry.BitsAllocated || geometry.BitsAllocated is not (8 or 16)
            || bitPosition < 0 || bitPosition >= geometry.BitsAllocated || !outsideStored || geometry.SamplesPerPixel != 1
            || rows != geometry.Rows || columns != geometry.Columns)
            return null;
        return new OverlayPlane(group, rows, columns, ReadOnlyMemory<byte>.Empty)
        {
            Type = type, OriginRow = originRow, OriginColumn = originColumn, NumberOfFrames = frames,
            ImageFrameOrigin = frameOrigin, Description = description, Label = label, IsEmbedded = true, BitPosition = bitPosition,
        };
    }

    /// <summary>Overlay Origin (SS, row\column, 1-based); (1, 1) when absent or unreadable. Read from the value's
    /// bytes: a short[] passes CLR type tests for ushort[], which would turn -5 into 65531.</summary>
    private static (int Row, int Column) Origin(DicomElement? element)
    {
        if (element is null) return (1, 1);
        var raw = element.RawValue.Span;
        if (element.VR is DicomVR.SS or DicomVR.US or DicomVR.None or DicomVR.UN && raw.Length >= 4)
        {
            return element.IsBigEndian
                ? (BinaryPrimitives.ReadInt16BigEndian(raw), BinaryPrimitives.ReadInt16BigEndian(raw[2..]))
                : (BinaryPrimitives.ReadInt16LittleEndian(raw), BinaryPrimitives.ReadInt16LittleEndian(raw[2..]));
        }
        return element.Value is double[] { Length: >= 2 } d && Math.Abs(d[0]) < 1 << 20 && Math.Abs(d[1]) < 1 << 20
            ? ((int)d[0], (int)d[1]) : (1, 1);
    }

    /// <summary>Whether the plane has a frame for image frame <paramref name="imageFrame"/> (0-based).</summary>
    public bool Covers(int imageFrame)
    {
        long k = (long)imageFrame + 1 - ImageFrameOrigin;
        return k >= 0 && k < NumberOfFrames;
    }

    /// <summary>
    /// The plane's bitmap for image frame <paramref name="imageFrame"/> (0-based), or null when the plane does not
    /// cover it. <paramref name="storedFrame"/> is the frame's native bytes as stored, needed by embedded planes.
    /// </summary>
    public OverlayBitmap? ForFrame(int imageFrame, ReadOnlySpan<byte> storedFrame = default, bool bigEndian = false)
    {
        if (!Covers(imageFrame)) return null;
        int pixels = Rows * Columns;
        var bits = new byte[pixels];
        if (IsEmbedded)
        {
            // Embedded planes are one per image frame (their size is the image's).
            int bytesPerSample = storedFrame.Length / Math.Max(1, pixels);
            if (bytesPerSample is not (1 or 2)) return null;
            for (int i = 0; i < pixels; i++)
            {
                int sample = bytesPerSample == 1 ? storedFrame[i]
                    : bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(storedFrame.Slice(i * 2, 2))
                    : BinaryPrimitives.ReadUInt16LittleEndian(storedFrame.Slice(i * 2, 2));
                bits[i] = (byte)((sample >> BitPosition) & 1);
            }
        }
        else
        {
            long first = (imageFrame + 1L - ImageFrameOrigin) * pixels;
            var data = _data.Span;
            for (int i = 0; i < pixels; i++)
            {
                long bit = first + i;
                bits[i] = (byte)((data[(int)(bit >> 3)] >> (int)(bit & 7)) & 1);
            }
        }
        return new OverlayBitmap(Group, Rows, Columns, OriginRow, OriginColumn, Type, Description, Label, bits);
    }
}

/// <summary>The overlay bitmaps of one frame of a file.</summary>
internal static class FrameOverlays
{
    public static IReadOnlyList<OverlayBitmap> For(IReadOnlyList<OverlayPlane> planes, int frame, FrameSource source)
    {
        if (planes.Count == 0) return Array.Empty<OverlayBitmap>();
        byte[]? stored = null;
        var bitmaps = new List<OverlayBitmap>(planes.Count);
        foreach (var plane in planes)
        {
            if (!plane.Covers(frame)) continue;
            if (plane.IsEmbedded) stored ??= source.ReadEncodedFrame(frame);
            if (plane.ForFrame(frame, stored, source.IsBigEndianNative) is { } bitmap) bitmaps.Add(bitmap);
        }
        return bitmaps;
    }
}
