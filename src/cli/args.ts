// Command-line options shared by the corpus and account commands: `--name value`, `--name=value`,
// flags, positional arguments; anything else is a UsageError (a message for people, exit 2).

export class UsageError extends Error {}

export interface Parsed {
  opts: Map<string, string>;
  flags: Set<string>;
  positional: string[];
}

/** `refuse(arg)` may throw a UsageError of its own for an argument before it is read (e.g. --password). */
export function parseOptions(args: string[], valued: readonly string[], flagNames: readonly string[], refuse?: (arg: string) => void): Parsed {
  const opts = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    refuse?.(a);
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (valued.includes(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} 需要一个值 / ${name} needs a value`);
      opts.set(name, v);
    } else if (flagNames.includes(a)) flags.add(a);
    else if (a.startsWith('--') || (a.startsWith('-') && a !== '-')) throw new UsageError(`未知选项 ${a} / unknown option`);
    else positional.push(a);
  }
  return { opts, flags, positional };
}
