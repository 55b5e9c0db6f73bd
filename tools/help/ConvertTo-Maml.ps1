#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Converts cmdlet help written in platyPS's markdown layout into the MAML file Get-Help reads for a binary module.
.DESCRIPTION
    Reads every *.md file of -MarkdownFolder (one cmdlet each: # Name, ## SYNOPSIS, ## SYNTAX, ## DESCRIPTION,
    ## EXAMPLES, ## PARAMETERS with a ```yaml block per parameter, ## INPUTS, ## OUTPUTS, ## NOTES, ## RELATED LINKS)
    and writes one helpItems document with a command:command element per cmdlet to -OutputFile, for example
    out/DicomTools/en-US/DicomTools.dll-Help.xml.

    platyPS is not needed: this is plain PowerShell 7. The syntax of each parameter set comes from the ## SYNTAX code
    block of that set (for the order of the parameters) and from each parameter's yaml block (for its type, whether it
    is required, its position...). A parameter whose yaml lists a set but is missing from that set's syntax line, or
    the reverse, stops the conversion: the two must agree before Get-Help can show them.

    Prose is written as plain text: inline code marks and bold are dropped, [text](url) links keep their text (and an
    absolute url in brackets). Code blocks of an example are kept as written. All text is XML-escaped by the writer.
.EXAMPLE
    ./tools/help/ConvertTo-Maml.ps1 -MarkdownFolder ./docs/help -OutputFile ./out/DicomTools/en-US/DicomTools.dll-Help.xml
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string]$MarkdownFolder,

    [Parameter(Mandatory)]
    [string]$OutputFile
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'
$MsHelpNs = 'http://msdn.microsoft.com/mshelp'

# Keys every parameter's yaml block must have (platyPS writes all of them; Get-Help shows most of them).
$RequiredYamlKeys = @('Type', 'Parameter Sets', 'Required', 'Position', 'Default value', 'Accept pipeline input', 'Accept wildcard characters')

function Get-MarkdownToken {
    # Splits markdown lines into headings, fenced code blocks, list items and paragraphs. Enough of CommonMark for
    # help pages: no nested lists, tables or HTML.
    param([string[]]$Lines, [string]$Source)

    $tokens = [System.Collections.Generic.List[object]]::new()
    $i = 0
    # YAML front matter (external help file, Module Name...) describes the page, not the command.
    if ($Lines.Count -gt 0 -and $Lines[0].Trim() -eq '---') {
        $i = 1
        while ($i -lt $Lines.Count -and $Lines[$i].Trim() -ne '---') { $i++ }
        if ($i -ge $Lines.Count) { throw "${Source}: the front matter that starts on line 1 is not closed with ---" }
        $i++
    }
    $isBlockStart = { param($l) $l -match '^\s*```' -or $l -match '^#{1,6}\s' -or $l -match '^\s*(?:[-*+]|\d+\.)\s+\S' }

    while ($i -lt $Lines.Count) {
        $line = $Lines[$i]
        if ($line -match '^\s*```\s*([\w-]*)\s*$') {
            $language = $Matches[1]
            $start = $i + 1
            $i++
            $body = [System.Collections.Generic.List[string]]::new()
            while ($i -lt $Lines.Count -and $Lines[$i] -notmatch '^\s*```\s*$') { $body.Add($Lines[$i]); $i++ }
            if ($i -ge $Lines.Count) { throw "${Source}: the code block that starts on line $start is not closed" }
            $i++
            $tokens.Add([pscustomobject]@{ Kind = 'Code'; Language = $language; Text = ($body -join "`n"); Line = $start })
            continue
        }
        if ($line -match '^(#{1,6})\s+(.*?)\s*$') {
            $tokens.Add([pscustomobject]@{ Kind = 'Heading'; Level = $Matches[1].Length; Text = $Matches[2]; Line = $i + 1 })
            $i++
            continue
        }
        if ($line.Trim() -eq '') { $i++; continue }
        if ($line -match '^\s*(?:[-*+]|\d+\.)\s+(.*)$') {
            # A list item; indented lines that follow continue it.
            $text = $Matches[1].Trim()
            $i++
            while ($i -lt $Lines.Count -and $Lines[$i] -match '^\s+\S' -and -not (& $isBlockStart $Lines[$i])) {
                $text += ' ' + $Lines[$i].Trim()
                $i++
            }
            $tokens.Add([pscustomobject]@{ Kind = 'Item'; Text = $text; Line = $i })
            continue
        }
        $paragraph = [System.Collections.Generic.List[string]]::new()
        $start = $i + 1
        while ($i -lt $Lines.Count -and $Lines[$i].Trim() -ne '' -and -not (& $isBlockStart $Lines[$i])) {
            $paragraph.Add($Lines[$i].Trim())
            $i++
        }
        $tokens.Add([pscustomobject]@{ Kind = 'Para'; Text = ($paragraph -join ' '); Line = $start })
    }
    return $tokens
}

