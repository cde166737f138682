#!/usr/bin/env bash
# podlings offline mode: stand-in base images built from Debian packages, served
# under their usual names (node:24-alpine, nginx:alpine, registry:2, ...) by a local
# registry mirror that dockerd consults before Docker Hub.
#
#   sudo bash harness/setup/offline.sh [--verify] [--rebuild] [--no-verify]
#
#   --verify     run the self-tests even when nothing had to be built
#   --no-verify  skip the self-tests
#   --rebuild    rebuild every stand-in even when its key matches
#   PODLINGS_CACHE=/var/cache/podlings   where downloads, root filesystems and the mirror live
#   PODLINGS_REFRESH=1                   new debootstrap + re-resolve floating versions (22.x, npm)
#   PODLINGS_OFFLINE_NPM_PACKAGES="a@^1 b@2"   more packages to bake into the npm caches
#
# Idempotent: a stand-in whose label org.podlings.standin.key matches is not rebuilt,
# a tag whose mirror copy matches is not pushed again. Needs root (debootstrap, the mirror).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---------------------------------------------------------------- versions -------
SUITE=bookworm
DEBIAN_MIRROR=${PODLINGS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${PODLINGS_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
ROOTFS_EXTRAS=ca-certificates,curl,wget,procps,netbase
ROOTFS_RECIPE=1 # bump when the root filesystem recipe below changes
NGINX_DEBS="nginx gettext-base"
REGISTRY_DEBS="docker-registry"

NODE24_VERSION=24.21.0 NPM24_SPEC=11
NODE22_SPEC=22 NPM22_SPEC=10
NODE13_VERSION=13.14.0 NPM13_SPEC=6.14
NODE24_TAGS=(24-alpine 24 24-slim lts lts-alpine lts-slim)
NODE22_TAGS=(22-alpine 22 22-slim)
NODE13_TAGS=(13)
NGINX_TAGS=(alpine latest stable-alpine) # plain `nginx` is nginx:latest
REGISTRY_TAGS=(2 latest)                 # plain `registry` is registry:latest

# Baked into every node image's npm cache, so `RUN npm install` works with no network.
NPM_PACKAGES=("express@^4.17.1" "uuid@^9" "http-proxy-middleware@^3")
# shellcheck disable=SC2206
NPM_PACKAGES+=(${PODLINGS_OFFLINE_NPM_PACKAGES:-})

# ---------------------------------------------------------------- settings -------
CACHE=${PODLINGS_CACHE:-/var/cache/podlings}
PODLINGS_MIRROR_TIMEOUT=${PODLINGS_MIRROR_TIMEOUT:-30}
PODLINGS_PULL_TIMEOUT=${PODLINGS_PULL_TIMEOUT:-180}
PODLINGS_SELFTEST_TIMEOUT=${PODLINGS_SELFTEST_TIMEOUT:-30}
PODLINGS_LOCK_TIMEOUT=${PODLINGS_LOCK_TIMEOUT:-900}
LABEL=org.podlings.standin
KEY_LABEL=org.podlings.standin.key
DESC_LABEL=org.opencontainers.image.description
BASE_REPO=podlings/standin-base
BUILD_REPO=podlings/standin-build
export DOCKER_BUILDKIT=0 # classic builder: no BuildKit images needed, works offline

verify=auto rebuild=0
for arg in "$@"; do
  case "$arg" in
    --verify) verify=1 ;;
    --no-verify) verify=0 ;;
    --rebuild) rebuild=1 ;;
    -h | --help) usage "$0"; exit 0 ;;
    *) die "unknown option $arg (try --help)" ;;
  esac
done

T0=$(now_s)
SCRIPT_HASH=$(cat "$PODLINGS_SETUP_DIR/offline.sh" "$PODLINGS_SETUP_DIR/lib.sh" | sha256sum | cut -c1-12)

# ---------------------------------------------------------------- preflight ------
is_root || {
  echo "podlings setup: offline mode builds a Debian root filesystem (debootstrap) and runs a registry mirror: run it as root (sudo bash harness/setup/offline.sh)" >&2
  exit 1
}
docker info >/dev/null 2>&1 || die "Docker is not answering: run harness/setup/docker.sh first"
mkdir -p "$CACHE"/{dist,npm,build,logs,mirror/state}
LOG="$CACHE/logs/offline-$(date +%Y%m%d-%H%M%S).log"
: >"$LOG"
{ ls -1t "$CACHE"/logs/offline-*.log 2>/dev/null || true; } | tail -n +6 | xargs -r rm -f

exec 9>"$CACHE/.offline.lock"
flock -w "$PODLINGS_LOCK_TIMEOUT" 9 ||
  die "another offline.sh holds $CACHE/.offline.lock (timeout PODLINGS_LOCK_TIMEOUT=$PODLINGS_LOCK_TIMEOUT)"

# run WHAT COMMAND...: runs COMMAND with its output in the log; on failure shows the tail.
run() {
  local what=$1
  shift
  printf '\n=== %s\n$ %s\n' "$what" "$*" >>"$LOG"
  if ! "$@" >>"$LOG" 2>&1; then
    tail -n 25 "$LOG" | sed 's/^/    | /' >&2
    die "$what failed (full log: $LOG)"
  fi
}

need_tools() {
  local missing=()
  have debootstrap || missing+=(debootstrap)
  have docker-registry || missing+=(docker-registry)
  have curl || missing+=(curl)
  have flock || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then
    is_debian_like || die "missing ${missing[*]}: install them (Debian/Ubuntu package names) and rerun"
    apt_install "${missing[@]}" ca-certificates
  fi
  have npm || die "npm is missing on this machine: install npm (apt-get install npm) and rerun"
}

