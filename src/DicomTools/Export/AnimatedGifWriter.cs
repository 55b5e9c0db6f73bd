using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;

namespace DicomTools.Export;

/// <summary>
/// Animated GIF written frame by frame: ImageSharp's GIF encoder compresses each frame on its own (palette and
/// LZW), and its image block is copied into one file behind our own header, looping extension and per-frame delay
/// (Graphic Control Extension), each frame with its palette as a local colour table. So frames stream through
/// without ImageSharp holding the whole animation. Grey frames use a fixed palette of the 256 greys, without
/// dithering and with an exact lookup (ImageSharp's own palette quantiser matches colours through a reduced-precision
/// cache and merged neighbouring greys), so grey values come back exactly; colour frames use ImageSharp's Wu quantiser.
/// </summary>
public sealed class AnimatedGifWriter : IAnimationWriter
{
    private static readonly ExactGreyQuantizer GreyQuantizer = new();

    private readonly Stream _output;
    private readonly int _width, _height, _channels;
    private readonly bool _animated;
    private bool _finished;

    /// <param name="loops">Times to repeat; 0 loops for ever.</param>
    /// <param name="animated">False for a still image: no looping extension and no frame delay.</param>
    public AnimatedGifWriter(Stream output, int width, int height, int channels, int loops = 0, bool animated = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (width <= 0 || height <= 0 || width > ushort.MaxValue || height > ushort.MaxValue)
            throw new ArgumentException($"Image size {width}x{height} does not fit a GIF.");
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "1 (grey) or 3 (RGB).");
        (_output, _width, _height, _channels, _animated) = (output, width, height, channels, animated);

        Span<byte> header = stackalloc byte[13];
        "GIF89a"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], (ushort)height);
        header[10] = 0; // no global colour table: every frame brings its own
        header[11] = 0;
        header[12] = 0;
        output.Write(header);
        if (!animated) return;
        // NETSCAPE2.0 application extension: loop count.
        Span<byte> loop = stackalloc byte[19];
        loop[0] = 0x21; loop[1] = 0xFF; loop[2] = 11;
        "NETSCAPE2.0"u8.CopyTo(loop[3..]);
        loop[14] = 3; loop[15] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(loop[16..], (ushort)Math.Clamp(loops, 0, ushort.MaxValue));
        loop[18] = 0;
        output.Write(loop);
    }

    public int FramesWritten { get; private set; }

    /// <summary>Adds one frame shown for <paramref name="delayMilliseconds"/> (GIF counts in hundredths of a second).</summary>
    public void AddFrame(ReadOnlySpan<byte> pixels, double delayMilliseconds)
    {
        if (_finished) throw new InvalidOperationException("The animation is finished.");
        if (pixels.Length != (long)_width * _height * _channels)
            throw new ArgumentException($"{pixels.Length} bytes for a {_width}x{_height}x{_channels} frame.");

        using var single = new MemoryStream();
        if (_channels == 1)
        {
            using var image = Image.LoadPixelData<L8>(pixels, _width, _height);
            image.SaveAsGif(single, new GifEncoder { Quantizer = GreyQuantizer, ColorTableMode = GifColorTableMode.Global });
        }
        else
        {
            using var image = Image.LoadPixelData<Rgb24>(pixels, _width, _height);
            image.SaveAsGif(single, new GifEncoder { ColorTableMode = GifColorTableMode.Global });
        }

        Span<byte> control = stackalloc byte[8];
        control[0] = 0x21; control[1] = 0xF9; control[2] = 4;
        control[3] = 1 << 2; // disposal 1: leave in place (every frame covers the canvas)
        BinaryPrimitives.WriteUInt16LittleEndian(control[4..], (ushort)Math.Clamp(Math.Round(delayMilliseconds / 10), 1, ushort.MaxValue));
        control[6] = 0; control[7] = 0;
        if (_animated) _output.Write(control);
        CopyImageBlock(single.GetBuffer().AsSpan(0, (int)single.Length), _output);
        FramesWritten++;
    }

    /// <summary>Writes the trailer.</summary>
    public void Finish()
    {
        if (_finished) return;
        if (FramesWritten == 0) throw new InvalidOperationException("An animation needs at least one frame.");
        _output.WriteByte(0x3B);
        _finished = true;
    }

    /// <summary>
    /// Copies the first image of a one-frame GIF (descriptor, colour table, LZW data) to <paramref name="output"/>,
    /// turning the file's global colour table into the frame's local one. Extensions are skipped: the delay and
    /// looping are ours.
    /// </summary>
    private static void CopyImageBlock(ReadOnlySpan<byte> gif, Stream output)
    {
        if (gif.Length < 13 || !gif[..6].SequenceEqual("GIF89a"u8) && !gif[..6].SequenceEqual("GIF87a"u8))
            throw new InvalidOperationException("The GIF encoder wrote no GIF header.");
        byte screen = gif[10];
        int at = 13;
        ReadOnlySpan<byte> globalTable = default;
        int globalBits = 0;
        if ((screen & 0x80) != 0)
        {
            globalBits = screen & 7;
            int size = 3 << (globalBits + 1);
            globalTable = gif.Slice(at, size);
            at += size;
        }
        while (at < gif.Length)
        {
            byte introducer = gif[at];
            if (introducer == 0x21)
            {
                at += 2; // introducer, label
                at = SkipSubBlocks(gif, at);
                continue;
            }
            if (introducer != 0x2C) break;
            var descriptor = gif.Slice(at, 10).ToArray();
            at += 10;
            byte packed = descriptor[9];
            ReadOnlySpan<byte> table;
            if ((packed & 0x80) != 0)
            {
                int size = 3 << ((packed & 7) + 1);
                table = gif.Slice(at, size);
                at += size;
            }
            else
            {
                if (globalTable.IsEmpty) throw new InvalidOperationException("The GIF encoder wrote a frame without a colour table.");
                table = globalTable;
                descriptor[9] = (byte)((packed & 0x40) | 0x80 | globalBits); // keep interlace, local table of the global's size
            }
            int dataStart = at;
            at = SkipSubBlocks(gif, at + 1); // LZW minimum code size, then data sub-blocks
            output.Write(descriptor);
            output.Write(table);
            output.Write(gif[dataStart..at]);
            return;
        }
        throw new InvalidOperationException("The GIF encoder wrote no image.");
    }

    /// <summary>The offset after the sub-blocks starting at <paramref name="at"/> and their zero terminator.</summary>
    private static int SkipSubBlocks(ReadOnlySpan<byte> gif, int at)
    {
        while (at < gif.Length && gif[at] != 0) at += gif[at] + 1;
        return at + 1;
    }
}

