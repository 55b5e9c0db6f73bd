using System.IO.Compression;

namespace DicomTools.Export;

/// <summary>
/// The one place a 0-9 deflate level becomes a zlib stream, for PNG and TIFF alike. .NET 9 and later take the level
/// itself. .NET 8 offers four named levels: group the scale the way zlib's own trade-off falls (1-3 fast matching,
/// 4-7 lazy matching, 8-9 exhaustive).
/// </summary>
internal static class ZLibLevels
{
    public static ZLibStream Create(Stream output, int level)
    {
#if NET9_0_OR_GREATER
        return new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = Math.Clamp(level, 0, 9) }, leaveOpen: true);
#else
        var named = level switch
        {
            0 => CompressionLevel.NoCompression,
            <= 3 => CompressionLevel.Fastest,
            <= 7 => CompressionLevel.Optimal,
            _ => CompressionLevel.SmallestSize,
        };
        return new ZLibStream(output, named, leaveOpen: true);
#endif
    }
}
