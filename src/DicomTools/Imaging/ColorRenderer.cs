using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DicomTools.Pixels;

namespace DicomTools.Imaging;

/// <summary>
/// Colour frames to 8-bit interleaved RGB (no VOI: PS3.3 C.11 applies to greyscale). RGB passes through (samples
/// deeper than 8 bits scaled v x 255 / (2^BitsStored - 1)); YBR_FULL and YBR_FULL_422 (already full resolution)
/// convert by C.7.6.3.1.2; PALETTE COLOR looks each stored index up in the red, green and blue palettes
/// (C.7.6.3.1.5, C.7.9), entries scaled from their bits per entry to 8 bits.
/// </summary>
internal static class ColorRenderer
{
    public static byte[] Render(DicomPixelData frame, int sampleCount, Action<string>? warn)
    {
        string pi = frame.PhotometricInterpretation?.Trim() ?? "";
        int pixelCount = frame.Rows * frame.Columns;
        if (pi == "PALETTE COLOR")
            return Palette(frame, pixelCount, warn);
        if (frame.SamplesPerPixel != 3)
            throw new PixelDataException(
                $"{FrameChecks.Where(frame)}: {frame.SamplesPerPixel} samples per pixel with {pi} cannot be shown as RGB");
        int rgbCount = pixelCount * 3;
        return pi switch
        {
            "YBR_FULL" or "YBR_FULL_422" => YbrFull(frame, rgbCount),
            "YBR_PARTIAL_422" or "YBR_PARTIAL_420" => YbrPartial(frame, rgbCount),
            "RGB" => Rgb(frame, rgbCount),
            _ => Unknown(frame, rgbCount, pi, warn),
        };
    }

    private static byte[] Unknown(DicomPixelData frame, int rgbCount, string pi, Action<string>? warn)
    {
        warn?.Invoke($"photometric interpretation '{pi}' with 3 samples is shown as RGB");
        return Rgb(frame, rgbCount);
    }

    private static byte[] Rgb(DicomPixelData frame, int count)
    {
        var rgb = new byte[count];
        int bits = frame.BitsStored;
        var kind = SampleKinds.Of(frame.Pixels);
        if (kind == SampleKind.UInt8)
        {
            Array.Copy(frame.Pixels, rgb, count);
        }
        else if (kind == SampleKind.UInt16 && bits > 8)
        {
            var samples = ((ushort[])frame.Pixels).AsSpan(0, count);
            byte[] scale = ScaleTable(Math.Min(bits, 16));
            int mask = scale.Length - 1;
            ref byte t = ref MemoryMarshal.GetArrayDataReference(scale);
            for (int i = 0; i < samples.Length; i++) rgb[i] = Unsafe.Add(ref t, samples[i] & mask);
        }
        else
        {
            // 32-bit and unusual sample types: v x 255 / (2^bits - 1) rounded once (as is up to 8 bits).
            double factor = bits > 8 ? 255.0 / (Math.Pow(2, Math.Min(bits, 32)) - 1) : 1;
            for (int i = 0; i < count; i++)
                rgb[i] = (byte)GreyPipeline.RoundToLevel(SampleKinds.At(frame.Pixels, kind, i) * factor, 255);
        }
        return rgb;
    }

    private static readonly byte[]?[] ScaleTables = new byte[17][];

    /// <summary>v -> floor(v x 255 / (2^bits - 1) + 0.5) for every bits-bit value; tiny and immutable, so kept.</summary>
    private static byte[] ScaleTable(int bits)
    {
        if (ScaleTables[bits] is { } cached) return cached;
        var table = new byte[1 << bits];
        double factor = 255.0 / ((1 << bits) - 1);
        for (int v = 0; v < table.Length; v++) table[v] = (byte)GreyPipeline.RoundToLevel(v * factor, 255);
        return ScaleTables[bits] = table;
    }

    // C.7.6.3.1.2 gives YBR_FULL from RGB: Y = .299R + .587G + .114B, CB = (B - Y)/1.772 + 128, CR = (R - Y)/1.402 + 128
    // (the standard prints the coefficients rounded: -.1687R - .3313G + .5B, .5R - .4187G - .0813B). Solved for R,G,B:
    private const double CrToR = 1.402;
    private const double CbToB = 1.772;
    private const double CbToG = -0.114 * 1.772 / 0.587;
    private const double CrToG = -0.299 * 1.402 / 0.587;

