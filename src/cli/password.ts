// Reading a password for the CLI: from the terminal without echo (the `read` package), asked
// twice; or, when stdin is not a terminal, its first line (for scripts: `printf '%s\n' "$PW" |
// gongkai user add …`). Never from argv, where other users of the machine and the shell
// history would see it.

import { read } from 'read';

export class PromptError extends Error {}

let stdinLines: Promise<string[]> | undefined;

async function stdinLine(index: number): Promise<string> {
  stdinLines ??= (async () => {
    let s = '';
    for await (const chunk of process.stdin) {
      s += String(chunk);
      if (s.length > 64 * 1024) break;
    }
    return s.split(/\r?\n/);
  })();
  const line = (await stdinLines)[index];
  if (line === undefined || line === '') throw new PromptError('标准输入中没有密码（第一行） / no password on the first line of stdin');
  return line;
}

/** A new password: typed twice on a terminal, else the first line of stdin. */
export async function readNewPassword(prompt = '新密码 / new password: '): Promise<string> {
  if (!process.stdin.isTTY) return stdinLine(0);
  const a = await read({ prompt, silent: true, replace: '' });
  const b = await read({ prompt: '再输入一次 / again: ', silent: true, replace: '' });
  if (a !== b) throw new PromptError('两次输入的密码不一致 / the two passwords differ');
  return String(a);
}

/** A line typed on the terminal (a user name). */
export async function readLine(prompt: string): Promise<string> {
  return String(await read({ prompt })).trim();
}
