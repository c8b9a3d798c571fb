#!/usr/bin/env bash
# Provision the unboxed workshop VM (Ubuntu 24.04, amd64 or arm64).
#
# Usage (as root):  provision.sh [GO_MOD_VERSION]
#
#   GO_MOD_VERSION      the `go` directive from go.mod, e.g. "1.24" (the
#                       Vagrantfile passes it). A bare "1.24" installs the
#                       latest patch release listed in GO_PATCH below.
#   UNBOXED_GO_VERSION  (env) exact Go release to install instead, e.g. 1.24.11
#
# Safe to re-run (`vagrant provision`): every step checks before it changes.
set -euo pipefail

# Latest patch release this script knows for each Go minor version.
# Bump these when a new patch release is out.
declare -A GO_PATCH=(
  [1.24]=1.24.11
)

PACKAGES=(
  git
  busybox-static
  build-essential
  curl
  ca-certificates
  iproute2
  runc
  less
)

GOROOT_DIR=/usr/local/go
PROFILE_FILE=/etc/profile.d/go.sh
SUDOERS_FILE=/etc/sudoers.d/unboxed-go
SYSCTL_FILE=/etc/sysctl.d/60-unboxed-userns.conf
USERNS_KEY=kernel.apparmor_restrict_unprivileged_userns
USERNS_PROC=/proc/sys/kernel/apparmor_restrict_unprivileged_userns

log() { printf 'unboxed: %s\n' "$*"; }
die() { printf 'unboxed: error: %s\n' "$*" >&2; exit 1; }

WORKDIR=""
cleanup() { if [[ -n $WORKDIR ]]; then rm -rf -- "$WORKDIR"; fi; }
trap cleanup EXIT

# write_file MODE DEST: install stdin as DEST (root-owned) unless DEST already
# has exactly that content. Logs whether it changed anything.
write_file() {
  local mode=$1 dest=$2 tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if [[ -f $dest ]] && cmp -s "$tmp" "$dest"; then
    rm -f -- "$tmp"
    log "unchanged: $dest"
    return 0
  fi
  install -o root -g root -m "$mode" "$tmp" "$dest"
  rm -f -- "$tmp"
  log "wrote: $dest"
}

# version_ge A B: true if version A >= version B.
version_ge() {
  [[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" == "$2" ]]
}

[[ $(id -u) -eq 0 ]] || die "run as root (vagrant runs this with privileged: true)"

# --- Go version ---------------------------------------------------------------

GO_MOD_VERSION=${1:-}
if [[ -n $GO_MOD_VERSION && ! $GO_MOD_VERSION =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?$ ]]; then
  die "invalid go.mod version '${GO_MOD_VERSION}' (expected e.g. 1.24 or 1.24.3)"
fi
if [[ -n ${UNBOXED_GO_VERSION:-} ]]; then
  GO_VERSION=$UNBOXED_GO_VERSION
  log "Go version ${GO_VERSION} (from UNBOXED_GO_VERSION)"
elif [[ -n $GO_MOD_VERSION ]]; then
  if [[ $GO_MOD_VERSION =~ ^[0-9]+\.[0-9]+$ ]]; then
    minor=$GO_MOD_VERSION
  else
    minor=${GO_MOD_VERSION%.*}
  fi
  known=${GO_PATCH[$minor]:-}
  if [[ -n $known ]] && version_ge "$known" "$GO_MOD_VERSION"; then
    GO_VERSION=$known
  elif [[ $GO_MOD_VERSION =~ ^[0-9]+\.[0-9]+$ ]]; then
    GO_VERSION=${GO_MOD_VERSION}.0
    log "note: no known patch release for Go ${minor}; using ${GO_VERSION} (add it to GO_PATCH)"
  else
    GO_VERSION=$GO_MOD_VERSION
  fi
  log "Go version ${GO_VERSION} (go.mod says go ${GO_MOD_VERSION})"
else
  die "no Go version: pass go.mod's version as the first argument or set UNBOXED_GO_VERSION"
fi
[[ $GO_VERSION =~ ^[0-9]+\.[0-9]+(\.[0-9]+|(rc|beta)[0-9]+)?$ ]] ||
  die "invalid Go version '${GO_VERSION}' (expected e.g. 1.24.11)"

ARCH=$(dpkg --print-architecture)
case $ARCH in
  amd64 | arm64) ;;
  *) die "unsupported architecture '${ARCH}' (need amd64 or arm64)" ;;
esac
log "architecture: ${ARCH}"

