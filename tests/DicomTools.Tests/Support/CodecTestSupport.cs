using DicomTools.Codecs;
using Xunit;

namespace DicomTools.Tests.Support;

/// <summary>Shared by the frame-decoder tests (RLE, JPEG-LS, JPEG 2000, deflated frames).</summary>
internal static class CodecAssert
{
    private const int GuardLength = 64;
    private const byte Guard = 0xA5;

    /// <summary>
    /// Decodes into the middle of a larger buffer whose margins hold a known pattern, and fails if the decoder wrote
    /// into the margins: "never writes outside destination", checked on every call.
    /// </summary>
    public static byte[] DecodeGuarded(IFrameDecoder decoder, byte[] encoded, FrameGeometry geometry) =>
        DecodeGuarded(decoder, encoded, geometry, out _);

    public static byte[] DecodeGuarded(IFrameDecoder decoder, byte[] encoded, FrameGeometry geometry, out string photometric)
    {
        int length = checked((int)geometry.FrameByteLength);
        var buffer = new byte[length + 2 * GuardLength];
        buffer.AsSpan().Fill(Guard);
        try
        {
            photometric = decoder.Decode(encoded, geometry, buffer.AsSpan(GuardLength, length));
        }
        finally
        {
            AssertGuardsIntact(buffer, length);
        }
        return buffer.AsSpan(GuardLength, length).ToArray();
    }

    private static void AssertGuardsIntact(byte[] buffer, int length)
    {
        for (int i = 0; i < GuardLength; i++)
        {
            Assert.True(buffer[i] == Guard, $"decoder wrote {GuardLength - i} bytes before the destination");
            Assert.True(buffer[GuardLength + length + i] == Guard, $"decoder wrote past the end of the destination (at +{i})");
        }
    }
}

/// <summary>Deterministic damage for mini-fuzzing: the caller's seeded <see cref="Random"/> picks what to break.</summary>
internal static class ByteMutator
{
    public static byte[] Mutate(byte[] original, Random random)
    {
        var data = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0: // flip a few bits
                for (int i = random.Next(1, 4); i > 0; i--) data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                return data;
            case 1: // overwrite a few bytes with anything
                for (int i = random.Next(1, 8); i > 0; i--) data[random.Next(data.Length)] = (byte)random.Next(256);
                return data;
            case 2: // truncate
                return data.AsSpan(0, random.Next(data.Length)).ToArray();
            case 3: // overwrite a header word with an extreme value
                int at = random.Next(Math.Min(64, data.Length - 3));
                BitConverter.TryWriteBytes(data.AsSpan(at), random.Next(3) switch { 0 => uint.MaxValue, 1 => 0u, _ => (uint)random.Next() });
                return data;
            case 4: // duplicate a slice (shifts everything after it)
                int start = random.Next(data.Length), count = random.Next(1, Math.Min(32, data.Length - start) + 1);
                return data.Take(start + count).Concat(data.Skip(start)).ToArray();
            default: // delete a slice
                int from = random.Next(data.Length), remove = random.Next(1, Math.Min(32, data.Length - from) + 1);
                return data.Take(from).Concat(data.Skip(from + remove)).ToArray();
        }
    }
}

/// <summary>One DICOM file's frames as the decoders receive them: geometry from the header, bytes per frame.</summary>
internal sealed record TestFrames(string Path, FrameGeometry Geometry, string TransferSyntaxUid, int NumberOfFrames, IReadOnlyList<byte[]> Frames)
{
    public string Name => System.IO.Path.GetFileName(Path);
}

/// <summary>Fixture paths, files read into frames, and reference decoders run at test time.</summary>
internal static class CodecTestFiles
{
    private static readonly Lazy<string?> s_fixtures = new(FindFixtures);

    /// <summary>tests/fixtures/&lt;codec&gt;/&lt;name&gt;, found above the test binaries.</summary>
    public static string Fixture(string codec, string name)
    {
        var root = s_fixtures.Value ?? throw new InvalidOperationException("tests/fixtures not found above " + AppContext.BaseDirectory);
        var path = System.IO.Path.Combine(root, codec, name);
        Assert.True(File.Exists(path), $"fixture {path} is missing (see the make.sh beside it)");
        return path;
    }

