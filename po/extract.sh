#!/bin/bash
# Writes the message template (.pot) of every string marked for translation: N_("…") and
# ctx.tr("…"), and the titles and flash texts of browser_page, render_page, redirect_with_flash and
# error_response in src/ (xgettext), {{_ … _}} in templates/ (below). `make pot` runs it.
set -euo pipefail
out=${1:?usage: po/extract.sh OUT.pot}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

find src -name '*.cpp' | sort > "$tmp/sources"
xgettext --language=C++ --from-code=UTF-8 --keyword= --keyword=N_ --keyword=tr --keyword=browser_page:4 --keyword=render_page:3 --keyword=redirect_with_flash:3 --keyword=error_response:4 --add-comments=TRANSLATORS: \
         --no-wrap --sort-by-file --package-name=gatehouse --files-from="$tmp/sources" -o "$tmp/code.pot"

# Templates: a marker's text, exactly as written (line breaks included), with its file and line.
find templates -name '*.html' -o -name '*.txt' | sort | python3 -c '
import re, sys
seen = {}
for path in sys.stdin.read().split():
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r"\{\{_ (.*?) _\}\}", text, re.S):
        seen.setdefault(m.group(1), []).append("%s:%d" % (path, text.count("\n", 0, m.start()) + 1))
def quote(s):
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t").replace("\n", "\\n") + "\""
print("msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n")
for msgid, refs in seen.items():
    print("#: " + " ".join(refs))
    print("msgid " + quote(msgid) + "\nmsgstr \"\"\n")
' > "$tmp/templates.pot"

if [ -s "$tmp/code.pot" ]; then
  msgcat --no-wrap --use-first "$tmp/code.pot" "$tmp/templates.pot" -o "$tmp/all.pot"
else
  cp "$tmp/templates.pot" "$tmp/all.pot"
fi
# No creation date: the file changes only when the strings do.
grep -v '^"POT-Creation-Date:' "$tmp/all.pot" > "$out"