/// <summary>
/// Quantises grey pixels to the palette of the 256 greys by their value alone (index = grey level), so a grey GIF
/// keeps every level. ImageSharp's <see cref="PaletteQuantizer"/> finds the closest palette entry through a cache
/// keyed on reduced-precision colours, which maps neighbouring greys to one entry.
/// </summary>
internal sealed class ExactGreyQuantizer : IQuantizer
{
    public QuantizerOptions Options { get; } = new() { Dither = null, MaxColors = 256 };

    public IQuantizer<TPixel> CreatePixelSpecificQuantizer<TPixel>(Configuration configuration)
        where TPixel : unmanaged, IPixel<TPixel> => CreatePixelSpecificQuantizer<TPixel>(configuration, Options);

    public IQuantizer<TPixel> CreatePixelSpecificQuantizer<TPixel>(Configuration configuration, QuantizerOptions options)
        where TPixel : unmanaged, IPixel<TPixel> => new Frame<TPixel>(configuration, options);

    private struct Frame<TPixel> : IQuantizer<TPixel> where TPixel : unmanaged, IPixel<TPixel>
    {
        private readonly TPixel[] _palette;

        public Frame(Configuration configuration, QuantizerOptions options)
        {
            Configuration = configuration;
            Options = options;
            _palette = new TPixel[256];
            for (int v = 0; v < 256; v++) _palette[v].FromL8(new L8((byte)v));
        }

        public Configuration Configuration { get; }
        public QuantizerOptions Options { get; }
        public ReadOnlyMemory<TPixel> Palette => _palette;

        public void AddPaletteColors(SixLabors.ImageSharp.Memory.Buffer2DRegion<TPixel> pixelRegion)
        {
            // The palette is fixed: every grey level.
        }

        public IndexedImageFrame<TPixel> QuantizeFrame(ImageFrame<TPixel> source, Rectangle bounds)
        {
            var self = this;
            return QuantizerUtilities.QuantizeFrame(ref self, source, bounds);
        }

        public byte GetQuantizedColor(TPixel color, out TPixel match)
        {
            L8 grey = default;
            grey.FromScaledVector4(color.ToScaledVector4());
            match = _palette[grey.PackedValue];
            return grey.PackedValue;
        }

        public void Dispose()
        {
        }
    }
}
