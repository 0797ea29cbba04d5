/**
 * Client authentication: a function that adds the client's credentials to
 * a token request's form body and headers. Grants do not know which one
 * they were given (the oauth4webapi pattern). One file per method beside
 * this one; {@link ClientAuthentication} (`client-authentication.ts`) picks
 * the method for a credential at each mint.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 */
export type ClientAuth = (form: URLSearchParams, headers: Record<string, string>) => void | Promise<void>;
