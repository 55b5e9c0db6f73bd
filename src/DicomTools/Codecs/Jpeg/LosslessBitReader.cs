using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// Reads the entropy-coded segment of a lossless scan (T.81 F.2.2.5, B.1.1.5): removes the 0x00 stuffed after
/// each 0xFF data byte, skips fill bytes, and stops in front of any marker. Bits are kept left-aligned in a 64-bit
/// word so one shift consumes a code. Past a marker or the end of the data it appends zero bits, as libjpeg does,
/// and counts them, so the decoder can tell whether the scan really ran out of data.
/// </summary>
internal ref struct LosslessBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private ulong _bits;
    private int _bitCount;
    private int _paddingBits;
    private bool _stopped;

    public LosslessBitReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        _position = position;
        _bits = 0;
        _bitCount = 0;
        _paddingBits = 0;
        _stopped = false;
    }

    /// <summary>Offset of the first byte not yet taken into the bit buffer (at or before the next marker).</summary>
    public readonly int Position => _position;

    /// <summary>True once the decoder has used bits that were not in the data (the scan is truncated).</summary>
    public readonly bool ConsumedPadding => _bitCount < _paddingBits;

    /// <summary>
    /// Decodes one Huffman-coded difference (T.81 H.1.2.2), in -32767..32768. Hot loops call this with the bit
    /// buffer copied into their own locals (<see cref="Bits"/>, <see cref="BitCount"/>), so the JIT keeps it in
    /// registers; only a refill or a long code touches the reader itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DecodeDifference(ref LosslessBitReader reader, LosslessHuffmanTable table, ref ulong bits, ref int bitCount)
    {
        // 31 bits cover the longest code (16) plus the most extra bits (15).
        if (bitCount < 31)
        {
            reader._bits = bits;
            reader._bitCount = bitCount;
            reader.Refill();
            bits = reader._bits;
            bitCount = reader._bitCount;
        }
        int entry = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table.Fast),
            (int)(bits >> (64 - LosslessHuffmanTable.LookaheadBits)));
        int length = entry & 0xFF;
        if ((entry & LosslessHuffmanTable.CategoryOnlyFlag) == 0 && length != 0)
        {
            bits <<= length;
            bitCount -= length;
            return entry >> 16;
        }
        reader._bits = bits;
        reader._bitCount = bitCount;
        int difference = reader.DecodeDifferenceSlow(table, entry);
        bits = reader._bits;
        bitCount = reader._bitCount;
        return difference;
    }

    /// <summary>
    /// Zero bits appended so far past a marker or the end of the data; a hot loop whose local bit count drops
    /// below it has used bits the data does not hold.
    /// </summary>
    public readonly int PaddingBits => _paddingBits;

    /// <summary>The bit buffer, left-aligned, for a hot loop to copy into locals and hand back with <see cref="SetBits"/>.</summary>
    public readonly ulong Bits => _bits;

    public readonly int BitCount => _bitCount;

    public void SetBits(ulong bits, int bitCount)
    {
        _bits = bits;
        _bitCount = bitCount;
    }

    /// <summary>
    /// Tops the bit buffer of a hot loop up to more than 56 bits (padding with zero bits past a marker or the end
    /// of the data). Shared with the DCT decoders, which keep the buffer in locals as the lossless loop does.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Refill(ref LosslessBitReader reader, ref ulong bits, ref int bitCount)
    {
        reader._bits = bits;
        reader._bitCount = bitCount;
        reader.Refill();
        bits = reader._bits;
        bitCount = reader._bitCount;
    }

    /// <summary>
    /// Treats the marker at <see cref="Position"/> (or the end of the data) as the end of the entropy-coded data:
    /// the buffer is emptied and only zero bits follow. Used when a restart marker was expected and something else
    /// came, as libjpeg does: it keeps the marker for the marker reader and decodes what is left of the scan from
    /// zeros.
    /// </summary>
    public void StopAtMarker()
    {
        _bits = 0;
        _bitCount = 0;
        _paddingBits = 0;
        _stopped = true;
    }

    /// <summary>Decodes one difference outside a hot loop.</summary>
    public int DecodeDifference(LosslessHuffmanTable table)
    {
        ulong bits = _bits;
        int bitCount = _bitCount;
        int difference = DecodeDifference(ref this, table, ref bits, ref bitCount);
        _bits = bits;
        _bitCount = bitCount;
        return difference;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int DecodeDifferenceSlow(LosslessHuffmanTable table, int entry)
    {
        int category;
        int codeLength;
        if (entry != 0)
        {
            category = entry >> 16;
            codeLength = entry & 0xFF;
        }
        else
        {
            category = table.DecodeLongCode(_bits, out codeLength);
            if (category < 0 || category > 16)
                throw new CodecException(category < 0
                    ? $"JPEG Lossless: bits 0x{_bits >> 48:X4} match no code of the Huffman table (near offset {_position})."
                    : $"JPEG Lossless: Huffman code decodes to difference category {category}, above the maximum 16 (near offset {_position}).");
        }
        _bits <<= codeLength;
        _bitCount -= codeLength;
        if (category == 0) return 0;
        if (category == 16) return 32768;
        int extra = (int)(_bits >> (64 - category));
        _bits <<= category;
        _bitCount -= category;
        return LosslessHuffmanTable.ExtendDifference(extra, category);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refill()
    {
        int wanted = (64 - _bitCount) >> 3;
        if (!_stopped && wanted > 0 && _position + 8 <= _data.Length)
        {
            // Common case: the next bytes hold no 0xFF, so they are data as they stand and go in at once.
            ulong word = BinaryPrimitives.ReadUInt64BigEndian(_data.Slice(_position, 8));
            ulong taken = ulong.MaxValue << (64 - 8 * wanted);
            ulong inverted = ~word | ~taken; // a 0xFF byte among the wanted ones becomes a zero byte here
            bool hasFF = ((inverted - 0x0101010101010101UL) & ~inverted & 0x8080808080808080UL) != 0;
            if (!hasFF)
            {
                _bits |= (word & taken) >> _bitCount;
                _bitCount += 8 * wanted;
                _position += wanted;
                return;
            }
        }
        while (_bitCount <= 56)
        {
            if (_stopped || _position >= _data.Length)
            {
                _stopped = true;
                int pad = (64 - _bitCount) & ~7;
                _bitCount += pad;
                _paddingBits += pad;
                return;
            }
            byte value = _data[_position];
            if (value == 0xFF)
            {
                int next = _position + 1;
                while (next < _data.Length && _data[next] == 0xFF) next++; // fill bytes
                if (next >= _data.Length || _data[next] != 0x00)
                {
                    _stopped = true; // a marker (or the end): leave _position on it
                    continue;
                }
                _position = next + 1; // 0xFF 0x00 is a 0xFF data byte
            }
            else
            {
                _position++;
            }
            _bits |= (ulong)value << (56 - _bitCount);
            _bitCount += 8;
        }
    }

    /// <summary>
    /// At the end of a restart interval (T.81 F.2.2.5, E.2.4): drops the bits left in the current byte, expects
    /// an RSTn marker and restarts reading after it. Returns false when no restart marker comes next.
    /// </summary>
    public bool TrySkipRestartMarker(out byte markerFound)
    {
        int i = _position;
        markerFound = 0;
        while (i < _data.Length)
        {
            if (_data[i] != 0xFF)
            {
                i++; // leftover bytes of the interval: libjpeg skips them too
                continue;
            }
            int next = i + 1;
            while (next < _data.Length && _data[next] == 0xFF) next++;
            if (next >= _data.Length) break;
            if (_data[next] == 0x00)
            {
                i = next + 1;
                continue;
            }
            markerFound = _data[next];
            if (!JpegMarker.IsRestart(markerFound))
            {
                _position = i;
                return false;
            }
            _position = next + 1;
            _bits = 0;
            _bitCount = 0;
            _paddingBits = 0;
            _stopped = false;
            return true;
        }
        _position = _data.Length;
        return false;
    }
}
