namespace DicomTools.Export;

/// <summary>
/// Writes a file so that nobody ever sees it half-written: the content goes to a temporary file in the destination's
/// own folder (same volume, so the final step is a rename), which is then moved into place. Without overwrite the
/// move refuses an existing destination atomically (link(2) on Unix, MoveFileEx without REPLACE_EXISTING on
/// Windows; see <see cref="NoReplaceMove"/>), so of two writers racing for one path exactly one wins and the other gets
/// <see cref="OutputExistsException"/>. With overwrite the rename replaces the old file in one step. The temporary
/// file is deleted whenever the write does not complete (exception or cancellation).
/// <para>
/// Missing parent folders are created: an export template like <c>out/{PatientID}/...</c> names folders that cannot
/// exist beforehand. Data is flushed to the operating system, not forced to disk (no fsync) unless asked: an fsync
/// per slice would cost more than encoding it, and the rename already guarantees no torn file after a process crash.
/// </para>
/// </summary>
internal static class AtomicFileWriter
{
    // Long enough to keep a temporary name from colliding with another writer's; short enough that a destination
    // name near the 255-character limit still leaves room for the prefix and suffix.
    private const int MaxNameInTempFile = 100;

    /// <summary>As <see cref="Write(string, Action{Stream}, bool, bool, CancellationToken)"/>, without the fsync.</summary>
    public static string Write(string destinationPath, Action<Stream> writeContent, bool overwrite,
        CancellationToken cancellationToken = default) =>
        Write(destinationPath, writeContent, overwrite, flushToDisk: false, cancellationToken);

    /// <summary>
    /// Writes <paramref name="destinationPath"/> with the bytes <paramref name="writeContent"/> puts in the stream.
    /// Returns the full destination path.
    /// </summary>
    /// <param name="destinationPath">Where the file ends up; relative paths resolve against the process's current
    /// directory (a cmdlet should pass a resolved provider path).</param>
    /// <param name="writeContent">Writes the whole content; must not close the stream.</param>
    /// <param name="overwrite">Replace an existing file (-Force).</param>
    /// <param name="cancellationToken">Checked before starting and again just before the rename: a cancelled write
    /// leaves nothing behind, not even a finished temporary file.</param>
    /// <param name="flushToDisk">fsync the data before the rename, for durability across power loss.</param>
    /// <exception cref="OutputExistsException">The destination exists and <paramref name="overwrite"/> is false.</exception>
    /// <exception cref="IOException">The folder cannot be written (full disk, destination is a folder...); the
    /// message names the destination.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write in the folder; the message names the
    /// destination.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the rename.</exception>
    public static string Write(string destinationPath, Action<Stream> writeContent, bool overwrite,
        bool flushToDisk, CancellationToken cancellationToken = default) =>
        Write(destinationPath, writeContent, overwrite, flushToDisk, FileBufferBytes, cancellationToken);

    /// <summary>
    /// As <see cref="Write(string, Action{Stream}, bool, CancellationToken)"/> for content made whole in memory
    /// first (one image): <paramref name="encode"/> writes into a pooled buffer, which goes to the file in one write
    /// with no file buffer. A series export otherwise allocates a 64 KiB file buffer per image.
    /// </summary>
    public static string WriteEncoded(string destinationPath, Action<Stream> encode, bool overwrite,
        CancellationToken cancellationToken = default) =>
        Write(destinationPath, stream =>
        {
            using var content = new PooledByteStream(EncodedBufferBytes);
            encode(content);
            stream.Write(content.WrittenSpan);
        }, overwrite, flushToDisk: false, bufferSize: 0, cancellationToken);

    private const int FileBufferBytes = 64 * 1024;
    private const int EncodedBufferBytes = 64 * 1024;

    private static string Write(string destinationPath, Action<Stream> writeContent, bool overwrite,
        bool flushToDisk, int bufferSize, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destinationPath);
        ArgumentNullException.ThrowIfNull(writeContent);
        cancellationToken.ThrowIfCancellationRequested();

        string destination = Path.GetFullPath(destinationPath);
        string fileName = Path.GetFileName(destination);
        if (fileName.Length == 0)
            throw new ArgumentException($"Output path '{destinationPath}' names a folder, not a file.", nameof(destinationPath));
        string directory = Path.GetDirectoryName(destination)
            ?? throw new ArgumentException($"Output path '{destinationPath}' has no folder.", nameof(destinationPath));

        // Early, cheap refusal so the caller does not encode an image only to throw it away. The move below is what
        // actually guarantees no overwrite; this check alone would race.
        if (!overwrite && (File.Exists(destination) || Directory.Exists(destination)))
            throw new OutputExistsException(destination);

        string temporary;
        try
        {
            Directory.CreateDirectory(directory);
            temporary = Path.Combine(directory, TemporaryName(fileName));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Annotate(ex, destination);
        }

        bool moved = false;
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize))
            {
                writeContent(stream);
                stream.Flush(flushToDisk);
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (overwrite)
                File.Move(temporary, destination, overwrite: true);
            else if (!NoReplaceMove.TryMove(temporary, destination))
                throw new OutputExistsException(destination); // another writer won the race, or the file appeared
            moved = true;
            return destination;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Annotate(ex, destination);
        }
        finally
        {
            if (!moved)
                TryDelete(temporary);
        }
    }

    /// <summary>Writes a byte buffer atomically; see <see cref="Write(string, Action{Stream}, bool, CancellationToken)"/>.</summary>
    public static string WriteAllBytes(string destinationPath, ReadOnlyMemory<byte> content, bool overwrite,
        CancellationToken cancellationToken = default) =>
        Write(destinationPath, stream => stream.Write(content.Span), overwrite, cancellationToken);

    /// <summary>True for the names this writer gives its temporary files (so a cleanup tool can recognise leftovers).</summary>
    public static bool IsTemporaryName(string fileName) =>
        fileName.StartsWith('.') && fileName.EndsWith(".tmp", StringComparison.Ordinal);

    private static string TemporaryName(string fileName)
    {
        string name = fileName.Length > MaxNameInTempFile ? fileName[..MaxNameInTempFile] : fileName;
        // Leading dot: hidden on Unix and skipped by most globbing (*.png never matches it). Twelve random hex digits
        // from a Guid, not RandomNumberGenerator: on Linux that loads and initialises OpenSSL (libssl, libcrypto),
        // several milliseconds of a new shell's first export, for a name that only has to avoid collisions
        // (FileMode.CreateNew refuses one anyway).
        return "." + name + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp";
    }

    // The operating system's message names the temporary file (or nothing); the user needs the file they asked for.
    private static Exception Annotate(Exception ex, string destination)
    {
        if (ex.Message.Contains(destination, StringComparison.Ordinal))
            return ex;
        string message = $"Cannot write '{destination}': {ex.Message}";
        return ex is UnauthorizedAccessException
            ? new UnauthorizedAccessException(message, ex)
            : new IOException(message, ex);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original failure is what the caller must see.
        }
    }
}
