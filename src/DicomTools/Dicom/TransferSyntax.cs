namespace DicomTools.Dicom;

/// <summary>How a transfer syntax encodes the dataset and the pixel data (PS3.5 section 10, Annex A).</summary>
public enum PixelEncoding
{
    Native,
    Rle,
    JpegDct,
    JpegLossless,
    JpegLs,
    Jpeg2000,
    HighThroughputJpeg2000,
    DeflatedFrames,
    /// <summary>Encapsulated with a codec we do not know (a private or unlisted transfer syntax).</summary>
    OtherEncapsulated,
    /// <summary>MPEG/HEVC video, JPIP referenced: frames are not stored as images we decode.</summary>
    Video,
    Referenced,
}

/// <summary>What the reader and the pixel layer need to know about one transfer syntax.</summary>
public sealed class TransferSyntax
{
    private TransferSyntax(string uid, string name, bool explicitVR, bool bigEndian, bool deflated, PixelEncoding encoding)
    {
        Uid = uid;
        Name = name;
        IsExplicitVR = explicitVR;
        IsBigEndian = bigEndian;
        IsDeflated = deflated;
        PixelEncoding = encoding;
    }

    public string Uid { get; }
    public string Name { get; }
    public bool IsExplicitVR { get; }
    public bool IsBigEndian { get; }
    /// <summary>The whole dataset after the File Meta Information is deflated (PS3.5 A.5).</summary>
    public bool IsDeflated { get; }
    public PixelEncoding PixelEncoding { get; }
    public bool IsEncapsulated => PixelEncoding != PixelEncoding.Native;
    /// <summary>True when this UID is in our table; false for a syntax met in a file but unknown to us.</summary>
    public bool IsKnown { get; private init; } = true;