function ConvertTo-PlainText {
    # Markdown inline syntax to the plain text Get-Help prints.
    param([string]$Text)
    $t = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)\s]+)\)', {
            param($m)
            $uri = $m.Groups[2].Value
            if ($uri -match '^[a-z][a-z0-9+.-]*://') { '{0} ({1})' -f $m.Groups[1].Value, $uri } else { $m.Groups[1].Value }
        })
    $t = [regex]::Replace($t, '\*\*(.+?)\*\*', '$1')
    $t = [regex]::Replace($t, '`([^`]+)`', '$1')
    $t = [regex]::Replace($t, '\\([\\`*_{}\[\]()#+\-.!<>|])', '$1')
    return $t
}

function Get-Paragraph {
    # The prose of a section as MAML paragraphs: one per markdown paragraph, one per list item.
    param([object[]]$Tokens)
    $paras = [System.Collections.Generic.List[string]]::new()
    $previous = $null
    foreach ($token in $Tokens) {
        switch ($token.Kind) {
            'Para' { $paras.Add((ConvertTo-PlainText $token.Text)) }
            'Item' {
                # Consecutive items share one paragraph, one line each: Get-Help puts a blank line between paragraphs.
                $item = '- ' + (ConvertTo-PlainText $token.Text)
                if ($previous -and $previous.Kind -eq 'Item') { $paras[$paras.Count - 1] += "`n" + $item } else { $paras.Add($item) }
            }
        }
        $previous = $token
    }
    return , $paras.ToArray()
}

function ConvertFrom-ParameterYaml {
    # The flat "Key: value" yaml platyPS writes under each parameter.
    param([string]$Text, [string]$Where)
    $map = [ordered]@{}
    foreach ($line in $Text -split "`n") {
        if ($line.Trim() -eq '') { continue }
        if ($line -notmatch '^([A-Za-z][A-Za-z ]*?):\s*(.*?)\s*$') { throw "${Where}: cannot read the yaml line '$line'" }
        $map[$Matches[1]] = $Matches[2]
    }
    foreach ($key in $RequiredYamlKeys) {
        if (-not $map.Contains($key) -or $map[$key] -eq '') { throw "${Where}: the yaml block has no '$key'" }
    }
    $sets = @($map['Parameter Sets'] -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
    $required = switch ($map['Required']) { 'True' { $true } 'False' { $false } default { throw "${Where}: Required must be True or False, not '$_'" } }
    $globbing = switch ($map['Accept wildcard characters']) { 'True' { $true } 'False' { $false } default { throw "${Where}: Accept wildcard characters must be True or False, not '$_'" } }
    $position = $map['Position']
    if ($position -ne 'Named' -and $position -notmatch '^\d+$') { throw "${Where}: Position must be Named or a number, not '$position'" }
    $pipeline = $map['Accept pipeline input']
    if ($pipeline -notmatch '^(False|True \((ByValue|ByPropertyName)(, (ByValue|ByPropertyName))?\))$') {
        throw "${Where}: Accept pipeline input must be False or True (ByValue, ByPropertyName), not '$pipeline'"
    }
    # @(...) around the whole expression: an empty list must stay an empty array, not become $null.
    $accepted = @(if ($map.Contains('Accepted values')) { $map['Accepted values'] -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ } })
    $aliases = @(if ($map.Contains('Aliases')) { $map['Aliases'] -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ } })
    [pscustomobject]@{
        Type           = $map['Type']
        Sets           = $sets
        Aliases        = $aliases
        AcceptedValues = $accepted
        Required       = $required
        Position       = $position
        DefaultValue   = $map['Default value']
        PipelineInput  = $pipeline
        Globbing       = $globbing
    }
}

