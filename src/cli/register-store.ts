// `gongkai register import|export|notice`: the register in the store, Excel, notices.
import { openDb } from '../store/db.js';
import { RegisterStore } from '../register/store.js';
import { UsageError } from './register.js';

/** Opens the store (PGlite in --data DIR, else as `openDb` decides), runs `fn`, closes it. */
export async function withRegisterStore<T>(dataDir: string | undefined, create: boolean, fn: (s: RegisterStore) => Promise<T>): Promise<T> {
  const db = await openDb({ dataDir, create });
  try {
    return await fn(new RegisterStore(db));
  } finally {
    await db.close();
  }
}

export async function runStoreCommand(sub: string, _args: string[]): Promise<number> {
  throw new UsageError(`register ${sub}: not yet`);
}
