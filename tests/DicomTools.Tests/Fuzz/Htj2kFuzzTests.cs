using DicomTools.Codecs.Jpeg2000;
using Xunit;
using Xunit.Abstractions;

namespace DicomTools.Tests.Fuzz;

/// <summary>
/// Mutations aimed at HTJ2K codestreams (the whole-file fuzz pass reaches them rarely): bytes of the frame's
/// codestream are flipped, set to 0xFF / 0x00 / random, or replaced by a 0xFF pair of the kind that trips OpenJPEG
/// 2.5.0's MEL assertion, and the file goes through the real read and decode path, worker process included. Every
/// outcome must be a documented error or a decoded frame within the time bound; OpenJPEG's aborts become
/// PixelDecoderCrashed errors, and this process survives them.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class Htj2kFuzzTests
{
    private const int DefaultIterations = 600;
    private readonly ITestOutputHelper _output;

    public Htj2kFuzzTests(ITestOutputHelper output) => _output = output;

    [SkippableFact]
    public void Mutated_htj2k_codestreams_give_only_documented_errors_and_this_process_survives()
    {
        ReferenceTools.RequireNativeLibrary(DicomTools.Codecs.Native.NativeLibraries.OpenJpeg);
        var folder = Path.GetDirectoryName(CodecTestFiles.Fixture("jpeg2000", "u8.htj2k.dcm"))!;
        // The damaged fixtures (which crash the worker nearly every time, mutated or not) run once each; the valid
        // codestreams are mutated.
        foreach (var damaged in Directory.GetFiles(folder, "damaged-htj2k-*.dcm"))
        {
            Assert.Null(MutationFuzzTests.CheckInput(File.ReadAllBytes(damaged), out var error));
            Assert.True(error is DicomToolsException, $"{Path.GetFileName(damaged)} decoded without an error");
        }
        var seeds = Directory.GetFiles(folder, "*.htj2k.dcm")
            .OrderBy(f => f, StringComparer.Ordinal).Select(f => (Name: Path.GetFileName(f), Data: File.ReadAllBytes(f))).ToList();
        Assert.True(seeds.Count >= 5, $"only {seeds.Count} HTJ2K seeds in {folder}");
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("DICOMTOOLS_FUZZ_ITERATIONS"), out var n) && n > 0 ? Math.Max(1, n / 10) : DefaultIterations;
        var random = new Random(20261205);
        var failures = new List<string>();
        int crashes = 0, errors = 0;
        for (var i = 0; i < iterations && failures.Count < 5; i++)
        {
            var (name, data) = seeds[random.Next(seeds.Count)];
            var input = Mutate(random, data);
            var problem = MutationFuzzTests.CheckInput(input, out Exception? error);
            if (error is DicomToolsException { ErrorId: DicomTools.CodecException.DecoderCrashedId }) crashes++;
            else if (error is not null) errors++;
            if (problem is not null) failures.Add($"iteration {i} (from {name}): {problem} -> saved as {MutationFuzzTests.Save(input)}");
        }
        _output.WriteLine($"{iterations} HTJ2K inputs: {crashes} crashed OpenJPEG's worker, {errors} other documented errors, the rest decoded; {OpenJpegWorkerPool.WorkersStarted} workers started in this process");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>One to four changes inside the codestream (from its SOD marker to the end of the file).</summary>
    private static byte[] Mutate(Random random, byte[] seed)
    {
        var data = (byte[])seed.Clone();
        int start = IndexOf(data, 0xFF, 0x93);
        if (start < 0) start = data.Length / 2;
        for (int m = 0, count = 1 + random.Next(4); m < count; m++)
        {
            int at = start + random.Next(data.Length - start);
            switch (random.Next(4))
            {
                case 0: data[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: data[at] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00; break;
                case 2: data[at] = (byte)random.Next(256); break;
                default:
                    data[at] = 0xFF;
                    if (at + 1 < data.Length) data[at + 1] = (byte)(0x90 + random.Next(0x70));
                    break;
            }
        }
        return data;
    }

    private static int IndexOf(byte[] data, byte first, byte second)
    {
        for (int i = 0; i + 1 < data.Length; i++)
            if (data[i] == first && data[i + 1] == second) return i;
        return -1;
    }
}
