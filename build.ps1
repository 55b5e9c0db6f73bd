#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks the DicomTools module.
.DESCRIPTION
    Tasks:
      Build  (default) Release build, staged as an importable module in out/DicomTools.
      Test   Build, then the C# unit tests and the Pester tests; ends with one line "N passed, M failed, K skipped".
      Demo   Build, write a synthetic CT phantom with the project's own writer, render it three ways, print the PNGs;
             -UpdateReadmeImages also rewrites the README's pictures in docs/images.
      Bench  Whole-process speed and memory of each job beside its peer (bare shell, pydicom, DCMTK, GDCM): one
             table, raw runs kept in out/bench/runs; -Baseline out/bench/latest.json flags jobs 10% slower; -Quick.
      Fuzz   A longer run of the mutation fuzzer than the one inside Test.
      Package Build, then out/DicomTools.<version>.nupkg for a folder or NuGet-feed repository (Publish-PSResource).
    Needs only the .NET SDK: run it as `dotnet tool restore && dotnet pwsh ./build.ps1 <Task>`.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Fuzz', 'Package')]
    [string]$Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string]$Configuration = 'Release',

    # Package: the manifest's ProjectUri (default: the git remote "origin" when it is https).
    [string]$ProjectUri,

    # Demo: also rewrite the README's pictures in docs/images from the demo's renderings.
    [switch]$UpdateReadmeImages,

    # Bench: a latest.json of an earlier run; jobs more than 10% slower than in it are flagged.
    [string]$Baseline,

    # Bench: fewer runs and smaller inputs, for a quick look (figures for the README come from a full run).
    [switch]$Quick
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$ModuleOut = Join-Path $Root 'out/DicomTools'
$PesterVersion = '5.7.1'

