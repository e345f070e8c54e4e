#!/usr/bin/env bash
# Code signing and notarization for the macOS build. Every step is skipped (exit 0, with a
# notice) when the signing secrets are absent, so forks and pull requests still build.
#
#   packaging/macos/signing.sh import-certificate   # before PyInstaller: sets up the keychain
#   packaging/macos/signing.sh verify APP           # after PyInstaller: checks the signature
#   packaging/macos/signing.sh notarize DMG         # after the DMG: sign, notarize, staple
#
# Secrets (GitHub Actions secrets passed as environment variables):
#   MACOS_CERTIFICATE           base64 of the "Developer ID Application" .p12
#   MACOS_CERTIFICATE_PASSWORD  its password
#   MACOS_CODESIGN_IDENTITY     e.g. "Developer ID Application: Example Ltd (TEAMID1234)"
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   notarytool credentials (app-specific password)
# PyInstaller signs every binary and the bundle itself with MACOS_CODESIGN_IDENTITY (hardened
# runtime, packaging/macos/entitlements.plist); without it the build is only ad-hoc signed.
set -euo pipefail

have_certificate() {
    [ -n "${MACOS_CERTIFICATE:-}" ] && [ -n "${MACOS_CERTIFICATE_PASSWORD:-}" ] \
        && [ -n "${MACOS_CODESIGN_IDENTITY:-}" ]
}

have_notary() {
    have_certificate && [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] \
        && [ -n "${APPLE_APP_PASSWORD:-}" ]
}

import_certificate() {
    if ! have_certificate; then
        echo "signing: no certificate secrets; the app stays ad-hoc signed (skipped)"
        return 0
    fi
    local keychain="$RUNNER_TEMP/annotator-signing.keychain-db"
    local password
    password="$(openssl rand -base64 24)"
    echo "$MACOS_CERTIFICATE" | base64 --decode > "$RUNNER_TEMP/certificate.p12"
    security create-keychain -p "$password" "$keychain"
    security set-keychain-settings -lut 21600 "$keychain"
    security unlock-keychain -p "$password" "$keychain"
    security import "$RUNNER_TEMP/certificate.p12" -P "$MACOS_CERTIFICATE_PASSWORD" \
        -A -t cert -f pkcs12 -k "$keychain"
    security set-key-partition-list -S apple-tool:,apple:,codesign: -s -k "$password" "$keychain"
    security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
    rm -f "$RUNNER_TEMP/certificate.p12"
    # Tell the later steps (and the PyInstaller spec) which identity to sign with.
    if [ -n "${GITHUB_ENV:-}" ]; then
        echo "ANNOTATOR_SIGNED=1" >> "$GITHUB_ENV"
    fi
    echo "signing: certificate imported for $MACOS_CODESIGN_IDENTITY"
}

verify() {
    local app="$1"
    codesign --verify --deep --strict --verbose=2 "$app"
    if have_certificate; then
        codesign --display --verbose=2 "$app" 2>&1 | grep -E "Authority=Developer ID|flags=.*runtime"
    else
        echo "signing: ad-hoc signature verified (no Developer ID; Gatekeeper will warn)"
    fi
}

notarize() {
    local dmg="$1"
    if ! have_notary; then
        echo "signing: no notarization secrets; $dmg is not notarized (skipped)"
        return 0
    fi
    codesign --force --timestamp --sign "$MACOS_CODESIGN_IDENTITY" "$dmg"
    xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
        --password "$APPLE_APP_PASSWORD" --wait --timeout 30m
    xcrun stapler staple "$dmg"
    xcrun stapler validate "$dmg"
    spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
    echo "signing: $dmg signed, notarized and stapled"
}

case "${1:-}" in
    import-certificate) import_certificate ;;
    verify) verify "${2:?usage: signing.sh verify APP}" ;;
    notarize) notarize "${2:?usage: signing.sh notarize DMG}" ;;
    *) echo "usage: signing.sh import-certificate | verify APP | notarize DMG" >&2; exit 2 ;;
esac
