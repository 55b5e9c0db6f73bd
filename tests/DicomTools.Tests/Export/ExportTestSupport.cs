using System.Buffers.Binary;
using System.Diagnostics;
using DicomTools.Imaging;
using Xunit;

namespace DicomTools.Tests.Export;

/// <summary>
/// Independent readers for what the export tests check: PNG IHDR, JPEG SOF and TIFF IFD fields parsed straight from
/// the bytes (by the format specifications, not through ImageSharp), and a decode by Python's PIL, a different
/// implementation from the one that wrote the file.
/// </summary>
internal static class ExportTestSupport
{
    public static DicomDisplayImage Grey(int width, int height, byte[] pixels) => new()
    {
        Path = "/data/test.dcm", Frame = 0, NumberOfFrames = 1, Width = width, Height = height, IsColor = false, Pixels = pixels,
    };

    public static DicomDisplayImage Rgb(int width, int height, byte[] pixels) => new()
    {
        Path = "/data/test.dcm", Frame = 0, NumberOfFrames = 1, Width = width, Height = height, IsColor = true, Pixels = pixels,
    };

    /// <summary>Every byte value at least once (a ramp), then seeded noise, so no value and no difference is missed.</summary>
    public static byte[] Bytes8(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        for (int i = 0; i < Math.Min(256, count); i++)
            bytes[i] = (byte)i;
        return bytes;
    }

    /// <summary>0, 65535, neighbours that wrap modulo 2^16 under the TIFF predictor, then seeded noise.</summary>
    public static ushort[] Samples16(int count, int seed)
    {
        var random = new Random(seed);
        var samples = new ushort[count];
        for (int i = 0; i < count; i++)
            samples[i] = (ushort)random.Next(0, 65536);
        ushort[] edges = { 0, 65535, 0, 1, 65534, 65535, 32768, 255, 256, 0 };
        edges.AsSpan(0, Math.Min(edges.Length, count)).CopyTo(samples);
        return samples;
    }

