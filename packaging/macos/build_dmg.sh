#!/usr/bin/env bash
# Wrap the .app bundle in a compressed DMG with the usual drag-to-Applications link.
#
#   packaging/macos/build_dmg.sh [APP] [OUT_DIR]        (defaults: dist/Annotator.app, dist)
#
# Writes OUT_DIR/Annotator-<version>-macos-<arch>.dmg (arch: arm64 or x86_64).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
app="${1:-$root/dist/Annotator.app}"
out="${2:-$root/dist}"
version="${ANNOTATOR_VERSION:-$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/annotator/__init__.py")}"
arch="$(uname -m)"

[ -d "$app/Contents/MacOS" ] || { echo "build_dmg: no app bundle at $app" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
ditto "$app" "$stage/Annotator.app"        # ditto keeps symlinks, permissions and signatures
ln -s /Applications "$stage/Applications"

mkdir -p "$out"
dmg="$out/Annotator-${version}-macos-${arch}.dmg"
rm -f "$dmg"
# hdiutil sometimes fails with "Resource busy" on CI machines; a retry is the known cure.
for attempt in 1 2 3; do
    if hdiutil create -volname "Annotator ${version}" -srcfolder "$stage" -fs HFS+ \
        -format UDZO -imagekey zlib-level=9 -ov "$dmg"; then
        break
    fi
    [ "$attempt" = 3 ] && { echo "build_dmg: hdiutil failed" >&2; exit 1; }
    sleep 5
done
hdiutil verify "$dmg"
echo "built $dmg"
