<#
.SYNOPSIS
    The main job on the project's own sample: writes a synthetic CT phantom, inspects it, renders it with the window
    stored in the file and with a preset, and prints the PNG paths. Run through `build.ps1 Demo`.
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$OutputDirectory
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

if (Test-Path $OutputDirectory) { Remove-Item $OutputDirectory -Recurse -Force }
New-Item -ItemType Directory -Path $OutputDirectory | Out-Null
$sample = Join-Path $OutputDirectory 'phantom_ct.dcm'
([DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', $true))::Write($sample, 512, 0, $null, $null)

Write-Host "Sample written by DicomTools' own writer: $sample"
Write-Host ''
Write-Host '--- Get-DicomInfo ---'
$info = Get-DicomInfo -Path $sample
$info | Format-Table | Out-String | Write-Host
$info | Select-Object Modality, PatientName, Rows, Columns, BitsStored, RescaleIntercept, RescaleSlope, WindowCenter, WindowWidth, WindowCenterWidthExplanation |
    Format-List | Out-String | Write-Host

Write-Host '--- The window stored in the file (SOFT TISSUE 40/400) ---'
$stored = Get-DicomInfo -Path $sample | ConvertTo-WindowedImage | Export-DicomImage -Path (Join-Path $OutputDirectory 'phantom_stored_window.png') -PassThru
Write-Host "PNG: $($stored.FullName)"
Write-Host '--- The Lung preset (-600/1500) ---'
$preset = Get-DicomInfo -Path $sample | ConvertTo-WindowedImage -Preset Lung | Export-DicomImage -Path (Join-Path $OutputDirectory 'phantom_lung_preset.png') -PassThru
Write-Host "PNG: $($preset.FullName)"
