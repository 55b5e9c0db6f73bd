#!/usr/bin/env python3
"""Generate DicomTools' DICOM data dictionary (PS3.6 Section 6/7/8) and UID registry (PS3.6 Annex A).

SOURCE
    1. Base: the dictionaries shipped by Debian's python3-pydicom (2.3.1, generated from PS3.6 of 2022):
           /usr/lib/python3/dist-packages/pydicom/_dicom_dict.py   (data elements, incl. repeating groups)
           /usr/lib/python3/dist-packages/pydicom/_uid_dict.py     (UIDs)
       They are read as data with ast.literal_eval; nothing in them is executed.
    2. Supplement: tools/dictionary/supplement.tsv beside this script, the difference between that base and a
       newer PS3.6 edition (2024d), made with --make-supplement (see below). Its rows add or replace entries by tag
       or UID, or delete them. Without it we would lack e.g. the HTJ2K and JPEG XL transfer syntaxes.
       Then MANUAL_TAGS/MANUAL_UIDS below: the few PS3.6 entries that no pydicom dictionary has. Two spellings
       pydicom alters are put back to the standard's ("µ" in three element names, "&" in JPEG process names).
    3. Cross-check only: DCMTK's dicom.dic (Debian libdcmtk17: /usr/share/libdcmtk17/dicom.dic, PS3.6 2022b), an
       independent transcription of the same standard. Disagreements are printed, never merged, so a reviewer sees
       where the editions or the two transcriptions differ.

RUN (from anywhere; paths are resolved from this file's location)
    /usr/bin/python3 tools/dictionary/generate.py            # rewrite the outputs
    /usr/bin/python3 tools/dictionary/generate.py --check    # exit 1 if the committed outputs are stale
    /usr/bin/python3 tools/dictionary/generate.py --make-supplement DIR --supplement-edition "PS3.6 2024d" \\
        --supplement-source "TEXT"
        # DIR holds a newer pydicom's _dicom_dict.py and _uid_dict.py (e.g. a pydicom source checkout's
        # src/pydicom); rewrites supplement.tsv as the difference between DIR and the base. When Debian's
        # python3-pydicom catches up with DIR, the supplement shrinks to nothing.

OUTPUT (generated, committed: the C# build does not run Python)
    src/DicomTools/Dicom/Generated/DicomDictionaryData.g.cs
    src/DicomTools/Dicom/Generated/DicomUidData.g.cs
    Each holds one UTF-8 string literal with a small TSV table. The C# compiler stores such a literal as raw bytes in
    the assembly image, so loading costs no JIT time for a giant initialiser and no resource stream: the first
    lookup parses ~5,000 short lines once (DicomDictionary.cs, DicomUids.cs).

TABLE FORMATS (tab-separated, '#' lines are comments)
    tags: TAG  VR  VM  RETIRED  KEYWORD  NAME
          TAG is 8 hex digits, group then element; an 'x' digit matches any value (repeating groups such as
          60xx3000 overlays, 50xx curves, 7Fxx, 1000xxx0, 1010xxxx, 002031xx, 002804x0). VR is PS3.6's text
          ("OB or OW", "US or SS or OW", "NONE" for items and delimiters). RETIRED is "R" or empty.
    uids: UID  TYPE  RETIRED  KEYWORD  NAME        TYPE is a member name of the C# enum DicomUidType.

Entries that PS3.6 lists without a keyword (the "RETIRED" placeholders such as (0018,0061), and two withdrawn SOP
classes) are dropped: they carry nothing a user could name, and an unknown tag reads as UN anyway.
"""

from __future__ import annotations

import argparse
import ast
import glob
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
SUPPLEMENT = os.path.join(HERE, "supplement.tsv")
OUT_DIR = os.path.join(REPO, "src", "DicomTools", "Dicom", "Generated")
OUT_TAGS = os.path.join(OUT_DIR, "DicomDictionaryData.g.cs")
OUT_UIDS = os.path.join(OUT_DIR, "DicomUidData.g.cs")
DEFAULT_PYDICOM = "/usr/lib/python3/dist-packages/pydicom"

KNOWN_VRS = {
    "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW",
    "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV",
}

