import { describe, expect, it } from 'vitest';
import { CredentialDefinitionError } from '../../src/errors.js';
import { MintWaits } from '../../src/store/mint-pipeline.js';

const link = (id: string) => ({ id, label: id });

describe('MintWaits (subjectCredential cycles)', () => {
  it('refuses a mint that would wait on itself through another, naming the cycle; a finished wait leaves nothing behind', async () => {
    const waits = new MintWaits();
    let inner: unknown;
    const outer = await waits.wait(link('a'), link('b'), 'a', async () => {
      try {
        await waits.wait(link('b'), link('a'), 'b', async () => 'never');
      } catch (err) {
        inner = err;
      }
      return 'token-b';
    });
    expect(outer).toBe('token-b');
    expect(inner).toBeInstanceOf(CredentialDefinitionError);
    expect((inner as Error).message).toContain('subjectCredential cycle (a -> b -> a)');
    // a no longer waits for b: b may now take a's (cached) token.
    await expect(waits.wait(link('b'), link('a'), 'b', async () => 'token-a')).resolves.toBe('token-a');
  });

  it('refuses a credential asking for its own token, and a three-step cycle', async () => {
    const waits = new MintWaits();
    expect(() => waits.wait(link('a'), link('a'), 'a', async () => 'x')).toThrow('subjectCredential cycle (a -> a)');
    await waits.wait(link('a'), link('b'), 'a', () =>
      waits.wait(link('b'), link('c'), 'b', async () =>
        expect(() => waits.wait(link('c'), link('a'), 'c', async () => 'x')).toThrow(
          'subjectCredential cycle (a -> b -> c -> a)',
        ),
      ),
    );
  });
});
