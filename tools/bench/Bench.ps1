<#
.SYNOPSIS
    Throughput and memory benchmarks (run through `build.ps1 Bench`). Makes its own inputs with the project's writer:
      (a) 1000 slices of 512x512 12-bit CT -> PNG through the whole pipeline, in a new process
          (Get-ChildItem | Get-DicomInfo | ConvertTo-WindowedImage | Export-DicomImage);
      (b) a header scan of 5000 files in a new process (Get-ChildItem | Get-DicomInfo);
      (c) decode throughput per transfer syntax (512x512 16-bit frames), beside DCMTK and GDCM when installed.
    When Debian's python3-pydicom, python3-numpy and python3-pil are present, (a) and (b) also run as pydicom loops and
    the ratio is reported. Targets: (a) faster than pydicom, peak memory under 300 MB; (b) faster than pydicom's
    dcmread(stop_before_pixels=True) loop; lossless JPEG decoding at least as fast as DCMTK's dcmdjpeg.
    Timings are of whole processes (start-up included) and vary with the machine: they are reported, never asserted.
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$WorkDirectory,
    [int]$Slices = 1000,
    [int]$HeaderFiles = 5000
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
New-Item -ItemType Directory -Force -Path $WorkDirectory | Out-Null

function Invoke-Measured {
    # Runs a command line in a new process $Repeat times; returns the median wall time and the peak resident memory
    # the process reported. Start-up times vary run to run; the median keeps one slow start from deciding a ratio.
    param([string]$Exe, [string[]]$Arguments, [int]$Repeat = 3)
    $runs = 1..$Repeat | ForEach-Object { Invoke-MeasuredOnce $Exe $Arguments }
    $sorted = @($runs | Sort-Object Seconds)
    $median = $sorted[[int][Math]::Floor(($sorted.Count - 1) / 2)]
    [pscustomobject]@{ Seconds = $median.Seconds; PeakMB = ($runs | Measure-Object PeakMB -Maximum).Maximum; ExitCode = $median.ExitCode }
}

function Invoke-MeasuredOnce {
    param([string]$Exe, [string[]]$Arguments)
    $peakFile = [IO.Path]::GetTempFileName()
    $env:DICOMTOOLS_BENCH_PEAK = $peakFile
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & $Exe @Arguments | Out-Host
    $sw.Stop()
    $code = $LASTEXITCODE
    $peak = [double](Get-Content $peakFile -Raw -ErrorAction SilentlyContinue)
    Remove-Item $peakFile -ErrorAction SilentlyContinue
    [pscustomobject]@{ Seconds = $sw.Elapsed.TotalSeconds; PeakMB = $peak / 1MB; ExitCode = $code }
}

function Get-PwshCommand {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { return @($process, (Join-Path $PSHOME 'pwsh.dll')) }
    return @($process)
}

