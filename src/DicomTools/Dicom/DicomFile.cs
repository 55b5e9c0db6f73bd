using System.Buffers.Binary;
using System.IO.Compression;

namespace DicomTools.Dicom;

/// <summary>
/// A DICOM file as read: File Meta Information (when present), the dataset, the transfer syntax it was read with,
/// and where its Pixel Data lies. Reads Part 10 files (preamble, "DICM", meta) and bare datasets (no preamble, no
/// meta, as ACR-NEMA and some exports write them), detecting VR encoding and byte order by inspection.
/// </summary>
internal sealed class DicomFile
{
    private const int PreambleLength = 128;
    private static readonly DicomTag TransferSyntaxUidTag = new(0x0002, 0x0010);

    private DicomFile(string path, DicomDataset meta, DicomDataset dataset, TransferSyntax syntax, bool hasPreamble,
        long fileLength, DicomElement? pixelData, IReadOnlyList<string> warnings)
    {
        Path = path;
        FileMetaInformation = meta;
        Dataset = dataset;
        TransferSyntax = syntax;
        HasPreamble = hasPreamble;
        FileLength = fileLength;
        PixelData = pixelData;
        Warnings = warnings;
    }

    public string Path { get; }

    /// <summary>Group 0002; empty for a bare dataset.</summary>
    public DicomDataset FileMetaInformation { get; }

    public DicomDataset Dataset { get; }

    /// <summary>The syntax the dataset was read with (declared in the meta, or detected for a bare dataset).</summary>
    public TransferSyntax TransferSyntax { get; }

    public bool HasPreamble { get; }

    public bool HasFileMetaInformation => FileMetaInformation.Count > 0;

    public long FileLength { get; }

    /// <summary>The top-level Pixel Data (or Float/Double Float Pixel Data) element, when the file has one.</summary>
    public DicomElement? PixelData { get; }

    /// <summary>Things the reader tolerated (stray bytes, a missing delimiter, an unknown character set...).</summary>
    public IReadOnlyList<string> Warnings { get; }

