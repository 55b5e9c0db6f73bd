using System.Globalization;
using System.Text.Json;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// Every corpus file read by our reader and by pydicom 2.3.1 (an independent implementation, run at test time):
/// the same elements at every level, the same sequence item counts, the same VRs where the file states them, and
/// the same text and integer values. pydicom's output is the truth here; files pydicom cannot read are skipped.
/// </summary>
public sealed class PydicomCrossCheckTests
{
    // Dumps each file's dataset (not the meta) as JSON: per element its tag, VR, and a comparable value.
    private const string DumpScript = """
import sys, json, os, warnings
warnings.simplefilter("ignore")
import pydicom
from pydicom.multival import MultiValue
TEXT = {'AE','AS','CS','DA','DS','DT','IS','LO','LT','PN','SH','ST','TM','UC','UI','UR','UT'}
INTS = {'US','SS','UL','SL','SV','UV'}
def values(v):
    return list(v) if isinstance(v, (list, MultiValue)) else [v]
def dump(ds):
    out = []
    for elem in ds:
        e = {'tag': elem.tag.real, 'vr': elem.VR}
        try:
            if elem.VR == 'SQ':
                e['items'] = [dump(item) for item in elem.value]
            elif elem.VR in TEXT and elem.value is not None and not isinstance(elem.value, bytes):
                e['text'] = [str(x) for x in values(elem.value)]
            elif elem.VR in INTS and elem.value is not None and not isinstance(elem.value, bytes):
                e['ints'] = [int(x) for x in values(elem.value)]
        except Exception as ex:
            e['error'] = repr(ex)
        out.append(e)
    return out
for path in sys.argv[1:]:
    name = os.path.basename(path)
    try:
        ds = pydicom.dcmread(path, force=True)
        ds.decode()
        if len(ds) == 0: raise ValueError('nothing read')
        print(json.dumps({'file': name, 'explicit': not ds.is_implicit_VR, 'elements': dump(ds)}))
    except Exception as ex:
        print(json.dumps({'file': name, 'error': repr(ex)}))
""";

    [SkippableFact]
    public void Corpus_files_read_as_pydicom_reads_them()
    {
        CorpusFacts.RequireCorpus();
        PydicomScript.RequirePython();
        // The broken__ files are damaged on purpose; where to stop reading them is a reader's choice (see
        // BrokenCorpusTests), so they are not compared.
        var files = Directory.GetFiles(TestCorpus.Directory!, "*.dcm")
            .Where(f => !Path.GetFileName(f).StartsWith("broken__", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var dumps = RunPydicom(files);

        var problems = new List<string>();
        var compared = 0;
        foreach (var path in files)
        {
            var name = Path.GetFileName(path);
            var expected = dumps[name];
            if (expected.TryGetProperty("error", out _)) continue; // pydicom cannot read it: no truth to compare with
            DicomFile file;
            try
            {
                file = DicomFile.Open(path, DicomReadOptions.Full);
            }
            catch (DicomReadException e)
            {
                problems.Add($"{name}: pydicom reads it, we refuse: {e.Message}");
                continue;
            }
            compared++;
            Compare(name, file.Dataset, expected.GetProperty("elements"), expected.GetProperty("explicit").GetBoolean(), problems);
        }

        Assert.True(compared > 100, $"only {compared} files compared");
        Assert.True(problems.Count == 0, $"{problems.Count} difference(s) from pydicom:\n" + string.Join("\n", problems.Take(40)));
    }

    private static Dictionary<string, JsonElement> RunPydicom(string[] files) =>
        PydicomScript.RunJsonLines(DumpScript, files).ToDictionary(e => e.GetProperty("file").GetString()!, e => e, StringComparer.Ordinal);

    private static void Compare(string where, DicomDataset ours, JsonElement theirs, bool explicitVR, List<string> problems)
    {
        var expectedTags = new HashSet<uint>();
        foreach (var element in theirs.EnumerateArray())
        {
            var tag = new DicomTag(element.GetProperty("tag").GetUInt32());
            expectedTags.Add(tag.Value);
            var at = $"{where} {tag}";
            var mine = ours[tag];
            if (mine is null)
            {
                problems.Add($"{at}: pydicom has it, we do not");
                continue;
            }
            // pydicom also knows vendors' private dictionaries; we read a private element without a VR as UN.
            if (tag.IsPrivate && mine.VR == DicomVR.UN) continue;
            var vr = element.GetProperty("vr").GetString()!;
            if (explicitVR && vr.Length == 2 && tag.Group != 0x7FE0 && DicomVRInfo.ToCode(mine.VR) != vr)
                problems.Add($"{at}: VR {DicomVRInfo.ToCode(mine.VR)}, pydicom {vr}");
            if (element.TryGetProperty("items", out var items))
            {
                if (mine.Items.Count != items.GetArrayLength())
                {
                    problems.Add($"{at}: {mine.Items.Count} items, pydicom {items.GetArrayLength()}");
                    continue;
                }
                var i = 0;
                foreach (var item in items.EnumerateArray()) Compare($"{at}[{i}]", mine.Items[i++], item, explicitVR, problems);
            }
            else if (element.TryGetProperty("text", out var text))
            {
                var expected = Normalise(text.EnumerateArray().Select(t => t.GetString() ?? ""));
                var actual = mine.GetText() is { } mineText
                    ? Normalise(DicomVRInfo.IsSingleValuedText(mine.VR) ? new[] { mineText } : mineText.Split('\\'))
                    : "";
                if (expected != actual) problems.Add($"{at}: '{TextEscaper.Escape(actual)}', pydicom '{TextEscaper.Escape(expected)}'");
            }
            else if (element.TryGetProperty("ints", out var ints))
            {
                var expected = string.Join(",", ints.EnumerateArray().Select(x => x.GetInt64()));
                var actual = mine.Value switch
                {
                    null => "",
                    Array a when a is not byte[] => string.Join(",", a.Cast<object>().Select(v => Convert.ToInt64(v, CultureInfo.InvariantCulture))),
                    byte[] => "(bytes)",
                    var v => Convert.ToInt64(v, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                };
                if (expected != actual) problems.Add($"{at}: {actual}, pydicom {expected}");
            }
        }
        foreach (var mine in ours)
        {
            if (!expectedTags.Contains(mine.Tag.Value)) problems.Add($"{where} {mine.Tag}: we have it, pydicom does not");
        }
    }

    /// <summary>Values compared without padding (PS3.5 6.2: trailing spaces and a UI's NUL are not significant).</summary>
    private static string Normalise(IEnumerable<string> values)
    {
        var joined = string.Join("\\", values.Select(v => v.Trim(' ', '\0')));
        return joined.Trim('\\').Length == 0 ? "" : joined;
    }
}
