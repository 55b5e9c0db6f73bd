<#
.SYNOPSIS
    Decode throughput per transfer syntax: a 100-frame 512x512 12-bit CT is encoded with DCMTK / GDCM (when
    installed), then decoded by DicomTools (frames/s inside the process, and the whole process) and by dcmdjpeg,
    dcmdrle, dcmdjpls and gdcmconv --raw (whole process: they decode every frame and write the file).
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$WorkDirectory,
    [Parameter(Mandatory)][AllowEmptyCollection()][Collections.Generic.List[object]]$Results,
    [int]$Frames = 100,
    [int]$SteadyPasses = 5
)
$ErrorActionPreference = 'Stop'
New-Item -ItemType Directory -Force -Path $WorkDirectory | Out-Null
$native = Join-Path $WorkDirectory 'native.dcm'
if (-not (Test-Path $native)) { ([DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', $true))::WriteMultiFrame($native, 512, $Frames) }
# A one-frame twin of every file: the tools' start-up and file writing, subtracted to get their per-frame rate.
$single = Join-Path $WorkDirectory 'single'
New-Item -ItemType Directory -Force -Path $single | Out-Null
$nativeSingle = Join-Path $single 'native.dcm'
if (-not (Test-Path $nativeSingle)) { ([DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', $true))::WriteMultiFrame($nativeSingle, 512, 1) }

$encodings = @(
    @{ Name = 'RLE Lossless'; File = 'rle.dcm'; Make = @('dcmcrle', $native); Reference = @('dcmdrle') }
    @{ Name = 'JPEG Lossless SV1 (.70)'; File = 'jpegll-sv1.dcm'; Make = @('dcmcjpeg', '+e1', $native); Reference = @('dcmdjpeg') }
    @{ Name = 'JPEG Lossless SV6 (.57)'; File = 'jpegll-sv6.dcm'; Make = @('dcmcjpeg', '+el', '+sv', '6', $native); Reference = @('dcmdjpeg') }
    @{ Name = 'JPEG Extended 12-bit (.51)'; File = 'jpeg-ext.dcm'; Make = @('dcmcjpeg', '+ee', $native); Reference = @('dcmdjpeg') }
    @{ Name = 'JPEG-LS Lossless (.80)'; File = 'jpegls.dcm'; Make = @('dcmcjpls', $native); Reference = @('dcmdjpls') }
    @{ Name = 'JPEG 2000 Lossless (.90)'; File = 'j2k.dcm'; Make = @('gdcmconv', '--j2k', $native); Reference = @() }
)

function Get-PwshCommand {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { return @($process, (Join-Path $PSHOME 'pwsh.dll')) }
    return @($process)
}
$pwsh = Get-PwshCommand
$hasGdcm = [bool](Get-Command gdcmconv -ErrorAction SilentlyContinue)

$cases = @(@{ Name = 'Explicit VR LE (native)'; Path = $native; Single = $nativeSingle; Reference = @() })
foreach ($e in $encodings) {
    $path = Join-Path $WorkDirectory $e.File
    $onePath = Join-Path $single $e.File
    if (-not (Test-Path $path) -or -not (Test-Path $onePath)) {
        if (-not (Get-Command $e.Make[0] -ErrorAction SilentlyContinue)) { Write-Host "  $($e.Name): $($e.Make[0]) not installed, skipped"; continue }
        & $e.Make[0] @($e.Make | Select-Object -Skip 1) $path 2>$null
        $ok = $LASTEXITCODE -eq 0
        & $e.Make[0] @($e.Make | Select-Object -Skip 1 | ForEach-Object { if ($_ -eq $native) { $nativeSingle } else { $_ } }) $onePath 2>$null
        if (-not $ok -or $LASTEXITCODE -ne 0) { Write-Host "  $($e.Name): encoding failed, skipped"; continue }
    }
    $cases += @{ Name = $e.Name; Path = $path; Single = $onePath; Reference = $e.Reference }
}

foreach ($case in $cases) {
    Write-Host "(c) decode $($case.Name)"
    $timing = Join-Path $WorkDirectory 'timing.txt'
    # Passes in one process: the first pays for JIT and for the heap growing; the median of the next ones is the
    # steady state a pipeline over a whole series runs in (one steady pass alone swung 2.5x between runs: a tenth of
    # a second of decoding is at the mercy of the scheduler and of when the JIT's optimised code arrives).
    # One frame at a time, as the peers decode (Get-DicomPixelData is parallel unless -ThrottleLimit 1).
    $script = @"
Import-Module '$ModulePath'
`$serial = @{}
if ((Get-Command Get-DicomPixelData).Parameters.ContainsKey('ThrottleLimit')) { `$serial.ThrottleLimit = 1 }
`$null = Get-DicomPixelData -LiteralPath '$($case.Path)' -Frame 0
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$n = (Get-DicomPixelData -LiteralPath '$($case.Path)' @serial | Measure-Object).Count
`$first = `$sw.Elapsed.TotalSeconds
`$steady = foreach (`$pass in 1..$SteadyPasses) {
    `$sw.Restart()
    `$null = (Get-DicomPixelData -LiteralPath '$($case.Path)' @serial | Measure-Object).Count
    `$sw.Elapsed.TotalSeconds
}
[IO.File]::WriteAllText('$timing', "`$n `$first `$((`$steady | Sort-Object)[[int][Math]::Floor($SteadyPasses / 2)])")
"@
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script
    $sw.Stop()
    $n, $first, $second = (Get-Content $timing -Raw).Trim() -split ' '
    $coldRate = [int]$n / [double]$first
    $warmRate = [int]$n / [double]$second
    $Results.Add([pscustomobject]@{ Job = "(c) decode $($case.Name), $Frames x 512x512"; Tool = 'DicomTools'; Seconds = $sw.Elapsed.TotalSeconds; PerSecond = $warmRate; MBps = $null; PeakMB = $null; Note = ('{0:0.0} frames/s steady state, {1:0.0} on the first pass' -f $warmRate, $coldRate) })

    $tools = @($case.Reference | ForEach-Object { , @($_) })
    if ($hasGdcm -and $case.Path -ne $native) { $tools += , @('gdcmconv', '--raw') }
    foreach ($tool in $tools) {
        if (-not (Get-Command $tool[0] -ErrorAction SilentlyContinue)) { continue }
        $decoded = Join-Path $WorkDirectory 'decoded.dcm'
        # Per-frame rate: the 100-frame run minus the one-frame run (start-up, headers, file writing) over 99 frames;
        # each the median of three runs, as a single short run is at the mercy of the scheduler.
        $time = {
            param($Path)
            $times = 1..3 | ForEach-Object {
                $sw = [Diagnostics.Stopwatch]::StartNew()
                & $tool[0] @($tool | Select-Object -Skip 1) $Path $decoded 2>$null | Out-Null
                $sw.Elapsed.TotalSeconds
                Remove-Item $decoded -ErrorAction SilentlyContinue
            }
            ($times | Sort-Object)[1]
        }
        $one = & $time $case.Single
        $all = & $time $case.Path
        $rate = ($Frames - 1) / [Math]::Max($all - $one, 0.001)
        $Results.Add([pscustomobject]@{ Job = "(c) decode $($case.Name), $Frames x 512x512"; Tool = $tool[0]; Seconds = $all; PerSecond = $rate; MBps = $null; PeakMB = $null; Note = ('{0:0.0} frames/s (start-up and writing subtracted)' -f $rate) })
    }
}
