import { VersionedSnapshot } from '../../../subgraphs/runtime/versioned-snapshot';

describe('VersionedSnapshot', () => {
  /** A store whose value and version the test changes; it counts its loads. */
  function store() {
    const state = { value: 'v1 rows', version: 'a'.repeat(32), loads: 0 };
    const load = async () => {
      state.loads += 1;
      return state.value;
    };
    return { state, load };
  }

  it('loads once while the version reads the same', async () => {
    const snapshot = new VersionedSnapshot<string>();
    const { state, load } = store();
    expect(await snapshot.read(state.version, load)).toBe('v1 rows');
    expect(await snapshot.read(state.version, load)).toBe('v1 rows');
    expect(state.loads).toBe(1);
  });

  it('loads again as soon as the version changes, and keeps the new value', async () => {
    const snapshot = new VersionedSnapshot<string>();
    const { state, load } = store();
    await snapshot.read(state.version, load);
    Object.assign(state, { value: 'v2 rows', version: 'b'.repeat(32) });
    expect(await snapshot.read(state.version, load)).toBe('v2 rows');
    expect(await snapshot.read(state.version, load)).toBe('v2 rows');
    expect(state.loads).toBe(2);
  });

  it('never goes back to a value it replaced, even if an older version is asked for', async () => {
    const snapshot = new VersionedSnapshot<string>();
    const { state, load } = store();
    const first = state.version;
    await snapshot.read(first, load);
    Object.assign(state, { value: 'v2 rows', version: 'b'.repeat(32) });
    await snapshot.read(state.version, load);
    // A request that read the first version before the write: it loads, it does not get v1's rows back.
    expect(await snapshot.read(first, load)).toBe('v2 rows');
    expect(state.loads).toBe(3);
  });

  it('requests that find the same new version share one load', async () => {
    const snapshot = new VersionedSnapshot<string>();
    const { state, load } = store();
    const answers = await Promise.all([1, 2, 3].map(() => snapshot.read(state.version, load)));
    expect(answers).toEqual(['v1 rows', 'v1 rows', 'v1 rows']);
    expect(state.loads).toBe(1);
  });

  it('a failed load fails its callers and is forgotten: the next read loads again, never an older value', async () => {
    const snapshot = new VersionedSnapshot<string>();
    const { state, load } = store();
    await snapshot.read(state.version, load);
    state.version = 'c'.repeat(32);
    await expect(snapshot.read(state.version, () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    state.value = 'v3 rows';
    expect(await snapshot.read(state.version, load)).toBe('v3 rows');
    expect(state.loads).toBe(2);
  });
});
