using System.Buffers.Binary;

namespace DicomTools.Dicom;

/// <summary>
/// Reads a dataset from a <see cref="ByteSource"/> without recursion: sequences and items of defined and undefined
/// length nest on an explicit stack, so the depth a file can force is a checked limit, not the thread's stack.
/// Every length is checked against the enclosing item and the bytes left before anything is allocated.
/// </summary>
internal sealed class DicomParser
{
    private readonly ByteSource _source;
    private readonly DicomReadOptions _options;
    private readonly List<string> _warnings;
    private readonly Stack<Frame> _stack = new();
    private int _sequenceDepth;
    private int _elementCount;
    /// <summary>Set once the top-level Pixel Data is passed: what follows is read, but damage there only warns.</summary>
    private bool _pastPixelData;

    public DicomParser(ByteSource source, DicomReadOptions options, List<string> warnings)
    {
        _source = source;
        _options = options;
        _warnings = warnings;
    }

    /// <summary>The top-level Pixel Data element met by a header-only read (its value is skipped, not read).</summary>
    public DicomElement? StoppedAt { get; private set; }

    /// <summary>
    /// Parses elements into <paramref name="dataset"/> until the data ends, or (for the File Meta Information) until
    /// the first element whose group is not <paramref name="onlyGroup"/>.
    /// </summary>
    public void ParseDataset(DicomDataset dataset, bool explicitVR, bool bigEndian, ushort? onlyGroup = null)
    {
        _stack.Clear();
        _sequenceDepth = 0;
        _pastPixelData = false;
        _stack.Push(new Frame(FrameKind.Dataset, dataset, null, long.MaxValue, explicitVR, bigEndian, firstElementPending: true));
        try
        {
            while (_stack.Count > 0)
            {
                var frame = _stack.Peek();
                if (frame.Kind == FrameKind.Sequence) StepSequence(frame);
                else if (!StepDataset(frame, onlyGroup)) return;
            }
        }
        catch (DicomReadException e) when (_pastPixelData)
        {
            // Trailing padding, private groups and signatures after the image are extras: damage there must not
            // cost the header and image before it. Sequences cut short keep the items read so far.
            _warnings.Add($"elements after Pixel Data read up to offset {Math.Max(e.Offset, 0)}; the rest is ignored: {e.Message}");
            while (_stack.Count > 0)
            {
                var open = _stack.Pop();
                if (open.Kind == FrameKind.Sequence) open.Element!.Items = open.Items!;
            }
        }
    }

    /// <summary>One step inside a sequence: the next item starts, or the sequence ends.</summary>
    private void StepSequence(Frame sequence)
    {
        if (_source.Position >= sequence.End) { EndSequence(); return; }
        var tagOffset = _source.Position;
        if (!_source.Ensure(8))
        {
            if (sequence.End == long.MaxValue)
                throw new DicomReadException($"file ends inside sequence {sequence.Element!.Tag} before its Sequence Delimitation Item", tagOffset, sequence.Element!.Tag);
            throw new DicomReadException($"file ends inside sequence {sequence.Element!.Tag}, which claims {sequence.Element.Length} bytes", tagOffset, sequence.Element.Tag);
        }
        var tag = ReadTag(sequence.BigEndian);
        var length = _source.ReadUInt32(sequence.BigEndian);
        if (tag == DicomTag.SequenceDelimitation)
        {
            EndSequence();
            return;
        }
        if (tag != DicomTag.Item)
            throw new DicomReadException($"expected an item (FFFE,E000) in sequence {sequence.Element!.Tag}, found {tag}", tagOffset, tag);
        var itemEnd = long.MaxValue;
        if (length != DicomElement.UndefinedLength)
        {
            CheckFits(length, sequence.End, tag, "item");
            itemEnd = _source.Position + length;
        }
        CountElement(tagOffset, tag);
        var item = new DicomDataset(sequence.CharacterSet, tagOffset);
        sequence.Items!.Add(item);
        _stack.Push(new Frame(FrameKind.Item, item, null, itemEnd, sequence.ExplicitVR, sequence.BigEndian, firstElementPending: true));
    }

    private void EndSequence()
    {
        var sequence = _stack.Pop();
        sequence.Element!.Items = sequence.Items!;
        _sequenceDepth--;
    }