    private static readonly double[] RFromCr = ChromaTable(CrToR);
    private static readonly double[] GFromCb = ChromaTable(CbToG);
    private static readonly double[] GFromCr = ChromaTable(CrToG);
    private static readonly double[] BFromCb = ChromaTable(CbToB);

    private static double[] ChromaTable(double factor)
    {
        var table = new double[256];
        for (int c = 0; c < 256; c++) table[c] = factor * (c - 128);
        return table;
    }

    private static byte[] YbrFull(DicomPixelData frame, int count)
    {
        var rgb = new byte[count];
        var kind = SampleKinds.Of(frame.Pixels);
        if (kind == SampleKind.UInt8)
        {
            var ybr = (byte[])frame.Pixels;
            // 8-bit: the chroma terms come from 256-entry tables; the sum is rounded once.
            for (int i = 0; i < count; i += 3)
            {
                double y = ybr[i];
                byte cb = ybr[i + 1], cr = ybr[i + 2];
                rgb[i] = (byte)GreyPipeline.RoundToLevel(y + RFromCr[cr], 255);
                rgb[i + 1] = (byte)GreyPipeline.RoundToLevel(y + GFromCb[cb] + GFromCr[cr], 255);
                rgb[i + 2] = (byte)GreyPipeline.RoundToLevel(y + BFromCb[cb], 255);
            }
            return rgb;
        }
        // Deeper samples: same equations around the mid value 2^(bits-1), then scaled to 8 bits.
        int bits = Math.Clamp(frame.BitsStored, 1, 32);
        double max = Math.Pow(2, bits) - 1, mid = Math.Pow(2, bits - 1), scale = 255.0 / max;
        for (int i = 0; i < count; i += 3)
        {
            double y = SampleKinds.At(frame.Pixels, kind, i), cb = SampleKinds.At(frame.Pixels, kind, i + 1) - mid,
                cr = SampleKinds.At(frame.Pixels, kind, i + 2) - mid;
            rgb[i] = (byte)GreyPipeline.RoundToLevel(Math.Clamp(y + CrToR * cr, 0, max) * scale, 255);
            rgb[i + 1] = (byte)GreyPipeline.RoundToLevel(Math.Clamp(y + CbToG * cb + CrToG * cr, 0, max) * scale, 255);
            rgb[i + 2] = (byte)GreyPipeline.RoundToLevel(Math.Clamp(y + CbToB * cb, 0, max) * scale, 255);
        }
        return rgb;
    }

    // YBR_PARTIAL (C.7.6.3.1.2): Y = 16 + (219/255)(.299R + .587G + .114B), CB/CR scaled by 224/255 around 128.
    private static byte[] YbrPartial(DicomPixelData frame, int count)
    {
        var rgb = new byte[count];
        var kind = SampleKinds.Of(frame.Pixels);
        const double yScale = 255.0 / 219, cScale = 255.0 / 224;
        for (int i = 0; i < count; i += 3)
        {
            double y = (SampleKinds.At(frame.Pixels, kind, i) - 16) * yScale;
            double cb = (SampleKinds.At(frame.Pixels, kind, i + 1) - 128) * cScale, cr = (SampleKinds.At(frame.Pixels, kind, i + 2) - 128) * cScale;
            rgb[i] = (byte)GreyPipeline.RoundToLevel(y + CrToR * cr, 255);
            rgb[i + 1] = (byte)GreyPipeline.RoundToLevel(y + CbToG * cb + CrToG * cr, 255);
            rgb[i + 2] = (byte)GreyPipeline.RoundToLevel(y + CbToB * cb, 255);
        }
        return rgb;
    }