# pydicom's spelling of the PS3.6 Table A-1 "UID Type" column -> our enum member. Several spellings of the same
# kind exist across editions (printer instances were their own type before 2024).
UID_TYPES = {
    "Transfer Syntax": "TransferSyntax",
    "SOP Class": "SopClass",
    "Meta SOP Class": "MetaSopClass",
    "Service Class": "ServiceClass",
    "Well-known SOP Instance": "WellKnownSopInstance",
    "Well-known Printer SOP Instance": "WellKnownSopInstance",
    "Well-known Print Queue SOP Instance": "WellKnownSopInstance",
    "Well-known frame of reference": "WellKnownFrameOfReference",
    "Synchronization Frame of Reference": "SynchronizationFrameOfReference",
    "Application Context Name": "ApplicationContextName",
    "Application Hosting Model": "ApplicationHostingModel",
    "Coding Scheme": "CodingScheme",
    "DICOM UIDs as a Coding Scheme": "CodingScheme",
    "Mapping Resource": "MappingResource",
    "LDAP OID": "LdapOid",
}
UID_TYPE_MEMBERS = sorted(set(UID_TYPES.values()) | {"Other"})

# PS3.6 entries that neither pydicom dictionary holds, written here by hand from the standard. pydicom's own
# generator reads only PS3.6 Tables 6-1, 7-1 and 8-1; (0006,0001) is registered in Table 9-1 (and is in DCMTK's
# dicom.dic of 2022b). Applied after the supplement. Columns as the tag table: KEY VR VM RETIRED KEYWORD NAME.
MANUAL_TAGS = [
    ("00060001", "SQ", "1", "", "CurrentFrameFunctionalGroupsSequence", "Current Frame Functional Groups Sequence"),
]
MANUAL_UIDS: list[tuple] = []  # UID TYPE RETIRED KEYWORD NAME

# pydicom's generator changes two spellings of PS3.6 (it writes "u" for "µ" in element names and "and" for "&" in
# UID names); these put the standard's text back. Each is checked to change exactly what it names.
MICRO_NAMES = {"00181153": "Exposure in µAs", "00188150": "Exposure Time in µS", "00188151": "X-Ray Tube Current in µA"}
JPEG_PROCESS_PAIR = re.compile(r"^(JPEG .*\(Process \d+) and (\d+\))$")


def fail(message: str) -> None:
    sys.exit(f"generate.py: {message}")