    /// <summary>A smooth image (what JPEG is for): its error after lossy coding stays small.</summary>
    public static byte[] SmoothGrey(int width, int height)
    {
        var pixels = new byte[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                pixels[y * width + x] = (byte)(128 + 100 * Math.Sin(x / 9.0) * Math.Cos(y / 13.0));
        return pixels;
    }

    public readonly record struct PngHeader(int Width, int Height, byte BitDepth, byte ColorType);

    /// <summary>Reads IHDR (PNG spec 11.2.2): 8-byte signature, then length, "IHDR", width, height, bit depth, colour type.</summary>
    public static PngHeader ReadPngHeader(byte[] png)
    {
        byte[] signature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
        Assert.True(png.AsSpan(0, 8).SequenceEqual(signature), "not a PNG signature");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return new PngHeader(
            BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)),
            BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)),
            png[24], png[25]);
    }

    /// <summary>Names of the PNG chunks in file order.</summary>
    public static List<string> PngChunkTypes(byte[] png)
    {
        var types = new List<string>();
        int at = 8;
        while (at + 8 <= png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            types.Add(System.Text.Encoding.ASCII.GetString(png, at + 4, 4));
            at += 12 + length;
        }
        return types;
    }

    /// <summary>Component count and precision from the first SOFn frame header (ITU T.81 B.2.2).</summary>
    public static (int Components, int Precision, int Width, int Height) ReadJpegFrameHeader(byte[] jpeg)
    {
        Assert.True(jpeg[0] == 0xFF && jpeg[1] == 0xD8, "no SOI");
        int at = 2;
        while (at + 4 <= jpeg.Length)
        {
            Assert.Equal(0xFF, jpeg[at]);
            byte marker = jpeg[at + 1];
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
            bool isStartOfFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isStartOfFrame)
                return (jpeg[at + 9], jpeg[at + 4],
                    BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 7)),
                    BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 5)));
            at += 2 + length;
        }
        throw new Xunit.Sdk.XunitException("no SOF marker found");
    }

    /// <summary>Tag -> first value of the first IFD of a TIFF (TIFF 6.0 section 2), SHORT or LONG values only.</summary>
    public static Dictionary<int, uint> ReadTiffTags(byte[] tiff)
    {
        bool little = tiff[0] == 'I' && tiff[1] == 'I';
        Assert.True(little || (tiff[0] == 'M' && tiff[1] == 'M'), "not a TIFF byte-order mark");
        ushort U16(int at) => little ? BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(at)) : BinaryPrimitives.ReadUInt16BigEndian(tiff.AsSpan(at));
        uint U32(int at) => little ? BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(at)) : BinaryPrimitives.ReadUInt32BigEndian(tiff.AsSpan(at));
        Assert.Equal(42, U16(2));
        int ifd = (int)U32(4);
        int count = U16(ifd);
        var tags = new Dictionary<int, uint>();
        int previousTag = -1;
        for (int i = 0; i < count; i++)
        {
            int entry = ifd + 2 + 12 * i;
            int tag = U16(entry);
            Assert.True(tag > previousTag, $"IFD entries not in ascending tag order: {tag} after {previousTag}");
            previousTag = tag;
            int type = U16(entry + 2);
            uint valueCount = U32(entry + 4);
            int valueAt = entry + 8;
            if (type == 3)
            {
                if (valueCount > 2)
                    valueAt = (int)U32(entry + 8);
                tags[tag] = U16(valueAt);
            }
            else if (type == 4)
            {
                if (valueCount > 1)
                    valueAt = (int)U32(entry + 8);
                tags[tag] = U32(valueAt);
            }
        }
        Assert.True(U32(ifd + 2 + 12 * count) == 0, "the next-IFD offset after the only IFD is not 0");
        return tags;
    }

    /// <summary>
    /// Decodes an image file with PIL and returns its mode and its samples (uint8 or uint16 as stored), with the
    /// array shape. Skips the test only when Python, PIL or numpy is not installed.
    /// </summary>
    public static (string Mode, int[] Shape, ushort[] Samples) DecodeWithPil(byte[] file, string extension, string? convertTo = null)
    {
        ReferenceTools.RequirePython("numpy", "PIL");
        string directory = Directory.CreateTempSubdirectory("dicomtools-pil-").FullName;
        try
        {
            string input = Path.Combine(directory, "image" + extension);
            string output = Path.Combine(directory, "samples.u16");
            File.WriteAllBytes(input, file);
            string script =
                "import sys, numpy as np\n" +
                "from PIL import Image\n" +
                "im = Image.open(sys.argv[1])\n" +
                (convertTo is null ? "" : $"im = im.convert('{convertTo}')\n") +
                "a = np.array(im)\n" +
                "a.astype('<u2').tofile(sys.argv[2])\n" +
                "print(im.mode + ' ' + ' '.join(str(n) for n in a.shape))\n";
            string stdout = RunPython(script, input, output);
            string[] words = stdout.Trim().Split(' ');
            byte[] raw = File.ReadAllBytes(output);
            var samples = new ushort[raw.Length / 2];
            for (int i = 0; i < samples.Length; i++)
                samples[i] = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(2 * i));
            return (words[0], words.Skip(1).Select(int.Parse).ToArray(), samples);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string RunPython(string script, params string[] arguments) =>
        ReferenceTools.Run(ReferenceTools.Python, new[] { "-c", script }.Concat(arguments));

    /// <summary>Runs <paramref name="action"/> and fails (instead of hanging the test run) if it deadlocks.</summary>
    public static T FinishesWithoutDeadlock<T>(Func<T> action, string what)
    {
        Task<T> task = Task.Factory.StartNew(action, TaskCreationOptions.LongRunning);
        Assert.True(task.Wait(TimeSpan.FromSeconds(60)), $"{what} did not finish within 60 s: deadlock");
        return task.Result;
    }

    public static void FinishesWithoutDeadlock(Action action, string what) =>
        FinishesWithoutDeadlock(() => { action(); return 0; }, what);
}
