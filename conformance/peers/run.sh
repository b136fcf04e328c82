#!/usr/bin/env bash
# Placeholder until the peers land: Prism and Redocly.
echo "peers: not yet wired"
