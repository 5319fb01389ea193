// Passwords: Argon2id through @node-rs/argon2, the parameters of OWASP's password storage cheat
// sheet (19 MiB of memory, 2 passes, 1 lane): about 30–60 ms per hash on this class of machine,
// slow enough to make guessing from a stolen database expensive, fast enough for a login. A
// stored hash made with other parameters still verifies and is re-hashed at the next login.

import { hash, verify, Algorithm } from '@node-rs/argon2';

export const ARGON2_PARAMS = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19_456, // KiB
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const;

/** The PHC prefix every hash made with ARGON2_PARAMS starts with. */
export const HASH_PREFIX = `$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$`;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

/** Why a new password is refused (a message for people), or null. */
export function passwordProblem(password: string, name?: string): string | null {
  const n = [...password].length;
  if (n < MIN_PASSWORD_LENGTH) return `密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符 / the password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (n > MAX_PASSWORD_LENGTH) return `密码不能超过 ${MAX_PASSWORD_LENGTH} 个字符 / the password may have at most ${MAX_PASSWORD_LENGTH} characters`;
  if (name && password.toLowerCase().includes(name.toLowerCase())) return '密码不能包含用户名 / the password must not contain the user name';
  if (new Set(password).size < 4) return '密码过于简单 / the password is too simple';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMS);
}

/** A hash made with a random password, verified against when the user does not exist, so both cases take as long. */
let dummy: Promise<string> | undefined;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH * 4) return false;
  if (!stored) {
    dummy ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false; // not an Argon2 string
  }
}

export const needsRehash = (stored: string) => !stored.startsWith(HASH_PREFIX);
