using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DicomTools.Codecs.Jpeg.Dct;

/// <summary>
/// Huffman-coded DCT scans (T.81 F.2.2 sequential, G.1.2 progressive) decoded into quantized coefficients.
/// Sequential blocks go straight to the inverse DCT as each is read (<see cref="DctOutput"/>); progressive
/// passes refine the frame's coefficient buffers. Damaged data behaves as in libjpeg, so that even a broken scan
/// decodes to the same samples as dcmdjpeg: a code that matches no table entry reads as symbol 0 after 17 bits,
/// data that runs into a marker continues with zero bits, and once it has, the rest of the restart interval is
/// left as it was (zero coefficients in a sequential scan).
/// </summary>
internal static class HuffmanScanDecoder
{
    private const int Lookahead = DctHuffmanTable.LookaheadBits;

    /// <summary>Decodes the scan whose entropy-coded data starts at <paramref name="position"/>; returns where it stopped.</summary>
    [SkipLocalsInit]
    public static int Decode(ReadOnlySpan<byte> data, int position, DctScan scan, DctFrame frame)
    {
        var reader = new LosslessBitReader(data, position);
        ulong bits = 0;
        int bitCount = 0;
        Span<short> scratch = stackalloc short[64];
        scratch.Clear();
        DctComponent[] components = scan.Components;
        foreach (DctComponent c in components) c.DcPrediction = 0;
        int endOfBandRun = 0;
        int mcusWide = scan.McusWide(frame), mcusHigh = scan.McusHigh(frame);
        int interval = scan.RestartInterval;
        int untilRestart = interval;
        bool insufficient = false;
        bool single = components.Length == 1;

        for (int mcuY = 0; mcuY < mcusHigh; mcuY++)
        {
            for (int mcuX = 0; mcuX < mcusWide; mcuX++)
            {
                if (interval > 0)
                {
                    if (untilRestart == 0)
                    {
                        reader.SetBits(bits, bitCount);
                        if (!reader.TrySkipRestartMarker(out _)) reader.StopAtMarker();
                        bits = 0;
                        bitCount = 0;
                        foreach (DctComponent c in components) c.DcPrediction = 0;
                        endOfBandRun = 0;
                        insufficient = false;
                        untilRestart = interval;
                    }
                    untilRestart--;
                }
                foreach (DctComponent c in components)
                {
                    int h = single ? 1 : c.HorizontalSampling, v = single ? 1 : c.VerticalSampling;
                    for (int by = 0; by < v; by++)
                    {
                        for (int bx = 0; bx < h; bx++)
                        {
                            int blockX = mcuX * h + bx, blockY = mcuY * v + by;
                            if (!scan.Progressive)
                            {
                                bool dcOnly = insufficient || DecodeSequential(ref reader, ref bits, ref bitCount, c, scratch);
                                DctOutput.Emit(frame, c, blockX, blockY, scratch, dcOnly);
                                continue;
                            }
                            if (insufficient) continue;
                            Span<short> block = c.Block(blockX, blockY);
                            if (scan.IsDc)
                            {
                                if (scan.IsRefinement) DecodeDcRefinement(ref reader, ref bits, ref bitCount, block, scan.ApproximationLow);
                                else DecodeDcFirst(ref reader, ref bits, ref bitCount, c, block, scan.ApproximationLow);
                            }
                            else if (scan.IsRefinement)
                            {
                                DecodeAcRefinement(ref reader, ref bits, ref bitCount, c.AcTable!, block, scan, ref endOfBandRun);
                            }
                            else
                            {
                                DecodeAcFirst(ref reader, ref bits, ref bitCount, c.AcTable!, block, scan, ref endOfBandRun);
                            }
                        }
                    }
                }
                if (bitCount < reader.PaddingBits) insufficient = true;
            }
        }
        reader.SetBits(bits, bitCount);
        return reader.Position;
    }

