<#
.SYNOPSIS
    Speed and memory of whole processes, each beside its peer in the same run (through `build.ps1 Bench`). Makes its
    own inputs with the project's writer:
      (a) one file, one command: a new shell imports the module and renders one JPEG lossless CT slice to PNG,
          beside a bare `pwsh -Command 1` (target: at most 1.12x);
      (b) header scans of 5 000 and 20 000 files, `Get-ChildItem | Get-DicomInfo` and `Get-DicomInfo dir/*.dcm`,
          beside pydicom's dcmread(stop_before_pixels=True) loop (targets: 0.6x and 0.4x);
      (c) 1 000 slices of 512x512 CT to PNG through the whole pipeline, beside pydicom + numpy + Pillow (target:
          0.33x, fewer CPU seconds, peak memory at most 1.5x a bare shell's); PNG sizes reported;
      (d) decode rates per transfer syntax beside DCMTK and GDCM (CodecBench.ps1), and DCT JPEG beside dcmdjpeg
          (DctBench.ps1);
      (e) a soak of 10 000 files, a tenth broken (Soak.ps1).
    Every figure is a median of -Runs whole-process runs (A B A B ...), timed by the operating system (GNU time).
    Prints one table; keeps every raw run in <WorkDirectory>/runs/<time>.json and latest.json. With -Baseline
    <json>, flags each job whose time (or ratio to its peer, where it has one) got more than 10% worse.
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$WorkDirectory,
    [int]$Runs = 5,
    [int]$Slices = 1000,
    [int[]]$HeaderFiles = @(5000, 20000),
    [string]$Baseline,
    [switch]$Quick
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'Measure.ps1')
Import-Module $ModulePath -Force
New-Item -ItemType Directory -Force -Path $WorkDirectory | Out-Null
if ($Quick) { $Runs = 3; $Slices = 200; $HeaderFiles = @(2000) }
if (-not (Test-Path /usr/bin/time)) { throw '/usr/bin/time (Debian package "time") is needed to time whole processes' }