    /// <summary>One element of a dataset or item. Returns false when the top-level dataset is complete.</summary>
    private bool StepDataset(Frame frame, ushort? onlyGroup)
    {
        var isTop = frame.Kind == FrameKind.Dataset;
        if (_source.Position >= frame.End)
        {
            _stack.Pop();
            return !isTop;
        }
        var elementOffset = _source.Position;
        var header = _source.PeekUpTo(12);
        if (header.Length == 0)
        {
            if (isTop) { _stack.Pop(); return false; }
            throw new DicomReadException("file ends inside a sequence item that has no Item Delimitation Item", elementOffset);
        }
        if (header.Length < 8)
        {
            // A few bytes of padding after the last element are common enough (odd writers) to accept at top level.
            if (isTop && header.Length < 4)
            {
                _warnings.Add($"{header.Length} stray byte(s) at the end of the file ignored (offset {elementOffset})");
                _source.Take(header.Length);
                _stack.Pop();
                return false;
            }
            throw new DicomReadException($"file ends inside an element header ({header.Length} bytes left)", elementOffset);
        }

        var group = frame.BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header) : BinaryPrimitives.ReadUInt16LittleEndian(header);
        if (onlyGroup is { } only && group != only)
        {
            _stack.Pop();
            return false;
        }
        if (frame.FirstElementPending)
        {
            frame.FirstElementPending = false;
            if (group != 0xFFFE) frame.ExplicitVR = DetectExplicitVR(header, frame.ExplicitVR, isTop);
        }

        var tag = ReadTag(frame.BigEndian);
        if (tag.Group == 0xFFFE)
        {
            var delimiterLength = _source.ReadUInt32(frame.BigEndian);
            return StepDelimiter(frame, tag, delimiterLength, elementOffset);
        }

        CountElement(elementOffset, tag);
        var (vr, length) = ReadVRAndLength(frame, tag, elementOffset);
        var isPixelData = tag == DicomTag.PixelData || tag == DicomTag.FloatPixelData || tag == DicomTag.DoubleFloatPixelData;
        var valueOffset = _source.Position;
        var availableLength = length;
        if (isPixelData && isTop && _source.CanSeek && length != DicomElement.UndefinedLength && length > _source.Remaining)
        {
            // Truncated Pixel Data: keep what is there, so the frames it does hold can still be shown and the
            // ones it cannot fill get their own error.
            availableLength = _source.Remaining;
            _warnings.Add($"Pixel Data claims {length} bytes but the file holds only {availableLength} (offset {valueOffset})");
        }
        else if (length != DicomElement.UndefinedLength)
        {
            CheckFits(length, frame.End, tag, "value");
        }
        var privateCreator = tag.IsPrivate && !tag.IsPrivateCreator ? PrivateCreatorOf(frame.Dataset, tag) : null;

        if (isPixelData && isTop && _options.StopBeforePixelData)
        {
            var stopped = new DicomElement(tag, vr, length, elementOffset, null, frame.BigEndian, frame.Dataset.CharacterSet, null)
            {
                ValueOffset = valueOffset,
                AvailableLength = availableLength,
            };
            frame.Dataset.Add(stopped);
            StoppedAt = stopped;
            _pastPixelData = true;
            if (SkipPixelValue(frame, tag, length, availableLength)) return true;
            _stack.Clear();
            return false;
        }

        if (tag == DicomTag.PixelData && length == DicomElement.UndefinedLength)
        {
            var element = new DicomElement(tag, vr == DicomVR.None ? DicomVR.OB : vr, length, elementOffset, null, frame.BigEndian, frame.Dataset.CharacterSet, null);
            element.Fragments = ReadFragments(frame, tag, keepInMemory: !isTop || !_source.CanSeek);
            frame.Dataset.Add(element);
            _pastPixelData |= isTop;
            return true;
        }

