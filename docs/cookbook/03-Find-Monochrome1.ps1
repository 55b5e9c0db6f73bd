<#
.SYNOPSIS
    Finds the radiographs stored as MONOCHROME1 (white is low), the ones naive converters show as negatives.
.EXAMPLE
    ./03-Find-Monochrome1.ps1 -Source D:\Archive | Format-Table
#>
param([Parameter(Mandatory)][string]$Source)
Get-ChildItem -LiteralPath $Source -Recurse -File |
    Get-DicomInfo -ErrorAction SilentlyContinue |
    Where-Object { $_.Modality -in 'CR', 'DX', 'MG' -and $_.PhotometricInterpretation -eq 'MONOCHROME1' } |
    Select-Object Path, Modality, PatientID, StudyDate, Rows, Columns, PresentationLUTShape
