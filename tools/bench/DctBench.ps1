<#
.SYNOPSIS
    DCT JPEG decode cost against DCMTK's dcmdjpeg on the same files: the synthetic CT phantom (300 frames of
    512x512) compressed by dcmcjpeg as 8-bit baseline (+eb, windowed to 8 bits) and 12-bit extended (+ee).
    DicomTools: frames/s of Get-DicomPixelData inside one process, second pass (the first pays for JIT).
    dcmdjpeg: the 300-frame run minus a 1-frame run of the same encoding (start-up, headers and file writing
    subtracted), each the median of three runs. Both decode one frame at a time on one thread.
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$WorkDirectory,
    [Parameter(Mandatory)][AllowEmptyCollection()][Collections.Generic.List[object]]$Results,
    [int]$Frames = 300
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Command dcmcjpeg -ErrorAction SilentlyContinue) -or -not (Get-Command dcmdjpeg -ErrorAction SilentlyContinue)) {
    Write-Host '  DCT bench: dcmcjpeg/dcmdjpeg (dcmtk) not installed, skipped'
    return
}
New-Item -ItemType Directory -Force -Path $WorkDirectory | Out-Null
Import-Module $ModulePath
$native = Join-Path $WorkDirectory "native$Frames.dcm"
$nativeSingle = Join-Path $WorkDirectory 'native1.dcm'
if (-not (Test-Path $native)) { ([DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', $true))::WriteMultiFrame($native, 512, $Frames) }
if (-not (Test-Path $nativeSingle)) { ([DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', $true))::WriteMultiFrame($nativeSingle, 512, 1) }

$encodings = @(
    @{ Name = 'JPEG Baseline 8-bit (.50)'; File = 'baseline8'; Options = @('+eb', '+Wi', '1') }
    @{ Name = 'JPEG Extended 12-bit (.51)'; File = 'extended12'; Options = @('+ee') }
)
$pwsh = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }

foreach ($e in $encodings) {
    $path = Join-Path $WorkDirectory "$($e.File)-$Frames.dcm"
    $one = Join-Path $WorkDirectory "$($e.File)-1.dcm"
    if (-not (Test-Path $path)) { & dcmcjpeg @($e.Options) $native $path; if ($LASTEXITCODE) { throw "dcmcjpeg $($e.Options) failed" } }
    if (-not (Test-Path $one)) { & dcmcjpeg @($e.Options) $nativeSingle $one; if ($LASTEXITCODE) { throw "dcmcjpeg $($e.Options) failed" } }
    Write-Host "(d) DCT decode $($e.Name)"

    $timing = Join-Path $WorkDirectory 'timing.txt'
    # One frame at a time, as dcmdjpeg: Get-DicomPixelData decodes frames in parallel unless told otherwise (builds
    # before -ThrottleLimit existed there decoded serially, so A/B runs against them compare the same thing).
    $script = @"
Import-Module '$ModulePath'
`$serial = @{}
if ((Get-Command Get-DicomPixelData).Parameters.ContainsKey('ThrottleLimit')) { `$serial.ThrottleLimit = 1 }
`$null = Get-DicomPixelData -LiteralPath '$path' @serial | Measure-Object
`$times = 1..3 | ForEach-Object {
    `$sw = [Diagnostics.Stopwatch]::StartNew()
    `$null = Get-DicomPixelData -LiteralPath '$path' @serial | Measure-Object
    `$sw.Elapsed.TotalSeconds
}
[IO.File]::WriteAllText('$timing', [string](`$times | Sort-Object)[1])
"@
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script
    $ours = [double](Get-Content $timing -Raw).Trim() / $Frames

    $decoded = Join-Path $WorkDirectory 'decoded.dcm'
    $median = {
        param($Source)
        $times = 1..3 | ForEach-Object {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            & dcmdjpeg $Source $decoded 2>$null | Out-Null
            $sw.Elapsed.TotalSeconds
            Remove-Item $decoded -ErrorAction SilentlyContinue
        }
        ($times | Sort-Object)[1]
    }
    $theirs = ((& $median $path) - (& $median $one)) / ($Frames - 1)
    $ratio = $ours / [Math]::Max($theirs, 1e-6)
    $Results.Add([pscustomobject]@{ Job = "(d) DCT decode $($e.Name), $Frames x 512x512"; Tool = 'DicomTools'; Seconds = $ours * $Frames; PerSecond = 1 / $ours; MBps = $null; PeakMB = $null; Note = ('{0:0.00} ms/frame, {1:0.00}x dcmdjpeg' -f (1000 * $ours), $ratio) })
    $Results.Add([pscustomobject]@{ Job = "(d) DCT decode $($e.Name), $Frames x 512x512"; Tool = 'dcmdjpeg'; Seconds = $theirs * $Frames; PerSecond = 1 / $theirs; MBps = $null; PeakMB = $null; Note = ('{0:0.00} ms/frame (start-up and writing subtracted)' -f (1000 * $theirs)) })
}
