using System.Runtime.InteropServices;

namespace DicomTools.Codecs.Jpeg2000;

/// <summary>
/// The entry point of DicomTools.dll, which exists only to run the OpenJPEG worker: a process that decodes the
/// JPEG 2000 frames OpenJPEG might abort on (<see cref="OpenJpegWorkerPool"/>) so that an assertion in the library
/// ends this process, not the user's PowerShell. Started as `dotnet exec DicomTools.dll --openjpeg-worker` (or
/// through pwsh); it answers requests from its standard input until that ends, which is also how it notices that
/// its parent has gone.
/// </summary>
internal static class OpenJpegWorkerProgram
{
    public const string WorkerArgument = "--openjpeg-worker";

    internal static int Main(string[] args)
    {
        if (args.Length != 1 || args[0] != WorkerArgument)
        {
            Console.Error.WriteLine($"DicomTools.dll is a PowerShell module (Import-Module DicomTools); run as a program it only serves as its own JPEG 2000 worker ({WorkerArgument}).");
            return 2;
        }
        // Buffered both ways: a request or reply is then one or two system calls, not one per field.
        using var input = new BufferedStream(Console.OpenStandardInput(), 1 << 16);
        using var output = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
        return Run(input, output);
    }

    /// <summary>Serves requests until <paramref name="input"/> ends; 0 then, 1 when the requests stop making sense.</summary>
    internal static int Run(Stream input, Stream output)
    {
        // Ctrl+C in a terminal reaches the whole process group: the user stopping a pipeline must not kill the
        // session's worker (the pipeline stops in the parent; the worker exits when the parent closes its input).
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
        using var quit = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGQUIT, context => context.Cancel = true);
        var decoder = new Jpeg2000Decoder();
        var encoded = Array.Empty<byte>();
        var frame = Array.Empty<byte>();
        try
        {
            while (OpenJpegWorkerProtocol.TryReadRequest(input, ref encoded, out var geometry, out int threads, out int encodedLength))
            {
                long length = geometry.FrameByteLength;
                if (length < 0 || length > Array.MaxLength)
                {
                    OpenJpegWorkerProtocol.WriteReply(output, OpenJpegWorkerProtocol.StatusCodecError, $"a frame of {length} bytes cannot be decoded", default);
                    continue;
                }
                if (frame.Length < length) frame = new byte[length];
                var destination = frame.AsSpan(0, (int)length);
                try
                {
                    var photometric = decoder.DecodeInThisProcess(encoded.AsSpan(0, encodedLength), geometry, destination, threads);
                    OpenJpegWorkerProtocol.WriteReply(output, OpenJpegWorkerProtocol.StatusDecoded, photometric, destination);
                }
                catch (CodecException e)
                {
                    OpenJpegWorkerProtocol.WriteReply(output, OpenJpegWorkerProtocol.StatusCodecError, e.Message, default);
                }
                // A large frame's buffers are not kept for the rest of the session.
                if (frame.Length > 64 * 1024 * 1024) frame = Array.Empty<byte>();
                if (encoded.Length > 64 * 1024 * 1024) encoded = Array.Empty<byte>();
            }
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // The parent went away mid-message, or the stream is out of step: nothing left to serve.
            Console.Error.WriteLine($"OpenJPEG worker: {e.Message}");
            return 1;
        }
    }
}
