#!/usr/bin/env bash
# DynamoDB Local needs a Java runtime. Install one on Debian when it is missing (as root), so the
# README commands work on a fresh machine; otherwise say exactly what is needed.
set -euo pipefail
if command -v java >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "curtail: installing a Java runtime for DynamoDB Local (openjdk-17-jre-headless)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  exit 0
fi
echo "curtail: DynamoDB Local needs Java 17 or newer; install a JRE (e.g. openjdk-17-jre-headless) and retry" >&2
exit 1
