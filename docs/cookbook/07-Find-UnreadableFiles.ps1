<#
.SYNOPSIS
    Lists the files of a tree that are not readable DICOM, with the reason, e.g. before a migration.
.EXAMPLE
    ./07-Find-UnreadableFiles.ps1 -Source D:\Archive | Export-Csv D:\unreadable.csv -NoTypeInformation
#>
param([Parameter(Mandatory)][string]$Source)
Get-ChildItem -LiteralPath $Source -Recurse -File |
    Get-DicomInfo -ErrorAction SilentlyContinue -ErrorVariable problems | Out-Null
foreach ($problem in $problems) {
    [pscustomobject]@{
        Path    = "$($problem.TargetObject)"
        ErrorId = ($problem.FullyQualifiedErrorId -split ',')[0]
        Reason  = $problem.Exception.Message
    }
}
