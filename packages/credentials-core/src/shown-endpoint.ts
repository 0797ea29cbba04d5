/**
 * An endpoint as credflow shows it (lists, `credentials test`, token
 * errors): a URL without its query string, fragment or user info (an
 * operator may have put a client secret there), anything else as it is.
 */
export function shownEndpoint(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    return u.search || u.hash || u.username || u.password ? `${u.origin}${u.pathname}` : endpoint;
  } catch {
    return endpoint;
  }
}
