using System.Diagnostics;
using System.Management.Automation;
using System.Text;
using DicomTools.Export;

namespace DicomTools.Commands;

/// <summary>
/// What the host's terminal is and can do, for Show-DicomImage: whether it is interactive, its window size, and (only
/// when interactive) its answers to a device-attributes query (Sixel support) and a cell-size query. The decisions
/// on what the answers mean are the core's (<see cref="TerminalDetection"/>).
/// </summary>
internal sealed class TerminalHost
{
    /// <summary>How long a query waits for the terminal: terminals answer within a few milliseconds; one that does
    /// not answer at all must not stall the command.</summary>
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromMilliseconds(300);

    private readonly PSCmdlet _cmdlet;

    private TerminalHost(PSCmdlet cmdlet, bool interactive)
    {
        _cmdlet = cmdlet;
        Interactive = interactive;
    }

    public bool Interactive { get; }

    public static TerminalHost Probe(PSCmdlet cmdlet)
    {
        bool interactive;
        try
        {
            interactive = cmdlet.Host.Name == "ConsoleHost" && !Console.IsInputRedirected && !Console.IsOutputRedirected
                && Environment.UserInteractive && !Environment.GetCommandLineArgs().Any(a => a.Equals("-NonInteractive", StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or PlatformNotSupportedException)
        {
            interactive = false;
        }
        return new TerminalHost(cmdlet, interactive);
    }

    /// <summary>The environment's answer; else Sixel when the terminal reports it; else Blocks.</summary>
    public TerminalProtocol DetectProtocol()
    {
        if (TerminalDetection.FromEnvironment(Environment.GetEnvironmentVariable) is { } named) return named;
        if (Interactive && TerminalDetection.ReportsSixel(Ask("\u001b[c", 'c'))) return TerminalProtocol.Sixel;
        return TerminalProtocol.Blocks;
    }

    /// <summary>The terminal's cell size when it reports one (CSI 16 t), else the documented default.</summary>
    public CellSize CellSize() =>
        Interactive && TerminalDetection.ParseCellSize(Ask("\u001b[16t", 't')) is { } size ? size : Export.CellSize.Default;

    /// <summary>Window columns and rows from the host; 80 x 0 (rows unknown) when it has none.</summary>
    public (int Columns, int Rows) WindowSize()
    {
        try
        {
            var size = _cmdlet.Host.UI.RawUI.WindowSize;
            if (size.Width > 0) return (size.Width, Math.Max(0, size.Height));
        }
        catch (Exception e) when (e is NotImplementedException or NotSupportedException or IOException or InvalidOperationException or System.Management.Automation.Host.HostException)
        {
            // Hosts without a raw UI (remoting, some editors): fall through to the default.
        }
        return (80, 0);
    }

    /// <summary>Writes a query to the terminal and collects its reply up to <paramref name="terminator"/>, or what
    /// arrived before the timeout.</summary>
    private static string Ask(string query, char terminator)
    {
        // The reply arrives as input: with the terminal in its usual line mode it would be echoed on the screen
        // before we read it, so echo and line buffering are off while we wait (stty, on Unix; Windows consoles
        // deliver replies as input without echoing them).
        string? saved = OperatingSystem.IsWindows() ? null : Stty("-g");
        if (saved is not null) Stty("-echo -icanon min 0 time 0");
        try
        {
            Console.Out.Write(query);
            Console.Out.Flush();
            var reply = new StringBuilder();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < QueryTimeout)
            {
                if (!Console.KeyAvailable)
                {
                    Thread.Sleep(5);
                    continue;
                }
                var key = Console.ReadKey(intercept: true);
                if (key.KeyChar == '\0') continue;
                reply.Append(key.KeyChar);
                if (key.KeyChar == terminator && reply.Length > 2) break;
            }
            return reply.ToString();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            return "";
        }
        finally
        {
            if (saved is not null) Stty(saved.Trim());
        }
    }

    /// <summary>Runs stty on the terminal (inherited standard input); its output, or null when it cannot run.</summary>
    private static string? Stty(string arguments)
    {
        const string Program = "/bin/stty";
        if (!File.Exists(Program)) return null;
        try
        {
            var start = new ProcessStartInfo(Program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)) start.ArgumentList.Add(argument);
            using var process = Process.Start(start);
            if (process is null) return null;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit(2000);
            return process.ExitCode == 0 ? output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return null;
        }
    }
}
