#!/usr/bin/env bash
# Build weight of each candidate: a scratch project that depends on that crate
# alone (default features), then
#   cargo tree -e normal --prefix none | sort -u | wc -l     ("tree lines", as in the brief;
#                                                              includes the scratch root and "(*)" repeats)
# plus the de-duplicated crate count, whether html5ever/markup5ever come in, and how
# many crate *names* are not already in the main clippings crate's tree at git HEAD.
# Writes build-weight.tsv next to this script. Needs network to crates.io only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
main="$(cd "$here/../.." && pwd)"
scratch=/var/tmp/extract-eval-scratch
mkdir -p "$scratch"

# main crate's tree at HEAD (read-only: git archive into a temp dir)
rm -rf "$scratch/main-head" && mkdir -p "$scratch/main-head"
git -C "$main" archive HEAD Cargo.toml Cargo.lock src | tar -x -C "$scratch/main-head"
(cd "$scratch/main-head" && cargo tree -e normal --locked --prefix none 2>/dev/null) \
  | sed 's/ (\*)//' | sed 's/ v[0-9].*//' | sort -u > "$scratch/main-head-names.txt"

out="$here/build-weight.tsv"
printf 'crate\tdep\ttree_lines\tcrates\tnew_vs_main\thtml5ever_markup5ever\n' > "$out"
while IFS='|' read -r name dep; do
  d="$scratch/$name"; mkdir -p "$d/src"; echo 'fn main() {}' > "$d/src/main.rs"
  printf '[package]\nname = "scratch-%s"\nversion = "0.1.0"\nedition = "2024"\n\n[workspace]\n\n[dependencies]\n%s\n' \
    "$(echo "$name" | tr '_' '-')" "$dep" > "$d/Cargo.toml"
  if [ "$name" = readable-rs ]; then
    # readable-rs needs the yanked kuchikikiki 0.9.2: lock it first, then add readable-rs.
    printf '[package]\nname = "scratch-readable-rs"\nversion = "0.1.0"\nedition = "2024"\n\n[workspace]\n\n[dependencies]\nkuchikikiki = "0.9"\n' > "$d/Cargo.toml"
    (cd "$d" && cargo generate-lockfile -q && cargo update -q -p kuchikikiki --precise 0.9.2)
    sed -i "s/^kuchikikiki = \"0.9\"/$dep/" "$d/Cargo.toml"
    (cd "$d" && cargo tree -q --depth 0 >/dev/null)
  else
    (cd "$d" && cargo generate-lockfile -q)
  fi
  lines=$(cd "$d" && cargo tree -e normal --prefix none | sort -u | wc -l)
  (cd "$d" && cargo tree -e normal --prefix none) | sed 's/ (\*)//' | sort -u | grep -v '^scratch-' > "$d.tree"
  crates=$(wc -l < "$d.tree")
  new=$(sed 's/ v[0-9].*//' "$d.tree" | sort -u | comm -23 - "$scratch/main-head-names.txt" | wc -l)
  h5=$(grep -E '^(spider-)?(html5ever|markup5ever) ' "$d.tree" | tr '\n' ' ' | sed 's/ v/ /g;s/ $//')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$dep" "$lines" "$crates" "$new" "${h5:-none}" >> "$out"
done <<'EOF'
dom_smoothie|dom_smoothie = "0.19"
readability|readability = { version = "0.3", default-features = false }
readability-default|readability = "0.3"
libreadability|libreadability = "0.3"
readabilityrs|readabilityrs = "0.1.4"
legible|legible = "0.5"
lectito|lectito = "0.3"
readable-rs|readable-rs = "=0.1.2"
llm_readability|llm_readability = "0.0.17"
rs-trafilatura|rs-trafilatura = "0.2"
trafilatura|trafilatura = "0.6"
EOF
column -t -s $'\t' "$out"
