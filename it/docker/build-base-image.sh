#!/usr/bin/env bash
# Builds the base image of the container tests from Debian's packages alone (no registry is needed):
# debootstrap a minimal bookworm, add Debian's Java 17 runtime, and `docker import` the result.
#
#   it/docker/build-base-image.sh [image]      (default image: h3servlet/debian-jre:bookworm-17)
#
# The image carries the SHA-256 of this script as a label; when an image with the same label already exists, nothing
# is built. Downloaded .deb files are kept in ${H3SERVLET_CACHE:-~/.cache/h3servlet}/debootstrap-debs for rebuilds.
# Needs root (debootstrap), debootstrap and a running docker daemon; exits with 3 when this machine cannot build it
# (no debootstrap, not root). Set DEBIAN_MIRROR to use another mirror.
set -euo pipefail

image="${1:-h3servlet/debian-jre:bookworm-17}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${H3SERVLET_CACHE:-${HOME}/.cache/h3servlet}"
script_hash="$(sha256sum "${BASH_SOURCE[0]}" | cut -d ' ' -f 1)"
label="dev.h3servlet.base-image.script-sha256"

if [ "$(docker image inspect --format "{{ index .Config.Labels \"${label}\" }}" "${image}" 2>/dev/null)" = "${script_hash}" ]; then
  echo "${image} is up to date (${label}=${script_hash})"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || { echo "debootstrap is missing: apt-get install -y debootstrap" >&2; exit 3; }
[ "$(id -u)" = 0 ] || { echo "debootstrap needs root" >&2; exit 3; }

mkdir -p "${cache}/debootstrap-debs"
rootfs="$(mktemp -d "${cache}/rootfs.XXXXXX")"
trap 'rm -rf "${rootfs}"' EXIT

echo "Building ${image} in ${rootfs} from ${mirror}"
# openjdk-17-jre-headless: the quiche native library (jetty-quiche-native) is linked against glibc, which bookworm's
# 2.36 satisfies; the JNA binding unpacks its own libjnidispatch, so no libjna package is needed.
debootstrap --variant=minbase --include=openjdk-17-jre-headless --cache-dir="${cache}/debootstrap-debs" \
  bookworm "${rootfs}" "${mirror}"
rm -rf "${rootfs}"/var/cache/apt/archives/*.deb "${rootfs}"/var/lib/apt/lists/* "${rootfs}"/tmp/* "${rootfs}"/var/log/*

# Images of an older version of this script, and the images built on them (they inherit the label), are stale now:
# remove them, newest (the children) first.
for stale in $(docker image ls -q --filter "label=${label}" | awk '!seen[$0]++'); do
  docker image rm --force "${stale}" >/dev/null 2>&1 || true
done
java_home="/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)"
tar --numeric-owner -C "${rootfs}" -c . | docker import \
  --change "ENV JAVA_HOME=${java_home}" \
  --change "LABEL ${label}=${script_hash}" \
  --change 'CMD ["java", "-version"]' \
  - "${image}"
echo "Built ${image} (${label}=${script_hash})"
