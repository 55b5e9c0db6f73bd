# Dot-sourced by every test file (in BeforeDiscovery and BeforeAll): where the built module and the corpus are.
$script:ModulePath = if ($env:DICOMTOOLS_MODULE) { $env:DICOMTOOLS_MODULE } else {
    Join-Path $PSScriptRoot '../../out/DicomTools/DicomTools.psd1'
}
$script:CorpusDir = if ($env:DICOMTOOLS_CORPUS -and (Test-Path (Join-Path $env:DICOMTOOLS_CORPUS 'MANIFEST.tsv'))) {
    $env:DICOMTOOLS_CORPUS
} else {
    # ../shared/corpus beside the repository (CI and the team's machines).
    $candidate = Join-Path $PSScriptRoot '../../../shared/corpus'
    if (Test-Path (Join-Path $candidate 'MANIFEST.tsv')) { (Resolve-Path $candidate).Path } else { $null }
}
$script:CorpusPresent = $null -ne $script:CorpusDir
$script:CorpusAbsentReason = 'shared corpus not found (../shared/corpus beside the repository, or DICOMTOOLS_CORPUS)'

function Get-CorpusManifest {
    if (-not $script:CorpusPresent) { return @() }
    Import-Csv -Path (Join-Path $script:CorpusDir 'MANIFEST.tsv') -Delimiter "`t"
}

# The module's public types are in namespace DicomTools; the tests also make files with internal ones (the sample CT,
# the writer, the dictionary), reached through the loaded assembly.
function Get-ModuleType([string]$Name) { [DicomTools.DicomInfo].Assembly.GetType($Name, $true) }

# Arguments that run Command over Files: -SourcePath into a fresh output folder for Export-DicomImage, -LiteralPath
# for the cmdlets that write objects; Params are added as given.
function New-FileCommandArguments([string]$Command, [string[]]$Files, [hashtable]$Params) {
    $arguments = @{} + $Params
    if ($Command -eq 'Export-DicomImage') {
        $arguments.SourcePath = $Files
        $arguments.OutputDirectory = Join-Path $TestDrive "out-$([guid]::NewGuid())"
    } else {
        $arguments.LiteralPath = $Files
    }
    $arguments
}
