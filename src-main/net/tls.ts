/**
 * Trusting an extra certificate authority (a private CA for an LMS or a custom cloud, and the
 * simulators) on top of the public roots, for the Entra and LMS HTTPS agents.
 */
import type https from 'node:https';
import tls from 'node:tls';

/**
 * The extra CA goes in as one secure context, built once. Given as `ca`, node builds a context
 * for every new socket and puts all ~150 roots into the agent's pool key: about 1 ms a request.
 */
export function extraCaOptions(extraCaPem: string | null | undefined): https.AgentOptions {
  if (!extraCaPem) return {};
  const ca = [...tls.rootCertificates, extraCaPem];
  try {
    return { secureContext: tls.createSecureContext({ ca }) };
  } catch {
    // A PEM OpenSSL refuses: let the connection fail on it, as a TLS error the user can act on.
    return { ca };
  }
}
