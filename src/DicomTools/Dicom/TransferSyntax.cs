namespace DicomTools.Dicom;

/// <summary>How a transfer syntax encodes the dataset and the pixel data (PS3.5 section 10, Annex A).</summary>
internal enum PixelEncoding
{
    Native,
    Rle,
    JpegDct,
    JpegLossless,
    JpegLs,
    Jpeg2000,
    HighThroughputJpeg2000,
    JpegXl,
    DeflatedFrames,
    /// <summary>Encapsulated with a codec we do not know (a private or unlisted transfer syntax).</summary>
    OtherEncapsulated,
    /// <summary>MPEG/HEVC video, JPIP referenced: frames are not stored as images we decode.</summary>
    Video,
    Referenced,
}

/// <summary>
/// What the reader, the pixel layer and the codecs need to know about one transfer syntax. This file is the one
/// hand-written table of transfer syntax UIDs: every other piece of code names a syntax by its property here
/// (<c>TransferSyntax.JpegBaseline8Bit</c>), and each decoder lists the syntaxes it handles from these properties.
/// Property names are the PS3.6 keywords (case aside); names and UIDs are checked against the generated registry.
/// </summary>
internal sealed class TransferSyntax
{
    private TransferSyntax(string uid, string name, string? shortName, bool explicitVR, bool bigEndian, bool deflated, PixelEncoding encoding)
    {
        Uid = uid;
        Name = name;
        // Without a label of its own, the name up to its first parenthesis ("JPEG Extended (Process 3 & 5) (retired)").
        ShortName = shortName ?? name.Split(" (")[0];
        IsExplicitVR = explicitVR;
        IsBigEndian = bigEndian;
        IsDeflated = deflated;
        PixelEncoding = encoding;
    }

    public string Uid { get; }
    public string Name { get; }
    /// <summary>A label short enough for a table column.</summary>
    public string ShortName { get; }
    public bool IsExplicitVR { get; }
    public bool IsBigEndian { get; }
    /// <summary>The whole dataset after the File Meta Information is deflated (PS3.5 A.5).</summary>
    public bool IsDeflated { get; }
    public PixelEncoding PixelEncoding { get; }
    public bool IsEncapsulated => PixelEncoding != PixelEncoding.Native;
    /// <summary>True when this UID is in our table; false for a syntax met in a file but unknown to us.</summary>
    public bool IsKnown { get; private init; } = true;

