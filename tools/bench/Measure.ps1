<#
.SYNOPSIS
    Whole-process timing shared by the bench scripts: runs a command (and a peer) several times in turn, A B A B,
    each under GNU time, and keeps every run. Wall and CPU seconds, and the peak resident memory, come from the
    operating system's accounting of the finished process (getrusage through /usr/bin/time), not from a stopwatch
    in our own process. Dot-source it.
#>

function Get-PwshCommand {
    # The PowerShell running the bench, as a command line for a child (under `dotnet pwsh` the host is dotnet).
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { return @($process, (Join-Path $PSHOME 'pwsh.dll')) }
    return @($process)
}

function Invoke-TimedProcess {
    # One run of Command (an array: program, arguments) under /usr/bin/time; returns wall, cpu, peak and exit code.
    # CacheHome: the child's XDG_CACHE_HOME. PowerShell replays the methods the previous shell compiled (its
    # multicore-JIT profile, ~/.cache/powershell/StartupProfileData-*) on background threads at start-up; with one
    # shared profile, each run would replay whatever shell ran before it (the peer's, another bench job's, any
    # shell on the machine). A folder per command gives each its own profile, steady after the warm-up run.
    param([string[]]$Command, [string]$CacheHome)
    $report = [IO.Path]::GetTempFileName()
    $savedCache = $env:XDG_CACHE_HOME
    try {
        if ($CacheHome) {
            New-Item -ItemType Directory -Force -Path $CacheHome | Out-Null
            $env:XDG_CACHE_HOME = $CacheHome
        }
        & /usr/bin/time -o $report -f '%e %U %S %M %x' @Command *> $null
        $wall, $user, $sys, $peakKb, $exit = (Get-Content $report | Select-Object -Last 1).Trim() -split '\s+'
        [pscustomobject]@{
            Wall   = [double]$wall
            Cpu    = [double]$user + [double]$sys
            PeakMB = [double]$peakKb / 1024
            Exit   = [int]$exit
        }
    }
    finally {
        $env:XDG_CACHE_HOME = $savedCache
        Remove-Item $report -ErrorAction SilentlyContinue
    }
}

function Get-Median([double[]]$Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count -eq 0) { return $null }
    $mid = [int][Math]::Floor(($sorted.Count - 1) / 2)
    if ($sorted.Count % 2) { return $sorted[$mid] }
    return ($sorted[$mid] + $sorted[$mid + 1]) / 2
}

function Measure-Job {
    <#
    Runs Ours and Peer (when given) in turn, Runs times each after one warm-up of each, and returns one row:
    medians of wall and CPU seconds, the largest peak memory, the median of the pairwise wall ratios (ours / peer,
    robust to the machine's speed drifting during the run) and every raw run.
    #>
    param(
        [string]$Job,
        [string[]]$Ours,
        [string]$PeerName,
        [string[]]$Peer,
        [int]$Runs = 5,
        [double]$Target,
        [string]$TargetText,
        [scriptblock]$Check
    )
    Write-Host "  $Job ($Runs runs$(if ($Peer) { " each, in turn with $PeerName" }))"
    $cacheRoot = Join-Path ([IO.Path]::GetTempPath()) ('dicomtools-bench-cache/' + [Guid]::NewGuid().ToString('n'))
    $ourCache = Join-Path $cacheRoot 'ours'
    $peerCache = Join-Path $cacheRoot 'peer'
    $null = Invoke-TimedProcess $Ours $ourCache
    if ($Peer) { $null = Invoke-TimedProcess $Peer $peerCache }
    $ourRuns = [Collections.Generic.List[object]]::new()
    $peerRuns = [Collections.Generic.List[object]]::new()
    for ($i = 0; $i -lt $Runs; $i++) {
        $ourRuns.Add((Invoke-TimedProcess $Ours $ourCache))
        if ($Peer) { $peerRuns.Add((Invoke-TimedProcess $Peer $peerCache)) }
    }
    Remove-Item $cacheRoot -Recurse -Force -ErrorAction SilentlyContinue
    $failed = @($ourRuns | Where-Object Exit -ne 0).Count + @($peerRuns | Where-Object Exit -ne 0).Count
    $ratio = $null
    if ($Peer) { $ratio = Get-Median (0..($Runs - 1) | ForEach-Object { $ourRuns[$_].Wall / [Math]::Max($peerRuns[$_].Wall, 0.001) }) }
    $note = if ($failed) { "$failed run(s) exited non-zero" } elseif ($Check) { & $Check } else { '' }
    [pscustomobject]@{
        Job        = $Job
        Seconds    = Get-Median ($ourRuns.Wall)
        CpuSeconds = Get-Median ($ourRuns.Cpu)
        PeakMB     = ($ourRuns.PeakMB | Measure-Object -Maximum).Maximum
        Peer       = $PeerName
        PeerSeconds    = if ($Peer) { Get-Median ($peerRuns.Wall) } else { $null }
        PeerCpuSeconds = if ($Peer) { Get-Median ($peerRuns.Cpu) } else { $null }
        PeerPeakMB     = if ($Peer) { ($peerRuns.PeakMB | Measure-Object -Maximum).Maximum } else { $null }
        Ratio      = $ratio
        Target     = $TargetText
        Met        = if ($null -ne $Target -and $null -ne $ratio) { $ratio -le $Target } else { $null }
        Note       = $note
        Command    = $Ours -join ' '
        PeerCommand = $Peer -join ' '
        Runs       = $ourRuns
        PeerRuns   = $peerRuns
    }
}
