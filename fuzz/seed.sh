#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from the repository's
# treaty files and the curated inputs under fuzz/seeds/ and fuzz/regressions/.
#
# - load, check, diagnostics: every .treaty / .lib file of rules/ and tests/cases/, as is
#   and with its `use` imports inlined (the fuzz targets load text under the name
#   `fuzz.treaty`, so relative imports would not resolve); diagnostics also gets a few
#   files with one line longer than 65,536 characters;
# - tokens: its inputs are token indices, not text: fuzz/seeds/tokens/ only;
# - power: its inputs are raw bytes: fuzz/seeds/power/ only (libFuzzer grows it quickly).
#
# Usage: fuzz/seed.sh        (from anywhere; existing corpus files are kept)
set -euo pipefail

fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
cd "$root"

# Prints FILE with each `use "PATH"` line replaced by PATH's text (once per run, imports
# of imports included); `seen` is the set of files already inlined.
declare -A seen
inline() {
    local file=$1 dir line target
    dir=$(dirname "$file")
    seen["$(realpath -m "$file")"]=1
    while IFS= read -r line || [[ -n $line ]]; do
        if [[ $line =~ ^[[:space:]]*use[[:space:]]+\"([^\"]*)\" ]]; then
            target="$dir/${BASH_REMATCH[1]}"
            if [[ -f $target && -z ${seen["$(realpath -m "$target")"]:-} ]]; then
                inline "$target"
            fi
        else
            printf '%s\n' "$line"
        fi
    done < "$file"
}

text_targets=(load check diagnostics)
for t in "${text_targets[@]}" tokens power; do
    mkdir -p "fuzz/corpus/$t"
done

count=0
while IFS= read -r -d '' f; do
    name=$(echo "${f%.*}" | tr '/' '_')
    for t in "${text_targets[@]}"; do
        cp "$f" "fuzz/corpus/$t/$name"
    done
    if grep -q '^[[:space:]]*use[[:space:]]' "$f"; then
        seen=()
        inline "$f" > "fuzz/corpus/load/$name.inlined"
        for t in check diagnostics; do
            cp "fuzz/corpus/load/$name.inlined" "fuzz/corpus/$t/"
        done
    fi
    count=$((count + 1))
done < <(find rules tests/cases \( -name '*.treaty' -o -name '*.lib' \) -print0 | sort -z)

# diagnostics: also a few files with one line pushed past column 65,536 (66,000 spaces
# before its statement), one variant per kind of statement (the first actor, body, members,
# var, clause or red line line), so that locations far into a line, primary or related
# ("first declared here"), are a mutation away (the renderer has a separate path for long
# lines, and miette's own columns are limited).
pad=$(printf '%66000s' '')
for f in rules/examples/*.treaty tests/cases/ok/rules.treaty tests/cases/ok/formulas.treaty; do
    name=$(echo "${f%.*}" | tr '/' '_')
    for kind in actor body members var clause red; do
        out="fuzz/corpus/diagnostics/$name.long-$kind"
        awk -v pad="$pad" -v kind="$kind" '
            !done && $1 ~ ("^" kind "s?$") { sub(/^[ \t]*/, pad); done = 1 }
            { print }
            END { exit !done }' "$f" > "$out" || rm -f "$out"
    done
done

# Curated seeds and every saved regression, for the target they belong to.
for dir in fuzz/seeds fuzz/regressions; do
    [[ -d $dir ]] || continue
    for t in "${text_targets[@]}" tokens power; do
        if [[ -d $dir/$t ]]; then
            find "$dir/$t" -type f -exec cp {} "fuzz/corpus/$t/" \;
        fi
    done
done

echo "seeded from $count treaty files:"
for t in "${text_targets[@]}" tokens power; do
    echo "  fuzz/corpus/$t: $(find "fuzz/corpus/$t" -type f | wc -l) files"
done
