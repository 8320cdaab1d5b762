"""Checks that every pass defined in include/qm/Passes/*/Passes.td appears in
`quant-opt --help` with its summary, and that no listed qm-* flag is unknown.

usage: check_help.py <source root> <help output file>
"""
import pathlib
import re
import sys

root, help_file = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
help_text = help_file.read_text()
defined = {}
for td in sorted(root.glob("include/qm/Passes/*/Passes.td")):
    text = td.read_text()
    for m in re.finditer(r'def \w+ : (?:Interface)?Pass<"(qm-[\w-]+)"', text):
        flag = m.group(1)
        summary = re.search(r'let summary = "([^"]*)"', text[m.end():])
        defined[flag] = summary.group(1) if summary else ""
# Named pipelines (PassPipelineRegistration in lib/Pipelines) count as defined.
for cpp in sorted(root.glob("lib/Pipelines/*.cpp")):
    for m in re.finditer(r'PassPipelineRegistration<[^>]*>\(\s*"(qm-[\w-]+)",\s*"([^"]*)"',
                         cpp.read_text()):
        defined[m.group(1)] = m.group(2)
if not defined:
    sys.exit("no qm-* passes found under include/qm/Passes")
listed = set(re.findall(r"--(qm-[\w-]+)", help_text))
missing = sorted(set(defined) - listed)
unknown = sorted(listed - set(defined))
errors = []
for flag in missing:
    errors.append(f"pass {flag} is not listed by quant-opt --help")
for flag in unknown:
    errors.append(f"quant-opt --help lists {flag}, which no Passes.td defines")
for flag, summary in defined.items():
    if flag in listed and summary and summary not in help_text:
        errors.append(f"summary of {flag} ({summary!r}) missing from --help")
if errors:
    sys.exit("\n".join(errors))
print(f"{len(defined)} qm-* passes listed")
