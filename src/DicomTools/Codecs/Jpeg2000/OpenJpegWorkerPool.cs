using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace DicomTools.Codecs.Jpeg2000;

/// <summary>
/// Decodes JPEG 2000 frames in worker processes (<see cref="OpenJpegWorkerProgram"/>), for the codestreams on which
/// OpenJPEG may end its process with an assertion instead of returning an error (HTJ2K code-blocks: see
/// <see cref="J2kMainHeader.MayUseHighThroughput"/>). A worker is started on first need and kept for the rest of the
/// session; each concurrent decode takes an idle one or starts its own, so parallel decoding stays parallel. When a
/// worker dies during a frame, that frame fails with <see cref="CodecException.DecoderCrashedId"/> and the worker is
/// dropped; the next frame gets a new one. A worker exits when its input closes: when the pool drops it, and when
/// this process ends in any way (the operating system closes the pipe), so none outlives the session.
/// </summary>
internal static class OpenJpegWorkerPool
{
    private static readonly ConcurrentBag<Worker> s_idle = new();
    private static readonly Lazy<string[]> s_command = new(ResolveCommand, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int s_started;

    /// <summary>Key of the crashed worker's process id in a crash error's Exception.Data.</summary>
    public const string CrashedProcessIdKey = "DicomTools.DecoderProcessId";

    /// <summary>Worker processes started so far in this process (tests: a crash starts a new one).</summary>
    public static int WorkersStarted => Volatile.Read(ref s_started);

    /// <summary>Process ids of the workers idle right now (tests: they exit when this process does).</summary>
    public static int[] IdleWorkerIds() => s_idle.Select(w => w.ProcessId).ToArray();

    /// <summary>
    /// Decodes one frame in a worker, as <see cref="Jpeg2000Decoder.DecodeInThisProcess"/> would here: the same
    /// results, the same <see cref="CodecException"/> messages for damaged codestreams, and a
    /// <see cref="CodecException.DecoderCrashedId"/> error when OpenJPEG ends the worker.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination, int threads)
    {
        for (int attempt = 0; ; attempt++)
        {
            var worker = s_idle.TryTake(out var idle) && !idle.HasExited ? idle : Start();
            bool healthy = false;
            try
            {
                try
                {
                    worker.Send(geometry, threads, encoded);
                }
                catch (IOException) when (attempt == 0)
                {
                    continue; // it died while idle (killed from outside): not this frame's doing, so one fresh try
                }
                (int status, string text) reply;
                // A worker stuck in OpenJPEG would hold this decode for ever: past the bound it is killed, and the
                // frame fails as a crash does.
                using var watchdog = new Timer(_ => worker.Abandon(), null, AnswerBound(geometry), Timeout.InfiniteTimeSpan);
                try
                {
                    reply = worker.Receive(destination);
                }
                catch (Exception e) when (e is IOException or InvalidDataException)
                {
                    throw new CodecException(CodecException.DecoderCrashedId,
                        $"OpenJPEG crashed on damaged data in this frame ({worker.DescribeEnd()}); the frame is not decoded, and the next frame gets a new decoder process", e)
                    {
                        Data = { [CrashedProcessIdKey] = worker.ProcessId },
                    };
                }
                healthy = true;
                return reply.status == OpenJpegWorkerProtocol.StatusDecoded ? reply.text : throw new CodecException(reply.text);
            }
            finally
            {
                if (healthy) s_idle.Add(worker);
                else worker.Dispose();
            }
        }
    }

    /// <summary>How long a worker may take over one frame: a minute, and a second more per million samples (OpenJPEG
    /// decodes tens of millions a second on one core).</summary>
    internal static TimeSpan AnswerBound(FrameGeometry geometry) => TimeSpan.FromSeconds(60 + geometry.SampleCount / 1_000_000);

    /// <summary>The command line that starts a worker here (resolved once).</summary>
    internal static IReadOnlyList<string> WorkerCommand => s_command.Value;

    private static Worker Start()
    {
        var command = s_command.Value;
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Windows: a console of its own, so Ctrl+C in the user's console reaches the pipeline, not the worker.
            CreateNoWindow = true,
        };
        foreach (var argument in command.AsSpan(1)) start.ArgumentList.Add(argument);
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            throw new CodecException($"the JPEG 2000 decoder process could not be started ({command[0]}): {e.Message}", e);
        }
        if (process is null) throw new CodecException($"the JPEG 2000 decoder process could not be started ({command[0]})");
        Interlocked.Increment(ref s_started);
        return new Worker(process);
    }

    /// <summary>
    /// How to run this assembly's entry point with the runtime we run on: the dotnet host ("dotnet exec" with a
    /// runtime configuration naming this runtime's version), found as the running host, DOTNET_HOST_PATH, the
    /// install this runtime belongs to, or DOTNET_ROOT; else, in a self-contained PowerShell that has no dotnet host,
    /// pwsh itself loading the assembly (slower to start).
    /// </summary>
    private static string[] ResolveCommand()
    {
        var assembly = typeof(OpenJpegWorkerProgram).Assembly.Location;
        if (string.IsNullOrEmpty(assembly)) throw new CodecException("the JPEG 2000 decoder process needs DicomTools.dll on disk (it was loaded from memory)");
        var host = FindDotnetHost();
        if (host != null) return new[] { host, "exec", "--runtimeconfig", WriteRuntimeConfig(), assembly, OpenJpegWorkerProgram.WorkerArgument };

        var process = Environment.ProcessPath;
        if (process != null && Path.GetFileNameWithoutExtension(process).Equals("pwsh", StringComparison.OrdinalIgnoreCase))
        {
            return ThroughPwsh(new[] { process }, assembly);
        }
        throw new CodecException("the JPEG 2000 decoder process cannot be started: neither the dotnet host nor pwsh was found (set DOTNET_ROOT)");
    }

    /// <summary>The worker started by pwsh (<paramref name="pwsh"/>: its executable, or dotnet and pwsh.dll), which
    /// loads <paramref name="assembly"/> and runs its entry point.</summary>
    internal static string[] ThroughPwsh(string[] pwsh, string assembly)
    {
        var script = $"exit [System.Reflection.Assembly]::LoadFrom('{assembly.Replace("'", "''", StringComparison.Ordinal)}').EntryPoint.Invoke($null, [object[]]@(,[string[]]@('{OpenJpegWorkerProgram.WorkerArgument}')))";
        return pwsh.Concat(new[] { "-NoLogo", "-NoProfile", "-NonInteractive", "-EncodedCommand", Convert.ToBase64String(Encoding.Unicode.GetBytes(script)) }).ToArray();
    }

    private static string? FindDotnetHost()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var process = Environment.ProcessPath;
        if (process != null && Path.GetFileName(process).Equals(name, StringComparison.OrdinalIgnoreCase)) return process;
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory(); // <root>/shared/Microsoft.NETCore.App/<version>/
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        foreach (var candidate in new[]
                 {
                     Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
                     Path.Combine(runtimeDirectory, "..", "..", "..", name),
                     string.IsNullOrEmpty(root) ? null : Path.Combine(root, name),
                 })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        return null;
    }

    /// <summary>
    /// The runtime configuration for "dotnet exec" (DicomTools.dll ships none: it is a library): this runtime's
    /// major.minor, written once per session into a directory only this user can write, since a runtime
    /// configuration can name code to run.
    /// </summary>
    private static string WriteRuntimeConfig()
    {
        var version = Environment.Version;
        var directory = Directory.CreateTempSubdirectory("DicomTools-");
        var path = Path.Combine(directory.FullName, "worker.runtimeconfig.json");
        File.WriteAllText(path,
            "{\"runtimeOptions\":{\"tfm\":\"net" + version.Major + "." + version.Minor + "\",\"rollForward\":\"Major\"," +
            "\"framework\":{\"name\":\"Microsoft.NETCore.App\",\"version\":\"" + version.Major + "." + version.Minor + ".0\"}}}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Left in the temporary folder; harmless.
            }
        };
        return path;
    }

    /// <summary>One worker process and its pipes; used by one decode at a time.</summary>
    private sealed class Worker : IDisposable
    {
        private const int KeptErrorLines = 8;
        private static readonly char[] PathSeparators = { '/', '\\', ' ' };
        private readonly Process _process;
        private readonly BufferedStream _input;
        private readonly Stream _output;
        private readonly Queue<string> _errorLines = new();

        public Worker(Process process)
        {
            _process = process;
            ProcessId = process.Id;
            _input = new BufferedStream(process.StandardInput.BaseStream, 1 << 16);
            _output = new BufferedStream(process.StandardOutput.BaseStream, 1 << 16);
            // OpenJPEG's assertion text arrives here; the last lines go into the crash message.
            process.ErrorDataReceived += (_, line) =>
            {
                if (line.Data is null) return;
                lock (_errorLines)
                {
                    _errorLines.Enqueue(line.Data);
                    while (_errorLines.Count > KeptErrorLines) _errorLines.Dequeue();
                }
            };
            process.BeginErrorReadLine();
        }

        public int ProcessId { get; }

        public bool HasExited => _process.HasExited;

        public void Send(FrameGeometry geometry, int threads, ReadOnlySpan<byte> encoded) =>
            OpenJpegWorkerProtocol.WriteRequest(_input, geometry, threads, encoded);

        public (int Status, string Text) Receive(Span<byte> destination) => OpenJpegWorkerProtocol.ReadReply(_output, destination);

        /// <summary>Kills a worker that does not answer in time; the pending read then ends.</summary>
        public void Abandon()
        {
            Volatile.Write(ref _abandoned, true);
            TryKill();
        }

        private bool _abandoned;

        /// <summary>How the worker ended, for the crash message: its exit (a signal on Unix) and its last words.</summary>
        public string DescribeEnd()
        {
            string exit;
            if (Volatile.Read(ref _abandoned))
            {
                _process.WaitForExit(5000);
                return "the decoder process did not answer in time and was stopped";
            }
            if (_process.WaitForExit(5000))
            {
                _process.WaitForExit(); // the error output is read to its end
                int code = _process.ExitCode;
                exit = !OperatingSystem.IsWindows() && code > 128 ? $"the decoder process was ended by signal {code - 128}" : $"the decoder process exited with code {code}";
            }
            else
            {
                exit = "the decoder process stopped answering";
                TryKill();
            }
            string? lastWords;
            lock (_errorLines) lastWords = _errorLines.LastOrDefault(l => l.Contains("Assertion", StringComparison.Ordinal)) ?? _errorLines.LastOrDefault();
            return string.IsNullOrWhiteSpace(lastWords) ? exit : $"{exit}: {Shorten(lastWords.Trim())}";
        }

        /// <summary>"dotnet: ./src/lib/openjp2/ht_dec.c:319: mel_init: Assertion ..." -> "ht_dec.c:319: mel_init: Assertion ...".</summary>
        private static string Shorten(string line)
        {
            int source = line.IndexOf(".c:", StringComparison.Ordinal);
            if (source > 0)
            {
                int start = line.LastIndexOfAny(PathSeparators, source) + 1;
                line = line[start..];
            }
            return line.Length > 300 ? line[..300] + "..." : line;
        }

        private void TryKill()
        {
            try
            {
                _process.Kill();
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // Already gone, or not ours to kill any more.
            }
        }

        /// <summary>Closing its input ends the worker; one that misbehaved is killed as well.</summary>
        public void Dispose()
        {
            try
            {
                _input.Dispose();
            }
            catch (IOException)
            {
                // The pipe is already broken: the process is gone.
            }
            _process.Dispose();
        }
    }
}