    /// <summary>
    /// One block of a sequential scan into <paramref name="block"/> (all zero on entry; the caller clears what it
    /// used). Returns true when only the DC coefficient was coded.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool DecodeSequential(ref LosslessBitReader reader, ref ulong bits, ref int bitCount, DctComponent c, scoped Span<short> block)
    {
        if (bitCount < 32) LosslessBitReader.Refill(ref reader, ref bits, ref bitCount);
        c.DcPrediction += DecodeDc(ref reader, ref bits, ref bitCount, c.DcTable!);
        ref short first = ref MemoryMarshal.GetReference(block);
        first = (short)c.DcPrediction;

        DctHuffmanTable table = c.AcTable!;
        ref int fast = ref MemoryMarshal.GetArrayDataReference(table.Fast);
        ref byte natural = ref MemoryMarshal.GetReference(ZigZag.Natural);
        bool dcOnly = true;
        for (int k = 1; k < 64; k++)
        {
            if (bitCount < 32) LosslessBitReader.Refill(ref reader, ref bits, ref bitCount);
            int entry = Unsafe.Add(ref fast, (int)(bits >> (64 - Lookahead)));
            if ((entry & DctHuffmanTable.ValueFlag) != 0)
            {
                int used = entry & 31;
                bits <<= used;
                bitCount -= used;
                k += (entry >> 12) & 15;
                Unsafe.Add(ref first, Unsafe.Add(ref natural, k)) = (short)(entry >> 16);
                dcOnly = false;
                continue;
            }
            int symbol = ReadSymbol(table, entry, ref bits, ref bitCount);
            int run = symbol >> 4, size = symbol & 15;
            if (size == 0)
            {
                if (run != 15) break;
                k += 15;
                continue;
            }
            k += run;
            int extra = (int)(bits >> (64 - size));
            bits <<= size;
            bitCount -= size;
            Unsafe.Add(ref first, Unsafe.Add(ref natural, k)) = (short)DctHuffmanTable.Extend(extra, size);
            dcOnly = false;
        }
        return dcOnly;
    }

    /// <summary>A DC difference (T.81 F.2.2.1). The buffer holds at least 32 bits on entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DecodeDc(ref LosslessBitReader reader, ref ulong bits, ref int bitCount, DctHuffmanTable table)
    {
        int entry = table.Fast[(int)(bits >> (64 - Lookahead))];
        if ((entry & DctHuffmanTable.ValueFlag) != 0)
        {
            int used = entry & 31;
            bits <<= used;
            bitCount -= used;
            return entry >> 16;
        }
        int size = ReadSymbol(table, entry, ref bits, ref bitCount);
        if (size == 0) return 0;
        if (size > 16)
            throw new CodecException($"JPEG: Huffman code decodes to DC difference size {size}, above the maximum 16 (near offset {reader.Position}).");
        if (bitCount < size) LosslessBitReader.Refill(ref reader, ref bits, ref bitCount);
        int extra = (int)(bits >> (64 - size));
        bits <<= size;
        bitCount -= size;
        return DctHuffmanTable.Extend(extra, size);
    }

    /// <summary>
    /// The symbol of a code whose value the look-ahead did not complete, with the code consumed. A code that
    /// matches nothing reads as symbol 0 after 17 bits, libjpeg's reading of it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadSymbol(DctHuffmanTable table, int entry, ref ulong bits, ref int bitCount)
    {
        int symbol, length;
        if (entry != 0)
        {
            symbol = (entry >> 8) & 0xFF;
            length = entry & 31;
        }
        else
        {
            symbol = table.Canonical.DecodeLongCode(bits, out length);
            if (symbol < 0)
            {
                symbol = 0;
                length = 17;
            }
        }
        bits <<= length;
        bitCount -= length;
        return symbol;
    }

    private static int ReadBits(ref LosslessBitReader reader, ref ulong bits, ref int bitCount, int count)
    {
        if (count == 0) return 0;
        if (bitCount < count) LosslessBitReader.Refill(ref reader, ref bits, ref bitCount);
        int value = (int)(bits >> (64 - count));
        bits <<= count;
        bitCount -= count;
        return value;
    }

    private static int ReadSymbolOfEntry(DctHuffmanTable table, int entry, ref ulong bits, ref int bitCount)
    {
        if ((entry & DctHuffmanTable.ValueFlag) == 0) return ReadSymbol(table, entry, ref bits, ref bitCount);
        // The entry consumed code and extra bits together; the progressive passes read the extra bits themselves.
        int symbol = (entry >> 8) & 0xFF;
        int length = (entry & 31) - (symbol & 15);
        bits <<= length;
        bitCount -= length;
        return symbol;
    }

    /// <summary>G.1.2.1: the DC difference, added to the prediction and scaled by the point transform.</summary>
    private static void DecodeDcFirst(ref LosslessBitReader reader, ref ulong bits, ref int bitCount, DctComponent c, scoped Span<short> block, int al)
    {
        if (bitCount < 32) LosslessBitReader.Refill(ref reader, ref bits, ref bitCount);
        c.DcPrediction += DecodeDc(ref reader, ref bits, ref bitCount, c.DcTable!);
        block[0] = (short)(c.DcPrediction << al);
    }

    /// <summary>G.1.2.1: one more bit of the DC coefficient, at position Al.</summary>
    private static void DecodeDcRefinement(ref LosslessBitReader reader, ref ulong bits, ref int bitCount, scoped Span<short> block, int al)
    {
        if (ReadBits(ref reader, ref bits, ref bitCount, 1) != 0) block[0] |= (short)(1 << al);
    }

