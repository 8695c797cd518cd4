/** A peer's address as shown to users (users_in_pipes, USER()): IPv4-mapped IPv6 as plain IPv4. */
export function peerAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