        if (IsSequence(vr, tag, length, out var itemsImplicitLittleEndian) && !IsTextInSequenceClothing(frame, tag, vr, length, itemsImplicitLittleEndian, elementOffset))
        {
            if (++_sequenceDepth > _options.MaxSequenceDepth)
                throw new DicomReadException($"sequences nested deeper than {_options.MaxSequenceDepth} levels", elementOffset, tag);
            // A UN the dictionary knows as a sequence is listed as the SQ it is; an unknown one stays UN.
            var sequenceVR = vr == DicomVR.UN && !(DicomDictionary.Lookup(tag)?.ValueRepresentations.Contains(DicomVR.SQ) ?? false)
                ? DicomVR.UN : DicomVR.SQ;
            var element = new DicomElement(tag, sequenceVR, length, elementOffset, null, frame.BigEndian, frame.Dataset.CharacterSet, privateCreator);
            frame.Dataset.Add(element);
            var end = length == DicomElement.UndefinedLength ? long.MaxValue : _source.Position + length;
            var explicitItems = !itemsImplicitLittleEndian && frame.ExplicitVR;
            var bigEndianItems = !itemsImplicitLittleEndian && frame.BigEndian;
            _stack.Push(new Frame(FrameKind.Sequence, null, element, end, explicitItems, bigEndianItems, firstElementPending: false)
            {
                Items = new List<DicomDataset>(),
                CharacterSet = frame.Dataset.CharacterSet,
            });
            return true;
        }

        if (length == DicomElement.UndefinedLength)
            throw new DicomReadException($"undefined length is not allowed for VR {DicomVRInfo.ToCode(vr)}", elementOffset, tag);
        if (vr == DicomVR.SQ) vr = DicomVR.UN; // a dictionary sequence holding a plain value (see IsTextInSequenceClothing)

