import { randomInt as cryptoRandomInt, randomUUID } from 'node:crypto';
import { bindArguments, type Callee, stdlibError } from './arguments.js';

/**
 * `uuid()`: a random (version 4) UUID, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/functions/UUIDFunction.java
 */
export function uuidFunction(...raw: unknown[]): string {
  bindArguments({ kind: 'function', name: 'uuid' }, [], raw);
  return randomUUID();
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A UUID as FriendlyId (Devskiller's `Url62`) writes it: its 128 bits as a base-62 number. */
export function friendlyId(uuid: string): string {
  let n = BigInt(`0x${uuid.replaceAll('-', '')}`);
  if (n === 0n) return '0';
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

/**
 * `id()`: a random identifier as Kestra makes its execution ids (a random
 * UUID in base 62, up to 22 letters and digits, e.g. `7NLCAyd6sKR7kDHxgAWFPG`).
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/functions/IDFunction.java (IdUtils.create, FriendlyId)
 */
export function idFunction(...raw: unknown[]): string {
  bindArguments({ kind: 'function', name: 'id' }, [], raw);
  return friendlyId(randomUUID());
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

function intArgument(callee: Callee, args: Map<string, unknown>, name: string): number {
  if (!args.has(name)) throw stdlibError(callee, `expects an argument '${name}'`);
  const v = args.get(name);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < INT_MIN || v > INT_MAX) {
    throw stdlibError(callee, `expects an argument '${name}' with type Integer`);
  }
  return v;
}

/**
 * `randomInt(lower, upper)`: a random whole number from `lower` included
 * to `upper` excluded (`lower` when both are equal); both must be whole
 * numbers in Java's `int` range, `upper` not below `lower`. Text such as
 * `"1"` is refused, as in Kestra.
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/functions/RandomIntFunction.java
 */
export function randomIntFunction(...raw: unknown[]): number {
  const callee: Callee = { kind: 'function', name: 'randomInt' };
  const args = bindArguments(callee, ['lower', 'upper'], raw);
  const lower = intArgument(callee, args, 'lower');
  const upper = intArgument(callee, args, 'upper');
  if (upper < lower) throw stdlibError(callee, "'upper' is less than 'lower'");
  if (upper === lower) return lower;
  return cryptoRandomInt(lower, upper);
}
