#!/usr/bin/env bash
# Runs the official MCP conformance suite (every server scenario) against the conformance
# fixture app built by `npm run build`, and fails unless every check passes.
set -euo pipefail
cd "$(dirname "$0")/../.."

CONFORMANCE_VERSION=0.1.13 # runs on Node 20; keep in step with package.json
PORT="${CONFORMANCE_PORT:-$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}"
URL="http://localhost:${PORT}/mcp"
work="$(mktemp -d)"

PORT="$PORT" node dist/sample/conformance/main.js >"$work/app.log" 2>&1 &
app=$!
trap 'kill "$app" 2>/dev/null || true; rm -rf "$work"' EXIT

for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null && break
  sleep 0.1
done

echo "conformance: @modelcontextprotocol/conformance@${CONFORMANCE_VERSION} --suite all against ${URL}"
set +e
npx --yes "@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}" server \
  --url "$URL" --suite all -o "$work/results" >"$work/suite.log" 2>&1
status=$?
set -e

sed -n '/=== SUMMARY ===/,$p' "$work/suite.log"
total="$(grep '^Total:' "$work/suite.log" || true)"
if [[ $status -ne 0 || -z "$total" || "$total" != *" 0 failed"* ]]; then
  echo "conformance: FAILED (exit ${status})" >&2
  cat "$work/suite.log" "$work/app.log" >&2
  exit 1
fi
# A call to a missing tool still returns a result, and some scenarios accept it: make sure
# no check saw a "not found" answer.
if grep -rlq 'not found' "$work/results"; then
  echo "conformance: a scenario hit a missing tool, resource or prompt:" >&2
  grep -rl 'not found' "$work/results" >&2
  exit 1
fi