function Read-CommandHelp {
    # One markdown page into a command description the writer below turns into MAML.
    param([System.IO.FileInfo]$File)
    $source = $File.Name
    $lines = (Get-Content -LiteralPath $File.FullName -Raw -Encoding utf8) -replace "`r`n?", "`n" -split "`n"
    $tokens = Get-MarkdownToken -Lines $lines -Source $source

    $name = $null
    $sections = [ordered]@{}
    $section = $null
    foreach ($token in $tokens) {
        if ($token.Kind -eq 'Heading' -and $token.Level -eq 1) {
            if ($name) { throw "${source}:$($token.Line): a second # title" }
            $name = $token.Text.Trim()
            continue
        }
        if ($token.Kind -eq 'Heading' -and $token.Level -eq 2) {
            $section = $token.Text.Trim().ToUpperInvariant()
            if ($sections.Contains($section)) { throw "${source}:$($token.Line): section ## $section appears twice" }
            $sections[$section] = [System.Collections.Generic.List[object]]::new()
            continue
        }
        if (-not $section) { throw "${source}:$($token.Line): text before the first ## section" }
        $sections[$section].Add($token)
    }
    if (-not $name) { throw "${source}: no # title with the cmdlet name" }
    if ($name -notmatch '^\w+-\w+$') { throw "${source}: the title '$name' is not a Verb-Noun cmdlet name" }
    foreach ($required in 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS') {
        if (-not $sections.Contains($required)) { throw "${source}: no ## $required section" }
    }
    foreach ($present in $sections.Keys) {
        if ($present -notin 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS') {
            throw "${source}: unknown section ## $present"
        }
    }

    # Splits a section at its ### headings.
    $subsections = {
        param([string]$SectionName)
        $list = [System.Collections.Generic.List[object]]::new()
        $current = $null
        foreach ($token in $sections[$SectionName]) {
            if ($token.Kind -eq 'Heading' -and $token.Level -eq 3) {
                $current = [pscustomobject]@{ Title = $token.Text.Trim(); Tokens = [System.Collections.Generic.List[object]]::new(); Line = $token.Line }
                $list.Add($current)
                continue
            }
            if ($token.Kind -eq 'Heading') { throw "${source}:$($token.Line): only ### headings belong under ## $SectionName" }
            if (-not $current) {
                if ($token.Kind -eq 'Para' -and $SectionName -in 'OUTPUTS', 'INPUTS') { throw "${source}:$($token.Line): ## $SectionName text must be under a ### type heading" }
                continue
            }
            $current.Tokens.Add($token)
        }
        return , $list
    }

    $synopsis = Get-Paragraph $sections['SYNOPSIS']
    $description = Get-Paragraph $sections['DESCRIPTION']
    if ($synopsis.Count -eq 0) { throw "${source}: ## SYNOPSIS is empty" }
    if ($description.Count -eq 0) { throw "${source}: ## DESCRIPTION is empty" }

    $syntax = foreach ($sub in (& $subsections 'SYNTAX')) {
        $code = @($sub.Tokens | Where-Object Kind -eq 'Code')
        if ($code.Count -ne 1) { throw "${source}:$($sub.Line): syntax set '$($sub.Title)' needs exactly one code block" }
        $setName = ($sub.Title -replace '\s*\(Default\)\s*$', '').Trim()
        # Parameter names in the order the syntax line shows them; <CommonParameters> is not one.
        $order = @([regex]::Matches($code[0].Text, '(?<![\w-])-([A-Za-z][A-Za-z0-9]*)') | ForEach-Object { $_.Groups[1].Value })
        $commandInLine = ($code[0].Text.Trim() -split '\s+')[0]
        if ($commandInLine -ne $name) { throw "${source}:$($sub.Line): the syntax of set '$setName' starts with '$commandInLine', not $name" }
        [pscustomobject]@{ Name = $setName; IsDefault = $sub.Title -match '\(Default\)\s*$'; Order = $order }
    }
    $syntax = @($syntax)
    if ($syntax.Count -eq 0) { throw "${source}: ## SYNTAX has no ### parameter set" }

    $examples = foreach ($sub in (& $subsections 'EXAMPLES')) {
        $code = @($sub.Tokens | Where-Object Kind -eq 'Code' | ForEach-Object Text)
        if ($code.Count -eq 0) { throw "${source}:$($sub.Line): example '$($sub.Title)' has no code block" }
        [pscustomobject]@{
            Title   = ConvertTo-PlainText $sub.Title
            Code    = ($code -join "`n`n")
            Remarks = Get-Paragraph @($sub.Tokens)
        }
    }
    $examples = @($examples)

    $parameters = foreach ($sub in (& $subsections 'PARAMETERS')) {
        if ($sub.Title -eq 'CommonParameters') { continue }
        if ($sub.Title -notmatch '^-([A-Za-z][A-Za-z0-9]*)$') { throw "${source}:$($sub.Line): a parameter heading is ### -Name, not '### $($sub.Title)'" }
        $parameterName = $Matches[1]
        $yaml = @($sub.Tokens | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'yaml' } |
                ForEach-Object { ConvertFrom-ParameterYaml -Text $_.Text -Where "${source}: -$parameterName" })
        if ($yaml.Count -eq 0) { throw "${source}:$($sub.Line): -$parameterName has no yaml block" }
        $prose = Get-Paragraph @($sub.Tokens | Where-Object Kind -ne 'Code')
        if ($prose.Count -eq 0) { throw "${source}:$($sub.Line): -$parameterName has no description" }
        [pscustomobject]@{ Name = $parameterName; Description = $prose; Yaml = $yaml }
    }
    $parameters = @($parameters)
    $duplicate = $parameters | Group-Object Name | Where-Object Count -gt 1 | Select-Object -First 1
    if ($duplicate) { throw "${source}: -$($duplicate.Name) is documented twice" }

    # The syntax lines and the yaml blocks must describe the same parameter sets.
    foreach ($set in $syntax) {
        foreach ($parameterName in $set.Order) {
            $parameter = $parameters | Where-Object Name -eq $parameterName
            if (-not $parameter) { throw "${source}: the syntax of set '$($set.Name)' has -$parameterName, which ## PARAMETERS does not document" }
            if (-not (Get-SetYaml $parameter $set.Name)) { throw "${source}: the syntax of set '$($set.Name)' has -$parameterName, but its yaml does not list that set" }
        }
        foreach ($parameter in $parameters) {
            if ((Get-SetYaml $parameter $set.Name) -and $parameter.Name -notin $set.Order) {
                throw "${source}: the yaml of -$($parameter.Name) lists set '$($set.Name)', whose syntax line does not have it"
            }
        }
    }
    foreach ($parameter in $parameters) {
        foreach ($yaml in $parameter.Yaml) {
            foreach ($setName in $yaml.Sets) {
                if ($setName -ne '(All)' -and $setName -notin $syntax.Name) { throw "${source}: -$($parameter.Name) lists parameter set '$setName', which ## SYNTAX does not have" }
            }
        }
    }

    $typed = {
        param([string]$SectionName)
        foreach ($sub in (& $subsections $SectionName)) {
            [pscustomobject]@{ Type = (ConvertTo-PlainText $sub.Title); Description = Get-Paragraph @($sub.Tokens) }
        }
    }

    $links = foreach ($token in $sections['RELATED LINKS']) {
        if ($token.Kind -notin 'Para', 'Item') { continue }
        if ($token.Text -match '^\[([^\]]+)\]\(([^)\s]*)\)$') {
            $uri = $Matches[2]
            [pscustomobject]@{ Text = $Matches[1]; Uri = $(if ($uri -match '^[a-z][a-z0-9+.-]*://') { $uri } else { '' }) }
        }
        else {
            [pscustomobject]@{ Text = (ConvertTo-PlainText $token.Text); Uri = '' }
        }
    }

    [pscustomobject]@{
        Source      = $source
        Name        = $name
        Synopsis    = $synopsis
        Description = $description
        Syntax      = $syntax
        Examples    = $examples
        Parameters  = $parameters
        Inputs      = @(& $typed 'INPUTS')
        Outputs     = @(& $typed 'OUTPUTS')
        Notes       = Get-Paragraph $sections['NOTES']
        Links       = @($links)
    }
}