function New-Series([string]$Folder, [int]$Count, [int]$Size) {
    if ((Test-Path $Folder) -and @(Get-ChildItem $Folder -Filter *.dcm).Count -eq $Count) { return }
    if (Test-Path $Folder) { Remove-Item $Folder -Recurse -Force }
    New-Item -ItemType Directory -Path $Folder | Out-Null
    $series = '2.25.' + [Numerics.BigInteger]::new([Guid]::NewGuid().ToByteArray() + [byte[]]@(0))
    $study = $series + '.1'
    Write-Host "  writing $Count slices of ${Size}x$Size to $Folder"
    for ($i = 0; $i -lt $Count; $i++) {
        ([DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', $true))::Write((Join-Path $Folder ('slice{0:d5}.dcm' -f $i)), $Size, $i, $series, $study)
    }
}

$python = (Get-Command /usr/bin/python3 -ErrorAction SilentlyContinue)?.Source
$hasPydicom = $false
if ($python) { & $python -c 'import pydicom, numpy, PIL' 2>$null; $hasPydicom = $LASTEXITCODE -eq 0 }
if (-not $hasPydicom) { Write-Warning 'python3-pydicom, python3-numpy and python3-pil are missing: the jobs compared with pydicom run without their peer' }
$pwsh = @(Get-PwshCommand) + @('-NoProfile', '-NonInteractive')
$rows = [Collections.Generic.List[object]]::new()
$memoryGiB = [double]((Get-Content /proc/meminfo -TotalCount 1) -replace '\D', '') / 1MB
$cpuModel = (Get-Content /proc/cpuinfo | Select-String 'model name' | Select-Object -First 1) -replace '.*:\s*', ''
$machine = '{0} cores, {1:0} GiB, {2}' -f [Environment]::ProcessorCount, $memoryGiB, $cpuModel

# ---------------------------------------------------------------- (a) one file, one command
Write-Host '(a) one file, one command'
$ct = Join-Path $WorkDirectory 'one/ct-jpeg-lossless.dcm'
if (-not (Test-Path $ct)) {
    New-Item -ItemType Directory -Force -Path (Split-Path $ct) | Out-Null
    $native = Join-Path $WorkDirectory 'one/ct-native.dcm'
    ([DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', $true))::Write($native, 512, 0, '2.25.1', '2.25.2')
    if (Get-Command dcmcjpeg -ErrorAction SilentlyContinue) { & dcmcjpeg +e1 $native $ct } else { Copy-Item $native $ct }
}
$onePng = Join-Path $WorkDirectory 'one/ct.png'
$rows.Add((Measure-Job -Job '(a) new shell: import, 1 JPEG lossless slice -> PNG' -Runs $Runs `
    -Ours ($pwsh + @('-Command', "Import-Module '$ModulePath'; Export-DicomImage -SourcePath '$ct' -Path '$onePng' -Force")) `
    -PeerName 'bare pwsh -Command 1' -Peer ($pwsh + @('-Command', '1')) -Target 1.12 -TargetText '<= 1.12x'))
$bareShellPeak = $rows[-1].PeerPeakMB
# PowerShell's own floor for any binary module: import one whose only cmdlet copies 100 bytes, and call it.
$floor = Join-Path $WorkDirectory 'floor'
& dotnet build (Join-Path $PSScriptRoot 'floor/FloorModule.csproj') -c Release -o $floor --nologo -v quiet | Out-Null
if ($LASTEXITCODE -eq 0) {
    Set-Content -Path (Join-Path $floor 'FloorModule.psd1') -Value "@{ RootModule = 'FloorModule.dll'; ModuleVersion = '1.0'; GUID = '5f0c8a4e-2f4b-4a51-9a57-3c1d2b7e9a10'; CmdletsToExport = 'Copy-Floor' }"
    $rows.Add((Measure-Job -Job '(a) floor: import a one-cmdlet binary module, copy 100 bytes' -Runs $Runs `
        -Ours ($pwsh + @('-Command', "Import-Module '$floor/FloorModule.psd1'; Copy-Floor -SourcePath '$ct' -Path '$onePng.floor' -Force")) `
        -PeerName 'bare pwsh -Command 1' -Peer ($pwsh + @('-Command', '1')) -TargetText 'reference for (a)'))
}
else { Write-Warning 'the floor module did not build; job (a) runs without its reference row' }

# ---------------------------------------------------------------- (b) header scans
foreach ($count in $HeaderFiles) {
    Write-Host "(b) header scan, $count files"
    $headers = Join-Path $WorkDirectory "headers-$count"
    New-Series $headers $count 64
    $target = if ($count -ge 20000) { 0.4 } else { 0.6 }
    $peer = if ($hasPydicom) { @($python, (Join-Path $PSScriptRoot 'pydicom_headers.py'), $headers) } else { $null }
    $rows.Add((Measure-Job -Job "(b) header scan, $count files: Get-ChildItem | Get-DicomInfo" -Runs $Runs `
        -Ours ($pwsh + @('-Command', "Import-Module '$ModulePath'; (Get-ChildItem '$headers' -Filter *.dcm | Get-DicomInfo | Measure-Object).Count")) `
        -PeerName 'pydicom dcmread loop' -Peer $peer -Target $target -TargetText "<= ${target}x"))
    $rows.Add((Measure-Job -Job "(b) header scan, $count files: Get-DicomInfo dir/*.dcm" -Runs $Runs `
        -Ours ($pwsh + @('-Command', "Import-Module '$ModulePath'; (Get-DicomInfo '$headers/*.dcm' | Measure-Object).Count")) `
        -PeerName 'pydicom dcmread loop' -Peer $peer -Target $target -TargetText "<= ${target}x"))
}

# ---------------------------------------------------------------- (c) the whole pipeline
Write-Host "(c) $Slices slices -> PNG"
$series = Join-Path $WorkDirectory 'ct512'
New-Series $series $Slices 512
$pngOurs = Join-Path $WorkDirectory 'png-dicomtools'
$pngPeer = Join-Path $WorkDirectory 'png-pydicom'
New-Item -ItemType Directory -Force -Path $pngOurs, $pngPeer | Out-Null
$peer = if ($hasPydicom) { @($python, (Join-Path $PSScriptRoot 'pydicom_pipeline.py'), $series, $pngPeer) } else { $null }
$sizes = {
    $ours = (Get-ChildItem $pngOurs -Filter *.png | Measure-Object Length -Sum)
    $theirs = (Get-ChildItem $pngPeer -Filter *.png | Measure-Object Length -Sum)
    $text = '{0} PNG, {1:0.0} MB' -f $ours.Count, ($ours.Sum / 1MB)
    if ($theirs.Count) { $text += ('; Pillow {0:0.0} MB ({1:+0;-0}%)' -f ($theirs.Sum / 1MB), (100 * ($ours.Sum / $theirs.Sum - 1))) }
    $text
}
$pipeline = Measure-Job -Job "(c) $Slices x 512x512 CT -> PNG, whole pipeline" -Runs $Runs `
    -Ours ($pwsh + @('-Command', "Import-Module '$ModulePath'; Get-ChildItem '$series' -Filter *.dcm | Get-DicomInfo | ConvertTo-WindowedImage | Export-DicomImage -OutputDirectory '$pngOurs' -Force")) `
    -PeerName 'pydicom + numpy + Pillow' -Peer $peer -Target 0.33 -TargetText '<= 0.33x, less CPU' -Check $sizes
if ($null -ne $pipeline.PeerCpuSeconds -and $pipeline.Met) { $pipeline.Met = $pipeline.CpuSeconds -lt $pipeline.PeerCpuSeconds }
$pipeline.Note = '{0}; peak {1:0} MB = {2:0.00}x a bare shell''s (target <= 1.5x)' -f $pipeline.Note, $pipeline.PeakMB, ($pipeline.PeakMB / $bareShellPeak)
$rows.Add($pipeline)

# ---------------------------------------------------------------- (d) codecs, (e) soak
if (-not $Quick) {
    $codecRows = [Collections.Generic.List[object]]::new()
    & (Join-Path $PSScriptRoot 'CodecBench.ps1') -ModulePath $ModulePath -WorkDirectory (Join-Path $WorkDirectory 'codecs') -Results $codecRows
    # DCT JPEG, 300 frames of 8-bit baseline and 12-bit extended, beside dcmdjpeg (target: at most its time).
    & (Join-Path $PSScriptRoot 'DctBench.ps1') -ModulePath $ModulePath -WorkDirectory (Join-Path $WorkDirectory 'dct') -Results $codecRows
    foreach ($group in $codecRows | Group-Object Job) {
        $ours = $group.Group | Where-Object Tool -eq 'DicomTools' | Select-Object -First 1
        foreach ($peerRow in $group.Group | Where-Object Tool -ne 'DicomTools') {
            $rates = '{0:0} vs {1:0} frames/s ({2})' -f $ours.PerSecond, $peerRow.PerSecond, $ours.Note
            $rows.Add([pscustomobject]@{
                Job = $group.Name; Seconds = $null; CpuSeconds = $null; PeakMB = $null; Peer = $peerRow.Tool
                PeerSeconds = $null; PeerCpuSeconds = $null; PeerPeakMB = $null
                # Time per frame, ours over theirs.
                Ratio = $peerRow.PerSecond / [Math]::Max($ours.PerSecond, 0.001); Target = $null; Met = $null
                Note = $rates
            })
        }
    }
    $soakRows = [Collections.Generic.List[object]]::new()
    & (Join-Path $PSScriptRoot 'Soak.ps1') -ModulePath $ModulePath -WorkDirectory (Join-Path $WorkDirectory 'soak') -Results $soakRows
    foreach ($s in $soakRows) {
        $rows.Add([pscustomobject]@{ Job = $s.Job; Seconds = $s.Seconds; CpuSeconds = $null; PeakMB = $s.PeakMB; Peer = $null; PeerSeconds = $null; PeerCpuSeconds = $null; PeerPeakMB = $null; Ratio = $null; Target = $null; Met = $null; Note = $s.Note })
    }
}

# ---------------------------------------------------------------- one table, raw runs, baseline
$stamp = Get-Date -Format 'yyyyMMdd-HHmmss'
$record = [pscustomobject]@{ Date = (Get-Date).ToString('u'); Machine = $machine; Runs = $Runs; Rows = $rows }
$runsDir = Join-Path $WorkDirectory 'runs'
New-Item -ItemType Directory -Force -Path $runsDir | Out-Null
$json = $record | ConvertTo-Json -Depth 6
Set-Content -Path (Join-Path $runsDir "$stamp.json") -Value $json
Set-Content -Path (Join-Path $WorkDirectory 'latest.json') -Value $json

if ($Baseline) {
    $old = (Get-Content $Baseline -Raw | ConvertFrom-Json).Rows
    foreach ($row in $rows) {
        $before = $old | Where-Object Job -eq $row.Job | Where-Object Peer -eq $row.Peer | Select-Object -First 1
        if (-not $before) { continue }
        $worse = if ($null -ne $row.Ratio -and $null -ne $before.Ratio) { $row.Ratio / $before.Ratio } elseif ($row.Seconds -and $before.Seconds) { $row.Seconds / $before.Seconds } else { $null }
        if ($null -ne $worse -and $worse -gt 1.10) { $row.Note = ('REGRESSION: {0:+0}% against the baseline; ' -f (100 * ($worse - 1))) + $row.Note }
    }
}

Write-Host ''
Write-Host "Results, $($record.Date), $machine; medians of $Runs whole-process runs (wall and CPU seconds, peak MB):"
$rows | Format-Table -Wrap @{ n = 'Job'; e = { $_.Job } },
    @{ n = 'Ours s'; e = { if ($null -ne $_.Seconds) { '{0:0.00}' -f $_.Seconds } }; a = 'right' },
    @{ n = 'CPU s'; e = { if ($null -ne $_.CpuSeconds) { '{0:0.00}' -f $_.CpuSeconds } }; a = 'right' },
    @{ n = 'MB'; e = { if ($_.PeakMB) { '{0:0}' -f $_.PeakMB } }; a = 'right' },
    @{ n = 'Peer'; e = { $_.Peer } },
    @{ n = 'Peer s'; e = { if ($null -ne $_.PeerSeconds) { '{0:0.00}' -f $_.PeerSeconds } }; a = 'right' },
    @{ n = 'Peer CPU'; e = { if ($null -ne $_.PeerCpuSeconds) { '{0:0.00}' -f $_.PeerCpuSeconds } }; a = 'right' },
    @{ n = 'Peer MB'; e = { if ($_.PeerPeakMB) { '{0:0}' -f $_.PeerPeakMB } }; a = 'right' },
    @{ n = 'Ratio'; e = { if ($null -ne $_.Ratio) { '{0:0.00}x' -f $_.Ratio } }; a = 'right' },
    @{ n = 'Target'; e = { if ($_.Target) { if ($null -eq $_.Met) { $_.Target } else { '{0} {1}' -f $_.Target, $(if ($_.Met) { 'met' } else { 'NOT met' }) } } } },
    Note | Out-String -Width 250 | Out-Host
Write-Host "Raw runs: $(Join-Path $runsDir "$stamp.json")"