    public static readonly TransferSyntax ImplicitVRLittleEndian = new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, PixelEncoding.Native);
    public static readonly TransferSyntax ExplicitVRLittleEndian = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, PixelEncoding.Native);
    public static readonly TransferSyntax ExplicitVRBigEndian = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)", true, true, false, PixelEncoding.Native);
    public static readonly TransferSyntax DeflatedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, PixelEncoding.Native);
    /// <summary>Implicit VR big endian never existed in the standard, but a bare dataset can be written that way.</summary>
    internal static readonly TransferSyntax ImplicitVRBigEndian = new("", "Implicit VR Big Endian (non-standard)", false, true, false, PixelEncoding.Native);

    private static readonly Dictionary<string, TransferSyntax> Known = Build(
        ImplicitVRLittleEndian,
        ExplicitVRLittleEndian,
        ExplicitVRBigEndian,
        DeflatedExplicitVRLittleEndian,
        Encapsulated("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", PixelEncoding.OtherEncapsulated),
        Encapsulated("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", PixelEncoding.JpegDct),
        Encapsulated("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", PixelEncoding.JpegDct),
        Encapsulated("1.2.840.10008.1.2.4.52", "JPEG Extended (Process 3 & 5) (retired)", PixelEncoding.JpegDct),
        Encapsulated("1.2.840.10008.1.2.4.53", "JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8) (retired)", PixelEncoding.JpegDct),
        Encapsulated("1.2.840.10008.1.2.4.54", "JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9) (retired)", PixelEncoding.JpegDct),
        Encapsulated("1.2.840.10008.1.2.4.55", "JPEG Full Progression, Non-Hierarchical (Process 10 & 12) (retired)", PixelEncoding.JpegDct),
        Encapsulated("1.2.840.10008.1.2.4.56", "JPEG Full Progression, Non-Hierarchical (Process 11 & 13) (retired)", PixelEncoding.JpegDct),
        Encapsulated("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", PixelEncoding.JpegLossless),
        Encapsulated("1.2.840.10008.1.2.4.58", "JPEG Lossless, Non-Hierarchical (Process 15) (retired)", PixelEncoding.JpegLossless),
        Encapsulated("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", PixelEncoding.JpegLossless),
        Encapsulated("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", PixelEncoding.JpegLs),
        Encapsulated("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression", PixelEncoding.JpegLs),
        Encapsulated("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", PixelEncoding.Jpeg2000),
        Encapsulated("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", PixelEncoding.Jpeg2000),
        Encapsulated("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)", PixelEncoding.Jpeg2000),
        Encapsulated("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression", PixelEncoding.Jpeg2000),
        Encapsulated("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", PixelEncoding.HighThroughputJpeg2000),
        Encapsulated("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", PixelEncoding.HighThroughputJpeg2000),
        Encapsulated("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", PixelEncoding.HighThroughputJpeg2000),
        Encapsulated("1.2.840.10008.1.2.4.94", "JPIP Referenced", PixelEncoding.Referenced),
        Encapsulated("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", PixelEncoding.Referenced),
        Encapsulated("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", PixelEncoding.Video),
        Encapsulated("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level", PixelEncoding.Video),
        Encapsulated("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1", PixelEncoding.Video),
        Encapsulated("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1", PixelEncoding.Video),
        Encapsulated("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video", PixelEncoding.Video),
        Encapsulated("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video", PixelEncoding.Video),
        Encapsulated("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2", PixelEncoding.Video),
        Encapsulated("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1", PixelEncoding.Video),
        Encapsulated("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1", PixelEncoding.Video),
        Encapsulated("1.2.840.10008.1.2.5", "RLE Lossless", PixelEncoding.Rle),
        Encapsulated("1.2.840.10008.1.2.8.1", "Deflated Image Frame Compression", PixelEncoding.DeflatedFrames));

    /// <summary>The syntax for a UID; an unknown UID is assumed to be explicit VR little endian, encapsulated (PS3.5
    /// 10: every transfer syntax defined after the first three is), with its pixel codec unknown.</summary>
    public static TransferSyntax FromUid(string uid)
    {
        var key = uid.Trim().TrimEnd('\0').Trim();
        if (Known.TryGetValue(key, out var syntax)) return syntax;
        return new TransferSyntax(key, $"unknown transfer syntax {key}", true, false, false, PixelEncoding.OtherEncapsulated) { IsKnown = false };
    }

    public static IReadOnlyCollection<TransferSyntax> All => Known.Values;

    /// <summary>A label short enough for a table column.</summary>
    public string ShortName => Uid switch
    {
        "1.2.840.10008.1.2" => "Implicit VR LE",
        "1.2.840.10008.1.2.1" => "Explicit VR LE",
        "1.2.840.10008.1.2.2" => "Explicit VR BE",
        "1.2.840.10008.1.2.1.99" => "Deflated Explicit LE",
        "1.2.840.10008.1.2.4.50" => "JPEG Baseline",
        "1.2.840.10008.1.2.4.51" => "JPEG Extended",
        "1.2.840.10008.1.2.4.57" => "JPEG Lossless",
        "1.2.840.10008.1.2.4.70" => "JPEG Lossless SV1",
        "1.2.840.10008.1.2.4.80" => "JPEG-LS Lossless",
        "1.2.840.10008.1.2.4.81" => "JPEG-LS Near-Lossless",
        "1.2.840.10008.1.2.4.90" => "JPEG 2000 Lossless",
        "1.2.840.10008.1.2.4.91" => "JPEG 2000",
        "1.2.840.10008.1.2.4.201" => "HTJ2K Lossless",
        "1.2.840.10008.1.2.4.202" => "HTJ2K Lossless RPCL",
        "1.2.840.10008.1.2.4.203" => "HTJ2K",
        "1.2.840.10008.1.2.5" => "RLE Lossless",
        "1.2.840.10008.1.2.8.1" => "Deflated Frames",
        "" => Name,
        _ => IsKnown ? Name.Split(" (")[0] : Uid,
    };

    public override string ToString() => Name;

    private static TransferSyntax Encapsulated(string uid, string name, PixelEncoding encoding) =>
        new(uid, name, true, false, false, encoding);

    private static Dictionary<string, TransferSyntax> Build(params TransferSyntax[] syntaxes) =>
        syntaxes.ToDictionary(s => s.Uid, StringComparer.Ordinal);
}