function Invoke-Native {
    # Runs a native command and fails the build when it fails.
    param([string]$Command, [string[]]$Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-ChildPwsh {
    # A fresh PowerShell of the same version for module tests and demos (a loaded module cannot be reloaded, and the
    # build must not lock the DLL it replaces). Under `dotnet pwsh` the host process is dotnet itself.
    param([string[]]$Arguments)
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        & $process (Join-Path $PSHOME 'pwsh.dll') @Arguments
    }
    else {
        & $process @Arguments
    }
}

function Invoke-Build {
    # One net8.0 assembly, loaded by PowerShell 7.4, 7.5 and 7.6 alike (the manifest's RootModule), precompiled
    # (ReadyToRun) by the .NET 10 crossgen for this platform so that PowerShell 7.6's first command spends little time
    # in the JIT; older runtimes ignore the precompiled code and run the IL. The csproj holds every ReadyToRun setting.
    Write-Host "==> Building DicomTools ($Configuration)"
    $project = Join-Path $Root 'src/DicomTools/DicomTools.csproj'
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    New-Item -ItemType Directory -Path $ModuleOut | Out-Null
    $helpXml = Join-Path $Root 'out/help/DicomTools.dll-Help.xml'
    & (Join-Path $Root 'tools/help/ConvertTo-Maml.ps1') -MarkdownFolder (Join-Path $Root 'docs/help') -OutputFile $helpXml
    $publish = Join-Path $Root 'out/publish'
    if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }
    $arguments = @('publish', $project, '-c', $Configuration, '-o', $publish, '--nologo', '-v', 'quiet')
    $rid = Get-ReadyToRunRuntime
    # Precompiled code is for the .NET the running PowerShell runs (10: the dotnet tool 7.6 this project pins), and
    # against its own framework and System.Management.Automation (references only, not shipped). Built by another
    # PowerShell, the module stays IL only, correct everywhere.
    $automation = Join-Path $PSHOME 'System.Management.Automation.dll'
    if ($rid -and [Environment]::Version.Major -eq 10 -and (Test-Path $automation)) {
        $framework = [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory().TrimEnd('/', '\')
        $arguments += @('-r', $rid, '--self-contained', 'false', '-p:PublishReadyToRun=true',
            "-p:ReadyToRunFramework=$framework", "-p:PowerShellReadyToRunReference=$automation")
    }
    else {
        Write-Warning 'DicomTools is built without precompiled code: that needs PowerShell 7.6 on .NET 10 (dotnet tool restore && dotnet pwsh ./build.ps1) on x64 or arm64.'
    }
    Invoke-Native dotnet $arguments
    Get-ChildItem $publish -Filter *.dll | Copy-Item -Destination $ModuleOut
    # One copy of the help, in the module's own folder, where PowerShell looks for the cmdlets' help first.
    New-Item -ItemType Directory -Path (Join-Path $ModuleOut 'en-US') | Out-Null
    Copy-Item $helpXml (Join-Path $ModuleOut 'en-US')
    Copy-Item (Join-Path $Root 'DicomTools.psd1') $ModuleOut
    Copy-Item (Join-Path $Root 'src/DicomTools/DicomTools.format.ps1xml') $ModuleOut
    Write-Host "Module staged at $ModuleOut"
}

function Get-ReadyToRunRuntime {
    # The runtime identifier to precompile for, when crossgen supports this machine; otherwise the build stays IL
    # and is compiled by the JIT at run time, as before.
    $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    if ($rid -in 'linux-x64', 'linux-arm64', 'win-x64', 'win-arm64', 'osx-x64', 'osx-arm64') { return $rid }
    return $null
}

function Install-TestPrerequisites {
    # The JPEG-LS, JPEG 2000 and JPEG XL codecs are native libraries a CI machine starts without. The reference tools
    # (DCMTK, GDCM, pydicom) give many unit tests their independent expected values; without them those tests are
    # reported as skipped, so CI installs them too.
    if (-not $IsLinux) { return }
    $missing = @()
    if (-not (Test-NativeLibrary 'libcharls.so.2')) { $missing += 'libcharls2' }
    if (-not (Test-NativeLibrary 'libopenjp2.so.7')) { $missing += 'libopenjp2-7' }
    if (-not (Test-NativeLibrary 'libjxl.so.0.7')) { $missing += 'libjxl0.7' }
    # cjxl / djxl make and check the JPEG XL fixtures (tests/fixtures/jpegxl/make_jxl.sh).
    if (-not (Get-Command djxl -ErrorAction SilentlyContinue)) { $missing += 'libjxl-tools' }
    # opj_decompress checks what OpenJPEG itself does with a codestream (Part 2, the HTJ2K frames that abort it).
    if (-not (Get-Command opj_decompress -ErrorAction SilentlyContinue)) { $missing += 'libopenjp2-tools' }
    if (-not (Get-Command dcmdjpeg -ErrorAction SilentlyContinue)) { $missing += 'dcmtk' }
    if (-not (Get-Command gdcmconv -ErrorAction SilentlyContinue)) { $missing += 'libgdcm-tools' }
    if (-not (Test-Path /usr/bin/python3) -or -not (Test-PythonModules)) { $missing += 'python3-pydicom', 'python3-numpy', 'python3-pil' }
    # ImageMagick reads the Sixel pictures Show-DicomImage writes (the terminal-picture tests).
    if (-not (Test-Path /usr/bin/convert)) { $missing += 'imagemagick' }
    if ($missing.Count -eq 0) { return }
    $aptGet = Get-Command apt-get -ErrorAction SilentlyContinue
    $isRoot = (& id -u) -eq '0'
    if ($aptGet -and $isRoot) {
        Write-Host "==> Installing $($missing -join ', ') for the codec and reference tests"
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get update -qq | Out-Null
        & apt-get install -y -qq @missing | Out-Null
        if ($LASTEXITCODE -ne 0) { Write-Warning "apt-get install $($missing -join ' ') failed: tests needing them fail (codecs) or are skipped (reference tools)" }
    }
    else {
        Write-Warning "Missing $($missing -join ', '): the JPEG-LS / JPEG 2000 / JPEG XL tests need libcharls2, libopenjp2-7 and libjxl0.7, and tests needing the reference tools are skipped. Install them with: sudo apt-get install $($missing -join ' ')"
    }
}

function Test-PythonModules {
    & /usr/bin/python3 -c 'import pydicom, numpy, PIL' 2>$null
    return $LASTEXITCODE -eq 0
}

function Test-NativeLibrary([string]$Name) {
    $out = & ldconfig -p 2>$null | Select-String -SimpleMatch $Name
    return [bool]$out
}

function Get-PesterModulePath {
    Invoke-Native dotnet @('restore', (Join-Path $Root 'tools/pester/PesterRestore.csproj'), '--nologo', '-v', 'quiet')
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else {
        $line = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
        $line.Trim()
    }
    $psd1 = Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $psd1)) { throw "Pester $PesterVersion was restored but $psd1 is missing" }
    return $psd1
}

function Invoke-UnitTests {
    Write-Host '==> C# unit tests'
    $results = Join-Path $Root 'out/test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    & dotnet test (Join-Path $Root 'tests/DicomTools.Tests/DicomTools.Tests.csproj') -c $Configuration --nologo `
        --logger 'trx;LogFileName=unit.trx' --logger 'console;verbosity=minimal' --results-directory $results | Out-Host
    $exitCode = $LASTEXITCODE
    $trx = Get-ChildItem $results -Filter unit.trx -Recurse | Select-Object -First 1
    if (-not $trx) { return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0; Note = 'no test results: the unit test build failed' } }
    [xml]$doc = Get-Content $trx.FullName -Raw
    $counters = $doc.TestRun.ResultSummary.Counters
    $failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    # A test host that crashed leaves counters for the tests it finished only: the run as a whole is a failure.
    $note = ''
    if ($exitCode -ne 0 -and $failed -eq 0) { $failed = 1; $note = "(the test run did not complete: dotnet test exited with $exitCode, see above)" }
    [pscustomobject]@{
        Passed  = [int]$counters.passed
        Failed  = $failed
        # Skipped tests are in the total but not executed (the TRX notExecuted counter stays 0 for them).
        Skipped = [int]$counters.total - [int]$counters.executed
        Note    = $note
    }
}

