/** What the DNS-rebinding check looks at in a request. */
export interface HostOriginRequest {
  /** The `Host` header. */
  host?: string;
  /** The `Origin` header, when present. */
  origin?: string;
  /** The local address the request arrived on (`req.socket.localAddress`). */
  localAddress?: string;
}

/** The allow-lists; `undefined` means "the default for this request". */
export interface HostOriginPolicy {
  allowedHosts?: readonly string[];
  allowedOrigins?: readonly string[];
}

/** Host names a server bound to a loopback interface answers to by default. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

const ANY = '*';

/** Whether an address is a loopback one (`127.0.0.0/8`, `::1`, IPv4-mapped loopback). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const ip = address.startsWith('::ffff:') ? address.slice(7) : address;
  return ip === '::1' || /^127\.\d+\.\d+\.\d+$/.test(ip);
}

/** `example.com:8080` → `example.com`; `[::1]:3000` → `[::1]`. */
function hostnameOf(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.lastIndexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}

/** An entry without a port allows any port; an entry with one allows only that port. */
function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const lower = host.trim().toLowerCase();
  return allowed.some((entry) => {
    const e = entry.toLowerCase();
    return e === ANY || e === lower || e === hostnameOf(lower);
  });
}

function parseOrigin(origin: string): URL | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decides whether a request may reach the MCP endpoint (DNS-rebinding protection).
 *
 * - `Host` must be in `allowedHosts`; by default, a request that arrived on a loopback
 *   interface must name a loopback host, and other requests may name any host.
 * - A present `Origin` must be in `allowedOrigins`; by default its host must be an
 *   allowed host, or, when any host is allowed, the request's own `Host`.
 *
 * @returns `undefined` when allowed, else why not.
 */
export function checkHostAndOrigin(
  request: HostOriginRequest,
  policy: HostOriginPolicy,
): string | undefined {
  const hosts =
    policy.allowedHosts ?? (isLoopbackAddress(request.localAddress) ? LOOPBACK_HOSTS : [ANY]);
  const anyHost = hosts.includes(ANY);
  if (!anyHost && (!request.host || !hostAllowed(request.host, hosts))) {
    return `Host ${JSON.stringify(request.host ?? '')} is not allowed`;
  }
  if (request.origin === undefined) return undefined;
  const origin = request.origin.trim().toLowerCase().replace(/\/$/, '');
  if (policy.allowedOrigins) {
    const ok = policy.allowedOrigins.some((o) => o === ANY || o.toLowerCase() === origin);
    return ok ? undefined : `Origin ${JSON.stringify(request.origin)} is not allowed`;
  }
  const url = parseOrigin(origin);
  const ok = url
    ? anyHost
      ? url.host === request.host?.trim().toLowerCase()
      : hostAllowed(url.host, hosts)
    : false;
  return ok ? undefined : `Origin ${JSON.stringify(request.origin)} is not allowed`;
}
