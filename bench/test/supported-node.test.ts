import { requireSupportedNode } from '../hive/supported-node';

describe("the peer's Node", () => {
  it('is refused below 22.15, the oldest its packages support', () => {
    expect(() => requireSupportedNode('20.20.2')).toThrow('Hive Gateway needs Node 22.15 or later; this is Node 20.20.2');
    expect(() => requireSupportedNode('22.14.0')).toThrow('needs Node 22.15 or later');
  });

  it('is accepted from 22.15, and the Node running the bench is one', () => {
    expect(() => requireSupportedNode('22.15.0')).not.toThrow();
    expect(() => requireSupportedNode('24.11.0')).not.toThrow();
    expect(() => requireSupportedNode()).not.toThrow();
  });
});
