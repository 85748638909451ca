import { Receiver } from '@upstash/qstash';
import { bearerToken, secretMatcher } from '../auth/safe-equal.js';

export interface WorkAuthOptions {
  /** EDGEKUE_WORKER_SECRET: `Authorization: Bearer <secret>`. */
  secret?: string | undefined;
  /** QStash signing keys: both, so a key rotation never refuses a delivery. */
  currentSigningKey?: string | undefined;
  nextSigningKey?: string | undefined;
  /** The URL wake-ups are published to (QStash signs it); default: the request's own URL. */
  url?: string | undefined;
}

/** Why a delivery whose QStash signature did not verify is refused. */
export const INVALID_SIGNATURE = 'invalid QStash signature';

export type WorkAuth = (request: Request, body: string) => Promise<string | undefined>;

/**
 * Who may start a worker run: a holder of the shared secret (compared in constant time), or
 * QStash (a valid signature over this URL and this exact body). Answers why a request is refused,
 * or undefined when it is accepted.
 */
export function workAuth(options: WorkAuthOptions): WorkAuth {
  const secret = options.secret ? secretMatcher(options.secret) : undefined;
  const receiver =
    options.currentSigningKey && options.nextSigningKey
      ? new Receiver({
          currentSigningKey: options.currentSigningKey,
          nextSigningKey: options.nextSigningKey,
          devMode: false,
        })
      : undefined;
  if (!secret && !receiver) {
    return async () =>
      'POST /work is closed: set EDGEKUE_WORKER_SECRET, or QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY';
  }
  return async (request, body) => {
    const bearer = bearerToken(request.headers.get('authorization'));
    if (secret && bearer !== undefined && (await secret(bearer))) return undefined;
    const signature = request.headers.get('upstash-signature');
    if (receiver && signature) {
      try {
        await receiver.verify({ signature, body, url: options.url ?? request.url });
        return undefined;
      } catch {
        return INVALID_SIGNATURE;
      }
    }
    return receiver && secret
      ? 'POST /work needs Authorization: Bearer <worker secret> or a QStash signature'
      : receiver
        ? 'POST /work needs a QStash signature'
        : 'POST /work needs Authorization: Bearer <worker secret>';
  };
}
