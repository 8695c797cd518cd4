// `[ws] host` Origin allow-list (PROTOCOL.md §2.4.2 REC, ruling 8): off when empty; otherwise the
// Origin's host[:port] (scheme stripped) must equal an entry, case-insensitively. An entry
// without a port matches any port of that host; `*.example.com` matches every subdomain.

/** host[:port] of an Origin header value, lower-cased; undefined when there is nothing usable. */
export function originHost(origin: string): string | undefined {
  let s = origin.trim().toLowerCase();
  const scheme = s.indexOf('://');
  if (scheme !== -1) s = s.slice(scheme + 3);
  const slash = s.search(/[/?#]/);
  if (slash !== -1) s = s.slice(0, slash);
  const at = s.lastIndexOf('@');
  if (at !== -1) s = s.slice(at + 1);
  return s.length === 0 || s === 'null' ? undefined : s;
}

function splitPort(hostPort: string): { host: string; port: string | undefined } {
  // [v6]:port, or host:port with exactly one colon.
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    const port = hostPort.slice(end + 1).startsWith(':') ? hostPort.slice(end + 2) : undefined;
    return { host: hostPort.slice(0, end + 1), port };
  }
  const colon = hostPort.lastIndexOf(':');
  if (colon === -1 || hostPort.indexOf(':') !== colon) return { host: hostPort, port: undefined };
  return { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
}

function entryMatches(entry: string, host: string, port: string | undefined): boolean {
  const e = splitPort(originHost(entry) ?? '');
  if (e.host.length === 0) return false;
  if (e.port !== undefined && e.port !== port) return false;
  if (e.host.startsWith('*.')) {
    const suffix = e.host.slice(1); // ".example.com"
    return host.length > suffix.length && host.endsWith(suffix);
  }
  return e.host === host;
}

/** True when the connection may proceed (no list, or a matching entry). */
export function isOriginAllowed(allowed: readonly string[], origin: string | undefined): boolean {
  if (allowed.length === 0) return true;
  if (origin === undefined) return false;
  const hostPort = originHost(origin);
  if (hostPort === undefined) return false;
  const { host, port } = splitPort(hostPort);
  return allowed.some((entry) => entryMatches(entry, host, port));
}
