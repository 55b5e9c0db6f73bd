using System.IO.Compression;
using System.Reflection;

namespace DicomTools.Export;

/// <summary>
/// The one place a 0-9 deflate level becomes a zlib stream, for PNG and TIFF alike. .NET 9 and later take the level
/// itself (<c>ZLibCompressionOptions</c>; their <see cref="CompressionLevel.Fastest"/> is zlib-ng's level 1, far
/// weaker than the default level 5, see docs/performance.md). .NET 8 offers four named levels: group the scale the
/// way zlib's own trade-off falls (1-3 fast matching, 4-7 lazy matching, 8-9 exhaustive).
/// </summary>
/// <remarks>
/// One net8.0 assembly runs on .NET 8, 9 and 10 (PowerShell 7.4, 7.5, 7.6), so the .NET 9 API cannot be named in the
/// code: it is looked up once by reflection and reused. Three reflective calls per image cost microseconds against
/// milliseconds of deflate, and need neither System.Linq.Expressions nor emitted code at start-up.
/// </remarks>
internal static class ZLibLevels
{
    private static readonly ExactLevelApi? s_exact = ExactLevelApi.Find();

    /// <summary>True when the running .NET deflates at the exact 0-9 level asked for (.NET 9 and later).</summary>
    public static bool HasExactLevels => s_exact is not null;

    public static ZLibStream Create(Stream output, int level)
    {
        level = Math.Clamp(level, 0, 9);
        return s_exact is { } exact ? exact.Create(output, level) : new ZLibStream(output, ToNamedLevel(level), leaveOpen: true);
    }

    /// <summary>The named level .NET 8 deflates at for a 0-9 level.</summary>
    public static CompressionLevel ToNamedLevel(int level) => level switch
    {
        <= 0 => CompressionLevel.NoCompression,
        <= 3 => CompressionLevel.Fastest,
        <= 7 => CompressionLevel.Optimal,
        _ => CompressionLevel.SmallestSize,
    };

    /// <summary><c>new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true)</c>.</summary>
    private sealed class ExactLevelApi(ConstructorInfo options, PropertyInfo level, ConstructorInfo stream)
    {
        public static ExactLevelApi? Find()
        {
            var optionsType = typeof(ZLibStream).Assembly.GetType("System.IO.Compression.ZLibCompressionOptions", throwOnError: false);
            var optionsConstructor = optionsType?.GetConstructor(Type.EmptyTypes);
            var levelProperty = optionsType?.GetProperty("CompressionLevel", typeof(int));
            var streamConstructor = optionsType is null ? null : typeof(ZLibStream).GetConstructor([typeof(Stream), optionsType, typeof(bool)]);
            return optionsConstructor is null || levelProperty?.SetMethod is null || streamConstructor is null
                ? null
                : new ExactLevelApi(optionsConstructor, levelProperty, streamConstructor);
        }

        public ZLibStream Create(Stream output, int compressionLevel)
        {
            var settings = options.Invoke(null);
            level.SetValue(settings, compressionLevel);
            return (ZLibStream)stream.Invoke([output, settings, true]);
        }
    }
}
