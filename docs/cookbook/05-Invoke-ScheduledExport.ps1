<#
.SYNOPSIS
    A job for the scheduler: converts new files, logs every failure with its file and reason, and exits 1 when a
    file failed so the scheduler shows the run as failed.
.DESCRIPTION
    The folder structure is kept (file names repeat across folders in most archives). Files converted by an
    earlier run are skipped: their PNG exists, and nothing is overwritten without -Force.
    Register it (not tested here; the script itself is):
      Windows: Register-ScheduledTask -TaskName DicomExport -Trigger (New-ScheduledTaskTrigger -Daily -At 2am) `
                 -Action (New-ScheduledTaskAction -Execute pwsh.exe -Argument '-NoProfile -File C:\Jobs\05-Invoke-ScheduledExport.ps1 -Source D:\Incoming -Destination D:\Png -LogDirectory D:\Logs')
      Linux cron: 0 2 * * * pwsh -NoProfile -File /opt/jobs/05-Invoke-ScheduledExport.ps1 -Source /srv/incoming -Destination /srv/png -LogDirectory /var/log/dicom
.EXAMPLE
    ./05-Invoke-ScheduledExport.ps1 -Source D:\Incoming -Destination D:\Png -LogDirectory D:\Logs
#>
param(
    [Parameter(Mandatory)][string]$Source,
    [Parameter(Mandatory)][string]$Destination,
    [Parameter(Mandatory)][string]$LogDirectory
)
if (-not (Get-Module DicomTools)) { Import-Module DicomTools }   # by name under the scheduler (see the README on names)
New-Item -ItemType Directory -Path $Destination, $LogDirectory -Force | Out-Null
$log = Join-Path $LogDirectory ('dicom-export-{0:yyyyMMdd}.log' -f (Get-Date))
$started = Get-Date

$Source = (Resolve-Path -LiteralPath $Source).Path
$problems = [Collections.Generic.List[Management.Automation.ErrorRecord]]::new()
$done = @(Get-ChildItem -LiteralPath $Source -Recurse -File | Group-Object DirectoryName | ForEach-Object {
        $target = Join-Path $Destination ([IO.Path]::GetRelativePath($Source, $_.Name))
        New-Item -ItemType Directory -Path $target -Force | Out-Null
        $_.Group | Export-DicomImage -OutputDirectory $target -PassThru -ErrorAction SilentlyContinue -ErrorVariable +problems
    })

# An existing PNG means an earlier run converted that file: not a failure.
$failures = @($problems | Where-Object { $_.FullyQualifiedErrorId -notlike 'OutputExists*' })
$lines = foreach ($failure in $failures) {
    "{0:s}`tERROR`t{1}`t{2}`t{3}" -f (Get-Date), $failure.TargetObject, ($failure.FullyQualifiedErrorId -split ',')[0], $failure.Exception.Message
}
$lines += "{0:s}`tDONE`t{1} converted, {2} failed, {3:0.0} s" -f (Get-Date), $done.Count, $failures.Count, ((Get-Date) - $started).TotalSeconds
Add-Content -LiteralPath $log -Value $lines
if ($failures.Count -gt 0) { exit 1 }
