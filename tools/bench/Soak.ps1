<#
.SYNOPSIS
    Soak: 10 000 files, a tenth of them broken, through Get-DicomInfo and Export-DicomImage in one new process.
    Checks that every good file is converted, every broken one is reported exactly once, memory stays flat (sampled
    through the run), and no file handle or temporary file is left behind. Run through `build.ps1 Bench`.
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$WorkDirectory,
    [Parameter(Mandatory)][AllowEmptyCollection()][Collections.Generic.List[object]]$Results,
    [int]$Files = 10000
)
$ErrorActionPreference = 'Stop'
$source = Join-Path $WorkDirectory 'input'
$brokenCount = [int]($Files / 10)
if (-not (Test-Path $source) -or @(Get-ChildItem $source).Count -ne $Files) {
    if (Test-Path $source) { Remove-Item $source -Recurse -Force }
    New-Item -ItemType Directory -Path $source | Out-Null
    Write-Host "Writing $Files soak files ($brokenCount broken)"
    $template = Join-Path $WorkDirectory 'template.dcm'
    if (Test-Path $template) { Remove-Item $template }
    ([DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', $true))::Write($template, 64, 0, $null, $null)
    $good = [IO.File]::ReadAllBytes($template)
    $random = [Random]::new(10000)
    for ($i = 0; $i -lt $Files; $i++) {
        $name = Join-Path $source ('f{0:d5}.dcm' -f $i)
        if ($i % 10 -ne 7) {
            ([DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', $true))::Write($name, 64, $i, $null, $null)
            continue
        }
        # Broken in ways no reader can get past: cut inside the header or the pixel data, garbage, nothing.
        $bytes = switch ($i % 40) {
            7 { $good[0..($random.Next(140, $good.Length - 200))] }
            17 { $b = [byte[]]::new($random.Next(1, 4000)); $random.NextBytes($b); $b }
            27 { [byte[]]@() }
            default { $b = $good.Clone(); for ($k = 128; $k -lt 132; $k++) { $b[$k] = 0x58 }; for ($k = 0; $k -lt 128; $k++) { $b[$k] = 0xFF }; $b }
        }
        if ($null -eq $bytes) { $bytes = [byte[]]::new(0) }
        [IO.File]::WriteAllBytes($name, [byte[]]$bytes)
    }
}
$out = Join-Path $WorkDirectory 'png'
if (Test-Path $out) { Remove-Item $out -Recurse -Force }
$report = Join-Path $WorkDirectory 'soak.json'

$script = @"
Import-Module '$ModulePath'
`$process = [Diagnostics.Process]::GetCurrentProcess()
# Handles on the soak's own files (inputs and outputs): any left open after the run is a leak.
function Get-SoakHandles { @(Get-ChildItem /proc/self/fd -ErrorAction SilentlyContinue | ForEach-Object { try { `$_.LinkTarget } catch { } } | Where-Object { `$_ -like '$WorkDirectory*' }).Count }
`$fdBefore = Get-SoakHandles
`$infoErrors = `$null; `$exportErrors = `$null
`$infos = (Get-ChildItem '$source' -Filter *.dcm | Get-DicomInfo -ErrorAction SilentlyContinue -ErrorVariable infoErrors -WarningAction SilentlyContinue | Measure-Object).Count
Get-ChildItem '$source' -Filter *.dcm | Export-DicomImage -OutputDirectory '$out' -ErrorAction SilentlyContinue -ErrorVariable exportErrors -WarningAction SilentlyContinue
[GC]::Collect(); [GC]::WaitForPendingFinalizers()
`$fdAfter = Get-SoakHandles
`$process.Refresh()
[pscustomobject]@{
    Infos = `$infos
    InfoErrors = `$infoErrors.Count
    InfoErrorTargets = @(`$infoErrors | ForEach-Object TargetObject | Sort-Object -Unique).Count
    ExportErrors = `$exportErrors.Count
    ExportErrorTargets = @(`$exportErrors | ForEach-Object TargetObject | Sort-Object -Unique)
    Peak = `$process.PeakWorkingSet64
    FdBefore = `$fdBefore
    FdAfter = `$fdAfter
} | ConvertTo-Json -Depth 3 | Set-Content '$report'
"@
$pwsh = [Environment]::ProcessPath
$prefix = @()
if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
Write-Host "(d) soak: $Files files, $brokenCount broken, Get-DicomInfo then Export-DicomImage"
$sw = [Diagnostics.Stopwatch]::StartNew()
# Memory is sampled from outside, every 200 ms, for the whole run.
$start = [Diagnostics.ProcessStartInfo]::new($pwsh)
foreach ($a in @($prefix) + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $start.ArgumentList.Add($a) }
$child = [Diagnostics.Process]::Start($start)
$samples = [Collections.Generic.List[long]]::new()
while (-not $child.HasExited) {
    try { $child.Refresh(); $samples.Add($child.WorkingSet64) } catch { }
    Start-Sleep -Milliseconds 200
}
$sw.Stop()
$r = Get-Content $report -Raw | ConvertFrom-Json

$broken = @(Get-ChildItem $source -Filter *.dcm | Where-Object { [int]$_.BaseName.Substring(1) % 10 -eq 7 } | ForEach-Object FullName)
$pngs = @(Get-ChildItem $out -Filter *.png).Count
$temps = @(Get-ChildItem $out -Force | Where-Object Name -like '.*.tmp').Count
$reportedOnce = ($r.ExportErrors -eq $broken.Count) -and (@($r.ExportErrorTargets).Count -eq $broken.Count) -and
    -not (Compare-Object @($r.ExportErrorTargets) $broken)
$samples = @($samples | Where-Object { $_ -gt 0 })
$quarter = [Math]::Max(1, [int]($samples.Count / 4))
$early = ($samples | Select-Object -Skip $quarter -First $quarter | Measure-Object -Maximum).Maximum
$late = ($samples | Select-Object -Last $quarter | Measure-Object -Maximum).Maximum
$flat = $late -le 1.25 * $early + 64MB

$checks = [ordered]@{
    "every good file converted ($pngs of $($Files - $brokenCount) PNG)" = $pngs -eq ($Files - $brokenCount)
    "every broken file reported exactly once by Export-DicomImage ($($r.ExportErrors) errors)" = $reportedOnce
    "Get-DicomInfo: one object or one error per file ($($r.Infos) + $($r.InfoErrors))" = ($r.Infos + $r.InfoErrors -eq $Files) -and ($r.InfoErrorTargets -eq $r.InfoErrors)
    ('memory flat (max {0:0} MB in the 2nd quarter, {1:0} MB in the last)' -f ($early / 1MB), ($late / 1MB)) = $flat
    "no temporary files left ($temps)" = $temps -eq 0
    "no handle left open on the soak's files ($($r.FdAfter) after the run)" = $r.FdAfter -eq 0
}
foreach ($check in $checks.GetEnumerator()) { Write-Host ('  [{0}] {1}' -f $(if ($check.Value) { 'ok' } else { 'FAILED' }), $check.Key) }
$Results.Add([pscustomobject]@{ Job = "(d) soak, $Files files ($brokenCount broken)"; Tool = 'DicomTools'; Seconds = $sw.Elapsed.TotalSeconds; PerSecond = $Files / $sw.Elapsed.TotalSeconds; MBps = $null; PeakMB = $r.Peak / 1MB; Note = $(if ($checks.Values -contains $false) { 'CHECKS FAILED' } else { 'all checks passed' }) })
