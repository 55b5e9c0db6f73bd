using System.Buffers.Binary;
using System.Security.Cryptography;
using Xunit;
using Xunit.Abstractions;

namespace DicomTools.Tests.Fuzz;

/// <summary>
/// Deterministic mutation fuzzing of the reader, every decoder and the renderer, seeded from the shared corpus and the
/// codec fixtures: bit flips, interesting values, truncations, lying lengths and geometry, spliced, duplicated and
/// deleted chunks. Any exception other than our documented read/decode errors, any input that runs past the time
/// bound, and any input that allocates far beyond what the limits allow fails the test, and the input is saved.
/// `build.ps1 Test` runs 20 000 inputs; `build.ps1 Fuzz` sets DICOMTOOLS_FUZZ_ITERATIONS for a longer run.
/// Inputs that once failed live in tests/fixtures/fuzz/ and run every time.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class MutationFuzzTests
{
    private const int DefaultIterations = 20_000;
    private const long SeedSizeLimit = 160 * 1024;
    private static readonly TimeSpan PerInputBound = TimeSpan.FromSeconds(30);

    private readonly ITestOutputHelper _output;

    public MutationFuzzTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Mutated_files_give_only_documented_errors_within_bounds()
    {
        var seeds = LoadSeeds();
        Assert.True(seeds.Count >= 10, $"only {seeds.Count} seeds found");
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("DICOMTOOLS_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : DefaultIterations;
        // Fixed for the test pass (the same inputs every run); `build.ps1 Fuzz` picks a new seed and prints it.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("DICOMTOOLS_FUZZ_SEED"), out var s) ? s : 20261125;
        var random = new Random(seed);
        var mutator = new Mutator(random, seeds);
        var failures = new List<string>();
        var documentedErrors = 0;

        for (var i = 0; i < iterations && failures.Count < 5; i++)
        {
            var (seedName, input) = mutator.Next();
            var problem = Check(input, out var documented);
            if (documented) documentedErrors++;
            if (problem is null) continue;
            failures.Add($"seed {seed}, iteration {i} (from {seedName}): {problem} -> saved as {Save(input)}");
        }
        _output.WriteLine($"random seed {seed}: {iterations} inputs from {seeds.Count} seed files; {documentedErrors} gave documented errors, {iterations - documentedErrors} went through");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Inputs_that_once_failed_now_give_only_documented_errors()
    {
        var folder = FuzzFixtureFolder();
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.dcm") : Array.Empty<string>();
        Assert.True(files.Length > 0, $"no saved fuzz inputs in {folder}");
        var failures = files.Select(f => (f, Check(File.ReadAllBytes(f), out _))).Where(r => r.Item2 is not null)
            .Select(r => $"{Path.GetFileName(r.f)}: {r.Item2}").ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>Null when the input behaved; otherwise what went wrong.</summary>
    internal static string? Check(byte[] input, out bool documentedError)
    {
        var problem = CheckInput(input, out Exception? error);
        documentedError = error is not null;
        return problem;
    }

    /// <summary>Null when the input behaved; otherwise what went wrong. <paramref name="documentedError"/>: the
    /// documented error it raised, if any.</summary>
    internal static string? CheckInput(byte[] input, out Exception? documentedError)
    {
        documentedError = null;
        Exception? documented = null;
        Exception? undocumented = null;
        long allocated = 0;
        var task = Task.Run(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                documented = FuzzTarget.Run(input);
            }
            catch (Exception e)
            {
                undocumented = e;
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        if (!task.Wait(PerInputBound)) return $"still running after {PerInputBound.TotalSeconds:0} s";
        if (undocumented is not null) return $"{undocumented.GetType().Name}: {undocumented.Message}\n{undocumented.StackTrace}";
        documentedError = documented;
        // Limits: a frame may claim up to MaxFrameBytes, and the pipeline holds a few copies of one frame (decoded
        // bytes, typed samples, display image, 16-bit rendering) for two frames; the rest scales with the input.
        var allowed = 8 * FuzzTarget.MaxFrameBytes + 64L * input.Length + 64L * 1024 * 1024;
        if (allocated > allowed) return $"allocated {allocated:N0} bytes for a {input.Length:N0}-byte input (limit {allowed:N0})";
        return null;
    }

    internal static string Save(byte[] input)
    {
        var name = Convert.ToHexString(SHA256.HashData(input))[..16].ToLowerInvariant() + ".dcm";
        var folder = Path.Combine(Path.GetTempPath(), "dicomtools-fuzz-failures");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, input);
        return path + " (move it to tests/fixtures/fuzz/ once fixed)";
    }

    private static string FuzzFixtureFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "fuzz");
            if (Directory.Exists(Path.Combine(dir.FullName, "tests", "fixtures"))) return candidate;
        }
        return Path.Combine(AppContext.BaseDirectory, "fuzz");
    }

    /// <summary>Seeds: small corpus files (every transfer syntax is among them) and the codec fixtures.</summary>
    private static List<(string Name, byte[] Data)> LoadSeeds()
    {
        var files = new List<string>();
        if (TestCorpus.Directory is { } corpus)
            files.AddRange(Directory.GetFiles(corpus, "*.dcm").Where(f => new FileInfo(f).Length <= SeedSizeLimit));
        var fixtures = Path.GetDirectoryName(FuzzFixtureFolder())!;
        if (Directory.Exists(fixtures))
            files.AddRange(Directory.GetFiles(fixtures, "*.dcm", SearchOption.AllDirectories)
                // Frames that end OpenJPEG's worker almost always crash it again when mutated: each costs a worker
                // start, so they are fuzzed in Htj2kFuzzTests, not here.
                .Where(f => new FileInfo(f).Length <= SeedSizeLimit && !Path.GetFileName(f).StartsWith("damaged-", StringComparison.Ordinal)));
        return files.OrderBy(f => f, StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
    }

    /// <summary>Makes mutated inputs, aiming many mutations at the places a reader trusts: lengths, VRs, geometry.</summary>
    private sealed class Mutator
    {
        private static readonly uint[] InterestingLengths = { 0, 1, 2, 3, 0xFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFE, 0xFFFFFFFF };
        private static readonly ushort[] InterestingShorts = { 0, 1, 2, 3, 7, 8, 12, 15, 16, 17, 24, 32, 33, 64, 0x7FFF, 0x8000, 0xFFFF };
        private readonly Random _random;
        private readonly List<(string Name, byte[] Data)> _seeds;
        private readonly List<int[]> _elementOffsets;

        public Mutator(Random random, List<(string Name, byte[] Data)> seeds)
        {
            _random = random;
            _seeds = seeds;
            _elementOffsets = seeds.Select(s => FindExplicitElements(s.Data)).ToList();
        }

        public (string Seed, byte[] Input) Next()
        {
            var index = _random.Next(_seeds.Count);
            var data = (byte[])_seeds[index].Data.Clone();
            var count = 1 + _random.Next(3);
            for (var m = 0; m < count; m++) data = Mutate(data, _elementOffsets[index]);
            return (_seeds[index].Name, data);
        }

        private byte[] Mutate(byte[] data, int[] elements)
        {
            if (data.Length == 0) return data;
            switch (_random.Next(9))
            {
                case 0: // flip bits
                    for (var i = 0; i < 1 + _random.Next(8); i++) data[_random.Next(data.Length)] ^= (byte)(1 << _random.Next(8));
                    return data;
                case 1: // interesting bytes
                    for (var i = 0; i < 1 + _random.Next(4); i++) data[_random.Next(data.Length)] = (byte)(_random.Next(2) == 0 ? 0xFF : 0x00);
                    return data;
                case 2: // truncate
                    return data[.._random.Next(data.Length)];
                case 3: // lying 32-bit length of an element (or anywhere)
                case 4:
                {
                    var at = elements.Length > 0 && _random.Next(4) != 0 ? elements[_random.Next(elements.Length)] + 4 : _random.Next(data.Length);
                    if (at + 4 > data.Length) return data;
                    var value = _random.Next(3) == 0 ? (uint)_random.Next() : InterestingLengths[_random.Next(InterestingLengths.Length)];
                    var longForm = at + 8 <= data.Length && data[at + 2] == 0 && data[at + 3] == 0;
                    if (longForm) BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at + 4), value);
                    else BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at + 2), (ushort)value);
                    return data;
                }
                case 5: // lying 16-bit value in an element (Rows, Columns, Bits Allocated...)
                {
                    var at = elements.Length > 0 ? elements[_random.Next(elements.Length)] + 8 : _random.Next(data.Length);
                    if (at + 2 > data.Length) return data;
                    BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), InterestingShorts[_random.Next(InterestingShorts.Length)]);
                    return data;
                }
                case 6: // splice a chunk of another seed
                {
                    var other = _seeds[_random.Next(_seeds.Count)].Data;
                    if (other.Length < 2) return data;
                    var length = 1 + _random.Next(Math.Min(256, other.Length - 1));
                    var from = _random.Next(other.Length - length);
                    var to = _random.Next(Math.Max(1, data.Length - length));
                    if (to + length > data.Length) return data;
                    Buffer.BlockCopy(other, from, data, to, length);
                    return data;
                }
                case 7: // duplicate a chunk
                {
                    var start = _random.Next(data.Length);
                    var length = Math.Min(data.Length - start, 1 + _random.Next(512));
                    return data[..(start + length)].Concat(data[start..(start + length)]).Concat(data[(start + length)..]).ToArray();
                }
                default: // delete a chunk
                {
                    var start = _random.Next(data.Length);
                    var length = Math.Min(data.Length - start, 1 + _random.Next(64));
                    return data[..start].Concat(data[(start + length)..]).ToArray();
                }
            }
        }

        /// <summary>Offsets of what look like explicit-VR element headers (a known VR after a tag).</summary>
        private static int[] FindExplicitElements(byte[] data)
        {
            var offsets = new List<int>();
            for (var i = 0; i + 8 <= data.Length; i++)
            {
                var vr = (DicomTools.DicomVR)((data[i + 4] << 8) | data[i + 5]);
                if (DicomTools.DicomVRInfo.IsKnown(vr) && data[i + 1] < 0x80 && (data[i] & 1) == 0) offsets.Add(i);
            }
            return offsets.ToArray();
        }
    }
}