function Invoke-PesterTests {
    Write-Host '==> Pester tests'
    $pester = Get-PesterModulePath
    $resultFile = Join-Path $Root 'out/test-results/pester.json'
    # A separate process: the tests import the staged module, which must not be locked in this one.
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester' -RequiredVersion $PesterVersion
`$env:DICOMTOOLS_MODULE = '$ModuleOut/DicomTools.psd1'
`$config = New-PesterConfiguration
`$config.Run.Path = '$Root/tests/Pester'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Normal'
`$r = Invoke-Pester -Configuration `$config
[pscustomobject]@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount + `$r.NotRunCount } | ConvertTo-Json | Set-Content '$resultFile'
"@
    Invoke-ChildPwsh @('-NoProfile', '-NonInteractive', '-Command', $script) | Out-Host
    if (-not (Test-Path $resultFile)) { return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    Get-Content $resultFile -Raw | ConvertFrom-Json
}

function Invoke-Test {
    Invoke-Build
    Install-TestPrerequisites
    $unit = Invoke-UnitTests
    $pester = Invoke-PesterTests
    Write-Host ''
    Write-Host ("C# unit tests: {0} passed, {1} failed, {2} skipped {3}" -f $unit.Passed, $unit.Failed, $unit.Skipped, $unit.Note)
    Write-Host ("Pester tests:  {0} passed, {1} failed, {2} skipped" -f $pester.Passed, $pester.Failed, $pester.Skipped)
    $passed = $unit.Passed + $pester.Passed
    $failed = $unit.Failed + $pester.Failed
    $skipped = $unit.Skipped + $pester.Skipped
    # CI reads this last line to know the tests ran. A test skips only when a reference tool it needs is not installed
    # (or the shared corpus is absent); skips are counted here, never as passed.
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    $demoArguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tools/demo/Demo.ps1'), '-ModulePath', "$ModuleOut/DicomTools.psd1", '-OutputDirectory', (Join-Path $Root 'out/demo'))
    if ($UpdateReadmeImages) { $demoArguments += '-ImageDirectory', (Join-Path $Root 'docs/images') }
    Invoke-ChildPwsh $demoArguments
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Bench {
    Invoke-Build
    $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tools/bench/Bench.ps1'), '-ModulePath', "$ModuleOut/DicomTools.psd1", '-WorkDirectory', (Join-Path $Root 'out/bench'))
    if ($Baseline) { $arguments += @('-Baseline', (Resolve-Path $Baseline).Path) }
    if ($Quick) { $arguments += '-Quick' }
    Invoke-ChildPwsh $arguments
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Fuzz {
    # A new random seed each run reaches inputs the test pass (fixed seed) never tries; it is printed so a failure
    # can be replayed with DICOMTOOLS_FUZZ_SEED.
    if (-not $env:DICOMTOOLS_FUZZ_SEED) { $env:DICOMTOOLS_FUZZ_SEED = [string](Get-Random -Minimum 1 -Maximum ([int]::MaxValue)) }
    if (-not $env:DICOMTOOLS_FUZZ_ITERATIONS) { $env:DICOMTOOLS_FUZZ_ITERATIONS = '500000' }
    Write-Host "==> Long fuzz run: $env:DICOMTOOLS_FUZZ_ITERATIONS inputs, seed $env:DICOMTOOLS_FUZZ_SEED"
    Invoke-Native dotnet @('test', (Join-Path $Root 'tests/DicomTools.Tests/DicomTools.Tests.csproj'), '-c', $Configuration, '--nologo', '--filter', 'Category=Fuzz')
}

function Invoke-Package {
    # The release build, packed by PowerShell's own publisher into out/ (see tools/package/New-ModulePackage.ps1).
    Invoke-Build
    Write-Host '==> Packing DicomTools'
    $arguments = @{ ModuleFolder = $ModuleOut; OutputDirectory = (Join-Path $Root 'out') }
    if ($ProjectUri) { $arguments.ProjectUri = $ProjectUri }
    $package = & (Join-Path $Root 'tools/package/New-ModulePackage.ps1') @arguments
    Write-Host "Package: $($package.FullName)"
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Fuzz' { Invoke-Fuzz }
    'Package' { Invoke-Package }
}
