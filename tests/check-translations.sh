#!/bin/bash
# Fails when a string marked for translation (po/extract.sh: N_, tr, {{_ … _}}) has no translation in
# a catalogue po/<lang>.po (missing, empty or fuzzy), when po/gatehouse.pot is older than the marked
# strings, or when a translation drops or adds a {{VARIABLE}} or {blank} of its msgid. `make test` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
po/extract.sh "$tmp/current.pot"
failed=0
if ! msgcmp --use-untranslated po/gatehouse.pot "$tmp/current.pot" 2>"$tmp/err"; then
  sed 's/^/  /' "$tmp/err"; echo "po/gatehouse.pot lacks marked strings: run make pot" >&2; failed=1
fi
for po in po/*.po; do
  msgfmt --check -o /dev/null "$po" || failed=1
  if ! msgcmp "$po" "$tmp/current.pot" 2>"$tmp/err"; then
    sed 's/^/  /' "$tmp/err"; echo "$po: marked strings without a translation (above)" >&2; failed=1
  fi
  msgattrib --no-wrap --translated --no-fuzzy --no-obsolete "$po" | python3 -c '
import re, sys
def unquote(lines):
    return "".join(bytes(l[l.index("\"") + 1:l.rindex("\"")], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8") for l in lines)
entries, cur, key = [], {}, None
for line in sys.stdin.read().splitlines() + [""]:
    if line.startswith("msgid "): cur, key = {"msgid": [line]}, "msgid"
    elif line.startswith("msgstr "): cur["msgstr"], key = [line], "msgstr"
    elif line.startswith("\"") and key: cur[key].append(line)
    elif not line.strip() and "msgstr" in cur: entries.append(cur); cur, key = {}, None
bad = 0
for e in entries:
    msgid, msgstr = unquote(e["msgid"]), unquote(e["msgstr"])
    if not msgid: continue
    blanks = lambda s: sorted(re.findall(r"\{\{[^}]*\}\}|\{[a-z_]+\}", s))
    if blanks(msgid) != blanks(msgstr):
        print("  %s: %r keeps %s, its translation %s" % (sys.argv[1], msgid[:60], blanks(msgid), blanks(msgstr)), file=sys.stderr); bad = 1
sys.exit(bad)
' "$po" || failed=1
done
[ "$failed" = 0 ] && echo "translations: every marked string is translated in $(ls po/*.po | tr '\n' ' ')"
exit "$failed"