    private static byte[] Palette(DicomPixelData frame, int pixelCount, Action<string>? warn)
    {
        if (frame.SamplesPerPixel != 1)
            throw new PixelDataException($"{FrameChecks.Where(frame)}: PALETTE COLOR needs 1 sample per pixel, not {frame.SamplesPerPixel}");
        DicomLut red = frame.RedPalette is { EntryCount: > 0 } r ? r : throw MissingPalette(frame, "red");
        DicomLut green = frame.GreenPalette is { EntryCount: > 0 } g ? g : throw MissingPalette(frame, "green");
        DicomLut blue = frame.BluePalette is { EntryCount: > 0 } b ? b : throw MissingPalette(frame, "blue");
        StoredDomain domain = StoredDomain.For(frame.Pixels, frame.BitsStored)
            ?? throw new PixelDataException($"{FrameChecks.Where(frame)}: PALETTE COLOR needs 8- or 16-bit integer indexes, not {frame.Pixels.GetType().Name}");

        // Palettes whose descriptor says 16 bits but whose entries all fit in 8 bits were written with 8-bit values
        // (DCMTK checks the same and then reads them as 8-bit); scaling them as 16-bit would give a black image.
        bool eightBitValues = red.BitsPerEntry == 16 && green.BitsPerEntry == 16 && blue.BitsPerEntry == 16
            && red.MaxEntry <= 255 && green.MaxEntry <= 255 && blue.MaxEntry <= 255
            && (red.MaxEntry | green.MaxEntry | blue.MaxEntry) > 0;
        if (eightBitValues)
            warn?.Invoke("palette descriptors say 16 bits per entry but every entry fits in 8 bits; reading them as 8-bit");

        byte[] rt = PaletteTable(red, domain, frame.IsSigned, eightBitValues);
        byte[] gt = PaletteTable(green, domain, frame.IsSigned, eightBitValues);
        byte[] bt = PaletteTable(blue, domain, frame.IsSigned, eightBitValues);
        if (pixelCount > Array.MaxLength / 3)
            throw new PixelDataException($"{FrameChecks.Where(frame)}: {frame.Columns}x{frame.Rows} is too large for one RGB image");
        var rgb = new byte[pixelCount * 3];
        int mask = domain.Mask, offset = domain.Offset;
        switch (SampleKinds.Of(frame.Pixels))
        {
            case SampleKind.UInt8:
            {
                var a = (byte[])frame.Pixels;
                for (int i = 0, o = 0; i < pixelCount; i++, o += 3) { int k = a[i] & mask; rgb[o] = rt[k]; rgb[o + 1] = gt[k]; rgb[o + 2] = bt[k]; }
                break;
            }
            case SampleKind.UInt16:
            {
                var a = (ushort[])frame.Pixels;
                for (int i = 0, o = 0; i < pixelCount; i++, o += 3) { int k = a[i] & mask; rgb[o] = rt[k]; rgb[o + 1] = gt[k]; rgb[o + 2] = bt[k]; }
                break;
            }
            case SampleKind.Int8:
            {
                var a = (sbyte[])frame.Pixels;
                for (int i = 0, o = 0; i < pixelCount; i++, o += 3) { int k = (a[i] - offset) & mask; rgb[o] = rt[k]; rgb[o + 1] = gt[k]; rgb[o + 2] = bt[k]; }
                break;
            }
            case SampleKind.Int16:
            {
                var a = (short[])frame.Pixels;
                for (int i = 0, o = 0; i < pixelCount; i++, o += 3) { int k = (a[i] - offset) & mask; rgb[o] = rt[k]; rgb[o + 1] = gt[k]; rgb[o + 2] = bt[k]; }
                break;
            }
        }
        return rgb;
    }

    /// <summary>Stored index -> 8-bit channel value over the whole stored domain: entries scaled
    /// e x 255 / (2^BitsPerEntry - 1) and rounded once.</summary>
    private static byte[] PaletteTable(DicomLut lut, StoredDomain domain, bool signedIndex, bool eightBitValues)
    {
        int bits = eightBitValues ? 8 : lut.BitsPerEntry is >= 1 and <= 16 ? lut.BitsPerEntry : (lut.MaxEntry > 255 ? 16 : 8);
        double factor = 255.0 / ((1 << bits) - 1);
        int first = lut.FirstMappedValueFor(signedIndex);
        var table = new byte[domain.Length];
        for (int i = 0; i < table.Length; i++)
        {
            int entry = lut.Entries[ModalityStage.LutIndex((double)domain.Offset + i - first, lut.EntryCount)];
            table[i] = (byte)GreyPipeline.RoundToLevel(entry * factor, 255);
        }
        return table;
    }

    /// <summary>The file says PALETTE COLOR but has no usable palette: a data error, reported per frame.</summary>
    private static PixelDataException MissingPalette(DicomPixelData frame, string channel) =>
        new($"{FrameChecks.Where(frame)}: PALETTE COLOR without a {channel} palette (Palette Color Lookup Table Data)");
}