# ---------------------------------------------------------------- npm registry ---
# fetch_pkg NAME SPEC: downloads NAME@SPEC with `npm pack` into $CACHE/dist once and
# remembers what SPEC resolved to, so later runs need no network.
# Sets PKG_VERSION and PKG_TGZ.
RESOLVED="$CACHE/dist/resolved.txt"
touch "$RESOLVED"
[ "${PODLINGS_REFRESH:-}" = 1 ] && : >"$RESOLVED"
fetch_pkg() {
  local name=$1 spec=$2 line json
  line=$(awk -v k="$name@$spec" '$1 == k { v = $2 } END { if (v) print v }' "$RESOLVED")
  if [ -n "$line" ] && [ -f "$CACHE/dist/$name-$line.tgz" ]; then
    PKG_VERSION=$line PKG_TGZ="$CACHE/dist/$name-$line.tgz"
    return 0
  fi
  log "downloading $name@$spec from the npm registry"
  json=$(cd "$CACHE/dist" && npm pack "$name@$spec" --pack-destination "$CACHE/dist" --json 2>>"$LOG") ||
    die "npm pack $name@$spec failed (is the npm registry reachable? log: $LOG)"
  PKG_VERSION=$(printf '%s' "$json" | node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(j[0].version)')
  PKG_TGZ="$CACHE/dist/$name-$PKG_VERSION.tgz"
  [ -f "$PKG_TGZ" ] || die "npm pack $name@$spec did not produce $PKG_TGZ"
  echo "$name@$spec $PKG_VERSION" >>"$RESOLVED"
}

# resolved NAME SPEC: the version SPEC resolved to earlier (empty when never resolved).
resolved() {
  awk -v k="$1@$2" '$1 == k { v = $2 } END { if (v) print v }' "$RESOLVED"
}

# unpack_pkg TGZ DIR: extracts the package/ folder of TGZ into DIR once.
unpack_pkg() {
  local tgz=$1 dir=$2
  [ -f "$dir/.podlings-unpacked" ] && return 0
  rm -rf "$dir" "$dir.tmp"
  mkdir -p "$dir.tmp"
  tar -xzf "$tgz" -C "$dir.tmp" --strip-components=1 --no-same-owner
  touch "$dir.tmp/.podlings-unpacked"
  mv "$dir.tmp" "$dir"
}

# ---------------------------------------------------------------- npm caches -----
# The packages to bake: NPM_PACKAGES, plus the registry dependencies of every
# package.json that sits in a Docker build context under exercises/ and solutions/
# (a folder with a Dockerfile, or below one). Printed one per line, sorted.
collect_npm_specs() {
  {
    printf '%s\n' "${NPM_PACKAGES[@]}"
    local dirs=()
    for d in "$PODLINGS_ROOT/exercises" "$PODLINGS_ROOT/solutions"; do [ -d "$d" ] && dirs+=("$d"); done
    if [ ${#dirs[@]} -gt 0 ]; then
      find "${dirs[@]}" -name node_modules -prune -o -name package.json -type f -print 2>/dev/null |
        node -e '
          const fs = require("fs"), path = require("path");
          const files = fs.readFileSync(0, "utf8").split("\n").filter(Boolean);
          const inContext = (f) => {
            for (let d = path.dirname(f); d.length > 1; d = path.dirname(d)) {
              if (fs.existsSync(path.join(d, "Dockerfile"))) return true;
              if (/\/(exercises|solutions)$/.test(d)) return false;
            }
            return false;
          };
          for (const f of files) {
            if (!inContext(f)) continue;
            let pkg; try { pkg = JSON.parse(fs.readFileSync(f, "utf8")); } catch { continue; }
            for (const deps of [pkg.dependencies, pkg.devDependencies]) {
              for (const [name, range] of Object.entries(deps ?? {})) {
                if (typeof range !== "string" || /[:\/]/.test(range)) continue; // file:, git, urls, aliases
                console.log(`${name}@${range || "*"}`);
              }
            }
          }'
    fi
  } | sed '/^$/d' | LC_ALL=C sort -u
}

# npm_cache_install NODE_BIN NPM_DIR CACHE_DIR SPECS: installs SPECS (one per line) in a
# scratch project with that very node + npm and CACHE_DIR as the cache, so the cache holds
# exactly what the image's npm will look for. Each spec becomes an alias dependency, so two
# ranges of one package can coexist. Returns npm's status (output in the log).
npm_cache_install() {
  local node_bin=$1 npm_dir=$2 dir=$3 specs=$4 proj status=0
  proj=$(mktemp -d "$CACHE/build/npm-proj.XXXXXX")
  printf '%s\n' "$specs" | node -e '
    const specs = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
    const dependencies = {};
    specs.forEach((spec, i) => {
      const at = spec.lastIndexOf("@");
      const [name, range] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1) || "*"] : [spec, "*"];
      dependencies[`podlings-${i}`] = `npm:${name}@${range}`;
    });
    console.log(JSON.stringify({ name: "podlings-offline-cache", version: "1.0.0", private: true, dependencies }, null, 2));
  ' >"$proj/package.json"
  printf '\n=== npm install into the npm cache %s\n%s\n' "$dir" "$specs" >>"$LOG"
  (
    cd "$proj" &&
      env -u NPM_CONFIG_CACHE -u npm_config_cache NODE_EXTRA_CA_CERTS="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" \
        "$node_bin" "$npm_dir/bin/npm-cli.js" install --cache "$dir" \
        --ignore-scripts --no-audit --no-fund --no-update-notifier --loglevel=warn
  ) >>"$LOG" 2>&1 || status=$?
  rm -rf "$proj"
  return "$status"
}

# build_npm_cache NODE_BIN NPM_DIR CACHE_DIR: NPM_PACKAGES must make it into the cache; the
# packages found in exercises/ and solutions/ are added when this npm can install them.
build_npm_cache() {
  local node_bin=$1 npm_dir=$2 dir=$3 extra
  [ -f "$dir/.podlings-complete" ] && return 0
  rm -rf "$dir" && mkdir -p "$dir"
  npm_cache_install "$node_bin" "$npm_dir" "$dir" "$(printf '%s\n' "${NPM_PACKAGES[@]}")" || {
    tail -n 15 "$LOG" | sed 's/^/    | /' >&2
    die "npm install of ${NPM_PACKAGES[*]} into $dir failed (is the npm registry reachable? log: $LOG)"
  }
  extra=$(LC_ALL=C comm -23 <(printf '%s\n' "$NPM_SPECS") <(printf '%s\n' "${NPM_PACKAGES[@]}" | LC_ALL=C sort -u))
  if [ -n "$extra" ] && ! npm_cache_install "$node_bin" "$npm_dir" "$dir" "$extra"; then
    # One at a time, so one package this npm cannot install does not keep the others out.
    local spec failed=""
    for spec in $extra; do
      npm_cache_install "$node_bin" "$npm_dir" "$dir" "$spec" || failed="$failed $spec"
    done
    [ -z "$failed" ] || warn "npm $(basename "$npm_dir") could not add these to its offline cache:$failed (log: $LOG)"
  fi
  rm -rf "$dir/_logs" "$dir/_locks" "$dir/_update-notifier-last-checked" "$dir/_cacache/tmp" "$dir/anonymous-cli-metrics.json"
  touch "$dir/.podlings-complete"
}

# ---------------------------------------------------------------- rootfs ---------
ROOTFS_ID_HASH=$(printf '%s\n' "$SUITE" "$DEBIAN_MIRROR" "$DEBIAN_SECURITY_MIRROR" "$ROOTFS_EXTRAS" \
  "$NGINX_DEBS" "$REGISTRY_DEBS" "$ROOTFS_RECIPE" "$(uname -m)" | sha256sum | cut -c1-8)

# current_rootfs: the newest complete rootfs-<suite>-<date>-<hash> folder (empty when none).
current_rootfs() {
  local d
  for d in $(ls -1d "$CACHE/rootfs-$SUITE-"*"-$ROOTFS_ID_HASH" 2>/dev/null | sort -r); do
    [ -f "$d/complete" ] && { basename "$d"; return 0; }
  done
  return 0
}

build_rootfs() {
  local id dir root
  id="rootfs-$SUITE-$(date -u +%Y%m%d)-$ROOTFS_ID_HASH"
  dir="$CACHE/$id"
  root="$dir/root"
  rm -rf "$dir"
  mkdir -p "$dir/debs/nginx" "$dir/debs/registry"
  local t
  t=$(now_s)
  log "debootstrap --variant=minbase $SUITE (+ ${ROOTFS_EXTRAS//,/, }) from $DEBIAN_MIRROR"
  run "debootstrap" debootstrap --variant=minbase --include="$ROOTFS_EXTRAS" "$SUITE" "$root" "$DEBIAN_MIRROR"
  # Like Debian's own container images: services never start during a build.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  cat >"$root/etc/apt/sources.list" <<EOF
deb $DEBIAN_MIRROR $SUITE main
deb $DEBIAN_MIRROR $SUITE-updates main
deb $DEBIAN_SECURITY_MIRROR $SUITE-security main
EOF
  # Keep later dpkg installs (nginx, registry layers) as slim as this root filesystem.
  cat >"$root/etc/dpkg/dpkg.cfg.d/podlings-slim" <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
EOF
  log "applying $SUITE-updates and $SUITE-security"
  run "apt-get update (chroot)" chroot "$root" apt-get -q update
  run "apt-get upgrade (chroot)" env DEBIAN_FRONTEND=noninteractive chroot "$root" \
    apt-get -q -y -o Dpkg::Options::=--force-confold upgrade
  local set debs
  for set in nginx registry; do
    [ "$set" = nginx ] && debs=$NGINX_DEBS || debs=$REGISTRY_DEBS
    run "apt-get clean (chroot)" chroot "$root" apt-get clean
    run "download $debs" chroot "$root" apt-get -q -y --no-install-recommends install --download-only $debs
    mv "$root"/var/cache/apt/archives/*.deb "$dir/debs/$set/"
  done
  run "apt-get clean (chroot)" chroot "$root" apt-get clean
  chroot "$root" dpkg-query -W -f '${Package} ${Version}\n' >"$dir/packages.txt"
  # Slim down: docs (but not the copyright files), man pages, translations, apt lists.
  find "$root/usr/share/doc" -type f ! -name copyright -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/lib/apt/lists/* \
    "$root"/var/cache/apt/*.bin "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/tmp/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  : >"$root/etc/resolv.conf"
  echo localhost >"$root/etc/hostname"
  run "tar the root filesystem" tar --numeric-owner -C "$root" \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' --exclude='./run/*' \
    -cf "$dir/rootfs.tar" .
  rm -rf "$root"
  date -u +%Y-%m-%dT%H:%M:%SZ >"$dir/complete"
  log "root filesystem $id ready ($(du -sh "$dir/rootfs.tar" | cut -f1), $(elapsed_since "$t"))"
  # Older root filesystems of this recipe are superseded.
  for old in "$CACHE/rootfs-$SUITE-"*; do
    [ "$old" = "$dir" ] || rm -rf "$old"
  done
}

# ---------------------------------------------------------------- docker helpers --
image_label() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

# ensure_base: imports the root filesystem as $BASE_IMAGE once.
ensure_base() {
  if [ "$(image_label "$BASE_IMAGE" "$KEY_LABEL")" = "$ROOTFS_ID" ]; then return 0; fi
  local t
  t=$(now_s)
  log "importing $ROOTFS_ID as $BASE_IMAGE"
  run "docker import" docker import \
    --change "LABEL $LABEL=true $KEY_LABEL=$ROOTFS_ID" \
    --change "LABEL $DESC_LABEL=\"podlings offline base: Debian $SUITE minbase + ${ROOTFS_EXTRAS//,/ }\"" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    "$CACHE/$ROOTFS_ID/rootfs.tar" "$BASE_IMAGE"
  record_image "$BASE_IMAGE"
  log "imported $BASE_IMAGE ($(elapsed_since "$t"))"
  # Base images of older root filesystems go (when nothing uses them any more).
  docker images --format '{{.Repository}}:{{.Tag}}' "$BASE_REPO" | grep -vx "$BASE_IMAGE" |
    xargs -r docker rmi >/dev/null 2>&1 || true
}

# build_group NAME KEY CONTEXT TAG...: builds CONTEXT once as $BUILD_REPO:NAME, then gives
# each TAG its own thin image (same layers) carrying the labels, with its own description.
build_group() {
  local name=$1 key=$2 ctx=$3
  shift 3
  local repo=${name%%-*} tag t
  t=$(now_s)
  log "building $repo stand-in ($name) for tags: $*"
  run "docker build $name" docker build --rm --force-rm --network none \
    --build-arg "BASE=$BASE_IMAGE" \
    --label "$LABEL=true" --label "$KEY_LABEL=$key" \
    --label "$DESC_LABEL=podlings offline stand-in ($name), built from Debian $SUITE packages" \
    -t "$BUILD_REPO:$name" "$ctx"
  record_image "$BUILD_REPO:$name"
  for tag in "$@"; do
    run "tag $repo:$tag" docker build --rm --force-rm --network none \
      --label "$DESC_LABEL=podlings offline stand-in for $repo:$tag, built from Debian $SUITE packages" \
      -t "$repo:$tag" - <<<"FROM $BUILD_REPO:$name"
    record_image "$repo:$tag"
    BUILT+=("$repo:$tag")
  done
  # The build tag is only a handle; the layers stay as the parents of the tags above.
  docker rmi "$BUILD_REPO:$name" >/dev/null 2>&1 || true
  log "built $repo stand-in ($name) in $(elapsed_since "$t")"
}

# fresh REPO KEY TAG...: true when every REPO:TAG carries KEY.
fresh() {
  local repo=$1 key=$2 tag
  shift 2
  [ "$rebuild" = 1 ] && return 1
  local refs=() keys
  for tag in "$@"; do refs+=("$repo:$tag"); done
  # One docker call for all tags: a missing tag makes it fail.
  keys=$(docker image inspect --format "{{ index .Config.Labels \"$KEY_LABEL\" }}" "${refs[@]}" 2>/dev/null) || return 1
  [ "$(printf '%s\n' "$keys" | sort -u)" = "$key" ]
}

# record_image REF: remembers the id of a stand-in this script made (see remove_superseded).
RECORD="$CACHE/$PODLINGS_STANDIN_RECORD_NAME"
record_image() { echo "$(image_id "$1") $1" >>"$RECORD"; }

# remove_superseded: stand-ins made by earlier runs that lost their tag to a newer build.
# Only ids this script recorded are touched (images built on a stand-in carry its labels
# too); ids still used by a container or a child image stay until they are free.
remove_superseded() {
  [ -f "$RECORD" ] || return 0
  local id keep
  keep=$(standin_refs | xargs -r docker image inspect --format '{{.Id}}' 2>/dev/null | sort -u)
  awk '{ print $1 }' "$RECORD" | sort -u | while read -r id; do
    grep -qx "$id" <<<"$keep" || docker rmi "$id" >/dev/null 2>&1 || true
  done
  # Forget ids that are gone.
  awk '{ print $1 }' "$RECORD" | sort -u | while read -r id; do
    if docker image inspect "$id" >/dev/null 2>&1; then grep "^$id " "$RECORD" | tail -1; fi
  done >"$RECORD.new"
  mv -f "$RECORD.new" "$RECORD"
}

# write_shims DIR: small commands every stand-in carries in /usr/local/sbin, for the
# Alpine habits of Dockerfiles written against the real *-alpine images.
write_shims() {
  local dir=$1
  mkdir -p "$dir"
  cat >"$dir/apk" <<'EOF'
#!/bin/sh
# podlings offline stand-in: this image is built from Debian packages and has no apk.
# `apk add` succeeds only for packages the stand-in already provides (curl, wget, bash,
# ca-certificates, tzdata, ...), so `RUN apk add --no-cache curl` keeps working;
# anything else fails and says why.
me="podlings offline stand-in"
cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  add) ;;
  update | upgrade | cache | fix) echo "$me: apk $cmd: nothing to do (Debian-based image, no network)"; exit 0 ;;
  del) echo "$me: apk del $*: nothing removed"; exit 0 ;;
  *) echo "$me: 'apk $cmd' is not available: this image is built from Debian packages, not Alpine" >&2; exit 1 ;;
esac
provided() {
  case "$1" in
    ca-certificates | ca-certificates-bundle) [ -f /etc/ssl/certs/ca-certificates.crt ] ;;
    tzdata) [ -d /usr/share/zoneinfo ] ;;
    procps | procps-ng) command -v ps >/dev/null ;;
    shadow) command -v useradd >/dev/null ;;
    busybox | musl | musl-utils | libc6-compat | gcompat | libstdc++ | libgcc | coreutils | findutils | grep | sed | tar | gzip | util-linux) true ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}
missing="" found="" skip=0
for arg in "$@"; do
  if [ "$skip" = 1 ]; then skip=0; continue; fi
  case "$arg" in
    -t | --virtual | -X | --repository | -p | --root | --arch | --cache-dir | --keys-dir) skip=1; continue ;;
    -*) continue ;;
  esac
  pkg=${arg%%[<>=~]*}
  if provided "$pkg"; then found="$found $pkg"; else missing="$missing $pkg"; fi
done
if [ -n "$missing" ]; then
  echo "$me: cannot install$missing: this image is Debian-based (not Alpine) and offline mode has no package repository." >&2
  echo "$me: already provided:${found:- none of the requested}; ask your teacher to add what you need to the stand-ins." >&2
  exit 1
fi
echo "$me: already provided:$found"
EOF
  cat >"$dir/addgroup" <<'EOF'
#!/bin/sh
# podlings offline stand-in: BusyBox-style `addgroup [-g GID] [-S] GROUP` and
# `addgroup USER GROUP` (what Alpine Dockerfiles use) on top of Debian's tools.
# Debian-style calls (long options) go to Debian's addgroup unchanged.
case " $* " in *" --"*) exec /usr/sbin/addgroup "$@" ;; esac
fail() { echo "podlings offline stand-in: addgroup: $*" >&2; exit 1; }
gid="" system="" first="" second=""
while [ $# -gt 0 ]; do
  case "$1" in
    -g) [ $# -ge 2 ] || fail "-g needs a value"; gid=$2; shift 2 ;;
    -S) system=1; shift ;;
    -*) fail "unsupported option $1" ;;
    *) if [ -z "$first" ]; then first=$1; elif [ -z "$second" ]; then second=$1; else fail "too many arguments"; fi; shift ;;
  esac
done
[ -n "$first" ] || fail "usage: addgroup [-g GID] [-S] GROUP | addgroup USER GROUP"
if [ -n "$second" ]; then exec usermod -a -G "$second" "$first"; fi
exec groupadd ${system:+--system} ${gid:+--gid "$gid"} "$first"
EOF
  cat >"$dir/adduser" <<'EOF'
#!/bin/sh
# podlings offline stand-in: BusyBox-style `adduser [-S] [-D] [-H] [-G GROUP] [-u UID]
# [-h HOME] [-s SHELL] [-g GECOS] [-k SKEL] USER [GROUP]` (what Alpine Dockerfiles use,
# options before or after USER) on top of Debian's useradd.
# Debian-style calls (long options) go to Debian's adduser unchanged.
case " $* " in *" --"*) exec /usr/sbin/adduser "$@" ;; esac
fail() { echo "podlings offline stand-in: adduser: $*" >&2; exit 1; }
home="" gecos="" shell="" group="" uid="" system="" nohome="" user="" extra=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h | -g | -s | -G | -u | -k)
      [ $# -ge 2 ] || fail "$1 needs a value"
      case "$1" in -h) home=$2 ;; -g) gecos=$2 ;; -s) shell=$2 ;; -G) group=$2 ;; -u) uid=$2 ;; esac
      shift 2 ;;
    -*)
      flags=${1#-}
      while [ -n "$flags" ]; do
        rest=${flags#?}
        case "${flags%"$rest"}" in S) system=1 ;; D) ;; H) nohome=1 ;; *) fail "unsupported option $1" ;; esac
        flags=$rest
      done
      shift ;;
    *) if [ -z "$user" ]; then user=$1; elif [ -z "$extra" ]; then extra=$1; else fail "too many arguments"; fi; shift ;;
  esac
done
[ -n "$user" ] || fail "usage: adduser [-S] [-D] [-H] [-G GROUP] [-u UID] [-h HOME] [-s SHELL] USER [GROUP]"
if [ -n "$extra" ]; then exec usermod -a -G "$extra" "$user"; fi
if [ -z "$group" ]; then
  if [ -n "$system" ]; then
    group=nogroup
  else
    groupadd ${uid:+--gid "$uid"} "$user" 2>/dev/null || groupadd "$user"
    group=$user
  fi
fi
if [ -z "$shell" ]; then
  if [ -n "$system" ]; then shell=/usr/sbin/nologin; else shell=/bin/sh; fi
fi
if [ -n "$nohome" ]; then homeopt=--no-create-home; else homeopt=--create-home; fi
exec useradd ${system:+--system} ${uid:+--uid "$uid"} --gid "$group" --shell "$shell" \
  ${home:+--home-dir "$home"} ${gecos:+--comment "$gecos"} "$homeopt" "$user"
EOF
  chmod 0755 "$dir"/*
}

# ---------------------------------------------------------------- contexts -------
write_node_context() {
  local ctx=$1 node_dir=$2 npm_dir=$3 npm_cache=$4 node_version=$5 npm_version=$6
  rm -rf "$ctx" && mkdir -p "$ctx"
  write_shims "$ctx/shims"
  cp -l "$node_dir/bin/node" "$ctx/node" 2>/dev/null || cp "$node_dir/bin/node" "$ctx/node"
  cp -al "$npm_dir" "$ctx/npm" 2>/dev/null || cp -a "$npm_dir" "$ctx/npm"
  rm -f "$ctx/npm/.podlings-unpacked"
  # Modes are set here, not in a RUN: a chmod in the image would copy the 100 MB binary into a new layer.
  chmod 0755 "$ctx/node" "$ctx/npm/bin/npm-cli.js" "$ctx/npm/bin/npx-cli.js"
  cp -al "$npm_cache" "$ctx/npm-cache" 2>/dev/null || cp -a "$npm_cache" "$ctx/npm-cache"
  rm -f "$ctx/npm-cache/.podlings-complete"
  {
    echo "# podlings offline stand-in: npm works from the cache baked into ~/.npm"
    echo "offline=true"
    echo "audit=false"
    echo "fund=false"
    echo "update-notifier=false"
    [ "$NPM_REGISTRY" = "https://registry.npmjs.org/" ] || echo "registry=$NPM_REGISTRY"
  } >"$ctx/npmrc"
  cat >"$ctx/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# podlings offline stand-in: as in the official node images, a first argument that is
# an option (-e ...) or not a command (app.js) is handed to node.
set -e
if [ "$#" -gt 0 ]; then
  case "$1" in
    -*) set -- node "$@" ;;
    *) if ! command -v -- "$1" >/dev/null 2>&1 || { [ -f "$1" ] && [ ! -x "$1" ]; }; then set -- node "$@"; fi ;;
  esac
fi
exec "$@"
EOF
  chmod 0755 "$ctx/docker-entrypoint.sh"
  cat >"$ctx/Dockerfile" <<EOF
ARG BASE
FROM \$BASE
COPY shims/ /usr/local/sbin/
ENV NODE_VERSION=$node_version NPM_VERSION=$npm_version
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY npmrc /usr/local/etc/npmrc
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN set -eux; \\
    ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm; \\
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx; \\
    groupadd --gid 1000 node; \\
    useradd --uid 1000 --gid node --shell /bin/bash --create-home node; \\
    node --version; npm --version; \\
    test "\$(npm config get offline)" = true
COPY npm-cache /root/.npm
COPY --chown=node:node npm-cache /home/node/.npm
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
EOF
}

# A fresh build context with the Alpine shims and the downloaded .deb files.
new_context_with_debs() {
  local ctx=$1 debs=$2
  rm -rf "$ctx" && mkdir -p "$ctx/debs"
  write_shims "$ctx/shims"
  cp -l "$debs"/*.deb "$ctx/debs/" 2>/dev/null || cp "$debs"/*.deb "$ctx/debs/"
}

write_nginx_context() {
  local ctx=$1 debs=$2
  new_context_with_debs "$ctx" "$debs"
  cat >"$ctx/nginx.conf" <<'EOF'
# podlings offline stand-in: the layout of the official nginx image, on Debian's nginx.
user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;

events {
    worker_connections  1024;
}

http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';
    access_log  /var/log/nginx/access.log  main;

    sendfile           on;
    keepalive_timeout  65;

    include /etc/nginx/conf.d/*.conf;
}
EOF
  cat >"$ctx/default.conf" <<'EOF'
server {
    listen       80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
EOF
  cat >"$ctx/index.html" <<'EOF'
<!DOCTYPE html>
<html><head><title>Welcome to nginx!</title></head>
<body><h1>Welcome to nginx!</h1>
<p>This is the podlings offline stand-in for the nginx image (Debian's nginx package).</p></body></html>
EOF
  cat >"$ctx/50x.html" <<'EOF'
<!DOCTYPE html>
<html><head><title>Error</title></head>
<body><h1>An error occurred.</h1><p>The page you are looking for is currently unavailable.</p></body></html>
EOF
  cat >"$ctx/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# podlings offline stand-in: the two habits of the official nginx image's entrypoint
# that course material relies on, before `nginx` starts:
#   /etc/nginx/templates/**/*.template -> /etc/nginx/conf.d/** with ${VARS} substituted
#     (only variables that are set, so nginx's own $variables survive)
#   executable /docker-entrypoint.d/*.sh scripts are run in order
set -e
if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
  tdir=${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}
  suffix=${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}
  odir=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}
  if [ -d "$tdir" ]; then
    defined=$(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/${\1}/p' | tr '\n' ' ')
    find "$tdir" -follow -type f -name "*$suffix" | while read -r t; do
      rel=${t#"$tdir"/}
      out="$odir/${rel%"$suffix"}"
      mkdir -p "$(dirname "$out")"
      envsubst "$defined" <"$t" >"$out"
    done
  fi
  if [ -d /docker-entrypoint.d ]; then
    for s in /docker-entrypoint.d/*.sh; do
      [ -x "$s" ] && "$s"
    done
  fi
fi
exec "$@"
EOF
  chmod 0755 "$ctx/docker-entrypoint.sh"
  cat >"$ctx/Dockerfile" <<'EOF'
ARG BASE
FROM $BASE
COPY shims/ /usr/local/sbin/
COPY debs /tmp/podlings-debs
RUN set -eux; \
    dpkg -i /tmp/podlings-debs/*.deb; \
    rm -rf /tmp/podlings-debs; \
    groupadd --system --gid 101 nginx || groupadd --system nginx; \
    useradd --system --gid nginx --uid 101 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nginx \
      || useradd --system --gid nginx --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nginx; \
    rm -f /etc/nginx/sites-enabled/default; \
    mkdir -p /etc/nginx/conf.d /usr/share/nginx/html /docker-entrypoint.d /var/log/nginx /var/lib/nginx /var/cache/nginx; \
    ln -sf /dev/stdout /var/log/nginx/access.log; \
    ln -sf /dev/stderr /var/log/nginx/error.log; \
    nginx -v
COPY nginx.conf /etc/nginx/nginx.conf
COPY default.conf /etc/nginx/conf.d/default.conf
COPY index.html 50x.html /usr/share/nginx/html/
COPY docker-entrypoint.sh /docker-entrypoint.sh
RUN nginx -t
ENTRYPOINT ["/docker-entrypoint.sh"]
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
EOF
}

write_registry_context() {
  local ctx=$1 debs=$2
  new_context_with_debs "$ctx" "$debs"
  cat >"$ctx/config.yml" <<'EOF'
# podlings offline stand-in for registry:2 (Debian's docker-registry, the same distribution code)
version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
EOF
  cat >"$ctx/entrypoint.sh" <<'EOF'
#!/bin/sh
# podlings offline stand-in: `registry serve <config>` unless told otherwise, as upstream.
set -e
case "$1" in
  *.yaml | *.yml) set -- registry serve "$@" ;;
  serve | garbage-collect | help | -*) set -- registry "$@" ;;
esac
exec "$@"
EOF
  chmod 0755 "$ctx/entrypoint.sh"
  cat >"$ctx/Dockerfile" <<'EOF'
ARG BASE
FROM $BASE
COPY shims/ /usr/local/sbin/
COPY debs /tmp/podlings-debs
RUN set -eux; \
    dpkg -i /tmp/podlings-debs/*.deb; \
    rm -rf /tmp/podlings-debs; \
    ln -sf docker-registry /usr/bin/registry; \
    mkdir -p /var/lib/registry; \
    registry --version
COPY config.yml /etc/docker/registry/config.yml
COPY entrypoint.sh /entrypoint.sh
VOLUME ["/var/lib/registry"]
EXPOSE 5000
ENTRYPOINT ["/entrypoint.sh"]
CMD ["/etc/docker/registry/config.yml"]
EOF
}

# ---------------------------------------------------------------- mirror ---------
MIRROR_DIR="$CACHE/mirror"
MIRROR_CONFIG="$MIRROR_DIR/config.yml"
MIRROR_PID="$MIRROR_DIR/registry.pid"
MIRROR_LOG="$MIRROR_DIR/registry.log"

mirror_pid() {
  local pid
  pid=$(cat "$MIRROR_PID" 2>/dev/null || true)
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "docker-registry serve $MIRROR_CONFIG"; then
    echo "$pid"
  fi
}

ensure_mirror() {
  mkdir -p "$MIRROR_DIR/data"
  cat >"$MIRROR_CONFIG.new" <<EOF
# podlings offline mode: the registry mirror dockerd asks before Docker Hub.
version: 0.1
log:
  level: info
  fields:
    service: podlings-mirror
storage:
  filesystem:
    rootdirectory: $MIRROR_DIR/data
  delete:
    enabled: true
http:
  addr: $PODLINGS_MIRROR_ADDR
  headers:
    X-Content-Type-Options: [nosniff]
EOF
  local pid
  pid=$(mirror_pid)
  if cmp -s "$MIRROR_CONFIG.new" "$MIRROR_CONFIG" && [ -n "$pid" ] && http_ok "$PODLINGS_MIRROR_URL/v2/"; then
    rm -f "$MIRROR_CONFIG.new"
    log "mirror is running on $PODLINGS_MIRROR_ADDR (pid $pid)"
    return 0
  fi
  if [ -n "$pid" ]; then
    log "restarting the mirror (pid $pid)"
    stop_mirror
  fi
  mv -f "$MIRROR_CONFIG.new" "$MIRROR_CONFIG"
  if http_ok "$PODLINGS_MIRROR_URL/v2/"; then
    die "$PODLINGS_MIRROR_ADDR already answers but is not podlings' mirror: stop that registry or set PODLINGS_MIRROR_ADDR"
  fi
  log "starting the mirror: docker-registry on $PODLINGS_MIRROR_ADDR (storage $MIRROR_DIR/data, log $MIRROR_LOG)"
  # 9>&-: the mirror must not inherit (and hold forever) this script's lock.
  setsid nohup docker-registry serve "$MIRROR_CONFIG" >>"$MIRROR_LOG" 2>&1 </dev/null 9>&- &
  echo $! >"$MIRROR_PID"
  wait_for PODLINGS_MIRROR_TIMEOUT "$PODLINGS_MIRROR_TIMEOUT" "the mirror at $PODLINGS_MIRROR_URL/v2/ (log: $MIRROR_LOG)" \
    http_ok "$PODLINGS_MIRROR_URL/v2/"
}

stop_mirror() {
  local pid
  pid=$(mirror_pid)
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  wait_for PODLINGS_MIRROR_TIMEOUT "$PODLINGS_MIRROR_TIMEOUT" "the mirror (pid $pid) to stop" bash -c "! kill -0 $pid"
}

# gc_mirror: drops what earlier builds left in the mirror's storage (superseded manifests
# and their layers). The registry is stopped meanwhile: collecting under a live registry is unsafe.
gc_mirror() {
  local before t
  t=$(now_s)
  before=$(du -sm "$MIRROR_DIR/data" | cut -f1)
  stop_mirror
  run "garbage-collect the mirror" docker-registry garbage-collect --delete-untagged "$MIRROR_CONFIG"
  ensure_mirror >/dev/null
  log "mirror storage: ${before} MB -> $(du -sm "$MIRROR_DIR/data" | cut -f1) MB after garbage collection ($(elapsed_since "$t"))"
}

MANIFEST_TYPES="application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json"
mirror_digest() { # REPO TAG
  http_header "$PODLINGS_MIRROR_URL/v2/library/$1/manifests/$2" Docker-Content-Digest "$MANIFEST_TYPES"
}

# push_to_mirror REPO:TAG: pushes it as $MIRROR/library/REPO:TAG unless the mirror already
# holds exactly this image (state file: image id + manifest digest).
declare -A IMAGE_IDS=()
push_to_mirror() {
  local ref=$1 repo=${1%%:*} tag=${1#*:} id state want digest
  id=${IMAGE_IDS[$ref]:-$(image_id "$ref")}
  state="$MIRROR_DIR/state/$repo-$tag"
  if [ -f "$state" ]; then
    read -r want digest <"$state" || true
    if [ "$want" = "$id" ] && [ -n "$digest" ] && [ "$(mirror_digest "$repo" "$tag")" = "$digest" ]; then
      return 0
    fi
  fi
  local target="$PODLINGS_MIRROR_ADDR/library/$repo:$tag"
  run "tag $target" docker tag "$ref" "$target"
  run "push $target" docker push "$target"
  docker rmi "$target" >/dev/null 2>&1 || true # untag only; the image stays as $ref
  digest=$(mirror_digest "$repo" "$tag")
  [ -n "$digest" ] || die "pushed $target but the mirror does not list it (log: $LOG)"
  echo "$id $digest" >"$state"
  PUSHED+=("$ref")
}

# ensure_docker_uses_mirror: dockerd must list the mirror for plain `docker pull node:..`.
MIRROR_IN_DOCKERD=1
ensure_docker_uses_mirror() {
  docker_uses_mirror && return 0
  local daemon_json=${PODLINGS_DAEMON_JSON:-/etc/docker/daemon.json} pids
  pids=$(dockerd_pids)
  if [ -n "$pids" ] && [ -z "${DOCKER_HOST:-}" ]; then
    log "$daemon_json: $(merge_daemon_json "$daemon_json" "" "$PODLINGS_MIRROR_URL") (registry mirror); reloading dockerd"
    # registry-mirrors is live-reloadable: SIGHUP, no restart.
    kill -HUP $pids
    wait_for PODLINGS_DOCKERD_TIMEOUT "${PODLINGS_DOCKERD_TIMEOUT:-60}" "dockerd to list the mirror after reload" docker_uses_mirror
    return 0
  fi
  MIRROR_IN_DOCKERD=0
  warn "dockerd does not use $PODLINGS_MIRROR_URL as a registry mirror and podlings cannot change that here;"
  warn "add \"registry-mirrors\": [\"$PODLINGS_MIRROR_URL\"] to the Docker daemon settings and restart Docker."
  warn "Until then the stand-ins still work as local images (FROM node:24-alpine), but \`docker pull\` does not find them."
}

# ---------------------------------------------------------------- self-tests -----
SELFTEST_LABEL=org.podlings.selftest
selftest_cleanup() {
  docker ps -aq --filter "label=$SELFTEST_LABEL" | xargs -r docker rm -f -v >/dev/null 2>&1 || true
  docker images -q --filter "label=$SELFTEST_LABEL" | sort -u | xargs -r docker rmi -f >/dev/null 2>&1 || true
  rm -rf "$CACHE/build/selftest"
}

selftest_npm() { # IMAGE PACKAGE_JSON_DEPS REQUIRE...
  local image=$1 deps=$2
  shift 2
  local ctx="$CACHE/build/selftest/npm-${image//[:\/]/-}" t
  t=$(now_s)
  rm -rf "$ctx" && mkdir -p "$ctx"
  printf '{ "name": "podlings-selftest", "version": "1.0.0", "private": true, "dependencies": { %s } }\n' "$deps" >"$ctx/package.json"
  {
    echo "// every module the self-test installed must load"
    for m in "$@"; do printf 'require("%s"); console.log("loaded %s");\n' "$m" "$m"; done
  } >"$ctx/check.js"
  cat >"$ctx/Dockerfile" <<EOF
FROM $image
WORKDIR /app
COPY package.json check.js ./
RUN npm install && node check.js
RUN su node -s /bin/sh -c "mkdir -p /home/node/app && cp /app/package.json /app/check.js /home/node/app/ && cd /home/node/app && npm install && node check.js"
EOF
  run "self-test: npm install in $image with no network" docker build --rm --force-rm --no-cache --network none \
    --label "$SELFTEST_LABEL=true" -t "podlings-selftest/npm:${image//[:\/]/-}" "$ctx"
  log "  ok  $image: npm install ${deps:-(no dependencies)} with no network, as root and as node ($(elapsed_since "$t"))"
}

selftest_alpine_habits() { # IMAGE
  local ctx="$CACHE/build/selftest/alpine-habits"
  rm -rf "$ctx" && mkdir -p "$ctx"
  cat >"$ctx/Dockerfile" <<EOF
FROM $1
RUN apk update && apk add --no-cache curl wget ca-certificates tzdata \\
 && addgroup -S app && adduser -S app -G app \\
 && addgroup -g 2000 crew && adduser -D -u 2000 -G crew sailor \\
 && ! apk add --no-cache python3 make g++
USER app
RUN test "\$(id -un):\$(id -gn)" = app:app
EOF
  run "self-test: Alpine habits in $1" docker build --rm --force-rm --no-cache --network none \
    --label "$SELFTEST_LABEL=true" -t "podlings-selftest/alpine:${1//[:\/]/-}" "$ctx"
  log "  ok  $1: apk add of provided packages, addgroup -S / adduser -S -G (BusyBox style); apk add of others fails"
}

selftest_node_version() { # IMAGE MAJOR
  local v
  v=$(docker run --rm --network none --label "$SELFTEST_LABEL=true" "$1" node --version)
  case "$v" in v"$2".*) log "  ok  $1: node --version is $v" ;; *) die "self-test: $1 runs node $v, expected v$2.x" ;; esac
}

selftest_nginx() {
  local ctx="$CACHE/build/selftest/nginx" name="podlings-selftest-nginx-$$" out
  rm -rf "$ctx" && mkdir -p "$ctx"
  cat >"$ctx/nginx.conf" <<'EOF'
events {}
http {
    server {
        listen 8080;
        location /api/ {
            proxy_pass http://my-app-2-svc:8080/;
        }
    }
}
EOF
  out=$(docker run --rm --network none --add-host my-app-2-svc:127.0.0.1 --label "$SELFTEST_LABEL=true" \
    -v "$ctx/nginx.conf:/etc/nginx/nginx.conf:ro" nginx:alpine nginx -t 2>&1) ||
    die "self-test: nginx -t fails for a minimal learner nginx.conf: $out"
  log "  ok  nginx:alpine: nginx -t passes for a minimal 'events {} http { server { listen 8080; ... } }'"
  run "self-test: start nginx:alpine" docker run -d --name "$name" --label "$SELFTEST_LABEL=true" nginx:alpine
  wait_for PODLINGS_SELFTEST_TIMEOUT "$PODLINGS_SELFTEST_TIMEOUT" "nginx:alpine to serve :80" \
    docker exec "$name" curl -fsS -o /dev/null http://127.0.0.1/
  docker logs "$name" 2>/dev/null | grep -q '"GET / HTTP' || die "self-test: nginx access log does not reach docker logs"
  docker rm -f "$name" >/dev/null
  log "  ok  nginx:alpine: serves /usr/share/nginx/html on :80, access log on stdout"
}

selftest_registry() {
  local name="podlings-selftest-registry-$$" port ctx="$CACHE/build/selftest/scratch" ref
  run "self-test: start registry:2" docker run -d --name "$name" --label "$SELFTEST_LABEL=true" -p 127.0.0.1::5000 registry:2
  port=$(docker port "$name" 5000/tcp | head -1 | sed 's/.*://')
  wait_for PODLINGS_SELFTEST_TIMEOUT "$PODLINGS_SELFTEST_TIMEOUT" "registry:2 on 127.0.0.1:$port" http_ok "http://127.0.0.1:$port/v2/"
  rm -rf "$ctx" && mkdir -p "$ctx"
  echo "podlings self-test" >"$ctx/hello.txt"
  printf 'FROM scratch\nCOPY hello.txt /\n' >"$ctx/Dockerfile"
  ref="127.0.0.1:$port/podlings/selftest:1"
  run "self-test: build a tiny image" docker build --rm --force-rm --label "$SELFTEST_LABEL=true" -t "$ref" "$ctx"
  run "self-test: push to registry:2" docker push "$ref"
  curl -fsS "http://127.0.0.1:$port/v2/_catalog" | grep -q 'podlings/selftest' ||
    die "self-test: registry:2 accepted a push but does not list it"
  docker rmi "$ref" >/dev/null 2>&1 || true
  docker rm -f -v "$name" >/dev/null
  log "  ok  registry:2: docker run -p 127.0.0.1::5000, docker push, /v2/_catalog lists it"
}

selftest_mirror_pull() {
  local ref=node:24-alpine key
  key=$(image_label "$ref" "$KEY_LABEL")
  if docker rmi "$ref" >/dev/null 2>&1; then
    run "self-test: docker pull $ref through the mirror" timeout "$PODLINGS_PULL_TIMEOUT" docker pull "$ref"
  else
    # In use by a container: pulling still has to ask the mirror for the manifest.
    run "self-test: docker pull $ref through the mirror (image in use, not removed)" \
      timeout "$PODLINGS_PULL_TIMEOUT" docker pull "$ref"
  fi
  [ "$(image_label "$ref" "$KEY_LABEL")" = "$key" ] || die "self-test: $ref pulled through the mirror is not the stand-in"
  log "  ok  mirror: docker rmi $ref && docker pull $ref (timeout PODLINGS_PULL_TIMEOUT=$PODLINGS_PULL_TIMEOUT)"
}

# ================================================================ main ============
need_tools
NPM_REGISTRY=$(npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)
NODE_PKG="node-linux-$(node_arch)"
NPM_SPECS=$(collect_npm_specs)
DEPS_HASH=$(printf '%s\n' "$NPM_SPECS" "$NPM_REGISTRY" | sha256sum | cut -c1-8)

# Versions: floating specs are resolved once (remembered in dist/resolved.txt).
NODE22_VERSION=$(resolved "$NODE_PKG" "$NODE22_SPEC")
NPM24_VERSION=$(resolved npm "$NPM24_SPEC")
NPM22_VERSION=$(resolved npm "$NPM22_SPEC")
NPM13_VERSION=$(resolved npm "$NPM13_SPEC")
ROOTFS_ID=$(current_rootfs)
[ "${PODLINGS_REFRESH:-}" = 1 ] && ROOTFS_ID=""
BASE_IMAGE="$BASE_REPO:${ROOTFS_ID#rootfs-}"

node_key() { echo "node-$1+npm-$2+${ROOTFS_ID#rootfs-}+deps-$DEPS_HASH+script-$SCRIPT_HASH"; }
NGINX_KEY="nginx+${ROOTFS_ID#rootfs-}+script-$SCRIPT_HASH"
REGISTRY_KEY="registry+${ROOTFS_ID#rootfs-}+script-$SCRIPT_HASH"

all_fresh() {
  [ -n "$ROOTFS_ID" ] && [ -n "$NODE22_VERSION" ] && [ -n "$NPM24_VERSION" ] &&
    [ -n "$NPM22_VERSION" ] && [ -n "$NPM13_VERSION" ] &&
    fresh node "$(node_key "$NODE24_VERSION" "$NPM24_VERSION")" "${NODE24_TAGS[@]}" &&
    fresh node "$(node_key "$NODE22_VERSION" "$NPM22_VERSION")" "${NODE22_TAGS[@]}" &&
    fresh node "$(node_key "$NODE13_VERSION" "$NPM13_VERSION")" "${NODE13_TAGS[@]}" &&
    fresh nginx "$NGINX_KEY" "${NGINX_TAGS[@]}" &&
    fresh registry "$REGISTRY_KEY" "${REGISTRY_TAGS[@]}"
}

BUILT=()
PUSHED=()
if all_fresh; then
  log "all stand-ins are up to date (script $SCRIPT_HASH, ${ROOTFS_ID})"
else
  # --- downloads (npm registry) ---
  fetch_pkg "$NODE_PKG" "$NODE24_VERSION" && NODE24_TGZ=$PKG_TGZ
  fetch_pkg "$NODE_PKG" "$NODE22_SPEC" && NODE22_VERSION=$PKG_VERSION NODE22_TGZ=$PKG_TGZ
  fetch_pkg "$NODE_PKG" "$NODE13_VERSION" && NODE13_TGZ=$PKG_TGZ
  fetch_pkg npm "$NPM24_SPEC" && NPM24_VERSION=$PKG_VERSION NPM24_TGZ=$PKG_TGZ
  fetch_pkg npm "$NPM22_SPEC" && NPM22_VERSION=$PKG_VERSION NPM22_TGZ=$PKG_TGZ
  fetch_pkg npm "$NPM13_SPEC" && NPM13_VERSION=$PKG_VERSION NPM13_TGZ=$PKG_TGZ
  for v in "$NODE24_VERSION:$NODE24_TGZ" "$NODE22_VERSION:$NODE22_TGZ" "$NODE13_VERSION:$NODE13_TGZ"; do
    unpack_pkg "${v#*:}" "$CACHE/dist/node-${v%%:*}"
  done
  for v in "$NPM24_VERSION:$NPM24_TGZ" "$NPM22_VERSION:$NPM22_TGZ" "$NPM13_VERSION:$NPM13_TGZ"; do
    unpack_pkg "${v#*:}" "$CACHE/dist/npm-${v%%:*}"
  done

  # --- root filesystem (Debian mirror) and base image ---
  if [ -z "$ROOTFS_ID" ]; then
    build_rootfs
    ROOTFS_ID=$(current_rootfs)
    [ -n "$ROOTFS_ID" ] || die "the root filesystem build left no complete folder"
  else
    log "reusing root filesystem $ROOTFS_ID (built $(cat "$CACHE/$ROOTFS_ID/complete"); PODLINGS_REFRESH=1 rebuilds it)"
  fi
  BASE_IMAGE="$BASE_REPO:${ROOTFS_ID#rootfs-}"
  NGINX_KEY="nginx+${ROOTFS_ID#rootfs-}+script-$SCRIPT_HASH"
  REGISTRY_KEY="registry+${ROOTFS_ID#rootfs-}+script-$SCRIPT_HASH"
  ensure_base

  # --- node images ---
  for spec in "24:$NODE24_VERSION:$NPM24_VERSION" "22:$NODE22_VERSION:$NPM22_VERSION" "13:$NODE13_VERSION:$NPM13_VERSION"; do
    IFS=: read -r major nv pv <<<"$spec"
    tags_var="NODE${major}_TAGS[@]"
    tags=("${!tags_var}")
    key=$(node_key "$nv" "$pv")
    if fresh node "$key" "${tags[@]}"; then
      log "node:${tags[0]} and co. are up to date (node $nv, npm $pv)"
      continue
    fi
    npm_cache="$CACHE/npm/npm-$pv-$DEPS_HASH"
    if [ ! -f "$npm_cache/.podlings-complete" ]; then
      t=$(now_s)
      log "baking the npm cache for npm $pv: $(printf '%s' "$NPM_SPECS" | tr '\n' ' ')"
      build_npm_cache "$CACHE/dist/node-$nv/bin/node" "$CACHE/dist/npm-$pv" "$npm_cache"
      log "npm cache for npm $pv: $(du -sh "$npm_cache" | cut -f1) ($(elapsed_since "$t"))"
    fi
    ctx="$CACHE/build/node-$nv"
    write_node_context "$ctx" "$CACHE/dist/node-$nv" "$CACHE/dist/npm-$pv" "$npm_cache" "$nv" "$pv"
    build_group "node-$nv" "$key" "$ctx" "${tags[@]}"
    rm -rf "$ctx"
  done
  # Superseded npm caches and unpacked versions go.
  for d in "$CACHE"/npm/npm-*; do
    [ -e "$d" ] || continue
    case "$(basename "$d")" in
      "npm-$NPM24_VERSION-$DEPS_HASH" | "npm-$NPM22_VERSION-$DEPS_HASH" | "npm-$NPM13_VERSION-$DEPS_HASH") ;;
      *) rm -rf "$d" ;;
    esac
  done

  # --- nginx and registry ---
  if fresh nginx "$NGINX_KEY" "${NGINX_TAGS[@]}"; then
    log "nginx stand-ins are up to date"
  else
    ctx="$CACHE/build/nginx"
    write_nginx_context "$ctx" "$CACHE/$ROOTFS_ID/debs/nginx"
    build_group nginx "$NGINX_KEY" "$ctx" "${NGINX_TAGS[@]}"
    rm -rf "$ctx"
  fi
  if fresh registry "$REGISTRY_KEY" "${REGISTRY_TAGS[@]}"; then
    log "registry stand-ins are up to date"
  else
    ctx="$CACHE/build/registry"
    write_registry_context "$ctx" "$CACHE/$ROOTFS_ID/debs/registry"
    build_group registry "$REGISTRY_KEY" "$ctx" "${REGISTRY_TAGS[@]}"
    rm -rf "$ctx"
  fi
fi

ALL_TAGS=()
for t in "${NODE24_TAGS[@]}" "${NODE22_TAGS[@]}" "${NODE13_TAGS[@]}"; do ALL_TAGS+=("node:$t"); done
for t in "${NGINX_TAGS[@]}"; do ALL_TAGS+=("nginx:$t"); done
for t in "${REGISTRY_TAGS[@]}"; do ALL_TAGS+=("registry:$t"); done

# --- mirror: host process + every tag pushed ---
ensure_mirror
t=$(now_s)
while read -r ref id; do IMAGE_IDS[$ref]=$id; done < <(
  docker image inspect --format '{{index .RepoTags 0}} {{.Id}}' "${ALL_TAGS[@]}" 2>/dev/null || true)
for ref in "${ALL_TAGS[@]}"; do push_to_mirror "$ref"; done
if [ ${#PUSHED[@]} -gt 0 ]; then
  log "pushed ${#PUSHED[@]} tags to the mirror ($(elapsed_since "$t"))"
  gc_mirror
fi
[ ${#BUILT[@]} -eq 0 ] || remove_superseded
ensure_docker_uses_mirror

# --- self-tests ---
if [ "$verify" = 1 ] || { [ "$verify" = auto ] && [ $((${#BUILT[@]} + ${#PUSHED[@]})) -gt 0 ]; }; then
  t=$(now_s)
  log "self-tests (no network inside the builds):"
  trap selftest_cleanup EXIT
  selftest_cleanup
  selftest_node_version node:24-alpine 24
  selftest_node_version node:22 22
  selftest_node_version node:13 13
  selftest_npm node:24-alpine '"express": "^4.17.1"' express
  selftest_npm node:22-alpine '"uuid": "^9", "http-proxy-middleware": "^3", "express": "^4.17.1"' uuid http-proxy-middleware express
  selftest_npm node:13 ''
  selftest_npm node:13 '"express": "^4.17.1"' express
  selftest_alpine_habits node:24-alpine
  selftest_nginx
  selftest_registry
  if [ "$MIRROR_IN_DOCKERD" = 1 ]; then selftest_mirror_pull; else warn "skipped the mirror pull test (dockerd does not use the mirror)"; fi
  selftest_cleanup
  trap - EXIT
  log "self-tests passed ($(elapsed_since "$t"))"
fi

# --- summary ---
log "offline stand-ins (Debian $SUITE based; label $LABEL=true; mirror $PODLINGS_MIRROR_URL):"
declare -A INFO=()
while IFS='|' read -r id size env; do
  INFO[$id]="$size|$env"
done < <(docker image inspect --format '{{.Id}}|{{.Size}}|{{range .Config.Env}}{{.}};{{end}}' "${ALL_TAGS[@]}" 2>/dev/null || true)
NGINX_DEB_VERSION=$(ls "$CACHE/$ROOTFS_ID/debs/nginx" 2>/dev/null | sed -n 's/^nginx_\([^_]*\)_.*/\1/p' | sed 's/%3a/:/')
REGISTRY_DEB_VERSION=$(ls "$CACHE/$ROOTFS_ID/debs/registry" 2>/dev/null | sed -n 's/^docker-registry_\([^_]*\)_.*/\1/p')
{
  printf 'TAG\tIMAGE ID\tSIZE\tCONTENTS\tMIRROR\n'
  for ref in "${ALL_TAGS[@]}"; do
    repo=${ref%%:*} tag=${ref#*:}
    id=${IMAGE_IDS[$ref]:-$(image_id "$ref")}
    info=${INFO[$id]:-"0|"}
    env=";${info#*|}"
    case "$repo" in
      node) nv=${env#*;NODE_VERSION=} pv=${env#*;NPM_VERSION=}
        contents="node ${nv%%;*}, npm ${pv%%;*}" ;;
      nginx) contents="nginx $NGINX_DEB_VERSION" ;;
      registry) contents="docker-registry $REGISTRY_DEB_VERSION" ;;
    esac
    [ "$ref" = nginx:latest ] && ref="nginx:latest (nginx)"
    [ "$ref" = registry:latest ] && ref="registry:latest (registry)"
    state="$MIRROR_DIR/state/$repo-$tag"
    mirror=$([ -f "$state" ] && echo "$PODLINGS_MIRROR_ADDR/library/$repo:$tag" || echo "-")
    printf '%s\t%s\t%s\t%s\t%s\n' "$ref" "${id:7:12}" "$((${info%%|*} / 1000000))MB" "$contents" "$mirror"
  done
} | awk -F'\t' '
  { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NF }
  END { for (r = 1; r <= NR; r++) { line = "   "; for (i = 1; i <= n; i++) line = line sprintf(" %-" w[i] "s", cell[r, i]); sub(/ +$/, "", line); print line } }'
log "offline mode ready in $(elapsed_since "$T0") (log: $LOG)"
