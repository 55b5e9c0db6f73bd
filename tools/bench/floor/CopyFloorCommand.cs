using System.IO;
using System.Management.Automation;

namespace DicomToolsBench;

/// <summary>Reads a file and writes its first 100 bytes: a cmdlet call that does next to nothing.</summary>
[Cmdlet(VerbsCommon.Copy, "Floor")]
public sealed class CopyFloorCommand : PSCmdlet
{
    [Parameter(Mandatory = true)]
    public string SourcePath { get; set; } = "";

    [Parameter(Mandatory = true)]
    public string Path { get; set; } = "";

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var bytes = File.ReadAllBytes(SourcePath);
        File.WriteAllBytes(Path, bytes[..System.Math.Min(100, bytes.Length)]);
    }
}
