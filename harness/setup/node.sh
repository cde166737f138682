#!/usr/bin/env bash
# Makes sure `node` is Node.js >= 22 (the harness runs TypeScript directly) and that npm exists.
# When node is older or missing, installs Node ${NODE_VERSION} from the npm registry
# (the node-linux-<arch> package: a tarball holding package/bin/node only) into
# /opt/podlings-node-<version> and links /usr/local/bin/node to it. When npm is missing too
# (that package has no npm), installs npm ${NPM_VERSION} into /opt/podlings-npm-<version>
# and links /usr/local/bin/npm and npx. No-op when both are there. Idempotent.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODE_VERSION=24.21.0 # pinned; bump deliberately
NPM_VERSION=11.21.2  # only used when no npm is installed at all
NODE_MIN_MAJOR=22
NPM_REGISTRY=${NPM_CONFIG_REGISTRY:-${npm_config_registry:-https://registry.npmjs.org}}
NPM_REGISTRY=${NPM_REGISTRY%/}

current_major() {
  local v
  v=$(node --version 2>/dev/null) || return 1
  v=${v#v}
  echo "${v%%.*}"
}

major=$(current_major || echo 0)
node_ok=$([ "$major" -ge "$NODE_MIN_MAJOR" ] && echo 1 || echo 0)
npm_ok=$(have npm && echo 1 || echo 0)
if [ "$node_ok" = 1 ] && [ "$npm_ok" = 1 ]; then
  log "node $(node --version) is recent enough (>= $NODE_MIN_MAJOR): nothing to do"
  exit 0
fi

have_msg=$([ "$major" = 0 ] && echo "no node found" || echo "node $(node --version) is too old")
if ! is_root; then
  if [ "$node_ok" = 0 ]; then
    printf 'podlings setup: %s: install Node.js %s or newer (e.g. Node %s from https://nodejs.org/en/download) and run this again\n' \
      "$have_msg" "$NODE_MIN_MAJOR" "${NODE_VERSION%%.*}" >&2
  else
    printf 'podlings setup: node %s has no npm next to it: install npm (it comes with https://nodejs.org/en/download) and run this again\n' \
      "$(node --version)" >&2
  fi
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# registry_fetch NAME VERSION: downloads NAME-VERSION.tgz from the npm registry into $tmp,
# with npm when there is one (it checks the integrity), else with curl (checked here).
registry_fetch() {
  local name=$1 version=$2 tgz="$tmp/$1-$2.tgz" meta url integrity actual
  if have npm && npm --version >/dev/null 2>&1; then
    (cd "$tmp" && npm pack "$name@$version" --pack-destination "$tmp" --silent >/dev/null)
  else
    have curl || { is_debian_like && apt_install curl ca-certificates; } || die "need curl to download $name"
    meta=$(curl -fsSL --retry 3 "$NPM_REGISTRY/$name/$version") || die "cannot reach $NPM_REGISTRY for $name@$version"
    url=$(printf '%s' "$meta" | sed -n 's/.*"tarball": *"\([^"]*\)".*/\1/p' | head -1)
    integrity=$(printf '%s' "$meta" | sed -n 's/.*"integrity": *"\(sha512-[^"]*\)".*/\1/p' | head -1)
    [ -n "$url" ] && [ -n "$integrity" ] || die "could not read $name@$version metadata from $NPM_REGISTRY"
    curl -fsSL --retry 3 -o "$tgz" "$url"
    if have openssl; then
      actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
    elif have python3; then
      actual="sha512-$(python3 -c 'import base64,hashlib,sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1],"rb").read()).digest()).decode())' "$tgz")"
    else
      die "need openssl or python3 to verify the download of $name"
    fi
    [ "$actual" = "$integrity" ] || die "integrity mismatch for $url"
  fi
  [ -f "$tgz" ] || die "download of $name@$version produced no tarball"
}

if [ "$node_ok" = 0 ]; then
  pkg="node-linux-$(node_arch)"
  dest="/opt/podlings-node-$NODE_VERSION"
  log "$have_msg; installing Node $NODE_VERSION ($pkg from $NPM_REGISTRY) into $dest"
  if [ ! -x "$dest/bin/node" ] || ! "$dest/bin/node" --version >/dev/null 2>&1; then
    registry_fetch "$pkg" "$NODE_VERSION"
    tar -xzf "$tmp/$pkg-$NODE_VERSION.tgz" -C "$tmp" package/bin/node
    mkdir -p "$dest/bin"
    install -m 0755 "$tmp/package/bin/node" "$dest/bin/node.new"
    mv -f "$dest/bin/node.new" "$dest/bin/node"
  fi
  ln -sfn "$dest/bin/node" /usr/local/bin/node
  log "linked /usr/local/bin/node -> $dest/bin/node ($("$dest/bin/node" --version))"
  if [ "$(current_major || echo 0)" -lt "$NODE_MIN_MAJOR" ]; then
    warn "\`node\` on PATH is still $(command -v node) ($(node --version 2>/dev/null)); put /usr/local/bin before it in PATH"
  fi
fi

if ! have npm; then
  dest="/opt/podlings-npm-$NPM_VERSION"
  log "no npm found; installing npm $NPM_VERSION (from $NPM_REGISTRY) into $dest"
  if [ ! -f "$dest/bin/npm-cli.js" ]; then
    registry_fetch npm "$NPM_VERSION"
    rm -rf "$dest.new" && mkdir -p "$dest.new"
    tar -xzf "$tmp/npm-$NPM_VERSION.tgz" -C "$dest.new" --strip-components=1 --no-same-owner
    rm -rf "$dest" && mv "$dest.new" "$dest"
  fi
  chmod 0755 "$dest/bin/npm-cli.js" "$dest/bin/npx-cli.js"
  ln -sfn "$dest/bin/npm-cli.js" /usr/local/bin/npm
  ln -sfn "$dest/bin/npx-cli.js" /usr/local/bin/npx
  log "linked /usr/local/bin/npm and npx -> $dest (npm $(npm --version))"
fi
