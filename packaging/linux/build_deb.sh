#!/usr/bin/env bash
# Package the frozen bundle (dist/annotator) as a .deb and a tarball, with dpkg-deb only.
#
#   packaging/linux/build_deb.sh [BUNDLE_DIR] [ICON_DIR] [OUT_DIR]
#
# Defaults: dist/annotator, build/icons (from packaging/make_icons.py), dist.
# Environment: ANNOTATOR_VERSION (default: annotator/__init__.py), DEB_COMPRESSION (gzip|xz).
# Writes OUT_DIR/annotator_<version>_<arch>.deb and OUT_DIR/annotator-<version>-linux-<machine>.tar.gz.
# Layout inside the .deb:
#   /usr/lib/annotator/                      the PyInstaller bundle
#   /usr/bin/annotator                       launcher script
#   /usr/share/applications/annotator.desktop
#   /usr/share/mime/packages/annotator.xml   MIME type for *.annotator project files
#   /usr/share/icons/hicolor/*/apps/annotator.{png,svg}
# Debian's own triggers (desktop-file-utils, shared-mime-info, hicolor-icon-theme) refresh the
# menu, MIME and icon caches, so no maintainer scripts are needed.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bundle="${1:-$root/dist/annotator}"
icons="${2:-$root/build/icons}"
out="${3:-$root/dist}"

version="${ANNOTATOR_VERSION:-$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/annotator/__init__.py")}"
arch="$(dpkg --print-architecture)"
machine="$(uname -m)"

[ -x "$bundle/annotator" ] || { echo "build_deb: no frozen app at $bundle/annotator (run pyinstaller first)" >&2; exit 1; }
[ -f "$icons/annotator.png" ] || { echo "build_deb: no icons in $icons (run packaging/make_icons.py)" >&2; exit 1; }
[ -n "$version" ] || { echo "build_deb: cannot read the version from annotator/__init__.py" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
pkg="$stage/pkg"

install -d -m 0755 "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/lib" "$pkg/usr/share/applications" \
    "$pkg/usr/share/mime/packages" "$pkg/usr/share/doc/annotator"
cp -a "$bundle" "$pkg/usr/lib/annotator"
install -m 0755 "$here/annotator.sh" "$pkg/usr/bin/annotator"
install -m 0644 "$here/annotator.desktop" "$pkg/usr/share/applications/annotator.desktop"
install -m 0644 "$here/annotator-mime.xml" "$pkg/usr/share/mime/packages/annotator.xml"
install -d -m 0755 "$pkg/usr/share/icons"
cp -a "$icons/hicolor" "$pkg/usr/share/icons/"
install -m 0644 "$root/README.md" "$pkg/usr/share/doc/annotator/README.md"
cat > "$pkg/usr/share/doc/annotator/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: annotator
License: MIT
Comment: The bundle in /usr/lib/annotator also contains CPython (PSF licence), Qt and PySide6
 (LGPLv3), SQLAlchemy and Alembic (MIT); their licence files ship inside the bundle.
EOF

# Normalise permissions: dirs 0755, files 0644, executables (ELF or scripts) 0755.
find "$pkg" -type d -exec chmod 0755 {} +
find "$pkg/usr/share" -type f -exec chmod 0644 {} +
find "$pkg/usr/lib/annotator" -type f ! -perm -u+x -exec chmod 0644 {} +
find "$pkg/usr/lib/annotator" -type f -perm -u+x -exec chmod 0755 {} +

# The oldest glibc the bundle can run on: the newest GLIBC_x.y symbol version any ELF needs.
glibc="$(find "$pkg/usr/lib/annotator" -type f \( -name '*.so*' -o -name annotator \) -print0 \
    | xargs -0 grep -aoh 'GLIBC_2\.[0-9]*' 2>/dev/null | sed 's/GLIBC_//' | sort -uV | tail -1)"
glibc="${glibc:-2.28}"

installed_kb="$(du -sk "$pkg/usr" | cut -f1)"
cat > "$pkg/DEBIAN/control" <<EOF
Package: annotator
Version: $version
Architecture: $arch
Maintainer: Annotator developers <annotator@example.org>
Installed-Size: $installed_kb
Depends: libc6 (>= $glibc), libxcb-icccm4, libxcb-keysyms1, libxcb-cursor0, libxcb-shape0, libxcb-randr0, libxcb-render-util0, libxcb-image0, libxcb-xkb1, libxkbcommon-x11-0, libxkbcommon0, libegl1, libgl1, libfontconfig1, libfreetype6, libdbus-1-3, libglib2.0-0
Recommends: fonts-dejavu-core | fonts-liberation2, libwayland-client0, libwayland-cursor0, libwayland-egl1
Section: text
Priority: optional
Homepage: https://github.com/annotator/annotator
Description: desktop workbench for annotating news articles
 Analysts read news articles, highlight spans and tag entities, claims (who
 said what) and sentiment. Every edit is saved at once to a local SQLite
 project; projects export as JSONL training data.
 .
 This package ships a self-contained build (Python, Qt and PySide6 included).
EOF

mkdir -p "$out"
deb="$out/annotator_${version}_${arch}.deb"
# gzip by default (xz takes minutes on a small machine); release builds set DEB_COMPRESSION=xz.
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-gzip}" --build "$pkg" "$deb" >/dev/null
echo "built $deb ($(du -h "$deb" | cut -f1))"

tarball="$out/annotator-${version}-linux-${machine}.tar.gz"
top="annotator-${version}"
mkdir -p "$stage/tar"
cp -a "$bundle" "$stage/tar/$top"
install -m 0644 "$here/annotator.desktop" "$here/annotator-mime.xml" "$icons/annotator.png" "$stage/tar/$top/"
tar -C "$stage/tar" --owner=0 --group=0 --numeric-owner -czf "$tarball" "$top"
echo "built $tarball ($(du -h "$tarball" | cut -f1))"
