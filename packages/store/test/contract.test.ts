import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ContractStore, runStoreContract } from '../src/contract.js';
import { createEmbeddedStore } from '../src/index.js';

runStoreContract('embedded (memory)', async (clock) => {
  const store = await createEmbeddedStore({ clock });
  return { store, cleanup: () => store.close() };
});

runStoreContract(
  'embedded (directory)',
  async (clock) => {
    const dir = await mkdtemp(join(tmpdir(), 'chit-store-'));
    const open = async (): Promise<ContractStore> => {
      const store = await createEmbeddedStore({ dir, clock });
      return {
        store,
        reopen: async () => {
          await store.close();
          return open();
        },
        cleanup: async () => {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    };
    return open();
  },
  { restarts: true },
);
