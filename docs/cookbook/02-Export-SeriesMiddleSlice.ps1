<#
.SYNOPSIS
    One PNG per series: its middle slice, with the window stored in the file. A quick visual index of an archive.
.EXAMPLE
    ./02-Export-SeriesMiddleSlice.ps1 -Source D:\Archive -Destination D:\Index
#>
param(
    [Parameter(Mandatory)][string]$Source,
    [Parameter(Mandatory)][string]$Destination
)
Get-ChildItem -LiteralPath $Source -Recurse -File |
    Get-DicomInfo -ErrorAction SilentlyContinue |          # headers only: fast, and non-DICOM files are skipped
    Where-Object HasPixelData |
    Group-Object SeriesInstanceUID |
    ForEach-Object {
        $slices = @($_.Group | Sort-Object InstanceNumber)
        $middle = $slices[[math]::Floor(($slices.Count - 1) / 2)]
        # A series stored as one multi-frame object: its middle frame.
        $middle | Get-DicomPixelData -Frame ([math]::Floor(($middle.NumberOfFrames - 1) / 2))
    } |
    Export-DicomImage -Path (Join-Path $Destination '{PatientID}_{SeriesNumber}_{SeriesInstanceUID}.png') -PassThru
