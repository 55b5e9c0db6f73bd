<#
.SYNOPSIS
    JPEG previews for a web page or a referrer, filed by patient, study date and series; values from headers are
    made safe as folder and file names.
.EXAMPLE
    ./10-Export-JpegPreviews.ps1 -Source D:\Archive -Destination D:\Previews -Preset Lung
#>
param(
    [Parameter(Mandatory)][string]$Source,
    [Parameter(Mandatory)][string]$Destination,
    # A window preset for every image (e.g. Lung, Bone); by default the window stored in each file.
    [string]$Preset,
    [ValidateRange(1, 100)][int]$Quality = 85
)
$windowing = if ($Preset) { @{ Preset = $Preset } } else { @{} }
Get-ChildItem -LiteralPath $Source -Recurse -File |
    Get-DicomInfo -ErrorAction SilentlyContinue |
    Where-Object HasPixelData |
    ConvertTo-WindowedImage @windowing |
    Export-DicomImage -Path (Join-Path $Destination '{PatientID}/{StudyDate}/{SeriesNumber}_{InstanceNumber:0000}_{Frame}.jpg') -Format Jpeg -Quality $Quality -PassThru
