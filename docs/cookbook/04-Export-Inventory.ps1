<#
.SYNOPSIS
    An inventory of an archive as CSV: one row per file, the columns a spreadsheet or a database import needs.
.EXAMPLE
    ./04-Export-Inventory.ps1 -Source D:\Archive -CsvPath D:\inventory.csv
#>
param(
    [Parameter(Mandatory)][string]$Source,
    [Parameter(Mandatory)][string]$CsvPath
)
Get-ChildItem -LiteralPath $Source -Recurse -File |
    Get-DicomInfo -ErrorAction SilentlyContinue |
    Select-Object Path, FileSize, Modality, PatientID,
        @{ Name = 'PatientName'; Expression = { "$($_.PatientName)" } },
        @{ Name = 'StudyDate'; Expression = { if ($_.StudyDate) { $_.StudyDate.ToString('yyyy-MM-dd') } } },
        StudyDescription, StudyInstanceUID, SeriesInstanceUID, SeriesNumber, InstanceNumber,
        Rows, Columns, NumberOfFrames, PhotometricInterpretation, TransferSyntaxUID |
    Export-Csv -LiteralPath $CsvPath -NoTypeInformation -Encoding utf8
Get-Item -LiteralPath $CsvPath
