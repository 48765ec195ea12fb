/**
 * The oldest Node that Hive Gateway's packages declare they support (`@whatwg-node/promise-helpers`
 * and `disposablestack`, under its runtime, need 22.15). The peer is compared only on a Node it
 * supports: an earlier bench ran it on Node 20, which it does not.
 */
export const HIVE_OLDEST_NODE = [22, 15] as const;

/** Throws, naming both versions, unless `version` (e.g. `24.22.3`) is one Hive Gateway supports. */
export function requireSupportedNode(version: string = process.versions.node): void {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [oldestMajor, oldestMinor] = HIVE_OLDEST_NODE;
  if (major > oldestMajor || (major === oldestMajor && minor >= oldestMinor)) return;
  throw new Error(`Hive Gateway needs Node ${oldestMajor}.${oldestMinor} or later; this is Node ${version}`);
}