    // Native (PS3.5 A.1-A.5).
    public static TransferSyntax ImplicitVRLittleEndian { get; } = new("1.2.840.10008.1.2", "Implicit VR Little Endian", "Implicit VR LE", false, false, false, PixelEncoding.Native);
    public static TransferSyntax ExplicitVRLittleEndian { get; } = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", "Explicit VR LE", true, false, false, PixelEncoding.Native);
    public static TransferSyntax ExplicitVRBigEndian { get; } = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)", "Explicit VR BE", true, true, false, PixelEncoding.Native);
    public static TransferSyntax DeflatedExplicitVRLittleEndian { get; } = new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", "Deflated Explicit LE", true, false, true, PixelEncoding.Native);
    /// <summary>Implicit VR big endian never existed in the standard, but a bare dataset can be written that way.</summary>
    internal static TransferSyntax ImplicitVRBigEndian { get; } = new("", "Implicit VR Big Endian (non-standard)", "Implicit VR Big Endian (non-standard)", false, true, false, PixelEncoding.Native);

    // Encapsulated (PS3.5 A.4, 8.2): explicit VR little endian datasets, every one.
    public static TransferSyntax EncapsulatedUncompressedExplicitVRLittleEndian { get; } = Encapsulated("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", null, PixelEncoding.OtherEncapsulated);
    public static TransferSyntax JpegBaseline8Bit { get; } = Encapsulated("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", "JPEG Baseline", PixelEncoding.JpegDct);
    public static TransferSyntax JpegExtended12Bit { get; } = Encapsulated("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", "JPEG Extended", PixelEncoding.JpegDct);
    public static TransferSyntax JpegExtended35 { get; } = Encapsulated("1.2.840.10008.1.2.4.52", "JPEG Extended (Process 3 & 5) (retired)", null, PixelEncoding.JpegDct);
    public static TransferSyntax JpegSpectralSelectionNonHierarchical68 { get; } = Encapsulated("1.2.840.10008.1.2.4.53", "JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8) (retired)", null, PixelEncoding.JpegDct);
    public static TransferSyntax JpegSpectralSelectionNonHierarchical79 { get; } = Encapsulated("1.2.840.10008.1.2.4.54", "JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9) (retired)", null, PixelEncoding.JpegDct);
    public static TransferSyntax JpegFullProgressionNonHierarchical1012 { get; } = Encapsulated("1.2.840.10008.1.2.4.55", "JPEG Full Progression, Non-Hierarchical (Process 10 & 12) (retired)", null, PixelEncoding.JpegDct);
    public static TransferSyntax JpegFullProgressionNonHierarchical1113 { get; } = Encapsulated("1.2.840.10008.1.2.4.56", "JPEG Full Progression, Non-Hierarchical (Process 11 & 13) (retired)", null, PixelEncoding.JpegDct);
    public static TransferSyntax JpegLossless { get; } = Encapsulated("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", "JPEG Lossless", PixelEncoding.JpegLossless);
    public static TransferSyntax JpegLosslessNonHierarchical15 { get; } = Encapsulated("1.2.840.10008.1.2.4.58", "JPEG Lossless, Non-Hierarchical (Process 15) (retired)", null, PixelEncoding.JpegLossless);
    public static TransferSyntax JpegLosslessSV1 { get; } = Encapsulated("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", "JPEG Lossless SV1", PixelEncoding.JpegLossless);
    public static TransferSyntax JpegLsLossless { get; } = Encapsulated("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", "JPEG-LS Lossless", PixelEncoding.JpegLs);
    public static TransferSyntax JpegLsNearLossless { get; } = Encapsulated("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression", "JPEG-LS Near-Lossless", PixelEncoding.JpegLs);
    public static TransferSyntax Jpeg2000Lossless { get; } = Encapsulated("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", "JPEG 2000 Lossless", PixelEncoding.Jpeg2000);
    public static TransferSyntax Jpeg2000 { get; } = Encapsulated("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", "JPEG 2000", PixelEncoding.Jpeg2000);
    public static TransferSyntax Jpeg2000MCLossless { get; } = Encapsulated("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)", null, PixelEncoding.Jpeg2000);
    public static TransferSyntax Jpeg2000MC { get; } = Encapsulated("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression", null, PixelEncoding.Jpeg2000);
    public static TransferSyntax HTJ2KLossless { get; } = Encapsulated("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", "HTJ2K Lossless", PixelEncoding.HighThroughputJpeg2000);
    public static TransferSyntax HTJ2KLosslessRPCL { get; } = Encapsulated("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", "HTJ2K Lossless RPCL", PixelEncoding.HighThroughputJpeg2000);
    public static TransferSyntax HTJ2K { get; } = Encapsulated("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", "HTJ2K", PixelEncoding.HighThroughputJpeg2000);
    public static TransferSyntax JpipReferenced { get; } = Encapsulated("1.2.840.10008.1.2.4.94", "JPIP Referenced", null, PixelEncoding.Referenced);
    public static TransferSyntax JpipReferencedDeflate { get; } = Encapsulated("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", null, PixelEncoding.Referenced);
    public static TransferSyntax Mpeg2MPML { get; } = Encapsulated("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", null, PixelEncoding.Video);
    public static TransferSyntax Mpeg2MPHL { get; } = Encapsulated("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level", null, PixelEncoding.Video);
    public static TransferSyntax Mpeg4HP41 { get; } = Encapsulated("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1", null, PixelEncoding.Video);
    public static TransferSyntax Mpeg4HP41BD { get; } = Encapsulated("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1", null, PixelEncoding.Video);
    public static TransferSyntax Mpeg4HP422D { get; } = Encapsulated("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video", null, PixelEncoding.Video);
    public static TransferSyntax Mpeg4HP423D { get; } = Encapsulated("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video", null, PixelEncoding.Video);
    public static TransferSyntax Mpeg4HP42Stereo { get; } = Encapsulated("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2", null, PixelEncoding.Video);
    public static TransferSyntax HevcMP51 { get; } = Encapsulated("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1", null, PixelEncoding.Video);
    public static TransferSyntax HevcM10P51 { get; } = Encapsulated("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1", null, PixelEncoding.Video);
    public static TransferSyntax JpegXLLossless { get; } = Encapsulated("1.2.840.10008.1.2.4.110", "JPEG XL Lossless", "JPEG XL Lossless", PixelEncoding.JpegXl);
    public static TransferSyntax JpegXLJpegRecompression { get; } = Encapsulated("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression", "JPEG XL JPEG Recompression", PixelEncoding.JpegXl);
    public static TransferSyntax JpegXL { get; } = Encapsulated("1.2.840.10008.1.2.4.112", "JPEG XL", "JPEG XL", PixelEncoding.JpegXl);
    public static TransferSyntax RleLossless { get; } = Encapsulated("1.2.840.10008.1.2.5", "RLE Lossless", "RLE Lossless", PixelEncoding.Rle);
    public static TransferSyntax DeflatedImageFrameCompression { get; } = Encapsulated("1.2.840.10008.1.2.8.1", "Deflated Image Frame Compression", "Deflated Frames", PixelEncoding.DeflatedFrames);

    // Built after every property above is set (static initialisers run in text order).
    private static readonly Dictionary<string, TransferSyntax> Known = Build(
        ImplicitVRLittleEndian, ExplicitVRLittleEndian, ExplicitVRBigEndian, DeflatedExplicitVRLittleEndian,
        EncapsulatedUncompressedExplicitVRLittleEndian,
        JpegBaseline8Bit, JpegExtended12Bit, JpegExtended35, JpegSpectralSelectionNonHierarchical68, JpegSpectralSelectionNonHierarchical79,
        JpegFullProgressionNonHierarchical1012, JpegFullProgressionNonHierarchical1113, JpegLossless, JpegLosslessNonHierarchical15, JpegLosslessSV1,
        JpegLsLossless, JpegLsNearLossless,
        Jpeg2000Lossless, Jpeg2000, Jpeg2000MCLossless, Jpeg2000MC,
        HTJ2KLossless, HTJ2KLosslessRPCL, HTJ2K,
        JpipReferenced, JpipReferencedDeflate,
        Mpeg2MPML, Mpeg2MPHL, Mpeg4HP41, Mpeg4HP41BD,
        Mpeg4HP422D, Mpeg4HP423D, Mpeg4HP42Stereo,
        HevcMP51, HevcM10P51,
        JpegXLLossless, JpegXLJpegRecompression, JpegXL,
        RleLossless, DeflatedImageFrameCompression);

    /// <summary>The syntax for a UID; an unknown UID is assumed to be explicit VR little endian, encapsulated (PS3.5
    /// 10: every transfer syntax defined after the first three is), with its pixel codec unknown.</summary>
    public static TransferSyntax FromUid(string uid)
    {
        var key = uid.Trim().TrimEnd('\0').Trim();
        if (Known.TryGetValue(key, out var syntax)) return syntax;
        return new TransferSyntax(key, $"unknown transfer syntax {key}", key.Length > 0 ? key : null, true, false, false, PixelEncoding.OtherEncapsulated) { IsKnown = false };
    }

    public static IReadOnlyCollection<TransferSyntax> All => Known.Values;

    public override string ToString() => Name;

    private static TransferSyntax Encapsulated(string uid, string name, string? shortName, PixelEncoding encoding) =>
        new(uid, name, shortName, true, false, false, encoding);

    private static Dictionary<string, TransferSyntax> Build(params TransferSyntax[] syntaxes) =>
        syntaxes.ToDictionary(s => s.Uid, StringComparer.Ordinal);
}