def read_literals(path: str, names: list[str]) -> dict[str, object]:
    """The values of top-level `NAME = {...}` assignments in a Python file, evaluated as literals only."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), filename=path)
    found: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target.id, node.value
        else:
            continue
        if target in names:
            found[target] = ast.literal_eval(value)
    missing = [n for n in names if n not in found]
    if missing:
        fail(f"{path} has no {', '.join(missing)}")
    return found


# ---------------------------------------------------------------------------------------------------------------
# Records. A tag record is (key, vr, vm, retired, keyword, name) with key the 8-character tag pattern ("00100010",
# "60xx3000"); a UID record is (uid, type, retired, keyword, name). Both are plain tuples so the supplement diff is
# a tuple comparison.


def pydicom_version(directory: str) -> str:
    path = os.path.join(directory, "_version.py")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            match = re.search(r"__version__\s*(?::\s*str)?\s*=\s*['\"]([^'\"]+)['\"]", handle.read())
            if match:
                return match.group(1)
    return "(version unknown)"


def tag_records_from_pydicom(directory: str) -> dict[str, tuple]:
    path = os.path.join(directory, "_dicom_dict.py")
    data = read_literals(path, ["DicomDictionary", "RepeatersDictionary"])
    records: dict[str, tuple] = {}
    for tag, value in data["DicomDictionary"].items():
        add_tag_record(records, f"{tag:08X}", value)
    for pattern, value in data["RepeatersDictionary"].items():
        add_tag_record(records, pattern.upper().replace("X", "x"), value)
    return records


def add_tag_record(records: dict[str, tuple], key: str, value: tuple) -> None:
    vr, vm, name, retired, keyword = value
    if not keyword:
        return  # PS3.6 placeholder rows ("RETIRED", no keyword): see the module docstring
    if key in MICRO_NAMES:
        if name != MICRO_NAMES[key].replace("µ", "u") and name != MICRO_NAMES[key]:
            fail(f"{key} is named {name!r}; update MICRO_NAMES")
        name = MICRO_NAMES[key]
    records[key] = (key, vr, vm, "R" if retired else "", keyword, name)


def uid_records_from_pydicom(directory: str) -> dict[str, tuple]:
    path = os.path.join(directory, "_uid_dict.py")
    data = read_literals(path, ["UID_dictionary"])
    records: dict[str, tuple] = {}
    for uid, (name, uid_type, _info, retired, keyword) in data["UID_dictionary"].items():
        if not keyword or not name:
            continue  # withdrawn UIDs that PS3.6 lists without name or keyword
        name = JPEG_PROCESS_PAIR.sub(r"\1 & \2", name)  # "JPEG Extended (Process 2 & 4)"
        member = UID_TYPES.get(uid_type)
        if member is None:
            print(f"note: UID type {uid_type!r} of {uid} is new to this script; mapped to Other", file=sys.stderr)
            member = "Other"
        records[uid] = (uid, member, "R" if retired else "", keyword, name)
    return records


# ---------------------------------------------------------------------------------------------------------------
# Supplement


def read_supplement(path: str) -> list[list[str]]:
    rows: list[list[str]] = []
    if not os.path.exists(path):
        return rows
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            expected = {"tag": 7, "uid": 6, "-tag": 2, "-uid": 2}.get(fields[0])
            if expected is None or len(fields) != expected:
                fail(f"{path}:{number}: malformed row {line!r}")
            rows.append(fields)
    return rows


def apply_supplement(tags: dict[str, tuple], uids: dict[str, tuple], rows: list[list[str]]) -> None:
    for fields in rows:
        kind, key = fields[0], fields[1]
        if kind == "tag":
            tags[key] = tuple(fields[1:])
        elif kind == "uid":
            uids[key] = tuple(fields[1:])
        elif kind == "-tag":
            tags.pop(key, None)
        else:
            uids.pop(key, None)


def make_supplement(base_dir: str, newer_dir: str, edition: str, source_text: str) -> None:
    base_tags, newer_tags = tag_records_from_pydicom(base_dir), tag_records_from_pydicom(newer_dir)
    base_uids, newer_uids = uid_records_from_pydicom(base_dir), uid_records_from_pydicom(newer_dir)
    lines = [
        "# Supplement to the base dictionary read by generate.py (Debian python3-pydicom, PS3.6 2022):",
        "# the entries that a newer PS3.6 edition adds, changes or removes. Rows add or replace by tag/UID;",
        "# '-tag'/'-uid' rows delete. Columns as generate.py documents (tag: KEY VR VM RETIRED KEYWORD NAME;",
        "# uid: UID TYPE RETIRED KEYWORD NAME). Edit by hand only to correct the standard's text.",
        f"# Edition: {edition}",
        f"# Newer source: {source_text}",
        "# Made by: /usr/bin/python3 tools/dictionary/generate.py --make-supplement DIR --supplement-edition EDITION "
        "--supplement-source TEXT",
    ]
    for key in sorted(set(base_tags) | set(newer_tags), key=tag_sort_key):
        if key not in newer_tags:
            lines.append(f"-tag\t{key}")
        elif base_tags.get(key) != newer_tags[key]:
            lines.append("tag\t" + "\t".join(newer_tags[key]))
    for uid in sorted(set(base_uids) | set(newer_uids), key=uid_sort_key):
        if uid not in newer_uids:
            lines.append(f"-uid\t{uid}")
        elif base_uids.get(uid) != newer_uids[uid]:
            lines.append("uid\t" + "\t".join(newer_uids[uid]))
    with open(SUPPLEMENT, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"wrote {os.path.relpath(SUPPLEMENT, REPO)}: {len(lines) - 7} rows", file=sys.stderr)


# ---------------------------------------------------------------------------------------------------------------
# Validation


def tag_mask(key: str) -> tuple[int, int]:
    """(value, mask) of an 8-character pattern: each 'x' digit is a zero nibble in both."""
    value = mask = 0
    for char in key:
        value <<= 4
        mask <<= 4
        if char != "x":
            value |= int(char, 16)
            mask |= 0xF
    return value, mask


def tag_sort_key(key: str) -> tuple[int, int]:
    value, mask = tag_mask(key)
    return value, mask


def uid_sort_key(uid: str) -> list[int]:
    return [int(part) for part in uid.split(".")]


def validate(tags: dict[str, tuple], uids: dict[str, tuple]) -> None:
    problems: list[str] = []
    keywords: dict[str, str] = {}
    for key, (_, vr, vm, retired, keyword, name) in tags.items():
        if not re.fullmatch(r"[0-9A-Fx]{8}", key):
            problems.append(f"bad tag pattern {key}")
        options = vr.split(" or ")
        if vr != "NONE" and not all(option in KNOWN_VRS for option in options):
            problems.append(f"{key}: unknown VR {vr!r}")
        if not re.fullmatch(r"[0-9]+(-[0-9]*n|-[0-9]+)?", vm):
            problems.append(f"{key}: unusual VM {vm!r}")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", keyword):
            problems.append(f"{key}: keyword {keyword!r} is not an identifier")
        if not name or any(c in name for c in "\t\r\n") or '"""' in name:
            problems.append(f"{key}: name {name!r} cannot be stored")
        folded = keyword.lower()
        if folded in keywords:
            # One case-insensitive map serves exact and ignore-case keyword look-ups only while this holds.
            problems.append(f"keyword {keyword} of {key} also names {keywords[folded]} (ignoring case)")
        keywords[folded] = key
    uid_keywords: dict[str, str] = {}
    for uid, (_, member, retired, keyword, name) in uids.items():
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)*", uid) or len(uid) > 64:
            problems.append(f"bad UID {uid}")
        if member not in UID_TYPE_MEMBERS:
            problems.append(f"{uid}: type {member}")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", keyword):
            problems.append(f"{uid}: keyword {keyword!r}")
        if not name or any(c in name for c in "\t\r\n") or '"""' in name:
            problems.append(f"{uid}: name {name!r}")
        if keyword.lower() in uid_keywords:
            problems.append(f"UID keyword {keyword} of {uid} also names {uid_keywords[keyword.lower()]}")
        uid_keywords[keyword.lower()] = uid
    if problems:
        fail("the merged dictionary is not usable:\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------------------------------------------------------
# DCMTK cross-check (report only)

DCMTK_VRS = {  # DCMTK's internal codes for PS3.6's multi-VR entries
    "ox": {"OB", "OW"}, "px": {"OB", "OW"}, "xs": {"US", "SS"}, "lt": {"US", "SS", "OW"}, "up": {"UL"},
    "na": {"NONE"},
}


def find_dcmtk_dic() -> str | None:
    for path in sorted(glob.glob("/usr/share/libdcmtk*/dicom.dic"), reverse=True):
        return path
    return None


def cross_check_dcmtk(path: str, tags: dict[str, tuple]) -> list[str]:
    exact = {tag_mask(k)[0]: r for k, r in tags.items() if "x" not in k}
    masked = [(tag_mask(k), r) for k, r in tags.items() if "x" in k]

    def lookup(tag: int):
        if tag in exact:
            return exact[tag]
        for (value, mask), record in masked:
            if tag & mask == value:
                return record
        return None

    notes: list[str] = []
    with open(path, encoding="latin-1") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            match = re.fullmatch(r"\(([0-9A-Fa-f]{4})(?:-[0-9A-Fa-f]{4})?,([0-9A-Fa-f]{4})(?:-[0-9A-Fa-f]{4})?\)",
                                 fields[0])
            if not match or len(fields) < 5 or fields[4] in ("GENERIC", "PRIVATE", "ILLEGAL"):
                continue  # group-length/private-creator rules are coded in DicomDictionary.Lookup
            tag = int(match.group(1) + match.group(2), 16)
            dcmtk_vr, dcmtk_keyword, dcmtk_vm, version = fields[1], fields[2], fields[3], fields[4]
            dcmtk_retired = dcmtk_keyword.startswith("RETIRED_")
            dcmtk_keyword = dcmtk_keyword.removeprefix("RETIRED_")
            record = lookup(tag)
            label = f"({tag >> 16:04X},{tag & 0xFFFF:04X}) {dcmtk_keyword}"
            if record is None:
                notes.append(f"{label}: only in DCMTK ({version})")
                continue
            ours = set(record[1].split(" or "))
            theirs = DCMTK_VRS.get(dcmtk_vr, {dcmtk_vr})
            differences = []
            if record[4] != dcmtk_keyword:
                differences.append(f"keyword {record[4]} vs {dcmtk_keyword}")
            if not (ours == theirs or (dcmtk_vr == "lt" and ours <= theirs)):
                differences.append(f"VR {record[1]} vs {dcmtk_vr}")
            if record[2] != dcmtk_vm:
                differences.append(f"VM {record[2]} vs {dcmtk_vm}")
            if (record[3] == "R") != dcmtk_retired:
                differences.append(f"retired {record[3] == 'R'} vs {dcmtk_retired}")
            if differences:
                notes.append(f"{label}: " + "; ".join(differences))
    return notes


# ---------------------------------------------------------------------------------------------------------------
# Output


def csharp_file(class_name: str, summary: str, property_name: str, header: list[str], rows: list[str]) -> str:
    table = "\n".join(["# " + h for h in header] + rows)
    return (
        "// <auto-generated>\n"
        "// Generated by tools/dictionary/generate.py; do not edit. Re-run:\n"
        "//     /usr/bin/python3 tools/dictionary/generate.py\n"
        "// </auto-generated>\n"
        "namespace DicomTools.Dicom.Generated;\n"
        "\n"
        f"/// <summary>{summary}</summary>\n"
        f"internal static class {class_name}\n"
        "{\n"
        f"    internal const string Source = \"{header[0]}\";\n"
        "\n"
        f"    internal static ReadOnlySpan<byte> {property_name} => \"\"\"\n"
        f"{table}\n"
        "\"\"\"u8;\n"
        "}\n"
    )


def render(tags: dict[str, tuple], uids: dict[str, tuple], source: str) -> tuple[str, str]:
    tag_rows = ["\t".join(tags[k]) for k in sorted(tags, key=tag_sort_key)]
    uid_rows = ["\t".join(uids[u]) for u in sorted(uids, key=uid_sort_key)]
    tag_file = csharp_file(
        "DicomDictionaryData",
        "PS3.6 data elements as TSV: TAG (8 hex digits, 'x' = any), VR, VM, R if retired, keyword, name.",
        "Table",
        [source, "TAG\tVR\tVM\tRETIRED\tKEYWORD\tNAME"],
        tag_rows,
    )
    uid_file = csharp_file(
        "DicomUidData",
        "PS3.6 Annex A UIDs as TSV: UID, DicomUidType member, R if retired, keyword, name.",
        "Table",
        [source, "UID\tTYPE\tRETIRED\tKEYWORD\tNAME"],
        uid_rows,
    )
    return tag_file, uid_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pydicom-dir", default=DEFAULT_PYDICOM, help="directory with the base _dicom_dict.py and _uid_dict.py")
    parser.add_argument("--dcmtk-dic", default=None, help="DCMTK dicom.dic for the cross-check (default: found under /usr/share)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed outputs differ from a fresh generation")
    parser.add_argument("--make-supplement", metavar="DIR", help="rewrite supplement.tsv from a newer pydicom's dictionaries in DIR")
    parser.add_argument("--supplement-edition", default="newer PS3.6", help="edition DIR follows, e.g. 'PS3.6 2024d'")
    parser.add_argument("--supplement-source", default="(not stated)", help="provenance of DIR, written into supplement.tsv")
    parser.add_argument("--verbose", action="store_true", help="print every DCMTK disagreement")
    args = parser.parse_args()

    if args.make_supplement:
        make_supplement(args.pydicom_dir, args.make_supplement, args.supplement_edition, args.supplement_source)
        return

    tags = tag_records_from_pydicom(args.pydicom_dir)
    uids = uid_records_from_pydicom(args.pydicom_dir)
    supplement = read_supplement(SUPPLEMENT)
    apply_supplement(tags, uids, supplement)
    for record in MANUAL_TAGS:
        tags[record[0]] = record
    for record in MANUAL_UIDS:
        uids[record[0]] = record
    validate(tags, uids)

    source = f"PS3.6 as transcribed by pydicom {pydicom_version(args.pydicom_dir)}"
    if supplement:
        with open(SUPPLEMENT, encoding="utf-8") as handle:
            stated = [l[len("# Edition: "):].strip() for l in handle if l.startswith("# Edition: ")]
        source += f", supplemented to {stated[0] if stated else 'a newer edition'}"
    source += " (tools/dictionary/generate.py)"

    dcmtk = args.dcmtk_dic or find_dcmtk_dic()
    if dcmtk and os.path.exists(dcmtk):
        notes = cross_check_dcmtk(dcmtk, tags)
        print(f"cross-check against {dcmtk}: {len(notes)} disagreement(s)", file=sys.stderr)
        for note in notes if args.verbose else notes[:40]:
            print("  " + note, file=sys.stderr)
        if len(notes) > 40 and not args.verbose:
            print("  ... (--verbose for all)", file=sys.stderr)
    else:
        print("note: no DCMTK dicom.dic found; cross-check skipped", file=sys.stderr)

    tag_text, uid_text = render(tags, uids, source)
    if args.check:
        stale = [p for p, text in ((OUT_TAGS, tag_text), (OUT_UIDS, uid_text))
                 if not os.path.exists(p) or open(p, encoding="utf-8").read() != text]
        if stale:
            fail("stale: " + ", ".join(os.path.relpath(p, REPO) for p in stale))
        print("generated dictionary is up to date", file=sys.stderr)
        return
    os.makedirs(OUT_DIR, exist_ok=True)
    for path, text in ((OUT_TAGS, tag_text), (OUT_UIDS, uid_text)):
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    print(f"wrote {len(tags)} data elements and {len(uids)} UIDs to {os.path.relpath(OUT_DIR, REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
