import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { installedVersion, requireWrittenFor, type WrittenFor } from '../../patches/version-guard';

const PATCHES = join(__dirname, '..', '..', 'patches');
const patchFiles = readdirSync(PATCHES).filter((file) => file.endsWith('.ts') && file !== 'version-guard.ts');

describe('library patches', () => {
  it('are the five the patches README lists', () => {
    expect(patchFiles.sort()).toEqual([
      'apollo-createhash-once.ts',
      'apollo-gateway-lean-process.ts',
      'hive-delegate-fix.ts',
      'typeorm-sqlite-parameters.ts',
      'typeorm-sqlite-transactions.ts',
    ]);
  });

  it.each(patchFiles)('%s loads on the installed version and declares the versions it was written for', async (file) => {
    const patch = (await import(join(PATCHES, file))) as { WRITTEN_FOR?: WrittenFor };
    expect(patch.WRITTEN_FOR).toEqual({ library: expect.any(String), from: expect.any(String), below: expect.any(String) });
    const { library, from, below } = patch.WRITTEN_FOR!;
    expect(() => requireWrittenFor(file, patch.WRITTEN_FOR!, installedVersion(library))).not.toThrow();
    // Just outside the range either way, the patch refuses to load, naming itself and the version.
    const [major] = below.split('.').map(Number);
    expect(() => requireWrittenFor(file, patch.WRITTEN_FOR!, below)).toThrow(
      `Patch ${file} was written for ${library} >=${from} <${below}, but ${below} is installed`,
    );
    expect(() => requireWrittenFor(file, patch.WRITTEN_FOR!, `${major! + 1}.0.0`)).toThrow(
      /check the patch against this version/,
    );
    const [fromMajor, fromMinor, fromPatch] = from.split('.').map(Number);
    const earlier =
      fromPatch! > 0
        ? `${fromMajor}.${fromMinor}.${fromPatch! - 1}`
        : fromMinor! > 0
          ? `${fromMajor}.${fromMinor! - 1}.99`
          : `${fromMajor! - 1}.99.99`;
    expect(() => requireWrittenFor(file, patch.WRITTEN_FOR!, earlier)).toThrow(/was written for/);
  });

  it('compares versions by number, not as text', () => {
    const range: WrittenFor = { library: 'x', from: '1.9.0', below: '1.10.0' };
    expect(() => requireWrittenFor('p', range, '1.9.12')).not.toThrow();
    expect(() => requireWrittenFor('p', range, '1.10.0')).toThrow();
    expect(() => requireWrittenFor('p', range, '1.1.0')).toThrow();
    expect(() => requireWrittenFor('p', range, 'latest')).toThrow('Not a version: latest');
  });

  it('reads the installed version from the copy require would load', () => {
    expect(installedVersion('typeorm')).toMatch(/^1\.1\.\d+$/);
  });
});
