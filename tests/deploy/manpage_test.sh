#!/usr/bin/env bash
# Checks docs/kibaru.1 against the program's own --help, both ways:
#   - every command and subcommand (walked from `kibaru --help` down) has an entry in COMMANDS,
#     a line starting "kibaru <command path>", which names its positional arguments and every
#     long option of its --help; every global option appears in GLOBAL OPTIONS;
#   - every entry names a command the program has, and only options it takes (or global ones);
#   - the page's .TH names the version `kibaru --version` prints, and man(1) formats it without
#     a warning.
# Every gap is listed by name; the test fails if there is any.
# Usage: manpage_test.sh KIBARU_BIN SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
page=$src/docs/kibaru.1
export KIBARU_CONFIG=
failures=()
fail() { failures+=("$1"); }

# The page as plain lines: font escapes dropped, \- read as -, the font macros' names removed.
plain=$(sed -e 's/\\f[BIRP]//g' -e 's/\\f([A-Z][A-Z]//g' -e 's/\\-/-/g' -e 's/\\&//g' \
  -e 's/\\e/\\/g' -e 's/^\.\(B\|I\|BR\|RB\|BI\|IB\|IR\|RI\) //' -e 's/"//g' "$page")
# One section's lines, from its .SH to the next .SH.
section() { awk -v name="$1" '/^\.SH/ { on = ($0 == ".SH " name); next } on' <<<"$plain"; }
commands=$(section COMMANDS)
globals=$(section "GLOBAL OPTIONS")
[ -n "$commands" ] || fail "no COMMANDS section"
[ -n "$globals" ] || fail "no GLOBAL OPTIONS section"

# The entry of one command path: from the line "kibaru PATH ..." to the next .TP, .SS or .SH.
entry() {
  awk -v path="kibaru $1" '
    on && /^\.(TP|SS|SH)/ { exit }
    !on && (index($0, path " ") == 1 || $0 == path) { on = 1 }
    on' <<<"$commands"
}
has_word() { grep -qE -- "(^|[^A-Za-z0-9_-])$1([^A-Za-z0-9_-]|$)"; }

# A --help text as "sub NAME", "opt --NAME" and "pos NAME" lines (CLI11's layout: sections
# "Positionals:", "Options:", "Subcommands:", entries indented by two spaces).
parse_help() {
  awk '
    /^[A-Za-z][A-Za-z ]*:$/ { section = $0; next }
    section == "Subcommands:" && /^  [a-z]/ { print "sub " $1 }
    section == "Positionals:" && /^  [A-Z]/ { print "pos " $1 }
    section == "Options:" && match($0, /^  (-[A-Za-z],)?--[a-z0-9-]+/) {
      option = substr($0, RSTART, RLENGTH); sub(/^ +(-[A-Za-z],)?/, "", option)
      print "opt " option
    }'
}

top=$("$bin" --help | parse_help)
global_options=$(sed -n 's/^opt //p' <<<"$top")
for option in $global_options; do
  has_word "$option" <<<"$globals" || fail "global option $option is not in GLOBAL OPTIONS"
done

leaves=()
declare -A is_leaf
walk() { # PATH...: check the command's entry, or walk its subcommands
  local help subs
  help=$("$bin" "$@" --help | parse_help)
  subs=$(sed -n 's/^sub //p' <<<"$help")
  if [ -n "$subs" ]; then
    for sub in $subs; do walk "$@" "$sub"; done
    return
  fi
  local path="$*" text
  leaves+=("$path")
  is_leaf[$path]=1
  text=$(entry "$path")
  if [ -z "$text" ]; then
    fail "command \"kibaru $path\" has no entry in COMMANDS (a line starting \"kibaru $path\")"
    return
  fi
  for positional in $(sed -n 's/^pos //p' <<<"$help"); do
    head -n 1 <<<"$text" | has_word "$positional" ||
      fail "kibaru $path: argument $positional is not on its entry's first line"
  done
  local options
  options=$(sed -n 's/^opt //p' <<<"$help" | grep -vx -- --help || true)
  for option in $options; do
    has_word "$option" <<<"$text" || fail "kibaru $path: option $option is not documented"
  done
  # Options the entry names that this command does not take (global ones are fine).
  for named in $(grep -oE -- '(^|[^A-Za-z0-9_-])--[a-z0-9][a-z0-9-]*' <<<"$text" |
    sed 's/^[^-]*//' | sort -u); do
    grep -qx -- "$named" <<<"$options"$'\n'"$global_options"$'\n--help' ||
      fail "kibaru $path: the page names $named, which the command does not take"
  done
}
for command in $(sed -n 's/^sub //p' <<<"$top"); do walk "$command"; done
echo "checked ${#leaves[@]} commands and $(wc -w <<<"$global_options") global options"

# Entries for commands the program does not have (a command removed or renamed).
while read -r line; do
  path=$(awk '{ p = ""; for (i = 2; i <= NF && $i ~ /^[a-z][a-z-]*$/; i++) p = p (p ? " " : "") $i
               print p }' <<<"$line")
  [ -n "${is_leaf[$path]:-}" ] ||
    fail "the page documents \"kibaru $path\", which the program does not have"
done < <(awk 'prev ~ /^\.TP/ && /^kibaru / { print } { prev = $0 }' <<<"$commands")

version=$("$bin" --version | awk '{ print $NF }')
grep -qE "^\.TH KIBARU 1 .*\"kibaru $version\"" "$page" ||
  fail ".TH does not name \"kibaru $version\" (what kibaru --version prints)"

if command -v man >/dev/null 2>&1; then
  warnings=$(LC_ALL=C.UTF-8 man --warnings -l "$page" 2>&1 >/dev/null || true)
  [ -z "$warnings" ] || fail "man --warnings: $warnings"
fi

if ((${#failures[@]})); then
  printf 'docs/kibaru.1: %s\n' "${failures[@]}"
  exit 1
fi
echo "docs/kibaru.1 matches --help"
