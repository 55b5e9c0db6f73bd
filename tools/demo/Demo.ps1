<#
.SYNOPSIS
    The main job on the project's own sample: writes a synthetic CT phantom, inspects it, renders it three ways
    (min-max scaling, the window stored in the file, a preset) and prints the PNG paths. Run through `build.ps1 Demo`.
.PARAMETER ImageDirectory
    Also write the three renderings there under stable names (docs/images for the README:
    `build.ps1 Demo -UpdateReadmeImages`).
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$OutputDirectory,
    [string]$ImageDirectory
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

# The seed problem and its answer: min-max scaling spreads 4000 HU over 256 greys; the stored window and a preset
# show the tissues the reader needs.
$renderings = @(
    @{ Title = 'Min-max scaling (what naive converters do)'; File = 'phantom_minmax.png'; Arguments = @{ AutoWindow = 'MinMax' } }
    @{ Title = 'The window stored in the file (SOFT TISSUE 40/400)'; File = 'phantom_stored_window.png'; Arguments = @{} }
    @{ Title = 'The Lung preset (-600/1500)'; File = 'phantom_lung_preset.png'; Arguments = @{ Preset = 'Lung' } }
)
foreach ($rendering in $renderings) {
    Write-Host "--- $($rendering.Title) ---"
    $arguments = $rendering.Arguments
    $image = Get-DicomInfo -Path $sample | ConvertTo-WindowedImage @arguments
    $png = $image | Export-DicomImage -Path (Join-Path $OutputDirectory $rendering.File) -PassThru
    Write-Host "PNG: $($png.FullName)"
    if ($ImageDirectory) {
        New-Item -ItemType Directory -Path $ImageDirectory -Force | Out-Null
        $kept = $image | Export-DicomImage -Path (Join-Path $ImageDirectory $rendering.File) -Force -PassThru
        Write-Host "     $($kept.FullName)"
    }
}