# --- Packages -----------------------------------------------------------------

export DEBIAN_FRONTEND=noninteractive
# On first boot unattended-upgrades may hold the dpkg lock; wait for it.
APT_OPTS=(-q -y -o DPkg::Lock::Timeout=600)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]} > 0)); then
  log "apt-get update"
  apt-get "${APT_OPTS[@]}" update
  log "installing packages: ${missing[*]}"
  apt-get "${APT_OPTS[@]}" install --no-install-recommends "${PACKAGES[@]}"
else
  log "packages already installed: ${PACKAGES[*]}"
fi

# --- Go -----------------------------------------------------------------------

installed=""
if [[ -f $GOROOT_DIR/VERSION ]]; then
  installed=$(head -n 1 "$GOROOT_DIR/VERSION")
fi
if [[ $installed == "go${GO_VERSION}" ]]; then
  log "Go ${GO_VERSION} already installed in ${GOROOT_DIR}"
else
  tarball="go${GO_VERSION}.linux-${ARCH}.tar.gz"
  WORKDIR=$(mktemp -d)
  log "downloading https://go.dev/dl/${tarball}"
  curl -fsSL --retry 3 --retry-delay 2 -o "$WORKDIR/$tarball" "https://go.dev/dl/${tarball}" ||
    die "download failed; is go${GO_VERSION} a real release? (see https://go.dev/dl/)"
  curl -fsSL --retry 3 --retry-delay 2 -o "$WORKDIR/$tarball.sha256" "https://dl.google.com/go/${tarball}.sha256" ||
    die "could not download the checksum for ${tarball}"
  read -r want_sum _ <"$WORKDIR/$tarball.sha256" || true
  [[ ${want_sum:-} =~ ^[0-9a-f]{64}$ ]] || die "malformed checksum file for ${tarball}"
  (cd "$WORKDIR" && printf '%s  %s\n' "$want_sum" "$tarball" | sha256sum --check --quiet -) ||
    die "checksum mismatch for ${tarball}"
  log "checksum ok"
  tar --no-same-owner -C "$WORKDIR" -xzf "$WORKDIR/$tarball"
  [[ "$(head -n 1 "$WORKDIR/go/VERSION")" == "go${GO_VERSION}" ]] ||
    die "unexpected contents in ${tarball}"
  rm -rf -- "$GOROOT_DIR"
  mv -- "$WORKDIR/go" "$GOROOT_DIR"
  log "installed Go ${GO_VERSION} in ${GOROOT_DIR}${installed:+ (replaced ${installed})}"
fi

write_file 0644 "$PROFILE_FILE" <<'EOF'
# Managed by unboxed (vagrant/provision.sh): put Go on PATH for all users.
case ":${PATH}:" in
  *:/usr/local/go/bin:*) ;;
  *) PATH="/usr/local/go/bin:${PATH}" ;;
esac
export PATH
EOF

# `sudo go ...` uses sudo's secure_path, not the user's PATH.
sudoers_tmp=$(mktemp)
cat >"$sudoers_tmp" <<'EOF'
# Managed by unboxed (vagrant/provision.sh): make `sudo go` work.
Defaults secure_path="/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin"
EOF
if ! visudo -cf "$sudoers_tmp" >/dev/null; then
  rm -f -- "$sudoers_tmp"
  die "generated sudoers file failed visudo -c"
fi
write_file 0440 "$SUDOERS_FILE" <"$sudoers_tmp"
rm -f -- "$sudoers_tmp"

# --- Unprivileged user namespaces ---------------------------------------------

# Ubuntu 23.10+ lets AppArmor block unprivileged user namespaces, which the
# rootless lessons need. Lift that restriction now and on every boot.
if [[ -e $USERNS_PROC ]]; then
  write_file 0644 "$SYSCTL_FILE" <<EOF
# Managed by unboxed (vagrant/provision.sh): allow unprivileged user namespaces.
${USERNS_KEY} = 0
EOF
  sysctl -q -p "$SYSCTL_FILE"
  userns_now=$(sysctl -n "$USERNS_KEY")
  log "applied: ${USERNS_KEY} = ${userns_now}"
else
  log "skipped ${SYSCTL_FILE}: ${USERNS_KEY} not present in this kernel"
fi

# --- Done ---------------------------------------------------------------------

go_version_out=$(cd / && GOTOOLCHAIN=local "$GOROOT_DIR/bin/go" version)
log "$go_version_out"
echo "unboxed: ready — run: cd ~/unboxed && go run ./lessons"
