using DicomTools.Codecs;
using DicomTools.Codecs.Jpeg;
using DicomTools.Pixels;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// The JPEG fixtures of tests/fixtures/jpeg (made by make.sh there; fixtures.tsv says where each expected raw
/// file comes from) and the comparisons the JPEG tests share.
/// </summary>
internal static class JpegTestSupport
{
    public static string FixtureDirectory { get; } = FindFixtures();

    private static string FindFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "jpeg");
            if (File.Exists(Path.Combine(candidate, "fixtures.tsv"))) return candidate;
        }
        throw new DirectoryNotFoundException("tests/fixtures/jpeg/fixtures.tsv not found above " + AppContext.BaseDirectory);
    }

    public static string Fixture(string name) => Path.Combine(FixtureDirectory, name);

    /// <summary>One row of fixtures.tsv.</summary>
    public sealed record FixtureRow(string File, int Frames, string Expected, string Compare, string ReturnedPhotometric, string Truth)
    {
        /// <summary>Largest sample difference allowed: 0 for "exact", N for "maxN".</summary>
        public int Tolerance => Compare == "exact" ? 0 : int.Parse(Compare.AsSpan(3), provider: System.Globalization.CultureInfo.InvariantCulture);

        public override string ToString() => File;
    }

    public static IReadOnlyList<FixtureRow> Rows { get; } = File.ReadAllLines(Path.Combine(FixtureDirectory, "fixtures.tsv"))
        .Skip(1)
        .Where(line => line.Length > 0)
        .Select(line => line.Split('\t'))
        .Select(f => new FixtureRow(f[0], int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), f[2], f[3], f[4], f[5]))
        .ToArray();

    public static IEnumerable<object[]> RowsWhere(Func<FixtureRow, bool> predicate) =>
        Rows.Where(predicate).Select(r => new object[] { r.File });

    public static FixtureRow Row(string file) => Rows.Single(r => r.File == file);

    /// <summary>Whether a fixture holds lossless JPEG (transfer syntax .57 or .70) rather than DCT JPEG.</summary>
    public static bool IsLossless(FixtureRow row)
    {
        var source = FrameSource.Open(Fixture(row.File));
        return source.TransferSyntaxUID.TrimEnd('\0', ' ') is "1.2.840.10008.1.2.4.57" or "1.2.840.10008.1.2.4.70";
    }

    /// <summary>All frames of a DICOM file decoded by the decoder for its transfer syntax, concatenated.</summary>
    public static (byte[] Pixels, string Photometric, FrameGeometry Geometry) DecodeFile(string path)
    {
        var source = FrameSource.Open(path);
        var decoder = CodecRegistry.For(source.TransferSyntax)
            ?? throw new InvalidOperationException($"{path}: no JPEG decoder for {source.TransferSyntaxUID}");
        var frameLength = checked((int)source.Geometry.FrameByteLength);
        var pixels = new byte[frameLength * source.NumberOfFrames];
        var photometric = "";
        for (var i = 0; i < source.NumberOfFrames; i++)
            photometric = decoder.Decode(source.ReadEncodedFrame(i), source.Geometry, pixels.AsSpan(i * frameLength, frameLength));
        return (pixels, photometric, source.Geometry);
    }

    /// <summary>One frame decoded by the decoder for the file's transfer syntax.</summary>
    public static (byte[] Pixels, string Photometric, FrameGeometry Geometry) DecodeFrame(string path, int index)
    {
        var source = FrameSource.Open(path);
        var decoder = CodecRegistry.For(source.TransferSyntax)
            ?? throw new InvalidOperationException($"{path}: no JPEG decoder for {source.TransferSyntaxUID}");
        var pixels = new byte[source.Geometry.FrameByteLength];
        var photometric = decoder.Decode(source.ReadEncodedFrame(index), source.Geometry, pixels);
        return (pixels, photometric, source.Geometry);
    }

    public static (byte[] Encoded, FrameGeometry Geometry) ReadFrame(string path, int index = 0)
    {
        var source = FrameSource.Open(path);
        return (source.ReadEncodedFrame(index), source.Geometry);
    }

    /// <summary>Samples as unsigned values of <paramref name="bytesPerSample"/> little-endian bytes.</summary>
    public static int[] SampleValues(byte[] data, int bytesPerSample) => bytesPerSample == 1
        ? data.Select(b => (int)b).ToArray()
        : Enumerable.Range(0, data.Length / 2).Select(i => data[2 * i] | data[2 * i + 1] << 8).ToArray();

    /// <summary>Largest and mean absolute sample difference, and where the largest is.</summary>
    public static (int Max, double Mean, int At) Difference(int[] actual, int[] expected)
    {
        if (actual.Length != expected.Length) throw new InvalidOperationException($"{actual.Length} samples against {expected.Length}");
        int max = 0, at = -1;
        double sum = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var d = Math.Abs(actual[i] - expected[i]);
            sum += d;
            if (d > max) { max = d; at = i; }
        }
        return (max, actual.Length == 0 ? 0 : sum / actual.Length, at);
    }
}
