using DicomTools.Codecs;
using DicomTools.Codecs.Jpeg;
using Xunit;
using static DicomTools.Tests.Codecs.JpegTestSupport;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// Damaged codestreams: cut short at many offsets, and a deterministic mini-fuzz (fixed seed) of flipped,
/// overwritten, inserted and deleted bytes. A decoder may decode such data or throw <see cref="CodecException"/>;
/// any other exception, a write past the destination, or a decode that does not finish fails the test.
/// </summary>
public sealed class JpegFuzzTests
{
    private const int Guard = 64; // sentinel bytes after the destination: a write there would be an overflow
    private const byte Sentinel = 0x5A;

    public static IEnumerable<object[]> Targets => new[]
    {
        new object[] { "mr16s_sv6.dcm" },          // lossless 16-bit, predictor 6
        new object[] { "rgb8_rst128.dcm" },        // lossless colour with restart markers
        new object[] { "rgb8_nonint_sv1.dcm" },    // lossless, one scan per component
        new object[] { "ct8_sv7_pt2.dcm" },        // lossless, point transform
        new object[] { "rgb8_baseline_420.dcm" },  // DCT baseline, subsampled colour
        new object[] { "emri12_progressive.dcm" }, // DCT progressive 12-bit
        new object[] { "rgb8_progressive_last_scan_cb.dcm" }, // DCT progressive colour whose last scan is Cb alone
        new object[] { "emri12_spectral.dcm" },    // DCT spectral selection
        new object[] { "ct8_arithmetic_progressive.dcm" }, // DCT progressive, arithmetic coded
        new object[] { "hc12_extended_q98.dcm" },  // DCT 12-bit whose blocks overshoot far past 12 bits
        new object[] { "dct_rgb_arithmetic_restart.dcm" },  // DCT arithmetic sequential with restarts
        new object[] { "dct_rgb_arithmetic_progressive.dcm" }, // DCT arithmetic progressive colour
        new object[] { "dct_rgb_progressive_restart.dcm" },  // DCT progressive, successive approximation, restarts
        new object[] { "dct_rgb_nonint_2x2.dcm" },  // DCT sequential, one scan per component, luma 2x2
        new object[] { "dct_rgb_4x2.dcm" },         // DCT 4x2 luma, replicated chroma
        new object[] { "dct_grey_dnl.dcm" },        // DCT height from DNL
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public void Truncated_codestream_decodes_or_throws_CodecException(string file)
    {
        var (encoded, geometry, decoder) = Load(file);
        var failures = new List<string>();
        RunBounded(() =>
        {
            for (var length = 0; length < encoded.Length; length += Math.Max(1, encoded.Length / 300))
                Check(decoder, encoded.AsSpan(0, length).ToArray(), geometry, $"cut to {length} bytes", failures);
        });
        Assert.True(failures.Count == 0, $"{file}: {failures.Count} failures, first: {failures.FirstOrDefault()}");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutated_codestream_decodes_or_throws_CodecException(string file)
    {
        var (encoded, geometry, decoder) = Load(file);
        var random = new Random(20261125 ^ file.Length);
        var failures = new List<string>();
        RunBounded(() =>
        {
            for (var iteration = 0; iteration < 600; iteration++)
            {
                var mutated = Mutate(encoded, random, out var what);
                Check(decoder, mutated, geometry, $"iteration {iteration}: {what}", failures);
            }
        });
        Assert.True(failures.Count == 0, $"{file}: {failures.Count} failures, first: {failures.FirstOrDefault()}");
    }

    private static (byte[] Encoded, FrameGeometry Geometry, IFrameDecoder Decoder) Load(string file)
    {
        var source = DicomTools.Pixels.FrameSource.Open(Fixture(file));
        return (source.ReadEncodedFrame(0), source.Geometry, CodecRegistry.For(source.TransferSyntax)!);
    }

    private static byte[] Mutate(byte[] original, Random random, out string what)
    {
        var data = new List<byte>(original);
        var edits = random.Next(1, 5);
        var log = new List<string>();
        for (var e = 0; e < edits && data.Count > 2; e++)
        {
            // Headers are where lengths and counts live: aim half of the edits at the first 400 bytes.
            var limit = random.Next(2) == 0 ? Math.Min(400, data.Count) : data.Count;
            var at = random.Next(limit);
            switch (random.Next(5))
            {
                case 0: data[at] ^= (byte)(1 << random.Next(8)); log.Add($"flip bit at {at}"); break;
                case 1: data[at] = (byte)random.Next(256); log.Add($"set {at}={data[at]}"); break;
                case 2: data[at] = 0xFF; log.Add($"0xFF at {at}"); break;
                case 3: data.Insert(at, (byte)random.Next(256)); log.Add($"insert at {at}"); break;
                default: data.RemoveRange(at, Math.Min(random.Next(1, 16), data.Count - at)); log.Add($"delete at {at}"); break;
            }
        }
        what = string.Join(", ", log);
        return data.ToArray();
    }

    private static void Check(IFrameDecoder decoder, byte[] codestream, FrameGeometry geometry, string what, List<string> failures)
    {
        var length = checked((int)geometry.FrameByteLength);
        var buffer = new byte[length + Guard];
        buffer.AsSpan(length).Fill(Sentinel);
        try
        {
            decoder.Decode(codestream, geometry, buffer.AsSpan(0, length));
        }
        catch (CodecException)
        {
        }
        catch (Exception ex)
        {
            failures.Add($"{what}: {ex.GetType().Name}: {ex.Message}");
        }
        if (buffer.AsSpan(length).IndexOfAnyExcept(Sentinel) >= 0)
            failures.Add($"{what}: wrote past the destination");
    }

    /// <summary>Runs the loop on another thread and fails if it has not finished in time (a hang).</summary>
    private static void RunBounded(Action loop)
    {
        var task = Task.Factory.StartNew(loop, TaskCreationOptions.LongRunning);
        Assert.True(task.Wait(TimeSpan.FromSeconds(60)), "decoding damaged codestreams did not finish within 60 s (a hang?)");
    }
}
