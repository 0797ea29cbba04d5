import type { ClientAuth } from './client-auth.js';

/**
 * `tls_client_auth` and `self_signed_tls_client_auth` (mutual TLS): the TLS
 * client certificate authenticates, so the body carries only `client_id`
 * (required by RFC 8705 section 2). The certificate is presented by the
 * connection (see `tlsAgent` in `tls-agent.ts`, checked by
 * `checkClientCertificate` in `client-certificate.ts`), not by this function.
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 */
export function tlsClientAuth(clientId: string): ClientAuth {
  return (form) => {
    form.set('client_id', clientId);
  };
}
