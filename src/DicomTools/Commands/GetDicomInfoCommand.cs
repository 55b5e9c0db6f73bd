using System.Management.Automation;
using DicomTools.Dicom;
using DicomTools.Commands;

namespace DicomTools;

/// <summary>Get-DicomInfo: reads DICOM headers (never the pixel values) and writes one DicomInfo per file.</summary>
[Cmdlet(VerbsCommon.Get, "DicomInfo", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DicomInfo))]
public sealed class GetDicomInfoCommand : DicomPathCmdlet
{
    protected override void ProcessRecord()
    {
        foreach (var path in ResolveInputPaths())
        {
            if (Stopping) return;
            DicomInfo info;
            try
            {
                TestHooks.Check(path);
                info = new DicomInfo(DicomFile.Open(path, DicomReadOptions.HeaderOnly));
            }
            catch (Exception e) when (ErrorPolicy.IsPerFile(e))
            {
                ReportError(path, e);
                continue;
            }
            ReportWarnings(path, info.Warnings);
            WriteObject(info);
        }
    }
}
