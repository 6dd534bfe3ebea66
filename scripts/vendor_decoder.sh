#!/usr/bin/env bash
# Vendor the door page's fallback QR decoder into static/vendor/ (never a CDN).
#
# Where the browser has no BarcodeDetector (Firefox, Safari < 17, older
# Android WebViews), static/js/door.js decodes camera frames with the
# decoder of the `qr-scanner` npm package (MIT; a jsQR port compiled by
# Closure, ~44 KB). That package ships it as an ES module that builds its
# Worker from a Blob URL, which our strict CSP (no blob: scripts) forbids,
# so we extract the worker's source into a plain same-origin file:
#   static/vendor/qr-decoder-worker.js   (loaded only when the camera is turned on)
#   static/vendor/qr-decoder-worker.LICENSE
#
# Usage:  scripts/vendor_decoder.sh            (needs node + npm, reaches the npm registry once)
# Re-run after bumping VERSION; commit the two files it writes.
set -euo pipefail

PACKAGE=qr-scanner
VERSION=1.4.2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

command -v npm >/dev/null || { echo "npm is required (apt-get install npm)" >&2; exit 1; }
mkdir -p "$OUT"
(cd "$WORK" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null && tar xzf "$PACKAGE-$VERSION.tgz")

# Evaluate the module with stand-ins for Blob/Worker so the template literal
# is expanded exactly as a browser would, and write out the worker's text.
BANNER="$PACKAGE $VERSION worker (a jsQR port), MIT; vendored by scripts/vendor_decoder.sh" \
node --no-warnings --input-type=module - "$WORK/package/qr-scanner-worker.min.js" "$OUT/qr-decoder-worker.js" <<'JS'
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [source, target] = process.argv.slice(2);
let text = null;
globalThis.Blob = class { constructor(parts) { text = parts.join(""); } };
globalThis.URL.createObjectURL = () => "blob:captured";
globalThis.Worker = class {};
const mod = await import(pathToFileURL(source).href);
mod.createWorker();
if (!text || !text.includes("onmessage")) throw new Error("worker source not found: did the package change?");
writeFileSync(target, `/* ${process.env.BANNER} */\n` + text + "\n");
JS
cp "$WORK/package/LICENSE" "$OUT/qr-decoder-worker.LICENSE"
echo "Wrote $OUT/qr-decoder-worker.js ($(wc -c <"$OUT/qr-decoder-worker.js") bytes, $(gzip -c "$OUT/qr-decoder-worker.js" | wc -c) gzipped)"
