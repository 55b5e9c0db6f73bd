using DicomTools.Export;
using Xunit;

namespace DicomTools.Tests.Export;

public sealed class NoReplaceMoveTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dicomtools-move-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Moves_to_a_free_name_and_refuses_a_taken_one()
    {
        string source = Path.Combine(_folder, "s");
        string destination = Path.Combine(_folder, "d");
        File.WriteAllBytes(source, new byte[] { 1 });

        Assert.True(NoReplaceMove.TryMove(source, destination));
        Assert.False(File.Exists(source));
        Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(destination));

        File.WriteAllBytes(source, new byte[] { 2 });
        Assert.False(NoReplaceMove.TryMove(source, destination));
        Assert.True(File.Exists(source)); // the caller decides what to do with it
        Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(destination));
    }

    // Many movers released at once onto one name, many times: a check-then-rename move (what File.Move does on
    // Unix) lets two of them "win" now and then; an atomic one never does.
    [Fact]
    public void Exactly_one_of_many_simultaneous_moves_to_one_name_succeeds()
    {
        const int movers = 8, rounds = 100;
        var doubleWins = new List<int>();
        for (int round = 0; round < rounds; round++)
        {
            string destination = Path.Combine(_folder, $"d{round}");
            var sources = Enumerable.Range(0, movers).Select(i => Path.Combine(_folder, $"s{round}_{i}")).ToArray();
            for (int i = 0; i < movers; i++)
                File.WriteAllBytes(sources[i], new[] { (byte)i });
            using var start = new Barrier(movers);
            int wins = 0;
            var threads = sources.Select(source => new Thread(() =>
            {
                start.SignalAndWait();
                if (NoReplaceMove.TryMove(source, destination))
                    Interlocked.Increment(ref wins);
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            if (wins != 1)
                doubleWins.Add(round);
            Assert.Equal(movers - 1, sources.Count(File.Exists)); // the losers' files are left for the caller
            foreach (string source in sources.Where(File.Exists))
                File.Delete(source);
        }
        Assert.True(doubleWins.Count == 0, $"rounds without exactly one winner: {string.Join(", ", doubleWins)}");
    }
}
