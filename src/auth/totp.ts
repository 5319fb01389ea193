// The second factor for administrators: TOTP (RFC 6238) through the otpauth package — SHA-1,
// 6 digits, 30 s steps, what every authenticator app reads from the otpauth:// URI. A code is
// accepted one step early or late (clock drift) and only once: the step last used is stored.

import { Secret, TOTP } from 'otpauth';

const ISSUER = 'gongkai';

function totpOf(secret: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

/** A new random secret (base32, 160 bits) and the URI to show once to the administrator. */
export function newTotp(label: string): { secret: string; uri: string } {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, uri: totpOf(secret, label).toString() };
}

/** The code's time step when it is valid now (±1 step) and later than `lastStep`; else null. */
export function checkTotp(secret: string, code: string, now: Date, lastStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const t = totpOf(secret, 'check');
  const delta = t.validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now.getTime() / 1000 / 30) + delta;
  if (lastStep !== null && step <= lastStep) return null; // replayed
  return step;
}

/** The current code (tests and the CLI's confirmation). */
export const totpCode = (secret: string, now: Date) => totpOf(secret, 'check').generate({ timestamp: now.getTime() });