    public static DicomFile Open(string path, DicomReadOptions? options = null)
    {
        options ??= DicomReadOptions.Full;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            bufferSize: 1, FileOptions.SequentialScan);
        var file = Read(stream, path, options);
        file._diskPath = path;
        return file;
    }

    /// <summary>Reads a whole file held in memory; <paramref name="name"/> is what messages call it.</summary>
    public static DicomFile Read(byte[] data, string name, DicomReadOptions? options = null)
    {
        using var stream = new MemoryStream(data, writable: false);
        var file = Read(stream, name, options);
        file._inMemory = data;
        return file;
    }

    private string? _diskPath;
    private byte[]? _inMemory;

    /// <summary>
    /// Reads bytes the header read left in place (Pixel Data, fragments) at <paramref name="offset"/>. Positional and
    /// safe to call from several threads at once: each call opens its own handle, so frames of one file can be
    /// decoded in parallel and no handle outlives a read.
    /// </summary>
    internal void ReadAt(long offset, Span<byte> destination)
    {
        if (_inMemory is { } memory)
        {
            if (offset < 0 || offset + destination.Length > memory.Length)
                throw new DicomReadException($"{destination.Length} bytes at offset {offset} lie outside the data");
            memory.AsSpan((int)offset, destination.Length).CopyTo(destination);
            return;
        }
        if (_diskPath is null)
            throw new DicomReadException("the file was read from a stream that cannot be reopened for its pixel data");
        using var handle = System.IO.File.OpenHandle(_diskPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var done = 0;
        while (done < destination.Length)
        {
            var read = RandomAccess.Read(handle, destination[done..], offset + done);
            if (read <= 0) throw new DicomReadException($"the file changed while being read: it now ends at offset {offset + done}");
            done += read;
        }
    }

    /// <summary>Reads from a seekable stream positioned at the start of the file.</summary>
    public static DicomFile Read(Stream stream, string path, DicomReadOptions? options = null)
    {
        options ??= DicomReadOptions.Full;
        var warnings = new List<string>();
        using var source = new ByteSource(stream, ownsStream: false);
        var fileLength = source.Length ?? -1;
        if (fileLength == 0) throw new DicomReadException("the file is empty");

        var hasPreamble = ReadPreamble(source);
        var meta = new DicomDataset(DicomCharacterSet.Default, source.Position);
        var parser = new DicomParser(source, options, warnings);
        if (StartsWithGroup(source, 0x0002))
        {
            parser.ParseDataset(meta, explicitVR: true, bigEndian: false, onlyGroup: 0x0002);
        }
        else if (hasPreamble)
        {
            warnings.Add("no File Meta Information after the preamble; the dataset's encoding is detected");
        }

        CheckMetaComplete(meta, source);
        if (source.IsAtEnd)
        {
            throw new DicomReadException(meta.Count == 0
                ? "the file holds a preamble and 'DICM' but no data elements"
                : "the file ends after the File Meta Information: it holds no dataset", source.Position);
        }

        TransferSyntax syntax;
        var declared = meta.GetString(TransferSyntaxUidTag);
        if (!string.IsNullOrEmpty(declared))
        {
            syntax = TransferSyntax.FromUid(declared);
            if (!syntax.IsKnown) warnings.Add($"unknown transfer syntax {declared}: read as explicit VR little endian, encapsulated");
        }
        else
        {
            if (meta.Count > 0) warnings.Add("File Meta Information has no Transfer Syntax UID; the encoding is detected");
            syntax = DetectBareSyntax(source);
        }

        var dataset = new DicomDataset(DicomCharacterSet.Default, source.Position);

        if (syntax.IsDeflated)
        {
            var datasetStart = source.Position;
            using var inflated = new ByteSource(Inflate(source, options.MaxInflatedBytes), ownsStream: true, logicalStart: datasetStart,
                unseekableLimit: datasetStart + options.MaxInflatedBytes);
            var inflatedParser = new DicomParser(inflated, options, warnings);
            inflatedParser.ParseDataset(dataset, syntax.IsExplicitVR, syntax.IsBigEndian);
            return new DicomFile(path, meta, dataset, syntax, hasPreamble, fileLength, inflatedParser.StoppedAt ?? TopLevelPixelData(dataset), warnings);
        }

        parser.ParseDataset(dataset, syntax.IsExplicitVR, syntax.IsBigEndian);
        if (dataset.Count == 0)
            throw new DicomReadException("no data elements after the File Meta Information", dataset.Offset);
        return new DicomFile(path, meta, dataset, syntax, hasPreamble, fileLength, parser.StoppedAt ?? TopLevelPixelData(dataset), warnings);
    }

    /// <summary>
    /// The meta group length (0002,0000) says where the meta ends. It is often wrong by a few bytes in real files
    /// (the reader goes by group numbers instead), but a file that ends before it is cut inside its meta.
    /// </summary>
    private static void CheckMetaComplete(DicomDataset meta, ByteSource source)
    {
        if (meta.GetValue(new DicomTag(0x0002, 0x0000)) is not uint groupLength) return;
        var lengthElement = meta[new DicomTag(0x0002, 0x0000)]!;
        var declaredEnd = lengthElement.ValueOffset + 4 + groupLength;
        if (source.IsAtEnd && source.Length is { } total && declaredEnd > total)
            throw new DicomReadException($"the file ends inside the File Meta Information: its group length says it ends at offset {declaredEnd}, the file has {total} bytes", total);
    }

    private static DicomElement? TopLevelPixelData(DicomDataset dataset) =>
        dataset[DicomTag.PixelData] ?? dataset[DicomTag.FloatPixelData] ?? dataset[DicomTag.DoubleFloatPixelData];

    /// <summary>
    /// Consumes the 128-byte preamble and "DICM" when present. A file without them must start with a plausible
    /// element; otherwise it is not DICOM and the error says what was found.
    /// </summary>
    private static bool ReadPreamble(ByteSource source)
    {
        var head = source.PeekUpTo(PreambleLength + 4);
        if (head.Length >= PreambleLength + 4 && head.Slice(PreambleLength, 4).SequenceEqual("DICM"u8))
        {
            source.Take(PreambleLength + 4);
            return true;
        }
        if (LooksLikeElement(head)) return false;
        if (head.Length >= PreambleLength + 4)
        {
            var magic = head.Slice(PreambleLength, 4);
            var shown = TextEscaper.Escape(System.Text.Encoding.Latin1.GetString(magic));
            throw new DicomReadException($"not a DICOM file: found '{shown}' at offset 128 where 'DICM' should be, and no data element at offset 0");
        }
        if (IsAllZero(head))
            throw new DicomReadException($"not a DICOM file: {head.Length} bytes, too short to hold a preamble and 'DICM'");
        throw new DicomReadException($"not a DICOM file: no 'DICM' at offset 128 and no data element at offset 0 ({head.Length} bytes)");
    }

    private static bool IsAllZero(ReadOnlySpan<byte> span) => span.IndexOfAnyExcept((byte)0) < 0;

    /// <summary>
    /// A plausible first element of a bare dataset: a group in the range real datasets start with (meta 0002, or
    /// 0008 and the identifying groups up to the pixel module), read in either byte order.
    /// </summary>
    private static bool LooksLikeElement(ReadOnlySpan<byte> head)
    {
        if (head.Length < 8) return false;
        var little = BinaryPrimitives.ReadUInt16LittleEndian(head);
        var big = BinaryPrimitives.ReadUInt16BigEndian(head);
        return IsPlausibleFirstGroup(little) || IsPlausibleFirstGroup(big);
    }

    private static bool IsPlausibleFirstGroup(ushort group) => group is >= 0x0002 and <= 0x0028 && (group & 1) == 0;

    private static bool StartsWithGroup(ByteSource source, ushort group)
    {
        var head = source.PeekUpTo(8);
        return head.Length >= 8 && BinaryPrimitives.ReadUInt16LittleEndian(head) == group;
    }

    /// <summary>
    /// Byte order and VR encoding of a dataset without a declared transfer syntax: the group number reads small
    /// in the right byte order, and an explicit VR shows as two capital letters after the tag.
    /// </summary>
    private static TransferSyntax DetectBareSyntax(ByteSource source)
    {
        var head = source.PeekUpTo(8);
        if (head.Length < 8) throw new DicomReadException("not a DICOM file: too short to hold a data element", source.Position);
        var little = BinaryPrimitives.ReadUInt16LittleEndian(head);
        var big = BinaryPrimitives.ReadUInt16BigEndian(head);
        var bigEndian = !IsPlausibleFirstGroup(little) && IsPlausibleFirstGroup(big) || little > 0x7FE0 && big <= 0x7FE0;
        var vr = (DicomVR)((head[4] << 8) | head[5]);
        var explicitVR = DicomVRInfo.IsKnown(vr) && (!DicomVRInfo.HasLongLength(vr) || (head[6] == 0 && head[7] == 0));
        return (explicitVR, bigEndian) switch
        {
            (true, false) => TransferSyntax.ExplicitVRLittleEndian,
            (true, true) => TransferSyntax.ExplicitVRBigEndian,
            (false, false) => TransferSyntax.ImplicitVRLittleEndian,
            (false, true) => TransferSyntax.ImplicitVRBigEndian,
        };
    }

    /// <summary>
    /// The deflated dataset (PS3.5 A.5) is raw deflate; a few writers add a zlib wrapper, recognised by its two-byte
    /// header (compression method 8, header checksum divisible by 31). The result is capped so a small file cannot
    /// inflate without bound.
    /// </summary>
    private static CappedStream Inflate(ByteSource source, long maxBytes)
    {
        var head = source.PeekUpTo(2);
        var zlib = head.Length == 2 && (head[0] & 0x0F) == 8 && ((head[0] << 8) | head[1]) % 31 == 0;
        var compressed = source.RemainderAsStream();
        Stream inflater = zlib ? new ZLibStream(compressed, CompressionMode.Decompress) : new DeflateStream(compressed, CompressionMode.Decompress);
        return new CappedStream(inflater, maxBytes);
    }

    /// <summary>Fails with a clear error once more than the cap has been inflated, and turns zlib errors into ours.</summary>
    private sealed class CappedStream : ForwardOnlyStream
    {
        private readonly Stream _inner;
        private readonly long _cap;
        private long _total;

        public CappedStream(Stream inner, long cap)
        {
            _inner = inner;
            _cap = cap;
        }

        public override int Read(Span<byte> buffer)
        {
            int n;
            try
            {
                n = _inner.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw new DicomReadException($"deflated dataset is damaged: {e.Message}", _total, inner: e);
            }
            _total += n;
            if (_total > _cap)
                throw new DicomReadException($"deflated dataset inflates to more than {_cap} bytes", _total);
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }

    public override string ToString() => $"{System.IO.Path.GetFileName(Path)}: {Dataset.Count} elements, {TransferSyntax.Name}";
}
