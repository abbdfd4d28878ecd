#!/bin/sh
# install-deps.sh - the Debian packages the transparent-TLS benchmark
# (bench/run.sh) drives: stunnel4 (the proxy pair it is compared with),
# iperf3 (bulk throughput) and openssl (certificates).  Needs root; the
# project's own dependencies are installed by scripts/install-deps.sh.
set -eu
pkgs="stunnel4 iperf3 openssl"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: run as root, or install: $pkgs" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $pkgs
