using System.Diagnostics;
using DicomTools.Codecs;
using DicomTools.Codecs.Jpeg2000;
using DicomTools.Codecs.Native;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// HTJ2K frames are decoded in a worker process, because Debian's OpenJPEG 2.5.0 aborts its process on some damaged
/// HT code-blocks. The damaged fixtures (tests/fixtures/jpeg2000/make_damaged_htj2k.py) are shown to abort
/// opj_decompress (the reference), then to be a per-frame error here while this process goes on decoding.
/// </summary>
public sealed class OpenJpegWorkerTests
{
    private static readonly string[] DamagedFixtures = { "damaged-htj2k-mel-a.dcm", "damaged-htj2k-mel-b.dcm" };

    private static void RequireOpenJpeg() => ReferenceTools.RequireNativeLibrary(NativeLibraries.OpenJpeg);

    /// <summary>Independent truth that the fixtures are what they claim: OpenJPEG's own tool dies on them by SIGABRT.</summary>
    [SkippableTheory]
    [InlineData("damaged-htj2k-mel-a.dcm")]
    [InlineData("damaged-htj2k-mel-b.dcm")]
    public void Damaged_fixtures_abort_opj_decompress(string name)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the exit status of a signal is checked on Linux");
        ReferenceTools.RequireTool("opj_decompress");
        var frame = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", name)).Frames[0];
        var folder = Directory.CreateTempSubdirectory("dicomtools-abort-");
        try
        {
            var input = Path.Combine(folder.FullName, "frame.j2k");
            File.WriteAllBytes(input, frame);
            var start = new ProcessStartInfo("opj_decompress") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-i", input, "-o", Path.Combine(folder.FullName, "frame.ppm") }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 128 + 6, $"{name}: opj_decompress exited with {process.ExitCode}, not SIGABRT; stderr: {error.Result}");
            Assert.Contains("mel_init", error.Result, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public void A_frame_that_aborts_OpenJPEG_is_a_crash_error_and_the_next_frames_decode_in_new_workers()
    {
        RequireOpenJpeg();
        var crashed = new List<int>();
        foreach (var name in DamagedFixtures)
        {
            var reader = PixelDataReader.Open(CodecTestFiles.Fixture("jpeg2000", name));
            var error = Assert.Throws<CodecException>(() => reader.ReadFrame(0));
            Assert.Equal(CodecException.DecoderCrashedId, error.ErrorId);
            Assert.Contains("OpenJPEG crashed on damaged data", error.Message, StringComparison.Ordinal);
            Assert.StartsWith("frame 0: ", error.Message, StringComparison.Ordinal);
            if (OperatingSystem.IsLinux()) Assert.Contains("signal 6", error.Message, StringComparison.Ordinal);
            crashed.Add(Assert.IsType<int>(error.InnerException?.Data[OpenJpegWorkerPool.CrashedProcessIdKey] ?? error.Data[OpenJpegWorkerPool.CrashedProcessIdKey]));
        }
        Assert.Equal(crashed.Count, crashed.Distinct().Count());
        foreach (var id in crashed) Assert.False(IsRunning(id), $"crashed worker {id} is still running");

        // The same file undamaged still decodes to the encoder's input, in a worker started after the crashes.
        var frame = PixelDataReader.Open(CodecTestFiles.Fixture("jpeg2000", "rgb8.htj2k.dcm")).ReadFrame(0);
        var source = PixelDataReader.Open(CodecTestFiles.Fixture("jpeg2000", "rgb8.source.dcm")).ReadFrame(0);
        Assert.Equal(Assert.IsType<byte[]>(source.Pixels), Assert.IsType<byte[]>(frame.Pixels));
        Assert.All(OpenJpegWorkerPool.IdleWorkerIds(), id => Assert.DoesNotContain(id, crashed));
    }

    [SkippableFact]
    public void Valid_htj2k_frames_decode_in_a_worker_process()
    {
        RequireOpenJpeg();
        var frame = PixelDataReader.Open(CodecTestFiles.Fixture("jpeg2000", "u12.htj2k.dcm")).ReadFrame(0);
        Assert.NotNull(frame.Pixels);
        Assert.True(OpenJpegWorkerPool.WorkersStarted > 0, "no worker process was started for an HTJ2K frame");
        Assert.All(OpenJpegWorkerPool.IdleWorkerIds(), id => Assert.NotEqual(Environment.ProcessId, id));
    }

    /// <summary>What goes to the worker is decided by the codestream's own headers, not the transfer syntax.</summary>
    [Fact]
    public void Only_codestreams_that_may_use_HT_code_blocks_go_to_the_worker()
    {
        var folder = Path.GetDirectoryName(CodecTestFiles.Fixture("jpeg2000", "u8.j2k.dcm"))!;
        var htj2k = Directory.GetFiles(folder, "*.htj2k.dcm");
        var classic = Directory.GetFiles(folder, "*.j2k.dcm");
        Assert.NotEmpty(htj2k);
        Assert.NotEmpty(classic);
        foreach (var file in htj2k)
            Assert.True(J2kMainHeader.MayUseHighThroughput(CodecTestFiles.Read(file).Frames[0]), $"{Path.GetFileName(file)} would be decoded in this process");
        foreach (var file in classic)
            Assert.False(J2kMainHeader.MayUseHighThroughput(CodecTestFiles.Read(file).Frames[0]), $"{Path.GetFileName(file)} would go to the worker");

        // A classic codestream whose COD asks for HT code-blocks (style bit 6) goes to the worker, whatever its syntax.
        var codestream = CodecTestFiles.Read(Path.Combine(folder, "u8.j2k.dcm")).Frames[0];
        int cod = IndexOfMarker(codestream, 0x52);
        var marked = (byte[])codestream.Clone();
        marked[cod + 12] |= 0x40;
        Assert.True(J2kMainHeader.MayUseHighThroughput(marked));
        // Headers that cannot be walked count as "may".
        Assert.True(J2kMainHeader.MayUseHighThroughput(codestream.AsSpan(0, cod + 6)));
        Assert.True(J2kMainHeader.MayUseHighThroughput(new byte[] { 0x12, 0x34, 0x56, 0x78 }));
        Assert.True(J2kMainHeader.MayUseHighThroughput(ReadOnlySpan<byte>.Empty));
    }

    /// <summary>The worker's loop, run here on memory streams: it answers a request as the decoder would, and ends
    /// cleanly when its input ends (which is how a worker notices that its parent is gone).</summary>
    [SkippableFact]
    public void The_worker_answers_requests_and_ends_at_the_end_of_its_input()
    {
        RequireOpenJpeg();
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", "u8.htj2k.dcm"));
        var requests = new MemoryStream();
        OpenJpegWorkerProtocol.WriteRequest(requests, encoded.Geometry, 1, encoded.Frames[0]);
        OpenJpegWorkerProtocol.WriteRequest(requests, encoded.Geometry, 1, encoded.Frames[0].AsSpan(0, 40));
        requests.Position = 0;
        var replies = new MemoryStream();

        Assert.Equal(0, OpenJpegWorkerProgram.Run(requests, replies));

        replies.Position = 0;
        var frame = new byte[encoded.Geometry.FrameByteLength];
        var first = OpenJpegWorkerProtocol.ReadReply(replies, frame);
        Assert.Equal((OpenJpegWorkerProtocol.StatusDecoded, "MONOCHROME2"), first);
        var expected = new byte[frame.Length];
        new Jpeg2000Decoder().DecodeInThisProcess(encoded.Frames[0], encoded.Geometry, expected, 1);
        Assert.Equal(expected, frame);
        var second = OpenJpegWorkerProtocol.ReadReply(replies, frame);
        Assert.Equal(OpenJpegWorkerProtocol.StatusCodecError, second.Status);
        Assert.Contains("JPEG 2000", second.Text, StringComparison.Ordinal);
        Assert.Equal(replies.Length, replies.Position);
    }

    /// <summary>
    /// The way a self-contained pwsh (no dotnet host) starts the worker: pwsh loads DicomTools.dll and runs its entry
    /// point. Here with the tool manifest's pwsh (dotnet pwsh.dll); skipped when that package is not restored.
    /// </summary>
    [SkippableFact]
    public void A_worker_started_through_pwsh_decodes_as_this_process_does()
    {
        RequireOpenJpeg();
        var pwsh = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages", "powershell", "7.6.9",
            "tools", "net10.0", "any", OperatingSystem.IsWindows() ? "win" : "unix", "pwsh.dll");
        Skip.IfNot(File.Exists(pwsh), $"pwsh from the tool manifest is not restored ({pwsh}): dotnet tool restore");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : Environment.ProcessPath!;
        var command = OpenJpegWorkerPool.ThroughPwsh(new[] { dotnet, pwsh }, typeof(OpenJpegWorkerProgram).Assembly.Location);
        var start = new ProcessStartInfo(command[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", "u12.htj2k.dcm"));

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        OpenJpegWorkerProtocol.WriteRequest(process.StandardInput.BaseStream, encoded.Geometry, 1, encoded.Frames[0]);
        var frame = new byte[encoded.Geometry.FrameByteLength];
        var reply = OpenJpegWorkerProtocol.ReadReply(process.StandardOutput.BaseStream, frame);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(60_000), "the pwsh worker did not exit when its input closed");

        Assert.True(reply.Status == OpenJpegWorkerProtocol.StatusDecoded, $"pwsh worker: {reply.Text}; stderr: {errors.Result}");
        var expected = new byte[frame.Length];
        new Jpeg2000Decoder().DecodeInThisProcess(encoded.Frames[0], encoded.Geometry, expected, 1);
        Assert.Equal(expected, frame);
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>Ctrl+C in a terminal signals the whole process group: a worker must outlive it (the pipeline stops
    /// in the session, which keeps its workers), and still end when its input closes.</summary>
    [SkippableFact]
    public void A_worker_ignores_ctrl_c_and_ends_when_its_input_closes()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is sent with kill(1)");
        RequireOpenJpeg();
        var command = OpenJpegWorkerPool.WorkerCommand;
        var start = new ProcessStartInfo(command[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
        var encoded = CodecTestFiles.Read(CodecTestFiles.Fixture("jpeg2000", "u8.htj2k.dcm"));
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var frame = new byte[encoded.Geometry.FrameByteLength];
        // One frame first, so the worker has installed its signal handling before it is signalled.
        OpenJpegWorkerProtocol.WriteRequest(process.StandardInput.BaseStream, encoded.Geometry, 1, encoded.Frames[0]);
        Assert.Equal(OpenJpegWorkerProtocol.StatusDecoded, OpenJpegWorkerProtocol.ReadReply(process.StandardOutput.BaseStream, frame).Status);

        using (var kill = Process.Start("kill", new[] { "-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) })) kill.WaitForExit();
        Assert.False(process.WaitForExit(1000), "the worker ended on SIGINT");
        OpenJpegWorkerProtocol.WriteRequest(process.StandardInput.BaseStream, encoded.Geometry, 1, encoded.Frames[0]);
        Assert.Equal(OpenJpegWorkerProtocol.StatusDecoded, OpenJpegWorkerProtocol.ReadReply(process.StandardOutput.BaseStream, frame).Status);

        process.StandardInput.Close();
        Assert.True(process.WaitForExit(30_000), "the worker did not end when its input closed");
        Assert.Equal(0, process.ExitCode);
    }

    private static int IndexOfMarker(byte[] codestream, byte marker)
    {
        for (int i = 0; i + 1 < codestream.Length; i++)
            if (codestream[i] == 0xFF && codestream[i + 1] == marker) return i;
        throw new InvalidOperationException($"marker FF{marker:X2} not found");
    }

    private static bool IsRunning(int id)
    {
        try
        {
            using var process = Process.GetProcessById(id);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
