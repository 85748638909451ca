import type { Context, MiddlewareHandler } from 'hono';
import { secretMatcher } from './safe-equal.js';

/**
 * Auth for the API and the dashboard: a bearer token and/or a basic-auth user and password,
 * compared in constant time. With neither configured, only this machine is served, so a forgotten
 * setting never exposes a queue to the network.
 */
export interface AuthOptions {
  token?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  /** The client's address as the entry point knows it; undefined counts as not loopback. */
  remoteAddress?: ((c: Context) => string | undefined) | undefined;
  realm?: string;
  /** Told once why requests are refused. */
  warn?: (message: string) => void;
}

const ipv4Loopback = /^127(\.(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})){3}$/;

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  let a = address.trim().toLowerCase();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  if (a.startsWith('::ffff:')) a = a.slice(7);
  return ipv4Loopback.test(a);
}

/** Headers a local reverse proxy adds: then the loopback socket stands for someone else. */
const forwardingHeaders = ['x-forwarded-for', 'x-real-ip', 'forwarded', 'cf-connecting-ip'];

function forwardedFromElsewhere(c: Context): boolean {
  for (const name of forwardingHeaders) {
    const value = c.req.header(name);
    if (value === undefined) continue;
    const hops =
      name === 'forwarded'
        ? [...value.matchAll(/for="?([^;,"]+)"?/gi)].map((m) => m[1] ?? '')
        : value.split(',');
    if (hops.length === 0 || !hops.every((hop) => isLoopback(hop))) return true;
  }
  return false;
}

function decodeBasic(value: string): string | undefined {
  try {
    const bytes = Uint8Array.from(atob(value.trim()), (ch) => ch.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

const SET_AUTH =
  'set EDGEKUE_AUTH_TOKEN (16+ characters), or EDGEKUE_AUTH_USER and EDGEKUE_AUTH_PASSWORD';

export const unconfiguredMessage = `edgekue serves only this machine until auth is configured: ${SET_AUTH}`;

/** Where no caller can be local (a platform that gives no client address, as Vercel). */
export const unconfiguredRemoteMessage = `edgekue answers no request until auth is configured (no caller of this deployment is local: it has no client address to tell, as on Vercel, or createApp() was given no remoteAddress): ${SET_AUTH}`;

export function auth(options: AuthOptions): MiddlewareHandler {
  const realm = options.realm ?? 'edgekue';
  const token = options.token ? secretMatcher(options.token) : undefined;
  const basic =
    options.user && options.password
      ? secretMatcher(`${options.user}:${options.password}`)
      : undefined;
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const refusal = options.remoteAddress ? unconfiguredMessage : unconfiguredRemoteMessage;
  let warned = false;

  async function authorised(header: string | undefined): Promise<boolean> {
    if (!header) return false;
    const space = header.indexOf(' ');
    if (space < 0) return false;
    const scheme = header.slice(0, space).toLowerCase();
    const value = header.slice(space + 1).trim();
    if (scheme === 'bearer' && token) return token(value);
    if (scheme === 'basic' && basic) {
      const pair = decodeBasic(value);
      return pair !== undefined && basic(pair);
    }
    return false;
  }

  return async function auth(c, next) {
    if (!token && !basic) {
      if (isLoopback(options.remoteAddress?.(c)) && !forwardedFromElsewhere(c)) return next();
      if (!warned) {
        warned = true;
        warn(`edgekue: refusing requests from other hosts: ${refusal}`);
      }
      return c.json({ error: refusal }, 403);
    }
    if (await authorised(c.req.header('authorization'))) return next();
    c.header(
      'WWW-Authenticate',
      basic ? `Basic realm="${realm}", charset="UTF-8"` : `Bearer realm="${realm}"`,
    );
    const schemes = [token && 'Bearer <token>', basic && 'Basic <user:password>'].filter(Boolean);
    return c.json(
      { error: `authentication required: send Authorization: ${schemes.join(' or ')}` },
      401,
    );
  };
}