    private static string? FindFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures");
            if (Directory.Exists(System.IO.Path.Combine(candidate, "codec-sources"))) return candidate;
        }
        return null;
    }

    /// <summary>Reads every frame of <paramref name="path"/> through the reader's <c>FrameSource</c>.</summary>
    public static TestFrames Read(string path)
    {
        var source = DicomTools.Pixels.FrameSource.Open(path);
        var frames = Enumerable.Range(0, source.NumberOfFrames).Select(source.ReadEncodedFrame).ToArray();
        return new TestFrames(path, source.Geometry, source.TransferSyntaxUID, source.NumberOfFrames, frames);
    }

    /// <summary>
    /// Decompresses <paramref name="path"/> with a reference tool (dcmdrle, dcmdjpls, "gdcmconv --raw") into a
    /// temporary native file and reads it; skips the test only when the tool is not installed, fails it when the tool
    /// fails.
    /// </summary>
    public static TestFrames ReadThroughReferenceTool(string tool, string path)
    {
        var parts = tool.Split(' ', 2);
        ReferenceTools.RequireTool(parts[0]);
        var output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dicomtools-ref-{Guid.NewGuid():N}.dcm");
        try
        {
            var arguments = parts.Skip(1).Concat(new[] { path, output });
            ReferenceTools.Run(parts[0], arguments, requireOutput: false);
            Assert.True(File.Exists(output) && new FileInfo(output).Length > 0, $"{tool} wrote nothing for {path}");
            return Read(output);
        }
        finally
        {
            File.Delete(output);
        }
    }
}

/// <summary>Samples as the header reads them: masked to Bits Stored, sign-extended when signed.</summary>
internal static class StoredSamples
{
    public static long[] Read(byte[] frame, FrameGeometry geometry)
    {
        int bytes = geometry.BytesPerSample;
        var values = new long[frame.Length / bytes];
        long mask = (1L << geometry.BitsStored) - 1, sign = 1L << (geometry.BitsStored - 1);
        for (int i = 0; i < values.Length; i++)
        {
            long value = 0;
            for (int k = 0; k < bytes; k++) value |= (long)frame[i * bytes + k] << (8 * k);
            value &= mask;
            values[i] = geometry.IsSigned ? (value ^ sign) - sign : value;
        }
        return values;
    }

    /// <summary>Planar configuration 1 (native files may use it) to the interleaved order decoders produce.</summary>
    public static byte[] Interleave(byte[] frame, FrameGeometry geometry)
    {
        if (geometry.SamplesPerPixel == 1 || geometry.PlanarConfiguration == 0) return frame;
        int bytes = geometry.BytesPerSample, pixels = geometry.Rows * geometry.Columns, samples = geometry.SamplesPerPixel;
        var output = new byte[frame.Length];
        for (int s = 0; s < samples; s++)
            for (int p = 0; p < pixels; p++)
                Array.Copy(frame, (s * pixels + p) * bytes, output, (p * samples + s) * bytes, bytes);
        return output;
    }

    /// <summary>Asserts that two frames hold the same values as the header reads them; reports the first difference.</summary>
    public static void AssertEqual(byte[] expected, byte[] actual, FrameGeometry geometry, string what, long tolerance = 0)
    {
        var want = Read(expected, geometry);
        var got = Read(actual, geometry);
        Assert.True(want.Length == got.Length, $"{what}: {got.Length} samples, expected {want.Length}");
        long worst = 0;
        int worstAt = -1;
        for (int i = 0; i < want.Length; i++)
        {
            long difference = Math.Abs(want[i] - got[i]);
            if (difference > worst) (worst, worstAt) = (difference, i);
        }
        Assert.True(worst <= tolerance,
            $"{what}: sample {worstAt} (pixel {worstAt / geometry.SamplesPerPixel}) is {(worstAt < 0 ? 0 : got[worstAt])}, expected {(worstAt < 0 ? 0 : want[worstAt])} (tolerance {tolerance})");
    }
}