    /// <summary>
    /// G.1.2.2: the first pass over band Ss..Se. An end-of-band run (EOBn) covers this block and the next
    /// <paramref name="endOfBandRun"/> blocks of the band, which stay zero.
    /// </summary>
    private static void DecodeAcFirst(ref LosslessBitReader reader, ref ulong bits, ref int bitCount, DctHuffmanTable table,
        scoped Span<short> block, DctScan scan, ref int endOfBandRun)
    {
        if (endOfBandRun > 0)
        {
            endOfBandRun--;
            return;
        }
        ReadOnlySpan<byte> natural = ZigZag.Natural;
        int al = scan.ApproximationLow, end = scan.SpectralEnd;
        for (int k = scan.SpectralStart; k <= end; k++)
        {
            int symbol = ReadAcSymbolPlain(ref reader, ref bits, ref bitCount, table);
            int run = symbol >> 4, size = symbol & 15;
            if (size != 0)
            {
                k += run;
                int value = DctHuffmanTable.Extend(ReadBits(ref reader, ref bits, ref bitCount, size), size);
                block[natural[k]] = (short)(value << al);
                continue;
            }
            if (run == 15)
            {
                k += 15;
                continue;
            }
            endOfBandRun = (1 << run) - 1;
            if (run != 0) endOfBandRun += ReadBits(ref reader, ref bits, ref bitCount, run);
            break;
        }
    }

    private static int ReadAcSymbolPlain(ref LosslessBitReader reader, ref ulong bits, ref int bitCount, DctHuffmanTable table)
    {
        if (bitCount < 32) LosslessBitReader.Refill(ref reader, ref bits, ref bitCount);
        int entry = table.Fast[(int)(bits >> (64 - Lookahead))];
        return ReadSymbolOfEntry(table, entry, ref bits, ref bitCount);
    }

    /// <summary>
    /// G.1.2.3: the refinement pass over band Ss..Se. Each coefficient already non-zero gets one correction bit
    /// (adding 2^Al away from zero when set and that bit is not yet set); a newly non-zero coefficient of
    /// magnitude 2^Al is placed after the coded number of zero coefficients (the already non-zero ones in
    /// between are not counted but do get their correction bits); an end-of-band run leaves only correction bits
    /// for the rest of the band.
    /// </summary>
    private static void DecodeAcRefinement(ref LosslessBitReader reader, ref ulong bits, ref int bitCount, DctHuffmanTable table,
        scoped Span<short> block, DctScan scan, ref int endOfBandRun)
    {
        ReadOnlySpan<byte> natural = ZigZag.Natural;
        int positive = 1 << scan.ApproximationLow;
        int negative = -1 << scan.ApproximationLow;
        int end = scan.SpectralEnd;
        int k = scan.SpectralStart;
        if (endOfBandRun == 0)
        {
            for (; k <= end; k++)
            {
                int symbol = ReadAcSymbolPlain(ref reader, ref bits, ref bitCount, table);
                int run = symbol >> 4, size = symbol & 15;
                int value = 0;
                if (size != 0)
                {
                    // Size is 1 in a valid stream; libjpeg reads any other size as 1 too.
                    value = ReadBits(ref reader, ref bits, ref bitCount, 1) != 0 ? positive : negative;
                }
                else if (run != 15)
                {
                    endOfBandRun = 1 << run;
                    if (run != 0) endOfBandRun += ReadBits(ref reader, ref bits, ref bitCount, run);
                    break;
                }
                // Walk past coefficients: correct the non-zero ones, count down the zero ones.
                do
                {
                    int index = natural[k];
                    int coefficient = block[index];
                    if (coefficient != 0)
                    {
                        if (ReadBits(ref reader, ref bits, ref bitCount, 1) != 0 && (coefficient & positive) == 0)
                            block[index] = (short)(coefficient >= 0 ? coefficient + positive : coefficient + negative);
                    }
                    else
                    {
                        if (--run < 0) break;
                    }
                    k++;
                }
                while (k <= end);
                if (value != 0) block[natural[k]] = (short)value;
            }
        }
        if (endOfBandRun > 0)
        {
            for (; k <= end; k++)
            {
                int index = natural[k];
                int coefficient = block[index];
                if (coefficient != 0 && ReadBits(ref reader, ref bits, ref bitCount, 1) != 0 && (coefficient & positive) == 0)
                    block[index] = (short)(coefficient >= 0 ? coefficient + positive : coefficient + negative);
            }
            endOfBandRun--;
        }
    }
}