function Get-SetYaml {
    # The yaml block of a parameter that applies to a parameter set, or $null when it is not in that set.
    param($Parameter, [string]$SetName)
    foreach ($yaml in $Parameter.Yaml) {
        if ($yaml.Sets -contains '(All)' -or $yaml.Sets -contains $SetName) { return $yaml }
    }
    return $null
}

function Write-Paragraphs {
    param([System.Xml.XmlWriter]$Writer, [string[]]$Paragraphs)
    if (-not $Paragraphs -or $Paragraphs.Count -eq 0) {
        $Writer.WriteElementString('maml', 'para', $MamlNs, '')
        return
    }
    foreach ($para in $Paragraphs) { $Writer.WriteElementString('maml', 'para', $MamlNs, $para) }
}

function Write-Description {
    param([System.Xml.XmlWriter]$Writer, [string[]]$Paragraphs)
    $Writer.WriteStartElement('maml', 'description', $MamlNs)
    Write-Paragraphs $Writer $Paragraphs
    $Writer.WriteEndElement()
}

function Write-Parameter {
    # One command:parameter, the same element in a syntax item and in the parameter list. In a syntax item a switch
    # has no value; in the parameter list Get-Help shows it as [<SwitchParameter>].
    param([System.Xml.XmlWriter]$Writer, $Parameter, $Yaml, [bool]$InSyntax)
    $isSwitch = $Yaml.Type -eq 'SwitchParameter'
    $Writer.WriteStartElement('command', 'parameter', $CommandNs)
    $Writer.WriteAttributeString('required', $Yaml.Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', $Yaml.Type.EndsWith('[]').ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', $Yaml.Globbing.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $Yaml.PipelineInput)
    $Writer.WriteAttributeString('position', $(if ($Yaml.Position -eq 'Named') { 'named' } else { $Yaml.Position }))
    $Writer.WriteAttributeString('aliases', $(if ($Yaml.Aliases.Count -gt 0) { $Yaml.Aliases -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $MamlNs, $Parameter.Name)
    Write-Description $Writer $Parameter.Description
    if ($Yaml.AcceptedValues.Count -gt 0) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $CommandNs)
        foreach ($value in $Yaml.AcceptedValues) {
            $Writer.WriteStartElement('command', 'parameterValue', $CommandNs)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('variableLength', 'false')
            $Writer.WriteString($value)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    if (-not ($isSwitch -and $InSyntax)) {
        $Writer.WriteStartElement('command', 'parameterValue', $CommandNs)
        $Writer.WriteAttributeString('required', $(if ($isSwitch) { 'false' } else { 'true' }))
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($Yaml.Type)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $DevNs)
    $Writer.WriteElementString('maml', 'name', $MamlNs, $Yaml.Type)
    $Writer.WriteElementString('maml', 'uri', $MamlNs, '')
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $DevNs, $Yaml.DefaultValue)
    $Writer.WriteEndElement()
}

function Write-TypeList {
    param([System.Xml.XmlWriter]$Writer, [string]$ListElement, [string]$ItemElement, [object[]]$Items)
    $Writer.WriteStartElement('command', $ListElement, $CommandNs)
    foreach ($item in $Items) {
        $Writer.WriteStartElement('command', $ItemElement, $CommandNs)
        $Writer.WriteStartElement('dev', 'type', $DevNs)
        $Writer.WriteElementString('maml', 'name', $MamlNs, $item.Type)
        $Writer.WriteEndElement()
        Write-Description $Writer $item.Description
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Write-Command {
    param([System.Xml.XmlWriter]$Writer, $Help)
    $Writer.WriteStartElement('command', 'command', $CommandNs)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $MamlNs)
    $Writer.WriteAttributeString('xmlns', 'command', $null, $CommandNs)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $DevNs)
    $Writer.WriteAttributeString('xmlns', 'MSHelp', $null, $MsHelpNs)

    $verb, $noun = $Help.Name -split '-', 2
    $Writer.WriteStartElement('command', 'details', $CommandNs)
    $Writer.WriteElementString('command', 'name', $CommandNs, $Help.Name)
    $Writer.WriteElementString('command', 'verb', $CommandNs, $verb)
    $Writer.WriteElementString('command', 'noun', $CommandNs, $noun)
    Write-Description $Writer $Help.Synopsis
    $Writer.WriteEndElement()

    Write-Description $Writer $Help.Description

    # Default set first, as Get-Command -Syntax lists it.
    $Writer.WriteStartElement('command', 'syntax', $CommandNs)
    foreach ($set in @(@($Help.Syntax | Where-Object IsDefault) + @($Help.Syntax | Where-Object { -not $_.IsDefault }))) {
        $Writer.WriteStartElement('command', 'syntaxItem', $CommandNs)
        $Writer.WriteElementString('maml', 'name', $MamlNs, $Help.Name)
        foreach ($parameterName in $set.Order) {
            $parameter = $Help.Parameters | Where-Object Name -eq $parameterName
            Write-Parameter $Writer $parameter (Get-SetYaml $parameter $set.Name) $true
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    # The parameter list has one entry per parameter. When a parameter's yaml differs between sets, Get-Help shows
    # the first block; it is required if any set requires it.
    $Writer.WriteStartElement('command', 'parameters', $CommandNs)
    foreach ($parameter in $Help.Parameters) {
        $first = $parameter.Yaml[0]
        $merged = [pscustomobject]@{
            Type           = $first.Type
            Sets           = @($parameter.Yaml | ForEach-Object Sets)
            Aliases        = $first.Aliases
            AcceptedValues = $first.AcceptedValues
            Required       = [bool]($parameter.Yaml | Where-Object Required)
            Position       = $first.Position
            DefaultValue   = $first.DefaultValue
            PipelineInput  = $first.PipelineInput
            Globbing       = $first.Globbing
        }
        Write-Parameter $Writer $parameter $merged $false
    }
    $Writer.WriteEndElement()

    Write-TypeList $Writer 'inputTypes' 'inputType' $Help.Inputs
    Write-TypeList $Writer 'returnValues' 'returnValue' $Help.Outputs

    $Writer.WriteStartElement('maml', 'alertSet', $MamlNs)
    $Writer.WriteStartElement('maml', 'alert', $MamlNs)
    Write-Paragraphs $Writer $Help.Notes
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'examples', $CommandNs)
    foreach ($example in $Help.Examples) {
        $Writer.WriteStartElement('command', 'example', $CommandNs)
        $Writer.WriteElementString('maml', 'title', $MamlNs, "--------- $($example.Title) ---------")
        $Writer.WriteElementString('dev', 'code', $DevNs, $example.Code)
        $Writer.WriteStartElement('dev', 'remarks', $DevNs)
        Write-Paragraphs $Writer $example.Remarks
        # Get-Help prints the next example's title right under the last line of remarks; an empty paragraph
        # separates them.
        $Writer.WriteElementString('maml', 'para', $MamlNs, '')
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('maml', 'relatedLinks', $MamlNs)
    foreach ($link in $Help.Links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $MamlNs)
        $Writer.WriteElementString('maml', 'linkText', $MamlNs, $link.Text)
        $Writer.WriteElementString('maml', 'uri', $MamlNs, $link.Uri)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

$folder = Resolve-Path -LiteralPath $MarkdownFolder
$files = @(Get-ChildItem -LiteralPath $folder -Filter *.md -File | Sort-Object Name)
if ($files.Count -eq 0) { throw "No markdown help (*.md) in $folder" }
$commands = foreach ($file in $files) {
    $help = Read-CommandHelp $file
    if ($file.BaseName -ne $help.Name) { throw "$($file.Name) documents $($help.Name): name the file $($help.Name).md" }
    $help
}

# Written to memory first: a conversion error never leaves a half-written help file behind.
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.NewLineChars = "`n"
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$buffer = [System.IO.MemoryStream]::new()
$writer = [System.Xml.XmlWriter]::Create($buffer, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($help in $commands) { Write-Command $writer $help }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}

$target = [System.IO.Path]::GetFullPath($OutputFile, (Get-Location -PSProvider FileSystem).ProviderPath)
$directory = [System.IO.Path]::GetDirectoryName($target)
if (-not (Test-Path -LiteralPath $directory)) { New-Item -ItemType Directory -Path $directory -Force | Out-Null }
[System.IO.File]::WriteAllBytes($target, $buffer.ToArray())
Write-Verbose "Wrote help for $(@($commands).Count) cmdlet(s) to $target"
