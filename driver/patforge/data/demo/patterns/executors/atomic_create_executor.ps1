#Requires -Version 5.1
<#
.SYNOPSIS
    Executes an atomic_create pattern instance.
.DESCRIPTION
    Reads a JSON instance (see patterns/schemas/atomic_create.schema.json),
    writes every file to a temporary sibling, then moves all of them into
    place. If anything fails, files already moved and temporaries are removed.
.PARAMETER InstancePath
    Path to the JSON instance file.
.EXAMPLE
    .\atomic_create_executor.ps1 -InstancePath ..\examples\atomic_create\instance_minimal.json
#>
param([Parameter(Mandatory=$true)][string]$InstancePath)

$ErrorActionPreference = 'Stop'
function Say { param([string]$M) Write-Host $M }

$instance = Get-Content -Path $InstancePath -Raw | ConvertFrom-Json
$root = $instance.project_root
$suffix = if ($instance.temp_suffix) { $instance.temp_suffix } else { '.tmp' }
$encodingMap = @{ utf8 = 'UTF8'; utf8BOM = 'UTF8'; ascii = 'ASCII' }
$encoding = if ($instance.encoding) { $encodingMap[$instance.encoding] } else { 'UTF8' }
$maxKb = if ($instance.max_file_size_kb) { [int]$instance.max_file_size_kb } else { 1024 }
$pending = @()
$moved = @()

try {
    foreach ($file in $instance.files_to_create) {
        $target = Join-Path $root $file.path
        if ((Test-Path $target) -and -not $instance.overwrite_existing) {
            throw "Target already exists: $target"
        }
        if ([Text.Encoding]::UTF8.GetByteCount($file.content) -gt $maxKb * 1024) {
            throw "File exceeds $maxKb KB: $($file.path)"
        }
        $dir = Split-Path -Parent $target
        if (-not (Test-Path $dir)) { New-Item -ItemType Directory -Path $dir -Force | Out-Null }
        $temp = "$target$suffix"
        Set-Content -Path $temp -Value $file.content -Encoding $encoding -NoNewline
        $pending += [pscustomobject]@{ Temp = $temp; Target = $target }
    }
    foreach ($item in $pending) {
        Move-Item -Path $item.Temp -Destination $item.Target -Force
        $moved += $item.Target
    }
    Say "Created $($moved.Count) file(s) under $root"
}
catch {
    Say "atomic_create failed: $($_.Exception.Message) - rolling back"
    foreach ($item in $pending) { Remove-Item -Path $item.Temp -ErrorAction SilentlyContinue }
    [array]::Reverse($moved)
    foreach ($path in $moved) { Remove-Item -Path $path -ErrorAction SilentlyContinue }
    exit 1
}
