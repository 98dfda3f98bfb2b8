#!/usr/bin/env bash
# Re-create docs/assets/fonts/ from the npm registry (Fontsource packages).
# The woff2 files are committed; run this only to change or update the fonts.
#   Source Serif 4 (body text): 400, 400 italic, 700, 700 italic
#   Source Sans 3 (interface):  400, 700
# Subsets: latin, latin-ext, cyrillic, vietnamese (the last one carries the
# combining accents U+0300-0301, U+0303-0304, U+0308-0309, U+0323).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=docs/assets/fonts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
subsets="latin latin-ext cyrillic vietnamese"
(cd "$tmp" && npm pack --silent @fontsource/source-serif-4@5.3.1 @fontsource/source-sans-3@5.3.0 >/dev/null)
mkdir -p "$dest"
for pkg in "$tmp"/*.tgz; do
  d="${pkg%.tgz}"; mkdir -p "$d"; tar xzf "$pkg" -C "$d"
done
serif="$tmp/fontsource-source-serif-4-5.3.1/package"
sans="$tmp/fontsource-source-sans-3-5.3.0/package"
for s in $subsets; do
  for w in 400-normal 400-italic 700-normal 700-italic; do
    cp "$serif/files/source-serif-4-$s-$w.woff2" "$dest/"
  done
  for w in 400-normal 700-normal; do
    cp "$sans/files/source-sans-3-$s-$w.woff2" "$dest/"
  done
done
cp "$serif/LICENSE" "$dest/OFL-SourceSerif4.txt"
cp "$sans/LICENSE" "$dest/OFL-SourceSans3.txt"
du -ch "$dest"/*.woff2 | tail -1
