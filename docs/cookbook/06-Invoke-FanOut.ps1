<#
.SYNOPSIS
    Spreads a conversion over several machines (Invoke-Command) or over the cores of this one (ForEach-Object
    -Parallel): one top-level folder (a day, a study) is one unit of work.
.DESCRIPTION
    The same script block does the work in both cases. With -ComputerName it runs on each machine through
    PowerShell remoting (WinRM or SSH), where DicomTools must be installed (Install-PSResource) and -Source and
    -Destination must be paths every machine sees (a share). Without it, it runs in parallel runspaces here. The
    project's test runs the local form; remoting to real machines is not tested.
.EXAMPLE
    ./06-Invoke-FanOut.ps1 -Source \\pacs\export -Destination \\nas\png -ComputerName ws01, ws02, ws03
.EXAMPLE
    ./06-Invoke-FanOut.ps1 -Source D:\Archive -Destination D:\Png -ThrottleLimit 4
#>
param(
    [Parameter(Mandatory)][string]$Source,
    [Parameter(Mandatory)][string]$Destination,
    [string[]]$ComputerName,
    [int]$ThrottleLimit = 4,
    # How each worker imports the module: by name where it is installed, or a path to a module copy.
    [string]$ModulePath = 'DicomTools'
)
$convertFolder = {
    # Converts the given folders of the tree under $Source, keeping the structure below $Destination.
    param([string[]]$Folders, [string]$Source, [string]$Destination, [string]$ModulePath)
    Import-Module $ModulePath
    foreach ($folder in $Folders) {
        Get-ChildItem -LiteralPath $folder -Recurse -File | Group-Object DirectoryName | ForEach-Object {
            $target = Join-Path $Destination ([IO.Path]::GetRelativePath($Source, $_.Name))
            New-Item -ItemType Directory -Path $target -Force | Out-Null
            $_.Group | Export-DicomImage -OutputDirectory $target -PassThru -ThrottleLimit 1 |
                ForEach-Object { [pscustomobject]@{ Computer = [Environment]::MachineName; Png = $_.FullName } }
        }
    }
}
$Source = (Resolve-Path -LiteralPath $Source).Path
$folders = @(Get-ChildItem -LiteralPath $Source -Directory | ForEach-Object FullName)
if ($ComputerName) {
    # Deal the folders out round-robin, one batch per machine; the machines work at the same time.
    $batches = @{}
    for ($i = 0; $i -lt $folders.Count; $i++) { $batches[$ComputerName[$i % $ComputerName.Count]] += @($folders[$i]) }
    $jobs = foreach ($computer in $batches.Keys) {
        Invoke-Command -ComputerName $computer -ScriptBlock $convertFolder -ArgumentList $batches[$computer], $Source, $Destination, $ModulePath -AsJob
    }
    $jobs | Receive-Job -Wait -AutoRemoveJob
}
else {
    # Script blocks cannot cross into parallel runspaces; their text can.
    $text = $convertFolder.ToString()
    $folders | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
        & ([scriptblock]::Create($using:text)) -Folders $_ -Source $using:Source -Destination $using:Destination -ModulePath $using:ModulePath
    }
}