function New-Series([string]$Folder, [int]$Count, [int]$Size) {
    if ((Test-Path $Folder) -and @(Get-ChildItem $Folder -Filter *.dcm).Count -eq $Count) { return }
    if (Test-Path $Folder) { Remove-Item $Folder -Recurse -Force }
    New-Item -ItemType Directory -Path $Folder | Out-Null
    $series = '2.25.' + [Numerics.BigInteger]::new([Guid]::NewGuid().ToByteArray() + [byte[]]@(0))
    $study = $series + '.1'
    Write-Host "Writing $Count slices of ${Size}x$Size to $Folder"
    for ($i = 0; $i -lt $Count; $i++) {
        ([DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', $true))::Write((Join-Path $Folder ('slice{0:d5}.dcm' -f $i)), $Size, $i, $series, $study)
    }
}

$python = Get-Command /usr/bin/python3 -ErrorAction SilentlyContinue
$hasPydicom = $false
if ($python) {
    & $python.Source -c 'import pydicom, numpy, PIL' 2>$null
    $hasPydicom = $LASTEXITCODE -eq 0
}
$pwsh = Get-PwshCommand
$peakSnippet = '[IO.File]::WriteAllText($env:DICOMTOOLS_BENCH_PEAK, [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64.ToString())'
$results = [Collections.Generic.List[object]]::new()

# ---------------------------------------------------------------- (a) full pipeline
$series = Join-Path $WorkDirectory 'ct512'
New-Series $series $Slices 512
$inputMB = (Get-ChildItem $series -Filter *.dcm | Measure-Object Length -Sum).Sum / 1MB
$pngOut = Join-Path $WorkDirectory 'png-dicomtools'
if (Test-Path $pngOut) { Remove-Item $pngOut -Recurse -Force }
$script = "Import-Module '$ModulePath'; Get-ChildItem '$series' -Filter *.dcm | Get-DicomInfo | ConvertTo-WindowedImage | Export-DicomImage -OutputDirectory '$pngOut' -Force; $peakSnippet"
Write-Host "(a) DicomTools: $Slices slices -> PNG (3 runs, median)"
$ours = Invoke-Measured $pwsh[0] (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script))
$written = @(Get-ChildItem $pngOut -Filter *.png).Count
$results.Add([pscustomobject]@{ Job = "(a) $Slices x 512x512 CT -> PNG"; Tool = 'DicomTools'; Seconds = $ours.Seconds; PerSecond = $written / $ours.Seconds; MBps = $inputMB / $ours.Seconds; PeakMB = $ours.PeakMB; Note = "$written PNG written" })

if ($hasPydicom) {
    $pyOut = Join-Path $WorkDirectory 'png-pydicom'
    if (Test-Path $pyOut) { Remove-Item $pyOut -Recurse -Force }
    New-Item -ItemType Directory -Path $pyOut | Out-Null
    Write-Host "(a) pydicom + numpy + Pillow: $Slices slices -> PNG (3 runs, median)"
    $py = Invoke-Measured $python.Source @((Join-Path $PSScriptRoot 'pydicom_pipeline.py'), $series, $pyOut)
    $results.Add([pscustomobject]@{ Job = "(a) $Slices x 512x512 CT -> PNG"; Tool = 'pydicom'; Seconds = $py.Seconds; PerSecond = $Slices / $py.Seconds; MBps = $inputMB / $py.Seconds; PeakMB = $py.PeakMB; Note = ('DicomTools is {0:0.0}x faster' -f ($py.Seconds / $ours.Seconds)) })
}

# ---------------------------------------------------------------- (b) header scan
$headers = Join-Path $WorkDirectory 'headers'
New-Series $headers $HeaderFiles 64
$script = "Import-Module '$ModulePath'; `$n = (Get-ChildItem '$headers' -Filter *.dcm | Get-DicomInfo | Measure-Object).Count; Write-Host ""`$n headers""; $peakSnippet"
Write-Host "(b) DicomTools: header scan of $HeaderFiles files (3 runs, median)"
$scan = Invoke-Measured $pwsh[0] (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script))
$results.Add([pscustomobject]@{ Job = "(b) header scan, $HeaderFiles files"; Tool = 'DicomTools'; Seconds = $scan.Seconds; PerSecond = $HeaderFiles / $scan.Seconds; MBps = $null; PeakMB = $scan.PeakMB; Note = '' })
if ($hasPydicom) {
    Write-Host "(b) pydicom dcmread(stop_before_pixels=True) loop (3 runs, median)"
    $pyScan = Invoke-Measured $python.Source @((Join-Path $PSScriptRoot 'pydicom_headers.py'), $headers)
    $results.Add([pscustomobject]@{ Job = "(b) header scan, $HeaderFiles files"; Tool = 'pydicom'; Seconds = $pyScan.Seconds; PerSecond = $HeaderFiles / $pyScan.Seconds; MBps = $null; PeakMB = $pyScan.PeakMB; Note = ('DicomTools is {0:0.0}x faster' -f ($pyScan.Seconds / $scan.Seconds)) })
}

# ---------------------------------------------------------------- (c) decode throughput per transfer syntax
& (Join-Path $PSScriptRoot 'CodecBench.ps1') -ModulePath $ModulePath -WorkDirectory (Join-Path $WorkDirectory 'codecs') -Results $results

# ---------------------------------------------------------------- (e) DCT JPEG against dcmdjpeg
& (Join-Path $PSScriptRoot 'DctBench.ps1') -ModulePath $ModulePath -WorkDirectory (Join-Path $WorkDirectory 'dct') -Results $results

# ---------------------------------------------------------------- (d) soak
& (Join-Path $PSScriptRoot 'Soak.ps1') -ModulePath $ModulePath -WorkDirectory (Join-Path $WorkDirectory 'soak') -Results $results

Write-Host ''
Write-Host 'Results (whole processes, start-up included; figures vary with the machine):'
$results | Format-Table Job, Tool, @{ n = 'Seconds'; e = { '{0:0.00}' -f $_.Seconds } }, @{ n = 'Items/s'; e = { '{0:0.0}' -f $_.PerSecond } },
    @{ n = 'MB/s'; e = { if ($null -ne $_.MBps) { '{0:0.0}' -f $_.MBps } } }, @{ n = 'Peak MB'; e = { if ($_.PeakMB) { '{0:0}' -f $_.PeakMB } } }, Note -AutoSize |
    Out-String -Width 250 | Out-Host
$ourPeak = ($results | Where-Object { $_.Tool -eq 'DicomTools' -and $_.Job -like '(a)*' }).PeakMB
Write-Host ('Target: peak memory of (a) under 300 MB: {0}' -f $(if ($ourPeak -lt 300) { 'met' } else { 'NOT met' }))
