using DicomTools.Export;
using Xunit;

namespace DicomTools.Tests.Export;

public sealed class AtomicFileWriterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dicomtools-atomic-").FullName;

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
        {
            foreach (string directory in Directory.GetDirectories(_folder, "*", SearchOption.AllDirectories))
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Directory.Delete(_folder, recursive: true);
    }

    private static string[] FilesIn(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order().ToArray()!;

    private static Action<Stream> Writes(byte[] content) => stream => stream.Write(content);

    [Fact]
    public void Writes_the_content_and_leaves_no_temporary_file()
    {
        string path = Path.Combine(_folder, "a.png");

        string written = AtomicFileWriter.Write(path, Writes(new byte[] { 1, 2, 3 }), overwrite: false);

        Assert.Equal(path, written);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal(new[] { "a.png" }, FilesIn(_folder));
    }

    [Fact]
    public void Missing_parent_folders_are_created()
    {
        string path = Path.Combine(_folder, "P001", "series 3", "a.png");

        AtomicFileWriter.WriteAllBytes(path, new byte[] { 7 }, overwrite: false);

        Assert.Equal(new byte[] { 7 }, File.ReadAllBytes(path));
    }

    [Fact]
    public void An_existing_file_is_kept_without_overwrite_and_the_content_is_never_produced()
    {
        string path = Path.Combine(_folder, "a.png");
        File.WriteAllBytes(path, new byte[] { 9 });
        bool contentProduced = false;

        var error = Assert.Throws<OutputExistsException>(() =>
            AtomicFileWriter.Write(path, _ => contentProduced = true, overwrite: false));

        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.Path);
        Assert.False(contentProduced);
        Assert.Equal(new byte[] { 9 }, File.ReadAllBytes(path));
        Assert.Equal(new[] { "a.png" }, FilesIn(_folder));
    }

    [Fact]
    public void An_existing_file_is_replaced_with_overwrite()
    {
        string path = Path.Combine(_folder, "a.png");
        File.WriteAllBytes(path, new byte[] { 9, 9, 9, 9 });

        AtomicFileWriter.WriteAllBytes(path, new byte[] { 1 }, overwrite: true);

        Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(path));
        Assert.Equal(new[] { "a.png" }, FilesIn(_folder));
    }

    [Fact]
    public void A_failure_while_writing_propagates_and_leaves_nothing()
    {
        string path = Path.Combine(_folder, "a.png");

        var error = Assert.Throws<InvalidOperationException>(() => AtomicFileWriter.Write(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new InvalidOperationException("encoder failed");
        }, overwrite: false));

        Assert.Equal("encoder failed", error.Message);
        Assert.Empty(FilesIn(_folder));
    }

    [Fact]
    public void A_failure_while_replacing_keeps_the_old_file()
    {
        string path = Path.Combine(_folder, "a.png");
        File.WriteAllBytes(path, new byte[] { 5 });

        Assert.Throws<InvalidOperationException>(() => AtomicFileWriter.Write(path, stream =>
        {
            stream.Write(new byte[10]);
            throw new InvalidOperationException();
        }, overwrite: true));

        Assert.Equal(new byte[] { 5 }, File.ReadAllBytes(path));
        Assert.Equal(new[] { "a.png" }, FilesIn(_folder));
    }

    [Fact]
    public void Cancellation_during_the_write_leaves_nothing()
    {
        string path = Path.Combine(_folder, "a.png");
        using var cancellation = new CancellationTokenSource();

        Assert.ThrowsAny<OperationCanceledException>(() => AtomicFileWriter.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            cancellation.Cancel(); // the content is complete, but the rename must not happen
        }, overwrite: false, cancellation.Token));

        Assert.Empty(FilesIn(_folder));
    }

    [Fact]
    public void An_already_cancelled_token_writes_nothing()
    {
        string path = Path.Combine(_folder, "a.png");
        bool contentProduced = false;

        Assert.ThrowsAny<OperationCanceledException>(() =>
            AtomicFileWriter.Write(path, _ => contentProduced = true, overwrite: false, new CancellationToken(canceled: true)));

        Assert.False(contentProduced);
        Assert.Empty(FilesIn(_folder));
    }

    // Every writer gets past the early existence check (they all wait inside the content callback until all have
    // written), so the outcome is decided by the final move alone: exactly one may win.
    [Fact]
    public void Writers_racing_for_one_path_give_one_winner_and_a_complete_file()
    {
        const int writers = 8, rounds = 10, size = 200_000;
        for (int round = 0; round < rounds; round++)
        {
            string path = Path.Combine(_folder, $"race{round}.png");
            using var allWritten = new Barrier(writers);
            var outcomes = new string[writers];
            var threads = Enumerable.Range(0, writers).Select(id => new Thread(() =>
            {
                byte[] content = Enumerable.Repeat((byte)(id + 1), size).ToArray();
                try
                {
                    AtomicFileWriter.Write(path, stream =>
                    {
                        stream.Write(content);
                        allWritten.SignalAndWait();
                    }, overwrite: false);
                    outcomes[id] = "won";
                }
                catch (OutputExistsException)
                {
                    outcomes[id] = "exists";
                }
                catch (Exception ex)
                {
                    outcomes[id] = ex.GetType().Name + ": " + ex.Message;
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            ExportTestSupport.FinishesWithoutDeadlock(() => threads.ForEach(t => t.Join()), "racing writers");

            Assert.Equal(1, outcomes.Count(o => o == "won"));
            Assert.Equal(writers - 1, outcomes.Count(o => o == "exists"));
            byte winner = (byte)(Array.IndexOf(outcomes, "won") + 1);
            byte[] file = File.ReadAllBytes(path);
            Assert.Equal(size, file.Length);
            Assert.True(file.All(b => b == winner), $"round {round}: the file mixes writers' content");
        }
        Assert.Equal(Enumerable.Range(0, rounds).Select(r => $"race{r}.png").Order(), FilesIn(_folder));
    }

    [Fact]
    public void Writers_racing_with_overwrite_all_succeed_and_the_file_is_one_of_theirs_whole()
    {
        const int writers = 6, size = 100_000;
        string path = Path.Combine(_folder, "a.png");
        using var allWritten = new Barrier(writers);
        var threads = Enumerable.Range(0, writers).Select(id => new Thread(() =>
            AtomicFileWriter.Write(path, stream =>
            {
                stream.Write(Enumerable.Repeat((byte)(id + 1), size).ToArray());
                allWritten.SignalAndWait();
            }, overwrite: true))).ToList();
        threads.ForEach(t => t.Start());
        ExportTestSupport.FinishesWithoutDeadlock(() => threads.ForEach(t => t.Join()), "racing writers");

        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(size, file.Length);
        Assert.True(file.All(b => b == file[0]), "the file mixes writers' content");
        Assert.Equal(new[] { "a.png" }, FilesIn(_folder));
    }

    [Fact]
    public void A_file_where_a_folder_should_be_gives_an_io_error_naming_the_destination()
    {
        string blocker = Path.Combine(_folder, "notafolder");
        File.WriteAllBytes(blocker, new byte[] { 1 });
        string path = Path.Combine(blocker, "a.png");

        var error = Assert.ThrowsAny<IOException>(() => AtomicFileWriter.WriteAllBytes(path, new byte[] { 1 }, overwrite: false));

        Assert.IsNotType<OutputExistsException>(error);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_folder_at_the_destination_is_refused_and_the_temporary_file_removed()
    {
        string path = Path.Combine(_folder, "a.png");
        Directory.CreateDirectory(path);

        Assert.Throws<OutputExistsException>(() => AtomicFileWriter.WriteAllBytes(path, new byte[] { 1 }, overwrite: false));
        var error = Assert.ThrowsAny<IOException>(() => AtomicFileWriter.WriteAllBytes(path, new byte[] { 1 }, overwrite: true));

        Assert.Contains(path, error.Message);
        Assert.Empty(FilesIn(_folder));
    }

    [SkippableFact]
    public void A_read_only_folder_gives_an_access_error_naming_the_destination()
    {
        if (OperatingSystem.IsWindows())
            throw new SkipException("Unix permissions");
        string folder = Path.Combine(_folder, "readonly");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        if (CanCreateFileIn(folder))
        {
            // Root ignores permission bits (CI runs as root); sysfs refuses new files to everyone, root included.
            Assert.True(OperatingSystem.IsLinux(), "permissions are not enforced for this user and there is no sysfs");
            folder = "/sys/kernel";
            Assert.False(CanCreateFileIn(folder), $"{folder} accepts new files");
        }
        string path = Path.Combine(folder, "a.png");

        var error = Assert.ThrowsAny<Exception>(() => AtomicFileWriter.WriteAllBytes(path, new byte[] { 1 }, overwrite: false));

        Assert.True(error is UnauthorizedAccessException or IOException, error.GetType().Name);
        Assert.Contains(path, error.Message);
        Assert.Empty(Directory.GetFiles(folder, "*a.png*"));
    }

    [SkippableFact]
    public void A_symbolic_link_at_the_destination_is_not_followed()
    {
        Skip.If(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        string target = Path.Combine(_folder, "victim.txt");
        File.WriteAllBytes(target, new byte[] { 42 });
        string path = Path.Combine(_folder, "a.png");
        File.CreateSymbolicLink(path, target);
        string dangling = Path.Combine(_folder, "b.png");
        File.CreateSymbolicLink(dangling, Path.Combine(_folder, "nowhere"));

        Assert.Throws<OutputExistsException>(() => AtomicFileWriter.WriteAllBytes(path, new byte[] { 1 }, overwrite: false));
        Assert.Throws<OutputExistsException>(() => AtomicFileWriter.WriteAllBytes(dangling, new byte[] { 1 }, overwrite: false));
        AtomicFileWriter.WriteAllBytes(path, new byte[] { 2 }, overwrite: true);

        Assert.Equal(new byte[] { 42 }, File.ReadAllBytes(target));       // the link's target is untouched
        Assert.Null(new FileInfo(path).LinkTarget);                        // the link itself was replaced
        Assert.Equal(new byte[] { 2 }, File.ReadAllBytes(path));
        Assert.False(File.Exists(Path.Combine(_folder, "nowhere")));
    }

    [Fact]
    public void Temporary_files_are_hidden_in_the_destination_folder()
    {
        string path = Path.Combine(_folder, "a.png");
        string? seen = null;

        AtomicFileWriter.Write(path, stream => seen = ((FileStream)stream).Name, overwrite: false);

        Assert.Equal(_folder, Path.GetDirectoryName(seen));
        Assert.StartsWith(".a.png.", Path.GetFileName(seen));
        Assert.True(AtomicFileWriter.IsTemporaryName(Path.GetFileName(seen)!));
    }

    private static bool CanCreateFileIn(string folder)
    {
        try
        {
            string probe = Path.Combine(folder, "probe");
            File.WriteAllBytes(probe, Array.Empty<byte>());
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
