using System.Reflection.PortableExecutable;
using DicomTools;
using DicomTools.Export;
using DicomTools.Imaging;
using DicomTools.Pixels;

// Usage: Net8Check <DICOM file> <output folder>. Renders the file's first frame with the default window, writes it
// as PNG (our writer, deflate level 5) and JPEG (ImageSharp), and prints KEY=value lines for the test to check.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Net8Check <DICOM file> <output folder>");
    return 2;
}

var assembly = typeof(DicomInfo).Assembly;
Console.WriteLine($"RUNTIME={Environment.Version}");
Console.WriteLine($"LOCATION={assembly.Location}");
using (var image = File.OpenRead(assembly.Location))
using (var pe = new PEReader(image))
    Console.WriteLine($"READYTORUN={pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0}");
Console.WriteLine($"EXACTLEVELS={ZLibLevels.HasExactLevels}");

long before = System.Runtime.JitInfo.GetCompiledMethodCount();
var frame = PixelDataReader.Open(args[0]).ReadFrame(0);
var display = DisplayRenderer.Render(frame, new DisplaySettings());
foreach (var (format, extension) in new[] { (ImageFormat.Png, "png"), (ImageFormat.Jpeg, "jpg") })
{
    using var output = File.Create(Path.Combine(args[1], $"net8.{extension}"));
    DisplayImageEncoder.Encode(display, output, format);
}
Console.WriteLine($"JITTED={System.Runtime.JitInfo.GetCompiledMethodCount() - before}");
Console.WriteLine($"PIXELS={Convert.ToBase64String(display.Pixels)}");
return 0;