        byte[]? raw;
        var leaveOnDisk = isPixelData && isTop && _source.CanSeek
            || _options.StopBeforePixelData && IsBulk(vr) && length > _options.LargeValueThreshold && _source.CanSeek;
        if (leaveOnDisk)
        {
            _source.Skip(availableLength, tag);
            raw = null;
        }
        else if (isPixelData && isTop)
        {
            // An inflated stream cannot be revisited, so native Pixel Data is kept in memory: only as much as the
            // frames the header describes need; the rest (padding, or a deflate bomb's lie) is inflated and dropped.
            var keep = Math.Min(availableLength, ImagePixelAttributes.NativeBytesUpperBound(frame.Dataset, tag) ?? availableLength);
            raw = _source.ReadBytes(keep, tag);
            if (keep < availableLength) _source.Skip(availableLength - keep, tag);
        }
        else
        {
            raw = _source.ReadBytes(availableLength, tag);
        }
        var added = new DicomElement(tag, vr, length, elementOffset, raw, frame.BigEndian, frame.Dataset.CharacterSet, privateCreator)
        {
            ValueOffset = valueOffset,
            AvailableLength = availableLength,
        };
        frame.Dataset.Add(added);
        _pastPixelData |= isPixelData && isTop;
        if (tag == SpecificCharacterSetTag && raw is not null)
        {
            frame.Dataset.CharacterSet = DicomCharacterSet.Get(AsTerms(raw), message => _warnings.Add(message));
        }
        return true;
    }

    private static readonly DicomTag SpecificCharacterSetTag = new(0x0008, 0x0005);
    private static readonly DicomTag PixelRepresentationTag = new(0x0028, 0x0103);
    private static readonly DicomTag BitsAllocatedTag = new(0x0028, 0x0100);

    /// <summary>Specific Character Set values with the empty first value kept (it means "default repertoire").</summary>
    private static string[] AsTerms(byte[] raw) =>
        System.Text.Encoding.ASCII.GetString(raw).Split('\\').Select(t => t.Trim(' ', '\0')).ToArray();

    /// <summary>
    /// Moves past the top-level Pixel Data value of a header-only read without reading it. False when nothing can
    /// follow it, decided as cheaply as possible, since a header scan meets this in nearly every file: a defined
    /// length that reaches the end of the file, or encapsulated data whose file ends with the Sequence Delimitation
    /// Item (one 8-byte read). Otherwise the fragments are walked item by item, each one seeked over.
    /// </summary>
    private bool SkipPixelValue(Frame frame, DicomTag tag, long length, long availableLength)
    {
        if (length != DicomElement.UndefinedLength)
        {
            if (_source.Length is { } total && _source.Position + availableLength >= total) return false;
            _source.Skip(availableLength, tag);
            return true;
        }
        Span<byte> delimiter = stackalloc byte[8];
        WriteTag(delimiter, DicomTag.SequenceDelimitation, frame.BigEndian);
        Span<byte> tail = stackalloc byte[8];
        if (_source.TryReadLast(tail) && tail.SequenceEqual(delimiter)) return false;
        while (true)
        {
            var itemOffset = _source.Position;
            if (!_source.Ensure(8))
            {
                _warnings.Add($"encapsulated Pixel Data ends without a Sequence Delimitation Item (offset {itemOffset})");
                return false;
            }
            var item = ReadTag(frame.BigEndian);
            var itemLength = _source.ReadUInt32(frame.BigEndian);
            if (item == DicomTag.SequenceDelimitation) return true;
            if (item != DicomTag.Item || itemLength == DicomElement.UndefinedLength)
                throw new DicomReadException($"expected a fragment item (FFFE,E000) of defined length in encapsulated Pixel Data, found {item}", itemOffset, tag);
            CheckFits(itemLength, frame.End, tag, "fragment");
            _source.Skip(itemLength, tag);
        }
    }

    private static void WriteTag(Span<byte> destination, DicomTag tag, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination, tag.Group);
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], tag.Element);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination, tag.Group);
            BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], tag.Element);
        }
        destination[4..8].Clear();
    }

    /// <summary>
    /// A tag the dictionary knows as a sequence, met without an explicit SQ (implicit VR, or UN), whose defined-length
    /// value does not start with an item: an old writer put a plain value there (seen: a CS in (0040,A170) of an early
    /// structured report). The value is kept as UN bytes, with a warning, so the rest of the file reads.
    /// </summary>
    private bool IsTextInSequenceClothing(Frame frame, DicomTag tag, DicomVR vr, long length, bool itemsLittleEndian, long offset)
    {
        if (length == DicomElement.UndefinedLength || length == 0) return false;
        if (frame.ExplicitVR && vr == DicomVR.SQ) return false; // the writer said SQ: a broken item is an error
        var head = _source.PeekUpTo(4);
        if (head.Length < 4) return false;
        var bigEndian = !itemsLittleEndian && frame.BigEndian;
        var group = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(head) : BinaryPrimitives.ReadUInt16LittleEndian(head);
        var element = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(head[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(head[2..]);
        if (group == 0xFFFE && element is 0xE000 or 0xE0DD) return false;
        _warnings.Add($"{tag} at offset {offset} is a sequence in the dictionary but its {length}-byte value holds no item; kept as UN bytes");
        return true;
    }

    /// <summary>Handles (FFFE,xxxx) met where an element was expected.</summary>
    private bool StepDelimiter(Frame frame, DicomTag tag, uint length, long offset)
    {
        if (tag == DicomTag.ItemDelimitation && frame.Kind == FrameKind.Item)
        {
            if (frame.End != long.MaxValue)
                _warnings.Add($"Item Delimitation Item inside an item of defined length at offset {offset}; item ended there");
            _stack.Pop();
            return true;
        }
        if (tag == DicomTag.SequenceDelimitation && frame.Kind == FrameKind.Item && frame.End == long.MaxValue)
        {
            // An undefined-length item closed by the sequence delimiter alone: end both.
            _warnings.Add($"sequence ended without closing its last item at offset {offset}");
            _stack.Pop();
            EndSequence();
            return true;
        }
        if (tag == DicomTag.Item && frame.Kind == FrameKind.Dataset && length != DicomElement.UndefinedLength)
        {
            // A stray item at top level (seen in real files): skip its bytes, as tolerant readers do.
            CheckFits(length, frame.End, tag, "stray item");
            _warnings.Add($"stray item (FFFE,E000) of {length} bytes at top level skipped (offset {offset})");
            _source.Skip(length, tag);
            return true;
        }
        if (length == 0 && tag != DicomTag.Item)
        {
            _warnings.Add($"stray delimiter {tag} at offset {offset} ignored");
            return true;
        }
        throw new DicomReadException($"unexpected {tag} where a data element should be", offset, tag);
    }

    private (DicomVR Vr, long Length) ReadVRAndLength(Frame frame, DicomTag tag, long elementOffset)
    {
        if (!frame.ExplicitVR)
            return (ImplicitVR(tag, frame.Dataset), _source.ReadUInt32(frame.BigEndian));

        var vrBytes = _source.Peek(2);
        var vr = (DicomVR)((vrBytes[0] << 8) | vrBytes[1]);
        if (DicomVRInfo.IsKnown(vr))
        {
            _source.Take(2);
            if (DicomVRInfo.HasLongLength(vr))
            {
                _source.Take(2); // reserved
                var longLength = _source.ReadUInt32(frame.BigEndian);
                if (vr == DicomVR.UN && longLength != DicomElement.UndefinedLength && KnownVRForUN(tag, frame.Dataset) is { } known)
                {
                    // UN written by a converter that did not know the tag: the dictionary does (PS3.5 6.2.2 lets a
                    // reader that knows the VR use it), so the value decodes as what it really is.
                    return (known, longLength);
                }
                return (vr, longLength);
            }
            return (vr, _source.ReadUInt16(frame.BigEndian));
        }
        var letters = IsUpperLetter(vrBytes[0]) && IsUpperLetter(vrBytes[1]);
        var code = $"{(char)vrBytes[0]}{(char)vrBytes[1]}";
        var head = _source.PeekUpTo(4);
        var reservedZero = head.Length == 4 && head[2] == 0 && head[3] == 0;
        if (letters && reservedZero)
        {
            // A VR newer than this reader: PS3.5 7.1.2 gives all VRs after the first ones the 32-bit length form.
            _source.Take(4);
            _warnings.Add($"unknown VR '{code}' in {tag} read as UN");
            return (DicomVR.UN, _source.ReadUInt32(frame.BigEndian));
        }
        if (ShortFormFits(frame, tag))
        {
            // Bytes that are no VR (two spaces, seen in (0028,0120)) followed by a 16-bit length that keeps the
            // element inside its item and lands on a plausible next element: DCMTK and GDCM read on this way.
            _source.Take(2);
            var shortLength = _source.ReadUInt16(frame.BigEndian);
            var dictionaryVR = ImplicitVR(tag, frame.Dataset);
            _warnings.Add($"{tag} at offset {elementOffset} has no valid VR ('{TextEscaper.Escape(code)}'); read with a 16-bit length as VR {DicomVRInfo.ToCode(dictionaryVR)}");
            return (dictionaryVR, shortLength);
        }
        if (letters)
            throw new DicomReadException($"unknown VR '{code}'", elementOffset, tag);
        // Not a VR at all: this element was written in implicit VR inside an explicit-VR dataset (seen in real files).
        _warnings.Add($"{tag} at offset {elementOffset} has no VR; read as implicit VR");
        return (ImplicitVR(tag, frame.Dataset), _source.ReadUInt32(frame.BigEndian));
    }

    /// <summary>
    /// Whether the bytes after <paramref name="tag"/> read as a two-byte non-VR and a 16-bit length give an element
    /// that ends inside its item and the data, followed by the end of the item or data, a delimiter, or an element
    /// with a higher tag and a known VR.
    /// </summary>
    private bool ShortFormFits(Frame frame, DicomTag tag)
    {
        var ahead = _source.PeekUpTo(ShortFormLookahead);
        if (ahead.Length < 4) return false;
        var length = frame.BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(ahead[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(ahead[2..]);
        var next = 4 + length;
        var nextPosition = _source.Position + next;
        if (next > _source.Remaining || nextPosition > frame.End) return false;
        if (nextPosition == frame.End || next == _source.Remaining) return true;
        if (next + 6 > ahead.Length) return false;
        var group = frame.BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(ahead[next..]) : BinaryPrimitives.ReadUInt16LittleEndian(ahead[next..]);
        var element = frame.BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(ahead[(next + 2)..]) : BinaryPrimitives.ReadUInt16LittleEndian(ahead[(next + 2)..]);
        if (group == 0xFFFE) return element is 0xE00D or 0xE0DD;
        var nextTag = new DicomTag(group, element);
        var nextVR = (DicomVR)((ahead[next + 4] << 8) | ahead[next + 5]);
        return nextTag.CompareTo(tag) > 0 && DicomVRInfo.IsKnown(nextVR);
    }

    /// <summary>The short form's longest element (4 + 65535 bytes) and the next header's tag and VR.</summary>
    private const int ShortFormLookahead = 4 + 0xFFFF + 6;

    /// <summary>The dictionary VR of a UN element, except sequences (handled as implicit-VR items) and tags we
    /// do not know.</summary>
    private static DicomVR? KnownVRForUN(DicomTag tag, DicomDataset dataset)
    {
        if (tag.IsPrivate || tag.IsGroupLength) return null;
        var implicitVR = ImplicitVR(tag, dataset);
        return implicitVR is DicomVR.UN or DicomVR.SQ ? null : implicitVR;
    }

    private static bool IsUpperLetter(byte b) => b >= (byte)'A' && b <= (byte)'Z';

    /// <summary>
    /// Decides explicit or implicit VR from the first element of a dataset or item, whatever the transfer syntax
    /// says: real files carry implicit-VR items inside explicit-VR datasets, and bare datasets declare nothing.
    /// </summary>
    private static bool DetectExplicitVR(ReadOnlySpan<byte> header, bool declaredExplicit, bool topLevel)
    {
        if (header.Length < 8) return declaredExplicit;
        var vr = (DicomVR)((header[4] << 8) | header[5]);
        var looksExplicit = DicomVRInfo.IsKnown(vr) && (!DicomVRInfo.HasLongLength(vr) || (header[6] == 0 && header[7] == 0));
        if (declaredExplicit)
        {
            // Letters that are not a VR we know are a newer VR, handled element by element; anything else means
            // the item was written in implicit VR.
            return looksExplicit || IsLetterPair(header[4], header[5]);
        }
        // Implicit declared: switch only at top level and only on a clear explicit VR.
        return topLevel && looksExplicit;
    }

    private static bool IsLetterPair(byte a, byte b) => IsUpperLetter(a) && IsUpperLetter(b);

    /// <summary>VR for an implicit-VR element: from the dictionary, with the ambiguous ones resolved as PS3.5 Annex A
    /// and the Pixel Representation in scope say; UN when the tag is not in the dictionary.</summary>
    private static DicomVR ImplicitVR(DicomTag tag, DicomDataset dataset)
    {
        if (tag.IsPrivateCreator) return DicomVR.LO;
        if (tag.IsGroupLength) return DicomVR.UL;
        if (tag.IsPrivate) return DicomVR.UN;
        var entry = DicomDictionary.Lookup(tag);
        if (entry is null || entry.ValueRepresentations.Count == 0) return DicomVR.UN;
        var vrs = entry.ValueRepresentations;
        if (vrs.Count == 1) return vrs[0];
        if (tag == DicomTag.PixelData)
            return dataset.GetInt(BitsAllocatedTag) is > 8 ? DicomVR.OW : DicomVR.OB;
        if (vrs.Contains(DicomVR.OW)) return DicomVR.OW; // LUT Data and similar: word data
        if (vrs.Contains(DicomVR.US) && vrs.Contains(DicomVR.SS) && !IsLutDescriptor(tag))
            return dataset.GetInt(PixelRepresentationTag) == 1 ? DicomVR.SS : DicomVR.US;
        return vrs[0];
    }

    /// <summary>LUT Descriptors stay US: their signed first-mapped value is resolved where the LUT is used.</summary>
    private static bool IsLutDescriptor(DicomTag tag) =>
        tag.Group == 0x0028 && (tag.Element is 0x1101 or 0x1102 or 0x1103 or 0x3002 or 0x1111 or 0x1112 or 0x1113);

    /// <summary>
    /// SQ, or an element whose value is a sequence in disguise: UN or an implicit-VR element of undefined length
    /// (PS3.5 6.2.2: an undefined-length UN holds implicit VR little endian items), or a UN whose tag the dictionary
    /// knows as SQ.
    /// </summary>
    private static bool IsSequence(DicomVR vr, DicomTag tag, long length, out bool itemsImplicitLittleEndian)
    {
        itemsImplicitLittleEndian = false;
        if (vr == DicomVR.SQ) return true;
        if (vr == DicomVR.UN)
        {
            var known = tag.IsPrivate ? null : DicomDictionary.Lookup(tag);
            var knownSequence = known is not null && known.ValueRepresentations.Contains(DicomVR.SQ);
            if (length == DicomElement.UndefinedLength || knownSequence)
            {
                itemsImplicitLittleEndian = true;
                return true;
            }
        }
        return false;
    }

    private static bool IsBulk(DicomVR vr) => vr is DicomVR.OB or DicomVR.OW or DicomVR.OF or DicomVR.OD or
        DicomVR.OL or DicomVR.OV or DicomVR.UN or DicomVR.None;

    private static string? PrivateCreatorOf(DicomDataset dataset, DicomTag tag)
    {
        var block = tag.Element >> 8;
        if (block < 0x10) return null;
        return dataset[new DicomTag(tag.Group, (ushort)block)]?.GetText();
    }

    /// <summary>Reads the items of encapsulated Pixel Data (PS3.5 A.4): the Basic Offset Table, then fragments.</summary>
    private DicomFragments ReadFragments(Frame frame, DicomTag pixelTag, bool keepInMemory)
    {
        var offsets = new List<uint>();
        var fragments = new List<DicomFragment>();
        using var memory = keepInMemory ? new MemoryStream() : null;
        var first = true;
        while (true)
        {
            var itemOffset = _source.Position;
            if (itemOffset >= frame.End || !_source.Ensure(8))
            {
                if (first) throw new DicomReadException("encapsulated Pixel Data has no Basic Offset Table item", itemOffset, pixelTag);
                _warnings.Add($"encapsulated Pixel Data ends without a Sequence Delimitation Item (offset {itemOffset}); the {fragments.Count} fragment(s) read are used");
                return new DicomFragments(offsets, fragments, memory?.ToArray(), terminated: false);
            }
            var tag = ReadTag(frame.BigEndian);
            var length = _source.ReadUInt32(frame.BigEndian);
            if (tag == DicomTag.SequenceDelimitation)
                return new DicomFragments(offsets, fragments, memory?.ToArray(), terminated: true);
            if (tag != DicomTag.Item)
                throw new DicomReadException($"expected a fragment item (FFFE,E000) in encapsulated Pixel Data, found {tag}", itemOffset, pixelTag);
            if (length == DicomElement.UndefinedLength)
                throw new DicomReadException("a fragment of encapsulated Pixel Data has undefined length", itemOffset, pixelTag);
            CheckFits(length, frame.End, pixelTag, "fragment");
            if (first)
            {
                first = false;
                var table = _source.ReadBytes(length, pixelTag);
                for (var i = 0; i + 4 <= table.Length; i += 4)
                    offsets.Add(frame.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(table.AsSpan(i)) : BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(i)));
                continue;
            }
            if (memory is not null)
            {
                fragments.Add(new DicomFragment(memory.Position, length));
                memory.Write(_source.ReadBytes(length, pixelTag));
            }
            else
            {
                fragments.Add(new DicomFragment(_source.Position, length));
                _source.Skip(length, pixelTag);
            }
        }
    }

    private void CountElement(long offset, DicomTag tag)
    {
        if (++_elementCount > _options.MaxElements)
            throw new DicomReadException($"more than {_options.MaxElements} data elements and items: the file is damaged or built to exhaust memory", offset, tag);
    }

    private DicomTag ReadTag(bool bigEndian)
    {
        var group = _source.ReadUInt16(bigEndian);
        var element = _source.ReadUInt16(bigEndian);
        return new DicomTag(group, element);
    }

    /// <summary>A value, item or fragment must end inside whatever encloses it and inside the data.</summary>
    private void CheckFits(long length, long enclosingEnd, DicomTag tag, string what)
    {
        var position = _source.Position;
        if (length > _source.Remaining)
            throw new DicomReadException($"{what} length {length} exceeds the {_source.Remaining} bytes left in the file", position, tag);
        if (enclosingEnd != long.MaxValue && position + length > enclosingEnd)
            throw new DicomReadException($"{what} length {length} runs {position + length - enclosingEnd} bytes past the end of its enclosing item or sequence", position, tag);
    }

    private enum FrameKind { Dataset, Item, Sequence }

    private sealed class Frame
    {
        public Frame(FrameKind kind, DicomDataset? dataset, DicomElement? element, long end, bool explicitVR, bool bigEndian, bool firstElementPending)
        {
            Kind = kind;
            Dataset = dataset!;
            Element = element;
            End = end;
            ExplicitVR = explicitVR;
            BigEndian = bigEndian;
            FirstElementPending = firstElementPending;
            CharacterSet = dataset?.CharacterSet ?? DicomCharacterSet.Default;
        }

        public FrameKind Kind { get; }
        public DicomDataset Dataset { get; }
        public DicomElement? Element { get; }
        /// <summary>Position where this item or sequence ends; long.MaxValue for undefined length.</summary>
        public long End { get; }
        public bool ExplicitVR { get; set; }
        public bool BigEndian { get; }
        public bool FirstElementPending { get; set; }
        public List<DicomDataset>? Items { get; init; }
        public DicomCharacterSet CharacterSet { get; init; }
    }
}
