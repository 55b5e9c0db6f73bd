using System.IO.Compression;
using DicomTools.Export;
using Xunit;

namespace DicomTools.Tests.Export;

/// <summary>
/// The module is one net8.0 assembly and reaches .NET 9's exact deflate levels by reflection. These tests run on
/// .NET 10, where the stream it makes must be byte for byte the one .NET's own API makes for the same level (the PNG
/// of PowerShell 7.6 stays what the former net10.0 build wrote); the .NET 8 path is run by tests/Net8Check.
/// </summary>
public sealed class ZLibLevelsTests
{
    private static byte[] Sample()
    {
        // Compressible but not trivial: a gradient with noise, as a filtered image row stream looks.
        var random = new Random(12345);
        var data = new byte[200_000];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)((i % 512) / 2 + random.Next(4));
        return data;
    }

    private static byte[] Deflate(Func<Stream, ZLibStream> create, byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = create(output)) zlib.Write(data);
        return output.ToArray();
    }

    [Fact]
    public void Exact_levels_are_found_on_this_runtime() => Assert.True(ZLibLevels.HasExactLevels);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(9)]
    public void Each_level_deflates_exactly_as_ZLibCompressionOptions_does(int level)
    {
        var data = Sample();
        var ours = Deflate(output => ZLibLevels.Create(output, level), data);
        var net = Deflate(output => new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true), data);
        Assert.Equal(net, ours);
    }

    [Fact]
    public void Level_5_is_not_the_weak_fastest_level()
    {
        // .NET 9+ maps CompressionLevel.Fastest to zlib-ng's level 1, much weaker (docs/performance.md).
        var data = Sample();
        var five = Deflate(output => ZLibLevels.Create(output, 5), data);
        var fastest = Deflate(output => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true), data);
        Assert.True(five.Length < fastest.Length, $"level 5: {five.Length} bytes, Fastest: {fastest.Length}");
    }

    [Fact]
    public void The_stream_leaves_the_output_open()
    {
        using var output = new MemoryStream();
        using (var zlib = ZLibLevels.Create(output, 5)) zlib.WriteByte(1);
        Assert.True(output.CanWrite);
    }

    [Theory]
    [InlineData(0, CompressionLevel.NoCompression)]
    [InlineData(1, CompressionLevel.Fastest)]
    [InlineData(3, CompressionLevel.Fastest)]
    [InlineData(4, CompressionLevel.Optimal)]
    [InlineData(7, CompressionLevel.Optimal)]
    [InlineData(8, CompressionLevel.SmallestSize)]
    [InlineData(9, CompressionLevel.SmallestSize)]
    public void Dotnet8_groups_the_scale_as_zlib_does(int level, CompressionLevel named) =>
        Assert.Equal(named, ZLibLevels.ToNamedLevel(level));
}
